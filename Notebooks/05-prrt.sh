#!/usr/bin/env bash
# %% [markdown]
# # 05 — PRRT with 177Lu-DOTATATE
#
# NETTER-1: PFS HR 0.21 (0.13–0.33) from the primary analysis (its only copy with a CI is a
# secondary source, flagged) and final OS HR 0.84 (0.60–1.17); and the Rotterdam single-arm
# cohort (Brabander 2017): median PFS 29 and OS 63 months with 95% CIs.
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 05-prrt)

# %% NETTER-1 hazard ratios
"$SURVMETA" report --export prrt-pfs-ttp-hr > "$OUT/netter1_pfs.csv"
"$SURVMETA" pool "$OUT/netter1_pfs.csv" --format json --output "$OUT/netter1_pfs.json"
"$SURVMETA" report --export prrt-os-hr > "$OUT/netter1_os.csv"
"$SURVMETA" pool "$OUT/netter1_os.csv" --format json --output "$OUT/netter1_os.json"
"$SURVMETA" pool "$OUT/netter1_os.csv"

# %% Rotterdam cohort medians (log scale, SE from the CI)
"$SURVMETA" report --export prrt-os-median > "$OUT/brabander_os.csv"
"$SURVMETA" median "$OUT/brabander_os.csv" --format json --output "$OUT/brabander_os.json"
