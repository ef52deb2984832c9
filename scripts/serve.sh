#!/usr/bin/env bash
# Set everything up, then serve the app on data/academy.duckdb (demo data on first start).
# Extra arguments go to `academy serve`, e.g. --port 8600 or --db other.duckdb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/academy serve "$@"
