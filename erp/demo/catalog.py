"""What the demo company makes and buys: real pump, valve and motor series, materials and their prices.

The sizes follow the Chinese standard series (IS/ISG/IH end-suction and inline pumps, D multistage pumps,
WQ submersible pumps, YE3/YE4/YBX3 motors, GB valve model codes) so that model names look like the real
thing. Prices are 2025 purchase prices in CNY, rounded; they only need the right magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Material:
    """A wetted-part material: its casting price and the bar grade its shafts and stems are turned from."""

    code: str
    zh: str
    en: str
    casting_price_kg: float
    bar_grade: str


MATERIALS: dict[str, Material] = {
    m.code: m
    for m in (
        Material("HT", "HT250灰铸铁", "grey cast iron", 9.2, "45"),
        Material("QT", "QT450球墨铸铁", "ductile iron", 11.5, "45"),
        Material("C", "WCB铸钢", "cast carbon steel", 17.0, "2Cr13"),
        Material("P", "CF8(304)不锈钢", "stainless steel 304", 38.0, "304"),
        Material("R", "CF8M(316)不锈钢", "stainless steel 316", 47.0, "316"),
        Material("DS", "2205双相钢", "duplex steel 2205", 72.0, "2205"),
    )
}

# Round bar: price per kg by grade, and the diameters stocked.
BAR_PRICE_KG = {
    "45": 5.6,
    "40Cr": 6.8,
    "2Cr13": 13.5,
    "304": 19.5,
    "316": 28.0,
    "2205": 46.0,
    "Q235B": 4.6,
    "QAl9-4": 68.0,
}
BAR_DIAMETERS = (20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100, 110, 120, 140, 160)

# Pumps ---------------------------------------------------------------------------------------------

# IS/IH end-suction sizes: (inlet DN, outlet DN, impeller diameter mm).
END_SUCTION_SIZES = (
    (50, 32, 125),
    (50, 32, 160),
    (50, 32, 200),
    (50, 32, 250),
    (65, 50, 125),
    (65, 50, 160),
    (65, 40, 200),
    (65, 40, 250),
    (65, 40, 315),
    (80, 65, 125),
    (80, 65, 160),
    (80, 50, 200),
    (80, 50, 250),
    (80, 50, 315),
    (100, 80, 125),
    (100, 80, 160),
    (100, 65, 200),
    (100, 65, 250),
    (100, 65, 315),
    (125, 100, 200),
    (125, 100, 250),
    (125, 100, 315),
    (125, 100, 400),
    (150, 125, 250),
    (150, 125, 315),
    (150, 125, 400),
    (200, 150, 250),
    (200, 150, 315),
    (200, 150, 400),
)
# ISG vertical inline sizes: (DN, impeller diameter mm).
INLINE_SIZES = (
    (25, 125),
    (32, 125),
    (32, 160),
    (40, 125),
    (40, 160),
    (40, 200),
    (50, 125),
    (50, 160),
    (50, 200),
    (50, 250),
    (65, 125),
    (65, 160),
    (65, 200),
    (65, 250),
    (80, 125),
    (80, 160),
    (80, 200),
    (80, 250),
    (100, 125),
    (100, 160),
    (100, 200),
    (100, 250),
    (125, 250),
    (125, 315),
    (150, 250),
    (150, 315),
    (200, 250),
    (200, 315),
)
# D multistage: (flow m3/h, head per stage m, impeller diameter mm, outlet DN).
MULTISTAGE_SIZES = (
    (6, 25, 140, 40),
    (12, 25, 150, 50),
    (25, 30, 170, 65),
    (46, 30, 180, 80),
    (85, 45, 220, 100),
    (155, 30, 200, 150),
    (280, 43, 250, 200),
    (450, 60, 300, 250),
)
MULTISTAGE_STAGES = (2, 3, 4, 5, 6, 7, 8, 9, 10)
# WQ submersible sewage: (outlet DN, flow m3/h, head m).
SUBMERSIBLE_SIZES = (
    (50, 10, 10),
    (50, 15, 20),
    (50, 20, 15),
    (65, 25, 15),
    (65, 30, 22),
    (80, 40, 15),
    (80, 43, 13),
    (100, 65, 15),
    (100, 80, 20),
    (100, 100, 15),
    (125, 130, 15),
    (150, 145, 9),
    (150, 180, 20),
    (150, 200, 30),
    (200, 300, 15),
    (200, 400, 13),
    (250, 500, 15),
    (250, 600, 20),
    (300, 800, 12),
    (300, 1000, 15),
)

# Motors ---------------------------------------------------------------------------------------------

STANDARD_KW = (0.55, 0.75, 1.1, 1.5, 2.2, 3, 4, 5.5, 7.5, 11, 15, 18.5, 22, 30, 37, 45, 55, 75, 90, 110, 132, 160)

# IEC frame by (poles, kW) for the YE3 series (GB 18613 efficiency class 3).
MOTOR_FRAMES: dict[int, dict[float, str]] = {
    2: {
        0.75: "80M1",
        1.1: "80M2",
        1.5: "90S",
        2.2: "90L",
        3: "100L",
        4: "112M",
        5.5: "132S1",
        7.5: "132S2",
        11: "160M1",
        15: "160M2",
        18.5: "160L",
        22: "180M",
        30: "200L1",
        37: "200L2",
        45: "225M",
        55: "250M",
        75: "280S",
        90: "280M",
        110: "315S",
        132: "315M",
        160: "315L1",
    },
    4: {
        0.55: "80M1",
        0.75: "80M2",
        1.1: "90S",
        1.5: "90L",
        2.2: "100L1",
        3: "100L2",
        4: "112M",
        5.5: "132S",
        7.5: "132M",
        11: "160M",
        15: "160L",
        18.5: "180M",
        22: "180L",
        30: "200L",
        37: "225S",
        45: "225M",
        55: "250M",
        75: "280S",
        90: "280M",
        110: "315S",
        132: "315M",
        160: "315L1",
    },
    6: {
        0.75: "90S",
        1.1: "90L",
        1.5: "100L",
        2.2: "112M",
        3: "132S",
        4: "132M1",
        5.5: "132M2",
        7.5: "160M",
        11: "160L",
        15: "180L",
        18.5: "200L1",
        22: "200L2",
        30: "225M",
        37: "250M",
        45: "280S",
        55: "280M",
        75: "315S",
        90: "315M",
    },
}

# Series: (zh name, en name, cost factor against YE3).
MOTOR_SERIES = {
    "YE3": ("YE3超高效三相异步电动机", "YE3 premium-efficiency induction motor", 1.0),
    "YE4": ("YE4超超高效三相异步电动机", "YE4 super-premium-efficiency induction motor", 1.18),
    "YBX3": ("YBX3隔爆型三相异步电动机", "YBX3 flameproof induction motor", 1.45),
}
MOTOR_MOUNTINGS = {"B3": "卧式底脚安装", "B35": "底脚带法兰安装", "B5": "法兰安装"}

# Deep-groove ball bearing at the drive end by frame height, and its price (CNY).
MOTOR_BEARINGS = {
    80: "6204-2Z",
    90: "6205-2Z",
    100: "6206-2Z",
    112: "6306-2Z",
    132: "6308-2Z",
    160: "6309",
    180: "6311",
    200: "6312",
    225: "6313",
    250: "6314",
    280: "6317",
    315: "6319",
}
BEARING_PRICES = {
    "6204-2Z": 6.5,
    "6205-2Z": 7.8,
    "6206-2Z": 10.5,
    "6305-2Z": 12.0,
    "6306-2Z": 15.5,
    "6307-2Z": 19.0,
    "6308-2Z": 24.0,
    "6309": 31.0,
    "6310": 42.0,
    "6311": 55.0,
    "6312": 68.0,
    "6313": 86.0,
    "6314": 105.0,
    "6317": 180.0,
    "6319": 260.0,
    "7306BEP": 95.0,
    "7308BEP": 140.0,
    "7310BEP": 210.0,
    "7313BEP": 360.0,
    "NU319": 620.0,
}

# Pump bearing frames: (name, max impeller diameter, bearings, shaft diameter at the seal).
PUMP_FRAMES = (
    ("WX25", 160, ("6305-2Z", "6306-2Z"), 25),
    ("WX35", 250, ("6307-2Z", "7306BEP"), 35),
    ("WX45", 315, ("6309", "7308BEP"), 45),
    ("WX55", 400, ("6311", "7310BEP"), 55),
)

# Valves ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValveType:
    """A GB valve series: ``Z41H`` is a flanged (4) wedge (1) gate valve (Z) with a Cr13 (H) seat."""

    letter: str
    code: str
    zh: str
    en: str
    disc_zh: str
    dns: tuple[int, ...]
    pns: tuple[int, ...]
    materials: tuple[str, ...]
    drives: tuple[str, ...]  # "" manual, "9" electric, "6" pneumatic, "3" worm gear


VALVE_TYPES = (
    ValveType(
        "Z",
        "41H",
        "闸阀",
        "Gate valve",
        "闸板",
        (50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 600),
        (16, 25, 40, 64),
        ("C", "P", "R"),
        ("", "9"),
    ),
    ValveType(
        "J",
        "41H",
        "截止阀",
        "Globe valve",
        "阀瓣",
        (15, 20, 25, 32, 40, 50, 65, 80, 100, 125, 150, 200),
        (16, 25, 40, 64),
        ("C", "P", "R"),
        ("", "9"),
    ),
    ValveType(
        "Q",
        "41F",
        "球阀",
        "Ball valve",
        "球体",
        (15, 20, 25, 32, 40, 50, 65, 80, 100, 125, 150, 200, 250, 300),
        (16, 25, 40, 64),
        ("C", "P", "R"),
        ("", "9", "6"),
    ),
    ValveType(
        "D",
        "71X",
        "蝶阀",
        "Butterfly valve",
        "蝶板",
        (50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 600),
        (10, 16),
        ("QT", "C", "P"),
        ("3", "9", "6"),
    ),
    ValveType(
        "H",
        "44H",
        "止回阀",
        "Swing check valve",
        "阀瓣",
        (50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500),
        (16, 25, 40, 64),
        ("C", "P", "R"),
        ("",),
    ),
)
VALVE_DRIVES = {"": "手动", "3": "蜗轮传动", "9": "电动", "6": "气动"}
VALVE_DRIVES_EN = {"": "manual", "3": "worm gear", "9": "electric", "6": "pneumatic"}


# Work centers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCenterSpec:
    code: str
    name: str
    cost_center: str
    labour_rate: float  # CNY per hour
    overhead_rate: float  # CNY per hour
    hours_per_day: float


WORK_CENTERS = (
    WorkCenterSpec("WC-SAW", "带锯下料 Bar sawing", "PRD-MACH", 46, 22, 16),
    WorkCenterSpec("WC-CNCL", "数控车床 CNC turning", "PRD-MACH", 72, 85, 16),
    WorkCenterSpec("WC-VMC", "立式加工中心 Machining centre", "PRD-MACH", 78, 120, 16),
    WorkCenterSpec("WC-BORE", "数控镗床 CNC boring", "PRD-MACH", 76, 110, 8),
    WorkCenterSpec("WC-GRND", "外圆磨床 Cylindrical grinding", "PRD-MACH", 70, 80, 8),
    WorkCenterSpec("WC-DRL", "摇臂钻 Radial drilling", "PRD-MACH", 55, 30, 8),
    WorkCenterSpec("WC-BAL", "动平衡机 Dynamic balancing", "PRD-MACH", 62, 45, 8),
    WorkCenterSpec("WC-WELD", "焊接 Welding", "PRD-PUMP", 68, 55, 16),
    WorkCenterSpec("WC-PASSY", "泵装配线 Pump assembly", "PRD-PUMP", 60, 35, 16),
    WorkCenterSpec("WC-SKID", "成套装配 Package assembly", "PRD-PUMP", 66, 40, 8),
    WorkCenterSpec("WC-PRESS", "冲压 Lamination punching", "PRD-MOTOR", 60, 110, 16),
    WorkCenterSpec("WC-WIND", "绕线嵌线 Winding", "PRD-MOTOR", 58, 40, 16),
    WorkCenterSpec("WC-VPI", "真空浸漆 VPI impregnation", "PRD-MOTOR", 52, 70, 24),
    WorkCenterSpec("WC-DCAST", "转子铸铝 Rotor die casting", "PRD-MOTOR", 60, 95, 16),
    WorkCenterSpec("WC-MASSY", "电机装配 Motor assembly", "PRD-MOTOR", 62, 35, 16),
    WorkCenterSpec("WC-VASSY", "阀门装配 Valve assembly", "PRD-VALVE", 58, 30, 16),
    WorkCenterSpec("WC-PTEST", "水压试验 Hydrostatic test", "QA", 65, 60, 8),
    WorkCenterSpec("WC-PERF", "泵性能试验台 Pump test bench", "QA", 70, 150, 8),
    WorkCenterSpec("WC-MTEST", "电机试验站 Motor test bay", "QA", 68, 120, 8),
    WorkCenterSpec("WC-PAINT", "喷涂 Painting", "PRD-PUMP", 50, 65, 16),
    WorkCenterSpec("WC-PACK", "包装 Packing", "WH", 42, 15, 8),
)

# Workshops under the production cost center (the seeds hold the departments).
WORKSHOP_COST_CENTERS = (
    ("PRD-MACH", "机加工车间", "PRD"),
    ("PRD-PUMP", "泵装配车间", "PRD"),
    ("PRD-MOTOR", "电机车间", "PRD"),
    ("PRD-VALVE", "阀门车间", "PRD"),
)
