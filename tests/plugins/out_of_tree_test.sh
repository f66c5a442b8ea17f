#!/bin/sh
# Installs pathhub's SDK into a scratch prefix, builds plugins/examples/echo outside the tree
# with find_package(pathhub), and checks that the hub loads it.
#   out_of_tree_test.sh BUILD_DIR SOURCE_DIR PATHHUB_PROGRAM
set -eu
build=$1 source=$2 pathhub=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" --component dev > "$scratch/install.log"
cmake -S "$source/plugins/examples/echo" -B "$scratch/echo" -G Ninja \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" > "$scratch/configure.log"
cmake --build "$scratch/echo" > "$scratch/build.log"
PATHHUB_PLUGIN_PATH="$scratch/echo" "$pathhub" --list-plugins > "$scratch/list.txt"
cat "$scratch/list.txt"
grep -q "^example_echo 1.0.0 (ABI 1\.[0-9]*, $scratch/echo/example_echo.so)" "$scratch/list.txt"
grep -q "destination echo: logs each message's id and size" "$scratch/list.txt"
grep -q "prefix (text, default \"echo\")" "$scratch/list.txt"
