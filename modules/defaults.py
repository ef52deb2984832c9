"""The fixed names (channels, roles) and the default places of the policy file and the modules
folder: what a front-end needs before it loads anything heavy.

Kept free of Pydantic and YAML so that `academy --help`, and the command line's routing to a
running app, start in a few hundredths of a second; `modules.policy` and `modules.content`
re-export these names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

DEFAULT_POLICY_PATH = Path(__file__).parent / "policies" / "default.yaml"
POLICY_ENV_VAR = "ACADEMY_POLICY"
DEFAULT_MODULES_DIR = Path(__file__).parent / "content"
MODULES_ENV_VAR = "ACADEMY_MODULES"

Channel = Literal["phone", "chat", "email", "social"]
CHANNELS: tuple[Channel, ...] = ("phone", "chat", "email", "social")
Role = Literal["agent", "supervisor", "owner"]
ROLES: tuple[Role, ...] = ("agent", "supervisor", "owner")

# strftime("%B") follows the process locale; a certificate or a report reads the same on every
# server.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The standards an agent is measured on, one vocabulary in the store, the JSON and the code: a
# module's `teaches:` names them, coaching plans and proposals focus on them.
StandardMetric = Literal["service_level", "resolution_rate", "csat", "follow_up_compliance"]
STANDARD_METRICS: tuple[StandardMetric, ...] = (
    "service_level",
    "resolution_rate",
    "csat",
    "follow_up_compliance",
)
# Training impact's weeks before and after each pass (metrics/coaching/impact.py), here so that
# `academy report training-impact --help` names them without loading numpy: a month either side
# holds a few hundred contacts per agent; over half a year the training mixes with everything
# else that changed.
DEFAULT_IMPACT_WEEKS = 4
MAX_IMPACT_WEEKS = 26


def policy_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The policy file in force: an explicit path, else $ACADEMY_POLICY, else the shipped one."""
    chosen = explicit or os.environ.get(POLICY_ENV_VAR)
    return Path(chosen) if chosen else DEFAULT_POLICY_PATH


def modules_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder of modules in use: an explicit path, else $ACADEMY_MODULES, else the shipped
    one."""
    chosen = explicit or os.environ.get(MODULES_ENV_VAR)
    return Path(chosen) if chosen else DEFAULT_MODULES_DIR
