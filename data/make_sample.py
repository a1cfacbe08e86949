"""Write the SIMULATED sample yearbook in data/raw (deterministic; run with `make sample`).

No public file holds Lianyungang's energy, water or waste statistics (see the data log in
data/raw/README.md), so the sample that `make report` runs on is simulated. Every table says so
in its title, its English title and its footnote, and the report repeats it. The numbers are
plausible paths made by a seeded random generator; they are NOT Lianyungang's statistics.

The workbook imitates the layouts of a printed city statistical yearbook: bilingual title rows,
unit lines, merged headers, years across the columns in some tables and down the rows in
others, a unit column, indented "of which" rows, markers for years not collected, footnotes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment

OUT = Path(__file__).resolve().parent / "raw" / "lianyungang-yearbook-SIMULATED.xlsx"
YEARS = list(range(2013, 2025))
SEED = 20211
NOTE_ZH = "注：本表为模拟数据（SIMULATED），仅用于演示 greenstats，不是连云港市的统计数据。"
NOTE_EN = (
    "Note: simulated data for demonstrating greenstats; not official statistics of Lianyungang."
)

rng = np.random.default_rng(SEED)


def path(start: float, growth: float, noise: float) -> np.ndarray:
    """A geometric path with multiplicative noise."""
    steps = growth + rng.normal(0.0, noise, len(YEARS) - 1)
    return start * np.concatenate([[1.0], np.cumprod(1 + steps)])


def share(start: float, end: float, noise: float, cap: float = 99.5) -> np.ndarray:
    """A share drifting linearly from start to end with noise, kept below cap."""
    base = np.linspace(start, end, len(YEARS))
    return np.minimum(base + rng.normal(0.0, noise, len(YEARS)), cap)


def title_block(ws, number: str, zh: str, en: str, unit: str | None, ncols: int) -> int:
    ws.cell(1, 1, f"{number}  连云港市{zh}（模拟数据）")
    ws.cell(2, 1, f"{en} (SIMULATED DATA)")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    row = 3
    if unit:
        ws.cell(3, ncols, unit).alignment = Alignment(horizontal="right")
        row = 4
    return row


def footer(ws, row: int) -> None:
    ws.cell(row, 1, NOTE_ZH)
    ws.cell(row + 1, 1, NOTE_EN)


def years_across(ws, number, zh, en, rows, *, unit_line=None, unit_col=True):
    """Indicators down the stub, years across the columns (rows: label, unit, values)."""
    ncols = len(YEARS) + (2 if unit_col else 1)
    r = title_block(ws, number, zh, en, unit_line, ncols)
    ws.cell(r, 1, "指      标\nIndicator")
    c0 = 2
    if unit_col:
        ws.cell(r, 2, "计量单位\nUnit")
        c0 = 3
    for j, y in enumerate(YEARS):
        ws.cell(r, c0 + j, y)
    for i, (label, unit, values) in enumerate(rows, start=r + 1):
        ws.cell(i, 1, label)
        if unit_col:
            ws.cell(i, 2, unit)
        for j, v in enumerate(values):
            ws.cell(i, c0 + j, v if isinstance(v, str) else round(float(v), 2))
    footer(ws, r + len(rows) + 2)


def years_down(ws, number, zh, en, columns, *, unit_line=None):
    """Years down the rows; each column an indicator with its unit in the header."""
    ncols = len(columns) + 1
    r = title_block(ws, number, zh, en, unit_line, ncols)
    ws.cell(r, 1, "年  份\nYear")
    for j, (label, _values) in enumerate(columns, start=2):
        ws.cell(r, j, label)
    for i, y in enumerate(YEARS, start=r + 1):
        ws.cell(i, 1, f"{y}年")
        for j, (_label, values) in enumerate(columns, start=2):
            v = values[i - r - 1]
            ws.cell(i, j, v if isinstance(v, str) else round(float(v), 2))
    footer(ws, r + len(YEARS) + 2)


def main() -> Path:
    gdp_2020 = path(1960.0, 0.068, 0.012)  # 亿元, 2020 prices
    deflator = np.cumprod(np.concatenate([[0.92], 1.018 + rng.normal(0, 0.004, len(YEARS) - 1)]))
    gdp_current = gdp_2020 * deflator
    industry_va = gdp_current * share(0.40, 0.36, 0.004)
    energy = path(1750.0, 0.038, 0.015)  # 万吨标准煤
    industrial_energy = energy * share(0.72, 0.67, 0.006)
    co2 = energy * share(2.35, 2.15, 0.02)  # 万吨
    non_fossil = share(4.5, 13.9, 0.25)
    capacity = path(260.0, 0.11, 0.03)  # 万千瓦
    water = 28.9 + np.cumsum(rng.normal(-0.03, 0.25, len(YEARS)))  # 亿立方米
    agri_water = water * share(0.72, 0.66, 0.005)
    ind_water = water * share(0.16, 0.17, 0.004)

    wb = Workbook()
    ws = wb.active
    ws.title = "3-1"
    years_across(
        ws,
        "3-1",
        "能源消费主要指标",
        "Main Indicators of Energy Consumption, Lianyungang",
        [
            ("能源消费总量", "万吨标准煤", energy),
            ("  #规模以上工业能源消费量", "万吨标准煤", industrial_energy),
            ("非化石能源占一次能源消费比重", "%", non_fossil),
            ("二氧化碳排放量", "万吨", co2),
            ("清洁能源装机容量", "万千瓦", capacity),
        ],
    )

    ws = wb.create_sheet("1-2")
    services = share(44.0, 49.5, 0.35)
    rd = share(1.85, 2.45, 0.04)
    hitech = share(33.0, 44.0, 0.8)
    emerging = share(28.0, 39.0, 0.9)
    ep_revenue = path(95.0, 0.085, 0.03)
    years_down(
        ws,
        "1-2",
        "国民经济主要指标",
        "Main Economic Indicators",
        [
            ("地区生产总值\n(亿元)\nGDP (100 million yuan)", gdp_current),
            ("地区生产总值(2020年价格)\n(亿元)", gdp_2020),
            ("规模以上工业增加值\n(亿元)", industry_va),
            ("服务业增加值占地区生产总值比重\n(%)", services),
            ("研究与试验发展经费支出占地区生产总值比重\n(%)", rd),
            ("高新技术产业产值占规模以上工业总产值比重\n(%)", hitech),
            ("战略性新兴产业产值占规模以上工业总产值比重\n(%)", emerging),
            ("节能环保产业营业收入\n(亿元)", ep_revenue),
        ],
    )

    ws = wb.create_sheet("9-5")
    years_down(
        ws,
        "9-5",
        "用水情况",
        "Water Use",
        [
            ("用水总量", water),
            ("农业用水", agri_water),
            ("工业用水", ind_water),
        ],
        unit_line="单位：亿立方米",
    )

    ws = wb.create_sheet("10-3")
    kitchen = [*(["—"] * 4), *share(55.0, 91.0, 1.2)[4:]]
    years_across(
        ws,
        "10-3",
        "固体废物综合利用与生活垃圾处理",
        "Utilization of Solid Wastes and Treatment of Household Garbage",
        [
            ("一般工业固体废物综合利用率", "%", share(86.0, 93.5, 0.9)),
            ("农作物秸秆综合利用率", "%", share(86.0, 95.6, 0.5)),
            ("生活垃圾无害化处理率", "%", share(96.0, 99.9, 0.3, cap=100.0)),
            ("生活垃圾焚烧处理率", "%", share(48.0, 93.0, 1.5)),
            ("餐厨废弃物无害化处理率", "%", kitchen),
        ],
    )

    ws = wb.create_sheet("11-1")
    fertiliser = path(24.5, -0.022, 0.012)  # 万吨 (折纯)
    years_across(
        ws,
        "11-1",
        "农业绿色发展主要指标",
        "Main Indicators of Green Agriculture",
        [
            ("化肥施用量(折纯)", "万吨", fertiliser),
            ("主要农作物绿色防控覆盖率", "%", share(28.0, 53.0, 1.0)),
            ("畜禽粪污综合利用率", "%", share(78.0, 93.0, 0.8)),
            ("水产健康养殖面积占比", "%", share(48.0, 67.0, 1.0)),
            ("绿色优质农产品比重", "%", share(40.0, 63.0, 1.0)),
            ("城镇绿色建筑占新建建筑比重", "%", share(60.0, 99.0, 1.5, cap=100.0)),
        ],
    )

    ws = wb.create_sheet("5-4")
    n_dash = 4  # counts not collected before 2017
    counts = len(YEARS) - n_dash

    def cumulative(rate: float) -> list:
        return ["—"] * n_dash + list(np.cumsum(rng.poisson(rate, counts)).astype(float))

    hitech_output = path(1150.0, 0.075, 0.03)
    years_across(
        ws,
        "5-4",
        "绿色制造与创新主要指标",
        "Main Indicators of Green Manufacturing and Innovation",
        [
            ("绿色工厂数(累计)", "家", cumulative(1.4)),
            ("智能车间示范工程数(累计)", "家", cumulative(0.9)),
            ("绿色供应链管理示范企业数(累计)", "家", cumulative(0.15)),
            ("绿色园区数(累计)", "个", cumulative(0.12)),
            (
                "省级以上开发区和化工园区循环化改造完成比例",
                "%",
                ["—"] * n_dash + list(share(20.0, 100.0, 4.0, cap=100.0)[n_dash:]),
            ),
            ("高新技术产业产值", "亿元", hitech_output),
            ("研究与试验发展经费支出", "亿元", gdp_current * rd / 100.0),
        ],
    )

    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(OUT)
    return OUT


if __name__ == "__main__":
    print(f"wrote {main()}")
