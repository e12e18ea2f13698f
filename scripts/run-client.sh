#!/bin/sh
# Start the client, or say plainly why it cannot show a window here.
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] \
   && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set)."
  echo "VeiligBalie is a desktop application: start it from a desktop session, or on a"
  echo "headless machine under a virtual screen:"
  echo "  sudo apt-get install xvfb && xvfb-run -a make run"
  exit 1
fi
exec .venv/bin/veiligbalie "$@"
