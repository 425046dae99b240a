"""The service layer: validation, permissions, audit and all-or-nothing writes on master data."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import base
from erp.services.base import Session, Tx, action
from erp.services.company import open_fiscal_year, save_company
from erp.services.inventory import load_items
from erp.services.products import bom_actions, bom_tree, item_actions, where_used
from erp.services.users import authenticate, create_user, reset_password, set_active, set_roles
from tests.conftest import PASSWORD

pytestmark = pytest.mark.portable

ITEM = {"item_code": "P-1", "description": "Pump 泵", "item_type": "make", "uom": "EA", "lead_time_days": "5"}


def count(session: Session, table) -> int:  # type: ignore[no-untyped-def]
    with session.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_create_item_writes_row_and_audit(admin: Session) -> None:
    row = item_actions.create(admin, ITEM)
    assert row["item_code"] == "P-1" and row["description"] == "Pump 泵" and row["lead_time_days"] == 5
    with admin.read() as conn:
        audit = conn.execute(select(s.audit_log).where(s.audit_log.c.entity == "item")).mappings().one()
    assert audit["action"] == "item.create" and audit["username"] == "admin" and audit["entity_key"] == "P-1"
    assert audit["before_json"] is None
    assert json.loads(audit["after_json"])["description"] == "Pump 泵"


def test_invalid_item_reports_every_field_and_writes_nothing(admin: Session) -> None:
    audits = count(admin, s.audit_log)
    bad = {**ITEM, "item_type": "maybe", "uom": "NOPE", "lead_time_days": "-2", "standard_cost": "abc", "colour": "red"}
    with pytest.raises(ServiceError) as err:
        item_actions.create(admin, bad)
    fields = {e.field for e in err.value.errors}
    assert fields == {"item_type", "uom", "lead_time_days", "standard_cost", "colour"}
    assert err.value.for_field("uom") == ["NOPE does not exist"]
    assert count(admin, s.item) == 0 and count(admin, s.audit_log) == audits


def test_required_and_duplicate_keys(admin: Session) -> None:
    with pytest.raises(ServiceError) as err:
        item_actions.create(admin, {"item_code": "X"})
    assert {e.field for e in err.value.errors} == {"description", "item_type", "uom"}
    item_actions.create(admin, ITEM)
    with pytest.raises(ServiceError) as err:
        item_actions.create(admin, ITEM)
    assert err.value.for_field("item_code") == ["P-1 already exists"]


def test_lot_sizing_rules(admin: Session) -> None:
    with pytest.raises(ServiceError) as err:
        item_actions.create(admin, {**ITEM, "lot_sizing": "FOQ"})
    assert err.value.for_field("lot_size_qty")
    item_actions.create(admin, {**ITEM, "lot_sizing": "FOQ", "lot_size_qty": "50"})


def test_permission_refused_writes_nothing(make_user) -> None:  # type: ignore[no-untyped-def]
    sales = make_user("sally", "sales")
    audits = count(sales, s.audit_log)
    with pytest.raises(PermissionDenied) as err:
        item_actions.create(sales, ITEM)
    assert err.value.code == "forbidden" and "items.manage" in str(err.value)
    assert count(sales, s.item) == 0 and count(sales, s.audit_log) == audits


def test_update_audits_before_and_after(admin: Session) -> None:
    item_actions.create(admin, ITEM)
    item_actions.update(admin, {"item_code": "P-1"}, {"lead_time_days": 9, "safety_stock_qty": "2.5"})
    with admin.read() as conn:
        audit = conn.execute(select(s.audit_log).where(s.audit_log.c.action == "item.update")).mappings().one()
    assert json.loads(audit["before_json"])["lead_time_days"] == 5
    assert json.loads(audit["after_json"])["lead_time_days"] == 9
    with pytest.raises(ServiceError) as err:
        item_actions.update(admin, {"item_code": "NOPE"}, {"lead_time_days": 1})
    assert err.value.code == "not_found"


def test_bom_cycles_are_refused(admin: Session) -> None:
    for code in ("A", "B", "C"):
        item_actions.create(admin, {**ITEM, "item_code": code})
    bom_actions.create(admin, {"parent_item": "A", "component_item": "B", "qty_per": 2})
    bom_actions.create(admin, {"parent_item": "B", "component_item": "C", "qty_per": 1})
    for parent, component in (("C", "A"), ("A", "A"), ("C", "B")):
        with pytest.raises(ServiceError) as err:
            bom_actions.create(admin, {"parent_item": parent, "component_item": component, "qty_per": 1})
        assert err.value.for_field("component_item") == ["would make the bill of materials circular"]
    with pytest.raises(ServiceError) as err:
        bom_actions.create(admin, {"parent_item": "A", "component_item": "C", "qty_per": 0})
    assert err.value.for_field("qty_per") == ["must be greater than zero"]
    assert count(admin, s.bom_line) == 2


def test_bom_tree_and_where_used(sample: Session) -> None:
    with sample.read() as conn:
        tree = bom_tree(conn, "FG-PUMP-100")
        used = where_used(conn, "RM-BOLT-M8")
    levels = {(r["level"], r["component_item"]) for r in tree}
    assert (1, "SA-MOTOR-1") in levels and (2, "RM-STATOR") in levels
    stator = next(r for r in tree if r["component_item"] == "RM-STATOR")
    assert float(stator["ext_qty"]) == pytest.approx(1 * 1.01)
    assert {(r["level"], r["item_code"]) for r in used} >= {(1, "FG-PUMP-100"), (1, "SA-MOTOR-1"), (1, "FG-PUMP-200")}


def test_failed_action_inside_outer_transaction_rolls_back_only_itself(admin: Session) -> None:
    with admin.transaction():
        item_actions.create(admin, ITEM)
        with pytest.raises(ServiceError):
            item_actions.create(admin, {**ITEM, "item_code": "P-2", "uom": "NOPE"})
    assert count(admin, s.item) == 1


@action("test.audit_probe", "items.manage")
def _audit_probe(tx: Tx, key: str, fail: bool) -> None:
    tx.audit("probe", key, None, {"key": key})
    if fail:
        raise ServiceError("refused after auditing")


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_audit_of_a_rolled_back_action_is_dropped_whatever_was_written_already(
    admin: Session, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Audit records are collected and written in batches; a savepoint that rolls back takes its own with it."""
    monkeypatch.setattr(base, "AUDIT_BATCH", batch)
    with admin.transaction():
        _audit_probe(admin, "a", False)
        for key in ("b", "c"):
            with pytest.raises(ServiceError):
                _audit_probe(admin, key, True)
        _audit_probe(admin, "d", False)
        with pytest.raises(ServiceError), admin.transaction():
            _audit_probe(admin, "e", False)
            _audit_probe(admin, "f", False)
            raise ServiceError("the outer savepoint fails after two actions")
        _audit_probe(admin, "g", False)
    with pytest.raises(ServiceError), admin.transaction():
        _audit_probe(admin, "h", False)
        raise ServiceError("the whole transaction fails")
    with admin.read() as conn:
        keys = conn.execute(
            select(s.audit_log.c.entity_key).where(s.audit_log.c.entity == "probe").order_by(s.audit_log.c.id)
        ).scalars()
        assert list(keys) == ["a", "d", "g"]


def test_fiscal_year_with_april_start(admin: Session) -> None:
    save_company(admin, {"fiscal_year_start_month": 4})
    created = open_fiscal_year(admin, 2030)
    assert created[0] == "2029-04" and created[-1] == "2030-03" and len(created) == 12
    with pytest.raises(ServiceError) as err:
        open_fiscal_year(admin, 12)
    assert err.value.for_field("fiscal_year")


def test_users_passwords_and_roles(engine, system: Session) -> None:  # type: ignore[no-untyped-def]
    create_user(system, "li.ming", PASSWORD, ["finance", "sales"], display_name="李明")
    with engine.connect() as conn:
        stored = conn.execute(select(s.app_user.c.password_hash)).scalar_one()
        assert PASSWORD not in stored and stored.startswith("$argon2")
        actor = authenticate(conn, "li.ming", PASSWORD)
        assert actor is not None and actor.roles == {"finance", "sales"}
        assert actor.can("customers.manage") and not actor.can("users.manage")
        assert authenticate(conn, "li.ming", "wrong-password") is None
        assert authenticate(conn, "nobody", PASSWORD) is None
    set_roles(system, "li.ming", ["hr"])
    set_active(system, "li.ming", False)
    with engine.connect() as conn:
        assert authenticate(conn, "li.ming", PASSWORD) is None
    set_active(system, "li.ming", True)
    reset_password(system, "li.ming", "another-pass-9")
    with engine.connect() as conn:
        actor = authenticate(conn, "li.ming", "another-pass-9")
        assert actor is not None and actor.roles == {"hr"}


def test_user_validation(system: Session) -> None:
    with pytest.raises(ServiceError) as err:
        create_user(system, "a b", "short", ["wizard"])
    assert {e.field for e in err.value.errors} == {"username", "password", "roles"}
    with pytest.raises(ServiceError) as err:
        create_user(system, "ok.user", PASSWORD, [])
    assert err.value.for_field("roles") == ["at least one role is required"]


@pytest.mark.parametrize("count", [1, 3, 8, 9, 300])
def test_prebuilt_in_lists_find_exactly_the_wanted_rows(sample: Session, count: int) -> None:
    """IN lists are padded to a few prebuilt sizes (beyond 256 values: one expanding parameter)."""
    with sample.read() as conn:
        all_ids = sorted(conn.execute(select(s.item.c.id)).scalars())
        wanted = (all_ids * (count // len(all_ids) + 1))[:count]  # repeats are allowed, as from document lines
        wanted += [max(all_ids) + n for n in range(1, count + 1)]  # and ids that do not exist
        found = load_items(conn, wanted)
    assert sorted(found) == sorted(set(all_ids) & set(wanted))
    assert all(row["id"] == key for key, row in found.items())
