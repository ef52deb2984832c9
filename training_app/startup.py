"""What the app does once per process before the first page: open the store, record the policy
version in force, and on a brand-new store create the demo organisation."""

from __future__ import annotations

import os
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from metrics.demo.generate import DemoSummary, generate_demo
from metrics.organisation import PolicyVersion, record_policy_version
from metrics.people import staff_count
from metrics.store import Database, open_database
from modules.content import TrainingModule
from modules.policy import LoadedPolicy


class AppStore(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    db: Database
    policy_version: PolicyVersion
    demo_created: DemoSummary | None


def open_app_store(
    db_path: str | os.PathLike[str] | None,
    loaded: LoadedPolicy,
    *,
    modules: Sequence[TrainingModule] = (),
) -> AppStore:
    """Open and migrate the store and record the policy; an empty store (nobody on the staff
    list) gets the demo organisation, with a training history in `modules`, so a first start
    shows a working product.

    A store with any staff, such as one where an owner ran `academy users add` first, is left
    as it is: demo data never mixes silently with real data.
    """
    db = open_database(db_path)
    version = record_policy_version(db, loaded)
    demo = generate_demo(db, loaded.policy, modules=modules) if staff_count(db) == 0 else None
    return AppStore(db=db, policy_version=version, demo_created=demo)
