"""A document's references are looked up once for all its lines, with the same answers as field by field."""

from __future__ import annotations

import pytest

from erp.services import sales
from erp.services.base import Session
from erp.services.documents import validate_document

pytestmark = pytest.mark.portable

ORDER = {
    "customer": " C-1002 ",
    "order_date": "2026/03/05",
    "promised_date": "2026-03-20",
    "reference": "",
    "lines": [
        {"item": "RM-SEAL", "quantity": "1,000", "discount_pct": "2.5"},
        {"item": "NOPE", "quantity": "0"},
        {"item": "", "quantity": "x", "colour": "red"},
        {"item": "FG-PUMP-100", "quantity": "3", "unit_price": "", "promised_date": "2026-04-01"},
    ],
}


def test_looked_up_references_validate_like_fields(backend: str, sample: Session) -> None:
    with sample.read() as conn:
        header, lines, errors = validate_document(conn, sales.ORDER_HEADER, sales.SALES_LINE, ORDER)
        one_by_one = sales.ORDER_HEADER.validate({k: v for k, v in ORDER.items() if k != "lines"}, conn)
        each_line = [sales.SALES_LINE.validate(line, conn) for line in ORDER["lines"]]
    assert (header, []) == one_by_one
    assert lines == [values for values, _ in each_line]
    field_by_field = [(f"lines[{n}].{e.field}", e.message) for n, (_, bad) in enumerate(each_line, 1) for e in bad]
    assert [(e.field, e.message) for e in errors] == field_by_field
    assert [(e.field, e.message) for e in errors] == [
        ("lines[2].item", "NOPE does not exist"),
        ("lines[2].quantity", "must be greater than zero"),
        ("lines[3].colour", "is not a known field"),
        ("lines[3].item", "is required"),
        ("lines[3].quantity", "must be a number"),
    ]
    assert header["reference"] is None and lines[0]["discount_pct"] == 2.5 and lines[3]["unit_price"] is None
