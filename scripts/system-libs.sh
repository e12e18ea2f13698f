#!/bin/sh
# Qt needs a few system libraries for a real display (xcb) and for sound.
# Installs them when running as root with apt-get; otherwise prints the exact command.
# `system-libs.sh test` adds what the tests use for a real X11 display (Xvfb, xdotool);
# without them those few tests skip and say why.
set -u
extra=""
[ "${1:-}" = "test" ] && extra="xvfb xauth xdotool poppler-utils"
[ "$(uname -s)" = "Linux" ] || exit 0
command -v dpkg-query >/dev/null 2>&1 || { echo "note: not a Debian/Ubuntu system; make sure Qt's xcb libraries and libpulse are installed"; exit 0; }
need=""
for pkg in libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libxcb-xkb1 \
           libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-shape0 libegl1 libgl1 \
           libfontconfig1 libdbus-1-3 libpulse0 $extra; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need="$need $pkg"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system libraries Qt needs:$need"
  (apt-get install -y -qq $need >/dev/null 2>&1) || \
    (apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null) || {
      echo "Could not install:$need" >&2; exit 1; }
else
  echo "Qt needs these system libraries for a real display and sound. Install them with:"
  echo "  sudo apt-get install$need"
fi
