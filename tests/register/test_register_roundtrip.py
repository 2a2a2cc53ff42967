"""Property: any register — every kind of step, corrections (更正), voids (作废), deliveries
(送达), 文号 — exported to CSV and to Excel and imported into an empty register gives the same
facts (every step with who and when), the same derived state and due dates, the same table 3,
the same letters (their contexts, and the texts of some of them) and the same next numbers.

Registers are drawn as random walks: each request gets a random sequence of attempted steps
with random values; a step the rules refuse is simply not recorded, so every register drawn is
one a clerk could have made.  GONGKAI_FULL_RUN=1 draws many more registers.
"""

from __future__ import annotations

import io
import os
from datetime import date, timedelta

import pytest
from docx import Document
from hypothesis import HealthCheck, Phase, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gongkai.errors import GongkaiError
from gongkai.register import letters as L
from gongkai.register.events import choices, kinds
from gongkai.register.exchange import export_file, import_file
from gongkai.register.store import Register
from gongkai.register.table3 import compute
from gongkai.register.vocab import applicant_types, channels

TODAY = date(2026, 12, 31)
FULL = os.environ.get("GONGKAI_FULL_RUN") == "1"
# Every kind but the registration; the steps that follow another (a reply, a payment, a 补正
# received, an end of consultation, an archive, a delivery) drawn more often, to be reached.
STEPS = [k for k in kinds() if k != "registered"] + ["replied"] * 4 + ["corrected", "fee_paid", "archived",
                                                                        "consultation_ended", "delivered"] * 2
# Text as clerks type it, with what CSV and Excel must carry: commas, quotes, line breaks,
# digits that look like numbers or dates, full-width punctuation.
TEXT = st.sampled_from(["张三", "某某有限公司", "关于“某路”改造的批复, 含附件", "第1行\n第2行", "0012", "2025-03-01",
                        "12.50", "说明：“引号”，逗号；分号。", "A,B;C", "  前后空格  ", "=1+1", "TRUE"])


def _value(draw, f, on: date, seqs: list[int]):
    if f.type == "date":
        return (on + timedelta(days=draw(st.integers(-3, 40)))).isoformat()
    if f.type == "int":
        return draw(st.integers(1, 45))
    if f.type == "event":
        return draw(st.sampled_from(seqs))
    if f.type == "choice":
        return draw(st.sampled_from(sorted(choices(f.choices or ""))))
    return draw(TEXT)


def _step_values(draw, kid: str, on: date, seqs: list[int], history) -> dict:
    k = kinds()[kid]
    values = {}
    for f in k.entered:
        if f.required or draw(st.booleans()):
            values[f.name] = _value(draw, f, on, seqs)
    if kid == "replied" and draw(st.booleans()):   # the common outcomes more often
        values["outcome"] = draw(st.sampled_from(["granted", "partial", "denied.state_secret", "unable.not_held"]))
    if kid == "replied" and values.get("outcome") == "unable.not_held":
        values["ground"] = draw(st.sampled_from(["4", "5"]))
    if kid == "amended":
        target = next((e for e in history if e.id == values.get("event", 1)), None)
        if target is not None:
            fields = ["on", *(f.name for f in kinds()[target.kind].entered)]
            name = draw(st.sampled_from(fields))
            values["field"] = name
            f = kinds()[target.kind].field(name)
            values["value"] = (_value(draw, f, target.on, seqs) if f is not None
                               else (target.on + timedelta(days=draw(st.integers(-2, 5)))).isoformat())
    return values


@st.composite
def registers(draw):
    """A list of requests, each (registration values, submission date, [(kind, date, values)])."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        atype = draw(st.sampled_from(sorted(applicant_types())))
        channel = draw(st.sampled_from(sorted(channels())))
        on = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 540)))
        reg = {"applicant_type": atype, "name": draw(TEXT), "channel": channel, "content": draw(TEXT),
               "pieces": draw(st.integers(1, 40)), "phone": draw(st.sampled_from(["", "13800000000", "0517-1234"])),
               "id_number": draw(st.sampled_from(["", "110101199001011234"])), "email": "",
               "address": draw(st.sampled_from(["", "某市某路1号, 2单元"]))}
        if channels()[channel].receipt != "submitted" and draw(st.booleans()):
            reg["receipt_on"] = (on + timedelta(days=draw(st.integers(0, 4)))).isoformat()
        steps, day = [], on
        for _ in range(draw(st.integers(0, 9))):
            day = day + timedelta(days=draw(st.integers(0, 25)))
            steps.append((draw(st.sampled_from(STEPS)), day))
        out.append((reg, on, steps))
    return out


def _build(reg: Register, drawn, draw) -> None:
    for values, on, steps in drawn:
        try:
            ref = reg.add(values, "王", on)
        except GongkaiError:
            continue
        for kid, day in steps:
            history = reg.history(ref)
            seqs = [e.id for e in history]
            vals = _step_values(draw, kid, day, seqs, history)
            try:
                reg.record(ref, kid, None if kinds()[kid].dated_today else min(day, TODAY), "李" + str(len(seqs)), **vals)
                event(f"recorded {kid}")
            except GongkaiError:
                pass


def _facts(reg: Register) -> dict:
    out = {}
    for r in reg.with_history(reg.requests(_all())):
        out[r.ref] = {
            "history": [(e.id, e.kind, e.on, e.data, e.actor, e.recorded_at) for e in r.history],
            "derived": (r.applicant.type, r.applicant.name, r.channel, r.content, r.pieces, r.submitted_on,
                        r.received_on, r.created_by, r.created_at, r.state, r.outcome, r.concluded_on, r.due_on,
                        r.due_assumed, r.late),
        }
    return out


def _all():
    from gongkai.register.filters import RequestFilter
    return RequestFilter(voided=True)


def _letters(reg: Register) -> dict:
    """Every letter the register can write: its context, or the refusal."""
    out = {}
    by_event = {e: letter for letter, e in L.KINDS.items() if e}
    for r in reg.with_history(reg.requests(_all())):
        if r.state == "voided":
            continue
        found = [("receipt", None)]
        count: dict[str, int] = {}
        for e in sorted(r.events, key=lambda e: (e.on, e.id)):
            if e.kind in by_event:
                count[e.kind] = count.get(e.kind, 0) + 1
                found.append((by_event[e.kind], count[e.kind]))
        for letter, nth in found:
            try:
                out[(r.ref, letter, nth)] = L.context_for(reg, r.ref, letter, nth)
            except GongkaiError as exc:
                out[(r.ref, letter, nth)] = exc.message
    return out


def _text(reg: Register, ref: str, letter: str, nth) -> list[str] | str:
    try:
        return [p.text for p in Document(io.BytesIO(L.letter_docx(reg, ref, letter, nth)[1])).paragraphs]
    except GongkaiError as exc:
        return exc.message


def _register(url, cal, settings):
    return Register(url, calendar=cal, settings=settings.replace(
        doc_number_format="某政公开〔{year}〕{n}号", fee_payment_method="银行转账至本机关账户"), today=TODAY, create=True)


@hsettings(max_examples=300 if FULL else 10, deadline=None, derandomize=not FULL,
           phases=[Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("NO_SHRINK") else list(Phase),
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(drawn=registers(), data=st.data())
def test_export_then_import_gives_the_same_register(tmp_path_factory, cal, settings, drawn, data):
    def pick(keys: list) -> list:
        return [keys[i] for i in sorted(set(data.draw(st.lists(st.integers(0, len(keys) - 1), max_size=2))))] \
            if keys else []
    round_trip(tmp_path_factory.mktemp("rt"), cal, settings, lambda a: _build(a, drawn, data.draw), pick)


def round_trip(tmp, cal, settings, build, pick) -> dict:
    """Build a register, export it to CSV and Excel, import each into an empty register and
    compare; returns the letters' contexts (for the caller's own checks)."""
    with _register(str(tmp / "a.db"), cal, settings) as a:
        build(a)
        facts, letters = _facts(a), _letters(a)
        tables = {y: compute(a.db, y).table3 for y in (2025, 2026)}
        sample = pick(sorted(k for k, v in letters.items() if not isinstance(v, str)))
        texts = {k: _text(a, *k) for k in sample}
        export_csv, export_xlsx = tmp / "a.csv", tmp / "a.xlsx"
        export_file(a, export_csv, with_contact=True)
        export_file(a, export_xlsx, with_contact=True)
        nxt = _next_numbers(a)
    for n, path in enumerate((export_csv, export_xlsx)):
        with _register(str(tmp / f"b{n}.db"), cal, settings) as b:
            if facts:
                import_file(b, path, "导入员")
            _same(_facts(b), facts, path.suffix)
            assert {y: compute(b.db, y).table3 for y in (2025, 2026)} == tables, path.suffix
            assert _letters(b) == letters, path.suffix
            assert {k: _text(b, *k) for k in sample} == texts, path.suffix
            assert _next_numbers(b) == nxt, path.suffix
    return letters


def test_a_register_with_every_kind_of_step_round_trips(tmp_path, cal, settings):
    """The walk above is random; this register has every kind of step, a correction of each
    sort (a date, a choice, a number, contact details), voids and deliveries, for certain."""
    def build(r: Register) -> None:
        def add(atype, channel, on, **kw):
            return r.add({"applicant_type": atype, "name": kw.pop("name", "张三"), "channel": channel,
                          "content": kw.pop("content", "某路改造批复"), "phone": "13800000000", **kw}, "王", on)
        a = add("natural_person", "in_person", date(2025, 1, 6))
        r.record(a, "correction_requested", date(2025, 1, 8), "王", items="文件名称")
        r.record(a, "delivered", date(2025, 1, 9), "王", event=2, method="邮寄")
        r.record(a, "corrected", date(2025, 1, 15), "王")
        r.record(a, "consultation_started", date(2025, 1, 20), "王", party="third_party", name="某公司")
        r.record(a, "consultation_ended", date(2025, 2, 10), "王")
        r.record(a, "extended", date(2025, 2, 20), "王", reason="需要调取档案", workdays=10)
        r.record(a, "replied", date(2025, 3, 10), "王", outcome="partial", note="部分内容涉及商业秘密, 已作区分处理")
        r.record(a, "archived", date(2025, 3, 20), "王")
        r.amend(a, "phone", "0517-83600000", "申请人更换电话", "李")
        r.amend(a, "pieces", "2", "按一事一申请拆分", "李")
        b = add("commercial", "registered_mail", date(2025, 4, 1), name="某某有限公司", receipt_on="2025-04-03", pieces=12)
        r.record(b, "fee_notice", date(2025, 4, 7), "王", basis="按件", units=12)
        r.record(b, "delivered", date(2025, 4, 9), "王", event=2, method="电子邮件")
        r.record(b, "fee_paid", date(2025, 4, 20), "王")
        r.record(b, "later_deadline", date(2025, 4, 21), "王", until="2025-06-30", reason="申请数量明显超过合理范围")
        r.record(b, "replied", date(2025, 5, 6), "王", outcome="unable.not_held", ground="5", body="某市某局",
                 body_contact="0517-12345678")
        r.void(b, 6, "办理结果登记错误", "李")
        r.record(b, "replied", date(2025, 5, 7), "王", outcome="granted", ground="2")
        c = add("legal_service", "internet", date(2025, 11, 28), receipt_on="2025-12-01", name="某协会")
        r.record(c, "withdrawn", date(2025, 12, 5), "王", how="电话", note="申请人来电撤回")
        d = add("research", "in_person", date(2025, 12, 22), name="某大学")
        r.amend(d, "on", "2025-12-19", "提交日期登记错误", "李")
        r.amend(d, "applicant_type", "other_org", "申请人类型登记错误", "李")
        e = add("natural_person", "fax", date(2025, 6, 3), name="李四")
        r.void(e, 1, "误登记", "李")
        f = add("natural_person", "in_person", date(2025, 12, 1), name="王五", content="逾期答复的申请")
        r.record(f, "extended", date(2026, 1, 20), "王", reason="逾期后延期", workdays=5)
        r.record(f, "replied", date(2026, 1, 26), "王", outcome="denied.third_party")
        assert {e.kind for x in r.with_history(r.requests(_all())) for e in x.history} == set(kinds())
        assert r.get(f).late and r.get(e).state == "voided"

    letters = round_trip(tmp_path, cal, settings, build, lambda keys: [k for k in keys if k[1] in ("fee", "reply")])
    assert {k[1] for k, v in letters.items() if not isinstance(v, str)} == set(L.KINDS)


def _same(got: dict, want: dict, what: str) -> None:
    """Equal, or the first differing request named (the dicts are large)."""
    for ref in sorted(set(got) | set(want)):
        g, w = got.get(ref), want.get(ref)
        if g != w and g is not None and w is not None:
            steps = [(x, y) for x, y in zip(g["history"], w["history"]) if x != y]
            assert g == w, (what, ref, steps[:1] or (g["derived"], w["derived"]), len(g["history"]), len(w["history"]))
    assert got == want, what


def _next_numbers(reg: Register) -> tuple[str, str | None]:
    """The next request number of 2025 and the next 文号 of 2025 (a receipt-less new step)."""
    ref = reg.add({"applicant_type": "natural_person", "name": "后来者", "channel": "in_person",
                   "content": "下一件"}, "王", date(2025, 12, 1))
    case_doc = None
    try:
        reg.record(ref, "correction_requested", date(2025, 12, 2), "王", items="补正事项")
        case_doc = reg.history(ref)[-1].data.get("doc_number")
    except GongkaiError as exc:
        case_doc = exc.message
    return ref, case_doc


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_empty_register_exports_and_imports_nothing(db_url, cal, settings, tmp_path, suffix):
    with _register(db_url, cal, settings) as a:
        assert export_file(a, tmp_path / f"e{suffix}") == 0
    with _register(str(tmp_path / "b.db"), cal, settings) as b:
        with pytest.raises(GongkaiError, match="没有数据行"):
            import_file(b, tmp_path / f"e{suffix}", "导入员")
