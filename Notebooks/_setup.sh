# Shared set-up of the notebooks (sourced, not run): where survmeta is and where results go.
# SURVMETA: the binary (default: the release build); RESULTS: the output folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SURVMETA=${SURVMETA:-.build/release/survmeta}
RESULTS=${RESULTS:-results/notebooks}
notebook_dir() { local d="$RESULTS/$1"; mkdir -p "$d"; echo "$d"; }
