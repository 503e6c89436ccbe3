#!/usr/bin/env bash
# Whole-process timings, one run on one machine: the `survmeta` release binary against `Rscript` with
# metafor 3.8 on the same files (../shared/bench), and reconstruction against the plain-R Guyot
# implementation in R/guyot_timing.R. Each command is run RUNS times (default 3); the table gives the
# median wall time and the largest peak resident set size (GNU time's %e and %M).
# Needs R with metafor (never needed by `make test`). Usage, from the repository root:
#   make release && bash Benchmarks/whole_process.sh > Benchmarks/results/whole-process.md
set -euo pipefail
BIN=${SURVMETA:-.build/release/survmeta}
DATA=${BENCH_DATA:-../shared/bench}
KM=${KM_DATA:-../shared/data/km-digitized}
RUNS=${RUNS:-3}
TIME=/usr/bin/time
[ -x "$BIN" ] || { echo "no release binary at $BIN: run make release" >&2; exit 1; }
[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install time" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# median seconds and max RSS (MB) of RUNS runs of "$@"
measure() {
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    "$TIME" -f "%e %M" -o "$scratch/t" "$@" > /dev/null 2> "$scratch/err" || { cat "$scratch/err" >&2; echo "failed: $*" >&2; exit 1; }
    read -r e m < <(tail -n 1 "$scratch/t")
    times+=("$e"); [ "$m" -gt "$rss" ] && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((rss / 1024))"
}

R() { Rscript --vanilla -e "suppressMessages(library(metafor)); $1"; }
row() { # name, R command, survmeta arguments...
  local name=$1 rcode=$2; shift 2
  read -r rt rm < <(measure Rscript --vanilla -e "suppressMessages(library(metafor)); $rcode")
  read -r st sm < <(measure "$BIN" "$@")
  awk -v n="$name" -v rt="$rt" -v rm="$rm" -v st="$st" -v sm="$sm" \
    'BEGIN { printf "| %s | %.2f s / %d MB | %.3f s / %d MB | %.0f× |\n", n, rt, rm, st, sm, (st > 0 ? rt / st : 0) }'
}

echo "Whole process, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, median of $RUNS runs; $(Rscript --version 2>&1 | head -n 1), metafor $(Rscript -e 'cat(as.character(packageVersion("metafor")))')."
echo
echo "| workload | Rscript + metafor (time / peak RSS) | survmeta (time / peak RSS) | speed-up |"
echo "|---|---:|---:|---:|"
for k in 10 100 1000; do
  row "rma REML k=$k" "d <- read.csv('$DATA/bench_k$k.csv'); r <- rma(yi, vi, data = d, method = 'REML')" \
    pool "$DATA/bench_k$k.csv" --method REML --format json
done
row "rma DL k=10000" "d <- read.csv('$DATA/bench_k10000.csv'); r <- rma(yi, vi, data = d, method = 'DL')" \
  pool "$DATA/bench_k10000.csv" --method DL --format json
row "rma REML + confint (Q-profile) k=1000" "d <- read.csv('$DATA/bench_k1000.csv'); r <- rma(yi, vi, data = d); ci <- confint(r)" \
  pool "$DATA/bench_k1000.csv" --method REML --format json
row "leave1out REML k=100" "d <- read.csv('$DATA/bench_k100.csv'); l <- leave1out(rma(yi, vi, data = d))" \
  loo "$DATA/bench_k100.csv" --format json
row "influence REML k=100" "d <- read.csv('$DATA/bench_k100.csv'); l <- influence(rma(yi, vi, data = d))" \
  influence "$DATA/bench_k100.csv" --format json
row "trimfill REML k=1000" "d <- read.csv('$DATA/bench_k1000.csv'); t <- trimfill(rma(yi, vi, data = d))" \
  bias "$DATA/bench_k1000.csv" --only trimfill --format json
head -n 1001 "$DATA/bench_k10000_mods5.csv" > "$scratch/mods5_k1000.csv"
row "meta-regression REML 5 moderators k=1000" "d <- read.csv('$scratch/mods5_k1000.csv'); r <- rma(yi, vi, mods = ~ x1 + x2 + x3 + x4 + x5, data = d)" \
  metareg "$scratch/mods5_k1000.csv" --mods x1,x2,x3,x4,x5 --format json
row "permutest 1000 REML mods=~x1 k=100" "d <- read.csv('$DATA/bench_k100_mod1.csv'); set.seed(1234); p <- permutest(rma(yi, vi, mods = ~ x1, data = d), iter = 1000, progbar = FALSE)" \
  metareg "$DATA/bench_k100_mod1.csv" --mods x1 --permutations 1000 --seed 1234 --format json

# Reconstruction: all four real curves in one process each side.
cat > "$scratch/guyot4.R" <<REOF
source_lines <- readLines("Benchmarks/R/guyot_timing.R")
eval(parse(text = source_lines[seq_len(grep("^root <-", source_lines) - 1)]))
for (cs in list(c("$KM/IPDfromKM/Radiationdata_radio.csv", "$KM/IPDfromKM/Radiationdata_radio_nar.csv", 100),
                c("$KM/IPDfromKM/Radiationdata_radioplus.csv", "$KM/IPDfromKM/Radiationdata_radioplus_nar.csv", 100),
                c("$KM/reconstructKM/pbo_clicks.csv", "$KM/reconstructKM/pbo_NAR.csv", 1),
                c("$KM/reconstructKM/pembro_clicks.csv", "$KM/reconstructKM/pembro_NAR.csv", 1))) {
  cl <- read.csv(cs[1]); nar <- read.csv(cs[2]); invisible(guyot(cl\$time, cl\$survival / as.numeric(cs[3]), nar\$time, nar\$nrisk))
}
REOF
read -r rt rm < <(measure Rscript --vanilla "$scratch/guyot4.R")
cat > "$scratch/recon4.sh" <<SEOF
set -e
"$BIN" reconstruct --curve "$KM/IPDfromKM/Radiationdata_radio.csv" --risk-table "$KM/IPDfromKM/Radiationdata_radio_nar.csv" --percent --format json
"$BIN" reconstruct --curve "$KM/IPDfromKM/Radiationdata_radioplus.csv" --risk-table "$KM/IPDfromKM/Radiationdata_radioplus_nar.csv" --percent --format json
"$BIN" reconstruct --curve "$KM/reconstructKM/pbo_clicks.csv" --risk-table "$KM/reconstructKM/pbo_NAR.csv" --format json
"$BIN" reconstruct --curve "$KM/reconstructKM/pembro_clicks.csv" --risk-table "$KM/reconstructKM/pembro_NAR.csv" --format json
SEOF
read -r st sm < <(measure bash "$scratch/recon4.sh")
awk -v rt="$rt" -v rm="$rm" -v st="$st" -v sm="$sm" \
  'BEGIN { printf "| reconstruct the 4 real curves (R: plain Guyot, R/guyot_timing.R) | %.2f s / %d MB | %.3f s / %d MB | %.0f× |\n", rt, rm, st, sm, rt / st }'
