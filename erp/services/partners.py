"""Customers and suppliers."""

from __future__ import annotations

from erp import schema as s
from erp.fields import N_, Bool, Dec, Field, FieldSet, Int, Text
from erp.services.records import Entity, EntityActions


def _partner_fields(group_field: str, extra: tuple[Field, ...]) -> FieldSet:
    return FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Text("tax_id", N_("Tax ID"), max_length=40),
            Text("address", N_("Address"), max_length=400),
            Text("country", N_("Country"), max_length=2),
            Text("phone", N_("Phone"), max_length=40),
            Text("email", N_("E-mail"), max_length=200),
            Text("currency", N_("Currency"), default="CNY", max_length=3),
            Int("payment_terms_days", N_("Payment terms (days)"), default=30, min_value=0, max_value=365),
            Text(group_field, N_("Group"), max_length=40),
            *extra,
            Bool("active", N_("Active"), default=True),
        )
    )


CUSTOMERS = Entity(
    name="customers",
    label=N_("Customers"),
    table=s.customer,
    key=("code",),
    fields=_partner_fields("customer_group", (Dec("credit_limit", N_("Credit limit"), default=0, min_value=0),)),
    permission="customers.manage",
    audit_name="customer",
)

SUPPLIERS = Entity(
    name="suppliers",
    label=N_("Suppliers"),
    table=s.supplier,
    key=("code",),
    fields=_partner_fields("supplier_group", ()),
    permission="suppliers.manage",
    audit_name="supplier",
)

customer_actions = EntityActions(CUSTOMERS)
supplier_actions = EntityActions(SUPPLIERS)
