"""Generating and removing the whole demo organisation, each in one transaction."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pydantic import BaseModel

from metrics.contacts.case_sizes import forget_case_contacts, refresh_case_contacts
from metrics.contacts.rollups import refresh_contact_rollups
from metrics.demo.calendar import build_calendar
from metrics.demo.coaching import insert_coaching, remove_coaching
from metrics.demo.coaching_rule import forget_gone_rules, insert_coaching_rule
from metrics.demo.complaints import insert_complaints
from metrics.demo.contacts import draw_contacts, draw_feedback, insert_traffic, interaction_frame
from metrics.demo.impact import lift_after_training
from metrics.demo.kudos import insert_kudos, remove_kudos
from metrics.demo.people import DEMO_ACCOUNTS, TEAM_NAMES, draw_people, draw_skills, insert_people
from metrics.demo.rollout import forget_gone_staff, insert_rollout_session, remove_rollout_sessions
from metrics.demo.training import (
    Trainee,
    insert_training,
    join_as_new_starter,
    training_history,
)
from metrics.store import Database, transaction
from modules.content import (
    TrainingModule,
)
from modules.policy import Policy

DEMO_SETTING = "demo"  # organisation_settings key present while demo data is loaded
# The owner presented the policy to everyone a week into the period, at nine in the morning.
ROLLOUT_AFTER_DAYS = 7
ROLLOUT_AFTER_S = ROLLOUT_AFTER_DAYS * 86_400
ROLLOUT_HOUR = 9


class DemoSummary(BaseModel):
    """What was generated (or removed): row counts and the local days the contacts span."""

    teams: int
    staff: int
    interactions: int
    feedback: int
    first_day: date | None
    last_day: date | None
    training_attempts: int = 0
    certificates: int = 0
    acknowledgements: int = 0
    complaints: int = 0
    coaching_plans: int = 0


class DemoAlreadyPresent(RuntimeError):
    """The store already holds demo data; generating again would mix two demo organisations."""


def default_until(policy: Policy) -> date:
    """Yesterday in the organisation's time zone: the last full day of demo traffic."""
    today = datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    return today - timedelta(days=1)


def has_demo(db: Database) -> bool:
    """Whether demo data is loaded (demo staff kept by `remove_demo` do not count)."""
    with db.cursor() as cur:
        return _has_demo(cur)


def _has_demo(cur: Database) -> bool:
    row = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM interactions WHERE is_demo)"
        " OR EXISTS (SELECT 1 FROM organisation_settings WHERE key = ?)",
        [DEMO_SETTING],
    ).fetchone()
    return bool(row and row[0])


def generate_demo(
    db: Database,
    policy: Policy,
    *,
    seed: int = 42,
    agents: int = 40,
    days: int = 180,
    until: date | None = None,
    modules: Sequence[TrainingModule] = (),
) -> DemoSummary:
    """Write a demo organisation with `days` days of traffic ending on `until`, in one transaction.

    With `modules`, the agents also get a training history in the mandatory ones: attempts
    played through the engine, with their answers, certificates and policy signatures.
    Raises DemoAlreadyPresent when demo data is already loaded.
    """
    if agents < len(TEAM_NAMES):
        raise ValueError(f"the demo needs at least {len(TEAM_NAMES)} agents, one per team")
    if days < 1:
        raise ValueError("the demo needs at least one day")
    calendar = build_calendar(policy, until or default_until(policy), days)
    # Separate streams for names and traffic: names depend on the e-mails already taken in the
    # store, and that must not change the contacts generated.
    # Training has its own stream too, so adding modules leaves the contacts as they were.
    # Each stream added later is spawned after the others, which stay as they were.
    streams = np.random.SeedSequence(seed).spawn(6)
    names_seed, traffic_seed, training_seed, rollout_seed, complaints_seed, impact_seed = streams
    with transaction(db) as cur:
        if _has_demo(cur):
            raise DemoAlreadyPresent(
                "this store already holds demo data; use --reset to replace it"
                " (imported data is kept)"
            )
        taken_emails = {email for (email,) in cur.execute("SELECT email FROM staff").fetchall()}
        clashing = sorted(taken_emails & set(DEMO_ACCOUNTS.values()))
        if clashing:
            raise DemoAlreadyPresent(
                f"the demo sign-in address(es) {', '.join(clashing)} already belong to staff in"
                " this store (kept because imported contacts refer to them); change their"
                " e-mail before generating the demo again"
            )
        taken_teams = {name for (name,) in cur.execute("SELECT name FROM teams").fetchall()}
        people = draw_people(np.random.default_rng(names_seed), agents, taken_emails)
        traffic_rng = np.random.default_rng(traffic_seed)
        skills = draw_skills(traffic_rng, agents, days)
        agent_team = np.array([p.team for p in people if p.role == "agent"])
        contacts = draw_contacts(traffic_rng, policy, calendar, skills, agent_team)
        feedback = draw_feedback(traffic_rng, policy, calendar, skills, contacts)

        team_ids, staff_ids = insert_people(cur, people, taken_teams, calendar.range_start)
        agents_staff = [(i, p) for i, p in zip(staff_ids, people, strict=True) if p.role == "agent"]
        agent_ids = np.array([i for i, _ in agents_staff])
        insert_traffic(cur, interaction_frame(contacts, agent_ids, team_ids), feedback)
        insert_coaching_rule(cur, datetime.fromtimestamp(calendar.range_start, UTC))
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)  # after the contacts' ratings, inserted with them
        # The demo sign-in agent is left out: whoever tries the demo starts the training fresh,
        # as a new starter whose training is not due yet.
        for staff_id, person in agents_staff:
            if person.signs_in:
                join_as_new_starter(cur, calendar, staff_id)
        trainees = [
            Trainee(staff_id, person.name, agent)
            for agent, (staff_id, person) in enumerate(agents_staff)
            if not person.signs_in
        ]
        # The owner and supervisor who sign in have done their own training already.
        trainees += [
            Trainee(staff_id, person.name, None)
            for staff_id, person in zip(staff_ids, people, strict=True)
            if person.signs_in and person.role != "agent"
        ]
        taken_codes = {code for (code,) in cur.execute("SELECT code FROM certificates").fetchall()}
        training = training_history(
            random.Random(int(training_seed.generate_state(1)[0])),
            policy,
            calendar,
            skills,
            [module for module in modules if module.mandatory],
            trainees,
            taken_codes,
        )
        insert_training(cur, training)
        # The demo's visible effect of a module (metrics/demo/impact.py): generated, not evidence.
        lift_after_training(
            cur,
            np.random.default_rng(impact_seed),
            policy,
            datetime.fromtimestamp(calendar.horizon, UTC),
        )
        refresh_contact_rollups(cur)  # the days the lift changed
        presenter = next(
            i for i, p in zip(staff_ids, people, strict=True) if p.role == "owner" and p.signs_in
        )
        presented_at = datetime.fromtimestamp(
            calendar.range_start + ROLLOUT_AFTER_S
            if days > ROLLOUT_AFTER_DAYS
            else calendar.range_start,
            UTC,
        ) + timedelta(hours=ROLLOUT_HOUR)
        in_the_room = [
            staff_id
            for (staff_id,) in cur.execute(
                "SELECT id FROM staff WHERE id IN (SELECT unnest(?)) AND active"
                " AND created_at <= ?",
                [list(staff_ids), presented_at],
            ).fetchall()
        ]
        insert_rollout_session(
            cur,
            random.Random(int(rollout_seed.generate_state(1)[0])),
            policy,
            presenter,
            in_the_room,
            presented_at,
        )
        complaints = insert_complaints(
            cur,
            random.Random(int(complaints_seed.generate_state(1)[0])),
            policy,
            datetime.fromtimestamp(calendar.horizon, UTC),
            [staff_id for staff_id, person in agents_staff if person.signs_in],
        )
        insert_kudos(
            cur,
            random.Random(int(np.random.SeedSequence(seed).spawn(6)[5].generate_state(1)[0])),
            datetime.fromtimestamp(calendar.horizon, UTC),
        )
        for key, value in (
            ("organisation_name", f"{policy.organisation} (demo)"),
            (DEMO_SETTING, "true"),
        ):
            cur.execute(
                "INSERT INTO organisation_settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
                [key, value],
            )
    local_days = pd.to_datetime(contacts.queued, unit="s", utc=True).tz_convert(calendar.zone)
    # The plans are judged by the product's metrics, which read committed contacts: they are
    # written just after, and without them there is no demo (it is removed again).
    coaching_plans = 0
    if len(local_days):
        try:
            coaching_plans = insert_coaching(
                db, policy, local_days.min().date(), local_days.max().date()
            )
        except BaseException:
            remove_demo(db)
            raise
    return DemoSummary(
        teams=len(TEAM_NAMES),
        staff=len(people),
        interactions=len(contacts.queued),
        feedback=len(feedback),
        first_day=local_days.min().date() if len(local_days) else None,
        last_day=local_days.max().date() if len(local_days) else None,
        training_attempts=len(training.attempts),
        certificates=len(training.certificates),
        acknowledgements=len(training.acknowledgements),
        complaints=complaints,
        coaching_plans=coaching_plans,
    )


def remove_demo(db: Database) -> DemoSummary:
    """Delete the demo rows in one transaction and return how many of each went.

    Demo staff and teams that imported data still refers to (a contact's agent or queue, a
    staff member's team) are kept, so imported rows never point at nothing. The summary carries
    no days: the removed contacts are gone.
    """
    with transaction(db) as cur:
        # Generated training history first: its answers are found through the demo attempts.
        cur.execute(
            "DELETE FROM training_answers"
            " WHERE attempt_id IN (SELECT id FROM training_attempts WHERE is_demo)"
        )
        attempts = _deleted(cur, "DELETE FROM training_attempts WHERE is_demo")
        remove_rollout_sessions(cur)
        remove_kudos(cur)
        certificates = _deleted(cur, "DELETE FROM certificates WHERE is_demo")
        acknowledgements = _deleted(cur, "DELETE FROM policy_acknowledgements WHERE is_demo")
        complaints = _deleted(cur, "DELETE FROM complaints WHERE is_demo")
        coaching_plans = remove_coaching(cur)
        # A complaint kept (recorded or imported) that came from a demo contact keeps no link
        # to a contact that is gone.
        cur.execute(
            "UPDATE complaints SET interaction_id = NULL"
            " WHERE interaction_id IN (SELECT id FROM interactions WHERE is_demo)"
        )
        feedback = _deleted(cur, "DELETE FROM feedback WHERE is_demo")
        # An imported contact sharing a case (source and case id) with demo contacts was
        # counted with them: its case is counted again once they are gone.
        forget_case_contacts(cur, "is_demo", [])
        interactions = _deleted(cur, "DELETE FROM interactions WHERE is_demo")
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
        # What remains of interactions and complaints is imported (or recorded) data; only
        # those rows can still refer to demo staff and teams.
        staff = _deleted(
            cur,
            "DELETE FROM staff s WHERE s.is_demo"
            " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.agent_id = s.id)"
            " AND NOT EXISTS (SELECT 1 FROM complaints c WHERE s.id IN (c.received_by,"
            " c.handled_by, c.recorded_by, c.compensation_approver, c.compensation_decided_by))",
        )
        # Training records of demo staff who are gone go with them (demo accounts can take
        # the training for real, so those rows are not flagged demo themselves).
        for table, key in [
            ("training_answers", "attempt_id IN (SELECT id FROM training_attempts WHERE {gone})"),
            ("training_attempts", "{gone}"),
            ("certificates", "{gone}"),
            ("policy_acknowledgements", "{gone}"),
            ("training_assignments", "{gone}"),
        ]:
            gone = "staff_id NOT IN (SELECT id FROM staff)"
            cur.execute(f"DELETE FROM {table} WHERE " + key.format(gone=gone))
        forget_gone_staff(cur)
        teams = _deleted(
            cur,
            "DELETE FROM teams t WHERE t.is_demo"
            " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.team_id = t.id)"
            " AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.team_id = t.id)"
            " AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.team_id = t.id)",
        )
        forget_gone_rules(cur)
        cur.execute("DELETE FROM organisation_settings WHERE key = ?", [DEMO_SETTING])
        # The demo renamed the organisation; a name the owner set since then stays.
        cur.execute(
            "DELETE FROM organisation_settings WHERE key = 'organisation_name'"
            " AND value LIKE '% (demo)'"
        )
    return DemoSummary(
        teams=teams,
        staff=staff,
        interactions=interactions,
        feedback=feedback,
        first_day=None,
        last_day=None,
        training_attempts=attempts,
        certificates=certificates,
        acknowledgements=acknowledgements,
        complaints=complaints,
        coaching_plans=coaching_plans,
    )


def _deleted(cur: Database, sql: str) -> int:
    row = cur.execute(sql).fetchone()
    return int(row[0]) if row else 0
