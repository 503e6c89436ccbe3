#!/usr/bin/env bash
# %% [markdown]
# # 06 — Sensitivity: every estimator, every test, leave-one-out, secondary sources
#
# How much do the pooled figures depend on the analyst's choices? The grid runs every τ² estimator
# × z / Knapp–Hartung / ad hoc tests × leave-one-out (× every transform for landmark rates) and
# says whether the conclusion holds. The last cell reruns the whole report with secondary-source
# figures added (those that do not overlap a pooled report).
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 06-sensitivity)

# %% SSA vs placebo, progression: does the CI exclude HR = 1 under every analysis?
"$SURVMETA" report --export ssa-vs-placebo-pfs-ttp-hr > "$OUT/ssa.csv"
"$SURVMETA" sensitivity "$OUT/ssa.csv" --format json --output "$OUT/ssa_grid.json" --svg "$OUT/ssa_speccurve.svg"
"$SURVMETA" sensitivity "$OUT/ssa.csv" | tail -1

# %% Intra-arterial 5-year OS under every transform and estimator
"$SURVMETA" report --export intra-arterial-os-5y > "$OUT/ia5.csv"
"$SURVMETA" sensitivity "$OUT/ia5.csv" --format csv --output "$OUT/ia5_grid.csv" --svg "$OUT/ia5_speccurve.svg"

# %% The whole report with secondary sources added
"$SURVMETA" report --include-secondary --format json --results - > "$OUT/report_with_secondary.json"
echo "report with secondary sources: $OUT/report_with_secondary.json"
