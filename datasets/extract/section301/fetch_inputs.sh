#!/bin/sh
# Copy the upstream inputs of extract.py out of local git snapshots of the three public
# repositories, at the commits pinned in inputs.csv, into an input directory laid out as
#   INPUT_DIR/<owner>+<repo>/<path>
# Usage: fetch_inputs.sh [MIRROR_DIR [INPUT_DIR]]
#   MIRROR_DIR (default: $POLICYDATA_MIRROR_ROOT; no default location) holds one git directory per
#   repository, named <owner>+<repo>/repo (a bare clone works too); INPUT_DIR defaults to ./inputs
#   beside this script (ignored by git).
# The sha256 of every file is checked against inputs.csv here and again by extract.py before it reads it.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR_DIR=${1:-${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT or pass MIRROR_DIR}}
INPUT_DIR=${2:-$HERE/inputs}
tail -n +2 "$HERE/inputs.csv" | while IFS=, read -r repo commit path sha256 bytes; do
  owner_repo=$(echo "$repo" | tr / +)
  mkdir -p "$INPUT_DIR/$owner_repo/$(dirname "$path")"
  git -C "$MIRROR_DIR/$owner_repo/repo" show "$commit:$path" > "$INPUT_DIR/$owner_repo/$path"
  echo "$sha256  $INPUT_DIR/$owner_repo/$path"
done | sha256sum --quiet -c
