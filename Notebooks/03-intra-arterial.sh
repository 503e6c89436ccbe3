#!/usr/bin/env bash
# %% [markdown]
# # 03 — Intra-arterial therapy: 3- and 5-year survival
#
# TACE (Dong 2011), radioembolization (Memon 2012) and the intra-arterial arm of Mayo 2011 (mixed
# embolization techniques). 3-year OS pools Dong and Memon; 5-year OS pools Mayo 2011 and Dong.
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 03-intra-arterial)

# %% 3-year OS
"$SURVMETA" report --export intra-arterial-os-3y > "$OUT/os3.csv"
"$SURVMETA" landmark "$OUT/os3.csv" --format json --output "$OUT/os3.json" --svg "$OUT/os3_forest.svg"

# %% 5-year OS
"$SURVMETA" report --export intra-arterial-os-5y > "$OUT/os5.csv"
"$SURVMETA" landmark "$OUT/os5.csv" --format json --output "$OUT/os5.json" --svg "$OUT/os5_forest.svg"
"$SURVMETA" landmark "$OUT/os5.csv"
