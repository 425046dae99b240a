"""Who is signed in to this browser session, in which language, and the store they work on.

The signed-in user is kept in ``st.session_state`` as an :class:`~erp.services.base.Actor`; it is refreshed from
the users table on every run, so disabling an account or changing its roles takes effect at the next click.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Connection, Engine

from erp import views
from erp.config import load_settings
from erp.db import make_engine
from erp.i18n import LANGUAGES, current_language, normalize_language, set_language, t
from erp.services.base import Actor, Session
from erp.services.users import authenticate

TIMEOUT_ENV = "ERP_SESSION_TIMEOUT_MINUTES"
DEFAULT_TIMEOUT_MINUTES = 60

ACTOR = "erp_actor"
LAST_SEEN = "erp_last_seen"
LANGUAGE = "erp_language"
LANGUAGE_CHOSEN = "erp_language_chosen"  # the user picked a language in this browser session
NOTICE = "erp_notice"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}  # each language named in itself, so it is found in any


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url=url)


def engine() -> Engine:
    """The store named by ERP_HOME / ERP_DATABASE_URL, one engine per store for the whole server."""
    return _engine(load_settings().database_url)


@contextmanager
def reading() -> Iterator[Connection]:
    """A short read-only connection (for sign-in, before there is a Session)."""
    with engine().connect().execution_options(readonly=True) as conn, conn.begin():
        yield conn


def timeout_minutes() -> float:
    """Minutes without activity after which a user must sign in again (ERP_SESSION_TIMEOUT_MINUTES, default 60)."""
    try:
        minutes = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_MINUTES))
    except ValueError:
        return DEFAULT_TIMEOUT_MINUTES
    return minutes if minutes > 0 else DEFAULT_TIMEOUT_MINUTES


def apply_language() -> str:
    """Make every t() of this run use the session's language (chosen, else the user's, else the server's)."""
    lang = st.session_state.get(LANGUAGE) or current_language()
    set_language(lang)
    return normalize_language(lang)


def _switch_language(widget_key: str) -> None:
    st.session_state[LANGUAGE] = st.session_state[widget_key]
    st.session_state[LANGUAGE_CHOSEN] = True
    set_language(st.session_state[LANGUAGE])


def language_switch(where: str) -> None:
    """A language box; its choice holds for this browser session only (also across signing in and out)."""
    widget_key = f"{LANGUAGE}:{where}"
    current = apply_language()
    st.selectbox(
        t("Language"),
        LANGUAGES,
        index=LANGUAGES.index(current),
        key=widget_key,
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        on_change=_switch_language,
        args=(widget_key,),
    )


def sign_in(username: str, password: str) -> bool:
    with reading() as conn:
        actor = authenticate(conn, username, password)
    if actor is None:
        return False
    st.session_state[ACTOR] = actor
    st.session_state[LAST_SEEN] = time.time()
    if not st.session_state.get(LANGUAGE_CHOSEN):
        st.session_state[LANGUAGE] = actor.language
    return True


def sign_out(notice: str | None = None) -> None:
    st.session_state.pop(ACTOR, None)
    st.session_state.pop(LAST_SEEN, None)
    if notice:
        st.session_state[NOTICE] = notice


def take_notice() -> str | None:
    """A message left for the sign-in page (why the user was signed out), shown once."""
    return st.session_state.pop(NOTICE, None)


def signed_in_actor() -> Actor | None:
    """The signed-in user, refreshed from the store; None when signed out, timed out or disabled since."""
    actor: Actor | None = st.session_state.get(ACTOR)
    if actor is None or actor.user_id is None:
        return None
    now = time.time()
    minutes = timeout_minutes()
    if now - st.session_state.get(LAST_SEEN, now) > minutes * 60:
        sign_out(t("You were signed out after {n} minutes without activity.", n=f"{minutes:g}"))
        return None
    with reading() as conn:
        fresh = views.refresh_actor(conn, actor.user_id)
    if fresh is None:
        sign_out(t("Your account has been disabled."))
        return None
    st.session_state[ACTOR] = fresh
    st.session_state[LAST_SEEN] = now
    return fresh


def current_session() -> Session:
    """The service-layer session of the signed-in user; a page run without one stops here."""
    actor: Actor | None = st.session_state.get(ACTOR)
    if actor is None:
        st.warning(t("Please sign in."))
        st.stop()
    return Session(engine(), actor)
