#!/bin/sh
# Rebuild the extracted tables of datasets/sources from the pinned upstream inputs (see README.md here).
#
#   POLICYDATA_MIRROR_ROOT=DIR PYTHON=VENV/bin/python sh datasets/extract/run_all.sh
#
# POLICYDATA_MIRROR_ROOT: a directory holding one git directory per upstream repository, <owner>+<repo>/repo
#   (e.g. made with `git clone --mirror`). When it is set, every extraction first copies its inputs into its
#   ignored inputs/ folder (fetch_inputs.sh); when it is not set, the inputs already there are used. Either way
#   every input is checked against its sha256 before it is read. There is no default location.
# PYTHON: a Python 3.11 with pdfplumber, openpyxl and pyreadr (a throwaway venv outside the repository;
#   default python3.11). combine.py needs the standard library only.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3.11}
export PYTHON="$PY"

if [ -n "${POLICYDATA_MIRROR_ROOT:-}" ]; then
  echo "== fetch inputs from $POLICYDATA_MIRROR_ROOT"
  sh "$HERE/nomenclature/fetch_inputs.sh"
  sh "$HERE/us_lists/fetch_inputs.sh"
  sh "$HERE/section301/fetch_inputs.sh"
  sh "$HERE/china/fetch_inputs.sh"
else
  echo "== POLICYDATA_MIRROR_ROOT not set: using the inputs already in */inputs/ (checked by sha256)"
fi

# Order: nomenclature first (us_lists reads nomenclature/out/); the three list extractions are independent
# of each other; combine last.
echo "== nomenclature"
(cd "$HERE/nomenclature" && "$PY" change_record_dates.py --inputs inputs/change_records && "$PY" extract_nomenclature.py)
echo "== us_lists"
"$PY" "$HERE/us_lists/extract_us_lists.py"
echo "== section301"
"$PY" "$HERE/section301/extract.py"
echo "== china"
"$PY" "$HERE/china/extract.py" build
echo "== combine"
"$PY" "$HERE/combine.py"
