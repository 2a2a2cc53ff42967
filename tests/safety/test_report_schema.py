"""Report JSON is checked against the one published schema before any rule runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from gongkai import reportschema
from tests.conftest import EXAMPLES, seed

ROOT = Path(__file__).resolve().parents[2]


def test_the_published_schema_is_the_one_checked():
    assert (ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8") == reportschema.schema_json()
    jsonschema.Draft202012Validator.check_schema(reportschema.schema())


def _check(tmp_path, text: str):
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "gongkai", "check", "--json", str(path)], capture_output=True,
                       text=True, timeout=120)
    return p, time.monotonic() - started, path


@pytest.fixture(scope="module")
def parsed() -> dict:
    """Seed 001 as ``gongkai parse --json`` writes it."""
    return json.loads(subprocess.run([sys.executable, "-m", "gongkai", "parse", "--json", str(seed("001"))],
                                     capture_output=True, text=True, timeout=120, check=True).stdout)


def _with(parsed: dict, path: str, raw_value: str) -> str:
    """The parsed report with one field replaced by raw JSON text (NaN, 1e999 are not Python values)."""
    marker = "__VALUE__"
    data = json.loads(json.dumps(parsed))
    target = data
    *parents, last = path.split("/")
    for p in parents:
        target = target[p]
    target[last] = marker
    return json.dumps(data, ensure_ascii=False).replace(f'"{marker}"', raw_value)


@pytest.mark.parametrize("path, raw, message", [
    ("year", '"二〇二四"', "year：应为整数，不能是“二〇二四”"),
    ("title", "2024", "title：应为文字或null（空白），不能是“2024”"),
    ("table3/granted/natural_person", "-3", "table3.granted.natural_person：不能为负数（-3）"),
    ("table3/granted/natural_person", "2.5", "table3.granted.natural_person：应为整数，不能是“2.5”"),
    ("table3/granted/natural_person", "NaN", "table3.granted.natural_person：应为整数，不能是“NaN”"),
    ("table3/granted/natural_person", "1e999", "table3.granted.natural_person：应为整数，不能是“1E+999”"),
    ("table2/art20_8.admin_fees/amount", "Infinity", "table2.art20_8.admin_fees.amount：应为数字，不能是“Infinity”"),
    ("table2/art20_8.admin_fees/amount", "1e999",
     "table2.art20_8.admin_fees.amount：超过上限 1000000000000（现为 1E+999），不是可信的数值"),
    ("table3/granted/nobody", "1", "table3.granted：没有这样的列：nobody"),
    ("published", '"2025年1月20日"', "published：格式应为 2025-01-20，不能是“2025年1月20日”"),
    # an amount's printed text (said as a date's before)
    ("amounts", '{"table2.art20_8.admin_fees.amount": "4.00x"}',
     "amounts.table2.art20_8.admin_fees.amount：格式应为 4.00，不能是“4.00x”"),
])
def test_wrong_fields_are_refused_by_name(tmp_path, parsed, path, raw, message):
    p, _, file = _check(tmp_path, _with(parsed, path, raw))
    assert p.returncode == 1 and "Traceback" not in p.stderr  # before: exit 70, or NaN printed as JSON
    assert p.stderr.splitlines()[0] == f"gongkai：{file}：第1行：报告 JSON 不符合其格式（JSON Schema 由 python -m gongkai.reportschema 输出）：{message}。"


def test_a_huge_format_string_is_refused_at_once(tmp_path, parsed):
    p, seconds, file = _check(tmp_path, _with(parsed, "format", json.dumps("x" * 100_000)))
    assert p.returncode == 1 and seconds < 20  # before: more than 20 s in the rules
    assert "format：应为 2019 或 2021，不能是“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”" in p.stderr


def test_deep_nesting_is_refused(tmp_path, parsed):
    p, _, file = _check(tmp_path, _with(parsed, "notes", "[" * 5000 + "]" * 5000))
    assert p.returncode == 1
    assert p.stderr.splitlines()[0] == f"gongkai：{file}：JSON 嵌套超过 64 层，不是有效的内容。"


def test_what_gongkai_writes_passes_and_check_json_is_strict_json(tmp_path, parsed):
    def no_constants(name):
        raise AssertionError(f"invalid JSON constant {name}")

    for pdf in sorted(EXAMPLES.glob("*.pdf")):
        out = subprocess.run([sys.executable, "-m", "gongkai", "parse", "--json", str(pdf)], capture_output=True,
                             text=True, timeout=120, check=True).stdout
        reportschema.check(json.loads(out), pdf.name)
    p, _, _ = _check(tmp_path, json.dumps(parsed, ensure_ascii=False))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout, parse_constant=no_constants)["year"] == parsed["year"]


def test_an_amounts_text_for_no_cell_of_the_report_is_no_matter(tmp_path, parsed):
    """``amounts`` only gives a cell's value its printed places: a text for a cell the report has no
    value in, or for no cell at all, changes nothing (a table9 id raised AttributeError before)."""
    amounts = '{"table9.x.y": "4.00", "x": "1", "table3.granted.nobody": "2", "table2.art20_8.admin_fees.amount": "1.50"}'
    p, _, _ = _check(tmp_path, _with(parsed, "amounts", amounts))
    q, _, _ = _check(tmp_path, json.dumps(parsed, ensure_ascii=False))
    assert (p.returncode, p.stdout, p.stderr) == (q.returncode, q.stdout, q.stderr) and "Traceback" not in p.stderr
