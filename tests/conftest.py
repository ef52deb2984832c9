"""Keep the developer's machine out of tests: every test gets its own database and policy path,
and Streamlit's process-wide caches start empty."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from metrics.store import DB_ENV_VAR, Database, open_database
from modules.content import DEFAULT_MODULES_DIR, MODULES_ENV_VAR, load_modules
from modules.policy import DEFAULT_POLICY_PATH, POLICY_ENV_VAR, load_policy

# A small demo organisation, enough for every page to have something to show.
SMALL_DEMO = {"seed": 7, "agents": 9, "days": 28, "until": date(2026, 11, 20)}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "academy.duckdb"))
    monkeypatch.setenv(POLICY_ENV_VAR, str(DEFAULT_POLICY_PATH))
    monkeypatch.setenv(MODULES_ENV_VAR, str(DEFAULT_MODULES_DIR))
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "academy.duckdb")
    yield database
    database.close()


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once per run; tests copy it rather than generate again."""
    from metrics.demo.generate import generate_demo

    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    database = open_database(path)
    policy = load_policy().policy
    modules = [loaded.module for loaded in load_modules(policy)]
    generate_demo(database, policy, **SMALL_DEMO, modules=modules)
    database.close()
    return path


@pytest.fixture
def demo_db_path(small_demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the small demo store at the test's $ACADEMY_DB."""
    path = tmp_path / "academy.duckdb"
    shutil.copyfile(small_demo_file, path)
    return path
