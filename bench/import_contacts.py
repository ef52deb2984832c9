"""Benchmark of `academy import` on a generated generic CSV of a million contacts.

1. Generates the file set-wise in DuckDB (`COPY (SELECT ... FROM range(N)) TO ...`), every draw
   from `hash(row * 100 + stream)` so it is the same on every run: one year of contacts in
   2025, 3 teams, 200 agents named in Croatian, Latvian, Hebrew and Turkish (half the rows give
   the agent's e-mail and name, half the name only), all four channels, ~4% abandoned, ~80%
   of answered contacts resolved, ~20% rated 1-5, some with a comment, naive local times and a
   fifth with an explicit offset.
2. Runs `academy import FILE --db STORE` as a separate process on a fresh store (every agent
   and team is new) and measures its wall time and peak resident memory (that child's own
   `ru_maxrss`, from `wait4`), then checks the JSON it printed: every row loaded.
3. Runs the same import again (every row a duplicate, nothing written) and a dry run of the
   file on another fresh store, each timed the same way.

The times are wall-clock times of the whole command, Python's start-up included (~2 s: the
command line imports pandas through `metrics.demo`).

Targets: the first import under 15 s and every run under 1 GB peak memory on this 2-core
machine. It exits 1 when a target fails. Run it on a quiet machine: it prints the load average.

Run: `.venv/bin/python bench/import_contacts.py [--rows 1000000] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
ACADEMY = [sys.executable, "-m", "training_app.cli"]
DEFAULT_ROWS = 1_000_000
IMPORT_MAX_S = 15.0
PEAK_MAX_MB = 1024.0

FIRST_NAMES = ["Ivana", "Līga", "Yael", "Ayşe", "Šime", "Dāvis", "Noa", "Mehmet", "Željka", "Ēriks"]
LAST_NAMES = [
    "Horvat",
    "Bērziņa",
    "Cohen",
    "Yıldız",
    "Šimić",
    "Ozols",
    "לוי",
    "Öztürk",
    "Kovač",
    "Kalniņš",
]
TEAMS = ["Front line", "Orders and delivery", "Technical support"]
AGENTS = 200
OPEN_SECONDS = int(9.5 * 3600)  # 07:30 to 17:00
COMMENTS = ["Hvala, brzo riješeno.", "Paldies!", "תודה רבה", "Çok teşekkürler", "Slow answer."]


def generate(path: Path, rows: int) -> None:
    """Write the generic CSV of `rows` contacts (see the module docstring)."""

    def draw(stream: int) -> str:
        # A uniform 0..1 from the row and a stream number: repeatable in parallel.
        return f"(hash(i * 100 + {stream}) % 1000000) / 1000000.0"

    first = "[" + ", ".join(f"'{n}'" for n in FIRST_NAMES) + "]"
    last = "[" + ", ".join(f"'{n}'" for n in LAST_NAMES) + "]"
    teams = "[" + ", ".join(f"'{t}'" for t in TEAMS) + "]"
    comments = "[" + ", ".join(f"'{c}'" for c in COMMENTS) + "]"
    per_day = -(-rows // 365)  # contacts per day, rounded up
    sql = f"""
    COPY (
    WITH base AS (
        SELECT i,
               CAST(floor({draw(1)} * {AGENTS}) AS INTEGER) AS agent,
               -- Within opening hours (07:30-17:00), so no time falls in a change of clocks.
               TIMESTAMP '2025-01-01 07:30:00' + INTERVAL (i // {per_day}) DAY
                   + INTERVAL ((i % {per_day}) * {OPEN_SECONDS} // {per_day}) SECOND AS queued,
               {draw(2)} < 0.04 AS abandoned,
               CAST(5 + {draw(3)} * 240 AS INTEGER) AS wait_s,
               {draw(4)} < 0.8 AS resolved,
               {draw(5)} < 0.2 AS rated,
               {draw(6)} AS r6, {draw(7)} AS r7, {draw(8)} AS r8
        FROM range({rows}) t(i)
    )
    SELECT 'C' || lpad(CAST(i AS VARCHAR), 8, '0') AS interaction_id,
           ['phone', 'Chat', 'EMAIL', 'social'][1 + CAST(floor(r6 * 4) AS INTEGER)] AS channel,
           CASE WHEN agent % 2 = 0 AND NOT abandoned THEN 'agent' || agent || '@bench.example'
                END AS agent_email,
           CASE WHEN NOT abandoned THEN {first}[1 + agent % 10] || ' '
                || {last}[1 + (agent // 10) % 10] || ' ' || agent END AS agent_name,
           {teams}[1 + agent % 3] AS team,
           CASE WHEN r7 < 0.2 THEN strftime(timezone('Europe/Zagreb', queued),
                '%Y-%m-%dT%H:%M:%SZ') ELSE strftime(queued, '%Y-%m-%d %H:%M:%S') END AS queued_at,
           CASE WHEN NOT abandoned THEN strftime(queued + INTERVAL (wait_s) SECOND,
                '%Y-%m-%d %H:%M:%S') END AS answered_at,
           CASE WHEN NOT abandoned AND resolved THEN strftime(queued + INTERVAL (wait_s + 400)
                SECOND, '%Y-%m-%d %H:%M:%S') END AS resolved_at,
           CASE WHEN abandoned THEN 'yes' ELSE 'no' END AS abandoned,
           'K' || (i // 3) AS case_id,
           ['billing', 'delivery', 'returns'][1 + CAST(floor(r8 * 3) AS INTEGER)] AS category,
           CASE WHEN rated AND NOT abandoned THEN 1 + CAST(floor(r8 * 5) AS INTEGER) END AS csat,
           CASE WHEN rated AND NOT abandoned AND r6 < 0.3
                THEN {comments}[1 + CAST(floor(r7 * 5) AS INTEGER)] END AS comment
        FROM base
        ORDER BY i
    ) TO '{path}' (HEADER, DELIMITER ',')
    """
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")  # so a 'Z' time is written in UTC
        db.execute(sql)


def run_import(file: Path, store: Path, *extra: str) -> tuple[float, float, dict]:
    """Run `academy import` in its own process: (seconds, peak MB of that process, its JSON)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*ACADEMY, "import", str(file), "--db", str(store), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    # wait4 gives this child's own resource use, its peak resident memory included.
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"academy import failed ({child.returncode}): {err.strip()}")
    return seconds, usage.ru_maxrss / 1024, json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--keep", type=Path, help="keep the CSV and the store in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    file, store, dry_store = folder / "contacts.csv", folder / "store.duckdb", folder / "dry.duckdb"
    for old in (store, dry_store):
        old.unlink(missing_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores: above ~0.5 slows this)")
    started = time.perf_counter()
    generate(file, args.rows)
    size_mb = file.stat().st_size / 1e6
    took = time.perf_counter() - started
    print(f"generated {args.rows:,} rows, {size_mb:.0f} MB in {took:.1f} s")

    # The fresh stores are created (and migrated) first, outside the timing.
    for empty in (store, dry_store):
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from metrics.store import open_database;"
                " open_database(sys.argv[1]).close()",
                str(empty),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    seconds, peak, out = run_import(file, store)
    counts = {key: out[key] for key in ("rows_read", "loaded", "rejected", "duplicates")}
    print(
        f"import into a fresh store: {seconds:.1f} s, peak {peak:.0f} MB: {counts}, "
        f"{len(out['new_agents'])} new agents"
    )
    ok = out["loaded"] == args.rows and out["rows_read"] == args.rows
    again_s, again_peak, again = run_import(file, store)
    print(
        f"the same file again:       {again_s:.1f} s, peak {again_peak:.0f} MB: "
        f"loaded {again['loaded']}, duplicates {again['duplicates']:,}"
    )
    ok = ok and again["duplicates"] == args.rows and again["loaded"] == 0
    dry_s, dry_peak, dry = run_import(file, dry_store, "--dry-run")
    print(
        f"dry run, fresh store:      {dry_s:.1f} s, peak {dry_peak:.0f} MB: "
        f"would load {dry['loaded']:,}"
    )

    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    verdicts = [
        (f"import < {IMPORT_MAX_S:.0f} s", seconds < IMPORT_MAX_S, f"{seconds:.1f} s"),
        (
            f"peak memory < {PEAK_MAX_MB:.0f} MB",
            max(peak, again_peak, dry_peak) < PEAK_MAX_MB,
            f"{max(peak, again_peak, dry_peak):.0f} MB",
        ),
        ("every row loaded, then every row a duplicate", ok, ""),
    ]
    for name, passed, value in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}  {name}  {value}")
    if not args.keep:
        shutil.rmtree(folder)
    return 0 if all(passed for _, passed, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
