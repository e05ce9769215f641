#!/usr/bin/env bash
# `make bench`: a clinic network's worth of data on PostgreSQL, then the load run.
# Uses DATABASE_URL when set (it must be PostgreSQL); otherwise starts a throwaway
# PostgreSQL 15 on a Unix socket (durability off, as in CI) and removes it afterwards.
# Extra arguments go to run_load.py, e.g. `make bench BENCH_ARGS="--concurrency 8"`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=.ci/postgres.sh
source .ci/postgres.sh
PY=.venv/bin/python

if [[ -z "${DATABASE_URL:-}" ]]; then
    trap stop_postgres EXIT
    start_postgres
    "$PG_BIN/createdb" -h "$PG_DIR" -U postgres rehabit
    export DATABASE_URL="postgres://postgres@${PG_DIR//\//%2F}/rehabit"
fi
echo "== migrate"
DJANGO_DEBUG=1 $PY manage.py migrate --noinput -v0
echo "== dataset (${BENCH_DATASET_ARGS:-defaults})"
# shellcheck disable=SC2086
DJANGO_DEBUG=1 $PY benchmarks/generate_dataset.py --reset ${BENCH_DATASET_ARGS:-}
echo "== load run"
# shellcheck disable=SC2086
$PY benchmarks/run_load.py "$@"
