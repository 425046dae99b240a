"""The ERP's web app: sign-in, then the pages the user's roles open. Start it with `erp serve`.

This entry script runs on every click: it sets the session's language, checks who is signed in (and whether the
session timed out), draws the sidebar and hands over to the chosen page.
"""

from __future__ import annotations

import streamlit as st
from components import session as app_session
from components.navigation import menu

from erp import views
from erp.i18n import t
from erp.services.base import Actor
from erp.store import is_initialized


def sign_in_page() -> None:
    st.title(t("Sign in"))
    notice = app_session.take_notice()
    if notice:
        st.info(notice)
    if not is_initialized(app_session.engine()):
        st.error(t("The store is not initialised yet: run `erp init` first."))
        st.stop()
    with st.form("sign_in"):
        username = st.text_input(t("User name"), key="sign_in:username")
        password = st.text_input(t("Password"), type="password", key="sign_in:password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if submitted:
        if app_session.sign_in(username, password):
            st.rerun()
        st.error(t("Wrong user name or password, or the account is disabled."))


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        with app_session.reading() as conn:
            name = views.display_name(conn, actor.user_id) if actor.user_id is not None else actor.username
            company = views.company(conn)
        if company:
            st.caption(company["name"])
        st.markdown(f"**{name}** · `{actor.username}`")
        st.caption(t("Roles: {roles}", roles=", ".join(sorted(actor.roles)) or "—"))
        publication = views.last_publication()
        if publication is not None:
            st.caption(
                t(
                    "Reports as of {date}, published {time} UTC",
                    date=publication.as_of.isoformat(),
                    time=f"{publication.published_at_utc:%Y-%m-%d %H:%M}",
                )
            )
        else:
            st.caption(t("No reports published yet"))
        app_session.language_switch("sidebar")
        st.button(t("Sign out"), on_click=app_session.sign_out, icon=":material/logout:", key="sign_out")


def main() -> None:
    app_session.apply_language()
    st.set_page_config(page_title=t("ERP"), page_icon=":material/factory:", layout="wide")
    actor = app_session.signed_in_actor()
    if actor is None:
        with st.sidebar:
            app_session.language_switch("sign_in")
        st.navigation([st.Page(sign_in_page, title=t("Sign in"), icon=":material/login:")]).run()
        return
    sidebar(actor)
    st.navigation(menu(actor)).run()


main()
