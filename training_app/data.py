"""Where Streamlit's caching meets `metrics`: one root connection per process, cached reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from metrics import organisation
from metrics.organisation import get_setting
from metrics.people import (
    StaffMember,
    Team,
    Viewer,
    get_staff_member,
    list_staff,
    list_teams,
)
from metrics.performance import agents as performance
from metrics.performance import drilldown as contacts
from metrics.performance import overview, trends
from metrics.policy_pilot import pilot_version_of
from metrics.store import Database, database_path
from metrics.training import assignments, rollout
from metrics.training import records as training_records
from modules.content import TrainingModule, load_modules, modules_dir
from modules.policy import LoadedPolicy, Policy, load_policy, policy_path
from modules.rollout_slides import (
    NextStep,
    Slide,
    TrainingQuestion,
    rollout_slides,
    step_quotes,
    training_questions,
)
from training_app.startup import AppStore, open_app_store

RECENT_COUNTS_TTL_S = 60  # home-page counts may lag new data by a minute


@st.cache_resource(show_spinner="Reading the policy…")
def _policy_file(path: str, modified_ns: int) -> LoadedPolicy:
    return load_policy(path)


def policy_file() -> LoadedPolicy:
    """The policy file: how a new store starts, never what an existing store is judged by."""
    path = policy_path()
    return _policy_file(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@st.cache_resource(show_spinner="Opening the store (a new store gets its demo organisation)…")
def _app_store(db_path: str) -> AppStore:
    return open_app_store(db_path, policy_file(), modules=_modules_for)


def app_store() -> AppStore:
    return _app_store(_db_key())


@st.cache_resource(show_spinner="Reading the policy…", max_entries=8)
def _policy_in_force(db_path: str, version: int, checksum: str) -> LoadedPolicy:
    return organisation.policy_in_force(db())


def policy() -> LoadedPolicy:
    """The policy version in force in the store. Asked of the store on every call (one small
    row), so a version published in the app or by `academy policy publish` is what the next
    rerun of every page quotes and judges by, without a restart."""
    key = organisation.policy_in_force_key(db())
    if key is None:  # only while a store is being created by another process
        raise organisation.NoPolicyInForce("the store has no policy version in force yet")
    return _policy_in_force(_db_key(), *key)


def _modules_for(policy: Policy) -> list[TrainingModule]:
    return [loaded.module for loaded in load_modules(policy, modules_dir())]


@st.cache_resource(show_spinner="Reading the training modules…", max_entries=8)
def _training_modules(
    folder: str, files: tuple[tuple[str, int], ...], policy_checksum: str
) -> list[TrainingModule]:
    # Keyed by each module file's modification time and by the policy in force, whose standards
    # the modules quote: an edit to either is picked up without a restart.
    return [loaded.module for loaded in load_modules(policy().policy, folder)]


def training_modules() -> list[TrainingModule]:
    """Every module in use, validated and filled in from the policy (ContentError if broken)."""
    folder = modules_dir()
    files = tuple(
        sorted((str(file), file.stat().st_mtime_ns) for file in folder.glob("*/module.yaml"))
    )
    return _training_modules(str(folder), files, policy().checksum)


def training_module(module_id: str) -> TrainingModule | None:
    return next((module for module in training_modules() if module.id == module_id), None)


def db() -> Database:
    return app_store().db


def organisation_name() -> str:
    return get_setting(db(), "organisation_name") or policy().policy.organisation


def demo_in_store() -> bool:
    return get_setting(db(), "demo") == "true"


# The viewer and the period are frozen dataclasses (so that the command line needs no
# Pydantic): their repr names every field, and hashing it costs a few microseconds, where
# Streamlit's own hashing of a dataclass walks every field and date (~0.4 ms an argument).
CACHE_KEYS: dict[str | type[Any], Callable[[Any], Any]] = {Viewer: repr, performance.Period: repr}


# The database path is part of each key: tests and a second app on another file share a process.
@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner=False)
def _store_overview(viewer: Viewer, db_path: str) -> overview.StoreOverview:
    return overview.store_overview(db(), viewer)


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner=False)
def _team_overview(viewer: Viewer, db_path: str, policy_checksum: str) -> overview.TeamOverview:
    return overview.team_overview(db(), viewer, policy().policy)


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner=False)
def _agent_overview(viewer: Viewer, db_path: str, policy_checksum: str) -> overview.AgentOverview:
    return overview.agent_overview(db(), viewer, policy().policy)


def store_overview(viewer: Viewer) -> overview.StoreOverview:
    return _store_overview(viewer, _db_key())


def team_overview(viewer: Viewer) -> overview.TeamOverview:
    return _team_overview(viewer, _db_key(), policy().checksum)


def agent_overview(viewer: Viewer) -> overview.AgentOverview:
    return _agent_overview(viewer, _db_key(), policy().checksum)


def staff(viewer: Viewer, team_id: int | None = None) -> list[StaffMember]:
    return list_staff(db(), viewer, team_id)


def teams(viewer: Viewer) -> list[Team]:
    return list_teams(db(), viewer)


def _db_key() -> str:
    return str(database_path().resolve())


# Performance numbers are cached per viewer, period and store; an import or a policy edit
# changes the policy checksum or calls `clear_performance()` (see the import issue).
@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _team_summary(
    viewer: Viewer, period: performance.Period, db_path: str, policy_checksum: str
) -> performance.TeamSummary:
    return performance.team_summary(db(), viewer, policy().policy, period)


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _agent_metrics(
    viewer: Viewer, period: performance.Period, db_path: str, policy_checksum: str
) -> pd.DataFrame:
    return performance.agent_metrics(db(), viewer, policy().policy, period)


def team_summary(viewer: Viewer, period: performance.Period) -> performance.TeamSummary:
    return _team_summary(viewer, period, _db_key(), policy().checksum)


def agent_metrics(viewer: Viewer, period: performance.Period) -> pd.DataFrame:
    return _agent_metrics(viewer, period, _db_key(), policy().checksum)


def contact_days() -> tuple[date, date] | None:
    return performance.contact_days(db(), policy().policy)


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _my_metrics(
    viewer: Viewer, period: performance.Period, db_path: str, policy_checksum: str
) -> tuple[dict[str, object] | None, performance.TeamMedians]:
    return performance.my_metrics(db(), viewer, policy().policy, period)


def my_metrics(
    viewer: Viewer, period: performance.Period
) -> tuple[dict[str, object] | None, performance.TeamMedians]:
    return _my_metrics(viewer, period, _db_key(), policy().checksum)


# The dashboard's other reads, one cache each for period-wide and per-agent reads; the same
# key rules as above (viewer, period, store, policy).
_PERIOD_READS: dict[str, Callable[..., pd.DataFrame]] = {
    "weekly_trends": trends.weekly_trends,
    "wait_distribution": trends.wait_distribution,
    "rating_distribution": trends.rating_distribution,
    "contacts_by_hour": trends.contacts_by_hour,
}
_AGENT_READS: dict[str, Callable[..., pd.DataFrame]] = {
    "agent_weekly_trends": trends.agent_weekly_trends,
    "agent_contacts": contacts.agent_contacts,
}


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _period_read(
    name: str, viewer: Viewer, period: performance.Period, db_path: str, policy_checksum: str
) -> pd.DataFrame:
    return _PERIOD_READS[name](db(), viewer, policy().policy, period)


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _agent_read(
    name: str,
    viewer: Viewer,
    period: performance.Period,
    agent_id: int,
    db_path: str,
    policy_checksum: str,
) -> pd.DataFrame:
    return _AGENT_READS[name](db(), viewer, policy().policy, period, agent_id)


def weekly_trends(viewer: Viewer, period: performance.Period) -> pd.DataFrame:
    return _period_read("weekly_trends", viewer, period, _db_key(), policy().checksum)


def wait_distribution(viewer: Viewer, period: performance.Period) -> pd.DataFrame:
    return _period_read("wait_distribution", viewer, period, _db_key(), policy().checksum)


def rating_distribution(viewer: Viewer, period: performance.Period) -> pd.DataFrame:
    return _period_read("rating_distribution", viewer, period, _db_key(), policy().checksum)


def contacts_by_hour(viewer: Viewer, period: performance.Period) -> pd.DataFrame:
    return _period_read("contacts_by_hour", viewer, period, _db_key(), policy().checksum)


def agent_weekly_trends(viewer: Viewer, period: performance.Period, agent_id: int) -> pd.DataFrame:
    return _agent_read(
        "agent_weekly_trends", viewer, period, agent_id, _db_key(), policy().checksum
    )


def agent_contacts(viewer: Viewer, period: performance.Period, agent_id: int) -> pd.DataFrame:
    return _agent_read("agent_contacts", viewer, period, agent_id, _db_key(), policy().checksum)


def customer_comments(
    viewer: Viewer,
    period: performance.Period,
    *,
    agent_id: int | None = None,
    praise_only: bool = False,
    limit: int = 10,
) -> pd.DataFrame:
    # Small, indexed by agent or limited: read fresh, so a new comment shows at once.
    return contacts.customer_comments(
        db(),
        viewer,
        policy().policy,
        period,
        agent_id=agent_id,
        praise_only=praise_only,
        limit=limit,
    )


def piloting(viewer: Viewer) -> bool:
    """Whether the viewer is in the pilot group of a version in pilot: read on every run (two
    small tables), so a pilot's page opens and closes at the next click."""
    return pilot_version_of(db(), viewer) is not None


def staff_member(viewer: Viewer, staff_id: int) -> StaffMember:
    return get_staff_member(db(), viewer, staff_id)


def training_standing(viewer: Viewer, staff_id: int) -> pd.DataFrame:
    return training_records.training_standing(
        db(), viewer, training_modules(), policy().policy, staff_id=staff_id
    )


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner="Measuring…")
def _agent_standing(
    viewer: Viewer, period: performance.Period, agent_id: int, db_path: str, policy_checksum: str
) -> tuple[dict[str, object] | None, performance.TeamMedians]:
    return performance.agent_standing(db(), viewer, policy().policy, period, agent_id)


def agent_standing(
    viewer: Viewer, period: performance.Period, agent_id: int
) -> tuple[dict[str, object] | None, performance.TeamMedians]:
    return _agent_standing(viewer, period, agent_id, _db_key(), policy().checksum)


def clear_performance() -> None:
    """Forget every cached read of contacts, so the next page shows what is stored now: call
    it after an import or after removing one.

    Every `st.cache_data` function here reads stored contacts or counts made from them (the
    home-page overviews, the performance summaries, trends and lists), so all of them are
    cleared, including any added later; `st.cache_resource` (the connection, the policy, the
    modules) is left alone. The caches are per process, so other sessions see the import too.
    """
    st.cache_data.clear()


# -- the rollout session -------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _rollout_questions(
    folder: str, files: tuple[tuple[str, int], ...], policy_checksum: str
) -> list[TrainingQuestion]:
    found: list[TrainingQuestion] = []
    for loaded in load_modules(policy().policy, folder):
        module = loaded.module
        quotes = step_quotes(loaded.path)
        found += training_questions(module.id, module.title, module.steps, quotes)
    return found


def rollout_questions() -> list[TrainingQuestion]:
    """The modules' single- and multiple-choice questions, filled in from the policy in force,
    with what each quotes: what the presenter may ask the room."""
    folder = modules_dir()
    files = tuple(
        sorted((str(file), file.stat().st_mtime_ns) for file in folder.glob("*/module.yaml"))
    )
    return _rollout_questions(str(folder), files, policy().checksum)


@st.cache_resource(show_spinner=False, max_entries=16)
def _rollout_policies(db_path: str, version: int) -> tuple[Policy, Policy | None]:
    current = organisation.stored_policy(db(), version)
    if current is None:
        raise organisation.NoPolicyInForce(f"policy version {version} is not in the store")
    earlier = [
        stored.version
        for stored in organisation.list_policy_versions(db())
        if stored.published_at is not None and stored.version < version
    ]
    previous = organisation.stored_policy(db(), max(earlier)) if earlier else None
    return current.policy, previous.policy if previous is not None else None


@st.cache_data(ttl=RECENT_COUNTS_TTL_S, hash_funcs=CACHE_KEYS, show_spinner=False)
def _rollout_next_steps(
    viewer: Viewer, team_id: int | None, db_path: str, policy_checksum: str
) -> list[NextStep]:
    """What the session's scope must do next, from each person's assignments: one line per
    module or signature and due date, with how many have it."""
    people: dict[tuple[str, date], int] = {}
    modules = training_modules()
    for member in list_staff(db(), viewer, team_id):
        if not member.active:
            continue
        for left in assignments.assignments_of(db(), viewer, member.id, modules, policy().policy):
            key = (left.title, left.due)
            people[key] = people.get(key, 0) + 1
    return [
        NextStep(what=title, due=due, people=count)
        for (title, due), count in sorted(people.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def rollout_deck(viewer: Viewer, session: rollout.RolloutSession) -> list[Slide]:
    """The session's slides: its policy version, what changed since the version published
    before it, and what its scope must do next."""
    current, previous = _rollout_policies(_db_key(), session.policy_version)
    steps = _rollout_next_steps(viewer, session.team_id, _db_key(), policy().checksum)
    return rollout_slides(current, previous, steps)
