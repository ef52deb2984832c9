"""The team rule and the plans it proposes, on hand-made contacts whose answers are worked out here.

The policy is the shipped one with `min_contacts` 10 (resolution target 0.75). Every contact is
a phone call answered in 10 s (within the 30 s standard: service level 1.0, never below) and
unrated (no CSAT), so only resolution can be proposed. Today is Friday 20 Nov 2026 in Zagreb
(UTC+1); a 7-day window runs from Saturday 14 Nov to Friday 20 Nov, local.

Wilson 95% intervals, with z = 1.96, centre (p + z²/2n)/(1 + z²/n), half-width
z·√(p(1−p)/n + z²/4n²)/(1 + z²/n):
- 2 resolved of 10: p 0.2, interval 0.0567–0.5098, under 0.75: clearly below;
- 0 of 10: 0–0.2775 (z²/(n + z²) = 3.8415/13.8415), clearly below;
- 0 of 9: 0–0.2991, clearly below, but 9 < 10 contacts: never judged;
- 5 of 10: p 0.5, interval 0.2366–0.7634: below the target, but the interval reaches over it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metrics.coaching import proposals
from metrics.coaching.proposals import CoachingRuleError, set_aside, set_team_rule, team_rules
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, set_role
from metrics.store import Database
from modules.content import TrainingModule, load_modules
from modules.defaults import Role
from modules.policy import Policy, load_policy

ZAGREB = ZoneInfo("Europe/Zagreb")
TODAY = date(2026, 11, 20)
NOW = "2026-11-20T12:00:00+00:00"


@pytest.fixture
def policy() -> Policy:
    shipped = load_policy().policy
    standards = shipped.standards.model_copy(update={"min_contacts": 10})
    return shipped.model_copy(update={"standards": standards})


@pytest.fixture
def modules(policy: Policy) -> list[TrainingModule]:
    return [loaded.module for loaded in load_modules(policy)]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_NOW", NOW)


class Org:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.team = {name: add_team(db, name) for name in ("North", "South")}
        self.ids: dict[str, int] = {}
        self.next_contact = 1
        people: list[tuple[str, Role, str | None]] = [
            ("ana", "agent", "North"),
            ("ben", "agent", "North"),
            ("cy", "agent", "North"),
            ("dee", "agent", "North"),
            ("eve", "agent", "South"),
            ("sue", "supervisor", "North"),
            ("sam", "supervisor", "South"),
            ("olga", "owner", None),
        ]
        for key, role, team in people:
            self.ids[key] = add_staff(
                db,
                NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team),
            )

    def viewer(self, key: str) -> Viewer:
        from metrics.people import staff_viewer

        found = staff_viewer(self.db, self.ids[key])
        assert found is not None
        return found

    def contacts(
        self, key: str, day: date, resolved: int, unresolved: int, hour: int = 10, minute: int = 0
    ) -> None:
        """Phone calls queued a minute apart from `hour`:`minute` local time on `day`, each
        answered in 10 s; the first `resolved` of them resolved."""
        queued = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZAGREB)
        team = self.team["South" if key == "eve" else "North"]
        for index in range(resolved + unresolved):
            at = queued + timedelta(minutes=index)
            answered = at + timedelta(seconds=10)
            is_resolved = index < resolved
            self.db.execute(
                "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
                " case_id, queued_at, answered_at, resolved_at, abandoned, resolved)"
                " VALUES (?, 'test', ?, 'phone', ?, ?, NULL, ?, ?, ?, false, ?)",
                [
                    self.next_contact,
                    str(self.next_contact),
                    self.ids[key],
                    team,
                    at,
                    answered,
                    answered if is_resolved else None,
                    is_resolved,
                ],
            )
            self.next_contact += 1


@pytest.fixture
def org(db: Database) -> Org:
    return Org(db)


def proposed(org: Org, policy: Policy, modules: list[TrainingModule], who: str = "olga") -> dict:
    found = proposals.proposals(org.db, org.viewer(who), policy, modules)
    return {(p.name, p.metric): p for p in found}


def test_a_team_without_its_rule_on_is_proposed_nothing(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    org.contacts("cy", date(2026, 11, 18), 0, 10)  # 0 of 10: clearly below
    assert proposed(org, policy, modules) == {}
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    assert set(proposed(org, policy, modules)) == {("Cy", "resolution_rate")}
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], None)
    assert proposed(org, policy, modules) == {}


def test_a_contact_on_the_windows_first_day_counts_and_the_day_before_does_not(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    # Ana: 2 resolved of 9 inside the window after its first day, one unresolved call at 00:30
    # local on its first day (Sat 14 Nov; 23:30 UTC on the 13th), and one resolved call at
    # 23:30 local the day before (Fri 13 Nov), which must not count.
    org.contacts("ana", date(2026, 11, 16), 2, 7)
    first_day = datetime(2026, 11, 14, 0, 30, tzinfo=ZAGREB)
    assert first_day.astimezone(UTC).date() == date(2026, 11, 13)
    org.contacts("ana", date(2026, 11, 14), 0, 1, hour=0, minute=30)
    org.contacts("ana", date(2026, 11, 13), 1, 0, hour=23, minute=30)
    proposal = proposed(org, policy, modules)[("Ana", "resolution_rate")]
    # Counted: 2 resolved of 10 (the 9, and the first day's call; not the day before's).
    assert (proposal.n, proposal.value) == (10, pytest.approx(0.2))
    assert (proposal.low, proposal.high) == (
        pytest.approx(0.0567, abs=1e-4),
        pytest.approx(0.5098, abs=1e-4),
    )
    assert (proposal.window_start, proposal.window_end) == (date(2026, 11, 14), TODAY)
    assert proposal.target == 0.75 and proposal.window_days == 7


def test_the_minimum_of_contacts_is_the_rates_own_sample(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("ben", date(2026, 11, 18), 0, 9)  # min_contacts − 1: not judged
    org.contacts("cy", date(2026, 11, 18), 0, 10)  # min_contacts: proposed
    found = proposed(org, policy, modules)
    assert set(found) == {("Cy", "resolution_rate")}
    assert found[("Cy", "resolution_rate")].high == pytest.approx(3.8415 / 13.8415, abs=1e-4)


def test_below_but_not_clearly_is_not_proposed(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("dee", date(2026, 11, 18), 5, 5)  # 0.5 < 0.75, interval up to 0.7634
    assert proposed(org, policy, modules) == {}


def test_an_interval_touching_the_target_is_not_clear(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    from metrics.performance.intervals import wilson_interval

    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("dee", date(2026, 11, 18), 3, 7)  # 3 of 10: interval up to 0.6032
    _, top = wilson_interval(3, 10)
    assert top == pytest.approx(0.6032, abs=1e-4)
    touching = policy.model_copy(
        update={"standards": policy.standards.model_copy(update={"resolution_target": top})}
    )
    assert proposed(org, touching, modules) == {}
    just_above = policy.model_copy(
        update={"standards": policy.standards.model_copy(update={"resolution_target": 0.61})}
    )
    assert set(proposed(org, just_above, modules)) == {("Dee", "resolution_rate")}


def test_a_proposal_carries_the_module_that_teaches_its_standard(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("cy", date(2026, 11, 18), 0, 10)
    proposal = proposed(org, policy, modules)[("Cy", "resolution_rate")]
    assert proposal.module_id == "customer-service-policy"
    assert proposal.confirm_address == (
        f"coaching-plan?agent={org.ids['cy']}&from=proposal&metric=resolution_rate"
        "&module=customer-service-policy"
    )
    untaught = [module for module in modules if "resolution_rate" not in module.teaches]
    alone = proposed(org, policy, untaught)[("Cy", "resolution_rate")]
    assert (alone.module_id, alone.module_title) == (None, None)
    assert alone.confirm_address == (
        f"coaching-plan?agent={org.ids['cy']}&from=proposal&metric=resolution_rate"
    )
    assert alone.answer()["module"] is None


def test_an_open_plan_on_the_metric_stops_the_proposal_and_a_closed_one_does_not(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("cy", date(2026, 11, 18), 0, 10)
    org.db.execute(
        "INSERT INTO coaching_plans (id, agent_id, team_id, opened_by, opened_at, opened_from,"
        " review_on) VALUES (1, ?, ?, ?, now(), 'candidate', DATE '2026-12-01')",
        [org.ids["cy"], org.team["North"], org.ids["sue"]],
    )
    org.db.execute(
        "INSERT INTO coaching_plan_focus VALUES (1, 'service_level', 1.0, 10, 0.7, 1.0, 0.8)"
    )
    assert set(proposed(org, policy, modules)) == {("Cy", "resolution_rate")}  # another focus
    org.db.execute(
        "INSERT INTO coaching_plan_focus VALUES (1, 'resolution_rate', 0.0, 10, 0.0, 0.28, 0.75)"
    )
    assert proposed(org, policy, modules) == {}
    org.db.execute(
        "UPDATE coaching_plans SET closed_at = now(), closed_by = ? WHERE id = 1",
        [org.ids["sue"]],
    )
    assert set(proposed(org, policy, modules)) == {("Cy", "resolution_rate")}


def test_set_aside_after_the_window_began_stops_it_and_before_it_does_not(
    org: Org, policy: Policy, modules: list[TrainingModule], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("cy", date(2026, 11, 18), 0, 10)
    # Set aside at 00:10 local on the window's first day (Sat 14 Nov): after it began.
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-13T23:10:00+00:00")
    set_aside(org.db, org.viewer("sue"), org.ids["cy"], "resolution_rate", "on leave")
    monkeypatch.setenv("ACADEMY_NOW", NOW)
    assert proposed(org, policy, modules) == {}
    # A week on, the window starts on Sat 21 Nov, after the dismissal: proposed again
    # (the same contacts are older than that window, so add new ones inside it).
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-27T12:00:00+00:00")
    org.contacts("cy", date(2026, 11, 25), 0, 10)
    assert set(proposed(org, policy, modules)) == {("Cy", "resolution_rate")}
    (stored,) = org.db.execute(
        "SELECT count(*) FROM coaching_proposal_dismissals WHERE reason = 'on leave'"
    ).fetchone()  # type: ignore[misc]
    assert stored == 1


def test_a_dismissal_just_before_the_window_no_longer_counts(
    org: Org, policy: Policy, modules: list[TrainingModule], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    org.contacts("cy", date(2026, 11, 18), 0, 10)
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-13T22:50:00+00:00")  # 23:50 on Fri 13 Nov local
    set_aside(org.db, org.viewer("olga"), org.ids["cy"], "resolution_rate")
    monkeypatch.setenv("ACADEMY_NOW", NOW)
    assert set(proposed(org, policy, modules)) == {("Cy", "resolution_rate")}


def test_supervisors_see_their_own_teams_proposals_and_agents_none(
    org: Org, policy: Policy, modules: list[TrainingModule]
) -> None:
    set_team_rule(org.db, org.viewer("sue"), org.team["North"], 7)
    set_team_rule(org.db, org.viewer("sam"), org.team["South"], 7)
    org.contacts("cy", date(2026, 11, 18), 0, 10)
    org.contacts("eve", date(2026, 11, 18), 0, 10)
    assert set(proposed(org, policy, modules, "olga")) == {
        ("Cy", "resolution_rate"),
        ("Eve", "resolution_rate"),
    }
    assert set(proposed(org, policy, modules, "sue")) == {("Cy", "resolution_rate")}
    assert set(proposed(org, policy, modules, "sam")) == {("Eve", "resolution_rate")}
    with pytest.raises(AccessDenied):
        proposals.proposals(org.db, org.viewer("sam"), policy, modules, org.team["North"])
    with pytest.raises(AccessDenied):
        proposed(org, policy, modules, "cy")


def test_the_rule_is_set_by_the_teams_supervisor_or_an_owner_as_stored(org: Org) -> None:
    sue = org.viewer("sue")
    with pytest.raises(AccessDenied, match="supervisor of North"):
        set_team_rule(org.db, org.viewer("sam"), org.team["North"], 14)
    with pytest.raises(AccessDenied):
        set_team_rule(org.db, org.viewer("ana"), org.team["North"], 14)
    set_team_rule(org.db, org.viewer("olga"), org.team["South"], 30)
    set_team_rule(org.db, sue, org.team["North"], 14)
    rules = {rule.team: rule for rule in team_rules(org.db, org.viewer("olga"))}
    assert (rules["North"].window_days, rules["North"].set_by) == (14, "Sue")
    assert (rules["South"].window_days, rules["South"].set_by) == (30, "Olga")
    assert [rule.team for rule in team_rules(org.db, sue)] == ["North"]
    # Sue is made an agent after signing in: the viewer she holds says supervisor, the
    # stored row decides.
    set_role(org.db, "sue@x.example", "agent")
    with pytest.raises(AccessDenied):
        set_team_rule(org.db, sue, org.team["North"], None)
    assert team_rules(org.db, org.viewer("olga"))[0].window_days == 14


@pytest.mark.parametrize("days", [6, 366])
def test_a_window_outside_its_limits_is_refused(org: Org, days: int) -> None:
    with pytest.raises(CoachingRuleError, match="7 to 365 days"):
        set_team_rule(org.db, org.viewer("olga"), org.team["North"], days)


def test_only_the_teams_supervisor_or_an_owner_sets_a_proposal_aside(org: Org) -> None:
    with pytest.raises(AccessDenied):
        set_aside(org.db, org.viewer("sam"), org.ids["cy"], "resolution_rate")
    with pytest.raises(CoachingRuleError):
        set_aside(org.db, org.viewer("sue"), org.ids["cy"], "politeness")
    (count,) = org.db.execute("SELECT count(*) FROM coaching_proposal_dismissals").fetchone()  # type: ignore[misc]
    assert count == 0
