#!/bin/sh
# Copy the upstream inputs of extract_us_lists.py into ./inputs/ from a local git mirror of
# github.com/arifshehab/tariff-rate-tracker at the pinned commit, then check them against MANIFEST.sha256.
# Mirror location: TRT (a git directory), or POLICYDATA_MIRROR_ROOT/arifshehab+tariff-rate-tracker/repo.
# There is no default location.
set -eu
TRT=${TRT:-${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT (or TRT)}/arifshehab+tariff-rate-tracker/repo}
C=9919812fe16ad61d72318dc7b96d387cc6c226da
cd "$(dirname "$0")"
mkdir -p inputs
git -C "$TRT" show "$C:data/us_notes/chapter99_2026_rev_6.txt" > inputs/chapter99_2026_rev_6.txt
for f in annex_ii_first_appearance.csv ieepa_exempt_products.csv s122_exempt_products.csv s232_metal_chapter_products.csv \
         s232_derivative_products.csv s232_copper_products.csv s232_auto_parts.txt s232_mhd_parts.txt s232_semi_products.csv s232_annex_products.csv; do
  git -C "$TRT" show "$C:resources/$f" > "inputs/$f"
done
cd inputs && sha256sum --quiet -c ../MANIFEST.sha256
