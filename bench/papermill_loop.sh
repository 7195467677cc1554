#!/usr/bin/env bash
# What a user would otherwise write: the papermill command once per notebook, one after another.
#   bench/papermill_loop.sh JOBS.tsv
# Each line of JOBS.tsv: template notebook, output notebook, parameters file (JSON is YAML),
# working folder. PAPERMILL names the command (default: papermill on the PATH).
set -euo pipefail
papermill=${PAPERMILL:-papermill}
while IFS=$'\t' read -r template output parameters folder; do
  "$papermill" "$template" "$output" -f "$parameters" -k python3 --cwd "$folder" \
    --no-progress-bar --log-level WARNING
done < "$1"
