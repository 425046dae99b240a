"""IT history of the demo: the hardware (PCs, servers, printers and network gear), the software on it with its
licences, versions and monthly patches, and two years of help-desk tickets against their service levels.

The devices in use at the start of the history were bought in the years before it, with their software
installed then; spare PCs go to new hires on their first day and replace the oldest PCs as they are retired.
Patches are rolled out a week or two after release, so the newest are pending on the as-of date; the last
critical operating-system patch reached only part of the fleet and the firewall's latest firmware fix is
still not installed weeks after release, so patch alerts have something overdue to show. One design licence
has expired. Most tickets are answered and resolved in time, some late; the newest are still open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from erp.demo.pay_scale import Person
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, add_months, next_working_day, sla_moment
from erp.services.helpdesk import (
    assign_ticket,
    close_ticket,
    raise_ticket,
    rate_ticket,
    reopen_ticket,
    resolve_ticket,
    start_ticket,
)
from erp.services.it_assets import (
    application_actions,
    assign_asset,
    back_from_repair,
    install_application,
    log_maintenance,
    patch_actions,
    register_asset,
    retire_asset,
    roll_out_patch,
    send_to_repair,
    upgrade_application,
)

SHOP_FLOOR = frozenset({"生产部", "仓储物流部", "质量部"})
MOBILE = frozenset({"销售部", "客户服务部", "总经理办公室"})
# Devices beside the PCs at scale 1: (tag prefix, type, name, count, cost, custodian position).
FLEET = (
    ("SRV", "server", "服务器 Server", 4, (38000, 65000)),
    ("FW", "firewall", "防火墙 Firewall", 1, (22000, 22000)),
    ("RT", "router", "出口路由器 Edge router", 1, (9000, 9000)),
    ("SW", "switch", "交换机 Switch", 7, (4500, 28000)),
    ("AP", "access_point", "无线AP Wireless access point", 10, (1800, 2200)),
    ("PR", "printer", "打印机 Printer", 6, (3500, 12000)),
)
LAPTOP, DESKTOP = (6500, 9000), (4500, 6500)
WARRANTY_YEARS = 3
RETIRE_AFTER_YEARS = 5.5
IN_REPAIR_SHARE = 0.03
# Applications: (code, name, vendor, licence, what it runs on, patch cycle in months, rollout lag days, severity).
APPS = (
    ("WIN11", "Windows 11 专业版 Pro", "Microsoft", "per_seat", "pc", 1, (7, 14), "high"),
    ("M365", "Microsoft 365 商业版 Business", "Microsoft", "per_seat", "pc", 3, (5, 10), "medium"),
    ("WINSRV", "Windows Server 2022", "Microsoft", "per_seat", "server", 1, (14, 21), "critical"),
    ("SWX", "SolidWorks", "Dassault Systemes", "per_seat", "cad", 3, (10, 30), "medium"),
    ("ACAD", "AutoCAD LT", "Autodesk", "per_seat", "cad", 6, (10, 30), "low"),
    ("FORTIOS", "FortiOS 防火墙固件 Firewall firmware", "Fortinet", "free", "firewall", 3, (10, 25), "critical"),
    ("SWOS", "交换机固件 Switch firmware", "H3C", "free", "switch", 6, (20, 40), "medium"),
)
OVERDUE_FIRMWARE_DAYS = 40  # the firewall patch released this long before the as-of date is not installed yet
PARTIAL_ROLLOUT_PCT = 60  # the last critical Windows patch reached this share of the PCs
# Tickets a month at scale 1; categories and priorities by weight; service levels of seeds/service_slas.csv.
TICKETS_PER_MONTH = 4
CATEGORIES = (("hardware", 20), ("software", 25), ("network", 15), ("account", 20), ("printing", 15), ("other", 5))
PRIORITIES = (("low", 25), ("medium", 50), ("high", 20), ("critical", 5))
SLA_HOURS = {"critical": (1, 4), "high": (2, 8), "medium": (8, 24), "low": (24, 72)}
ON_TIME_RESPONSE, ON_TIME_RESOLUTION, REOPENED, RATED = 0.88, 0.82, 0.05, 0.7
RAISERS = ("exec", "finance", "planner", "production", "sales", "procurement", "hr", "hrofficer", "service")
SUBJECTS = {
    "hardware": ("笔记本无法开机 Laptop does not start", "显示器闪烁 Monitor flickering", "键盘失灵 Keyboard failing"),
    "software": ("Office 无法激活 Office will not activate", "制图软件崩溃 CAD crashes", "系统更新失败 Update failed"),
    "network": ("车间无线网络掉线 Shop-floor Wi-Fi drops", "VPN 无法连接 VPN will not connect", "网速慢 Slow network"),
    "account": ("密码重置 Password reset", "新员工开通账号 Account for a new starter", "邮箱已满 Mailbox full"),
    "printing": ("打印机卡纸 Printer jam", "无法打印 Cannot print"),
    "other": ("会议室投影仪 Meeting room projector", "电话分机 Phone extension"),
}


@dataclass
class Device:
    tag: str
    kind: str  # pc, server, firewall, switch, access_point, printer, router
    bought: dt.date
    user: str = ""
    cad: bool = False
    retired: bool = False


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _works_at_a_desk(person: Person) -> bool:
    """Office staff, engineers, foremen and managers get a PC; operators use the shop-floor terminals."""
    return person.department not in SHOP_FLOOR or person.grade in ("G3", "G4", "G5", "G6")


def _mac(rng: random.Random) -> str:
    return "00:1A:2B:" + ":".join(f"{rng.randint(0, 255):02X}" for _ in range(3))


class ItHistory:
    def __init__(
        self,
        users: DemoSessions,
        people: list[Person],
        timeline: Timeline,
        rng_for: Callable[[str], random.Random],
        scale: float,
    ) -> None:
        self.users, self.people, self.timeline, self.scale = users, people, timeline, scale
        self.rng_for = rng_for
        self.it = users["it"]
        self.counts: Counter[str] = Counter()
        self.devices: list[Device] = []

    def _n(self, at_scale_one: int, minimum: int = 1) -> int:
        return max(minimum, round(at_scale_one * self.scale))

    # --- hardware -----------------------------------------------------------------------------------------

    def _register(self, rng: random.Random, device: Device, name: str, cost: float, ip: str = "") -> None:
        row = {
            "asset_tag": device.tag,
            "name": name,
            "asset_type": device.kind if device.kind != "pc" else ("laptop" if "笔记本" in name else "desktop"),
            "serial_no": f"SN{rng.randint(10**9, 10**10 - 1)}",
            "purchase_date": device.bought,
            "purchase_cost": round(cost, -1),
            "warranty_until": add_months(device.bought, 12 * WARRANTY_YEARS),
            "location": "MAIN",
        }
        if ip:
            row |= {"ip_address": ip, "mac_address": _mac(rng)}
        register_asset(self.it, row)
        self.devices.append(device)
        self.counts["it_assets"] += 1

    def hardware(self) -> None:
        rng, start = self.rng_for("it-assets"), self.timeline.start
        staff = [p for p in self.people if p.active and p.code]
        at_start = [p for p in staff if p.hired <= start]
        hires = [p for p in staff if p.hired > start and _works_at_a_desk(p)]
        office = [p for p in at_start if _works_at_a_desk(p)]
        custodian = next((p.code for p in staff if p.position == "系统管理员"), None) or next(
            p.code for p in staff if p.department == "信息技术部"
        )
        cad_people = {p.code for p in office if p.department == "技术研发部"}
        bought = [start - dt.timedelta(days=rng.randint(60, int(365 * 5))) for _ in office]
        retiring = [i for i, day in enumerate(bought) if (self.timeline.as_of - day).days > 365 * RETIRE_AFTER_YEARS]
        spares = len(hires) + len(retiring) + 2
        for n, person in enumerate(office + [None] * spares, start=1):
            mobile = person is not None and (person.department in MOBILE or person.grade in ("G4", "G5", "G6"))
            day = bought[n - 1] if person is not None else start - dt.timedelta(days=rng.randint(30, 300))
            kind_name = "笔记本电脑 Laptop" if mobile else "台式电脑 Desktop"
            device = Device(
                f"PC-{n:04d}", "pc", day, person.code if person else "", bool(person and person.code in cad_people)
            )
            self._register(rng, device, kind_name, rng.uniform(*(LAPTOP if mobile else DESKTOP)))
            if person is not None:
                assign_asset(self.it, device.tag, person.code, max(day, person.hired))
                self.counts["asset_assignments"] += 1
        for prefix, kind, name, count, cost in FLEET:
            for n in range(1, self._n(count) + 1):
                day = start - dt.timedelta(days=rng.randint(90, 365 * 4))
                net = {"server": 1, "printer": 2}.get(kind, 0)
                device = Device(f"{prefix}-{n:02d}", kind, day, custodian)
                self._register(rng, device, name, rng.uniform(*cost), f"10.10.{net}.{len(self.devices) % 250 + 1}")
                assign_asset(self.it, device.tag, custodian, day)
                self.counts["asset_assignments"] += 1

    def changes(self) -> None:
        """New hires get a spare PC; the oldest PCs are retired and their users get a spare; a few go to repair;
        the network gear gets its yearly check."""
        rng, timeline = self.rng_for("it-changes"), self.timeline
        pcs = [d for d in self.devices if d.kind == "pc"]
        spares = [d for d in pcs if not d.user]
        events: list[tuple[dt.date, str, Device, Person | None]] = []
        for person in self.people:
            if person.active and person.code and person.hired > timeline.start and _works_at_a_desk(person):
                events.append((person.hired, "hire", spares.pop(0), person))
        for device in pcs:
            if device.user and (timeline.as_of - device.bought).days > 365 * RETIRE_AFTER_YEARS:
                due = device.bought + dt.timedelta(days=int(365 * RETIRE_AFTER_YEARS))
                events.append((max(due, timeline.start + dt.timedelta(days=30)), "retire", device, None))
        for day, what, device, person in sorted(events, key=lambda e: (e[0], e[2].tag)):
            if what == "hire":
                assert person is not None
                assign_asset(self.it, device.tag, person.code, day)
                device.user = person.code
                self.counts["asset_assignments"] += 1
            else:
                spare = spares.pop(0)
                assign_asset(self.it, spare.tag, device.user, day)
                spare.user, device.user, device.retired = device.user, "", True
                retire_asset(self.it, device.tag, day, "超过使用年限 Past its service life")
                self.counts["asset_assignments"] += 1
                self.counts["assets_retired"] += 1
        span = (timeline.as_of - timeline.start).days
        for device in pcs:
            if device.user and rng.random() < IN_REPAIR_SHARE:
                day = timeline.start + dt.timedelta(days=rng.randint(0, span - 20))
                send_to_repair(self.it, device.tag, day, "主板故障送修 Motherboard fault, sent to the vendor")
                back_from_repair(
                    self.it,
                    device.tag,
                    day + dt.timedelta(days=rng.randint(5, 15)),
                    "更换主板 Board replaced",
                    rng.randint(0, 1200),
                )
                self.counts["asset_repairs"] += 1
        for device in self.devices:
            if device.kind in ("switch", "firewall", "router"):
                for year in timeline.years():
                    day = dt.date(year, 8, 15)
                    if timeline.start <= day <= timeline.as_of:
                        log_maintenance(self.it, device.tag, day, "maintenance", "年度巡检 Yearly inspection")
                        self.counts["asset_maintenance"] += 1

    # --- software -----------------------------------------------------------------------------------------

    def _runs_on(self, device: Device, target: str) -> bool:
        return {
            "pc": device.kind == "pc",
            "cad": device.kind == "pc" and device.cad,
        }.get(target, device.kind == target)

    def software(self) -> None:
        """Applications with their licences, installed on each device when it was bought."""
        timeline = self.timeline
        for code, name, vendor, licence, target, _cycle, _lag, _severity in APPS:
            hosts = [d for d in self.devices if self._runs_on(d, target)]
            row = {"code": code, "name": name, "vendor": vendor, "licence_type": licence}
            if licence == "per_seat":
                row["seats"] = len(hosts) + (5 if target == "pc" else 1)
            if code == "M365":
                row["licence_expires"] = timeline.as_of + dt.timedelta(days=90)
            if code == "ACAD":
                row["licence_expires"] = timeline.as_of - dt.timedelta(days=20)  # the renewal was missed
            application_actions.create(self.it, row)
            self.counts["applications"] += 1
            version = {"WIN11": "23H2", "M365": "2402", "WINSRV": "21H2", "SWX": "2024 SP1", "ACAD": "2024"}.get(
                code, "7.2.5"
            )
            for device in hosts:
                install_application(self.it, device.tag, code, version, device.bought)
                self.counts["installations"] += 1
        upgrade_on = dt.date(timeline.as_of.year, 1, 20)
        for device in self.devices:
            if device.cad and upgrade_on > timeline.start:
                upgrade_application(self.it, device.tag, "SWX", "2025 SP0")
                self.counts["upgrades"] += 1

    def patches(self) -> None:
        """Patches as the vendors released them, rolled out after a lag on the devices that have the software."""
        rng, timeline = self.rng_for("it-patches"), self.timeline
        as_of = timeline.as_of
        rollouts = []
        for code, _name, _vendor, _licence, _target, cycle, lag, severity in APPS:
            month, n = timeline.start, 0
            while month <= as_of:
                released = month.replace(day=1) + dt.timedelta(days=rng.randint(7, 14))
                month = add_months(month, cycle)
                if released > as_of:
                    break
                n += 1
                level = "critical" if code.startswith("WIN") and n % 3 == 0 else severity
                patch = f"{code}-{released:%Y%m}"
                patch_actions.create(
                    self.it,
                    {
                        "application": code,
                        "code": patch,
                        "released_on": released,
                        "severity": level,
                        "description": f"{code} {released:%Y-%m} 安全更新 Security update",
                    },
                )
                self.counts["patches"] += 1
                rollouts.append((released + dt.timedelta(days=rng.randint(*lag)), code, patch, level, released))
        done = [r for r in rollouts if r[0] <= as_of]  # the others are pending, within their rollout time
        critical = [r[2] for r in done if r[1] == "WIN11" and r[3] == "critical"]
        firmware = [r[2] for r in done if r[1] == "FORTIOS" and (as_of - r[4]).days >= OVERDUE_FIRMWARE_DAYS]
        for day, code, patch, _level, _released in sorted(done):
            if code == "FORTIOS" and firmware and patch >= firmware[-1]:
                continue  # the firewall's fixes since this one are overdue
            share = PARTIAL_ROLLOUT_PCT if critical and patch == critical[-1] else 100
            roll_out_patch(self.it, code, patch, next_working_day(day), share)
            self.counts["patch_rollouts"] += 1

    # --- tickets ------------------------------------------------------------------------------------------

    def tickets(self) -> None:
        rng, timeline = self.rng_for("it-tickets"), self.timeline
        n = max(4, round(TICKETS_PER_MONTH * self.scale * len(timeline.months())))
        span = (timeline.as_of - timeline.start).days
        end = dt.datetime.combine(timeline.as_of, dt.time(18))
        by_kind: dict[str, list[str]] = {}
        for device in self.devices:
            if not device.retired:
                by_kind.setdefault(device.kind, []).append(device.tag)
        it = self.it
        for k in range(n):
            day = next_working_day(timeline.start + dt.timedelta(days=int(span * (k + rng.random()) / n)))
            category, priority = _weighted(rng, CATEGORIES), _weighted(rng, PRIORITIES)
            received = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.randint(0, 540))
            if k == n - 1:  # raised this morning, nobody has picked it up: the response is overdue
                category, priority, received = "network", "high", dt.datetime.combine(timeline.as_of, dt.time(9, 5))
            if received > end:
                continue
            raiser = self.users[rng.choice(RAISERS)]
            row = {
                "category": category,
                "priority": priority,
                "subject": rng.choice(SUBJECTS[category]),
                "received_at": received,
            }
            kinds = {"hardware": "pc", "network": "access_point", "printing": "printer"}
            if category in kinds and by_kind.get(kinds[category]):
                row["asset"] = rng.choice(by_kind[kinds[category]])
            if category == "software":
                row["application"] = rng.choice(("WIN11", "M365", "SWX"))
            number = raise_ticket(raiser, row)["number"]
            self.counts["tickets"] += 1
            if k == n - 1:
                continue
            respond_h, resolve_h = SLA_HOURS[priority]
            responded, _ = sla_moment(rng, received, respond_h, ON_TIME_RESPONSE, late=(1.2, 4), on_time=(0.1, 0.9))
            if responded > end:
                continue
            assign_ticket(it, number, "it", responded)
            start_ticket(it, number)
            resolved, late = sla_moment(
                rng, received, resolve_h, ON_TIME_RESOLUTION, late=(1.1, 3), on_time=(0.3, 0.95)
            )
            resolved = max(resolved, responded + dt.timedelta(minutes=20))
            if resolved > end:
                continue
            resolve_ticket(it, number, "已处理 Fixed", resolved)
            if rng.random() < REOPENED:
                reopen_ticket(raiser, number)
                resolved += dt.timedelta(days=rng.randint(1, 3))
                if resolved > end:
                    continue
                resolve_ticket(it, number, "再次处理并确认 Fixed again and confirmed", resolved)
                late = True
            if rng.random() < RATED:
                rate_ticket(raiser, number, rng.choice((2, 3)) if late else rng.choice((4, 5, 5)))
            if resolved + dt.timedelta(days=3) <= end:
                close_ticket(it, number)


def run_it(
    users: DemoSessions,
    people: list[Person],
    timeline: Timeline,
    rng_for: Callable[[str], random.Random],
    scale: float,
) -> dict[str, int]:
    history = ItHistory(users, people, timeline, rng_for, scale)
    history.hardware()
    history.software()
    history.changes()
    history.patches()
    history.tickets()
    return dict(sorted(history.counts.items()))
