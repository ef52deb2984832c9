"""Customers' comments as cards, from `metrics.contacts.customer_comments`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from training_app.components.formatting import plain


def comment_cards(
    comments: pd.DataFrame, empty: str, *, columns: int = 1, with_agent: bool = False
) -> None:
    """One bordered card per comment, the text escaped so it shows as typed. `with_agent` (lists
    of several agents' comments) quotes the text and names the agent; otherwise the caption
    gives the time too. `empty` is said when there are none."""
    if comments.empty:
        st.caption(empty)
        return
    slots = st.columns(columns)
    for number, comment in enumerate(comments.itertuples()):
        with slots[number % columns].container(border=True):
            text = plain(str(comment.comment))
            if with_agent:
                st.markdown(f"“{text}”")
                st.caption(
                    f"**{comment.agent}** · rating {comment.rating} · {comment.channel} · "
                    f"{comment.received_at:%d %b %Y}"
                )
            else:
                st.markdown(text)
                st.caption(
                    f"Rating {comment.rating} · {comment.channel} · "
                    f"{comment.received_at:%d %b %Y %H:%M}"
                )
