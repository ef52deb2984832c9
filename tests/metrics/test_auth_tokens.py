"""API tokens: created by owners, shown once, stored hashed, scoped like a person, revoked."""

from __future__ import annotations

import hashlib

import pytest

from metrics.auth import (
    ApiTokenRequest,
    TokenError,
    api_token_viewer,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database

ADMIN = Viewer.local_admin()


@pytest.fixture
def teams(db: Database) -> dict[str, int]:
    return {name: add_team(db, name) for name in ("Front line", "Back office")}


def test_a_token_is_shown_once_stored_hashed_and_acts_with_its_role_and_team(
    db: Database, teams: dict[str, int]
) -> None:
    new = create_api_token(
        db, ADMIN, ApiTokenRequest(name="nightly-import", role="supervisor", team="Front line")
    )
    assert (new.name, new.role, new.team) == ("nightly-import", "supervisor", "Front line")
    assert new.token.startswith("sa_") and len(new.token) > 40
    stored = db.execute("SELECT token_sha256, created_by FROM api_tokens").fetchall()
    assert stored == [(hashlib.sha256(new.token.encode()).hexdigest(), "local administrator")]
    assert new.token not in str(db.execute("SELECT * FROM api_tokens").fetchall())

    viewer = api_token_viewer(db, new.token)
    assert viewer == Viewer(
        staff_id=-1,
        name="API token nightly-import",
        email="",
        role="supervisor",
        team_id=teams["Front line"],
    )
    [listed] = list_api_tokens(db, ADMIN)
    assert listed.active and listed.last_used_at is not None
    assert api_token_viewer(db, new.token + "x") is None
    assert api_token_viewer(db, "not-a-token") is None


def test_a_token_viewer_never_passes_for_a_person_or_the_local_administrator(
    db: Database, teams: dict[str, int]
) -> None:
    staff_id = add_staff(db, NewStaffMember(name="Ana", email="ana@x.example", role="owner"))
    new = create_api_token(db, ADMIN, ApiTokenRequest(name="etl", role="owner"))
    viewer = api_token_viewer(db, new.token)
    assert viewer is not None and viewer.staff_id < 0
    assert viewer.staff_id not in (0, staff_id)


def test_a_revoked_token_is_refused_and_its_name_is_not_reused(
    db: Database, teams: dict[str, int]
) -> None:
    new = create_api_token(db, ADMIN, ApiTokenRequest(name="etl", role="owner"))
    revoked = revoke_api_token(db, ADMIN, "etl")
    assert not revoked.active and revoked.revoked_by == "local administrator"
    assert api_token_viewer(db, new.token) is None
    with pytest.raises(TokenError, match="already revoked"):
        revoke_api_token(db, ADMIN, "etl")
    with pytest.raises(TokenError, match="a revoked token is already named 'etl'"):
        create_api_token(db, ADMIN, ApiTokenRequest(name="etl", role="owner"))
    with pytest.raises(TokenError, match="no API token named 'nope'"):
        revoke_api_token(db, ADMIN, "nope")


def test_bad_requests_are_refused_with_a_reason(db: Database, teams: dict[str, int]) -> None:
    with pytest.raises(TokenError, match="a supervisor's token needs a team"):
        create_api_token(db, ADMIN, ApiTokenRequest(name="x", role="supervisor"))
    with pytest.raises(TokenError, match="no team named 'Nowhere'; existing teams: Back office"):
        create_api_token(db, ADMIN, ApiTokenRequest(name="x", role="supervisor", team="Nowhere"))
    assert list_api_tokens(db, ADMIN) == []


def test_only_owners_manage_tokens(db: Database, teams: dict[str, int]) -> None:
    supervisor = Viewer(
        staff_id=5, name="S", email="s@x.example", role="supervisor", team_id=teams["Front line"]
    )
    with pytest.raises(AccessDenied):
        create_api_token(
            db, supervisor, ApiTokenRequest(name="mine", role="supervisor", team="Front line")
        )
    with pytest.raises(AccessDenied):
        list_api_tokens(db, supervisor)
    with pytest.raises(AccessDenied):
        revoke_api_token(db, supervisor, "mine")
