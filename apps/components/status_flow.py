"""Refusals of status actions whose button is gone by the time the page is drawn again.

A page offers only the moves a document's status allows. When someone else moved the document meanwhile, the
service refuses the click (say "received; it cannot become diagnosed"), and the redrawn page no longer has the
button or form the refusal belongs to; this shows such refusals where the document's actions are.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from erp.i18n import t

from .forms import show_errors


def stale_refusals(prefix: str, drawn: Iterable[str]) -> None:
    """Show (once) the refusals kept for actions under ``prefix`` whose form is not among ``drawn`` prefixes."""
    drawn = set(drawn)
    for name in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and k.endswith(":errors")]:
        form = name.removesuffix(":errors")
        if form in drawn:
            continue
        errors = st.session_state.pop(name)
        show_errors([m for messages in errors.values() for m in messages] or [t("Refused.")])
