"""Prepared statements give the same rows, store the same values and raise the same errors as Connection.execute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, bindparam, create_engine, insert, select
from sqlalchemy.exc import IntegrityError

from erp import schema as s
from erp.errors import ServiceError
from erp.services import base, sales
from erp.services.base import Session, Tx, action
from erp.services.documents import _ref_query, in_params
from erp.services.prepared import Prepared

pytestmark = pytest.mark.portable


def _typed(rows: list[Any]) -> list[tuple[tuple[Any, type], ...]]:
    """Rows with the Python type of every value: Decimal('1') and 1.0 compare equal, but are not the same."""
    return [tuple((v, type(v)) for v in row) for row in rows]


def test_hot_queries_return_what_connection_execute_returns(backend: str, sample: Session) -> None:
    sales.save_price_list(
        sample,
        {"code": "STD", "name": "Standard", "lines": [{"item": "RM-SEAL", "unit_price": "40.125"}]},
    )
    sales.create_sales_order(
        sample,
        {
            "customer": "C-1002",
            "order_date": "2026-03-05",
            "promised_date": "2026-03-20",
            "lines": [{"item": "RM-SEAL", "quantity": "3.5", "discount_pct": "2"}],
        },
    )
    price_params = {
        "customer_id": 2,
        "currency": "CNY",
        "on": dt.date(2026, 3, 5),
        "contract_id": None,
        **in_params("items", [10, 11, 12]),
    }
    item_ref = _ref_query(s.item, "item_code", True, 4)
    cases: list[tuple[Prepared, dict[str, Any]]] = [
        (sales.ORDER_CONTEXT_QUERY, {"customer_id": 2}),
        (sales._price_query(4), price_params),
        (item_ref, in_params("codes", ["RM-SEAL", "FG-PUMP-100", "NO-SUCH"])),
        (Prepared(select(s.customer)), {}),
        (Prepared(select(s.sales_order_line)), {}),
        (Prepared(select(s.sales_order)), {}),
    ]
    with sample.engine.begin() as conn:
        for prepared, params in cases:
            expected = conn.execute(prepared.statement, params).all()
            assert expected, prepared.statement
            assert _typed(prepared.rows(conn, params)) == _typed(expected)
        context = sales.ORDER_CONTEXT_QUERY.mapping(conn, {"customer_id": 2})
        assert context == dict(conn.execute(sales.ORDER_CONTEXT_QUERY.statement, {"customer_id": 2}).mappings().one())
        assert sales.ORDER_CONTEXT_QUERY.mapping(conn, {"customer_id": -1}) is None
        conn.rollback()


def _stored(engine: Engine, table: Table, key: str, value: Any) -> list[Any]:
    """A row as stored, with SQLite's storage class of each value (float 2.0 and integer 2 differ there)."""
    columns = [c.name for c in table.c if c.name not in ("id", key)]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = ", ".join(f'quote("{c}"), typeof("{c}")' for c in columns)
            return list(conn.exec_driver_sql(f'SELECT {sql} FROM "{table.name}" WHERE "{key}" = ?', (value,)).one())
        return list(conn.execute(select(*(table.c[c] for c in columns)).where(table.c[key] == value)).one())


def test_stored_values_are_those_connection_execute_stores(backend: str, sample: Session) -> None:
    """Decimals, dates, timestamps, booleans, NULLs and scalar defaults go in exactly as SQLAlchemy sends them."""
    engine = sample.engine
    columns = ("code", "name", "customer_id", "currency", "valid_from", "valid_to", "active")
    header = {
        "name": "价格表 Prices",
        "customer_id": None,
        "currency": "CNY",
        "valid_from": dt.date(2026, 1, 31),
        "valid_to": None,
        "active": True,
    }
    audit = {
        "at": dt.datetime(2026, 3, 5, 10, 11, 12, 345678),
        "user_id": None,
        "username": "system",
        "action": "test",
        "before_json": None,
        "after_json": '{"x": "1.5"}',
    }
    with engine.begin() as conn:
        conn.execute(insert(s.price_list), {**header, "code": "VIA-EXECUTE"})
        [(list_id,)] = Prepared(insert(s.price_list).returning(s.price_list.c.id), columns=columns).rows(
            conn, {**header, "code": "VIA-PREPARED"}
        )
        assert isinstance(list_id, int)
        item_id = conn.execute(select(s.item.c.id).where(s.item.c.item_code == "RM-SEAL")).scalar_one()
        line = {"price_list_id": list_id, "item_id": item_id, "unit_price": Decimal("1234.5678")}
        Prepared(insert(s.price_list_line), columns=tuple(line)).many(conn, [line])
        conn.execute(insert(s.audit_log), {**audit, "entity": "via", "entity_key": "execute"})
        base._AUDIT_INSERT.many(conn, [{**audit, "entity": "via", "entity_key": "prepared"}])
        # Defaults of the columns left out: next_number=1 and padding=6.
        conn.execute(insert(s.doc_sequence), {"doc_type": "t-execute", "prefix": "T-"})
        sequence = Prepared(insert(s.doc_sequence), columns=("doc_type", "prefix"))
        sequence.many(conn, [{"doc_type": "t-prep", "prefix": "T-"}])
    for table, key, prepared, executed in (
        (s.price_list, "code", "VIA-PREPARED", "VIA-EXECUTE"),
        (s.audit_log, "entity_key", "prepared", "execute"),
        (s.doc_sequence, "doc_type", "t-prep", "t-execute"),
    ):
        assert _stored(engine, table, key, prepared) == _stored(engine, table, key, executed)
    with engine.connect() as conn:
        price = conn.execute(select(s.price_list_line.c.unit_price).where(s.price_list_line.c.price_list_id == list_id))
        assert price.scalar_one() == Decimal("1234.5678")


def test_a_conflict_is_still_a_refusal_and_rolls_back(backend: str, system: Session, engine: Engine) -> None:
    duplicate = Prepared(insert(s.doc_sequence), columns=("doc_type", "prefix"))

    @action("test.duplicate", "sales.orders")
    def add_twice(tx: Tx) -> None:
        assert tx.next_number("zz") == "ZZ-000001"
        duplicate.many(tx.conn, [{"doc_type": "zz", "prefix": "Z-"}])

    with pytest.raises(ServiceError) as refused:
        add_twice(system)
    assert refused.value.code == "conflict"
    with engine.connect() as conn:
        assert conn.execute(select(s.doc_sequence).where(s.doc_sequence.c.doc_type == "zz")).all() == []
        with pytest.raises(IntegrityError):
            duplicate.many(conn, [{"doc_type": "so", "prefix": "X-"}, {"doc_type": "so", "prefix": "X-"}])
        conn.rollback()


def test_statements_without_a_transaction_join_one_like_execute(backend: str, engine: Engine) -> None:
    with engine.connect() as conn:
        sequence = Prepared(insert(s.doc_sequence), columns=("doc_type", "prefix"))
        sequence.many(conn, [{"doc_type": "tmp", "prefix": "T"}])
        assert conn.in_transaction()
        conn.rollback()
        assert conn.execute(select(s.doc_sequence.c.prefix).where(s.doc_sequence.c.doc_type == "tmp")).all() == []


def test_expanding_in_lists_and_more_rows_than_expected() -> None:
    engine = create_engine("sqlite://")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("code", String(10)))
    table.create(engine)
    with engine.begin() as conn:
        Prepared(insert(table), columns=("id", "code")).many(conn, [{"id": n, "code": f"c{n}"} for n in range(5)])
        expanding = Prepared(select(table.c.code).where(table.c.id.in_(bindparam("ids", expanding=True))))
        assert expanding.rows(conn, {"ids": [1, 3]}) == [("c1",), ("c3",)]  # run through Connection.execute
        assert expanding.rows(conn, {"ids": [4]}) == [("c4",)]
        wanted = [2]
        computed = Prepared(select(table.c.code).where(table.c.id == bindparam("id", callable_=lambda: wanted[0])))
        assert computed.rows(conn) == [("c2",)]
        wanted[0] = 3
        assert computed.rows(conn) == [("c3",)]  # computed on each run, not frozen when compiled
        every = Prepared(select(table.c.code))
        with pytest.raises(Exception, match="Multiple rows"):
            every.one_or_none(conn)
        with pytest.raises(KeyError):
            Prepared(select(table).where(table.c.id == bindparam("wanted"))).rows(conn, {})
        with pytest.raises(ValueError, match="expected values for id, code"):  # not silently dropped
            Prepared(insert(table), columns=("id", "code")).many(conn, [{"id": 9, "code": "x", "colour": "red"}])


def test_a_default_that_needs_an_execution_context_is_refused() -> None:
    engine = create_engine("sqlite://")
    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("stamp", String(30), default=lambda: dt.datetime.now().isoformat()),
    )
    table.create(engine)
    with engine.begin() as conn, pytest.raises(ValueError, match="stamp"):
        Prepared(insert(table), columns=("id",)).many(conn, [{"id": 1}])
