"""Hardware and network assets with their maintenance log, and the software installed on them with the patches
applied and still pending."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    action_button,
    browse_documents,
    document_form,
    parse_inputs,
    table,
)
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp import schema as s
from erp.fields import N_, Choice, Date, Dec, FieldSet, Ref, Text
from erp.i18n import t
from erp.read.it import ASSETS, application_codes, asset_tags
from erp.services import it_assets

SUBJECTS = FieldSet((Text("asset", N_("IT asset")),))
DAY = Date("day", N_("Date"), required=True)
ASSIGN = FieldSet(
    (
        *SUBJECTS,
        Ref("employee", N_("Employee"), required=True, column="employee_id", table=s.employee, key="employee_code"),
        DAY,
        Ref("location", N_("Location"), column="location_id", table=s.location),
    )
)
ON_DAY = FieldSet((*SUBJECTS, DAY))
DESCRIBED = FieldSet((*SUBJECTS, DAY, Text("description", N_("Description"), required=True)))
REPAIRED = FieldSet((*DESCRIBED, Dec("cost", N_("Cost"))))
LOG = FieldSet(
    (
        *SUBJECTS,
        DAY,
        Choice("kind", N_("Kind"), required=True, choices=("maintenance", "incident")),
        Text("description", N_("Description"), required=True),
        Dec("cost", N_("Cost")),
    )
)
RETIRE = FieldSet((*SUBJECTS, DAY, Text("reason", N_("Reason"), required=True)))
SOFTWARE_LABELS = {
    "asset": N_("Asset tag"),
    "application": N_("Application"),
    "version": N_("Version"),
    "applied": N_("Patches applied"),
    "pending": N_("Patches pending"),
}
NETWORK_LABELS = {
    "asset_tag": N_("Asset tag"),
    "name": N_("Name"),
    "asset_type": N_("Type"),
    "status": N_("Status"),
    "ip_address": N_("IP address"),
    "mac_address": N_("MAC address"),
    "warranty_until": N_("Warranty until"),
}

session = page_session(__file__)
today = dt.date.today()
assets, network, software, new = st.tabs(
    [t("Assets"), t("Network equipment"), t("Software and patches"), t("Register")]
)


def day(raw: dict) -> dt.date:
    return parse_inputs(session, FieldSet((DAY,)), {"day": raw["day"]})["day"]


def actions(tag: str, status: str) -> None:
    key = f"ita:doc:{tag}"
    fixed = {"asset": tag}
    drawn: list[str] = []
    boxes: list[tuple[str, str, FieldSet, object, object]] = []
    if status == "in_stock":
        boxes.append(
            (
                "assign",
                t("Assign"),
                ASSIGN,
                lambda raw: it_assets.assign_asset(session, tag, raw["employee"], day(raw), raw["location"]),
                lambda _: t("Assigned {tag}.", tag=tag),
            )
        )
    if status in ("in_stock", "in_use"):
        boxes.append(
            (
                "repair",
                t("Send to repair"),
                DESCRIBED,
                lambda raw: it_assets.send_to_repair(session, tag, day(raw), raw["description"]),
                lambda _: t("Sent {tag} to repair.", tag=tag),
            )
        )
    if status == "in_repair":
        boxes.append(
            (
                "repaired",
                t("Back from repair"),
                REPAIRED,
                lambda raw: it_assets.back_from_repair(session, tag, day(raw), raw["description"], raw["cost"] or 0),
                lambda _: t("{tag} is back from repair.", tag=tag),
            )
        )
    if status != "retired":
        boxes.append(
            (
                "log",
                t("Log maintenance"),
                LOG,
                lambda raw: it_assets.log_maintenance(
                    session, tag, day(raw), raw["kind"], raw["description"], raw["cost"] or 0
                ),
                lambda _: t("Logged on {tag}.", tag=tag),
            )
        )
        boxes.append(
            (
                "retire",
                t("Retire"),
                RETIRE,
                lambda raw: it_assets.retire_asset(session, tag, day(raw), raw["reason"]),
                lambda _: t("Retired {tag}.", tag=tag),
            )
        )
    if status == "in_use":
        drawn.append(form_prefix(f"{key}:unassign"))
        action_button(
            session,
            key=f"{key}:unassign",
            label=t("Take back into stock today"),
            call=lambda: it_assets.return_asset(session, tag, today),
            success=lambda _: t("{tag} is back in stock.", tag=tag),
            subjects=SUBJECTS,
        )
    if boxes:
        for box, (name, label, fields, call, success) in zip(st.tabs([b[1] for b in boxes]), boxes, strict=True):
            with box:
                drawn.append(form_prefix(f"{key}:{name}"))
                document_form(
                    session,
                    key=f"{key}:{name}",
                    header=fields,
                    fixed=fixed,
                    submit=call,
                    success=success,
                    defaults={"day": today},
                    button=label,
                )
    stale_refusals(f"{key}:", drawn)


with assets:
    tag, doc = browse_documents(ASSETS, session, "ita")
    if doc is not None:
        actions(str(tag), doc.header["status"])

with network:
    st.caption(t("Switches, routers, access points and firewalls with their addresses."))
    table(it_assets.network_equipment(session, today), NETWORK_LABELS)

with software:
    rows = it_assets.software_inventory(session)
    pending = sum(1 for r in rows if r["pending"])
    st.caption(t("{n} installations, {p} with patches pending.", n=len(rows), p=pending))
    table(
        [{**r, "applied": ", ".join(r["applied"]), "pending": ", ".join(r["pending"])} for r in rows], SOFTWARE_LABELS
    )
    with session.read() as conn:
        tags, apps = asset_tags(conn, ("in_stock", "in_use")), application_codes(conn)
    INSTALL = FieldSet(
        (
            Choice("asset", N_("Asset tag"), required=True, choices=tuple(tags)),
            Choice("application", N_("Application"), required=True, choices=tuple(apps)),
            Text("version", N_("Version"), required=True),
            DAY,
        )
    )
    st.markdown(f"**{t('Install an application')}**")
    document_form(
        session,
        key="ita:install",
        header=INSTALL,
        submit=lambda raw: it_assets.install_application(
            session, raw["asset"], raw["application"], raw["version"], day(raw)
        ),
        success=lambda r: t("Installed."),
        defaults={"day": today},
        button=N_("Install"),
        columns=4,
    )
    PATCH = FieldSet(
        (
            Choice("asset", N_("Asset tag"), required=True, choices=tuple(tags)),
            Choice("application", N_("Application"), required=True, choices=tuple(apps)),
            Text("patch", N_("Patch code"), required=True),
            DAY,
        )
    )
    st.markdown(f"**{t('Apply a patch')}**")
    document_form(
        session,
        key="ita:patch",
        header=PATCH,
        submit=lambda raw: it_assets.apply_patch(session, raw["asset"], raw["application"], raw["patch"], day(raw)),
        success=lambda r: t("Patch applied."),
        defaults={"day": today},
        button=N_("Apply patch"),
        columns=4,
    )

with new:
    document_form(
        session,
        key="ita:new",
        header=it_assets.ASSET_FIELDS,
        submit=lambda raw: it_assets.register_asset(session, raw),
        success=lambda r: t("Registered {tag}.", tag=r["asset_tag"]),
        defaults={"purchase_date": today},
        button=N_("Register asset"),
    )
