"""Benchmark of many simultaneous sign-ins: what the bound on password checks saves.

Each Argon2id check (the library's defaults) takes 64 MiB and about 0.1 s of both cores.
`metrics.auth` lets `SIMULTANEOUS_PASSWORD_CHECKS` (2) run at once; the rest wait their turn.

1. Makes a store with N accounts (default 100) that share one password hash, so every sign-in
   below verifies a real Argon2id hash.
2. In a fresh process per mode, N threads released at the same moment each sign in to their own
   account from their own client address (so no guessing limit refuses anyone):
   - `bounded`: `metrics.auth.sign_in` as shipped;
   - `unbounded`: the same, with the bound lifted to N, which is how sign-in behaved before it.
   Each child's wall time, slowest sign-in and peak resident memory (its own `ru_maxrss`, from
   `wait4`) are printed, and the ratio of the two wall times.

Targets: the bounded run under `PEAK_MAX_MB` and no slower than `WALL_RATIO_MAX` times the
unbounded one (the same CPU work, queued instead of thrashing). Exits 1 when a target fails.
Run it on a quiet machine: it prints the load average.

Run: `.venv/bin/python bench/sign_in.py [--accounts 100]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "a long shared password"
PEAK_MAX_MB = 512.0  # Python, DuckDB and two checks' 128 MiB fit well within this
WALL_RATIO_MAX = 1.25  # queueing may cost a little; it must not cost much


def make_store(path: Path, accounts: int) -> None:
    from metrics.people import NewStaffMember, add_staff
    from metrics.store import open_database

    db = open_database(path)
    add_staff(db, NewStaffMember(name="P 0", email="p0@x.example", role="agent", password=PASSWORD))
    for n in range(1, accounts):
        add_staff(db, NewStaffMember(name=f"P {n}", email=f"p{n}@x.example", role="agent"))
    # One hash for all: hashing each password would take longer than the benchmark itself.
    db.execute(
        "UPDATE staff SET password_hash = (SELECT password_hash FROM staff WHERE email = ?)",
        ["p0@x.example"],
    )
    db.close()


def one_mode(path: Path, accounts: int, mode: str) -> None:
    """In this process: `accounts` simultaneous sign-ins; print the times as JSON."""
    from metrics import auth
    from metrics.store import open_database

    if mode == "unbounded":
        auth._password_checks = threading.BoundedSemaphore(accounts)
    db = open_database(path)
    auth.password_matches(None, "warm up")  # the stand-in hash is made once per process
    start = threading.Barrier(accounts)
    took: list[float] = []
    signed_in: list[bool] = []

    def sign_in(n: int) -> None:
        start.wait()
        began = time.perf_counter()
        result = auth.sign_in(db, f"p{n}@x.example", PASSWORD, f"client {n}")
        took.append(time.perf_counter() - began)
        signed_in.append(result.token is not None)

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(accounts)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    print(json.dumps({"wall_s": wall, "slowest_s": max(took), "signed_in": sum(signed_in)}))


def run_child(path: Path, accounts: int, mode: str) -> dict[str, float]:
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--one",
            mode,
            "--store",
            str(path),
            "--accounts",
            str(accounts),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} run failed with status {status}")
    result = json.loads(output)
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--one", choices=["bounded", "unbounded"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_mode(args.store, args.accounts, args.one)
        return 0

    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "sign_in.duckdb"
        make_store(store, args.accounts)
        results = {mode: run_child(store, args.accounts, mode) for mode in ("bounded", "unbounded")}
    for mode, r in results.items():
        print(
            f"{mode:9}  {args.accounts} sign-ins at once: {r['wall_s']:5.1f} s in all, slowest "
            f"{r['slowest_s']:5.1f} s, peak {r['peak_mb']:6.0f} MB, {r['signed_in']:.0f} signed in"
        )
    ratio = results["bounded"]["wall_s"] / results["unbounded"]["wall_s"]
    print(f"bounded / unbounded wall time: {ratio:.2f}")
    print(f"load average at end: {os.getloadavg()}")
    failed = []
    if results["bounded"]["peak_mb"] > PEAK_MAX_MB:
        failed.append(f"bounded peak over {PEAK_MAX_MB:.0f} MB")
    if ratio > WALL_RATIO_MAX:
        failed.append(f"bounded run more than {WALL_RATIO_MAX}x the unbounded one")
    if any(r["signed_in"] != args.accounts for r in results.values()):
        failed.append("not every sign-in succeeded")
    for failure in failed:
        print(f"target missed: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
