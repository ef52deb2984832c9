"""Play a training module through AppTest, answering every step right or wrong.

The step on screen is found from its heading, the way a person reads it, and the answer is
worked out from the module's content: the test knows the key, the app never tells it.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from modules.content import (
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    Reflection,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
)
from training_app.components.text import md


def heading_of(step: PlayableStep) -> str:
    """The step's heading as the page writes it: module text goes through md()."""
    if isinstance(step, Lesson):
        return f"## {md(step.title)}"
    if isinstance(step, RolePlay):
        return f"### Role-play: {md(step.title)}"
    if isinstance(step, TrueFalse):
        return f"> {md(step.statement)}"
    return f"### {md(step.prompt)}"


def step_on_screen(at: AppTest, module: TrainingModule) -> PlayableStep:
    shown = {m.value for m in at.markdown}
    found = [step for step in module.steps_by_id.values() if heading_of(step) in shown]
    assert len(found) == 1, f"expected one step on screen, found {[s.id for s in found]}"
    return found[0]


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def best_reply(step: RolePlay, node: str) -> int:
    choices = step.nodes[node].choices
    return max(
        range(len(choices)), key=lambda i: choices[i].points + step.best_points(choices[i].next)
    )


def worst_reply(step: RolePlay, node: str) -> int:
    choices = step.nodes[node].choices
    return min(range(len(choices)), key=lambda i: choices[i].points)


def path_to(step: RolePlay, outcome: str) -> list[int]:
    """The replies of the path that collects the most points on the way to an ending with
    `outcome` ("kept" or "lost"): the best a conversation ending that way can do."""

    def best(node: str) -> tuple[int, list[int]] | None:
        here = step.nodes[node]
        if here.is_ending:
            return (0, []) if here.outcome == outcome else None
        found = []
        for i, choice in enumerate(here.choices):
            rest = best(choice.next)
            if rest is not None:
                found.append((choice.points + rest[0], [i, *rest[1]]))
        return max(found, default=None)

    path = best(step.start)
    assert path is not None, f"{step.id}: no ending where the customer is {outcome}"
    return path[1]


def answer_step(at: AppTest, step: PlayableStep, right: bool, outcome: str | None = None) -> None:
    """Answer the step on screen and submit; for a role-play, reply until it ends: with the
    best (or worst) replies, or along the best path to an `outcome`."""
    if isinstance(step, SingleChoice):
        index = next(i for i, o in enumerate(step.options) if o.correct == right)
        at.radio[0].set_value(index)
        button(at, "Check answer").click().run()
    elif isinstance(step, MultipleChoice):
        for i, option in enumerate(step.options):
            if option.correct == right:
                at.checkbox(key=f"{_key(at.checkbox, step)}-{i}").check()
        button(at, "Check answer").click().run()
    elif isinstance(step, TrueFalse):
        at.radio[0].set_value(step.answer if right else not step.answer)
        button(at, "Check answer").click().run()
    elif isinstance(step, Ordering):
        order = list(range(len(step.items)))
        at.multiselect[0].set_value(order if right else order[::-1])
        button(at, "Check answer").click().run()
    elif isinstance(step, Matching):
        # The pairs are shown in the attempt's order; each box is keyed by its pair.
        prefix = _key(at.selectbox, step)
        for n, pair in enumerate(step.pairs):
            wrong = next(c for c in step.choices if c != pair.answer)
            at.selectbox(key=f"{prefix}-{n}").set_value(pair.answer if right else wrong)
        button(at, "Check answer").click().run()
    elif isinstance(step, Reflection):
        at.text_area[0].input("I will repeat the problem back before I offer anything at all.")
        button(at, "Save and continue").click().run()
        return
    elif isinstance(step, RolePlay):
        node = step.start
        planned = path_to(step, outcome) if outcome else None
        while not step.nodes[node].is_ending:
            if planned is not None:
                reply = planned.pop(0)
            else:
                reply = best_reply(step, node) if right else worst_reply(step, node)
            at.radio[0].set_value(reply)
            button(at, "Reply").click().run()
            assert not at.exception, at.exception
            node = step.nodes[node].choices[reply].next
    assert not at.exception, at.exception


def _key(widgets, step: PlayableStep) -> str:  # type: ignore[no-untyped-def]
    # Widget keys are "a{attempt}-{step}"; checkboxes add "-{option}", match boxes "-{pair}".
    for widget in widgets:
        if widget.key and f"-{step.id}-" in widget.key:
            return str(widget.key).rsplit("-", 1)[0]
    raise AssertionError(f"no keyed widgets for {step.id}")


def play_to_the_end(
    at: AppTest,
    module: TrainingModule,
    right: bool,
    stop_after: int | None = None,
    outcomes: dict[str, str] | None = None,
) -> int:
    """Play from the current step; answer right or wrong (role-plays named in `outcomes` along
    the best path to that outcome); stop after `stop_after` steps or at the results screen.
    Returns the number of steps played."""
    played = 0
    while len(at.get("progress")) > 0:
        if stop_after is not None and played >= stop_after:
            break
        step = step_on_screen(at, module)
        if not isinstance(step, Lesson):
            answer_step(at, step, right, (outcomes or {}).get(step.id))
        if not isinstance(step, Reflection):
            labels = [b.label for b in at.button]
            label = "Next" if "Next" in labels else "Finish and see my result"
            button(at, label).click().run()
        assert not at.exception, at.exception
        played += 1
    return played
