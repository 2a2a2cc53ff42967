"""A year of a county office's request register (2025), walked twice: through the CLI
(``gongkai register …``) and through the web in a real browser (Playwright driving Debian's
chromium) — the first half of the requests at a desk (1366×768), the rest on a phone (390×844).
Both registers must then hold the same facts (every step, state, due date, lateness), give the
same table 3 and the same letters, and the pages must show what the CLI prints.

The year is declared once (YEAR); each step goes to the CLI as its declared command and flags and
to the web as its declared form (register/data/events.yaml), so the walk covers every form a
clerk fills in.  Screenshots: GONGKAI_SCREENSHOTS (default a scratch folder), web-year-*.png.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from docx import Document
from gk_web_support import IMAGES, browser, browser_page, django_env, live, login, page_width, world  # noqa: F401

from gongkai.cli import main
from gongkai.register.events import kinds

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = "2026-03-10"   # the web tests' fixed today (gk_web_support)
DESK, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}

# (registration, steps): the registration's fields and submission date `on`; each step is
# (kind, date, fields).  Around the 2025 holidays, with 补正, consultation, extension, fees,
# delivery, withdrawal, Art. 36 (五), a late reply and requests still open at the year's end.
YEAR: list[tuple[dict, list[tuple[str, str, dict]]]] = [
    ({"applicant_type": "natural_person", "name": "张三", "channel": "in_person", "on": "2025-01-06",
      "content": "2024年某道路改造项目立项批复"},
     [("replied", "2025-01-20", {"outcome": "granted", "ground": "2", "note": "随本答复书提供批复复印件一份"}),
      ("delivered", "2025-01-21", {"event": "2", "method": "direct"})]),
    ({"applicant_type": "commercial", "name": "某某科技有限公司", "channel": "internet", "on": "2025-01-24",
      "receipt_on": "2025-01-26", "content": "本县2024年政府采购合同"},
     [("correction_requested", "2025-02-05", {"items": "所需合同的项目名称或编号"}),
      ("corrected", "2025-02-10", {}),
      ("replied", "2025-03-04", {"outcome": "partial", "note": "其中涉及商业秘密的部分不予公开"})]),
    ({"applicant_type": "legal_service", "name": "某某律师事务所", "channel": "ordinary_mail", "on": "2025-04-28",
      "receipt_on": "2025-04-30", "content": "某地块征收补偿安置方案"},
     [("consultation_started", "2025-05-08", {"party": "third_party", "name": "某某建设有限公司"}),
      ("consultation_ended", "2025-05-20", {}),
      ("extended", "2025-05-26", {"workdays": "20", "reason": "需要调取2019年以来的档案并逐件核对"}),
      ("replied", "2025-06-30", {"outcome": "denied.third_party", "note": "第三方不同意公开且公开会损害其合法权益"})]),
    ({"applicant_type": "research", "name": "某大学法学院", "channel": "in_person", "on": "2025-06-03",
      "content": "2020年至2024年行政复议决定书"},
     [("fee_notice", "2025-06-10", {"basis": "pages", "units": "150", "payment": "银行转账：某县财政局非税收入专户"}),
      ("delivered", "2025-06-12", {"event": "2", "method": "mail"}),
      ("fee_paid", "2025-06-20", {}),
      ("replied", "2025-07-01", {"outcome": "granted", "ground": "2"})]),
    ({"applicant_type": "natural_person", "name": "李四", "channel": "internet", "on": "2025-09-26",
      "receipt_on": "2025-09-28", "content": "某小区加装电梯补助名单"},
     [("withdrawn", "2025-10-09", {"how": "电话", "note": "申请人已自行取得"})]),
    ({"applicant_type": "social_org", "name": "某某环保协会", "channel": "in_person", "on": "2025-10-20",
      "content": "某工业园区2024年环境监测数据"},
     [("replied", "2025-11-28", {"outcome": "unable.not_held", "ground": "5", "body": "某县生态环境局",
                                 "body_contact": "0517-80000000"})]),
    ({"applicant_type": "other_org", "name": "某村民委员会", "channel": "registered_mail", "on": "2025-12-15",
      "receipt_on": "2025-12-17", "content": "本村土地承包经营权确权登记资料"}, []),
    ({"applicant_type": "natural_person", "name": "王五", "channel": "in_person", "on": "2025-12-29",
      "content": "2025年度城乡低保资金发放情况"},
     [("replied", "2026-01-08", {"outcome": "granted", "ground": "1", "note": "已在县政府网站公开"})]),
]
ON_PHONE = 4   # requests from this one on are walked at phone size


# -- the CLI walk ----------------------------------------------------------------------------------
def _cli(*argv: str) -> str:
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert code == 0, (argv, err.getvalue())
    return out.getvalue()


def _flags(kind_id: str, fields: dict) -> list[str]:
    """The declared CLI form of a step's fields: its positional ones first, then --flags."""
    spec = {f.name: f for f in kinds()[kind_id].entered}
    positional = [str(v) for k, v in fields.items() if spec[k].positional]
    named = [x for k, v in fields.items() if not spec[k].positional
             for x in (f"--{spec[k].flag or k.replace('_', '-')}", str(v))]
    return positional + named


def walk_cli(db: str) -> list[str]:
    refs = []
    for reg, steps in YEAR:
        fields = {k: v for k, v in reg.items() if k != "on"}
        out = _cli("register", "add", *_flags("registered", fields), "--date", reg["on"], "--db", db, "--by", "clerk")
        ref = re.search(r"\d{4}-\d{6}", out).group(0)
        refs.append(ref)
        for kind_id, on, values in steps:
            _cli("register", kinds()[kind_id].command, ref, *_flags(kind_id, values), "--date", on, "--db", db,
                 "--by", "clerk")
    return refs


# -- the web walk ----------------------------------------------------------------------------------
def _fill(form, values: dict) -> None:
    for name, value in values.items():
        el = form.locator(f"[name={name}]")
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(str(value))
        else:
            el.fill(str(value))


def _no_sideways_scroll(pg) -> None:
    assert page_width(pg) <= pg.viewport_size["width"], pg.url


def _submit(pg, form) -> None:
    with pg.expect_navigation():
        form.locator("button:not(.pick)").click()
    errors = pg.locator(".messages li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def walk_web(pg, live, body, requests) -> list[str]:
    refs = []
    for reg, steps in requests:
        pg.goto(f"{live.url}/register/{body.pk}/")
        _submit(pg, _registration(pg, reg))
        ref = re.search(r"/r/([^/]+)/$", pg.url).group(1)
        refs.append(ref)
        for kind_id, on, values in steps:
            if kinds()[kind_id].meta:
                pg.locator("#corrections summary").click()
                form = pg.locator(f'form[data-correction="{kind_id}"]')
            else:
                form = pg.locator(f'form[data-action="{kind_id}"]')
            _fill(form, {"on": on, **values})
            _submit(pg, form)
            _no_sideways_scroll(pg)
    return refs


def _registration(pg, reg: dict):
    form = pg.locator("#new-request")
    _fill(form, reg)
    return form


def shot(pg, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(IMAGES / f"web-year-{name}.png"), full_page=True)


def _log_of_the_year(body) -> None:
    """The same office's proactive-disclosure log (kept with gongkai log), for its page."""
    from datetime import date

    from gongkai.log.store import DisclosureLog, NewItem, Review
    from gongkai.web.registers import register_url

    made = date(2025, 3, 3)
    chain = [Review("draft", "甲", made), Review("check", "乙", made), Review("sign", "丙", made)]
    with DisclosureLog(register_url(body.pk), create=True) as log:
        a = log.add(NewItem("关于印发《某县政府信息公开工作规定》的通知", "normative_docs", made,
                            doc_no="某政规〔2025〕1号", reviews=chain), "clerk")
        log.publish(a, "政府网站", "政策文件", date(2025, 3, 10), "clerk")
        log.add(NewItem("2025年某项目征收补偿方案公示", "other", date(2026, 3, 2)), "clerk")
        log.add(NewItem("某县行政执法公示办法", "rules", date(2019, 5, 1), existing=True), "clerk")
        log.set_figure(2026, 1, "art20_5.licensing", "12", "clerk")


# -- what is compared ------------------------------------------------------------------------------
def facts(reg, ref: str) -> tuple:
    r = reg.get(ref)
    steps = [(e.id, e.kind, e.on, {k: v for k, v in e.data.items()}) for e in r.events]
    return (r.ref, r.applicant.type, r.applicant.name, r.channel, r.content, r.submitted_on, r.received_on,
            r.state, r.due_on, r.due_assumed, r.concluded_on, r.outcome, r.late, steps)


def letter_texts(reg, ref: str) -> dict[str, list[str]]:
    from gongkai.register import letters

    r = reg.get(ref)
    out = {}
    for kind in ["receipt", *[kinds()[e.kind].letter for e in r.events if e.kind != "registered"]]:
        if kind:
            data = letters.letter_docx(reg, ref, kind)[1]
            out[kind] = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    return out


def test_a_year_through_the_cli_and_through_the_web_gives_the_same_register(live, browser, world, tmp_path,
                                                                            monkeypatch, django_env):
    from gongkai.register import Register
    from gongkai.register.table3 import compute
    from gongkai.web.registers import open_register

    body = world["a"]
    site = tmp_path / "register.yaml"          # the CLI's office: the same agency as the web's body
    site.write_text(f"agency: {body.name}\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(site))   # the CLI's
    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", site)   # the web's
    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    db = str(tmp_path / "cli.db")
    cli_refs = walk_cli(db)

    _log_of_the_year(body)
    web_refs = []
    for viewport, part, name in ((DESK, YEAR[:ON_PHONE], "desk"), (PHONE, YEAR[ON_PHONE:], "phone")):
        with browser_page(browser, viewport, accept_downloads=True) as pg:
            login(pg, live, world["clerk_a"])
            web_refs += walk_web(pg, live, body, part)
            shot(pg, f"request-{name}")
            pg.goto(f"{live.url}/register/{body.pk}/")
            _no_sideways_scroll(pg)
            shot(pg, f"list-{name}")
            pg.goto(f"{live.url}/register/{body.pk}/table3/?year=2025")
            shot(pg, f"table3-{name}")
            pg.goto(f"{live.url}/register/calendar/")
            assert "2027 年起尚无通知：期限为推算。" in pg.locator("#estimate").inner_text()
            _no_sideways_scroll(pg)
            shot(pg, f"calendar-{name}")
            pg.goto(f"{live.url}/register/{body.pk}/log/")
            assert pg.locator("#log-items tr").count() == 4      # a header and three items
            _no_sideways_scroll(pg)
            shot(pg, f"log-{name}")
    assert web_refs == cli_refs == [f"2025-{n:06d}" for n in range(1, len(YEAR) + 1)]

    cli, web = Register(db, create=True), open_register(body)
    try:
        for ref in cli_refs:
            assert facts(web, ref) == facts(cli, ref)
            assert letter_texts(web, ref) == letter_texts(cli, ref)
        for year in (2025, 2026):
            assert compute(web.db, year).table3 == compute(cli.db, year).table3
        # the year as it stands: one withdrawn, one answered late, two carried into 2026 (one still open)
        states = {ref: (cli.get(ref).state, cli.get(ref).late) for ref in cli_refs}
        assert states == {"2025-000001": ("replied", False), "2025-000002": ("replied", False),
                          "2025-000003": ("replied", False), "2025-000004": ("replied", False),
                          "2025-000005": ("withdrawn", False), "2025-000006": ("replied", True),
                          "2025-000007": ("registered", False), "2025-000008": ("replied", False)}
        t3 = compute(cli.db, 2025).table3
        assert (t3["new_received"]["total"], t3["carried_forward"]["total"], t3["other.other"]["total"]) == (8, 2, 1)
    finally:
        cli.close()

    # what the pages show is what the CLI prints: the list's dates and states, table 3's cells
    printed = {line.split("\t")[0]: line.split("\t") for line in _cli("register", "list", "--db", db).splitlines()[1:]}
    with browser_page(browser, DESK, accept_downloads=True) as pg:
        login(pg, live, world["clerk_a"])
        pg.goto(f"{live.url}/register/{body.pk}/")
        rows = pg.locator("#requests tr").all()[1:]
        assert len(rows) == len(printed) == len(YEAR)
        for row in rows:
            cells = [c.inner_text().strip() for c in row.locator("td").all()]
            cli_row = printed[cells[0]]
            assert cells[5] == cli_row[1]                                     # received
            assert cells[6].startswith(cli_row[5] or "暂停计算")               # due (then its mark)
            assert cells[7].split(" ")[0] == cli_row[6]                       # concluded
            assert cells[8] == cli_row[4]                                     # state
        cli_t3 = __import__("json").loads(_cli("register", "table3", "--year", "2025", "--json", "--db", db))["table3"]
        pg.goto(f"{live.url}/register/{body.pk}/table3/?year=2025")
        for row, cols in cli_t3.items():
            for col, value in cols.items():
                assert pg.locator(f'[id="cell-table3.{row}.{col}"]').inner_text().strip() == str(value), (row, col)
        # the letters a clerk downloads are the CLI's, word for word
        pg.goto(f"{live.url}/register/{body.pk}/r/2025-000006/")
        with pg.expect_download() as dl:
            pg.click("#letters a[href$='/letter/reply']")
        got = [p.text for p in Document(str(dl.value.path())).paragraphs]
        out = tmp_path / "reply.docx"
        _cli("register", "letter", "2025-000006", "reply", "--out", str(out), "--db", db)
        assert got == [p.text for p in Document(str(out)).paragraphs]
        assert "某县生态环境局" in "".join(got) and "0517-80000000" in "".join(got)
    # the administrator's calendar page, where next year's notice is entered (looked at on a phone)
    with browser_page(browser, PHONE, accept_downloads=True) as pg:
        login(pg, live, world["admin"])
        pg.goto(f"{live.url}/register/calendar/")
        assert pg.locator("#add-notice input[name=year]").input_value() == "2027"
        _no_sideways_scroll(pg)
        shot(pg, "calendar-admin-phone")
