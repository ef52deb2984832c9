"""What the app does once per process before the first page: open the store, record the policy
version in force, and on a brand-new store create the demo organisation, unless the organisation
asked for none."""

from __future__ import annotations

import os
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from metrics.demo.generate import DemoSummary, generate_demo
from metrics.organisation import (
    NO_DEMO_SETTING,
    PolicyVersion,
    get_setting,
    record_policy_version,
)
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

    A store with any staff, such as one where an owner ran `academy users add` or contacts were
    imported first, is left as it is: demo data never mixes silently with real data. Nor does a
    store whose organisation set `no_demo`. Such a store without an owner who can sign in gets
    the offer to create the first owner when the app is opened (`people.owner_can_sign_in`).
    """
    db = open_database(db_path)
    version = record_policy_version(db, loaded)
    wants_demo = staff_count(db) == 0 and get_setting(db, NO_DEMO_SETTING) != "true"
    demo = generate_demo(db, loaded.policy, modules=modules) if wants_demo else None
    return AppStore(db=db, policy_version=version, demo_created=demo)
