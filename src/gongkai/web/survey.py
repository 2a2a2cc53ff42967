"""汇总: the corpus of published reports (``gongkai.corpus``): bodies × years, findings by rule,
the regional statistics and their SVG charts (the corpus's own hand-written SVG).

Published reports are public documents, so every signed-in user may read the corpus; a
supervisor's page starts filtered to its region."""

from __future__ import annotations

from django.conf import settings
from django.utils.safestring import mark_safe

LEVELS = {"province": "省", "city": "市", "county": "县"}
MAX_AGENCIES = 300
STATUS = {"ok": "已读取", "failed": "未能读取", "unreadable": "无法读取", "not_a_report": "不是年度报告",
          "timeout": "超时"}


def _store():
    from gongkai.corpus.store import Store

    return Store(settings.CORPUS_URL)


def matrix(store, region: str = "") -> tuple[list[int], list[dict]]:
    """Agencies × years: for each agency and year, the report's status and its findings."""
    from gongkai.corpus.places import identity

    sql = ("SELECT d.agency, d.year, d.status, COALESCE(a.code, ''), d.id, a.unit, d.agency_key, "
           "(SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error'), "
           "(SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id) "
           "FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key "
           "WHERE d.agency IS NOT NULL AND d.year IS NOT NULL")
    params: list = []
    if region:
        sql += " AND a.code LIKE ?"
        params.append(f"{region}%")
    years: set[int] = set()
    agencies: dict[str, dict] = {}
    # One row per body, however its name was printed (洪泽区人民政府 / 淮安市洪泽区人民政府): by
    # its identity; the row is named as its latest report names it.
    for agency, year, status, code, doc_id, unit, key, errors, total in store.query(
            sql + " ORDER BY d.year, d.agency", params):
        years.add(int(year))
        a = agencies.setdefault(identity(code, unit, key) or agency, {"name": agency, "code": code, "years": {}})
        a["name"] = agency
        a["years"][int(year)] = {"status": status, "errors": int(errors), "findings": int(total), "id": doc_id}
    ys = sorted(years)
    rows = []
    for a in sorted(agencies.values(), key=lambda a: a["name"])[:MAX_AGENCIES]:
        a["cells"] = [a["years"].get(y) for y in ys]
        rows.append(a)
    return ys, rows


def page_context(level: str, region: str) -> dict:
    from gongkai.check import rules as rule_catalogue
    from gongkai.corpus.stats import METRICS, compute, short_name
    from gongkai.render.charts import hbar_chart

    if level not in LEVELS:
        level = "city"
    with _store() as store:
        counts = store.counts()
        table = compute(store, level)
        years, agencies = matrix(store, region)
        documents = documents_list(store, region)
    charts = []
    for key, head, unit, fmt in METRICS:
        items = [(f"{short_name(r)} {r.year or ''}".strip(), r.values[key]) for r in table.rows]
        if items:
            charts.append(mark_safe(hbar_chart(head, items, unit, fmt)))
    if table.rules:
        charts.insert(0, mark_safe(hbar_chart("检查发现（按规则）", list(table.rules.items()), "条")))
    catalogue = rule_catalogue()
    return {
        "level": level, "level_label": LEVELS[level], "levels": LEVELS, "region": region,
        "counts": [(STATUS.get(k, k), v) for k, v in counts.items()],
        "metrics": [(k, h, u) for k, h, u, _ in METRICS],
        "rows": [{"region": short_name(r), "year": r.year,
                  "values": [("" if r.values[k] is None else fmt.format(r.values[k])) for k, _, _, fmt in METRICS]}
                 for r in table.rows],
        "rules": [(rule, n, catalogue[rule].about if rule in catalogue else "") for rule, n in table.rules.items()],
        "years": years, "agencies": agencies, "documents": documents, "charts": charts, "truncated": len(agencies) >= MAX_AGENCIES,
    }


def stats_json(level: str) -> dict:
    from gongkai.corpus.stats import compute

    if level not in LEVELS:
        level = "city"
    with _store() as store:
        table = compute(store, level)
        counts = store.counts()
    return {"level": level, "counts": counts,
            "rows": [{"region": r.region, "code": r.code, "year": r.year, "values": r.values, "based_on": r.based_on}
                     for r in table.rows],
            "findings_by_rule": table.rules}


def documents_list(store, region: str = "", limit: int = 1000) -> list[tuple[int, str, int]]:
    sql = ("SELECT d.id, d.agency, d.year FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key "
           "WHERE d.status = 'ok'")
    params: list = []
    if region:
        sql += " AND a.code LIKE ?"
        params.append(f"{region}%")
    return [(int(i), a or "（未识别机关）", y) for i, a, y in store.query(sql + " ORDER BY d.agency, d.year", params)][:limit]


def _document_id(value) -> int:
    from gongkai.errors import GongkaiError

    try:
        return int(str(value).lstrip("#"))
    except (TypeError, ValueError):
        raise GongkaiError(f"报告编号“{value}”无效") from None


def compare_html(a, b) -> str:
    """The corpus's own comparison page (all text escaped there) of two stored reports."""
    from gongkai.corpus.compare import compare, load_side
    from gongkai.render.compare import compare_html

    return compare_html(compare(load_side(str(_document_id(a)), settings.CORPUS_URL),
                           load_side(str(_document_id(b)), settings.CORPUS_URL)))


MAX_ROLLUP = 500


def _year_reports(year, region: str) -> tuple[int, list[int], list]:
    """The stored reports of one year in a region (by code prefix), at most MAX_ROLLUP."""
    from gongkai.errors import GongkaiError

    try:
        year = int(year)
    except (TypeError, ValueError):
        raise GongkaiError(f"年度“{year}”无效") from None
    with _store() as store:
        sql = ("SELECT d.id FROM documents d LEFT JOIN agencies a ON a.agency_key = d.agency_key "
               "WHERE d.status = 'ok' AND d.year = ?")
        params: list = [year]
        if region:
            sql += " AND a.code LIKE ?"
            params.append(f"{region}%")
        ids = [r[0] for r in store.query(sql + " ORDER BY d.id", params)][:MAX_ROLLUP]
        reports = [(f"#{i}", store.load_report(i)) for i in ids]
    return year, ids, [(n, r) for n, r in reports if r is not None]


def rollup_context(year, region: str) -> dict:
    """Table 3 and 4 summed over the stored reports of one year in a region (blank ≠ 0)."""
    from gongkai.corpus.rollup import rollup
    from gongkai.model import Report
    from gongkai.web.reportview import tables_html

    year, ids, reports = _year_reports(year, region)
    if not reports:
        return {"rollup_year": year, "rollup_empty": True}
    r = rollup(reports)
    total = Report(agency="合计", year=year, format="2021")
    for cell_id, cs in r.cells.items():
        if cell_id.startswith(("table3.", "table4.")):
            total.set_value(cell_id, cs.value)
    partial = sorted(c for c, cs in r.cells.items() if cs.status != "complete" and c.startswith(("table3.", "table4.")))
    return {"rollup_year": year, "rollup_names": r.names, "rollup_tables": tables_html(total, []),
            "rollup_partial": len(partial), "rollup_truncated": len(ids) >= MAX_ROLLUP}


def compare_json(a, b) -> dict:
    from gongkai.corpus.compare import MISSING, compare, load_side

    c = compare(load_side(str(_document_id(a)), settings.CORPUS_URL), load_side(str(_document_id(b)), settings.CORPUS_URL))

    def v(x):
        return "missing" if x is MISSING else (float(x) if x is not None and not isinstance(x, int) else x)

    return {"a": {"label": c.a.label, "agency": c.a.report.agency, "year": c.a.report.year},
            "b": {"label": c.b.label, "agency": c.b.report.agency, "year": c.b.report.year},
            "cells_equal": c.cells_equal,
            "cell_differences": [{"cell": cell, "a": v(x), "b": v(y)} for cell, x, y in c.cell_diffs],
            "continuity_note": c.continuity_note,
            "continuity": None if c.continuity is None else [
                {"column": col, "carried_forward": v(f), "carried_over": v(o), "ok": ok} for col, f, o, ok in c.continuity],
            "sections": [{"no": s.no, "title": s.title, "similarity": s.similarity, "copied_share": s.copied_share,
                          "passages": s.passages} for s in c.sections]}


def rollup_json(year, region: str) -> dict:
    from gongkai.corpus.rollup import rollup
    from gongkai.errors import GongkaiError

    year, _ids, reports = _year_reports(year, region)
    if not reports:
        raise GongkaiError(f"{year} 年度没有可相加的报告")
    return rollup(reports).to_dict()
