#!/usr/bin/env bash
# %% [markdown]
# # 01 — Hepatic resection and debulking: pooled survival
#
# Five-year overall survival after surgical management of NET liver metastases, from the series
# marked for default pooling in Datasets/net-liver-metastases (Mayo 2010, Morgan 2018). Both report
# a rate and N only, so each variance is binomial (optimistic: it ignores censoring) — the output
# says so. The rate is pooled on the complementary log-log scale, then on the logit scale to show
# the transform matters little here.
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 01-resection)

# %% The figures, with their outcome ids and sources
"$SURVMETA" report --export resection-os-5y > "$OUT/os5.csv"
cat "$OUT/os5.csv"

# %% Pooled 5-year OS (REML, cloglog), with a forest plot
"$SURVMETA" landmark "$OUT/os5.csv" --transform cloglog --format json --output "$OUT/os5_cloglog.json" --svg "$OUT/os5_forest.svg"
"$SURVMETA" landmark "$OUT/os5.csv" --transform cloglog

# %% The same on the logit scale
"$SURVMETA" landmark "$OUT/os5.csv" --transform logit --format json --output "$OUT/os5_logit.json"

# %% Ten-year OS has a single series (Mayo 2010): reported, not pooled
"$SURVMETA" report --only resection-os-10y --results -
