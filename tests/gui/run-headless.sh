#!/bin/sh
# run-headless.sh PROGRAM [ARGS…]: runs a GUI test on a private Xvfb.
#
# Under CI (CI set) a missing Xvfb fails the test; elsewhere it is a skip,
# said the way the test's protocol says it: a TAP plan of none for a TAP
# test (one given --tap), exit status 77 for any other.
#
# SPDX-License-Identifier: GPL-3.0-or-later

tap=false
for arg in "$@"; do
  [ "$arg" = --tap ] && tap=true
done

if ! command -v xvfb-run >/dev/null 2>&1 || ! command -v Xvfb >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    if $tap; then
      echo "Bail out! xvfb-run and Xvfb are needed for the GUI tests under CI"
    else
      echo "xvfb-run and Xvfb are needed for the GUI tests under CI" >&2
    fi
    exit 1
  fi
  if $tap; then
    echo "1..0 # SKIP xvfb-run or Xvfb is not installed"
    exit 0
  fi
  echo "SKIP: xvfb-run or Xvfb is not installed" >&2
  exit 77
fi

# No accessibility bus: these tests look at widgets, not at AT-SPI.
export GTK_A11Y=none
export NO_AT_BRIDGE=1

# A private session bus, so that nothing reaches the user's session and
# GApplication never tries to autolaunch one.
dbus=
if command -v dbus-run-session >/dev/null 2>&1; then
  dbus="dbus-run-session --"
else
  unset DBUS_SESSION_BUS_ADDRESS
fi

exec $dbus xvfb-run --auto-servernum --server-args="-screen 0 1280x1024x24 -nolisten tcp" "$@"
