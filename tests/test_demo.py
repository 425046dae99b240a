"""`erp demo` stage 1: the demo company's master data is deterministic, scales, and obeys every rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from graphlib import TopologicalSorter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from erp import schema as s
from erp.cli import main
from erp.config import PROJECT_ROOT
from erp.db import make_engine
from erp.demo.generator import generate_master_data
from erp.demo.people import DEMO_USERS
from erp.demo.stages import run_demo
from erp.errors import ServiceError
from erp.services.base import Session
from erp.services.users import authenticate

AS_OF = dt.date(2026, 6, 30)
DEMO_PASSWORD = (PROJECT_ROOT / "seeds" / "demo-admin-password.txt").read_text(encoding="utf-8").strip()


def test_generation_is_deterministic_for_a_seed() -> None:
    first = generate_master_data(7, 0.1, AS_OF)
    again = generate_master_data(7, 0.1, AS_OF)
    other = generate_master_data(8, 0.1, AS_OF)
    assert first.rows == again.rows and first.users == again.users
    assert first.annual_demand == again.annual_demand
    assert first.rows["items"] != other.rows["items"]
    assert first.rows["customers"] != other.rows["customers"]
    assert first.rows["employees"] != other.rows["employees"]


def test_scale_one_has_the_documented_volume_and_counts_grow_linearly() -> None:
    one = generate_master_data(1, 1, AS_OF).counts()
    fg = sum(1 for row in generate_master_data(1, 1, AS_OF).rows["items"] if row["item_code"].startswith("FG-"))
    assert fg == 150
    assert 1300 <= one["items"] - fg <= 1800  # purchased and made components
    assert (one["customers"], one["suppliers"], one["employees"], one["users"]) == (300, 80, 150, len(DEMO_USERS))
    small, double = generate_master_data(1, 0.25, AS_OF).counts(), generate_master_data(1, 0.5, AS_OF).counts()
    for name in ("customers", "suppliers", "employees"):
        assert double[name] == pytest.approx(2 * small[name], rel=0.1), name
    for name in ("items", "bom", "routings"):  # shared parts make these grow a little slower than linearly
        assert 1.5 * small[name] <= double[name] <= 2.1 * small[name], name


def test_bad_options_and_used_stores_are_refused(sample: Session) -> None:
    with pytest.raises(ServiceError) as exc:
        run_demo(sample, seed=1, scale=0, as_of=AS_OF, password="short")
    assert exc.value.for_field("scale") and exc.value.for_field("password")
    with pytest.raises(ServiceError, match="already holds data") as exc:  # seeds/sample is loaded
        run_demo(sample, seed=1, scale=0.05, as_of=AS_OF, password=DEMO_PASSWORD)
    assert "item" in str(exc.value) and "customer" in str(exc.value)
    with sample.read() as conn:
        assert conn.execute(select(func.count()).select_from(s.item)).scalar() == 12


def test_cli_refuses_an_uninitialised_store(erp_home: Path) -> None:
    with pytest.raises(SystemExit, match="erp init"):
        main(["demo", "--scale", "0.05"])


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A store initialised by `erp init` and filled by `erp demo --scale 0.05`, shared by this module's tests."""
    home = tmp_path_factory.mktemp("demo")
    password = home / "pw.txt"
    password.write_text("first-admin-pass\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home / "store"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        assert main(["init", "--company", "华东泵业有限公司", "--admin-password-file", str(password)]) == 0
        assert main(["demo", "--scale", "0.05", "--seed", "11", "--as-of", AS_OF.isoformat()]) == 0
        engine = make_engine()
        yield engine
        engine.dispose()


def _bom_graph(engine: Engine) -> tuple[dict[str, list[str]], dict[str, dict[str, object]]]:
    with engine.connect() as conn:
        items = {r["item_code"]: dict(r) for r in conn.execute(select(s.item)).mappings()}
        code = {r["id"]: r["item_code"] for r in items.values()}
        children: dict[str, list[str]] = defaultdict(list)
        for parent, comp in conn.execute(select(s.bom_line.c.parent_item_id, s.bom_line.c.component_item_id)):
            children[code[parent]].append(code[comp])
    return children, items


def test_demo_store_holds_every_invariant(demo_store: Engine) -> None:
    expected = generate_master_data(11, 0.05, AS_OF)
    children, items = _bom_graph(demo_store)
    assert len(items) == len(expected.rows["items"])
    assert sorted(items) == sorted(r["item_code"] for r in expected.rows["items"])

    # Acyclic, and every finished good is 3 to 6 levels deep.
    list(TopologicalSorter({p: set(c) for p, c in children.items()}).static_order())
    levels: dict[str, set[int]] = defaultdict(set)  # component -> levels it is used at, over all products

    def depth(code: str, level: int = 0) -> int:
        """Levels below ``code`` (0 for a purchased part), noting the level each component is used at."""
        levels[code].add(level)
        below = [depth(c, level + 1) for c in children.get(code, [])]
        return 1 + max(below) if below else 0

    finished = [c for c in items if c.startswith("FG-")]
    assert finished
    for fg in finished:
        assert 3 <= depth(fg) <= 6, fg

    # Components are shared: by several finished goods, and at different levels.
    used_by: dict[str, set[str]] = defaultdict(set)

    def collect(root: str, code: str) -> None:
        for c in children.get(code, []):
            used_by[c].add(root)
            collect(root, c)

    for fg in finished:
        collect(fg, fg)
    assert any(len(roots) >= 3 for code, roots in used_by.items() if code.startswith("SA-"))
    assert any(len(levels[c]) >= 2 for c in items if c.startswith(("FS-", "BR-")))

    # Make items have a bill and a routing, buy items a cost and none; nothing is an orphan.
    with demo_store.connect() as conn:
        routed = {
            r[0]
            for r in conn.execute(
                select(s.item.c.item_code).join(s.routing_step, s.routing_step.c.item_id == s.item.c.id)
            )
        }
        audit = conn.execute(
            select(func.count()).select_from(s.audit_log).where(s.audit_log.c.entity == "item")
        ).scalar()
    assert audit == len(items)  # every item went through the service layer
    for code, item in items.items():
        if item["item_type"] == "make":
            assert children.get(code) and code in routed, code
        else:
            assert not children.get(code) and item["standard_cost"] > 0, code
        if not code.startswith("FG-"):
            assert used_by.get(code), f"{code} is in no bill of materials"
    assert {i["lot_sizing"] for i in items.values()} == {"L4L", "FOQ", "POQ"}
    assert {i["abc_class"] for i in items.values()} == {"A", "B", "C"}


def test_demo_people_partners_and_users(demo_store: Engine) -> None:
    with demo_store.connect() as conn:
        employees = [dict(r) for r in conn.execute(select(s.employee)).mappings()]
        customers = [dict(r) for r in conn.execute(select(s.customer)).mappings()]
        for username, role, _dept in DEMO_USERS:
            actor = authenticate(conn, username, DEMO_PASSWORD)
            assert actor is not None and role in actor.roles, username
    by_id = {e["id"]: e for e in employees}
    roots = [e for e in employees if e["manager_id"] is None]
    assert len(roots) == 1 and roots[0]["position"] == "总经理"
    for e in employees:
        seen, boss = set(), e
        while boss["manager_id"] is not None:  # every chain ends at the general manager, without loops
            assert boss["id"] not in seen
            seen.add(boss["id"])
            boss = by_id[boss["manager_id"]]
            assert boss["active"], f"{e['employee_code']} reports to someone who left"
        assert boss is roots[0] and e["cost_center_id"] is not None and e["hire_date"] <= AS_OF
    assert "CNY" in {c["currency"] for c in customers} and {c["currency"] for c in customers} & {"EUR", "USD"}
    assert len({c["tax_id"] for c in customers}) == len(customers)


def test_demo_store_is_not_generated_twice(demo_store: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(Path(str(demo_store.url.database)).parent))
        mp.setenv("ERP_LANG", "en")
        assert main(["demo", "--scale", "0.05"]) == 1
        assert "already holds data" in capsys.readouterr().err
        assert main(["demo", "--scale", "0.05", "--if-empty"]) == 0
        assert "was not generated" in capsys.readouterr().out
    with demo_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.app_user)).scalar() == 1 + len(DEMO_USERS)
