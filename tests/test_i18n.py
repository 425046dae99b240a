"""Every user-facing message is translated into Simplified Chinese, and the language follows the user."""

from __future__ import annotations

from erp.fields import Int
from erp.i18n import language, normalize_language, t
from erp.i18n_catalog import messages, missing, unused
from erp.statuses import PERIOD_STATUS_LABELS, status_label


def test_every_message_has_a_chinese_translation() -> None:
    assert messages(), "no messages found: the extractor is broken"
    gaps = missing("zh_CN")
    assert not gaps, "untranslated (run `python -m erp.i18n_catalog`):\n" + "\n".join(
        f"{m!r} at {w}" for m, w in gaps.items()
    )


def test_catalog_has_no_stale_entries() -> None:
    assert unused("zh_CN") == []


def test_translation_follows_language_and_fills_fields() -> None:
    with language("zh_CN"):
        assert t("{value} does not exist", value="EA") == "EA 不存在"
    with language("en"):
        assert t("{value} does not exist", value="EA") == "EA does not exist"
    assert normalize_language("zh_CN.UTF-8") == "zh_CN" and normalize_language("en_US") == "en"


def test_field_errors_come_in_the_users_language() -> None:
    field = Int("lead_time_days", "Lead time (days)", min_value=0)
    with language("zh_CN"):
        try:
            field.parse("abc", None)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001
            assert str(exc) == "必须是整数"


def test_a_closed_period_reads_apart_from_a_closed_document() -> None:
    with language("zh_CN"):
        assert status_label("closed") == "已关闭"
        assert status_label("closed", PERIOD_STATUS_LABELS) == "已结账"
        assert status_label("open", PERIOD_STATUS_LABELS) == "未结账"
        assert status_label("unknown_code", PERIOD_STATUS_LABELS) == "unknown_code"
