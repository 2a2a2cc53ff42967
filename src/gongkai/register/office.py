"""The office a register is kept for, as its letters name it: the review body (行政复议机关)
told from the kind and place of the body, where the law names one.

The shipped settings say 本级人民政府 — a placeholder, right for a county's department but wrong
for a town (its review body is the county's government) or a government itself (the one above
it).  Where a body's name places it (``format.places``) and its kind fixes the review body, the
default is that body, by 《中华人民共和国行政复议法》（2023年修订）第二十四条:

- a department of a county-level or higher government: that government (第一款第一项);
- a county's or a city's government: the government one level up (第一款第二项); a province's
  (autonomous region's, municipality's) government: itself (第二款);
- a town's (乡、镇) government: the county's government (第一款第二项); a sub-district office
  (街道办事处, the district's 派出机关): the district's government (第一款第三项).

Nothing is told (the setting and its warning stay) for bodies whose review body the law sends
elsewhere or leaves to a choice: vertically led bodies, tax and state security (第二十七条:
the superior department), justice bureaus (第二十八条: a choice of two), branches and other
派出机构 (their own rules), development-zone committees, a government's general office
(办公室, answering in the government's name or its own), and names that place no body.

A web site's body may have its own review body and court (set in /admin/), which win; and a web
body's register opened at the command line is signed as the web signs it (``store.web_body_of``).
"""

from __future__ import annotations

from gongkai import regex
from gongkai.format.places import Division, division, place
from gongkai.register.settings import Settings, shipped_settings

LAW = "《中华人民共和国行政复议法》第二十四条"

_DEPARTMENT = regex.compile(r"(局|厅|委员会|委|办公室|办)$")
_NOT_TOLD = regex.compile(r"(分局|管理委员会|管委会|司法局|司法厅|税务|海关|国家安全|金融|外汇|人民银行|"
                          r"邮政管理|气象|烟草|统计调查|消防救援|出入境边防)")


def review_body_of(agency: str | None, region: str | None = None) -> str | None:
    """The review body of the body named ``agency`` when its kind and place tell it (see the
    module's list), else None.  ``region``: the body's division code where it is known apart from
    its name (the web's bodies have one): a name that places nothing (安宁镇人民政府) is read as
    printed after its division's name (江苏省淮安市清江浦区安宁镇人民政府)."""
    p = place(agency)
    where = division(region) if region and not p["code"] and agency else None
    if where is not None:
        p = place(f"{where.province}{where.city or ''}{where.county or ''}{agency}")
    d = division(p["code"]) if p["code"] and len(p["code"]) == 6 else None
    if d is None or _NOT_TOLD.search(p["agency_key"]):
        return None
    if p["level"] == "town":                     # 乡、镇人民政府, 街道办事处
        return _government(d) if d.level == "county" else None
    if p["unit"] is None:                         # the government of the division itself
        if p["agency_key"].endswith(("办公室", "办公厅")):
            return None   # its general office: in the government's name or its own — not told
        return _government(_parent(d) or d)
    if p["level"] == "department" and _DEPARTMENT.search(p["unit"] or ""):
        return _government(d)
    return None


def _parent(d: Division) -> Division | None:
    """The division one level up (a province's is None: it reviews its own acts)."""
    if d.level == "county":
        return division(d.code[:4] + "00") if d.city else division(d.code[:2] + "0000")
    if d.level == "city":
        return division(d.code[:2] + "0000")
    return None


def _government(d: Division) -> str:
    """The people's government of a division, named in full (淮安市清江浦区人民政府)."""
    if d.level == "county":
        return f"{d.city or d.province}{d.county}人民政府"
    return f"{d.city if d.level == 'city' else d.province}人民政府"


def told_review_body(site: Settings, agency: str, region: str | None = None) -> str | None:
    """The review body told from ``agency`` (and its ``region``) when the site's settings leave the
    shipped placeholder (a site's own review_body always wins); None otherwise."""
    shipped = shipped_settings()
    if site.review_body != shipped.review_body or not agency or agency == shipped.agency:
        return None   # the site's own, or no office named (本机关): nothing to tell it from
    return review_body_of(agency, region)


def office_settings(site: Settings, agency: str, region: str | None = None, review_body: str = "",
                    court: str = "") -> Settings:
    """``site``'s settings for the body ``agency``: its name signs the letters, and the review
    body is told from it (``told_review_body``) where the site leaves the placeholder.  The body's
    own ``review_body`` and ``court`` (the web's administrator sets them per body) win over both."""
    review_body, court = review_body.strip(), court.strip()
    told = None if review_body else told_review_body(site, agency, region)
    own = {k: v for k, v in (("review_body", review_body or told), ("court", court)) if v}
    return site.replace(agency=agency, **own)


def review_body_note(told: str, settings_file: object, web: bool = False) -> str:
    """What a clerk is told when the review body was told from the body: at the command line, the
    settings file to correct it in; in the web (whose clerk cannot edit the server's files), whom to ask."""
    where = ("请系统管理员在管理页面的“机关”中为本机关填写行政复议机关" if web
             else f"请在设置文件 {settings_file} 中写明 review_body（行政复议机关）")
    return f"文书中的行政复议机关按本机关的类型和所在区划确定为“{told}”（{LAW}）；如不对，{where}。"


def own_review_body_note(review_body: str, court: str) -> str:
    """Said on a web body's request page when its administrator set the letters' bodies for it."""
    own = [f"{what}为“{v.strip()}”" for what, v in (("行政复议机关", review_body), ("管辖法院", court)) if v.strip()]
    return f"文书中的{'、'.join(own)}（系统管理员为本机关设定）。" if own else ""

