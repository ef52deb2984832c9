"""Who is asking, and the team they may list: what every reading of people's data checks first.

Plain Python, no Pydantic: the command line's report builds a viewer and checks its scope, and a
process that only reports pays for every import. `metrics.people` re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass

from modules.defaults import Role


class AccessDenied(PermissionError):
    """The viewer asked for people's data their role does not allow."""


@dataclass(frozen=True, kw_only=True)
class Viewer:
    """Who is asking. Built from the staff row as it is now (`people.staff_viewer`), or an API
    token's row, on every script run or request, never from user input."""

    staff_id: int
    name: str
    email: str
    role: Role
    team_id: int | None
    # Given a temporary password: they choose their own before anything else.
    must_choose_password: bool = False

    @classmethod
    def local_admin(cls) -> Viewer:
        """The command line acts with owner rights: whoever can run it can read the file anyway."""
        return cls(staff_id=0, name="local administrator", email="", role="owner", team_id=None)


def visible_team_id(viewer: Viewer, team_id: int | None) -> int | None:
    """The team a viewer may list: owners any (None = all), supervisors only their own."""
    if viewer.role == "owner":
        return team_id
    if viewer.role == "supervisor" and team_id in (None, viewer.team_id):
        if viewer.team_id is None:
            raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
        return viewer.team_id
    raise AccessDenied("you may not list other people's records")
