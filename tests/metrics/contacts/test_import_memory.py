"""An import's memory stays within its cap plus a bounded overhead, whatever the file holds.

Each import runs as `academy import` in a process of its own, with `IMPORT_MEMORY_LIMIT` set to a
small cap, and reports its own peak: `VmHWM`, the high-water mark of the memory it mapped since it
started. (Not `ru_maxrss`, which Linux starts at the high-water mark of the process that started
the child: under pytest, that of the whole test run.) The peak is compared with the child's
resident memory once everything the import uses is loaded (Python, DuckDB, pandas, the
command line), so what is judged is the import's own growth: at most the cap plus
OVERHEAD_MB, which is DuckDB's memory outside its limit (readers' buffers, the allocator's
slack) and does not grow with the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from metrics.store import PROJECT_ROOT

CAP_MB = 128  # small enough that the file's rows are several times the cap
# Measured on this 2-core machine at 300,000 rows and a 128 MB cap: a file whose rows all load
# grew 181-184 MB over its baseline (the cap and ~55 MB of DuckDB's outside its limit); one whose
# rows were all refused grew 332-336 MB while the import brought every problem into Python.
OVERHEAD_MB = 110  # twice that excess
ROWS = 300_000

CHILD = """
import json, sys
import training_app.invocation as invocation
import metrics.contacts.imports, modules.policy  # loaded before the baseline: not the import's
from training_app.cli import main

def status(key):
    line = next(line for line in open('/proc/self/status') if line.startswith(key + ':'))
    return int(line.split()[1]) / 1024

invocation.IMPORT_MEMORY_LIMIT = sys.argv[3]
baseline = status('VmRSS')
code = main(['import', sys.argv[1], '--db', sys.argv[2]])
print(json.dumps({'code': code, 'baseline_mb': baseline, 'peak_mb': status('VmHWM')}))
"""


def write_contacts(path: Path, rows: int, channel: str) -> None:
    """A generic CSV of `rows` contacts, every one on `channel`, each answered by one of 50
    agents, some rated."""
    with duckdb.connect() as db:
        db.execute(
            f"""
            COPY (
                SELECT 'C' || i AS interaction_id, '{channel}' AS channel,
                       'agent' || (i % 50) || '@example.org' AS agent_email,
                       'Agent ' || (i % 50) AS agent_name, 'Front line' AS team,
                       strftime(TIMESTAMP '2025-03-01 08:00:00' + INTERVAL (i) SECOND,
                                '%Y-%m-%dT%H:%M:%SZ') AS queued_at,
                       strftime(TIMESTAMP '2025-03-01 08:00:30' + INTERVAL (i) SECOND,
                                '%Y-%m-%dT%H:%M:%SZ') AS answered_at,
                       'K' || (i // 2) AS case_id,
                       CASE WHEN i % 5 = 0 THEN 1 + i % 5 END AS csat
                FROM range({rows}) t(i)
            ) TO '{path}' (HEADER)
            """
        )


def import_apart(file: Path, store: Path) -> tuple[dict[str, object], float]:
    """`academy import FILE` in a process of its own under CAP_MB: its JSON answer, and how far
    its peak rose above its baseline (MB)."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(file), str(store), f"{CAP_MB}MB"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    answer, measured = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    assert measured["code"] == 0, done.stderr
    return answer, measured["peak_mb"] - measured["baseline_mb"]


def test_a_file_whose_every_row_is_refused_stays_within_the_cap(tmp_path: Path) -> None:
    # Every row's channel is unknown: as many problems as rows, which the import used to bring
    # into Python whole (about half a gigabyte per million).
    file = tmp_path / "refused.csv"
    write_contacts(file, ROWS, "fax")
    answer, growth = import_apart(file, tmp_path / "store.duckdb")
    assert answer["rejected"] == ROWS
    assert growth < CAP_MB + OVERHEAD_MB


def test_a_file_whose_every_row_loads_stays_within_the_cap(tmp_path: Path) -> None:
    file = tmp_path / "contacts.csv"
    write_contacts(file, ROWS, "chat")
    answer, growth = import_apart(file, tmp_path / "store.duckdb")
    assert answer["loaded"] == ROWS
    assert growth < CAP_MB + OVERHEAD_MB
