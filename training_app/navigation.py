"""Which pages exist for a session: decided by the signed-in viewer's role, nothing else.

Every page the app has is listed once, in `PAGES_BY_PATH`, with the roles it is open to. A
role's navigation holds its own pages; each address it may not open is there too, hidden, as
one line on Home saying so ("Team performance is not open to agents"), so that a bookmark or a
link sent by a colleague never falls back silently. The server reads the same list to send a
signed-out request for any page to the sign-in page first (`training_app/sign_in_routes.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from metrics.people import Viewer
from modules.policy import Role

PAGES = Path(__file__).parent / "app_pages"
HOME_PATH = "home"
# The signed-out session's own addresses, which the server answers itself (sign-in pages that
# set the session cookie): the app reaches them only when it is served without that server.
SIGN_IN_PATHS = ("sign-in", "first-owner", "choose-password")
REFUSED_KEY = "address_refused"  # the page a role may not open, told once on Home

HOME_PAGE_BY_ROLE = {
    "owner": "home_owner.py",
    "supervisor": "home_supervisor.py",
    "agent": "home_agent.py",
}
ROLE_PLURAL = {"owner": "owners", "supervisor": "supervisors", "agent": "agents"}
EVERYONE: tuple[Role, ...] = ("owner", "supervisor", "agent")
MANAGERS: tuple[Role, ...] = ("owner", "supervisor")


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    section: str
    roles: tuple[Role, ...]
    # Opened from another page with something chosen; no use on its own in the menu.
    hidden: bool = False
    # The title a role reads instead (a supervisor's staff page is their team).
    title_for: tuple[tuple[Role, str], ...] = ()
    # Open only while the viewer is in the pilot group of a version in pilot.
    pilot_only: bool = False


# Address (URL path) -> page, in menu order. Home's address is also the app's root.
PAGES_BY_PATH: dict[str, PageSpec] = {
    "policy": PageSpec("policy.py", "Policy", ":material/policy:", "", EVERYONE),
    "training": PageSpec(
        "my_training.py", "My training", ":material/school:", "Training", EVERYONE
    ),
    "module": PageSpec(
        "take_module.py",
        "Training module",
        ":material/play_lesson:",
        "Training",
        EVERYONE,
        hidden=True,
    ),
    "training-records": PageSpec(
        "training_records.py", "Training records", ":material/fact_check:", "Training", MANAGERS
    ),
    "compliance": PageSpec("compliance.py", "Compliance", ":material/rule:", "Training", MANAGERS),
    "rollout-session": PageSpec(
        "rollout_session.py", "Rollout session", ":material/co_present:", "Training", MANAGERS
    ),
    "verify": PageSpec(
        "verify_certificate.py", "Verify a certificate", ":material/verified:", "Training", MANAGERS
    ),
    "record-complaint": PageSpec(
        "record_complaint.py",
        "Record a complaint",
        ":material/add_comment:",
        "Complaints",
        EVERYONE,
    ),
    "complaints": PageSpec(
        "complaints.py", "Complaints", ":material/forum:", "Complaints", EVERYONE
    ),
    "approvals": PageSpec(
        "approvals.py",
        "Compensation approvals",
        ":material/price_check:",
        "Complaints",
        MANAGERS,
    ),
    "customer-data": PageSpec(
        "customer_data.py", "Customer data", ":material/shield_person:", "Complaints", ("owner",)
    ),
    "my-performance": PageSpec(
        "my_performance.py", "My performance", ":material/monitoring:", "Performance", ("agent",)
    ),
    "performance": PageSpec(
        "team_performance.py", "Team performance", ":material/monitoring:", "Performance", MANAGERS
    ),
    "import": PageSpec(
        "import_contacts.py", "Import contacts", ":material/upload_file:", "Performance", MANAGERS
    ),
    "agent": PageSpec(
        "agent_performance.py",
        "Agent performance",
        ":material/person:",
        "Performance",
        MANAGERS,
        hidden=True,
    ),
    "recognition": PageSpec(
        "recognition.py", "Recognition", ":material/emoji_events:", "Performance", MANAGERS
    ),
    "coaching": PageSpec(
        "coaching.py", "Coaching candidates", ":material/support_agent:", "Performance", MANAGERS
    ),
    "coaching-plans": PageSpec(
        "coaching_plans.py",
        "Coaching plans",
        ":material/assignment:",
        "Performance",
        EVERYONE,
        title_for=(("agent", "My coaching plans"),),
    ),
    "coaching-plan": PageSpec(
        "coaching_plan.py",
        "Coaching plan",
        ":material/assignment:",
        "Performance",
        EVERYONE,
        hidden=True,
    ),
    "training-impact": PageSpec(
        "training_impact.py", "Training impact", ":material/model_training:", "Training", MANAGERS
    ),
    "complaint-numbers": PageSpec(
        "complaint_numbers.py",
        "Complaint numbers",
        ":material/leaderboard:",
        "Complaints",
        EVERYONE,
        title_for=(("agent", "My complaint numbers"),),
    ),
    "staff": PageSpec(
        "staff.py",
        "Staff and teams",
        ":material/groups:",
        "Organisation",
        MANAGERS,
        title_for=(("supervisor", "My team"),),
    ),
    "policy-versions": PageSpec(
        "policy_versions.py",
        "Policy versions",
        ":material/history_edu:",
        "Organisation",
        ("owner",),
    ),
    "self-assessment": PageSpec(
        "self_assessment.py",
        "Service self-assessment",
        ":material/rate_review:",
        "Organisation",
        ("owner",),
    ),
    "assess-our-service": PageSpec(
        "self_assessment_answer.py",
        "Assess our service",
        ":material/rate_review:",
        "",
        ("supervisor", "agent"),
    ),
    "pilot": PageSpec(
        "pilot_policy.py", "Pilot policy", ":material/rate_review:", "", EVERYONE, pilot_only=True
    ),
}
# Every address the app answers with a page: the root (Home) included.
PAGE_PATHS = ("", HOME_PATH, *PAGES_BY_PATH)


def _title(spec: PageSpec, role: Role) -> str:
    return dict(spec.title_for).get(role, spec.title)


def _section(spec: PageSpec, role: Role) -> str:
    return "Team" if spec.section == "Organisation" and role == "supervisor" else spec.section


def _home(role: Role) -> StreamlitPage:
    return st.Page(
        PAGES / HOME_PAGE_BY_ROLE[role],
        title="Home",
        icon=":material/home:",
        url_path=HOME_PATH,
        default=True,
    )


def _refusal(notice: str, role: Role) -> Callable[[], None]:
    def refuse() -> None:
        st.session_state[REFUSED_KEY] = notice
        st.switch_page(_home(role))

    return refuse


def pages_for(viewer: Viewer, *, piloting: bool = False) -> dict[str, list[StreamlitPage]]:
    """The navigation for a role: its pages, and every other address as a hidden page that
    says on Home that it is not open to the role. A page not listed here cannot be reached.
    `piloting`: the viewer is in the pilot group of a version in pilot (the store says so on
    every run), which opens the pilot's page."""
    role = viewer.role
    sections: dict[str, list[StreamlitPage]] = {"": [_home(role)]}
    refused: list[StreamlitPage] = []
    for path, spec in PAGES_BY_PATH.items():
        title = _title(spec, role)
        notice = None
        if role not in spec.roles:
            notice = f"{title} is not open to {ROLE_PLURAL[role]}."
        elif spec.pilot_only and not piloting:
            notice = f"{title} is open only to the pilot group of a policy version in pilot."
        if notice is not None:
            refused.append(
                st.Page(_refusal(notice, role), title=title, url_path=path, visibility="hidden")
            )
            continue
        sections.setdefault(_section(spec, role), []).append(
            st.Page(
                PAGES / spec.file,
                title=title,
                icon=spec.icon,
                url_path=path,
                visibility="hidden" if spec.hidden else "visible",
            )
        )
    # Hidden pages draw nothing in the menu; they are listed last, under the first section.
    sections[""].extend(refused)
    return sections


def refusal_notice() -> str | None:
    """The line Home shows after an address the role may not open, once."""
    notice = st.session_state.pop(REFUSED_KEY, None)
    return notice if isinstance(notice, str) else None


def signed_out_pages(
    send_to_sign_in: Callable[[], None], unserved: Callable[[], None]
) -> list[StreamlitPage]:
    """A signed-out session at any of the app's addresses is sent to the sign-in page, which
    keeps the address to return to; the sign-in addresses themselves reach the app only when
    it is served without its server (`unserved` says how to start it)."""
    pages = [st.Page(send_to_sign_in, title="Sign in", url_path=HOME_PATH, default=True)]
    pages += [st.Page(send_to_sign_in, title="Sign in", url_path=path) for path in PAGES_BY_PATH]
    pages += [st.Page(unserved, title="Sign in", url_path=path) for path in SIGN_IN_PATHS]
    return pages
