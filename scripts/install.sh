#!/bin/sh
# Installs apogee: a release build copied to PREFIX/bin (default ~/.local/bin).
#   scripts/install.sh [PREFIX]
# The installed binary works from any folder: themes and keymaps are built in
# (overridable from $XDG_CONFIG_HOME/apogee/themes and keymaps), and the demo market is
# written into $XDG_DATA_HOME/apogee/ on its first run. It uses the Swift runtime of
# the toolchain it was built with; for a machine without Swift, build with
# `swift build -c release --static-swift-stdlib` and copy .build/release/apogee.
set -eu
cd "$(dirname "$0")/.."
prefix="${1:-$HOME/.local}"
swift build -c release
install -d "$prefix/bin"
install -m 755 .build/release/apogee "$prefix/bin/apogee"
echo "installed $prefix/bin/apogee"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH" ;; esac
