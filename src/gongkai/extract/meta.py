"""Title, agency, report year and publication date."""

from __future__ import annotations

from datetime import date

from gongkai import regex

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_TITLE_YEAR = regex.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*度?")
_TITLE_NOISE = regex.compile(r"^[#\s*]+|关于|[《》“”\"']")  # before the body's name in a title
_REPORT_WORD = regex.compile(r"政府信息公开\s*工作\s*年\s*度\s*报\s*告|信息公开.{0,6}年度报告|年度报告")
_DATE = regex.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*"
                   r"([0-9一二三四五六七八九十]{1,3})\s*日")
DATE_ONLY = regex.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月"
                       r"([0-9一二三四五六七八九十]{1,3})日|((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_ISO_DATE = regex.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_AGENCY_TAIL = regex.compile(r"(人民政府|政府|办公室|办公厅|委员会|局|厅|部|署|院|所|中心|队|处|站|委|会|街道办事处|街道|乡|镇|"
                          r"管委会|管理委员会|公司|集团|县|区|市)$")
_QUOTED_TITLE = regex.compile(r"《([^《》]{2,60}?)\s*(?:(?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告》")


def cn_number(text: str) -> int | None:
    """'2021', '二〇二一', '十二', '二十三' -> int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(_CN_DIGITS[ch] for ch in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = int(_CN_DIGITS.get(tens, "1")) if tens else 1
        o = int(_CN_DIGITS.get(ones, "0")) if ones else 0
        return t * 10 + o
    return None


def is_title(text: str) -> bool:
    return len(text) <= 120 and bool(_REPORT_WORD.search(text))


_CJK_GAP = regex.compile(r"(?<=[\u3400-\u9fff（）《》“”])\s+(?=[\u3400-\u9fff（）《》“”])")


def close_gaps(text: str) -> str:
    """A title without the spaces between its Chinese characters: a large title set letter-spaced
    comes back from OCR or a PDF's text as "政 府 信息公 开工 作年度 报告"."""
    return _CJK_GAP.sub("", text)


_SPACED_DIGITS = regex.compile(r"(?<=\d)\s+(?=\d)")


def title_year(title: str) -> int | None:
    title = _SPACED_DIGITS.sub("", title)  # "2 0 2 3 年", or a year cut by a line break
    m = _REPORT_WORD.search(title)
    head = title[: m.start()] if m else title
    years = _TITLE_YEAR.findall(head)
    for y in reversed(years):
        n = cn_number(y)
        if n and 1990 <= n <= 2100:
            return n
    return None


def title_agency(title: str) -> str | None:
    title = _SPACED_DIGITS.sub("", title)
    m = _REPORT_WORD.search(title)
    head = title[: m.start()] if m else title
    head = _TITLE_YEAR.sub(" ", head)
    head = _TITLE_NOISE.sub("", head)
    head = "".join(head.split())
    return head or None


def parse_date(text: str) -> date | None:
    m = _DATE.search(text) or _ISO_DATE.search(text)
    if not m:
        return None
    y, mo, d = (cn_number(g) for g in m.groups())
    try:
        return date(y, mo, d) if y and mo and d else None
    except ValueError:
        return None


def closing_date(paragraphs: list[str]) -> tuple[date | None, str | None]:
    """The date printed at the end (signature block), and the line above it when it names a body."""
    tail = [p.strip() for p in paragraphs[-6:] if p.strip()]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        m = _DATE.search(line) or _ISO_DATE.search(line)
        if not m or len(line) > 60:
            continue
        rest = (line[: m.start()] + line[m.end():]).strip(" （）()")
        if rest and not _AGENCY_TAIL.search("".join(rest.split())):
            continue
        signer = "".join(rest.split()) or None
        if signer is None and i > 0 and len(tail[i - 1]) <= 40 and _AGENCY_TAIL.search("".join(tail[i - 1].split())):
            signer = "".join(tail[i - 1].split())
        return parse_date(line), signer
    return None, None


_BARE_DIVISION = regex.compile(r"(?:省|自治区|市|县|区|旗|州|盟|镇|乡)$")
_NOT_A_GOVERNMENT = regex.compile(r"(?:开发区|园区|高新区|景区|保护区|示范区|实验区|试验区|合作区|林区|矿区|管理区)$")


def as_body(name: str | None) -> str | None:
    """A bare division name (同心县, 淮安市) as the body that reports for it, its people's
    government (同心县人民政府), so one body is named one way whether its title said the
    government or only the place.  Development zones and the like have no 人民政府."""
    if name and _BARE_DIVISION.search(name) and not _NOT_A_GOVERNMENT.search(name):
        return name + "人民政府"
    return name


def fullest_agency(title_name: str | None, candidates: list[str]) -> str | None:
    """The longest printed form of the body's name that contains the title's form."""
    best = title_name
    for cand in candidates:
        cand = "".join(cand.split())
        if not cand:
            continue
        if best is None or (best in cand and len(cand) > len(best)):
            best = cand
    return best


def quoted_agencies(text: str) -> list[str]:
    return [m.group(1) for m in _QUOTED_TITLE.finditer(text)]
