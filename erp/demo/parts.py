"""The item book of the demo plant: every part is created once, by the code that names it, and shared.

A part's code encodes what makes it distinct (size, material, pressure class), so asking twice for the
same bearing or the same bearing-housing assembly returns the same item: that is how components come to
be shared by many finished goods and used at several levels of their bills of materials.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from erp.demo.catalog import BAR_DIAMETERS, BAR_PRICE_KG, BEARING_PRICES, MATERIALS

STEEL_DENSITY_KG_MM3 = 7.85e-6

# Purchase categories: the supplier group that sells them, and the lead-time range in days.
CATEGORIES: dict[str, tuple[str, tuple[int, int]]] = {
    "Castings": ("castings", (25, 45)),
    "Raw materials": ("steel", (7, 15)),
    "Fasteners": ("fasteners", (3, 10)),
    "Bearings": ("bearings", (10, 30)),
    "Seals": ("seals", (10, 25)),
    "Electrical": ("electrical", (7, 20)),
    "Purchased parts": ("components", (15, 40)),
    "Packaging": ("packaging", (3, 10)),
}


@dataclass
class Part:
    """One item as the generator sees it, before it becomes an ``items`` row."""

    code: str
    description: str
    item_type: str  # make or buy
    uom: str
    family: str
    price: float = 0.0  # purchase price of a buy item (CNY per uom)
    lead_time_days: int = 0
    lines: list[tuple[str, float, float]] = field(default_factory=list)  # component, qty per, scrap %
    steps: list[tuple[str, float, float]] = field(default_factory=list)  # work center, hours per unit, setup h
    order_multiple: float = 0.0
    min_order_qty: float = 0.0
    finished: bool = False


class PartBook:
    """Creates parts on demand and remembers them in creation order (so output is deterministic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: dict[str, Part] = {}
        self.finished_count = 0

    # --- generic ----------------------------------------------------------------------------------

    def buy(
        self,
        code: str,
        description: str,
        uom: str,
        price: float,
        family: str,
        *,
        multiple: float = 0,
        moq: float = 0,
    ) -> str:
        if code not in self.parts:
            low, high = CATEGORIES[family][1]
            self.parts[code] = Part(
                code,
                description,
                "buy",
                uom,
                family,
                price=round(max(price, 0.01), 2),
                lead_time_days=self.rng.randint(low, high),
                order_multiple=multiple,
                min_order_qty=moq,
            )
        return code

    def make(
        self,
        code: str,
        description: str,
        family: str,
        lines: list[tuple[str, float, float]],
        steps: list[tuple[str, float, float]],
        *,
        uom: str = "EA",
        finished: bool = False,
    ) -> str:
        if code not in self.parts:
            merged: dict[str, tuple[str, float, float]] = {}
            for comp, qty, scrap in lines:  # the same component twice on one BOM becomes one line
                if comp in merged:
                    qty += merged[comp][1]
                merged[comp] = (comp, round(qty, 4), scrap)
            self.parts[code] = Part(
                code,
                description,
                "make",
                uom,
                family,
                lines=list(merged.values()),
                steps=[(wc, round(h, 3), round(s, 2)) for wc, h, s in steps],
                finished=finished,
            )
            self.finished_count += finished
        return code

    # --- raw materials ----------------------------------------------------------------------------

    def bar(self, grade: str, min_diameter: float) -> str:
        dia = next((d for d in BAR_DIAMETERS if d >= min_diameter), BAR_DIAMETERS[-1])
        return self.buy(
            f"RM-BAR-{grade}-D{dia}",
            f"圆钢 {grade} Φ{dia} Round bar",
            "KG",
            BAR_PRICE_KG[grade],
            "Raw materials",
            multiple=25,
            moq=100,
        )

    def turned(self, code: str, name: str, grade: str, diameter: float, length: float, *, grind: bool = True) -> str:
        """A part turned from round bar (shafts, stems, sleeves): sawing, turning and grinding."""
        if code in self.parts:
            return code
        stock = self.bar(grade, diameter + 5)
        stock_dia = int(stock.rsplit("D", 1)[1])
        kg = math.pi / 4 * stock_dia**2 * (length + 10) * STEEL_DENSITY_KG_MM3
        f = diameter * length / 20000
        steps = [("WC-SAW", 0.05, 0.2), ("WC-CNCL", 0.25 + 0.35 * f, 0.8)]
        if grind:
            steps.append(("WC-GRND", 0.15 + 0.2 * f, 0.5))
        return self.make(
            code, f"{name} {grade} Φ{diameter:.0f}×{length:.0f}", "Machined parts", [(stock, kg, 3)], steps
        )

    def casting(self, code: str, name: str, material: str, kg: float) -> str:
        m = MATERIALS[material]
        head, _, rest = name.partition(" ")
        return self.buy(
            code,
            f"{head}铸件 {rest} {m.zh} 约{kg:.1f}kg Casting".replace("  ", " "),
            "EA",
            kg * m.casting_price_kg * 1.08 + 15,
            "Castings",
            moq=5 if kg < 100 else 2,
        )

    def machined(
        self, code: str, name: str, material: str, kg: float, hours: float, *, bore: bool = False, drill: bool = True
    ) -> str:
        """A part machined from its own casting (casings, covers, bodies, brackets)."""
        if code in self.parts:
            return code
        cast = self.casting("CA-" + code.removeprefix("MP-"), name, material, kg * 1.12)
        steps = [("WC-BORE" if bore else "WC-VMC", hours, 1.0 + hours)]
        if drill:
            steps.append(("WC-DRL", 0.1 + hours * 0.2, 0.3))
        return self.make(code, f"{name} {MATERIALS[material].zh}", "Machined parts", [(cast, 1, 2)], steps)

    def steel(self, kind: str, size: str) -> str:
        names = {"CH": ("槽钢 Q235B {s}# Channel", 4.4), "PL": ("钢板 Q235B {s}mm Steel plate", 4.5)}
        pattern, price = names[kind]
        return self.buy(f"RM-{kind}-{size}", pattern.format(s=size), "KG", price, "Raw materials", multiple=50, moq=200)

    def pipe(self, dn: int) -> str:
        return self.buy(
            f"RM-PIPE-DN{dn}", f"无缝钢管 20# DN{dn} Seamless pipe", "M", 12 + dn * 1.05, "Raw materials", moq=6
        )

    # --- standard parts ---------------------------------------------------------------------------

    def bolt(self, d: int, length: int) -> str:
        base = {6: 0.12, 8: 0.22, 10: 0.38, 12: 0.62, 16: 1.35, 20: 2.6, 24: 4.5, 30: 8.8}[d]
        return self.buy(
            f"FS-BOLT-M{d}X{length}",
            f"六角头螺栓 GB/T 5782 M{d}×{length} 8.8级 镀锌 Hex bolt",
            "PCS",
            base * (length / 40) ** 0.7,
            "Fasteners",
            multiple=100 if d <= 12 else 50,
        )

    def nut(self, d: int) -> str:
        base = {6: 0.04, 8: 0.07, 10: 0.11, 12: 0.18, 16: 0.42, 20: 0.8, 24: 1.4, 30: 2.9}[d]
        return self.buy(
            f"FS-NUT-M{d}", f"六角螺母 GB/T 6170 M{d} 8级 镀锌 Hex nut", "PCS", base, "Fasteners", multiple=100
        )

    def washer(self, d: int) -> str:
        return self.buy(
            f"FS-WSH-M{d}", f"平垫圈 GB/T 97.1 {d} 镀锌 Flat washer", "PCS", 0.02 * d / 6, "Fasteners", multiple=200
        )

    def stud(self, d: int, length: int) -> str:
        length = int(math.ceil(length / 10) * 10)
        base = {12: 1.1, 16: 2.2, 20: 4.0, 24: 6.8, 30: 12.5}[d]
        return self.buy(
            f"FS-STUD-M{d}X{length}",
            f"双头螺柱 GB/T 901 M{d}×{length} 35CrMo Stud bolt",
            "PCS",
            base * (length / 100) ** 0.8,
            "Fasteners",
            multiple=50,
        )

    def bearing(self, code: str) -> str:
        kind = (
            "角接触球轴承 Angular contact ball bearing"
            if code.startswith("7")
            else "圆柱滚子轴承 Cylindrical roller bearing"
            if code.startswith("NU")
            else "深沟球轴承 Deep groove ball bearing"
        )
        return self.buy(f"BR-{code}", f"{kind} {code}", "PCS", BEARING_PRICES[code], "Bearings", moq=10)

    def mech_seal(self, shaft: int, chemical: bool) -> str:
        grade = "CHEM" if chemical else "STD"
        faces = "SiC/SiC 氟橡胶" if chemical else "石墨/碳化硅 丁腈橡胶"
        price = (120 + 7 * shaft) * (2.3 if chemical else 1.0)
        return self.buy(
            f"SL-MS-{shaft}-{grade}", f"机械密封 M7N-{shaft} {faces} Mechanical seal", "SET", price, "Seals", moq=5
        )

    def oring(self, inner: int, section: float = 3.55) -> str:
        return self.buy(
            f"SL-OR-{inner}X{section:g}",
            f"O形圈 GB/T 3452.1 {inner}×{section:g} NBR O-ring",
            "PCS",
            0.5 + inner * 0.02,
            "Seals",
            multiple=50,
        )

    def oil_seal(self, shaft: int) -> str:
        outer, width = shaft + 17, 8 if shaft < 40 else 10
        return self.buy(
            f"SL-OS-{shaft}X{outer}X{width}",
            f"骨架油封 TC {shaft}×{outer}×{width} NBR Oil seal",
            "PCS",
            1.8 + shaft * 0.09,
            "Seals",
            multiple=20,
        )

    def gasket(self, dn: int, pn: int) -> str:
        return self.buy(
            f"SL-GSK-DN{dn}-PN{pn}",
            f"缠绕垫片 DN{dn} PN{pn} 304+柔性石墨 Spiral wound gasket",
            "PCS",
            (6 + dn * 0.22) * (1 + (pn - 16) / 60),
            "Seals",
            multiple=10,
        )

    def packing(self, size: int) -> str:
        return self.buy(
            f"SL-PKG-{size}", f"柔性石墨编织填料 {size}×{size} Graphite packing", "M", 18 + size * 2.5, "Seals", moq=10
        )

    def ptfe_seat(self, dn: int) -> str:
        return self.buy(
            f"SL-SEAT-DN{dn}-PTFE",
            f"阀座密封圈 DN{dn} 增强聚四氟乙烯 PTFE seat ring",
            "PCS",
            4 + dn * 0.35,
            "Seals",
            moq=10,
        )

    def key(self, width: int, length: int) -> str:
        return self.buy(
            f"FS-KEY-{width}X{length}",
            f"普通平键 GB/T 1096 {width}×{length} 45# Parallel key",
            "PCS",
            0.3 + width * length * 0.002,
            "Fasteners",
            multiple=50,
        )

    def paint(self, coat: str) -> str:
        names = {
            "PRIMER": ("环氧富锌底漆 Epoxy zinc-rich primer", 32.0),
            "TOPCOAT": ("聚氨酯面漆 RAL5015 蓝 PU topcoat", 45.0),
            "RED": ("聚氨酯面漆 消防红 RAL3000 PU topcoat", 46.0),
        }
        name, price = names[coat]
        return self.buy(f"PK-PAINT-{coat}", name, "KG", price, "Packaging", multiple=20, moq=40)

    def crate(self, size: str) -> str:
        prices = {"S": 85.0, "M": 160.0, "L": 320.0, "XL": 650.0, "XXL": 1450.0}
        return self.buy(
            f"PK-CRATE-{size}", f"免熏蒸胶合板木箱 {size} Plywood crate", "EA", prices[size], "Packaging", moq=10
        )

    def nameplate(self, kind: str) -> str:
        return self.buy(f"PK-NP-{kind}", f"不锈钢铭牌 {kind} Nameplate", "PCS", 2.6, "Packaging", multiple=100, moq=500)


def crate_for(kg: float) -> str:
    """Crate size by shipped weight."""
    for limit, size in ((25, "S"), (120, "M"), (400, "L"), (1200, "XL")):
        if kg <= limit:
            return size
    return "XXL"


def bolt_for(load_kw_or_size: float) -> int:
    """A plausible bolt diameter for a part of this size (kW or frame height / 10)."""
    for limit, d in ((4, 8), (15, 10), (45, 12), (110, 16)):
        if load_kw_or_size <= limit:
            return d
    return 20
