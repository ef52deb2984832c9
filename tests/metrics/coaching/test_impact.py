"""Training impact (metrics/coaching/impact.py): difference in differences with a bootstrap over
agents, on hand-made cohorts whose answers the tests work out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from metrics.coaching.impact import (
    Cohorts,
    conclusion,
    estimate,
    expanded_alpha,
    training_impact,
)
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database
from modules.policy import Policy, load_policy

OWNER = Viewer.local_admin()
AS_OF = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
PASS_DAY = date(2026, 3, 10)  # before: 3–9 March; after: 11–17 March (weeks=1)


@pytest.fixture
def policy() -> Policy:
    shipped = load_policy().policy
    training = shipped.training.model_copy(update={"min_agents_for_impact": 2})
    return shipped.model_copy(update={"training": training})


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)  # 12:00 in Zagreb


def add_agents(db: Database, names: list[str], team: str = "A") -> dict[str, int]:
    return {
        name: add_staff(
            db,
            NewStaffMember(name=name, email=f"{name.lower()}@x.example", role="agent", team=team),
        )
        for name in names
    }


def passed(db: Database, staff_id: int, module_id: str, day: date) -> None:
    db.execute(
        "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
        " policy_version, attempt_number, plan, started_at, last_active_at, completed_at, score,"
        " pass_mark, passed) VALUES (?, ?, 1, ?, 1, 1, '{}', ?, ?, ?, 0.9, 0.8, true)",
        [staff_id, module_id, module_id, noon(day), noon(day), noon(day)],
    )


def contacts(db: Database, rows: list[tuple[int, date, bool]]) -> None:
    """(agent, local day, resolved) contacts, each answered 10 s after it was queued (within
    every channel's standard)."""
    frame = pd.DataFrame(
        {
            "agent_id": [agent for agent, _, _ in rows],
            "queued_at": [noon(day) for _, day, _ in rows],
            "resolved": [resolved for _, _, resolved in rows],
        }
    )
    with db.cursor() as cur:
        (first,) = cur.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchall()[0]
        frame["id"] = range(first + 1, first + 1 + len(frame))
        cur.register("new_contacts", frame)
        cur.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, queued_at,"
            " answered_at, abandoned, resolved)"
            " SELECT id, 'test', id::VARCHAR, 'phone', agent_id, queued_at,"
            " queued_at + INTERVAL 10 SECOND, false, resolved FROM new_contacts"
        ).fetchall()
        cur.unregister("new_contacts")


def some(agent: int, day: date, handled: int, resolved: int) -> list[tuple[int, date, bool]]:
    return [(agent, day, i < resolved) for i in range(handled)]


def test_difference_in_differences_of_a_small_cohort_by_hand(db: Database, policy: Policy) -> None:
    add_team(db, "A")
    ids = add_agents(db, ["T1", "T2", "C1", "C2"])
    t1, t2, c1, c2 = ids["T1"], ids["T2"], ids["C1"], ids["C2"]
    passed(db, t1, "handling-complaints", PASS_DAY)
    passed(db, t2, "handling-complaints", PASS_DAY)
    before, after = date(2026, 3, 5), date(2026, 3, 13)
    contacts(
        db,
        some(t1, before, 4, 1)  # 0.25
        + some(t1, after, 4, 3)  # 0.75
        + some(t2, before, 2, 1)  # 0.50
        + some(t2, after, 5, 4)  # 0.80
        + some(c1, before, 4, 2)  # 0.50
        + some(c1, after, 4, 2)  # 0.50
        + some(c2, before, 5, 2)  # 0.40
        + some(c2, after, 5, 3)  # 0.60
        # Neither the pass day itself nor a day before the window counts.
        + some(t1, PASS_DAY, 3, 0)
        + some(t1, date(2026, 3, 2), 6, 0)
        + some(c1, date(2026, 3, 18), 6, 6),
    )
    found = training_impact(db, OWNER, policy, module="handling-complaints", weeks=1, as_of=AS_OF)
    assert (found.trained_agents, found.comparison_agents) == (2, 2)
    resolution = next(m for m in found.metrics if m.metric == "resolution_rate")
    # Each agent's own rate counts once: trained (0.25 + 0.50) / 2 before, (0.75 + 0.80) / 2
    # after; comparison (0.50 + 0.40) / 2 before, (0.50 + 0.60) / 2 after.
    assert resolution.trained_before == pytest.approx(0.375)
    assert resolution.trained_after == pytest.approx(0.775)
    assert resolution.comparison_before == pytest.approx(0.45)
    assert resolution.comparison_after == pytest.approx(0.55)
    assert resolution.difference == pytest.approx((0.775 - 0.375) - (0.55 - 0.45))  # 0.30
    assert (resolution.trained_agents, resolution.comparison_agents) == (2, 2)
    service = next(m for m in found.metrics if m.metric == "service_level")
    assert service.difference == pytest.approx(0.0)  # everything answered within the standard
    csat = next(m for m in found.metrics if m.metric == "csat")
    assert csat.trained_before is None and csat.conclusion == "too few agents"  # no ratings


def test_the_comparison_is_who_was_not_yet_trained_over_those_weeks(
    db: Database, policy: Policy
) -> None:
    """`later` passed after the cohort's after window ended: a comparison for it. `during`
    passed inside that window: neither trained yet (their own window has not ended) nor a
    comparison. `recent` passed days ago: not trained yet either."""
    add_team(db, "A")
    ids = add_agents(db, ["T1", "later", "during", "recent"])
    passed(db, ids["T1"], "handling-complaints", PASS_DAY)
    passed(db, ids["later"], "handling-complaints", date(2026, 3, 20))
    passed(db, ids["during"], "handling-complaints", date(2026, 3, 15))
    passed(db, ids["recent"], "handling-complaints", date(2026, 4, 18))
    before, after = date(2026, 3, 5), date(2026, 3, 12)
    contacts(
        db,
        some(ids["T1"], before, 2, 1)
        + some(ids["T1"], after, 2, 2)
        + some(ids["later"], before, 4, 1)
        + some(ids["later"], after, 4, 2)
        + some(ids["during"], before, 4, 0)
        + some(ids["during"], after, 4, 0),
    )
    found = training_impact(db, OWNER, policy, module="handling-complaints", weeks=1, as_of=AS_OF)
    # Trained: T1 (10 March), later (20 March), during (15 March); recent's window is running.
    assert (found.trained_agents, found.passed_recently) == (3, 1)
    # Comparison of T1's cohort: later and recent (recent had no contacts then); of the 15 and
    # 20 March cohorts: recent only.
    assert found.comparison_agents == 2
    resolution = next(m for m in found.metrics if m.metric == "resolution_rate")
    assert resolution.trained_agents == 1 and resolution.comparison_agents == 1
    assert resolution.difference == pytest.approx((1.0 - 0.5) - (0.5 - 0.25))


def test_a_supervisor_sees_their_team_and_an_agent_nothing(db: Database, policy: Policy) -> None:
    add_team(db, "A")
    add_team(db, "B")
    mine = add_agents(db, ["T1"], "A")
    theirs = add_agents(db, ["T2"], "B")
    passed(db, mine["T1"], "handling-complaints", PASS_DAY)
    passed(db, theirs["T2"], "handling-complaints", PASS_DAY)
    supervisor = Viewer(staff_id=99, name="S", email="s@x.example", role="supervisor", team_id=1)
    found = training_impact(
        db, supervisor, policy, module="handling-complaints", weeks=1, as_of=AS_OF
    )
    assert found.trained_agents == 1
    assert (
        training_impact(
            db, OWNER, policy, module="handling-complaints", weeks=1, as_of=AS_OF
        ).trained_agents
        == 2
    )
    agent = Viewer(staff_id=mine["T1"], name="T1", email="t1@x.example", role="agent", team_id=1)
    with pytest.raises(AccessDenied):
        training_impact(db, agent, policy, module="handling-complaints", weeks=1, as_of=AS_OF)


def test_a_policy_rollout_steps_on_the_signatures(db: Database, policy: Policy) -> None:
    from metrics import organisation
    from modules.policy import load_policy as load

    organisation.ensure_policy_in_force(db, load())
    add_team(db, "A")
    ids = add_agents(db, ["T1", "C1"])
    db.execute(
        "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
        " acknowledged_at) VALUES (?, 1, 'T1', ?)",
        [ids["T1"], noon(PASS_DAY)],
    )
    contacts(
        db,
        some(ids["T1"], date(2026, 3, 5), 4, 1)
        + some(ids["T1"], date(2026, 3, 12), 4, 4)
        + some(ids["C1"], date(2026, 3, 5), 4, 2)
        + some(ids["C1"], date(2026, 3, 12), 4, 2),
    )
    found = training_impact(db, OWNER, policy, policy_version=1, weeks=1, as_of=AS_OF)
    assert (found.step, found.trained_agents, found.comparison_agents) == ("1", 1, 1)
    resolution = next(m for m in found.metrics if m.metric == "resolution_rate")
    assert resolution.difference == pytest.approx(0.75)  # (1.0 − 0.25) − (0.5 − 0.5)


# --- The estimate on constructed cohorts -----------------------------------------------------


def cohort(
    rng: np.random.Generator,
    *,
    trained: int,
    compared: int,
    effect: float,
    contacts: int = 60,
    cohorts: int = 3,
) -> Cohorts:
    """Agents with their own level (0.5–0.8), a common drift of +0.03 from before to after for
    everyone, and `effect` more for the trained agents after; each window's rate is drawn from
    `contacts` contacts. Trained agent i passed in cohort i mod `cohorts`; the comparison
    agents were not trained over any cohort's windows."""
    agents = trained + compared
    level = rng.uniform(0.5, 0.8, size=agents)
    before = rng.binomial(contacts, np.tile(level, (cohorts, 1))) / contacts
    lifted = np.tile(level + 0.03, (cohorts, 1))
    trained_cohort = np.arange(trained) % cohorts
    lifted[trained_cohort, np.arange(trained)] += effect
    after = rng.binomial(contacts, np.clip(lifted, 0, 1)) / contacts
    comparison = np.zeros((cohorts, agents), dtype=bool)
    comparison[:, trained:] = True
    return Cohorts(
        before=before.astype(float),
        after=after.astype(float),
        trained_agent=np.arange(trained),
        trained_cohort=trained_cohort,
        comparison=comparison,
    )


def test_a_known_effect_is_found_and_called_improved() -> None:
    found = estimate(cohort(np.random.default_rng(7), trained=20, compared=20, effect=0.10))
    # The true difference is 0.10 (the drift of 0.03 is common to both groups): the estimate
    # is within sampling error of it (each agent's change has a standard deviation of about
    # 0.085 from 60 contacts a window; over 20 and 20 agents that is about 0.027).
    assert found.difference == pytest.approx(0.10, abs=0.06)
    assert found.low is not None and found.high is not None
    assert found.low < 0.10 < found.high
    assert conclusion(found, 5) == "improved"


def test_no_effect_is_within_the_noise_in_at_least_95_of_100_repetitions() -> None:
    within = 0
    for repetition in range(100):
        rng = np.random.default_rng(1000 + repetition)
        found = estimate(cohort(rng, trained=10, compared=10, effect=0.0), seed=repetition)
        within += conclusion(found, 5) == "within the noise"
    assert within >= 95


def test_too_few_agents_below_the_minimum_and_not_at_it() -> None:
    """A strong effect (0.3) on little noise (400 contacts a window): at the minimum the
    estimate concludes; one trained agent fewer, it says nothing."""
    minimum = 5
    for trained, expected in [(minimum - 1, "too few agents"), (minimum, "improved")]:
        found = estimate(
            cohort(np.random.default_rng(3), trained=trained, compared=20, effect=0.3, contacts=400)
        )
        assert found.trained_agents == trained
        assert conclusion(found, minimum) == expected


def test_worse_when_the_interval_lies_below_zero() -> None:
    found = estimate(cohort(np.random.default_rng(5), trained=20, compared=20, effect=-0.15))
    assert found.high is not None and found.high < 0
    assert conclusion(found, 5) == "worse"


def test_the_interval_is_the_same_every_time() -> None:
    data = cohort(np.random.default_rng(11), trained=8, compared=8, effect=0.05)
    assert estimate(data) == estimate(data)


def test_weeks_outside_the_limits_are_refused(db: Database, policy: Policy) -> None:
    with pytest.raises(ValueError, match="weeks"):
        training_impact(db, OWNER, policy, module="x", weeks=0, as_of=AS_OF)


def test_the_expanded_interval_widens_for_few_agents() -> None:
    """α' = 2·Φ(−√(n/(n−1))·t(n−1, 0.975)): for n = 30, √(30/29) × 2.0452 = 2.0802 and
    2·Φ(−2.0802) = 0.0375; for many agents it tends to 0.05."""
    assert expanded_alpha(30) == pytest.approx(0.0375, abs=0.0005)
    assert expanded_alpha(10_000) == pytest.approx(0.05, abs=0.0005)
    assert expanded_alpha(5) < expanded_alpha(10) < expanded_alpha(30)
