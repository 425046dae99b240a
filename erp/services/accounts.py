"""The chart of accounts (企业会计准则 by default) and cost centers."""

from __future__ import annotations

from typing import Any

from erp import schema as s
from erp.errors import FieldError
from erp.fields import N_, Bool, Choice, FieldSet, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, fetch_one
from erp.services.records import Entity, EntityActions

ACCOUNT_TYPES = ("asset", "liability", "equity", "cost", "revenue", "expense")
# Debit-normal types; the others are credit-normal.
DEBIT_NORMAL = frozenset({"asset", "cost", "expense"})


def _check_account(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    parent_id = values.get("parent_id")
    if parent_id is None:
        return []
    if before is not None and parent_id == before["id"]:
        return [FieldError("parent", t("an account cannot be its own parent"))]
    parent = fetch_one(tx.conn, s.account, id=parent_id)
    if parent is not None and parent["account_type"] != values["account_type"]:
        return [
            FieldError("account_type", t("must match the parent account's type ({type})", type=parent["account_type"]))
        ]
    return []


ACCOUNTS = Entity(
    name="accounts",
    label=N_("Chart of accounts"),
    table=s.account,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Account code"), required=True, max_length=40),
            Text("name", N_("Account name"), required=True),
            Text("name_en", N_("English name")),
            Choice("account_type", N_("Account type"), required=True, choices=ACCOUNT_TYPES),
            Ref("parent", N_("Parent account"), column="parent_id", table=s.account),
            Bool("is_postable", N_("Postable"), default=True),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="accounts.manage",
    audit_name="account",
    check=_check_account,
)

COST_CENTERS = Entity(
    name="cost_centers",
    label=N_("Cost centers"),
    table=s.cost_center,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Ref("parent", N_("Parent cost center"), column="parent_id", table=s.cost_center),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="accounts.manage",
    audit_name="cost_center",
)

account_actions = EntityActions(ACCOUNTS)
cost_center_actions = EntityActions(COST_CENTERS)
