"""Items and how they are made: the item list and forms, the multi-level BOM with where-used, and routings."""

from __future__ import annotations

import streamlit as st
from components.forms import entity_form
from components.listing import record_list
from components.navigation import page_session
from components.workspace import choose_record, edit_record

from erp.i18n import t
from erp.services.products import bom_actions, bom_tree, item_actions, routing_actions, where_used

session = page_session(__file__)
items, new, edit, bom, routing = st.tabs([t("List"), t("New"), t("Edit"), t("Bill of materials"), t("Routing")])

with items:
    record_list(
        item_actions.entity, session, key="items:list", filter_fields=("item_type", "abc_class", "lot_sizing", "active")
    )
with new:
    entity_form(item_actions, session, key="items:new")
with edit:
    edit_record(item_actions, session, key="items:edit")

with bom:
    code = choose_record(item_actions, session, key="items:bom", label=t("Item"))
    if code is None:
        st.info(t("Choose an item to see its bill of materials and where it is used."))
    else:
        with session.read() as conn:
            tree = bom_tree(conn, code)
            used_in = where_used(conn, code)
        below, above = st.columns([3, 2])
        with below:
            st.subheader(t("Components"))
            if tree:
                st.dataframe(
                    [
                        {
                            t("Level"): row["level"],
                            t("Component item"): "· " * (row["level"] - 1) + row["component_item"],
                            t("Description"): row["description"],
                            t("Quantity per"): float(row["qty_per"]),
                            t("Scrap %"): float(row["scrap_pct"]),
                            t("Quantity per finished unit"): round(float(row["ext_qty"]), 6),
                        }
                        for row in tree
                    ],
                    hide_index=True,
                )
            else:
                st.caption(t("{item} has no components.", item=code))
        with above:
            st.subheader(t("Where used"))
            if used_in:
                st.dataframe(
                    [
                        {t("Level"): r["level"], t("Item code"): r["item_code"], t("Description"): r["description"]}
                        for r in used_in
                    ],
                    hide_index=True,
                )
            else:
                st.caption(t("{item} is not used in any bill of materials.", item=code))
        st.subheader(t("Add a component to {item}", item=code))
        entity_form(bom_actions, session, key=f"items:bom:{code}:new", fixed={"parent_item": code})

with routing:
    code = choose_record(item_actions, session, key="items:routing", label=t("Item"))
    if code is None:
        st.info(t("Choose an item to see its routing."))
    else:
        record_list(routing_actions.entity, session, key=f"items:routing:{code}", fixed={"item_code": code})
        st.subheader(t("Add a routing step to {item}", item=code))
        entity_form(routing_actions, session, key=f"items:routing:{code}:new", fixed={"item_code": code})
