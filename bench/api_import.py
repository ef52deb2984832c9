"""Benchmark: a million-row import through the running app's HTTP API while ten people keep
using the dashboard.

1. Generates the 1M-row generic CSV of `bench/import_contacts.py` (same generator, same rows)
   and a small demo store (`academy demo`, so the dashboard has an owner to sign in and
   something to show), copied twice: one store the app will serve, one that stays a file.
2. Times `academy import FILE` on the plain copy, the app stopped: the reference.
3. Starts `academy serve` on the other copy and creates an owner's API token
   (`academy tokens create`, which runs inside the app).
4. Starts ten simulated users: ten Playwright browser contexts in one headless Chromium (real
   Streamlit sessions over its websocket), each signed in as the demo owner and switching
   between Home and Team performance as fast as the app answers; every Team performance render
   is timed from the click to the page being idle with its heading shown.
5. After each user has rendered the page twice, posts the file to `POST /api/v1/imports` (with
   `curl`, as a cron job would) and times it; the users keep going until it answers, and a
   little after.
6. Prints the import's time through the API against the reference, whether both gave the same
   counts, and the Team performance renders before and during the import (median, slowest).

There is no pass/fail target: the figures are for the issue's closing note. Run it on a quiet
machine (it prints the load average).

Run: `.venv/bin/python bench/api_import.py [--rows 1000000] [--users 10] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_contacts import generate

ROOT = Path(__file__).resolve().parent.parent
ACADEMY = [sys.executable, "-m", "training_app.cli"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
OWNER, PASSWORD = "owner@demo.example", "academy-demo"
DEMO = ["--agents", "20", "--days", "90"]
WARM_RENDERS = 2  # each user renders the page this often before the import starts
AFTER_IMPORT_S = 5.0  # the users keep going this long after the import answered
PAGE_TIMEOUT_MS = 300_000  # a render under a million-row import on 2 busy cores can be slow
SERVER_START_S = 120
RUN_LIMIT_S = 1800  # the whole measurement stops by itself after this


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def academy(*args: str) -> str:
    done = subprocess.run([*ACADEMY, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"academy {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


class User:
    """One person on the dashboard: their Team performance render times, with when each ended."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.renders: list[tuple[float, float]] = []  # (started, seconds)

    async def run(self, browser: Browser, url: str, stop: asyncio.Event) -> None:
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        page = await context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            await sign_in(page, url)
            nav = page.get_by_test_id("stSidebarNav")
            main = page.get_by_test_id("stMain")
            while not stop.is_set():
                await nav.get_by_text("Home", exact=True).click()
                await expect(main.get_by_role("heading", name="Welcome,")).to_be_visible(
                    timeout=PAGE_TIMEOUT_MS
                )
                await page.wait_for_selector(IDLE)
                started = time.perf_counter()
                await nav.get_by_text("Team performance", exact=True).click()
                await expect(main.get_by_role("heading", name="Team performance")).to_be_visible(
                    timeout=PAGE_TIMEOUT_MS
                )
                await page.wait_for_selector(IDLE)
                self.renders.append((started, time.perf_counter() - started))
        finally:
            await context.close()


async def sign_in(page: Page, url: str) -> None:
    await page.goto(url)
    await page.get_by_label("E-mail").fill(OWNER)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Welcome,")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )


def post_import(url: str, token: str, file: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            "curl",
            "-sS",
            "--fail-with-body",
            "-H",
            f"Authorization: Bearer {token}",
            "-F",
            f"file=@{file}",
            "-F",
            "format=generic",
            f"{url}/api/v1/imports",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the API import failed: {done.stdout} {done.stderr}")
    return seconds, json.loads(done.stdout)


async def measure(
    url: str, token: str, file: Path, users: int
) -> tuple[list[User], float, float, float, dict[str, object]]:
    stop = asyncio.Event()
    people = [User(n) for n in range(users)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(user.run(browser, url, stop)) for user in people]
        deadline = time.monotonic() + RUN_LIMIT_S
        while min(len(u.renders) for u in people) < WARM_RENDERS:
            if time.monotonic() > deadline or any(t.done() for t in tasks):
                stop.set()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise SystemExit("the simulated users did not get going")
            await asyncio.sleep(0.5)
        log(f"{users} users on the dashboard; importing through the API ...")
        began = time.perf_counter()
        seconds, answer = await asyncio.to_thread(post_import, url, token, file)
        ended = time.perf_counter()
        await asyncio.sleep(AFTER_IMPORT_S)
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await browser.close()
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        log(f"{len(failures)} users stopped with an error: {failures[0]!r}")
    return people, began, ended, seconds, answer


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


def summary(times: list[float]) -> str:
    if not times:
        return "none"
    return (
        f"{len(times)} renders, median {statistics.median(times):.2f} s, slowest {max(times):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="keep the file and the stores in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-api-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)")
    file = folder / "contacts.csv"
    generate(file, args.rows)
    print(f"generated {args.rows:,} rows, {file.stat().st_size / 1e6:.0f} MB")
    base, served, alone = (folder / f"{name}.duckdb" for name in ("base", "served", "alone"))
    for old in (base, served, alone):
        old.unlink(missing_ok=True)
    academy("demo", "--db", str(base), *DEMO)
    shutil.copyfile(base, served)
    shutil.copyfile(base, alone)

    log("the reference: academy import on a stopped app ...")
    started = time.perf_counter()
    reference = json.loads(academy("import", str(file), "--db", str(alone)))
    reference_s = time.perf_counter() - started
    print(f"academy import, app stopped: {reference_s:.1f} s ({reference['loaded']:,} loaded)")

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [*ACADEMY, "serve", "--db", str(served), "--address", "127.0.0.1", "--port", str(port)],
        stdout=server_log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + SERVER_START_S
        card = served.with_name(served.name + ".app.json")
        while not (card.exists() and healthy(url)):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app did not start; see {server_log.name}")
            time.sleep(0.3)
        token = json.loads(
            academy("tokens", "create", "--name", "bench", "--role", "owner", "--db", str(served))
        )["token"]
        people, began, ended, api_s, answer = asyncio.run(measure(url, token, file, args.users))
    finally:
        server.terminate()
        server.wait(timeout=60)
        server_log.close()

    before = [s for u in people for start, s in u.renders if start + s < began]
    during = [s for u in people for start, s in u.renders if start < ended and start + s > began]
    same = {k: v for k, v in answer.items() if k != "file"} == {
        k: v for k, v in reference.items() if k != "file"
    }
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print()
    print(f"import of {args.rows:,} rows ({file.stat().st_size / 1e6:.0f} MB):")
    print(f"  academy import, app stopped:             {reference_s:7.1f} s")
    print(
        f"  POST /api/v1/imports, {args.users} users on the app: {api_s:7.1f} s"
        f"  ({api_s / reference_s:.2f}x; same counts: {same})"
    )
    print(
        f"Team performance renders ({args.users} simulated users: Playwright contexts in one "
        "headless Chromium):"
    )
    print(f"  before the import: {summary(before)}")
    print(f"  during the import: {summary(during)}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
