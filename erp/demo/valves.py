"""Industrial valves with GB model codes: ``Z941H-16C DN100`` is an electric (9) flanged (4) wedge (1) gate
valve (Z) with Cr13 seats (H), PN16, WCB body (C).

Discs and stems do not depend on the pressure class and bonnet assemblies not on the drive, so the
variants of a valve share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from erp.demo.catalog import MATERIALS, VALVE_DRIVES, VALVE_DRIVES_EN, VALVE_TYPES, ValveType
from erp.demo.parts import PartBook, crate_for

TYPES = {v.letter: v for v in VALVE_TYPES}
BODY_KG = {"Z": 14.0, "J": 16.0, "Q": 10.0, "D": 6.0, "H": 12.0}
PN_FACTOR = {10: 0.9, 16: 1.0, 25: 1.15, 40: 1.35, 64: 1.6}
FAMILIES = {"Z": "Gate valves", "J": "Globe valves", "Q": "Ball valves", "D": "Butterfly valves", "H": "Check valves"}


@dataclass(frozen=True)
class ValveSpec:
    letter: str
    dn: int
    pn: int
    material: str
    drive: str

    @property
    def type(self) -> ValveType:
        return TYPES[self.letter]

    @property
    def base(self) -> tuple[object, ...]:
        return (self.letter, self.dn, self.material)

    @property
    def model(self) -> str:
        v = self.type
        return f"{v.letter}{self.drive}{v.code}-{self.pn}{'Q' if self.material == 'QT' else self.material}"

    @property
    def code(self) -> str:
        return f"FG-{self.model}-DN{self.dn}"


def valve_specs(letter: str) -> list[ValveSpec]:
    v = TYPES[letter]
    return [
        ValveSpec(letter, dn, pn, mat, drive)
        for dn in v.dns
        for mat in v.materials
        for pn in v.pns
        for drive in v.drives
        if not (drive == "" and dn >= 300 and letter in "ZJ")  # large gate/globe valves are never hand-wheeled
    ]


def _drive_part(book: PartBook, s: ValveSpec) -> str:
    f = s.dn / 100
    size = next((n for n, limit in enumerate((50, 100, 200, 400, 1000), start=1) if s.dn <= limit), 5)
    if s.drive == "9":
        return book.buy(
            f"PP-ACT-E{size}",
            f"电动执行器 {size}型 Electric actuator",
            "SET",
            1600 * 1.55 ** (size - 1),
            "Purchased parts",
        )
    if s.drive == "6":
        return book.buy(
            f"PP-ACT-P{size}",
            f"气动执行器 双作用 {size}型 Pneumatic actuator",
            "SET",
            520 * 1.6 ** (size - 1),
            "Purchased parts",
        )
    if s.drive == "3":
        return book.buy(
            f"PP-GEAR-{size}", f"蜗轮减速器 {size}型 Worm gearbox", "SET", 150 * 1.7 ** (size - 1), "Purchased parts"
        )
    if s.letter in "QD":
        return book.buy(
            f"PP-HANDLE-{size}", f"手柄 {size}型 Lever handle", "EA", 8 + 10 * size, "Purchased parts", moq=20
        )
    dia = next((x for x in (100, 160, 200, 250, 320, 400, 500) if x >= 80 + f * 140), 500)
    return book.buy(f"PP-HW-{dia}", f"手轮 Φ{dia} Handwheel", "EA", 12 + dia * 0.22, "Purchased parts", moq=20)


def build_valve(book: PartBook, s: ValveSpec) -> str:
    if s.code in book.parts:
        return s.code
    v, mat = s.type, MATERIALS[s.material]
    grade = "2Cr13" if s.material in ("C", "QT") else mat.bar_grade
    f = s.dn / 100
    body_kg = BODY_KG[s.letter] * f**2.2 * PN_FACTOR[s.pn] + 0.8
    bore = s.dn >= 250
    stem_key = f"{v.letter}{v.code}-DN{s.dn}"
    body = book.machined(
        f"MP-VBODY-{stem_key}-PN{s.pn}-{s.material}",
        f"阀体 {v.letter}{v.code} DN{s.dn} PN{s.pn}",
        s.material,
        body_kg,
        0.3 + 0.6 * f,
        bore=bore,
    )
    disc = book.machined(
        f"MP-VDISC-{stem_key}-{s.material}",
        f"{v.disc_zh} {v.letter}{v.code} DN{s.dn}",
        s.material,
        body_kg * 0.25 / PN_FACTOR[s.pn] + 0.2,
        0.2 + 0.4 * f,
        drill=False,
    )
    stem_dia = 14 + int(10 * f**0.8)
    stud_d = 12 if s.dn <= 80 else 16 if s.dn <= 200 else 20 if s.dn <= 400 else 24
    studs = 4 if s.dn <= 50 else 8 if s.dn <= 150 else 12 if s.dn <= 300 else 16
    if s.letter in "ZJQ":
        stem = book.turned(f"MP-VSTEM-{stem_key}-{grade}", f"阀杆 {stem_key} Stem", grade, stem_dia, 120 + s.dn * 1.6)
        gland = book.turned(
            f"MP-VGLAND-DN{s.dn}-{grade}", f"填料压盖 DN{s.dn} Gland", grade, stem_dia * 2.2, 25, grind=False
        )
        bonnet = book.machined(
            f"MP-VBONNET-{stem_key}-PN{s.pn}-{s.material}",
            f"阀盖 {v.letter}{v.code} DN{s.dn} PN{s.pn}",
            s.material,
            body_kg * 0.45,
            0.2 + 0.4 * f,
        )
        yoke_nut = book.turned(
            f"MP-VYNUT-DN{s.dn}", f"阀杆螺母 DN{s.dn} Stem nut", "QAl9-4", stem_dia * 1.8, 40, grind=False
        )
        upper = book.make(
            f"SA-VBONNET-{stem_key}-PN{s.pn}-{s.material}",
            f"阀盖部件 {v.letter}{v.code} DN{s.dn} PN{s.pn} {mat.zh} Bonnet assembly",
            "Sub-assemblies",
            [
                (bonnet, 1, 0),
                (stem, 1, 0),
                (gland, 1, 0),
                (yoke_nut, 1, 0),
                (book.packing(6 if s.dn <= 100 else 10), round(0.1 + 0.002 * s.dn, 3), 5),
                (book.stud(12, 70), 2, 0),
                (book.nut(12), 2, 1),
            ],
            [("WC-VASSY", 0.25 + 0.2 * f, 0.2)],
        )
    else:  # butterfly and check valves carry the disc on a shaft or a hinge pin instead of a bonnet
        pin = book.turned(
            f"MP-VSHAFT-{stem_key}-{grade}",
            f"{'阀轴' if s.letter == 'D' else '摇杆销轴'} {stem_key} {'Shaft' if s.letter == 'D' else 'Hinge pin'}",
            grade,
            stem_dia,
            (s.dn * 1.3 + 80) if s.letter == "D" else s.dn * 0.6 + 40,
        )
        extra = (
            [(book.oring(stem_dia + 2, 2.65), 2, 2)]
            if s.letter == "D"
            else [(book.bolt(stud_d, 40), 2, 1), (book.nut(stud_d), 2, 1)]
        )
        upper = book.make(
            f"SA-VDISCASSY-{stem_key}-{s.material}",
            f"{v.disc_zh}组件 {stem_key} {mat.zh} Disc assembly",
            "Sub-assemblies",
            [(disc, 1, 0), (pin, 1, 0), *extra],
            [("WC-VASSY", 0.2 + 0.2 * f, 0.2)],
        )
    lines = [
        (body, 1, 0),
        (upper, 1, 0),
        (_drive_part(book, s), 1, 0),
        (book.gasket(s.dn, max(s.pn, 16)), 1, 2),
        (book.stud(stud_d, 60 + stud_d * 3), studs, 0),
        (book.nut(stud_d), studs * 2, 1),
        (book.paint("PRIMER"), round(0.05 + body_kg * 0.004, 3), 10),
        (book.paint("TOPCOAT"), round(0.05 + body_kg * 0.004, 3), 10),
        (book.nameplate("VALVE"), 1, 0),
        (book.crate(crate_for(body_kg * 1.6)), 1, 0),
    ]
    if s.letter in "ZJQ":
        lines.insert(2, (disc, 1, 0))
    if s.letter == "Q":
        lines.append((book.ptfe_seat(s.dn), 2, 2))
    elif s.letter != "D":
        seat = book.turned(
            f"MP-VSEAT-DN{s.dn}-{grade}", f"阀座 DN{s.dn} Seat ring", grade, s.dn + 20, 25 + s.dn * 0.1, grind=True
        )
        lines.append((seat, 2 if s.letter == "Z" else 1, 0))
    drive_zh, drive_en = VALVE_DRIVES[s.drive], VALVE_DRIVES_EN[s.drive]
    return book.make(
        s.code,
        f"{v.zh} {s.model} DN{s.dn} {mat.zh} {drive_zh} {v.en}, {drive_en}, PN{s.pn}",
        FAMILIES[s.letter],
        lines,
        [
            ("WC-VASSY", 0.3 + 0.5 * f, 0.3),
            ("WC-PTEST", 0.2 + 0.3 * f, 0.2),
            ("WC-PAINT", 0.1 + 0.1 * f, 0.2),
            ("WC-PACK", 0.1 + 0.05 * f, 0.1),
        ],
        finished=True,
    )
