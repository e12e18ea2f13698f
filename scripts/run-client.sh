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

# Ctrl+C (or closing the terminal) is how a developer stops the client: that is a normal
# end, not an error for make to report ("make: *** [run] Interrupt/Terminated"). So the
# client runs as a child, the signal is passed on to it, and its end by that signal counts
# as success. The short pause lets make enter its own signal handling first: GNU make 4.3
# loses track of a child that ends at the same instant ("wait: No child processes").
.venv/bin/veiligbalie "$@" &
client=$!
trap 'sleep 0.2; kill -TERM "$client" 2>/dev/null' INT TERM HUP
status=0
wait "$client" 2>/dev/null || status=$?
while kill -0 "$client" 2>/dev/null; do
  status=0
  wait "$client" 2>/dev/null || status=$?
done
case $status in
  129 | 130 | 143) exit 0 ;;  # ended by SIGHUP, SIGINT or SIGTERM: stopped on purpose
esac
exit "$status"
