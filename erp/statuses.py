"""What a stored status code is called on screen, in the user's language.

Documents store their status as a code ("draft", "partially_shipped"): the code is what services compare, what
CSV files and the warehouse carry. People read a label instead; this is the one table of those labels, used by
every list, header and message that shows a status (downloads keep the codes).
"""

from __future__ import annotations

from typing import Any

from erp.fields import N_
from erp.i18n import t

STATUS_LABELS: dict[str, str] = {
    # shared by many documents
    "draft": N_("Draft"),
    "open": N_("Open"),
    "approved": N_("Approved"),
    "active": N_("Active"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
    "completed": N_("Completed"),
    "posted": N_("Posted"),
    "received": N_("Received"),
    "resolved": N_("Resolved"),
    "planned": N_("Planned"),
    # sales, procurement, contracts, budgets
    "accepted": N_("Accepted"),
    "partially_shipped": N_("Partially shipped"),
    "shipped": N_("Shipped"),
    "partially_paid": N_("Partially paid"),
    "paid": N_("Paid"),
    "partially_ordered": N_("Partially ordered"),
    "ordered": N_("Ordered"),
    "partially_received": N_("Partially received"),
    "held": N_("Held"),
    "expired": N_("Expired"),
    "terminated": N_("Terminated"),
    "superseded": N_("Superseded"),
    # production
    "released": N_("Released"),
    # HR
    "requested": N_("Requested"),
    "rejected": N_("Rejected"),
    "taken": N_("Taken"),
    "filled": N_("Filled"),
    "applied": N_("Applied"),
    "screening": N_("Screening"),
    "interviewing": N_("Interviewing"),
    "offered": N_("Offered"),
    "hired": N_("Hired"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "scheduled": N_("Scheduled"),
    "enrolled": N_("Enrolled"),
    "attended": N_("Attended"),
    "absent": N_("Absent"),
    "calculated": N_("Calculated"),
    # customer service
    "diagnosed": N_("Diagnosed"),
    "repairing": N_("Being repaired"),
    "done": N_("Done"),
    "returned": N_("Returned"),
    "inspected": N_("Inspected"),
    "investigating": N_("Investigating"),
    "restock": N_("Restock"),
    "scrap": N_("Scrap"),
    # IT
    "new": N_("New"),
    "assigned": N_("Assigned"),
    "in_progress": N_("In progress"),
    "in_stock": N_("In stock"),
    "in_use": N_("In use"),
    "in_repair": N_("In repair"),
    "retired": N_("Retired"),
    # alerts
    "acknowledged": N_("Acknowledged"),
}

PERIOD_STATUS_LABELS: dict[str, str] = {"open": N_("Open for posting"), "closed": N_("Closed for posting")}
"""An accounting period's status reads apart from a document's: a closed period is 已结账 (closed for posting),
a closed order 已关闭."""

# Columns of lists and headers whose values are status codes.
STATUS_COLUMNS = frozenset({"status", "order_status", "inspection"})


def status_label(code: Any, labels: dict[str, str] = STATUS_LABELS) -> str:
    """The label of a status code in the current language; an unknown code is shown as it is stored."""
    if code is None or code == "":
        return ""
    label = labels.get(str(code))
    return t(label) if label is not None else str(code)


def labelled(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its status columns as labels (for showing it; never for a download)."""
    return {k: status_label(v) if k in STATUS_COLUMNS and v is not None else v for k, v in row.items()}
