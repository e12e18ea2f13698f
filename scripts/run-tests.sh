#!/bin/sh
# The whole test suite: unit, GUI (offscreen), server (SQLite and, where PostgreSQL's
# binaries exist, a throwaway cluster the tests start themselves), end-to-end.
set -u
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m pytest "$@"
status=$?
# pytest exits 5 when it collected nothing: that is a failure of the suite, not a pass.
exit $status
