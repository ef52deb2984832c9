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


def answer_step(at: AppTest, step: PlayableStep, right: bool) -> None:
    """Answer the step on screen and submit; for a role-play, reply until it ends."""
    if isinstance(step, SingleChoice):
        index = next(i for i, o in enumerate(step.options) if o.correct == right)
        at.radio[0].set_value(index)
        button(at, "Check answer").click().run()
    elif isinstance(step, MultipleChoice):
        for i, option in enumerate(step.options):
            if option.correct == right:
                at.checkbox(key=f"{_key(at, step)}-{i}").check()
        button(at, "Check answer").click().run()
    elif isinstance(step, TrueFalse):
        at.radio[0].set_value(step.answer if right else not step.answer)
        button(at, "Check answer").click().run()
    elif isinstance(step, Ordering):
        order = list(range(len(step.items)))
        at.multiselect[0].set_value(order if right else order[::-1])
        button(at, "Check answer").click().run()
    elif isinstance(step, Matching):
        for n, pair in enumerate(step.pairs):
            wrong = next(c for c in step.choices if c != pair.answer)
            at.selectbox[n].set_value(pair.answer if right else wrong)
        button(at, "Check answer").click().run()
    elif isinstance(step, Reflection):
        at.text_area[0].input("I will repeat the problem back before I offer anything at all.")
        button(at, "Save and continue").click().run()
        return
    elif isinstance(step, RolePlay):
        node = step.start
        while not step.nodes[node].is_ending:
            reply = best_reply(step, node) if right else worst_reply(step, node)
            at.radio[0].set_value(reply)
            button(at, "Reply").click().run()
            assert not at.exception, at.exception
            node = step.nodes[node].choices[reply].next
    assert not at.exception, at.exception


def _key(at: AppTest, step: PlayableStep) -> str:
    # Widget keys are "a{attempt}-{step}"; the checkbox keys add "-{option}".
    for box in at.checkbox:
        if box.key and f"-{step.id}-" in box.key:
            return box.key.rsplit("-", 1)[0]
    raise AssertionError(f"no checkboxes for {step.id}")


def play_to_the_end(
    at: AppTest, module: TrainingModule, right: bool, stop_after: int | None = None
) -> int:
    """Play from the current step; answer right or wrong; stop after `stop_after` steps or at
    the results screen. Returns the number of steps played."""
    played = 0
    while len(at.get("progress")) > 0:
        if stop_after is not None and played >= stop_after:
            break
        step = step_on_screen(at, module)
        if not isinstance(step, Lesson):
            answer_step(at, step, right)
        if not isinstance(step, Reflection):
            labels = [b.label for b in at.button]
            label = "Next" if "Next" in labels else "Finish and see my result"
            button(at, label).click().run()
        assert not at.exception, at.exception
        played += 1
    return played
