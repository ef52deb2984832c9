"""Agent names that are no person: phone interfaces, and the links that say who they are.

An Asterisk queue_log names the member that took a call by its interface when the queue gives
it no member name: `PJSIP/201`, `SIP/301`, `Local/2004@from-internal/n`. Such a name is a phone,
not a person, so an import never makes staff of it (see metrics/contacts/imports.py): the
contact is stored with no agent and the interface kept (`interactions.agent_interface`), counted
as answered and handled by nobody until someone says once who the name is (`link_name`). Then
every stored contact under the name moves to that person, in the link's transaction, and later
imports of the same source give the name's contacts to them.

An interface name is told by its channel technology, as Asterisk writes it, followed by a slash
and no space (`INTERFACE_TECHNOLOGIES`). What varies from call to call is stripped, so that one
extension is one name (`interface_sql`): a Local channel's options (`/n`, `/nj`), its half
(`;1`, `;2`) and a channel's per-call counter (`-0000001a`). So `Local/2004@from-internal/n`
and `Local/2004@from-internal-0000001a;1` are both `Local/2004@from-internal`.

Imports made before interface names were told apart made a "person" of each (role agent, no
e-mail, no sign-in, named `PJSIP/201`): such a pseudo-person's contacts count as under the name
too, and linking the name moves them as well and deactivates the pseudo-person once it has no
contact left (it is kept, inactive, rather than deleted: nothing else may point at it).

Who may link: an owner any name to anyone active; a supervisor a name their team's contacts
are under, to an active agent of their team, moving only their team's contacts (a name linked
by an owner to someone outside the team stays as the owner linked it).
"""

from __future__ import annotations

import duckdb
from pydantic import BaseModel

from metrics.contacts.rollups import mark_contacts_changed, refresh_contact_rollups
from metrics.people import AccessDenied, Viewer
from metrics.store import Database, transaction

# Asterisk's channel technologies that name a phone or a trunk, never a person.
INTERFACE_TECHNOLOGIES = (
    "Local",
    "PJSIP",
    "SIP",
    "IAX2",
    "DAHDI",
    "Zap",
    "Skinny",
    "MGCP",
    "H323",
    "OOH323",
    "UNISTIM",
    "Motif",
    "Console",
)
_INTERFACE = "^(" + "|".join(INTERFACE_TECHNOLOGIES) + r")/\S+$"


def _pseudo_people_sql() -> str:
    """The staff an import made of an interface name before they were told apart (see the
    module docstring): id and the interface."""
    interface = interface_sql("nfc_normalize(trim(name))")
    return (
        f"SELECT id, interface FROM (SELECT id, {interface} AS interface FROM staff"
        " WHERE role = 'agent' AND email IS NULL AND password_hash IS NULL)"
        " WHERE interface IS NOT NULL"
    )


def interface_sql(column: str) -> str:
    """SQL for the interface `column` (an agent name, NFC) names with the per-call suffixes
    stripped (see the module docstring), or NULL when it is no interface name."""
    stripped = (
        f"regexp_replace(regexp_replace(regexp_replace({column}, ';[0-9]+$', ''),"
        r" '-[0-9a-f]{8}$', ''), '^(Local/[^/]+)/[a-z]+$', '\1')"
    )
    return f"CASE WHEN regexp_matches({column}, '{_INTERFACE}') THEN {stripped} END"


class LinkError(ValueError):
    """A link that cannot be made (someone the viewer may not link to, a name already linked by
    an owner); one line, nothing changed."""


class NameToLink(BaseModel):
    """An interface name with stored contacts that nobody has been given yet."""

    source: str
    name: str
    contacts: int
    # Whom the name is linked to, when it is and the viewer may see them (contacts stored before
    # the link, out of the viewer's reach then, wait for it to be applied again).
    linked_to: str | None


class LinkCandidate(BaseModel):
    id: int
    name: str
    email: str | None
    team: str | None


class Linked(BaseModel):
    source: str
    name: str
    staff_id: int
    staff_name: str
    moved: int  # stored contacts given to the person by this link


def _scope(viewer: Viewer) -> tuple[str, list[object]]:
    """The contacts (over `i`) a viewer may give an agent to: an owner's all, a supervisor's
    those queued to their team."""
    if viewer.role == "owner":
        return "true", []
    if viewer.role == "supervisor":
        if viewer.team_id is None:
            raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
        return "i.team_id = ?", [viewer.team_id]
    raise AccessDenied("only owners and supervisors link agent names")


def _candidates_sql(viewer: Viewer) -> tuple[str, list[object]]:
    """The staff (over `s`) a viewer may link a name to: active; a supervisor's team's agents."""
    if viewer.role == "owner":
        return "s.active", []
    if viewer.role == "supervisor" and viewer.team_id is not None:
        return "s.active AND s.role = 'agent' AND s.team_id = ?", [viewer.team_id]
    raise AccessDenied("only owners and supervisors link agent names")


def names_to_link(db: Database, viewer: Viewer) -> list[NameToLink]:
    """Interface names with stored contacts given to nobody, in the viewer's scope, most
    contacts first."""
    where, params = _scope(viewer)
    who, who_params = _candidates_sql(viewer)
    with db.cursor() as cur:
        rows = cur.execute(
            f"""
            WITH pending AS (
                SELECT i.source, i.agent_interface AS name FROM interactions i
                WHERE i.agent_id IS NULL AND i.agent_interface IS NOT NULL AND {where}
                UNION ALL
                SELECT i.source, p.interface FROM interactions i
                JOIN ({_pseudo_people_sql()}) p ON p.id = i.agent_id
                WHERE {where}
            )
            SELECT c.source, c.name, count(*) AS contacts, any_value(s.name) AS linked_to
            FROM pending c
            LEFT JOIN agent_name_links l ON l.source = c.source AND l.name = c.name
            LEFT JOIN staff s ON s.id = l.staff_id AND {who}
            GROUP BY c.source, c.name
            ORDER BY contacts DESC, c.name, c.source
            """,
            [*params, *params, *who_params],
        ).fetchall()
    return [
        NameToLink(source=source, name=name, contacts=int(contacts), linked_to=linked_to)
        for source, name, contacts, linked_to in rows
    ]


def link_candidates(db: Database, viewer: Viewer) -> list[LinkCandidate]:
    """Whom the viewer may link a name to, by name."""
    who, params = _candidates_sql(viewer)
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT s.id, s.name, s.email, t.name FROM staff s"
            f" LEFT JOIN teams t ON t.id = s.team_id WHERE {who} ORDER BY s.name, s.email",
            params,
        ).fetchall()
    return [LinkCandidate(id=i, name=n, email=e, team=t) for i, n, e, t in rows]


def _who(viewer: Viewer) -> str:
    return f"{viewer.name} <{viewer.email}>" if viewer.email else viewer.name


def link_name(db: Database, viewer: Viewer, source: str, name: str, staff_id: int) -> Linked:
    """Link the interface `name` of `source` to the staff member `staff_id` and give them every
    stored contact under the name that nobody has and the viewer may reach, in one transaction
    (see `link_in`)."""
    try:
        with transaction(db) as cur:
            return link_in(cur, viewer, source, name, staff_id)
    except duckdb.TransactionException:
        raise LinkError(
            f"{name} was not linked: contacts were being imported or linked at the same moment;"
            " nothing was changed, so try again"
        ) from None


def link_in(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, source: str, name: str, staff_id: int
) -> Linked:
    """`link_name` inside the caller's transaction (a staff import's, say), on its cursor.

    `name` is written as the source writes it; its per-call suffixes are stripped here, and a
    name that is no interface is refused. Decided against the stored rows inside the
    transaction: the person must be one the viewer may link to (`link_candidates`), and a
    supervisor may not change a link an owner made to someone outside their team (same words
    whether or not that person exists). The moved contacts' days are marked and the rollups
    refreshed before the commit (the case sizes do not depend on the agent), and
    `import_writer` is claimed, so that an import writing at the same moment (which read the
    links before this one) conflicts and stores nothing rather than leaving new contacts under
    a name that is linked."""
    where, params = _scope(viewer)
    who, who_params = _candidates_sql(viewer)
    row = cur.execute(
        f"SELECT {interface_sql('nfc_normalize(trim($name))')}", {"name": name}
    ).fetchone()
    if row is None or row[0] is None:
        raise LinkError(
            f"{name.strip()} is not a phone interface name (such as PJSIP/201 or"
            " Local/2004@from-internal): a person's name is matched to staff by the import"
        )
    name = str(row[0])
    cur.execute("UPDATE import_writer SET writes = writes + 1")
    person = cur.execute(
        f"SELECT s.id, s.name FROM staff s WHERE s.id = ? AND {who}",
        [staff_id, *who_params],
    ).fetchone()
    if person is None:
        raise LinkError(
            f"staff member #{staff_id} cannot be linked to: "
            + (
                "link a name to an active agent of your team"
                if viewer.role == "supervisor"
                else "link a name to an active member of staff"
            )
        )
    stored = cur.execute(
        "SELECT l.staff_id, s.id IS NOT NULL FROM agent_name_links l"
        f" LEFT JOIN staff s ON s.id = l.staff_id AND {who}"
        " WHERE l.source = ? AND l.name = ?",
        [*who_params, source, name],
    ).fetchone()
    if stored is not None and stored[0] != staff_id and not stored[1]:
        raise LinkError(
            f"{name} is already linked to someone outside your team; ask an owner to change"
            " the link"
        )
    if stored is None:
        cur.execute(
            "INSERT INTO agent_name_links (source, name, staff_id, linked_by) VALUES (?, ?, ?, ?)",
            [source, name, staff_id, _who(viewer)],
        )
    else:
        cur.execute(
            "UPDATE agent_name_links SET staff_id = ?, linked_by = ?,"
            " linked_at = current_timestamp WHERE source = ? AND name = ?",
            [staff_id, _who(viewer), source, name],
        )
    # Under the name: given to nobody, or to a pseudo-person of the name.
    cur.execute(f"CREATE OR REPLACE TEMP TABLE link_pseudo_people AS {_pseudo_people_sql()}")
    cur.execute("DELETE FROM link_pseudo_people WHERE interface <> ?", [name])
    to_move = (
        "id IN (SELECT i.id FROM interactions i WHERE i.source = ? AND"
        " ((i.agent_id IS NULL AND i.agent_interface = ?)"
        f" OR i.agent_id IN (SELECT id FROM link_pseudo_people)) AND {where})"
    )
    move_params = [source, name, *params]
    mark_contacts_changed(cur, to_move, move_params)
    row = cur.execute(
        f"UPDATE interactions SET agent_id = ?, agent_interface = ? WHERE {to_move}",
        [staff_id, name, *move_params],
    ).fetchone()
    moved = int(row[0]) if row else 0
    cur.execute(
        "UPDATE staff SET active = false WHERE active AND id IN"
        " (SELECT id FROM link_pseudo_people) AND id NOT IN"
        " (SELECT agent_id FROM interactions WHERE agent_id IS NOT NULL)"
    )
    cur.execute("DROP TABLE link_pseudo_people")
    refresh_contact_rollups(cur)
    return Linked(
        source=source, name=name, staff_id=staff_id, staff_name=str(person[1]), moved=moved
    )
