"""Repair orders: received, diagnosed, repaired with parts from stock and labour, done, and returned to the
customer (a billable repair is invoiced on return). Only the moves the order's status allows are offered."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
)
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, Bool, Date, Dec, FieldSet, Text
from erp.i18n import t
from erp.read.service import REPAIRS
from erp.services import service

SUBJECTS = FieldSet((Text("repair", N_("Repair order")),))
DIAGNOSE = FieldSet(
    (
        *SUBJECTS,
        Text("diagnosis", N_("Diagnosis"), required=True),
        Bool("warranty", N_("Under warranty")),
        Text("technician", N_("Technician")),
    )
)
LABOUR = FieldSet((*SUBJECTS, Dec("hours", N_("Hours")), Dec("rate", N_("Rate per hour"))))
DONE = FieldSet((*SUBJECTS, Date("done_date", N_("Done on"), required=True)))
RETURN = FieldSet((*SUBJECTS, Date("returned_date", N_("Returned on"), required=True)))

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Repair orders"), t("New repair order")])


def flow(number: str, status: str) -> None:
    """The actions the status allows, each a button or a small form."""
    key = f"rep:doc:{number}"
    fixed = {"repair": number}
    drawn: list[str] = []

    def form(name: str, **kwargs) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=3, **kwargs)

    def button(name: str, label: str, call, success, primary: bool = False) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        action_button(
            session, key=f"{key}:{name}", label=label, call=call, success=success, primary=primary, subjects=SUBJECTS
        )

    if status == "received":
        st.markdown(f"**{t('Diagnose')}**")
        form(
            "diagnose",
            header=DIAGNOSE,
            submit=lambda raw: service.diagnose_repair(
                session, number, raw["diagnosis"], bool(raw["warranty"]), raw["technician"]
            ),
            success=lambda _: t("Diagnosed {number}.", number=number),
            button=N_("Diagnose"),
        )
    if status == "diagnosed":
        button(
            "start",
            t("Start repair"),
            lambda: service.start_repair(session, number),
            lambda _: t("Started the repair {number}.", number=number),
            primary=True,
        )
    if status in ("received", "diagnosed"):
        button(
            "cancel",
            t("Cancel repair"),
            lambda: service.cancel_repair(session, number),
            lambda _: t("Cancelled {number}.", number=number),
        )
    if status == "repairing":
        parts, labour, done = st.tabs([t("Parts"), t("Labour"), t("Done")])
        with parts:
            form(
                "parts",
                header=FieldSet((*SUBJECTS, *service.PARTS_HEADER)),
                lines=Lines(service.PARTS_LINE, rows=3),
                submit=lambda raw: service.consume_parts(
                    session, number, {k: v for k, v in raw.items() if k != "repair"}
                ),
                success=lambda r: t("Issued the parts as stock move {move}.", move=r["move"]),
                defaults={"issue_date": today},
                button=N_("Issue parts"),
            )
        with labour:
            form(
                "labour",
                header=LABOUR,
                submit=lambda raw: service.record_labour(session, number, raw["hours"], raw["rate"] or None),
                success=lambda r: t("Labour on {number} is now {hours} hours.", number=number, hours=r["labour_hours"]),
                button=N_("Record labour"),
            )
        with done:
            form(
                "done",
                header=DONE,
                submit=lambda raw: service.complete_repair(session, number, raw["done_date"]),
                success=lambda _: t("{number} is done.", number=number),
                defaults={"done_date": today},
                button=N_("Mark done"),
            )
    if status == "done":
        form(
            "return",
            header=RETURN,
            submit=lambda raw: service.return_repair(session, number, raw["returned_date"]),
            success=lambda r: (
                t("Returned {number}, invoiced as {invoice}.", number=number, invoice=r["invoice"])
                if r.get("invoice")
                else t("Returned {number}.", number=number)
            ),
            defaults={"returned_date": today},
            button=N_("Return to customer"),
        )
    stale_refusals(f"{key}:", drawn)


with listing:
    number, doc = browse_documents(REPAIRS, session, "rep")
    if doc is not None:
        flow(str(number), doc.header["status"])

with new:
    document_form(
        session,
        key="rep:new",
        header=service.REPAIR_FIELDS,
        submit=lambda raw: service.create_repair_order(session, raw),
        success=lambda r: t("Received repair order {number}.", number=r["number"]),
        defaults={"received_date": today},
        button=N_("Receive for repair"),
    )
