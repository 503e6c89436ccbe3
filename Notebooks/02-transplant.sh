#!/usr/bin/env bash
# %% [markdown]
# # 02 — Liver transplantation: pooled 5-year survival
#
# Mazzaferro 2016 (Milan-NET criteria, 42 transplanted) and Le Treut 2013 (ELTR registry, 213)
# report very different 5-year OS (97.2% vs 52%): selection differs. The pooled estimate comes with
# a prediction interval that shows how little a single number summarises these series.
source "$(dirname "$0")/_setup.sh"
OUT=$(notebook_dir 02-transplant)

# %% Figures and pooled 5-year OS (REML, cloglog)
"$SURVMETA" report --export transplant-os-5y > "$OUT/os5.csv"
"$SURVMETA" landmark "$OUT/os5.csv" --format json --output "$OUT/os5.json" --svg "$OUT/os5_forest.svg"
"$SURVMETA" landmark "$OUT/os5.csv"

# %% With two heterogeneous series the Knapp–Hartung interval is far wider
"$SURVMETA" landmark "$OUT/os5.csv" --test knha --format json --output "$OUT/os5_knha.json"
