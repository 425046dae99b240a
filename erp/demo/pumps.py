"""Pumps and pump packages: end-suction (IS/IH), inline (ISG), multistage (D), submersible (WQ), fire pump
sets (XBD) and booster sets.

Each ``*_specs`` function lists every model the catalogue could offer as ``(base, variant)`` pairs; the
generator picks some and ``build`` creates the finished good with its whole bill of materials. Parts
that do not depend on the variant (casings, impeller castings, bearing housings) are keyed on the base,
so variants share them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from erp.demo.catalog import (
    END_SUCTION_SIZES,
    INLINE_SIZES,
    MATERIALS,
    MULTISTAGE_SIZES,
    MULTISTAGE_STAGES,
    PUMP_FRAMES,
    SUBMERSIBLE_SIZES,
)
from erp.demo.motors import MotorSpec, build_motor, motor_for
from erp.demo.parts import PartBook, bolt_for, crate_for
from erp.demo.valves import ValveSpec, build_valve

G = 9.81
TRIMS = {"": 1.0, "A": 0.93, "B": 0.86}
SEALS = {"J": "机械密封", "T": "填料密封"}


def hydraulic_kw(flow_m3h: float, head_m: float) -> float:
    efficiency = min(0.85, max(0.42, 0.45 + 0.12 * math.log10(max(flow_m3h, 1))))
    return flow_m3h / 3600 * head_m * G / efficiency


def _bar_grade(material: str) -> str:
    return MATERIALS[material].bar_grade


def _chemical(material: str) -> bool:
    return material in ("P", "R", "DS")


@dataclass(frozen=True)
class PumpSpec:
    """One orderable pump model; ``kind`` selects the builder."""

    kind: str
    size: tuple[int, ...]
    material: str
    trim: str = ""
    seal: str = "J"
    series: str = "YE3"
    stages: int = 1
    option: str = ""

    @property
    def base(self) -> tuple[object, ...]:
        return (self.kind, self.size, self.material)


# --- end-suction IS (clean water) and IH (chemical) -------------------------------------------------


def _end_suction_rating(size: tuple[int, ...], trim: str) -> tuple[float, float, int]:
    _inlet, outlet, d = size
    rpm = 2900 if d <= 250 else 1450
    t = TRIMS[trim]
    flow = 0.0128 * outlet**2 * rpm / 2900 * t
    u = math.pi * d / 1000 * rpm / 60
    head = 1.05 * u**2 / (2 * G) * t**2
    return flow, head, 2 if rpm == 2900 else 4


def end_suction_specs(kind: str) -> list[PumpSpec]:
    sizes = END_SUCTION_SIZES if kind == "IS" else [s for s in END_SUCTION_SIZES if s[2] <= 315]
    materials = ("HT", "QT", "C", "P", "R") if kind == "IS" else ("P", "R", "DS")
    seals = ("J", "T") if kind == "IS" else ("J",)
    series = ("YE3", "YE4") if kind == "IS" else ("YE3", "YBX3")
    return [
        PumpSpec(kind, size, mat, trim, seal, ser)
        for size in sizes
        for mat in materials
        for trim in TRIMS
        for seal in seals
        for ser in series
    ]


def _pump_frame(d: int) -> tuple[str, int, tuple[str, str], int]:
    return next(f for f in PUMP_FRAMES if d <= f[1])


def _bearing_housing(book: PartBook, d: int, grade: str) -> str:
    name, _, bearings, shaft_dia = _pump_frame(d)
    housing = book.machined(f"MP-BRGH-{name}", f"轴承体 {name} Bearing housing", "HT", 6 + shaft_dia**1.6 / 8, 0.6)
    shaft = book.turned(f"MP-PSHAFT-{name}-{grade}", f"泵轴 {name} Pump shaft", grade, shaft_dia + 10, shaft_dia * 11)
    return book.make(
        f"SA-BRG-{name}-{grade}",
        f"轴承体部件 {name} {grade}轴 Bearing frame assembly",
        "Sub-assemblies",
        [
            (housing, 1, 0),
            (shaft, 1, 0),
            (book.bearing(bearings[0]), 1, 0),
            (book.bearing(bearings[1]), 1, 0),
            (book.oil_seal(shaft_dia), 2, 2),
            (book.bolt(10, 30), 6, 1),
            (book.washer(10), 6, 1),
        ],
        [("WC-PASSY", 0.5 + shaft_dia / 100, 0.2)],
    )


def _baseplate(book: PartBook, pump_key: str, motor: MotorSpec, kg: float) -> str:
    channel = book.steel("CH", "10" if kg < 150 else "16" if kg < 600 else "25")
    plate = book.steel("PL", "10" if kg < 300 else "16")
    return book.make(
        f"SA-BASE-{pump_key}-{motor.height}",
        f"公共底座 {pump_key}/{motor.height} Baseplate",
        "Sub-assemblies",
        [(channel, round(kg * 0.75, 1), 5), (plate, round(kg * 0.3, 1), 8), (book.paint("PRIMER"), 0.4, 10)],
        [("WC-SAW", 0.3, 0.3), ("WC-WELD", 0.8 + kg / 100, 0.5), ("WC-DRL", 0.4, 0.3), ("WC-PAINT", 0.3, 0.2)],
    )


def _coupling(book: PartBook, kw: float) -> str:
    size = next((n for n, limit in enumerate((4, 11, 30, 75, 160), start=3) if kw <= limit), 8)
    return book.buy(
        f"PP-CPL-LM{size}", f"梅花形弹性联轴器 LM{size} Jaw coupling", "SET", 40 * 1.6 ** (size - 3), "Purchased parts"
    )


def _finish(book: PartBook, kg: float, topcoat: str = "TOPCOAT") -> list[tuple[str, float, float]]:
    return [
        (book.paint("PRIMER"), round(0.1 + kg * 0.004, 3), 10),
        (book.paint(topcoat), round(0.1 + kg * 0.004, 3), 10),
        (book.nameplate("PUMP"), 1, 0),
        (book.crate(crate_for(kg)), 1, 0),
    ]


def build_end_suction(book: PartBook, p: PumpSpec) -> str:
    inlet, outlet, d = p.size
    model = f"{p.kind}{inlet}-{outlet}-{d}"
    flow, head, poles = _end_suction_rating(p.size, p.trim)
    motor = motor_for(hydraulic_kw(flow, head), poles, p.series)
    code = f"FG-{model}{p.trim}-{p.material}-{p.seal}-{motor.series}"
    if code in book.parts:
        return code
    mat, grade = MATERIALS[p.material], _bar_grade(p.material)
    f = d / 200 * (outlet / 65) ** 0.4
    casing_kg = 14 * f**2.4
    casing = book.machined(
        f"MP-CASING-{model}-{p.material}", f"泵体 {model} Volute casing", p.material, casing_kg, 0.8 * f
    )
    cover = book.machined(
        f"MP-COVER-{model}-{p.material}", f"泵盖 {model} Casing cover", p.material, casing_kg * 0.35, 0.4 * f
    )
    imp_cast = book.casting(f"CA-IMP-{model}-{p.material}", f"叶轮 {model}", p.material, casing_kg * 0.18)
    impeller = book.make(
        f"MP-IMP-{model}{p.trim}-{p.material}",
        f"叶轮 {model}{p.trim} {mat.zh} Impeller",
        "Machined parts",
        [(imp_cast, 1, 3)],
        [("WC-CNCL", 0.3 + 0.3 * f, 0.5), ("WC-BAL", 0.2, 0.2)],
    )
    shaft_dia = _pump_frame(d)[3]
    seal = book.mech_seal(shaft_dia, _chemical(p.material)) if p.seal == "J" else book.packing(8 if d < 250 else 10)
    bolt = bolt_for(casing_kg / 2)
    head_code = book.make(
        f"SA-HEAD-{model}{p.trim}-{p.material}-{p.seal}",
        f"泵头部件 {model}{p.trim} {mat.zh} {SEALS[p.seal]} Pump head assembly",
        "Sub-assemblies",
        [
            (casing, 1, 0),
            (cover, 1, 0),
            (impeller, 1, 0),
            (_bearing_housing(book, d, grade), 1, 0),
            (
                book.turned(f"MP-WRING-{model}-{grade}", f"口环 {model} Wear ring", grade, inlet + 20, 30, grind=False),
                2,
                0,
            ),
            (book.key(8 if d < 250 else 12, 40), 1, 0),
            (seal, 1 if p.seal == "J" else round(shaft_dia * 0.02, 2), 0 if p.seal == "J" else 5),
            (book.oring(int(d * 1.2)), 1, 2),
            (book.bolt(bolt, 50), 8, 1),
            (book.nut(bolt), 8, 1),
            (book.bolt(10, 30), 4, 1),
        ],
        [("WC-PASSY", 0.6 + 0.5 * f, 0.3)],
    )
    build_motor(book, motor)
    kg = casing_kg * 2.2 + motor.weight_kg
    return book.make(
        code,
        f"{model}{p.trim} {'单级单吸清水离心泵' if p.kind == 'IS' else '单级单吸化工离心泵'} {mat.zh} "
        f"{SEALS[p.seal]} 配{motor.model} {motor.kw:g}kW "
        f"{'End-suction centrifugal pump' if p.kind == 'IS' else 'Chemical process pump'} {mat.en}",
        "Centrifugal pumps" if p.kind == "IS" else "Chemical pumps",
        [
            (head_code, 1, 0),
            (motor.code, 1, 0),
            (_baseplate(book, f"{_pump_frame(d)[0]}", motor, 20 + kg * 0.25), 1, 0),
            (_coupling(book, motor.kw), 1, 0),
            (book.bolt(bolt_for(motor.kw), 60), 8, 1),
            (book.nut(bolt_for(motor.kw)), 8, 1),
            (book.washer(bolt_for(motor.kw)), 8, 1),
            *_finish(book, kg),
        ],
        [("WC-PASSY", 0.8 + 0.4 * f, 0.3), ("WC-PERF", 0.5, 0.3), ("WC-PAINT", 0.3 * f, 0.2), ("WC-PACK", 0.2, 0.1)],
        finished=True,
    )


# --- ISG inline (close coupled to a flange motor) ---------------------------------------------------


def inline_specs() -> list[PumpSpec]:
    return [
        PumpSpec("ISG", size, mat, trim, "J", "YE3")
        for size in INLINE_SIZES
        for mat in ("HT", "P", "R")
        for trim in TRIMS
    ]


def inline_motor(p: PumpSpec) -> MotorSpec:
    dn, d = p.size
    rpm = 2900 if d <= 250 else 1450
    t = TRIMS[p.trim]
    flow = 0.0128 * dn**2 * 0.8 * rpm / 2900 * t
    head = 1.05 * (math.pi * d / 1000 * rpm / 60) ** 2 / (2 * G) * t**2
    return motor_for(hydraulic_kw(flow, head), 2 if rpm == 2900 else 4, "YE3", "B5")


def build_inline(book: PartBook, p: PumpSpec) -> str:
    dn, d = p.size
    prefix = "ISG" if p.material == "HT" else "ISGB" if p.material == "P" else "IHG"
    model = f"{prefix}{dn}-{d}"
    motor = inline_motor(p)
    code = f"FG-{model}{p.trim}-{p.material}"
    if code in book.parts:
        return code
    mat = MATERIALS[p.material]
    f = d / 200 * (dn / 65) ** 0.4
    casing_kg = 16 * f**2.3
    casing = book.machined(
        f"MP-ICASE-{dn}-{d}-{p.material}", f"管道泵体 {dn}-{d} Inline casing", p.material, casing_kg, 0.7 * f
    )
    bracket = book.machined(
        f"MP-BRKT-{motor.height}", f"电机支架 {motor.height} Motor lantern", "HT", 1.5 + (motor.height / 40) ** 2, 0.4
    )
    imp_cast = book.casting(f"CA-IMP-ISG{dn}-{d}-{p.material}", f"叶轮 ISG{dn}-{d}", p.material, casing_kg * 0.16)
    impeller = book.make(
        f"MP-IMP-ISG{dn}-{d}{p.trim}-{p.material}",
        f"叶轮 ISG{dn}-{d}{p.trim} {mat.zh} Impeller",
        "Machined parts",
        [(imp_cast, 1, 3)],
        [("WC-CNCL", 0.3 + 0.3 * f, 0.5), ("WC-BAL", 0.2, 0.2)],
    )
    stub = book.turned(
        f"MP-ISHAFT-{motor.height}-{_bar_grade(p.material)}",
        f"加长轴 {motor.height} Shaft extension",
        _bar_grade(p.material),
        motor.height * 0.2,
        motor.height * 1.4,
    )
    bolt = bolt_for(casing_kg / 2)
    head_code = book.make(
        f"SA-IHEAD-{dn}-{d}{p.trim}-{p.material}",
        f"管道泵头部件 {model}{p.trim} {mat.zh} Inline pump head",
        "Sub-assemblies",
        [
            (casing, 1, 0),
            (bracket, 1, 0),
            (impeller, 1, 0),
            (stub, 1, 0),
            (
                book.turned(
                    f"MP-WRING-ISG{dn}-{d}-{_bar_grade(p.material)}",
                    f"口环 ISG{dn}-{d} Wear ring",
                    _bar_grade(p.material),
                    dn + 20,
                    30,
                    grind=False,
                ),
                1,
                0,
            ),
            (book.key(8, 32), 1, 0),
            (book.mech_seal(int(motor.height * 0.2 // 5 * 5), _chemical(p.material)), 1, 0),
            (book.oring(int(d * 1.1)), 1, 2),
            (book.bolt(bolt, 50), 8, 1),
            (book.nut(bolt), 8, 1),
        ],
        [("WC-PASSY", 0.5 + 0.4 * f, 0.3)],
    )
    build_motor(book, motor)
    kg = casing_kg * 1.8 + motor.weight_kg
    return book.make(
        code,
        f"{model}{p.trim} 立式管道离心泵 {mat.zh} 配{motor.model} {motor.kw:g}kW Vertical inline pump {mat.en}",
        "Inline pumps",
        [
            (head_code, 1, 0),
            (motor.code, 1, 0),
            (book.bolt(bolt_for(motor.kw), 45), 4, 1),
            (book.washer(bolt_for(motor.kw)), 4, 1),
            *_finish(book, kg),
        ],
        [("WC-PASSY", 0.5 + 0.3 * f, 0.3), ("WC-PERF", 0.4, 0.3), ("WC-PAINT", 0.25 * f, 0.2), ("WC-PACK", 0.2, 0.1)],
        finished=True,
    )


# --- D multistage ----------------------------------------------------------------------------------


def multistage_specs() -> list[PumpSpec]:
    return [
        PumpSpec("D", size, mat, stages=n)
        for size in MULTISTAGE_SIZES
        for mat in ("HT", "QT", "P")
        for n in MULTISTAGE_STAGES
    ]


def multistage_model(p: PumpSpec) -> str:
    flow, head, _d, _dn = p.size
    return f"{'DF' if p.material == 'P' else 'D'}{flow}-{head}×{p.stages}"


def build_multistage(book: PartBook, p: PumpSpec) -> str:
    flow, head, d, dn = p.size
    key = f"D{flow}-{head}"
    model = multistage_model(p)
    code = f"FG-{key}X{p.stages}-{p.material}"
    if code in book.parts:
        return code
    mat, grade = MATERIALS[p.material], _bar_grade(p.material)
    poles = 2 if flow < 400 else 4
    motor = motor_for(hydraulic_kw(flow, head * p.stages), poles)
    f = d / 200
    stage_kg = 9 * f**2.5
    imp_cast = book.casting(f"CA-IMP-{key}-{p.material}", f"叶轮 {key}", p.material, stage_kg * 0.3)
    impeller = book.make(
        f"MP-IMP-{key}-{p.material}",
        f"叶轮 {key} {mat.zh} Impeller",
        "Machined parts",
        [(imp_cast, 1, 3)],
        [("WC-CNCL", 0.35 + 0.3 * f, 0.5), ("WC-BAL", 0.2, 0.2)],
    )
    shaft_dia = 25 + d // 10
    shaft = book.turned(
        f"MP-DSHAFT-{key}X{p.stages}-{grade}", f"多级泵轴 {key}×{p.stages} Shaft", grade, shaft_dia, 300 + 75 * p.stages
    )
    sleeve = book.turned(f"MP-SLEEVE-{key}-{grade}", f"轴套 {key} Shaft sleeve", grade, shaft_dia + 12, 60)
    balance = book.turned(f"MP-BALDISC-{key}-{grade}", f"平衡盘 {key} Balance disc", grade, d * 0.6, 30)
    rotor = book.make(
        f"SA-DROTOR-{key}X{p.stages}-{p.material}",
        f"转子部件 {key}×{p.stages} {mat.zh} Rotor assembly",
        "Sub-assemblies",
        [
            (impeller, p.stages, 0),
            (shaft, 1, 0),
            (sleeve, p.stages + 1, 0),
            (balance, 1, 0),
            (
                book.turned(f"MP-WRING-{key}-{grade}", f"口环 {key} Wear ring", grade, dn + 25, 30, grind=False),
                p.stages,
                0,
            ),
            (book.key(10 if d < 250 else 14, 50), p.stages, 0),
        ],
        [("WC-PASSY", 0.3 + 0.1 * p.stages, 0.3), ("WC-BAL", 0.3 + 0.05 * p.stages, 0.3)],
    )
    middle = book.machined(f"MP-DSTAGE-{key}-{p.material}", f"中段 {key} Stage casing", p.material, stage_kg, 0.6 * f)
    guide = book.machined(
        f"MP-DGUIDE-{key}-{p.material}", f"导叶 {key} Diffuser", p.material, stage_kg * 0.4, 0.4 * f, drill=False
    )
    suction = book.machined(
        f"MP-DSUC-{key}-{p.material}", f"进水段 {key} Suction casing", p.material, stage_kg * 1.6, 0.8 * f
    )
    discharge = book.machined(
        f"MP-DDIS-{key}-{p.material}", f"出水段 {key} Discharge casing", p.material, stage_kg * 1.8, 0.9 * f
    )
    tie = bolt_for(stage_kg * 2) + 4
    tie = min((x for x in (12, 16, 20, 24) if x >= tie), default=24)
    frame = _pump_frame(min(d, 400))
    head_code = book.make(
        f"SA-DHEAD-{key}X{p.stages}-{p.material}",
        f"泵头部件 {model} {mat.zh} Multistage pump head",
        "Sub-assemblies",
        [
            (rotor, 1, 0),
            (suction, 1, 0),
            (discharge, 1, 0),
            (middle, p.stages - 1, 0),
            (guide, p.stages, 0),
            (book.stud(tie, 200 + 75 * p.stages), 6 if d < 250 else 8, 0),
            (book.nut(tie), 12 if d < 250 else 16, 1),
            (book.oring(int(d * 1.3)), p.stages + 1, 2),
            (book.packing(10), round(shaft_dia * 0.04, 2), 5),
            (book.bearing(frame[2][0]), 2, 0),
        ],
        [("WC-PASSY", 1.0 + 0.3 * p.stages, 0.5)],
    )
    build_motor(book, motor)
    kg = stage_kg * (p.stages * 1.6 + 4) + motor.weight_kg
    return book.make(
        code,
        f"{model} 卧式多级离心泵 {mat.zh} 配{motor.model} {motor.kw:g}kW Horizontal multistage pump {mat.en}",
        "Multistage pumps",
        [
            (head_code, 1, 0),
            (motor.code, 1, 0),
            (_baseplate(book, key, motor, 30 + kg * 0.2), 1, 0),
            (_coupling(book, motor.kw), 1, 0),
            (book.bolt(bolt_for(motor.kw), 60), 8, 1),
            (book.nut(bolt_for(motor.kw)), 8, 1),
            *_finish(book, kg),
        ],
        [("WC-PASSY", 1.0 + 0.2 * p.stages, 0.5), ("WC-PERF", 0.8, 0.3), ("WC-PAINT", 0.5, 0.2), ("WC-PACK", 0.3, 0.1)],
        finished=True,
    )


# --- WQ submersible sewage ---------------------------------------------------------------------------


def submersible_specs() -> list[PumpSpec]:
    return [
        PumpSpec("WQ", size, mat, option=opt) for size in SUBMERSIBLE_SIZES for mat in ("HT", "P") for opt in ("", "AC")
    ]


def build_submersible(book: PartBook, p: PumpSpec) -> str:
    dn, flow, head = p.size
    poles = 2 if flow * head < 1500 else 4
    motor = motor_for(hydraulic_kw(flow, head), poles)
    model = f"{dn}WQ{flow}-{head}-{motor.kw:g}"
    code = f"FG-{dn}WQ{flow}-{head}-{p.material}{'-AC' if p.option else ''}"
    if code in book.parts:
        return code
    mat = MATERIALS[p.material]
    f = (dn / 100) ** 0.8
    volute_kg = 12 * f**2.2 + motor.kw * 0.4
    eff = "IE3"
    build_motor(book, motor)  # the submersible motor shares the motor shop's stators
    stator = f"SA-STATOR-{motor.frame}-{motor.poles}-{eff}"
    rotor = f"SA-ROTOR-{motor.frame}-{motor.poles}-{eff}"
    housing = book.machined(
        f"MP-WQHSG-{motor.frame}-{p.material}",
        f"潜水电机壳 {motor.frame} Motor housing",
        p.material,
        volute_kg * 0.9,
        0.6,
    )
    cable = book.buy("EL-CABLE-YZW", "YZW橡套电缆 3×4+1×2.5 Submersible cable", "M", 26.0, "Electrical", moq=100)
    wq_motor = book.make(
        f"SA-WQMOT-{motor.frame}-{motor.poles}-{p.material}",
        f"潜水电机部件 {motor.kw:g}kW {motor.poles}极 {mat.zh} Submersible motor",
        "Sub-assemblies",
        [
            (stator, 1, 0),
            (rotor, 1, 0),
            (housing, 1, 0),
            (book.bearing("6306-2Z" if motor.height <= 132 else "6309"), 2, 0),
            (book.mech_seal(25 if motor.height <= 132 else 35, True), 2, 0),
            (cable, 10, 0),
            (book.oring(int(motor.height * 1.5)), 2, 2),
        ],
        [("WC-MASSY", 1.0 + motor.kw * 0.03, 0.3), ("WC-MTEST", 0.3, 0.2)],
    )
    volute = book.machined(
        f"MP-WQVOL-{dn}-{flow}-{p.material}", f"泵体 {dn}WQ{flow} Volute", p.material, volute_kg, 0.6
    )
    imp_cast = book.casting(f"CA-IMP-WQ{dn}-{flow}-{p.material}", f"叶轮 {dn}WQ{flow}", p.material, volute_kg * 0.25)
    impeller = book.make(
        f"MP-IMP-WQ{dn}-{flow}-{head}-{p.material}",
        f"叶轮 {dn}WQ{flow}-{head} {mat.zh} Impeller",
        "Machined parts",
        [(imp_cast, 1, 3)],
        [("WC-CNCL", 0.4, 0.5), ("WC-BAL", 0.2, 0.2)],
    )
    lines = [
        (wq_motor, 1, 0),
        (volute, 1, 0),
        (impeller, 1, 0),
        (
            book.turned(
                f"MP-WRING-WQ{dn}-{p.material}",
                f"口环 {dn}WQ Wear ring",
                _bar_grade(p.material),
                dn + 20,
                30,
                grind=False,
            ),
            1,
            0,
        ),
        (book.bolt(12, 50), 8, 1),
        (book.nut(12), 8, 1),
        (book.buy("PP-FLOAT", "电缆浮球开关 Float switch", "EA", 48.0, "Purchased parts", moq=20), 1, 0),
        *_finish(book, volute_kg * 2 + motor.weight_kg),
    ]
    if p.option:
        auto = book.buy(
            f"PP-AUTOC-DN{dn}", f"自耦装置 DN{dn} Auto-coupling system", "SET", 600 + dn * 18, "Purchased parts"
        )
        lines.append((auto, 1, 0))
    return book.make(
        code,
        f"{model} 潜水排污泵 {mat.zh}{' 自耦式安装' if p.option else ''} Submersible sewage pump {mat.en}",
        "Submersible pumps",
        lines,
        [("WC-PASSY", 1.2, 0.3), ("WC-PERF", 0.5, 0.3), ("WC-PAINT", 0.3, 0.2), ("WC-PACK", 0.2, 0.1)],
        finished=True,
    )


# --- packages: XBD fire pump sets and booster sets -------------------------------------------------


def fire_set_specs() -> list[PumpSpec]:
    return [
        PumpSpec("XBD", size, mat, stages=n)
        for size in MULTISTAGE_SIZES[1:6]
        for mat in ("HT",)
        for n in (4, 5, 6, 7, 8)
    ]


def _manifold(book: PartBook, dn: int, outlets: int) -> str:
    flange = book.buy(
        f"PP-FLG-DN{dn}-PN16", f"带颈对焊法兰 DN{dn} PN16 WN flange", "PCS", 25 + dn * 1.8, "Purchased parts", moq=10
    )
    return book.make(
        f"SA-MANIF-DN{dn}-{outlets}",
        f"汇管 DN{dn} {outlets}口 Manifold",
        "Sub-assemblies",
        [(book.pipe(dn), 1.0 + 0.6 * outlets, 5), (flange, outlets + 2, 0)],
        [("WC-SAW", 0.3, 0.3), ("WC-WELD", 1.0 + 0.5 * outlets, 0.5), ("WC-PTEST", 0.5, 0.3)],
    )


def _skid_frame(book: PartBook, size: str, kg: float) -> str:
    return book.make(
        f"SA-SKID-{size}",
        f"成套底架 {size} Skid frame",
        "Sub-assemblies",
        [(book.steel("CH", "16"), round(kg * 0.8, 1), 5), (book.steel("PL", "10"), round(kg * 0.3, 1), 8)],
        [("WC-SAW", 0.5, 0.3), ("WC-WELD", 2 + kg / 80, 0.5), ("WC-PAINT", 0.8, 0.3)],
    )


def build_fire_set(book: PartBook, p: PumpSpec) -> str:
    flow, head, _d, dn = p.size
    d_pump = PumpSpec("D", p.size, p.material, stages=p.stages)
    pressure = round(head * p.stages / 100, 1)
    lps = round(flow / 3.6)
    model = f"XBD{pressure:g}/{lps}-{multistage_model(d_pump)}"
    code = f"FG-XBD{pressure:g}-{lps}-D{flow}-{head}X{p.stages}"
    if code in book.parts:
        return code
    pump = build_multistage(book, d_pump)
    gate = build_valve(book, ValveSpec("Z", dn, 16, "C", ""))
    check = build_valve(book, ValveSpec("H", dn, 16, "C", ""))
    gauge = book.buy("PP-GAUGE-Y100", "压力表 Y-100 0-2.5MPa Pressure gauge", "EA", 38.0, "Purchased parts", moq=20)
    unit = book.make(
        f"SA-XUNIT-D{flow}-{head}X{p.stages}",
        f"主泵机组 {multistage_model(d_pump)} Fire pump unit",
        "Sub-assemblies",
        [(pump, 1, 0), (gate, 1, 0), (check, 1, 0), (gauge, 1, 0), (book.gasket(dn, 16), 4, 0)]
        + [(book.stud(16, 90), 16, 0), (book.nut(16), 32, 1)],
        [("WC-SKID", 3.0, 0.5)],
    )
    jockey = build_inline(book, PumpSpec("ISG", (25, 125), "HT", "", "J", "YE3"))
    kw = motor_for(hydraulic_kw(flow, head * p.stages), 2).kw
    cabinet = book.buy(
        f"PP-CAB-FIRE-{kw:g}",
        f"消防泵控制柜 {kw:g}kW 一用一备 Fire pump controller",
        "SET",
        5200 + kw * 420,
        "Purchased parts",
    )
    tank = book.buy("PP-TANK-SQL800", "隔膜式气压罐 SQL800×0.6 Pressure tank", "EA", 2600.0, "Purchased parts")
    return book.make(
        code,
        f"{model} 消防泵组(一用一备) Fire pump set, duty and standby",
        "Fire pump sets",
        [
            (unit, 2, 0),
            (jockey, 1, 0),
            (_manifold(book, dn, 3), 1, 0),
            (_skid_frame(book, f"XBD-D{flow}", 180 + flow * 1.5), 1, 0),
            (cabinet, 1, 0),
            (tank, 1, 0),
            (book.paint("RED"), 4.0, 10),
            (book.nameplate("PUMP"), 1, 0),
        ],
        [("WC-SKID", 10 + p.stages * 0.5, 1.0), ("WC-PERF", 2.0, 0.5), ("WC-PAINT", 1.5, 0.3), ("WC-PACK", 1.0, 0.2)],
        finished=True,
    )


def booster_specs() -> list[PumpSpec]:
    sizes = [s for s in INLINE_SIZES if 32 <= s[0] <= 100 and s[1] <= 200]
    return [PumpSpec("BOOST", size, mat, stages=n) for size in sizes for mat in ("HT", "P") for n in (2, 3, 4)]


def build_booster(book: PartBook, p: PumpSpec) -> str:
    dn, d = p.size
    pump = build_inline(book, PumpSpec("ISG", p.size, p.material, "", "J", "YE3"))
    model = f"HDG{p.stages}-{dn}-{d}{'S' if p.material == 'P' else ''}"
    code = f"FG-{model}"
    if code in book.parts:
        return code
    header = (
        min(x for x in (50, 65, 80, 100, 125, 150, 200, 250) if x >= dn * math.sqrt(p.stages) * 0.9)
        if dn < 150
        else 250
    )
    check = build_valve(book, ValveSpec("H", max(dn, 50), 16, "C" if p.material == "HT" else "P", ""))
    ball = build_valve(book, ValveSpec("Q", dn, 16, "C" if p.material == "HT" else "P", ""))
    kw = inline_motor(PumpSpec("ISG", p.size, p.material)).kw
    vfd = book.buy(
        f"PP-CAB-VFD-{p.stages}X{kw:g}",
        f"变频恒压控制柜 {p.stages}×{kw:g}kW VFD control panel",
        "SET",
        3800 + p.stages * kw * 380,
        "Purchased parts",
    )
    tank = book.buy("PP-TANK-SQL600", "隔膜式气压罐 SQL600×0.6 Pressure tank", "EA", 1900.0, "Purchased parts")
    return book.make(
        code,
        f"{model} 变频恒压供水设备 {p.stages}台ISG{dn}-{d} Variable-speed booster set",
        "Booster sets",
        [
            (pump, p.stages, 0),
            (check, p.stages, 0),
            (ball, p.stages * 2, 0),
            (_manifold(book, header, p.stages), 2, 0),
            (_skid_frame(book, f"BST-{header}", 80 + header * p.stages * 0.6), 1, 0),
            (vfd, 1, 0),
            (tank, 1, 0),
            (book.nameplate("PUMP"), 1, 0),
        ],
        [("WC-SKID", 6 + p.stages * 1.5, 1.0), ("WC-PERF", 1.5, 0.5), ("WC-PACK", 0.8, 0.2)],
        finished=True,
    )


BUILDERS: dict[str, Callable[[PartBook, PumpSpec], str]] = {
    "IS": build_end_suction,
    "IH": build_end_suction,
    "ISG": build_inline,
    "D": build_multistage,
    "WQ": build_submersible,
    "XBD": build_fire_set,
    "BOOST": build_booster,
}
