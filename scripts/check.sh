#!/usr/bin/env bash
# Set everything up, then run the whole gate: format, lint, import contracts, types and every
# test (unit, AppTest and end-to-end in Debian's headless Chromium). CI runs exactly this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

if [ ! -x /usr/bin/chromium ]; then
    # Playwright cannot download its own browser here; the end-to-end tests use Debian's.
    echo "Installing Debian's chromium for the browser tests..."
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
.venv/bin/pytest "$@"
