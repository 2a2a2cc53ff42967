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
    sql = ("SELECT d.agency, d.year, d.status, COALESCE(a.code, ''), "
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
    for agency, year, status, code, errors, total in store.query(sql + " ORDER BY d.agency, d.year", params):
        years.add(int(year))
        a = agencies.setdefault(agency, {"name": agency, "code": code, "years": {}})
        a["years"][int(year)] = {"status": status, "errors": int(errors), "findings": int(total)}
    ys = sorted(years)
    rows = []
    for a in list(agencies.values())[:MAX_AGENCIES]:
        a["cells"] = [a["years"].get(y) for y in ys]
        rows.append(a)
    return ys, rows


def page_context(level: str, region: str) -> dict:
    from gongkai.check import rules as rule_catalogue
    from gongkai.corpus.stats import METRICS, compute, short_name
    from gongkai.corpus.svg import hbar_chart

    if level not in LEVELS:
        level = "city"
    with _store() as store:
        counts = store.counts()
        table = compute(store, level)
        years, agencies = matrix(store, region)
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
        "years": years, "agencies": agencies, "charts": charts, "truncated": len(agencies) >= MAX_AGENCIES,
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
