#!/bin/sh
# Copy the upstream input files of extract_nomenclature.py and change_record_dates.py into ./inputs/
# from local git mirrors (e.g. made with `git clone --mirror`), at the pinned commits below.
# Every file is then checked against MANIFEST.sha256.
#   TRT   github.com/arifshehab/tariff-rate-tracker  @ 9919812fe16ad61d72318dc7b96d387cc6c226da
#   HSD   github.com/datasets/harmonized-system      @ 905e5a0fa29f5700d62cb3cc1265f21bc8a92329 (HS 2022)
#                                                    @ a72bef25b2749cd04a824b8b46b71c89e566b4bb (HS 2017)
#   CONC  github.com/insongkim/concordance           @ 201c812e51f213d967d8701b6ed6398c79df4a04
# Mirror locations: POLICYDATA_MIRROR_ROOT holds one git directory per repository, <owner>+<repo>/repo;
# TRT, HSD or CONC (a git directory each) override it per repository. There is no default location.
set -eu
TRT=${TRT:-${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT (or TRT, HSD and CONC)}/arifshehab+tariff-rate-tracker/repo}
HSD=${HSD:-${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT (or TRT, HSD and CONC)}/datasets+harmonized-system/repo}
CONC=${CONC:-${POLICYDATA_MIRROR_ROOT:?set POLICYDATA_MIRROR_ROOT (or TRT, HSD and CONC)}/insongkim+concordance/repo}
TRT_C=9919812fe16ad61d72318dc7b96d387cc6c226da
cd "$(dirname "$0")"
mkdir -p inputs/hts_archives inputs/change_records
for p in $(git -C "$TRT" ls-tree --name-only "$TRT_C" data/hts_archives/ | grep 'json.gz$'); do
  git -C "$TRT" show "$TRT_C:$p" > "inputs/hts_archives/$(basename "$p")"
done
for p in $(git -C "$TRT" ls-tree --name-only "$TRT_C" data/hts_change_record/ | grep '_change_record.pdf$'); do
  git -C "$TRT" show "$TRT_C:$p" > "inputs/change_records/$(basename "$p")"
done
git -C "$TRT" show "$TRT_C:config/revision_dates.csv" > inputs/revision_dates.csv
git -C "$HSD" show 905e5a0fa29f5700d62cb3cc1265f21bc8a92329:data/harmonized-system.csv > inputs/harmonized-system-hs2022.csv
git -C "$HSD" show a72bef25b2749cd04a824b8b46b71c89e566b4bb:data/harmonized-system.csv > inputs/harmonized-system-hs2017.csv
git -C "$CONC" show 201c812e51f213d967d8701b6ed6398c79df4a04:data-raw/HS2022toHS2017ConversionAndCorrelationTables.xlsx \
  > inputs/HS2022toHS2017ConversionAndCorrelationTables.xlsx
cd inputs && sha256sum --quiet -c ../MANIFEST.sha256
