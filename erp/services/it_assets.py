"""IT assets: hardware (network equipment included), installed software, licence seats and patches.

Asset: in_stock <-> in_use <-> in_repair, any of them -> retired (its installations are removed, freeing
their seats). Every purchase, assignment, maintenance, incident, repair and retirement is a line of the asset's
log. A per-seat application cannot be installed on more assets than it has seats; a patch is pending on every
asset that has its application installed until it is applied there.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Choice, Date, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Session, Tx, action, fetch_one
from erp.services.documents import ZERO, money, raise_if
from erp.services.records import Entity, EntityActions
from erp.services.workflow import conflict, locked, move, require_status

PERMISSION = "it.assets"
NETWORK_TYPES = ("switch", "router", "access_point", "firewall")
ASSET_TYPES = ("laptop", "desktop", "server", "monitor", "printer", "phone", "tablet", *NETWORK_TYPES, "other")
ASSET_FLOW = {
    "in_stock": ("in_use", "in_repair", "retired"),
    "in_use": ("in_stock", "in_repair", "retired"),
    "in_repair": ("in_use", "in_stock", "retired"),
}
MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$")

ASSET_FIELDS = FieldSet(
    (
        Text("asset_tag", N_("Asset tag"), required=True, max_length=40),
        Text("name", N_("Name"), required=True),
        Choice("asset_type", N_("Type"), required=True, choices=ASSET_TYPES),
        Text("serial_no", N_("Serial number"), max_length=80),
        Ref("supplier", N_("Supplier"), column="supplier_id", table=s.supplier),
        Date("purchase_date", N_("Purchase date")),
        Dec("purchase_cost", N_("Purchase cost"), default=ZERO, min_value=0),
        Date("warranty_until", N_("Warranty until")),
        Ref("location", N_("Location"), column="location_id", table=s.location),
        Text("ip_address", N_("IP address"), max_length=45),
        Text("mac_address", N_("MAC address"), max_length=17),
    )
)


def _log(tx: Tx, asset: Mapping[str, Any], day: dt.date, kind: str, description: str, cost: Any = ZERO) -> None:
    row = {
        "asset_id": asset["id"],
        "log_date": day,
        "kind": kind,
        "description": description,
        "cost": money(cost or 0),
        "recorded_by": tx.actor.username,
        "created_at": tx.now,
    }
    tx.conn.execute(insert(s.it_asset_log).values(**row))
    tx.audit("it_asset_log", asset["asset_tag"], None, row)


@action("it_asset.register", PERMISSION)
def register_asset(tx: Tx, data: Mapping[str, Any]) -> dict[str, Any]:
    """A purchased device into IT's stock: ``{asset_tag, name, asset_type, serial_no, supplier, purchase_date,
    purchase_cost, warranty_until, location, ip_address, mac_address}``."""
    values, errors = ASSET_FIELDS.validate(data, tx.conn)
    if not errors:
        if fetch_one(tx.conn, s.it_asset, asset_tag=values["asset_tag"]) is not None:
            errors.append(FieldError("asset_tag", t("{key} already exists", key=values["asset_tag"])))
        if values.get("ip_address"):
            try:
                values["ip_address"] = str(ipaddress.ip_address(values["ip_address"]))
            except ValueError:
                errors.append(FieldError("ip_address", t("is not an IP address")))
        if values.get("mac_address") and not MAC_RE.match(values["mac_address"]):
            errors.append(FieldError("mac_address", t("must look like 00:1A:2B:3C:4D:5E")))
        if (
            values.get("warranty_until")
            and values.get("purchase_date")
            and values["warranty_until"] < values["purchase_date"]
        ):
            errors.append(FieldError("warranty_until", t("must not be before the purchase date")))
    raise_if(errors)
    row = {**{k: (v if v != "" else None) for k, v in values.items()}, "status": "in_stock", "created_at": tx.now}
    asset_id = tx.conn.execute(insert(s.it_asset).values(**row)).inserted_primary_key[0]
    tx.audit("it_asset", values["asset_tag"], None, row)
    asset = {**row, "id": asset_id}
    _log(
        tx,
        asset,
        values.get("purchase_date") or tx.now.date(),
        "purchase",
        t("Registered"),
        values.get("purchase_cost"),
    )
    return asset


def _asset(conn: Connection, tag: str) -> dict[str, Any]:
    return locked(conn, s.it_asset, tag, t("Asset"), "asset", key="asset_tag")


@action("it_asset.assign", PERMISSION)
def assign_asset(tx: Tx, tag: str, employee: str, day: dt.date, location: str = "") -> dict[str, Any]:
    """Hand a device to an employee (or over from one employee to another)."""
    asset = _asset(tx.conn, tag)
    require_status(asset, ("in_stock", "in_use"), "asset", t("assign it"), key="asset_tag")
    values, errors = FieldSet(
        (
            Ref(
                "employee",
                N_("Employee"),
                required=True,
                column="assignee_id",
                table=s.employee,
                key="employee_code",
                only_active=True,
            ),
            Ref("location", N_("Location"), column="location_id", table=s.location),
        )
    ).validate({"employee": employee, **({"location": location} if location else {})}, tx.conn)
    raise_if(errors)
    changes = {k: v for k, v in values.items() if v is not None}
    if asset["status"] == "in_stock":
        after = move(tx, s.it_asset, asset, "in_use", ASSET_FLOW, "asset", key="asset_tag", **changes)
    else:
        tx.conn.execute(update(s.it_asset).where(s.it_asset.c.id == asset["id"]).values(**changes))
        tx.audit("it_asset", tag, {k: asset[k] for k in changes}, changes)
        after = {**asset, **changes}
    _log(tx, asset, day, "assignment", t("Assigned to {employee}", employee=employee))
    return after


@action("it_asset.unassign", PERMISSION)
def return_asset(tx: Tx, tag: str, day: dt.date) -> dict[str, Any]:
    """The device came back to IT's stock."""
    asset = _asset(tx.conn, tag)
    after = move(tx, s.it_asset, asset, "in_stock", ASSET_FLOW, "asset", key="asset_tag", assignee_id=None)
    _log(tx, asset, day, "assignment", t("Returned to stock"))
    return after


@action("it_asset.repair", PERMISSION)
def send_to_repair(tx: Tx, tag: str, day: dt.date, description: str) -> dict[str, Any]:
    asset = _asset(tx.conn, tag)
    after = move(tx, s.it_asset, asset, "in_repair", ASSET_FLOW, "asset", key="asset_tag")
    _log(tx, asset, day, "repair", description or t("Sent to repair"))
    return after


@action("it_asset.repaired", PERMISSION)
def back_from_repair(tx: Tx, tag: str, day: dt.date, description: str, cost: Any = 0) -> dict[str, Any]:
    """Back from repair: in use again if it still has an assignee, else in stock."""
    asset = _asset(tx.conn, tag)
    require_status(asset, ("in_repair",), "asset", t("take it back from repair"), key="asset_tag")
    to = "in_use" if asset["assignee_id"] else "in_stock"
    after = move(tx, s.it_asset, asset, to, ASSET_FLOW, "asset", key="asset_tag")
    _log(tx, asset, day, "repair", description or t("Back from repair"), cost)
    return after


@action("it_asset.log", PERMISSION)
def log_maintenance(tx: Tx, tag: str, day: dt.date, kind: str, description: str, cost: Any = 0) -> None:
    """A maintenance or an incident on a device that is not retired."""
    asset = _asset(tx.conn, tag)
    require_status(asset, ("in_stock", "in_use", "in_repair"), "asset", t("log work on it"), key="asset_tag")
    values, errors = FieldSet(
        (
            Choice("kind", N_("Kind"), required=True, choices=("maintenance", "incident")),
            Text("description", N_("Description"), required=True, max_length=4000),
            Dec("cost", N_("Cost"), default=ZERO, min_value=0),
        )
    ).validate({"kind": kind, "description": description, "cost": cost}, tx.conn)
    raise_if(errors)
    _log(tx, asset, day, values["kind"], values["description"], values["cost"])


@action("it_asset.retire", PERMISSION)
def retire_asset(tx: Tx, tag: str, day: dt.date, reason: str) -> dict[str, Any]:
    """Retire a device: unassigned, its software removed (seats freed)."""
    asset = _asset(tx.conn, tag)
    if not (reason or "").strip():
        raise ServiceError(FieldError("reason", t("is required")))
    after = move(
        tx,
        s.it_asset,
        asset,
        "retired",
        ASSET_FLOW,
        "asset",
        key="asset_tag",
        retired_date=day,
        retire_reason=reason.strip(),
        assignee_id=None,
    )
    removed = tx.conn.execute(delete(s.app_installation).where(s.app_installation.c.asset_id == asset["id"])).rowcount
    _log(tx, asset, day, "retirement", reason.strip())
    return {**after, "installations_removed": removed}


def asset_log(session: Session, tag: str) -> list[dict[str, Any]]:
    session.require(PERMISSION)
    lg = s.it_asset_log
    with session.read() as conn:
        return [
            dict(r)
            for r in conn.execute(
                select(lg.c.log_date, lg.c.kind, lg.c.description, lg.c.cost, lg.c.recorded_by)
                .join(s.it_asset, s.it_asset.c.id == lg.c.asset_id)
                .where(s.it_asset.c.asset_tag == tag)
                .order_by(lg.c.log_date, lg.c.id)
            ).mappings()
        ]


def network_equipment(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """Switches, routers, access points and firewalls in service, with addresses and warranty state."""
    session.require(PERMISSION)
    a = s.it_asset
    with session.read() as conn:
        rows = conn.execute(
            select(
                a.c.asset_tag,
                a.c.name,
                a.c.asset_type,
                a.c.ip_address,
                a.c.mac_address,
                a.c.status,
                a.c.warranty_until,
                s.location.c.code.label("location"),
            )
            .outerjoin(s.location, s.location.c.id == a.c.location_id)
            .where(a.c.asset_type.in_(NETWORK_TYPES), a.c.status != "retired")
            .order_by(a.c.asset_tag)
        ).mappings()
        return [{**r, "under_warranty": r["warranty_until"] is not None and r["warranty_until"] >= as_of} for r in rows]


# --- software, licences and patches -------------------------------------------------------------------------

APPLICATIONS = Entity(
    name="applications",
    label=N_("Software applications"),
    table=s.application,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Text("vendor", N_("Vendor")),
            Choice("licence_type", N_("Licence"), default="per_seat", choices=("per_seat", "site", "free")),
            Int("seats", N_("Licensed seats (per-seat licences)"), min_value=0),
            Date("licence_expires", N_("Licence expires")),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission=PERMISSION,
    audit_name="application",
    check=lambda tx, v, before: (
        [FieldError("seats", t("is required for a per-seat licence"))]
        if v.get("licence_type") == "per_seat" and v.get("seats") is None
        else []
    ),
)

PATCHES = Entity(
    name="app_patches",
    label=N_("Software patches"),
    table=s.app_patch,
    key=("application", "code"),
    fields=FieldSet(
        (
            Ref("application", N_("Application"), required=True, column="application_id", table=s.application),
            Text("code", N_("Patch"), required=True, max_length=40),
            Date("released_on", N_("Released on"), required=True),
            Choice("severity", N_("Severity"), default="medium", choices=("low", "medium", "high", "critical")),
            Text("description", N_("Description"), max_length=400),
        )
    ),
    permission=PERMISSION,
    audit_name="app_patch",
)

application_actions = EntityActions(APPLICATIONS)
patch_actions = EntityActions(PATCHES)


def _application(conn: Connection, code: str) -> dict[str, Any]:
    return locked(conn, s.application, code, t("Application"), "application", key="code")


@action("app.install", PERMISSION)
def install_application(tx: Tx, tag: str, application: str, version: str, day: dt.date) -> dict[str, Any]:
    """Install (record) an application version on a device; per-seat licences cannot be over-used."""
    asset = _asset(tx.conn, tag)
    require_status(asset, ("in_stock", "in_use", "in_repair"), "asset", t("install software"), key="asset_tag")
    app = _application(tx.conn, application)
    if not app["active"]:
        raise conflict("application", t("{code} is inactive", code=application))
    if not (version or "").strip():
        raise ServiceError(FieldError("version", t("is required")))
    inst = s.app_installation
    if fetch_one(tx.conn, inst, asset_id=asset["id"], application_id=app["id"]) is not None:
        raise conflict("application", t("{code} is already installed on {tag}", code=application, tag=tag))
    if app["licence_type"] == "per_seat":
        used = tx.conn.execute(
            select(func.count()).select_from(inst).where(inst.c.application_id == app["id"])
        ).scalar()
        if used >= (app["seats"] or 0):
            raise conflict(
                "application", t("all {seats} seats of {code} are in use", seats=app["seats"] or 0, code=application)
            )
    row = {"asset_id": asset["id"], "application_id": app["id"], "version": version.strip(), "installed_on": day}
    tx.conn.execute(insert(inst).values(**row))
    tx.audit("app_installation", f"{tag}/{application}", None, row)
    return row


@action("app.upgrade", PERMISSION)
def upgrade_application(tx: Tx, tag: str, application: str, version: str) -> dict[str, Any]:
    asset = _asset(tx.conn, tag)
    app = _application(tx.conn, application)
    inst = s.app_installation
    row = fetch_one(tx.conn, inst, asset_id=asset["id"], application_id=app["id"])
    if row is None:
        raise conflict("application", t("{code} is not installed on {tag}", code=application, tag=tag))
    if not (version or "").strip():
        raise ServiceError(FieldError("version", t("is required")))
    tx.conn.execute(update(inst).where(inst.c.id == row["id"]).values(version=version.strip()))
    tx.audit("app_installation", f"{tag}/{application}", {"version": row["version"]}, {"version": version.strip()})
    return {**row, "version": version.strip()}


@action("app.uninstall", PERMISSION)
def uninstall_application(tx: Tx, tag: str, application: str) -> None:
    asset = _asset(tx.conn, tag)
    app = _application(tx.conn, application)
    inst = s.app_installation
    row = fetch_one(tx.conn, inst, asset_id=asset["id"], application_id=app["id"])
    if row is None:
        raise conflict("application", t("{code} is not installed on {tag}", code=application, tag=tag))
    tx.conn.execute(delete(inst).where(inst.c.id == row["id"]))
    tx.audit("app_installation", f"{tag}/{application}", row, None)


@action("app.patch", PERMISSION)
def apply_patch(tx: Tx, tag: str, application: str, patch: str, day: dt.date) -> dict[str, Any]:
    """Record a patch applied on a device that has its application installed."""
    asset = _asset(tx.conn, tag)
    app = _application(tx.conn, application)
    if fetch_one(tx.conn, s.app_installation, asset_id=asset["id"], application_id=app["id"]) is None:
        raise conflict("application", t("{code} is not installed on {tag}", code=application, tag=tag))
    found = fetch_one(tx.conn, s.app_patch, application_id=app["id"], code=patch)
    if found is None:
        raise ServiceError(FieldError("patch", t("{value} does not exist", value=patch)), code="not_found")
    if day < found["released_on"]:
        raise ServiceError(FieldError("day", t("must not be before the patch was released")))
    if fetch_one(tx.conn, s.patch_applied, asset_id=asset["id"], patch_id=found["id"]) is not None:
        raise conflict("patch", t("{patch} is already applied on {tag}", patch=patch, tag=tag))
    row = {"asset_id": asset["id"], "patch_id": found["id"], "applied_on": day, "applied_by": tx.actor.username}
    tx.conn.execute(insert(s.patch_applied).values(**row))
    tx.audit("patch_applied", f"{tag}/{application}/{patch}", None, row)
    return row


@action("app.patch_rollout", PERMISSION)
def roll_out_patch(tx: Tx, application: str, patch: str, day: dt.date, share_of: int = 100) -> dict[str, Any]:
    """A deployment run: record a patch applied on the devices that had its application installed by ``day`` and
    lack it (the first ``share_of`` percent of them by asset tag, for a rollout still under way)."""
    app = _application(tx.conn, application)
    found = fetch_one(tx.conn, s.app_patch, application_id=app["id"], code=patch)
    if found is None:
        raise ServiceError(FieldError("patch", t("{value} does not exist", value=patch)), code="not_found")
    if day < found["released_on"]:
        raise ServiceError(FieldError("day", t("must not be before the patch was released")))
    if not 0 < share_of <= 100:
        raise ServiceError(FieldError("share_of", t("must be greater than 0 and at most {n}", n=100)))
    a, inst, pa = s.it_asset, s.app_installation, s.patch_applied
    done = select(pa.c.asset_id).where(pa.c.patch_id == found["id"])
    targets = tx.conn.execute(
        select(a.c.id, a.c.asset_tag)
        .join(inst, inst.c.asset_id == a.c.id)
        .where(inst.c.application_id == app["id"], inst.c.installed_on <= day, a.c.id.not_in(done))
        .order_by(a.c.asset_tag)
    ).all()
    targets = targets[: len(targets) * share_of // 100]
    if targets:
        by = tx.actor.username
        tx.conn.execute(
            insert(pa),
            [{"asset_id": r.id, "patch_id": found["id"], "applied_on": day, "applied_by": by} for r in targets],
        )
        tags = [r.asset_tag for r in targets]
        tx.audit("patch_applied", f"{application}/{patch}", None, {"applied_on": day, "assets": tags})
    return {"application": application, "patch": patch, "applied_on": day, "assets": len(targets)}


def software_inventory(session: Session) -> list[dict[str, Any]]:
    """Per device and installed application: the version and the patches applied and pending."""
    session.require(PERMISSION)
    a, inst, app, p, pa = s.it_asset, s.app_installation, s.application, s.app_patch, s.patch_applied
    with session.read() as conn:
        installs = conn.execute(
            select(a.c.id.label("asset_id"), a.c.asset_tag, app.c.id.label("app_id"), app.c.code, inst.c.version)
            .join(inst, inst.c.asset_id == a.c.id)
            .join(app, app.c.id == inst.c.application_id)
            .order_by(a.c.asset_tag, app.c.code)
        ).all()
        patches: dict[int, list[tuple[int, str]]] = {}
        for r in conn.execute(select(p.c.id, p.c.application_id, p.c.code).order_by(p.c.released_on, p.c.code)):
            patches.setdefault(r.application_id, []).append((r.id, r.code))
        applied = {(r.asset_id, r.patch_id) for r in conn.execute(select(pa.c.asset_id, pa.c.patch_id))}
    return [
        {
            "asset": r.asset_tag,
            "application": r.code,
            "version": r.version,
            "applied": [c for pid, c in patches.get(r.app_id, []) if (r.asset_id, pid) in applied],
            "pending": [c for pid, c in patches.get(r.app_id, []) if (r.asset_id, pid) not in applied],
        }
        for r in installs
    ]


def licence_usage(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """Seats licensed and used per application, and whether the licence has expired."""
    session.require(PERMISSION)
    app, inst = s.application, s.app_installation
    with session.read() as conn:
        rows = conn.execute(
            select(
                app.c.code, app.c.licence_type, app.c.seats, app.c.licence_expires, func.count(inst.c.id).label("used")
            )
            .outerjoin(inst, inst.c.application_id == app.c.id)
            .group_by(app.c.code, app.c.licence_type, app.c.seats, app.c.licence_expires)
            .order_by(app.c.code)
        ).all()
    return [
        {
            "application": r.code,
            "licence_type": r.licence_type,
            "seats": r.seats,
            "used": r.used,
            "free": None if r.licence_type != "per_seat" else (r.seats or 0) - r.used,
            "expired": r.licence_expires is not None and r.licence_expires < as_of,
        }
        for r in rows
    ]
