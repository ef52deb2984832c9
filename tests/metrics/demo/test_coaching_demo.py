"""The demo's coaching plans: generated, labelled demo, open and closed, each closed goal's
judgement the one the product's own before/after gives on the demo's contacts (not written
in), and removed with the demo."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from metrics.coaching.before_after import judge_goal, weeks_around
from metrics.coaching.plans import metric_side
from metrics.demo.generate import remove_demo
from metrics.people import Viewer
from metrics.store import open_database
from modules.policy import load_policy


def test_the_demo_plans_are_judged_on_the_demos_own_contacts(demo_db_path: Path) -> None:
    policy = load_policy().policy
    db = open_database(demo_db_path)
    try:
        plans = db.execute(
            "SELECT p.id, p.agent_id, p.opened_at, p.closed_at, p.is_demo, g.metric, g.target,"
            " g.closed_value, g.closed_n, g.met FROM coaching_plans p"
            " JOIN coaching_goals g ON g.plan_id = p.id ORDER BY p.id"
        ).fetchall()
        assert plans and all(plan[4] for plan in plans)
        closed = [plan for plan in plans if plan[3] is not None]
        still_open = [plan for plan in plans if plan[3] is None]
        assert closed and still_open
        zone = policy.business_hours.timezone
        for _, agent_id, opened_at, closed_at, _, metric, target, value, n, met in closed:
            weeks = weeks_around(
                opened_at.astimezone(ZoneInfo(zone)).date(),
                closed_at.astimezone(ZoneInfo(zone)).date(),
            )
            assert weeks is not None
            admin = Viewer.local_admin()
            before = metric_side(
                db, admin, policy, agent_id, metric, weeks.before_start, weeks.before_end
            )
            since = metric_side(
                db, admin, policy, agent_id, metric, weeks.since_start, weeks.since_end
            )
            judged = judge_goal(
                metric, target, weeks, before, since, min_contacts=policy.standards.min_contacts
            )
            assert (value, n, met) == (since.value, since.n, judged.met)
        # Nothing is judged on the open ones yet.
        assert all(plan[7:] == (None, None, None) for plan in still_open)
        remove_demo(db)
        assert db.execute("SELECT count(*) FROM coaching_plans").fetchone() == (0,)
        for table in ("coaching_plan_focus", "coaching_goals", "coaching_observations"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    finally:
        db.close()
