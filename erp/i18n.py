"""The one translation function. Messages are written in English and looked up in a catalog per language.

``t("Item {code} not found", code="X")`` returns the text in the current language with fields filled in.
The current language comes from a context variable (set per signed-in user), else ERP_LANG, else LANG.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
_LOCALE_DIR = Path(__file__).parent / "locales"
_current: ContextVar[str | None] = ContextVar("erp_language", default=None)


def normalize_language(value: str | None) -> str:
    """Map 'zh', 'zh_CN.UTF-8', 'zh-Hans' ... to 'zh_CN'; anything else to 'en'."""
    if value and value.lower().replace("-", "_").startswith("zh"):
        return "zh_CN"
    return "en"


def current_language() -> str:
    lang = _current.get()
    if lang:
        return lang
    return normalize_language(os.environ.get("ERP_LANG") or os.environ.get("LANG"))


def set_language(lang: str) -> None:
    _current.set(normalize_language(lang))


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = _current.set(normalize_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


@cache
def catalog(lang: str) -> dict[str, str]:
    path = _LOCALE_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def t(message: str, /, **fields: object) -> str:
    """Translate ``message`` into the current language and fill in ``fields``."""
    text = catalog(current_language()).get(message, message)
    return text.format(**fields) if fields else text


def localized_name(name: str, name_en: str | None) -> str:
    """Reference data carries a local name and an optional English one; show the one that fits."""
    if current_language() == "en" and name_en:
        return name_en
    return name
