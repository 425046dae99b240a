"""Home: the company, how much master data it holds, and how fresh the reports are. Open to everyone."""

from __future__ import annotations

import streamlit as st
from components.navigation import page_session

from erp import views
from erp.i18n import t

session = page_session(__file__)
with session.read() as conn:
    company = views.company(conn)
    counts = views.master_data_counts(conn)

if company:
    st.subheader(company["name"])
    if company.get("name_en"):
        st.caption(company["name_en"])
st.write(t("Welcome, {user}.", user=session.actor.username))

columns = st.columns(4)
for i, (entity, count) in enumerate(counts):
    columns[i % 4].metric(t(entity.label), count)

st.divider()
publication = views.last_publication()
if publication is None:
    st.info(t("No reporting warehouse has been published yet; reports appear after the first `erp build`."))
else:
    st.success(
        t(
            "Reports were last published at {time} UTC (publication {id}), with data as of {date}.",
            time=f"{publication.published_at_utc:%Y-%m-%d %H:%M:%S}",
            id=publication.publication_id,
            date=publication.as_of.isoformat(),
        )
    )
