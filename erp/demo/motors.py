"""Three-phase induction motors (YE3/YE4/YBX3): sold on their own and built into every pump set.

Stators and rotors depend only on frame, poles and efficiency class, so a flameproof YBX3 and a YE3 of the
same frame share their electrical parts; bearings and bolts are the same ones the pumps use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erp.demo.catalog import MOTOR_BEARINGS, MOTOR_FRAMES, MOTOR_MOUNTINGS, MOTOR_SERIES, STANDARD_KW
from erp.demo.parts import PartBook, bolt_for, crate_for

FAMILY = "Motors"


@dataclass(frozen=True)
class MotorSpec:
    series: str
    kw: float
    poles: int
    mounting: str

    @property
    def frame(self) -> str:
        return MOTOR_FRAMES[self.poles][self.kw]

    @property
    def height(self) -> int:
        return int(re.match(r"\d+", self.frame).group())  # type: ignore[union-attr]

    @property
    def model(self) -> str:
        return f"{self.series}-{self.frame}-{self.poles}"

    @property
    def code(self) -> str:
        return f"FG-{self.model}-{self.mounting}"

    @property
    def weight_kg(self) -> float:
        return 0.0016 * self.height**2.2


def motor_for(kw_needed: float, poles: int, series: str = "YE3", mounting: str = "B3") -> MotorSpec:
    """The smallest standard motor of a series that gives ``kw_needed`` with a 15% margin."""
    frames = MOTOR_FRAMES[poles]
    kw = next((k for k in STANDARD_KW if k >= kw_needed * 1.15 and k in frames), max(frames))
    return MotorSpec(series, kw, poles, mounting)


def all_motor_specs() -> list[MotorSpec]:
    return [
        MotorSpec(series, kw, poles, mounting)
        for series in MOTOR_SERIES
        for poles, frames in MOTOR_FRAMES.items()
        for kw in frames
        for mounting in MOTOR_MOUNTINGS
    ]


def build_motor(book: PartBook, m: MotorSpec) -> str:
    if m.code in book.parts:
        return m.code
    h, kw = m.height, m.kw
    frame_len = m.frame.rstrip("0123456789")  # 132S1 -> 132S: the same laminations and shaft
    eff = "IE4" if m.series == "YE4" else "IE3"
    steel = book.buy(
        "RM-SI-35W300" if eff == "IE4" else "RM-SI-50W470",
        "冷轧无取向硅钢 35W300 Electrical steel" if eff == "IE4" else "冷轧无取向硅钢 50W470 Electrical steel",
        "KG",
        9.8 if eff == "IE4" else 7.6,
        "Raw materials",
        multiple=500,
        moq=2000,
    )
    core_kg = 3.0 * kw**0.72 + 2.5
    stator_core = book.make(
        f"MP-SCORE-{m.frame}-{m.poles}-{eff}",
        f"定子铁芯 {m.frame}-{m.poles} {eff} Stator core",
        "Machined parts",
        [(steel, round(core_kg, 2), 28)],
        [("WC-PRESS", 0.05 + core_kg * 0.004, 1.5)],
    )
    wire_dia = 0.8 if kw < 5 else 1.06 if kw < 30 else 1.3
    wire = book.buy(
        f"RM-CU-QZY-{wire_dia:g}",
        f"聚酯亚胺漆包圆铜线 QZY-2/180 Φ{wire_dia:g} Enamelled copper wire",
        "KG",
        82.0,
        "Electrical",
        multiple=25,
        moq=100,
    )
    insulation = book.buy("EL-INS-DMD", "DMD绝缘纸 F级 Insulation paper", "KG", 38.0, "Electrical", moq=20)
    varnish = book.buy("EL-VARNISH-H", "H级无溶剂浸渍漆 Impregnating varnish", "KG", 32.0, "Electrical", moq=50)
    copper_kg = 0.9 * kw**0.8 + 0.6 + (0.15 * kw**0.8 if eff == "IE4" else 0)
    stator = book.make(
        f"SA-STATOR-{m.frame}-{m.poles}-{eff}",
        f"定子总成 {m.frame}-{m.poles} {eff} Wound stator",
        "Sub-assemblies",
        [(stator_core, 1, 0), (wire, round(copper_kg, 2), 3), (insulation, round(0.05 + kw * 0.01, 3), 5)]
        + [(varnish, round(0.1 + kw * 0.02, 3), 8)],
        [("WC-WIND", 0.5 + 0.09 * kw**0.7, 0.3), ("WC-VPI", 0.15 + 0.01 * kw**0.5, 0.5)],
    )
    aluminium = book.buy("RM-AL-ALA", "铸造铝锭 Al99.7 Aluminium ingot", "KG", 20.5, "Raw materials", moq=500)
    rotor_core = book.make(
        f"MP-RCORE-{m.frame}-{m.poles}-{eff}",
        f"转子铁芯 {m.frame}-{m.poles} {eff} Rotor core",
        "Machined parts",
        [(steel, round(core_kg * 0.45, 2), 28)],
        [("WC-PRESS", 0.04 + core_kg * 0.002, 1.5)],
    )
    shaft = book.turned(f"MP-MSHAFT-{frame_len}", f"电机轴 {frame_len} Motor shaft", "45", h * 0.22, h * 2.6)
    rotor = book.make(
        f"SA-ROTOR-{m.frame}-{m.poles}-{eff}",
        f"转子总成 {m.frame}-{m.poles} {eff} Rotor",
        "Sub-assemblies",
        [(rotor_core, 1, 0), (aluminium, round(0.3 * core_kg * 0.25 + 0.2, 2), 4), (shaft, 1, 0)],
        [("WC-DCAST", 0.15 + 0.004 * h, 0.8), ("WC-CNCL", 0.2 + 0.003 * h, 0.5), ("WC-BAL", 0.15, 0.2)],
    )
    housing = "EX" if m.series == "YBX3" else "STD"
    housing_zh = "隔爆型" if housing == "EX" else ""
    frame_kg = 0.0015 * h**2.2 * (1.45 if housing == "EX" else 1.0)
    frame = book.machined(
        f"MP-MFRAME-{frame_len}-{housing}", f"{housing_zh}机座 {frame_len} Motor frame", "HT", frame_kg, 0.3 + h / 300
    )
    shield = book.machined(
        f"MP-ESHIELD-{h}-{housing}", f"{housing_zh}端盖 {h} End shield", "HT", frame_kg * 0.22, 0.2 + h / 600
    )
    cap = book.machined(f"MP-BCAP-{h}", f"轴承内盖 {h} Bearing cap", "HT", 0.4 + frame_kg * 0.03, 0.15, drill=True)
    bolt = bolt_for(h / 10)
    bearing = book.bearing(MOTOR_BEARINGS[h])
    fan = book.buy(f"PP-FAN-{h}", f"冷却风扇 {h} Cooling fan", "EA", 4 + 0.0012 * h**2, "Purchased parts", moq=20)
    cover = book.buy(f"PP-FCOV-{h}", f"风罩 {h} Fan cover", "EA", 8 + 0.0015 * h**2, "Purchased parts", moq=20)
    box = book.buy(
        f"EL-TB-{housing}-{min(h, 200)}",
        f"{housing_zh}接线盒组件 {min(h, 200)} Terminal box",
        "EA",
        (22 + h * 0.3) * (2.5 if housing == "EX" else 1),
        "Electrical",
        moq=10,
    )
    lines = [
        (stator, 1, 0),
        (rotor, 1, 0),
        (frame, 1, 0),
        (shield, 2, 0),
        (cap, 2, 0),
        (bearing, 2, 0),
        (fan, 1, 0),
        (cover, 1, 0),
        (box, 1, 0),
        (book.bolt(bolt, 30 + h // 10 * 2), 8, 1),
        (book.washer(bolt), 8, 1),
        (book.nameplate("MOTOR"), 1, 0),
        (book.paint("TOPCOAT"), round(0.05 + h * 0.002, 3), 10),
    ]
    if m.mounting != "B3":
        flange = book.machined(f"MP-FLANGE-{h}", f"电机法兰端盖 {h} Motor flange", "HT", frame_kg * 0.3, 0.25 + h / 500)
        lines.append((flange, 1, 0))
    if kw >= 0.75:
        lines.append((book.crate(crate_for(m.weight_kg)), 1, 0))
    name_zh, name_en, _ = MOTOR_SERIES[m.series]
    return book.make(
        m.code,
        f"{name_zh} {m.model} {kw:g}kW {m.mounting} {MOTOR_MOUNTINGS[m.mounting]} {name_en}",
        FAMILY,
        lines,
        [
            ("WC-MASSY", 0.4 + 0.05 * kw**0.7, 0.3),
            ("WC-MTEST", 0.2 + 0.01 * kw**0.5, 0.2),
            ("WC-PAINT", 0.1 + h / 2000, 0.2),
            ("WC-PACK", 0.1 + h / 3000, 0.1),
        ],
        finished=True,
    )
