"""Hand-written SVG charts: no plotting library, no script, printable, embeddable in HTML,
PDF and DOCX, and reusable as-is by the web dashboard.  A missing value is drawn as the words
“无数据” (or why: “无报告”), never as a zero-length bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
_BAR = "#3f6fb5"


def _width(text: str) -> float:
    """Rough rendered width in px at 12px: CJK glyphs are square, Latin about half (capitals
    and digits a little more: rule ids such as LABEL-NONSTANDARD were clipped at 7)."""
    return sum(12 if ord(ch) > 0x2E80 else 8.5 if ch.isupper() or ch.isdigit() else 7 for ch in text)


# The web's charts are drawn to fit a phone's screen (390 px, less the page's margins): one
# twice as wide was shrunk to half on a phone, and its 12 px labels to an unreadable 6 px.
PHONE_FIT = 360


def hbar_chart(title: str, items: Sequence[tuple[str, float | str | None]], unit: str = "",
               fmt: str = "{:,.0f}", fit: int | None = None) -> str:
    """Horizontal bars, one per labelled value, sorted as given: 420 px of bars, or (``fit``)
    as many as leave the whole chart that wide (at least 120).  A value that is None (no figure)
    or text (why there is none: 无报告) is written in grey where its bar would be."""
    row_h, top, pad = 22, 40, 10
    label_w = min(320, max([_width(label) for label, _ in items] + [60]) + pad)
    values = [v for _, v in items if v is not None and not isinstance(v, str)]
    vmax = max(values) if values else 0
    height = top + row_h * max(1, len(items)) + 30
    value_w = max([_width(fmt.format(v) + unit) for v in values] + [_width(v) for _, v in items if isinstance(v, str)]
                  + [_width("无数据")]) + 4 + pad
    bar_w = 420 if fit is None else max(120, fit - label_w - value_w)
    width = max(round(label_w + bar_w + value_w), round(_width(title) * 15 / 12) + 2 * pad)
    # A picture (role="img") hides its texts from a screen reader: its name carries every figure.
    said = "；".join(f"{label} {v or '无数据'}" if v is None or isinstance(v, str) else f"{label} {fmt.format(v)}{unit}"
                    for label, v in items)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title + ("：" + said if said else ""))}" '
           f'font-family="{FONT}" '
           f'font-size="12">',
           f'<title>{escape(title)}</title>',
           f'<rect width="{width}" height="{height}" fill="#fff"/>',
           f'<text x="{pad}" y="24" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, (label, v) in enumerate(items):
        y = top + i * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        if v is None or isinstance(v, str):
            out.append(f'<text x="{label_w + 4}" y="{y + 15}" fill="#888">{escape(v or "无数据")}</text>')
            continue
        w = 0 if vmax <= 0 else bar_w * v / vmax
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_BAR}">'
                   f'<title>{escape(label)}：{escape(fmt.format(v))}{escape(unit)}</title></rect>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{escape(fmt.format(v))}{escape(unit)}</text>')
    out.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{top + row_h * max(1, len(items))}" '
               f'stroke="#333"/>')
    out.append("</svg>\n")
    return "\n".join(out)
