#!/bin/sh
# Copy the upstream inputs of extract.py out of local git snapshots of the three public
# repositories, at the commits pinned in inputs.csv, into an input directory laid out as
#   INPUT_DIR/<owner>+<repo>/<path>
# Usage: fetch_inputs.sh MIRROR_DIR INPUT_DIR
#   MIRROR_DIR holds one git directory per repository, named <owner>+<repo>/repo
#   (a bare clone works too: point MIRROR_DIR/<owner>+<repo>/repo at it).
# extract.py checks the sha256 of every file before it reads it.
set -eu
MIRROR_DIR=$1
INPUT_DIR=$2
HERE=$(dirname "$0")
tail -n +2 "$HERE/inputs.csv" | while IFS=, read -r repo commit path sha256 bytes; do
  owner_repo=$(echo "$repo" | tr / +)
  mkdir -p "$INPUT_DIR/$owner_repo/$(dirname "$path")"
  git -C "$MIRROR_DIR/$owner_repo/repo" show "$commit:$path" > "$INPUT_DIR/$owner_repo/$path"
done
