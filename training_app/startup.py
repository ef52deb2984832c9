"""What the app does once per process before the first page: open the store, give a store with no
policy version its first from the policy file, and on a brand-new store create the demo
organisation, unless the organisation asked for none; erase customers' details kept past the
policy's retention period."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from metrics.complaints.register import erase_expired_details
from metrics.demo.generate import DemoSummary, generate_demo
from metrics.organisation import (
    NO_DEMO_SETTING,
    StoredPolicyVersion,
    ensure_policy_in_force,
    get_setting,
    policy_in_force,
)
from metrics.people import staff_count
from metrics.store import Database, open_database
from modules.content import TrainingModule
from modules.policy import LoadedPolicy, Policy


class AppStore(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    db: Database
    policy_version: StoredPolicyVersion
    demo_created: DemoSummary | None


def open_app_store(
    db_path: str | os.PathLike[str] | None,
    policy_file: LoadedPolicy,
    *,
    modules: Callable[[Policy], Sequence[TrainingModule]] = lambda policy: (),
) -> AppStore:
    """Open and migrate the store; a store without a policy version starts from `policy_file`
    (afterwards the store's version in force is the policy); an empty store (nobody on the staff
    list) gets the demo organisation, with a training history in `modules`, so a first start
    shows a working product (`modules` gives the modules filled in from the policy in force).

    A store with any staff, such as one where an owner ran `academy users add` or contacts were
    imported first, is left as it is: demo data never mixes silently with real data. Nor does a
    store whose organisation set `no_demo`. Such a store without an owner who can sign in gets
    the offer to create the first owner when the app is opened (`people.owner_can_sign_in`).
    """
    db = open_database(db_path)
    version = ensure_policy_in_force(db, policy_file)
    wants_demo = staff_count(db) == 0 and get_setting(db, NO_DEMO_SETTING) != "true"
    demo = None
    policy = policy_in_force(db).policy
    if wants_demo:
        demo = generate_demo(db, policy, modules=modules(policy))
    # Customers' details past the policy's retention period go at every start (and with
    # `academy complaints erase-expired`), so a store never keeps them for long after.
    erase_expired_details(db, policy)
    return AppStore(db=db, policy_version=version, demo_created=demo)
