"""The Streamlit app through AppTest: sign-in, who sees which page, and the generated master-data forms."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Error, Node

from erp import schema as s
from erp.serve import Service, run_services
from erp.services.base import Session
from erp.services.users import set_active
from tests.conftest import PASSWORD

APP = "../apps/main.py"  # AppTest resolves it against this file
ALL_PAGES = (
    "home",
    "items",
    "work_centers",
    "customers",
    "suppliers",
    "employees",
    "accounts",
    "locations",
    "users",
    "audit",
)
# What each role opens, read off seeds/role_permissions.csv by hand (not from the app's own page table).
ROLE_PAGES = {
    "sales": {"home", "customers"},
    "planner": {"home", "items", "work_centers"},
    "finance": {"home", "accounts", "locations", "customers", "suppliers"},
    "hr": {"home", "employees"},
    "it": {"home", "users", "audit"},
}
NEW_ITEM = "items:new:0:new"  # widget-key prefix of the empty item form


def signed_in(username: str, password: str = PASSWORD, language: str | None = "en") -> AppTest:
    """An app signed in as ``username``; ``language`` stands for a choice made on the sign-in page (None: none)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if language:
        at.session_state["erp_language"] = language
        at.session_state["erp_language_chosen"] = True
    at.run()
    at.text_input(key="sign_in:username").input(username)
    at.text_input(key="sign_in:password").input(password)
    at.button[0].click()
    at.run()
    return at


def open_page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"workspaces/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def walk(block: Block) -> Iterator[Block]:
    yield block
    for child in block.children.values():
        if isinstance(child, Block):
            yield from walk(child)


def errors_beside(at: AppTest, key: str) -> list[str]:
    """The error messages drawn right under the widget with ``key`` (before the next widget)."""
    for block in walk(at.main):
        children: list[Node] = list(block.children.values())
        for i, child in enumerate(children):
            if getattr(child, "key", None) == key:
                messages = []
                for after in children[i + 1 :]:
                    if not isinstance(after, Error):
                        break
                    messages.append(after.value)
                return messages
    raise AssertionError(f"no widget {key}")


def item_codes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(s.item.c.item_code)).scalars())


def test_sign_in_language_and_every_page_for_admin(sample: Session) -> None:
    at = signed_in("admin", "not-the-password", language=None)
    assert [e.value for e in at.error] == ["Wrong user name or password, or the account is disabled."]
    assert "erp_actor" not in at.session_state
    with pytest.raises(ValueError):
        at.switch_page("workspaces/items.py")

    at.text_input(key="sign_in:password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.error
    assert any("`admin`" in m.value for m in at.sidebar.markdown)
    # The session takes the user's own language (zh_CN for admin) until the switch changes it.
    assert at.session_state["erp_language"] == "zh_CN"
    assert open_page(at, "customers").title[0].value == "客户"
    at.sidebar.selectbox(key="erp_language:sidebar").select("en")
    at.run()
    assert at.title[0].value == "Customers"

    for name in ALL_PAGES:
        open_page(at, name)
        assert not at.error, (name, [e.value for e in at.error])
    assert at.title[0].value == "Audit log"


def test_each_role_gets_only_its_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    for role, pages in ROLE_PAGES.items():
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        for name in ALL_PAGES:
            if name in pages:
                open_page(at, name)
                assert not at.error, (role, name, [e.value for e in at.error])
            else:
                with pytest.raises(ValueError):
                    at.switch_page(f"workspaces/{name}.py")


def test_item_form_refuses_bad_input_beside_its_fields_then_saves(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    make_user("planner1", "planner")
    at = open_page(signed_in("planner1"), "items")
    before = item_codes(sample.engine)
    at.text_input(key=f"{NEW_ITEM}:item_code").input("RM-NEW-1")
    at.selectbox(key=f"{NEW_ITEM}:item_type").select("buy")
    at.selectbox(key=f"{NEW_ITEM}:uom").select("EA")
    at.text_input(key=f"{NEW_ITEM}:lead_time_days").input("soon")
    at.button(key=f"FormSubmitter:{NEW_ITEM}-Create").click()
    at.run()
    assert not at.exception
    assert errors_beside(at, f"{NEW_ITEM}:description") == ["is required"]
    assert errors_beside(at, f"{NEW_ITEM}:lead_time_days") == ["must be a whole number"]
    assert errors_beside(at, f"{NEW_ITEM}:item_code") == []
    assert at.text_input(key=f"{NEW_ITEM}:lead_time_days").value == "soon"
    assert at.text_input(key=f"{NEW_ITEM}:item_code").value == "RM-NEW-1"
    assert item_codes(sample.engine) == before

    at.text_input(key=f"{NEW_ITEM}:description").input("Gasket 垫片")
    at.text_input(key=f"{NEW_ITEM}:lead_time_days").input("12")
    at.button(key=f"FormSubmitter:{NEW_ITEM}-Create").click()
    at.run()
    assert not at.exception
    assert "Saved RM-NEW-1." in [m.value for m in at.success]
    with sample.engine.connect() as conn:
        row = conn.execute(select(s.item).where(s.item.c.item_code == "RM-NEW-1")).mappings().one()
    assert (row["item_type"], row["lead_time_days"], row["description"]) == ("buy", 12, "Gasket 垫片")
    assert at.text_input(key="items:new:1:new:item_code").value == ""  # an empty form for the next item
    assert "RM-NEW-1" in set(at.dataframe[0].value["Item code"])


def test_bom_tree_where_used_and_a_circular_line_refused(sample: Session) -> None:
    at = open_page(signed_in("admin"), "items")
    at.selectbox(key="items:bom:choice").select("SA-MOTOR-1")
    at.run()
    assert not at.exception
    tables = [df.value for df in at.dataframe]
    components = next(t for t in tables if "Component item" in t.columns)
    used_in = next(t for t in tables if list(t.columns) == ["Level", "Item code", "Description"])
    assert "RM-STATOR" in set(components["Component item"].str.strip("· "))
    assert "FG-PUMP-100" in set(used_in["Item code"])
    form = "items:bom:SA-MOTOR-1:new:0:new"
    at.selectbox(key=f"{form}:component_item").select("FG-PUMP-100")
    at.text_input(key=f"{form}:qty_per").input("1")
    at.button(key=f"FormSubmitter:{form}-Create").click()
    at.run()
    assert errors_beside(at, f"{form}:component_item") == ["would make the bill of materials circular"]


def test_session_times_out_and_disabled_user_is_signed_out(
    sample: Session, make_user: Callable[..., Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERP_SESSION_TIMEOUT_MINUTES", "5")
    make_user("clerk", "sales")
    at = signed_in("clerk")
    at.session_state["erp_last_seen"] = time.time() - 6 * 60
    at.run()
    assert "erp_actor" not in at.session_state
    assert [m.value for m in at.info] == ["You were signed out after 5 minutes without activity."]

    at.text_input(key="sign_in:username").input("clerk")
    at.text_input(key="sign_in:password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert "erp_actor" in at.session_state
    set_active(sample, "clerk", False)
    at.run()
    assert "erp_actor" not in at.session_state
    assert [m.value for m in at.info] == ["Your account has been disabled."]


def test_admin_adds_a_user_and_sees_field_errors(sample: Session) -> None:
    at = open_page(signed_in("admin"), "users")
    form = "users:add:0:new"
    at.text_input(key=f"{form}:username").input("new user!")
    at.text_input(key=f"{form}:password").input("short")
    at.button(key=f"FormSubmitter:{form}-Create").click()
    at.run()
    assert errors_beside(at, f"{form}:username") == ["must be 2-80 letters, digits or . _ @ -"]
    assert errors_beside(at, f"{form}:roles") == ["at least one role is required"]
    assert errors_beside(at, f"{form}:password")
    at.text_input(key=f"{form}:username").input("li.wei")
    at.text_input(key=f"{form}:password").input(PASSWORD)
    at.multiselect(key=f"{form}:roles").select("sales")
    at.button(key=f"FormSubmitter:{form}-Create").click()
    at.run()
    assert "Created the user li.wei." in [m.value for m in at.success]

    at.selectbox(key="users:change:who").select("li.wei")
    at.run()
    at.button(key="users:active:li.wei:0:new:toggle").click()
    at.run()
    assert "li.wei is now disabled." in [m.value for m in at.success]
    password_form = "users:password:li.wei:0:new"
    at.text_input(key=f"{password_form}:password").input("short")
    at.button(key=f"FormSubmitter:{password_form}-Reset password").click()
    at.run()
    assert errors_beside(at, f"{password_form}:password") == ["must be at least 8 characters"]
    with sample.engine.connect() as conn:
        active = conn.execute(select(s.app_user.c.active).where(s.app_user.c.username == "li.wei")).scalar_one()
    assert active is False
    open_page(at, "audit")
    at.selectbox(key="audit:entity").select("app_user")
    at.run()
    latest = at.dataframe[0].value.iloc[0]
    at.selectbox(key="audit:chosen").select(int(latest["No."]))
    at.run()
    assert not at.exception
    assert at.json[1].value  # the "after" state of the new user


def test_serve_stops_every_service_when_one_ends(tmp_path: Path) -> None:
    """`erp serve` never leaves a server running alone: one ending stops the rest, and its exit code is returned."""
    marker = tmp_path / "sleeper.pid"
    write_pid_then_sleep = (
        f"import os, time\nopen({str(marker)!r} + '.tmp', 'w').write(str(os.getpid()))\n"
        f"os.replace({str(marker)!r} + '.tmp', {str(marker)!r})\ntime.sleep(60)"
    )
    wait_then_quit = (
        f"import os, time\nwhile not os.path.exists({str(marker)!r}): time.sleep(0.05)\nraise SystemExit(3)"
    )
    sleeper = Service("sleeper", [sys.executable, "-c", write_pid_then_sleep], "-")
    quitter = Service("quitter", [sys.executable, "-c", wait_then_quit], "-")
    started = time.monotonic()
    assert run_services([sleeper, quitter], poll_seconds=0.1) == 3
    assert time.monotonic() - started < 30
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
