"""One screen per step kind: the question's widgets, and what the agent answered with its
feedback. Each `ask_*` returns the answer when the agent submits one, else None; the player
stores it and reruns into the feedback view."""

from __future__ import annotations

import streamlit as st

from modules.content import (
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    Reflection,
    RolePlay,
    SingleChoice,
    TrueFalse,
    verdict_line,
)
from modules.engine import Feedback, PlannedStep, current_node
from modules.grading import (
    AnyAnswer,
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    RolePlayAnswer,
    TrueFalseAnswer,
)
from training_app.components.text import md, md_bullets, module_markdown

CHECK = "Check answer"
# Everything a module file says is shown as text (training_app/components/text.py); only a
# lesson's body and a role-play's scenario are Markdown, of the kinds docs/authoring-modules.md
# promises.


def _order(planned: PlannedStep, count: int) -> list[int]:
    return planned.shuffle if planned.shuffle is not None else list(range(count))


def ask_single_choice(step: SingleChoice, planned: PlannedStep, key: str) -> AnyAnswer | None:
    st.markdown(f"### {md(step.prompt)}")
    with st.form(key):
        picked = st.radio(
            "Choose one answer",
            _order(planned, len(step.options)),
            index=None,
            format_func=lambda i: md(step.options[i].text),
        )
        if st.form_submit_button(CHECK, type="primary"):
            if picked is None:
                st.warning("Choose an answer first.")
                return None
            return ChoiceAnswer(selected=[picked])
    return None


def ask_multiple_choice(step: MultipleChoice, planned: PlannedStep, key: str) -> AnyAnswer | None:
    st.markdown(f"### {md(step.prompt)}")
    with st.form(key):
        st.caption("Tick every answer that applies. A wrong tick cancels a right one.")
        ticked = [
            i
            for i in _order(planned, len(step.options))
            if st.checkbox(md(step.options[i].text), key=f"{key}-{i}")
        ]
        if st.form_submit_button(CHECK, type="primary"):
            if not ticked:
                st.warning("Tick at least one answer.")
                return None
            return ChoiceAnswer(selected=sorted(ticked))
    return None


def ask_true_false(step: TrueFalse, key: str) -> AnyAnswer | None:
    st.markdown("### True or false?")
    st.markdown(f"> {md(step.statement)}")
    with st.form(key):
        picked = st.radio(
            "This statement is", [True, False], index=None, format_func=lambda v: md(_tf(v))
        )
        if st.form_submit_button(CHECK, type="primary"):
            if picked is None:
                st.warning("Choose true or false first.")
                return None
            return TrueFalseAnswer(value=picked)
    return None


def _tf(value: bool) -> str:
    return "True" if value else "False"


def ask_ordering(step: Ordering, planned: PlannedStep, key: str) -> AnyAnswer | None:
    st.markdown(f"### {md(step.prompt)}")
    with st.form(key):
        order = st.multiselect(
            "Pick the items in order: the first you pick comes first",
            _order(planned, len(step.items)),
            format_func=lambda i: step.items[i],
            placeholder="Pick the first item…",
            select_all=False,
        )
        if st.form_submit_button(CHECK, type="primary"):
            if len(order) != len(step.items):
                st.warning(
                    f"Put all {len(step.items):d} items in order; you placed {len(order):d}."
                )
                return None
            return OrderingAnswer(order=list(order))
    return None


def ask_matching(step: Matching, planned: PlannedStep, key: str) -> AnyAnswer | None:
    st.markdown(f"### {md(step.prompt)}")
    with st.form(key):
        # Shown in the attempt's order; each box keyed by its pair, the answer in file order.
        picks = {
            n: st.selectbox(
                md(step.pairs[n].item),
                step.choices,
                index=None,
                placeholder="Choose…",
                key=f"{key}-{n}",
            )
            for n in _order(planned, len(step.pairs))
        }
        if st.form_submit_button(CHECK, type="primary"):
            if any(pick is None for pick in picks.values()):
                st.warning("Match every item first.")
                return None
            return MatchingAnswer(picked=[picks[n] for n in range(len(step.pairs))])
    return None


def ask_reflection(step: Reflection, key: str) -> AnyAnswer | None:
    st.markdown(f"### {md(step.prompt)}")
    st.caption("Not graded. Your supervisor reads this to plan your coaching.")
    with st.form(key):
        text = st.text_area("Your answer", height=150)
        if st.form_submit_button("Save and continue", type="primary"):
            if len(text.strip()) < step.min_characters:
                st.warning(f"Write at least {step.min_characters:d} characters.")
                return None
            return ReflectionAnswer(text=text.strip())
    return None


def _customer_says(step: RolePlay, line: str) -> None:
    # Named by the customer's own name, for a screen reader too (the chat message's label).
    with st.chat_message(step.customer_name, avatar=":material/person:"):
        st.caption(md(step.customer_name))
        st.markdown(md(line))


def conversation(step: RolePlay, answer: RolePlayAnswer | None, *, feedback: bool) -> None:
    """The conversation so far, customer and agent in turn, with feedback on each reply: its
    verdict, from its points, and why (the module's feedback, which never repeats the verdict:
    check-content refuses one that does)."""
    for turn in answer.turns if answer else []:
        _customer_says(step, turn.customer)
        with st.chat_message("agent", avatar=":material/support_agent:"):
            st.markdown(md(turn.reply))
            if feedback:
                chosen = step.nodes[turn.node].choices[turn.choice]
                st.caption(f"{md(verdict_line(turn.points))} · {md(chosen.feedback)}")


def ask_role_play(
    step: RolePlay, planned: PlannedStep, answer: RolePlayAnswer | None, key: str
) -> int | None:
    """The conversation so far and the customer's next line; returns the reply chosen. The
    replies are offered in the attempt's order for this node."""
    st.markdown(f"### Role-play: {md(step.title)}")
    st.info(module_markdown(step.scenario), icon=":material/theater_comedy:")
    conversation(step, answer, feedback=True)
    node_id = current_node(step, answer)
    node = step.nodes[node_id]
    _customer_says(step, node.customer)
    turn = len(answer.turns) if answer else 0
    order = (planned.reply_orders or {}).get(node_id) or list(range(len(node.choices)))
    with st.form(f"{key}-{turn}"):
        picked = st.radio(
            "Your reply",
            order,
            index=None,
            format_func=lambda i: md(node.choices[i].reply),
        )
        if st.form_submit_button("Reply", type="primary"):
            if picked is None:
                st.warning("Choose a reply first.")
                return None
            return picked
    return None


def show_role_play_ending(step: RolePlay, answer: RolePlayAnswer) -> None:
    st.markdown(f"### Role-play: {md(step.title)}")
    conversation(step, answer, feedback=True)
    assert answer.ending is not None
    _customer_says(step, step.nodes[answer.ending].customer)
    if answer.outcome == "kept":
        st.success("The customer stays with us.", icon=":material/sentiment_satisfied:")
    else:
        st.error("The customer is lost.", icon=":material/sentiment_dissatisfied:")


def show_answered(step: PlayableStep, planned: PlannedStep, answer: AnyAnswer) -> None:
    """The question as answered, read-only, above its feedback."""
    if isinstance(step, SingleChoice | MultipleChoice) and isinstance(answer, ChoiceAnswer):
        st.markdown(f"### {md(step.prompt)}")
        for i in _order(planned, len(step.options)):
            _option_line(step.options[i].text, step.options[i].correct, i in answer.selected)
    elif isinstance(step, TrueFalse) and isinstance(answer, TrueFalseAnswer):
        st.markdown("### True or false?")
        st.markdown(f"> {md(step.statement)}")
        st.markdown(f"You answered **{_tf(answer.value)}**; it is **{_tf(step.answer)}**.")
    elif isinstance(step, Ordering) and isinstance(answer, OrderingAnswer):
        st.markdown(f"### {md(step.prompt)}")
        st.markdown("Your order: " + " → ".join(md(step.items[i]) for i in answer.order))
    elif isinstance(step, Matching) and isinstance(answer, MatchingAnswer):
        st.markdown(f"### {md(step.prompt)}")
    elif isinstance(step, RolePlay) and isinstance(answer, RolePlayAnswer):
        show_role_play_ending(step, answer)


def _option_line(text: str, correct: bool, chosen: bool) -> None:
    # Icons for a glance, words for certainty: the line reads the same without colour.
    if chosen and correct:
        st.markdown(f":green[:material/check_circle:] **{md(text)}** · your answer, right")
    elif chosen:
        st.markdown(f":red[:material/cancel:] **{md(text)}** · your answer, wrong")
    elif correct:
        st.markdown(f":green[:material/check_circle:] {md(text)} · right answer, not chosen")
    else:
        st.markdown(f":gray[:material/radio_button_unchecked:] {md(text)}")


def show_feedback(shown: Feedback) -> None:
    """The verdict in words and colour, each reason, and the explanation."""
    body = f"**{md(shown.verdict)}**\n\n{md_bullets(shown.notes)}\n\n{md(shown.explanation)}"
    if shown.credit >= 1 - 1e-9:
        st.success(body, icon=":material/check_circle:")
    elif shown.credit > 0:
        st.warning(body, icon=":material/adjust:")
    else:
        st.error(body, icon=":material/cancel:")
