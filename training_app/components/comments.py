"""Customers' comments as cards, from `metrics.contacts.customer_comments`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.people import Viewer
from training_app.components.kudos import pass_on_button
from training_app.components.text import md, text_block


def comment_cards(
    comments: pd.DataFrame,
    empty: str,
    *,
    columns: int = 1,
    with_agent: bool = False,
    viewer: Viewer | None = None,
) -> None:
    """One bordered card per comment, its text shown as typed (line breaks kept, nothing read as
    Markdown). `with_agent` (lists of several agents' comments) quotes the text and names the
    agent; otherwise the caption gives the time too. `empty` is said when there are none. With
    a `viewer` who manages agents, each positive comment can be passed on as kudos."""
    if comments.empty:
        st.caption(md(empty))
        return
    slots = st.columns(columns)
    for number, comment in enumerate(comments.itertuples()):
        with slots[number % columns].container(border=True):
            if with_agent:
                text_block(f"“{comment.comment}”")
                st.caption(
                    f"**{md(comment.agent)}** · rating {md(comment.rating)} · "
                    f"{md(comment.channel)} · {comment.received_at:%d %b %Y}"
                )
            else:
                text_block(comment.comment)
                st.caption(
                    f"Rating {md(comment.rating)} · {md(comment.channel)} · "
                    f"{comment.received_at:%d %b %Y %H:%M}"
                )
            if viewer is not None:
                pass_on_button(viewer, comment)
