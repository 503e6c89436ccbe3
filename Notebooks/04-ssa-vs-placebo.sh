#!/usr/bin/env bash
# %% [markdown]
# # 04 — Somatostatin analogues vs placebo: progression
#
# PROMID (octreotide LAR, time to progression, HR 0.34) and CLARINET (lanreotide, PFS, HR 0.47):
# hazard ratios with 95% CIs, pooled on the log scale. TTP and PFS are pooled together, as reviews
# of this question do; the output notes it.
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 04-ssa-vs-placebo)

# %% Pooled HR (REML) with forest plot
"$SURVMETA" report --export ssa-vs-placebo-pfs-ttp-hr > "$OUT/pfs_ttp.csv"
"$SURVMETA" pool "$OUT/pfs_ttp.csv" --format json --output "$OUT/pfs_ttp.json" --svg "$OUT/pfs_ttp_forest.svg"
"$SURVMETA" pool "$OUT/pfs_ttp.csv"

# %% Overall survival: PROMID's long-term follow-up only (CLARINET's OS is a gap in the data)
"$SURVMETA" report --only ssa-vs-placebo-os-hr --results -
