"""Production orders: planned, released (the BOM and routing copied with today's standard costs), materials
issued, labour and machine time reported, finished goods completed, then closed with the variances posted."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
    parse_inputs,
    table,
)
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet, Text
from erp.i18n import t
from erp.read.production import OPERATION_LABELS, PRODUCTION_ORDERS, materials, operations
from erp.services import production
from erp.services.documents import show
from erp.statuses import status_label

SUBJECTS = FieldSet((Text("order", N_("Production order")),))
CLOSE_DATE = FieldSet((Date("close_date", N_("Close date"), required=True),))
CLOSE = FieldSet((*SUBJECTS, *CLOSE_DATE))  # the order is the page's, so a refusal about it names it
MATERIAL_COLUMNS = {
    "description": N_("Description"),
    "planned_qty": N_("Planned qty"),
    "issued_qty": N_("Issued"),
    "left": N_("Still to issue"),
}
OPERATION_COLUMNS = {
    "work_center": N_("Work center"),
    "planned_hours": N_("Planned hours"),
    "reported_labour": N_("Labour hours reported"),
    "reported_machine": N_("Machine hours reported"),
}

session = page_session(__file__)
actor = session.actor
today = dt.date.today()
may_run, may_report = actor.can("production.orders"), actor.can("production.report")
names = [t("Production orders")] + ([t("New production order")] if may_run else [])
tabs = st.tabs(names)


def posted(result: dict, what: str) -> str:
    """What an action did, and the journal entry it posted if it posted one."""
    if result.get("journal_entry"):
        return t("{what}, posted as {entry}.", what=what, entry=result["journal_entry"])
    return what


def status_buttons(number: str) -> None:
    release, cancel = st.columns(2)
    with release:
        action_button(
            session,
            key=f"mo:doc:{number}:release",
            label=t("Release order"),
            call=lambda: production.release_production_order(session, number),
            success=lambda order: t(
                "Released {number}: {materials} components and {operations} operations copied.",
                number=number,
                materials=order["materials"],
                operations=order["operations"],
            ),
            primary=True,
            subjects=SUBJECTS,
        )
    with cancel:
        action_button(
            session,
            key=f"mo:doc:{number}:cancel",
            label=t("Cancel order"),
            call=lambda: production.cancel_production_order(session, number),
            success=lambda _: t("Cancelled {number}.", number=number),
            subjects=SUBJECTS,
        )


def shop_floor(number: str, status: str) -> None:
    """The documents booked on a released order: issues, time, completion, and its close."""
    with session.read() as conn:
        components = materials(conn, number)
        steps = operations(conn, number)
    actions = []
    if may_report:
        actions += [t("Issue materials"), t("Report time")]
    if may_run:
        actions += ([t("Complete")] if status == "released" else []) + [t("Close")]
    if not actions:
        return
    boxes = dict(zip(actions, st.tabs(actions), strict=True))
    if t("Issue materials") in boxes:
        with boxes[t("Issue materials")]:
            st.caption(
                t("Each component starts with what is still to issue; clear them all to issue everything planned.")
            )
            document_form(
                session,
                key=f"mo:doc:{number}:issue",
                header=production.ISSUE_HEADER,
                fixed={"order": number},
                lines=Lines(
                    production.ISSUE_LINE,
                    prefill=[{**m, "quantity": m["left"]} for m in components if m["left"] > 0],
                    info=MATERIAL_COLUMNS,
                    locked=("item",),
                    dynamic=False,
                ),
                submit=lambda raw: production.issue_materials(session, raw),
                success=lambda r: posted(r, t("Issued {number}", number=r["number"])),
                defaults={"issue_date": today},
                button=N_("Issue materials"),
            )
    if t("Report time") in boxes:
        with boxes[t("Report time")]:
            st.caption(t("Type the hours worked on each operation; a blank labour rate is the work center's standard."))
            document_form(
                session,
                key=f"mo:doc:{number}:time",
                header=production.TIME_HEADER,
                fixed={"order": number},
                lines=Lines(
                    production.TIME_LINE,
                    prefill=[
                        {
                            "step_no": op["step_no"],
                            "work_center": op["work_center"],
                            "planned_hours": op["planned_hours"],
                            "reported_labour": op["labour_hours"],
                            "reported_machine": op["machine_hours"],
                        }
                        for op in steps
                    ],
                    info=OPERATION_COLUMNS,
                    locked=("step_no",),
                    dynamic=False,
                ),
                submit=lambda raw: production.report_time(session, raw),
                success=lambda r: posted(r, t("Reported time on {lines} operations", lines=r["lines"])),
                defaults={"report_date": today},
                button=N_("Report time"),
            )
    if t("Complete") in boxes:
        with boxes[t("Complete")]:
            st.caption(t("Finished goods into stock at standard cost; a backflush order issues its components too."))
            document_form(
                session,
                key=f"mo:doc:{number}:complete",
                header=production.COMPLETE_FIELDS,
                fixed={"order": number},
                submit=lambda raw: production.complete_production(session, raw),
                success=lambda r: posted(
                    r,
                    t(
                        "Completed {made} on {order}, now {status}",
                        made=show(r["completed_qty"]),
                        order=number,
                        status=status_label(r["status"]),
                    ),
                ),
                defaults={"completion_date": today},
                button=N_("Complete"),
            )
    if t("Close") in boxes:
        with boxes[t("Close")]:
            st.caption(
                t(
                    "Closing posts what is left in work in process as variances; "
                    "nothing more can be booked on the order."
                )
            )

            def close(raw: dict) -> dict:
                values = parse_inputs(session, CLOSE_DATE, {"close_date": raw["close_date"]})
                return production.close_production_order(session, number, values["close_date"])

            document_form(
                session,
                key=f"mo:doc:{number}:close",
                header=CLOSE,
                fixed={"order": number},
                submit=close,
                success=lambda r: posted(r, t("Closed {number}", number=number)),
                defaults={"close_date": today},
                button=N_("Close order"),
            )


with tabs[0]:
    number, doc = browse_documents(PRODUCTION_ORDERS, session, "mo")
    if doc is not None:
        status = doc.header["status"]
        with session.read() as conn:
            steps = operations(conn, str(number))
        if steps:
            st.markdown(f"**{t('Operations')}**")
            table(steps, OPERATION_LABELS)
        if status == "planned" and may_run:
            status_buttons(str(number))
        elif status in ("released", "completed"):
            shop_floor(str(number), status)

if may_run:
    with tabs[1]:
        st.caption(t("A planned order copies the BOM and routing only when it is released."))
        document_form(
            session,
            key="mo:new",
            header=production.ORDER_FIELDS,
            submit=lambda raw: production.create_production_order(session, raw),
            success=lambda order: t("Saved production order {number} as planned.", number=order["number"]),
            defaults={"start_date": today, "due_date": today + dt.timedelta(days=7)},
            button=N_("Create production order"),
        )
