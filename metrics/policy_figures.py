"""The figures of the policy version in force (`modules/policy_figures.py`), kept beside the
versions so that a process that only reads metrics needs neither Pydantic nor a YAML parser.

`metrics/organisation.py` keeps them (`keep_figures_in_force`), from the validated text, in the
transaction that puts a version in force. Reading them here checks that they are the version's
in force in the same query; where they are not (a store whose version was put in force before
the figures were kept), the caller validates the version's text instead.

Standard library and DuckDB only.
"""

from __future__ import annotations

from metrics.store import Database
from modules.policy_figures import PolicyFigures

FIGURES_SETTING = "policy_figures_in_force"  # organisation_settings key: PolicyFigures.to_json()


def kept_figures_in_force(db: Database) -> PolicyFigures | None:
    """The kept figures of the published version, or None when none is published or the figures
    kept are not that version's."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT v.version, s.value FROM policy_versions v"
            " LEFT JOIN organisation_settings s ON s.key = ?"
            " WHERE v.status = 'published'",
            [FIGURES_SETTING],
        ).fetchone()
    if row is None or row[1] is None:
        return None
    figures = PolicyFigures.from_json(str(row[1]))
    return figures if figures.version == int(row[0]) else None
