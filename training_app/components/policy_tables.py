"""The policy's tables as the policy page shows them; pure functions, tested without Streamlit."""

from __future__ import annotations

import pandas as pd

from modules.policy import ROLES, Policy


def targets(policy: Policy) -> pd.DataFrame:
    s = policy.standards
    return pd.DataFrame(
        [
            (
                "Service level",
                f"{s.service_level_target:.0%}",
                "of contacts answered within their channel's standard",
            ),
            ("Resolution rate", f"{s.resolution_target:.0%}", "of handled contacts resolved"),
            (
                "Customer satisfaction",
                f"{s.csat_target:.0%}",
                "of ratings good (4 or 5 of 5, or 'good')",
            ),
            (
                "Complaint follow-up",
                f"{s.complaint_follow_up_days} days",
                "every complaint is followed up within this time",
            ),
            (
                "Minimum sample",
                f"{s.min_contacts} contacts",
                "nobody is judged, ranked or praised on fewer handled contacts",
            ),
        ],
        columns=["Target", "Value", "Meaning"],
    )


def compensation_limits(policy: Policy) -> pd.DataFrame:
    currency = policy.compensation.currency
    rows = []
    for option in policy.compensation.options:
        row = {"Option": option.name, "What it is": option.description}
        for role in ROLES:
            limit = option.limits.limit_for(role)
            row[f"{role.capitalize()} alone"] = (
                "no limit" if limit is None else f"{limit:g} {currency}"
            )
        rows.append(row)
    return pd.DataFrame(rows)
