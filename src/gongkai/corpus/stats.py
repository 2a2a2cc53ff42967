"""Statistics per region and year from the corpus, as a table and as SVG charts.

Each ratio is computed only over the reports that print every number it needs (a blank
numerator or denominator drops that report from that ratio, never counts as 0), and each row
says how many reports a figure rests on.  Ratios are of sums ("pooled"), so a large county
weighs more than a small town, which is what a supervisor's regional figure means.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from gongkai.corpus.store import STAT_CELLS, STAT_RATIOS

if TYPE_CHECKING:
    from gongkai.corpus.store import Counted, StatGroups, Store, StoredReport
    from gongkai.errors import NotFound

    Listed = StoredReport | Counted  # a report as the statistics choose and group it

# (key, Chinese heading, unit, number format) in the order of the table and the charts.
METRICS = [
    ("reports", "报告份数", "份", "{:,.0f}"),
    ("received", "本年新收申请", "件", "{:,.0f}"),
    ("granted_share", "予以公开占比", "%", "{:.1f}"),
    ("not_held_share", "本机关不掌握占比", "%", "{:.1f}"),
    ("reviews_per_100", "每百件申请的行政复议", "件", "{:.2f}"),
    ("lawsuits_per_100", "每百件申请的行政诉讼", "件", "{:.2f}"),
    ("correction_rate", "复议诉讼纠错率", "%", "{:.1f}"),
    ("findings", "检查发现", "条", "{:,.0f}"),
]
# The metrics that rest on some of a row's reports (those that print the numbers they need).
BASED_ON = ("received", "granted_share", "not_held_share", "reviews_per_100", "lawsuits_per_100", "correction_rate")
# Each such metric's ratio (store.STAT_RATIOS: the numbers it sums).
RATIO_OF = dict(zip(BASED_ON, ("received", "granted", "not_held", "reviews", "lawsuits", "corrected"), strict=True))


class _Ratio(NamedTuple):
    """A ratio's sums over the reports that print every number it needs (``Store.stat_sums``)."""
    num: Any
    den: Any
    n: int  # how many reports

    def value(self, scale: float) -> float | None:
        return None if self.n == 0 or not self.den else float(self.num) / float(self.den) * scale


@dataclass
class StatRow:
    region: str
    code: str | None
    year: int | None
    values: dict[str, float | None] = field(default_factory=dict)
    based_on: dict[str, int] = field(default_factory=dict)  # metric -> reports it rests on
    covered: int = 0  # reports whose figures a 人民政府's whole-area report of the row already holds
    # Summed reports whose own sums over a cell the figures use do not hold (added as printed):
    # "#7 某某局 2024：表三“（七）总计”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3".
    unsound: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # the reports counted in the row, by number
    # Summed reports whose own text states another figure than a cell the figures use (the checker's
    # TEXT-TABLE or TEXT-COMBINED error, as the roll-up marks them; added as printed):
    # "#7 某某局 2024：正文所述……与表三……不一致", and the metrics whose sums hold such a number.
    contradicted: list[str] = field(default_factory=list)
    contradicted_in: list[str] = field(default_factory=list)

    def figure(self, key: str) -> float | str | None:
        """The figure; ``NO_BASE`` for a ratio whose reports print its numbers but over 0 (no
        requests, no review or lawsuit decided); None when no report prints them (blank, undecided)."""
        value = self.values.get(key)
        return NO_BASE if value is None and self.based_on.get(key) else value

    def partial(self, key: str) -> str:
        """``3/5`` when the figure rests on 3 of the row's 5 summed reports (the others left a
        number it needs blank or undecided); "" when on all of them, or when there is no figure."""
        based, reports = self.based_on.get(key), self.values.get("reports")
        if reports:
            reports -= self.covered
        if based is None or self.values.get(key) is None or not reports or based >= reports:
            return ""
        return f"{based}/{reports}"


@dataclass
class StatsTable:
    level: str
    rows: list[StatRow]
    rules: dict[str, int]  # finding rule -> count over the whole corpus
    rules_by_row: dict[tuple[str, int | None], dict[str, int]]
    # Further reports of a body and year already counted ("#7 某某局 2024"), not counted again.
    duplicates: list[str] = field(default_factory=list)
    # Reports counted, but not summed into the figures: a 人民政府's report of their area in the
    # same row already holds them ("#12 某某镇人民政府 2024（已含在 #9 某某县人民政府 的全地区报告中）").
    covered: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """One flat dict a row, with the same keys in every row (``pandas.DataFrame(table.records())``):
        ``region``, ``region_code``, ``year``, each metric (``reports`` … ``findings``; None when no
        report prints the numbers it needs, never 0), ``<metric>_reports`` (how many reports the
        figure rests on), ``covered_reports``, ``unsound_reports``, ``unsound`` (the texts) and
        ``contradicted_reports``, ``contradicted`` (summed reports whose own text states another
        figure than a cell used: the texts), ``contradicted_in`` (the metrics whose sums hold such a
        number) and ``report_ids`` (the reports counted in the row).  The CSV (``write_csv``)
        writes these columns but ``report_ids``."""
        out = []
        for row in self.rows:
            record: dict[str, Any] = {"region": row.region, "region_code": row.code, "year": row.year}
            record.update((key, row.values.get(key)) for key, _, _, _ in METRICS)
            record.update((f"{key}_reports", row.based_on.get(key, 0)) for key in BASED_ON)
            record.update(covered_reports=row.covered, unsound_reports=len({u.split("：")[0] for u in row.unsound}),
                          unsound=list(row.unsound),
                          contradicted_reports=len({c.split("：")[0] for c in row.contradicted}),
                          contradicted=list(row.contradicted), contradicted_in=list(row.contradicted_in),
                          report_ids=list(row.ids))
            out.append(record)
        return out


# The levels a table can be by, and how each is named: a division (its row sums the reports placed
# in it) or one body (its row is that body's own report of the year: a series over the years).
LEVELS = {"province": "省级地区", "city": "市级地区", "county": "县级地区", "body": "机关"}
NO_REPORT = "无报告"  # a year inside a row's span with no report in the corpus: shown so, never 0
NO_BASE = "—"  # a ratio over 0 (a year without requests has no share granted): not 0, not a blank


def _shape() -> str:
    """The fields of a kept table (corpus/kept.py), in its key: a table kept by the same version
    before they changed (a development install) is not read back without them (a number raised
    by hand was forgotten once)."""
    from dataclasses import fields

    return ",".join(f.name for cls in (StatsTable, StatRow) for f in fields(cls))


def _region(level: str, code, province, city, county) -> tuple[str, str | None]:
    """(region name, region code): the body's division at ``level``, or the nearest above it."""
    if code is None:
        return "（未定位）", None
    if level == "province" or (level == "city" and not city) or (level == "county" and not county and not city):
        return province, code[:2] + "0000"
    if level == "city" or not county:
        return f"{province}{city}", code[:4] + "00"
    return f"{province}{city or ''}{county}", code[:6]


def short_name(row: StatRow) -> str:
    """The region's own name without its parents (for narrow tables and chart labels); a body's
    name as printed."""
    from gongkai.format.places import division

    d = division(row.code) if row.code and row.code.isdigit() else None  # a body's code is its identity
    return d.name if d else row.region


def missing_years(table: StatsTable) -> list[tuple[StatRow, list[int]]]:
    """Each row's region (its first row) with the years between its first and last that have no
    report in the corpus: a gap in a series, shown as such (a chart's 无报告), never as 0."""
    years: dict[str, list[StatRow]] = {}
    for row in table.rows:
        if row.year is not None:
            years.setdefault(row.region, []).append(row)
    out = []
    for rows in years.values():
        have = {r.year for r in rows if r.year is not None}
        gap = [y for y in range(min(have), max(have) + 1) if y not in have]
        if gap:
            out.append((rows[0], gap))
    return out


def compute(store: Store, level: str = "city", region: str = "", agency: str = "", body: str = "") -> StatsTable:
    """``computed``'s table, kept while the corpus has not changed (``corpus/kept.py``): the
    statistics as the web, the API, ``gongkai stats`` and ``Corpus.stats()`` give them."""
    from gongkai.corpus.kept import remembered

    return remembered(store, ["stats", _shape(), level, region, agency, body],
                      lambda: computed(store, level, region, agency, body), _dump, _load)


def _dump(table: StatsTable) -> dict[str, Any]:
    """A table as JSON keeps it exactly (a sum PostgreSQL gives as a Decimal stays one)."""
    def value(v: Any) -> Any:
        return {"decimal": str(v)} if isinstance(v, Decimal) else v

    return {"level": table.level,
            "rows": [[r.region, r.code, r.year, [[k, value(v)] for k, v in r.values.items()], list(r.based_on.items()),
                      r.covered, r.unsound, r.ids, r.contradicted, r.contradicted_in] for r in table.rows],
            "rules": list(table.rules.items()),
            "rules_by_row": [[region, year, list(by.items())] for (region, year), by in table.rules_by_row.items()],
            "duplicates": table.duplicates, "covered": table.covered}


def _load(kept: dict[str, Any]) -> StatsTable:
    def value(v: Any) -> Any:
        return Decimal(v["decimal"]) if isinstance(v, dict) else v

    rows = [StatRow(region, code, year, {k: value(v) for k, v in values}, dict(based_on), covered, unsound, ids,
                    contradicted, contradicted_in)
            for region, code, year, values, based_on, covered, unsound, ids, contradicted, contradicted_in in kept["rows"]]
    return StatsTable(kept["level"], rows, dict(kept["rules"]),
                      {(region, year): dict(by) for region, year, by in kept["rules_by_row"]},
                      kept["duplicates"], kept["covered"])


def computed(store: Store, level: str = "city", region: str = "", agency: str = "", body: str = "") -> StatsTable:
    """The statistics of the reports placed in ``region`` (a division code prefix such as
    ``3208``; "" for the whole corpus), one row per division at ``level`` and year — or, at
    ``level="body"``, per body (by its identity: 洪泽区人民政府 and 淮安市洪泽区人民政府 are one) and
    year.  ``agency``: only the reports of bodies that name (``places.same_body``) or whose name
    contains it; ``body``: only the reports of the body of that identity (``body_key``)."""
    docs: dict[int, tuple[str, str | None, int | None]] = {}  # id -> (region, code, year)
    duplicates: list[str] = []
    counted: set[tuple[str, int | None]] = set()
    kept: list[Counted] = []
    # One report a body and year (the same report met twice — the web page and its PDF, a
    # repost, a corrected re-send — would count its figures twice): the one received last
    # (``store.received``), as `rollup --region`, the cross-year checks and the 名录. The database
    # lists them by body and year, each body's reports of a year the counted first (``received_desc``).
    chosen = [r for r in store.in_counting_order(region, body=body) if _wanted(r, agency, body)]
    bodies = _body_names(chosen) if level == "body" else {}
    for r in chosen:
        if r.agency_key:
            if (r.agency_key, r.year) in counted:
                duplicates.append(f"#{r.id} {r.agency} {r.year or ''}".strip())
                continue
            counted.add((r.agency_key, r.year))
        name, code = bodies[r.id] if level == "body" else _region(level, r.code, r.province, r.city, r.county)
        docs[r.id] = (name, code, r.year)
        kept.append(r)
    covered = _covered(kept, {i: (d[0], d[2]) for i, d in docs.items()})
    # The figures are summed by the database (Store.stat_sums over stat_cells), one group a row:
    # the reports' 1.3 million cells of a whole corpus are not read into Python.
    groups: dict[tuple[str, int | None], dict] = {}
    grouped: list[tuple[int, int, bool]] = []
    for doc_id, (region, rcode, year) in docs.items():
        g = groups.setdefault((region, year), {"n": len(groups), "code": rcode, "reports": 0, "covered": 0,
                                               "unsound": [], "ids": [], "contradicted": [], "contradicted_in": set()})
        g["ids"].append(doc_id)
        g["reports"] += 1
        if doc_id in covered:  # its figures are in the whole-area report of the row: not summed again
            g["covered"] += 1
        grouped.append((doc_id, g["n"], doc_id not in covered))
    in_groups = store.stat_groups(grouped)
    sums = store.stat_sums(in_groups)
    findings = store.stat_finding_counts(in_groups)
    unsound = _unsound(store, in_groups, kept)
    contradicted = _contradicted(store, in_groups, kept)
    by_number = {g["n"]: g for g in groups.values()}
    for doc_id, n, summed in grouped:
        if summed and doc_id in unsound:
            by_number[n]["unsound"] += unsound[doc_id]
        if summed and doc_id in contradicted:
            by_number[n]["contradicted"] += contradicted[doc_id][0]
            by_number[n]["contradicted_in"] |= contradicted[doc_id][1]

    rows: list[StatRow] = []
    rules: dict[str, int] = {}
    rules_by_row: dict[tuple[str, int | None], dict[str, int]] = {}
    for (region, year), g in sorted(groups.items(), key=lambda kv: (kv[1]["code"] or "999999", kv[0][1] or 0)):
        row = StatRow(region, g["code"], year, covered=g["covered"], unsound=g["unsound"], ids=sorted(g["ids"]),
                      contradicted=g["contradicted"], contradicted_in=[k for k in BASED_ON if k in g["contradicted_in"]])
        ratio = {name: _Ratio(*sums.get(g["n"], {}).get(name, (None, None, 0))) for name in STAT_RATIOS}
        by_rule = findings.get(g["n"], {})
        row.values = {
            "reports": g["reports"],
            # (PostgreSQL sums counts as numeric: a count stays an int, as SQLite gives it — the API's
            # JSON wrote a Decimal as the string "5")
            "received": _count(ratio["received"].num) if ratio["received"].n else None,
            "granted_share": ratio["granted"].value(100),
            "not_held_share": ratio["not_held"].value(100),
            "reviews_per_100": ratio["reviews"].value(100),
            "lawsuits_per_100": ratio["lawsuits"].value(100),
            "correction_rate": ratio["corrected"].value(100),
            "findings": sum(by_rule.values()),
        }
        row.based_on = {"received": ratio["received"].n, "granted_share": ratio["granted"].n,
                        "not_held_share": ratio["not_held"].n, "reviews_per_100": ratio["reviews"].n,
                        "lawsuits_per_100": ratio["lawsuits"].n, "correction_rate": ratio["corrected"].n}
        rows.append(row)
        rules_by_row[(region, year)] = dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])))
        for rule, n in by_rule.items():
            rules[rule] = rules.get(rule, 0) + n
    return StatsTable(level, rows, dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))), rules_by_row,
                      sorted(duplicates, key=lambda d: int(d[1:].split(" ")[0])),
                      [text for _, text in sorted(covered.items())])


def _count(total: Any) -> Any:
    """A sum of counts as an int (PostgreSQL's SUM of integers is a Decimal)."""
    return int(total) if isinstance(total, Decimal) and total == total.to_integral_value() else total


def unknown_body(name: str, region: str = "") -> NotFound:
    """The error of statistics asked for a body the corpus (in ``region``) has no report of — the
    CLI's message, the API's 404, the library's ``NotFound`` — not an empty table."""
    from gongkai.errors import NotFound, shown

    where = f"地区 {shown(region)} 中" if region else "语料库中"
    return NotFound(f"{where}没有机关“{shown(name)}”的报告。")


def select(store: Store, region: str = "", year: int | None = None, agency: str = "", body: str = "") -> list[StoredReport]:
    """The readable reports in ``region`` (a code prefix) and ``year``, of the bodies ``agency``
    names or whose name contains it, of the body of identity ``body`` (``body_key``), by number."""
    return [r for r in store.reports(region, year, body=body) if _wanted(r, agency, body)]


def _wanted(r: Listed, agency: str, body: str) -> bool:
    return (not agency or matches_agency(r, agency)) and (not body or body_key(r.code, r.unit, r.agency_key, r.agency) == body)


def matches_agency(r: Listed, agency: str) -> bool:
    """Whether ``r`` is of a body that ``agency`` names (however printed: ``places.same_body``) or whose
    name contains it."""
    from gongkai.format.places import same_body

    return bool(r.agency) and (same_body(r.agency, agency) is True or "".join(agency.split()) in (r.agency or ""))


def body_key(code: str | None, unit: str | None, agency_key: str | None, agency: str | None) -> str | None:
    """Which body a report is of, as the statistics by body (and the web's 汇总) group and choose
    bodies: its identity (``places.identity``: ``320813/`` for 洪泽区人民政府 however printed), or
    its name as printed when it has neither a placement nor a name key."""
    from gongkai.format.places import identity

    return identity(code, unit, agency_key) or agency or None


def _body_names(reports: Sequence[Listed]) -> dict[int, tuple[str, str | None]]:
    """report id -> (its body's name, code): one body however its name was printed, named as in
    its latest report; a body that could not be placed by its name as printed."""
    latest: dict[str, Listed] = {}
    key = {r.id: body_key(r.code, r.unit, r.agency_key, r.agency) or f"#{r.id}" for r in reports}
    for r in sorted(reports, key=lambda r: (r.year or 0, r.id)):
        latest[key[r.id]] = r
    return {r.id: (latest[key[r.id]].agency or key[r.id], key[r.id]) for r in reports}


def _unsound(store: Store, in_groups: StatGroups, reports: Sequence[Listed]) -> dict[int, list[str]]:
    """report id -> its own sums that fail over a cell the figures use, as "#id 机关 年度：which row,
    the figures" (the finding's first sentence: the fact, not the advice to the clerk)."""
    from gongkai.check.arithmetic import RULE_IDS

    needed = set(STAT_CELLS.values())
    out: dict[int, list[str]] = {}
    found = store.stat_findings(in_groups, sorted(RULE_IDS))
    if not found:
        return out
    by_id = {r.id: r for r in reports}
    for report_id, cells, message in found:
        if needed & set((cells or "").split(";")):
            r = by_id[report_id]
            who = " ".join(str(part) for part in (f"#{report_id}", r.agency, r.year) if part)
            out.setdefault(report_id, []).append(f"{who}：{message.split('。')[0]}")
    return out


def _contradicted(store: Store, in_groups: StatGroups, reports: Sequence[Listed]) -> dict[int, tuple[list[str], set[str]]]:
    """report id -> (its own text against a cell the figures use, named as ``_unsound`` names a
    failing sum — "#id 机关 年度：" and the finding's first sentence, what the text says and the table
    prints —, the metrics whose sums take that cell's number: those of the ratios needing it, when
    the report prints every number the ratio needs).  The findings the roll-up takes
    (``rollup.CONTRADICTING_RULES``, errors only), from the store: no report is read again."""
    from gongkai.corpus.rollup import CONTRADICTING_RULES

    out: dict[int, tuple[list[str], set[str]]] = {}
    found = store.stat_findings(in_groups, CONTRADICTING_RULES, severity="error")
    column_of = {cell_id: column for column, cell_id in STAT_CELLS.items()}
    used = [(report_id, {column_of[c] for c in (cells or "").split(";") if c in column_of}, message)
            for report_id, cells, message in found]
    used = [u for u in used if u[1]]
    if not used:
        return out
    values = store.stat_values({report_id for report_id, _, _ in used})
    by_id = {r.id: r for r in reports}
    for report_id, columns, message in used:
        r = by_id[report_id]
        printed = dict(zip(STAT_CELLS, values.get(report_id, ()), strict=False))
        metrics = {key for key, ratio in RATIO_OF.items() if columns & set(STAT_RATIOS[ratio][2])
                   and all(printed.get(c) is not None for c in STAT_RATIOS[ratio][2])}
        who = " ".join(str(part) for part in (f"#{report_id}", r.agency, r.year) if part)
        texts, marked = out.setdefault(report_id, ([], set()))
        texts.append(f"{who}：{message.split('。')[0]}")
        marked |= metrics
    return out


def _area(r: Listed) -> str | None:
    """The code prefix of the area whose whole figures ``r`` reports: a 人民政府 placed at a
    division (not its 办公室, nor a 管委会办公室, which report for themselves); else None."""
    from gongkai.format.places import speaks_for_area

    code = r.code
    if not code or len(code) != 6 or not speaks_for_area(r.agency, r.unit):
        return None
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def _covered(reports: Sequence[Listed], rows: dict[int, tuple[str, int | None]]) -> dict[int, str]:
    """The reports whose figures a whole-area report in their row already holds: a 人民政府's own
    report (a body placed at a division, with no unit) speaks for its whole area, as the roll-up
    by region takes it — its towns' and departments' reports, and a lower 人民政府's, are in it,
    and adding them counted their requests twice."""
    out: dict[int, str] = {}
    governments: dict[tuple[str, int | None], list[tuple[Listed, str]]] = {}  # row -> its governments
    areas = {r.id: _area(r) for r in reports}
    for r in reports:
        if area := areas[r.id]:
            governments.setdefault(rows[r.id], []).append((r, area))
    for r in reports:
        own = areas[r.id]
        for g, area in governments.get(rows[r.id], ()):
            if g.id != r.id and (r.code or "").startswith(area) and (own is None or len(own) > len(area)):
                out[r.id] = f"#{r.id} {r.agency} {r.year or ''}（已含在 #{g.id} {g.agency} 的全地区报告中）"
                break
    return out

CSV_COLUMNS = ["region", "region_code", "year", *(k for k, _, _, _ in METRICS), *(f"{k}_reports" for k in BASED_ON),
               "covered_reports", "unsound_reports", "unsound", "contradicted_reports", "contradicted", "contradicted_in"]


def csv_rows(table: StatsTable, ids: bool = False) -> list[list[Any]]:
    """``table.records()`` as the CSV's rows (``CSV_COLUMNS``; ``stats --csv``, ``/api/corpus/stats?format=csv``):
    a blank figure an empty field, ``unsound`` joined by "；"; ``ids``: a last column ``report_ids``
    (the numbers joined by ";", as ``/api/corpus/stats?ids=1&format=csv``), else without it."""
    return [[*(_csv_cell(record[key]) for key in CSV_COLUMNS),
             *((";".join(map(str, record["report_ids"])),) if ids else ())] for record in table.records()]


def write_csv(table: StatsTable, path: str) -> None:
    """The statistics as CSV (UTF-8 with a BOM for Excel)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        w.writerows(csv_rows(table))


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "；".join(value)
    return "" if value is None else round(value, 6) if isinstance(value, float) else value


def chart_items(table: StatsTable, key: str) -> list[tuple[str, float | str | None]]:
    """(label, value) of one metric's bars: a figure resting on part of the region's reports
    says on how many (``（3/5份）``), as the table does; a year with no report between a
    region's first and last stands in its place as ``NO_REPORT`` (not a 0 bar, not left out), a
    ratio over 0 as ``NO_BASE``."""
    gaps = {row.region: years for row, years in missing_years(table)}
    items: list[tuple[str, float | str | None]] = []
    for i, r in enumerate(table.rows):
        items.append((f"{short_name(r)} {r.year or ''}".strip() + (f"（{r.partial(key)}份）" if r.partial(key) else ""),
                      r.figure(key)))
        after = table.rows[i + 1] if i + 1 < len(table.rows) else None
        if r.year is not None and r.region in gaps:
            upto = after.year if after is not None and after.region == r.region and after.year else r.year
            items += [(f"{short_name(r)} {y}", NO_REPORT) for y in gaps[r.region] if r.year < y < upto]
    return items


def write_svgs(table: StatsTable, directory: str) -> list[str]:
    from gongkai.render.charts import hbar_chart

    os.makedirs(directory, exist_ok=True)
    written = []
    for key, head, unit, fmt in METRICS:
        items = chart_items(table, key)
        path = os.path.join(directory, f"{key}.svg")
        with open(path, "w", encoding="utf-8") as f:
            f.write(hbar_chart(head, items, unit, fmt))
        written.append(path)
    path = os.path.join(directory, "findings_by_rule.svg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(hbar_chart("检查发现（按规则）", list(table.rules.items()), "条"))
    written.append(path)
    return written
