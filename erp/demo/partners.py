"""Customers and suppliers of the demo company, as ``customers`` and ``suppliers`` import rows.

Most customers are Chinese utilities, distributors, contractors and plants in east China; a few are
export customers billed in EUR or USD. Suppliers are grouped by what they sell, so the procurement
stage can buy each item from a supplier of its category.
"""

from __future__ import annotations

import random
import string
from typing import Any

from erp.demo.names import (
    BRAND_CHARS,
    CITIES,
    CUSTOMER_SEGMENTS,
    DISTRICT_WORDS,
    EXPORT_COUNTRIES,
    EXPORT_TRADES,
    EXPORT_WORDS,
    FOREIGN_SUPPLIERS,
    ROAD_WORDS,
    SUPPLIER_GROUPS,
    city_codes,
)

CUSTOMERS_PER_SCALE = 300
SUPPLIERS_PER_SCALE = 80
EXPORT_SHARE = 0.08
EXPORT_STREETS = ("Harbour Road", "Industrial Avenue", "Main Street", "Commerce Park")

# Unified social credit code (GB 32100-2015): 18 characters with a check character.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(rng: random.Random, region: str) -> str:
    """A well-formed (invented) unified social credit code of a company registered in ``region``."""
    org = "".join(rng.choice(_USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    body = "91" + region + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def _weighted(rng: random.Random, options: list[Any], weights: list[float]) -> Any:
    return rng.choices(options, weights=weights, k=1)[0]


def _brand(rng: random.Random) -> str:
    return "".join(rng.sample(BRAND_CHARS, 2))


def _address(rng: random.Random, city: str) -> str:
    return f"{city}市{rng.choice(DISTRICT_WORDS)}{rng.choice(ROAD_WORDS)}{rng.randint(1, 999)}号"


def _phone(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"


def _slug(rng: random.Random, n: int = 6) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))


def _unique(name: str, taken: set[str]) -> str:
    """Company names are unique in the register: a second 恒达 gets a branch suffix."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = name.replace("有限公司", f"({n})有限公司") if "有限公司" in name else f"{name} ({n})"
    taken.add(candidate)
    return candidate


def generate_customers(rng: random.Random, scale: float) -> list[dict[str, Any]]:
    n = max(5, round(CUSTOMERS_PER_SCALE * scale))
    n_export = max(1, round(n * EXPORT_SHARE))
    cities = [c[0] for c in CITIES]
    city_weights = [c[3] for c in CITIES]
    exporters = set(rng.sample(range(n), n_export))
    taken: set[str] = set()
    rows = []
    for i in range(n):
        code = f"C{10001 + i}"
        if i in exporters:
            rows.append(_export_customer(rng, code, taken))
            continue
        group, patterns, _w, terms, (low, high) = _weighted(
            rng, list(CUSTOMER_SEGMENTS), [s[2] for s in CUSTOMER_SEGMENTS]
        )
        city = _weighted(rng, cities, city_weights)
        region, area = city_codes(city)
        name = _unique(rng.choice(patterns).format(city=city, brand=_brand(rng)), taken)
        limit = round(rng.uniform(low, high), -4)
        rows.append(
            {
                "code": code,
                "name": name,
                "tax_id": credit_code(rng, region),
                "address": _address(rng, city),
                "country": "CN",
                "phone": _phone(rng, area),
                "email": f"purchasing@{_slug(rng)}.example.cn",
                "currency": "CNY",
                "payment_terms_days": str(rng.choice(terms)),
                "customer_group": group,
                "credit_limit": f"{limit:.0f}",
            }
        )
    return rows


def _export_customer(rng: random.Random, code: str, taken: set[str]) -> dict[str, Any]:
    country, currency, suffix, prefix = rng.choice(EXPORT_COUNTRIES)
    words = f"{rng.choice(EXPORT_WORDS)} {rng.choice(EXPORT_TRADES)}"
    name = _unique(f"{suffix} {words}" if suffix == "PT" else f"{words} {suffix}", taken)
    slug = words.split()[0].lower()
    return {
        "code": code,
        "name": name,
        "tax_id": f"{country}{rng.randint(100_000_000, 999_999_999)}",
        "address": f"{rng.randint(1, 250)} {rng.choice(EXPORT_STREETS)}, {country}",
        "country": country,
        "phone": f"{prefix}-{rng.randint(10, 99)}-{rng.randint(1_000_000, 9_999_999)}",
        "email": f"orders@{slug}-{_slug(rng, 3)}.example.com",
        "currency": currency,
        "payment_terms_days": str(rng.choice((30, 45, 60))),
        "customer_group": "export",
        "credit_limit": f"{round(rng.uniform(50_000, 400_000), -3):.0f}",
    }


def generate_suppliers(rng: random.Random, scale: float) -> list[dict[str, Any]]:
    n = max(len(SUPPLIER_GROUPS), round(SUPPLIERS_PER_SCALE * scale))
    foreign = list(FOREIGN_SUPPLIERS[: max(0, min(len(FOREIGN_SUPPLIERS), round(n / 20)))])
    n_domestic = n - len(foreign)
    weights = [g[1] for g in SUPPLIER_GROUPS]
    counts = [max(1, round(n_domestic * w / sum(weights))) for w in weights]
    while sum(counts) > n_domestic:  # trim the largest groups until the total fits
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < n_domestic:
        counts[counts.index(min(counts))] += 1
    taken: set[str] = set()
    rows: list[dict[str, Any]] = []
    for (group, _w, patterns, towns, terms), count in zip(SUPPLIER_GROUPS, counts, strict=True):
        for _ in range(count):
            town = rng.choice(towns)
            region, area = city_codes(town)
            name = _unique(rng.choice(patterns).format(city=town, brand=_brand(rng)), taken)
            rows.append(
                {
                    "code": "",
                    "name": name,
                    "tax_id": credit_code(rng, region),
                    "address": _address(rng, town),
                    "country": "CN",
                    "phone": _phone(rng, area),
                    "email": f"sales@{_slug(rng)}.example.cn",
                    "currency": "CNY",
                    "payment_terms_days": str(rng.choice(terms)),
                    "supplier_group": group,
                }
            )
    for country, currency, group, name in foreign:
        rows.append(
            {
                "code": "",
                "name": name,
                "tax_id": f"{country}{rng.randint(100_000_000, 999_999_999)}",
                "address": country,
                "country": country,
                "phone": "",
                "email": f"export@{_slug(rng)}.example.com",
                "currency": currency,
                "payment_terms_days": "60",
                "supplier_group": group,
            }
        )
    for i, row in enumerate(rows):
        row["code"] = f"S{20001 + i}"
    return rows
