"""How new a retake is: over simulated retakes of each shipped module, each drawn after the one
before as a person retakes a module, the share of a retake's graded items that the attempt
before it asked too, and whether what came back came in a new order.

`modules.engine.build_plan` draws first what the previous attempt did not ask, so the figures
are the same whatever the seed: every question is new, and only the role-plays (fixed steps, a
conversation to practise again) come back, with their replies in a new order. The test
`tests/modules/test_shipped_modules.py` asserts the same bound.

Run: `.venv/bin/python bench/retake_overlap.py [--retakes 100] [--seed 11]`. Exits 1 when a
retake asks less new than the module's `retake_new_share`.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modules.content import load_modules  # noqa: E402
from modules.engine import build_plan, is_graded  # noqa: E402
from modules.policy import load_policy  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retakes", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    failed = False
    for loaded in load_modules(load_policy().policy):
        module = loaded.module
        rng = random.Random(args.seed)
        plan = build_plan(module, rng)
        overlaps: list[float] = []
        same_order = repeated = 0
        for _ in range(args.retakes):
            retake = build_plan(module, rng, previous=plan)
            before = {planned.step_id: planned for planned in plan.steps}
            asked = [p for p in retake.steps if is_graded(module, p.step_id)]
            again = [p for p in asked if p.step_id in before]
            overlaps.append(len(again) / len(asked))
            for planned in again:
                repeated += 1
                old = before[planned.step_id]
                same_order += planned.shuffle is not None and planned.shuffle == old.shuffle
                same_order += any(
                    order == (old.reply_orders or {}).get(node)
                    for node, order in (planned.reply_orders or {}).items()
                )
            plan = retake
        mean = sum(overlaps) / len(overlaps)
        allowed = 1 - module.retake_new_share
        failed |= max(overlaps) > allowed + 1e-9
        print(
            f"{module.id}: {module.graded_per_attempt} graded items per attempt; over "
            f"{args.retakes} retakes, asked again: mean {mean:.1%}, max {max(overlaps):.1%} "
            f"(allowed {allowed:.0%}); items asked again {repeated}, of them in the same order "
            f"as the attempt before: {same_order}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
