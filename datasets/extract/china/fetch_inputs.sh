#!/bin/sh
# Copy the upstream inputs of extract.py into ./inputs/ (files named by their sha256, each checked) from local
# git snapshots of the repositories pinned in INPUTS of extract.py.
# Mirror location: POLICYDATA_MIRROR_ROOT holds one git directory per repository, <owner>+<repo>/repo.
# There is no default location. PYTHON (default python3.11) runs the script; it needs no extra library for this step.
set -eu
: "${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT}"
HERE=$(cd "$(dirname "$0")" && pwd)
"${PYTHON:-python3.11}" "$HERE/extract.py" fetch-inputs --mirror "$POLICYDATA_MIRROR_ROOT" --inputs "$HERE/inputs"
