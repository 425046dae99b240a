"""Employee skills: the matrix of who holds which skill at which level (1 basic to 5 expert), and the forms that
add a skill to an employee or change its level."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from components.forms import entity_form
from components.listing import all_or_value, record_list
from components.navigation import page_session

from erp import views
from erp.i18n import t
from erp.read.hr import employee_codes, skill_levels
from erp.services.hr_records import SKILLS, skill_actions

session = page_session(__file__)
matrix, listing, add, change = st.tabs([t("Skills matrix"), t("List"), t("Add a skill"), t("Change a level")])

with matrix:
    with session.read() as conn:
        rows = skill_levels(conn)
    departments = sorted({r["department"] for r in rows if r["department"]})
    department = st.selectbox(t("Department"), ["", *departments], key="skills:department", format_func=all_or_value())
    shown = [r for r in rows if not department or r["department"] == department]
    if not shown:
        st.caption(t("No skills recorded yet."))
    else:
        frame = pd.DataFrame(shown)
        grid = frame.pivot_table(index=["employee", "name"], columns="skill", values="level", aggfunc="max")
        grid = grid.reset_index().rename(columns={"employee": t("Employee"), "name": t("Name")})
        st.caption(t("Level per employee and skill: 1 basic to 5 expert; blank: not recorded."))
        st.dataframe(grid, hide_index=True, key="skills:matrix")

with listing:
    record_list(SKILLS, session, key="skills:list", filter_fields=("employee",))

with add:
    entity_form(skill_actions, session, key="skills:new")

with change:
    with session.read() as conn:
        employees = employee_codes(conn)
    employee = st.selectbox(
        t("Employee"), employees, index=None, key="skills:edit:employee", placeholder=t("Choose...")
    )
    held = [r["skill"] for r in rows if r["employee"] == employee] if employee else []
    skill = st.selectbox(t("Skill"), held, index=None, key="skills:edit:skill", placeholder=t("Choose..."))
    if employee is None or skill is None:
        st.info(t("Choose an employee and one of their skills to change it."))
    else:
        with session.read() as conn:
            record = views.record_values(conn, SKILLS, {"employee": employee, "skill": skill})
        if record is None:
            st.warning(t("{key} does not exist", key=f"{employee}/{skill}"))
        else:
            entity_form(skill_actions, session, key="skills:edit", record=record)
