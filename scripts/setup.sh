#!/usr/bin/env bash
# Set up the project's virtual environment from uv.lock. Idempotent: a second run takes seconds.
# Sourced by serve.sh and check.sh; needs only python3 (3.11+) and network access to PyPI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UV_PYTHON_DOWNLOADS=never  # use this machine's python3; uv may not download one here
if command -v uv >/dev/null 2>&1; then
    UV=uv
else
    # uv is not on a fresh machine: keep it in a small git-ignored tool venv.
    if [ ! -x .tools/bin/uv ]; then
        python3 -m venv .tools
        .tools/bin/pip install --quiet --disable-pip-version-check uv
    fi
    UV=.tools/bin/uv
fi
# Compiled once here, so that no process compiles the libraries' sources again: a command such
# as `academy report` otherwise spends more time compiling Python than answering, wherever
# bytecode is not written at run time (PYTHONDONTWRITEBYTECODE, a read-only install).
export UV_COMPILE_BYTECODE=1
"$UV" sync --locked --quiet --python python3
.venv/bin/python -m compileall -q training_app modules metrics >/dev/null
