"""The Staff page's API tokens: an owner creates one (shown once), sees it listed and revokes it;
a supervisor's My team page has no token section at all."""

from __future__ import annotations

from metrics.auth import api_token_viewer
from metrics.store import open_database
from tests.training_app.apptest import app_as
from training_app.components.text import md


def test_an_owner_creates_sees_once_and_revokes_a_token(viewers, demo_db_path) -> None:
    at = app_as(viewers["owner"]).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert "API tokens" in [h.value for h in at.subheader]
    assert any(i.value == "No API tokens yet." for i in at.info)
    [name] = [t for t in at.text_input if t.label == "Token name"]
    name.input("nightly-import")
    [team] = [s for s in at.selectbox if s.label == "The token's team"]
    team.select("Front line")
    [create] = [b for b in at.button if b.label == "Create token"]
    create.click().run()
    assert not at.exception
    [shown] = [c.value for c in at.code]
    assert shown.startswith("sa_")
    db = open_database(demo_db_path)
    try:
        viewer = api_token_viewer(db, shown)
    finally:
        db.close()
    assert viewer is not None and (viewer.role, viewer.name) == (
        "supervisor",
        "API token nightly-import",
    )
    listed = at.dataframe[-1].value
    assert list(listed["Name"]) == ["nightly-import"] and list(listed["State"]) == ["active"]

    at.run()  # any next interaction: the token is gone from the page
    assert not [c for c in at.code if c.value == shown]

    [sure] = [c for c in at.checkbox if c.label.startswith("Integrations using it")]
    sure.check()
    [revoke] = [b for b in at.button if b.label == "Revoke token"]
    revoke.click().run()
    assert not at.exception
    assert any("revoked" in s.value for s in at.success)
    assert list(at.dataframe[-1].value["State"]) == ["revoked by Maja Kovač <owner@demo.example>"]


def test_a_bad_name_is_one_line_and_creates_nothing(viewers) -> None:
    at = app_as(viewers["owner"]).run()
    at.switch_page("app_pages/staff.py").run()
    [name] = [t for t in at.text_input if t.label == "Token name"]
    name.input("<script>")
    [create] = [b for b in at.button if b.label == "Create token"]
    create.click().run()
    assert not at.exception and not at.code
    # Shown through md() (training_app/components/text.py): the "@" is not read as an address.
    assert [e.value for e in at.error] == [
        md("A token's name is 1 to 100 letters, digits, spaces, dots, dashes or @.")
    ]


def test_a_supervisor_sees_no_token_section(viewers) -> None:
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert "API tokens" not in [h.value for h in at.subheader]
    assert not [b for b in at.button if b.label == "Create token"]
