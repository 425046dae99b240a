"""Economic order quantity: a suggestion for an item's FOQ lot size."""

from __future__ import annotations

import math

from erp.errors import FieldError, ServiceError
from erp.i18n import t


def eoq(annual_demand: float, order_cost: float, holding_cost_per_unit_year: float) -> float:
    """sqrt(2 D S / H): the lot size where yearly ordering cost equals yearly holding cost.

    Zero demand suggests a lot of 0 (nothing to order). Negative inputs, and a holding cost of 0 (no finite
    optimum), are refused.
    """
    errors = []
    if not annual_demand >= 0:
        errors.append(FieldError("annual_demand", t("Must not be negative")))
    if not order_cost >= 0:
        errors.append(FieldError("order_cost", t("Must not be negative")))
    if not holding_cost_per_unit_year > 0:
        errors.append(FieldError("holding_cost_per_unit_year", t("Must be above 0")))
    if errors:
        raise ServiceError(errors)
    return math.sqrt(2.0 * annual_demand * order_cost / holding_cost_per_unit_year)
