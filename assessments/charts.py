"""Server-side SVG charts: readable without JavaScript, printable, with titles and descriptions.

Each function takes plain numbers and labels and returns safe SVG markup. Text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .locale_format import decimal

INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
BLUE = "#1f4e79"
RED = "#b02a37"
GREEN = "#1e6f4a"
ORANGE = "#b35c00"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'{FONT} font-size="12">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, **attrs) -> str:
    extra = " ".join(f'{k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" {extra}>{escape(text)}</text>'


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class SlopeItem:
    label: str
    team_rank: int
    customer_rank: int
    highlight: bool = False


def slope_chart(items: Sequence[SlopeItem], *, ident: str = "slope") -> SafeString:
    """Team rank (left) to customer rank (right), one line per pillar."""
    n = max((max(i.team_rank, i.customer_rank) for i in items), default=1)
    row, top, width = 30, 40, 800
    left_x, right_x = 300, 500
    height = top + n * row + 10

    def y(rank: int) -> float:
        return top + (rank - 0.5) * row

    body = [
        _text(left_x, 20, _("Team"), text_anchor="middle", font_weight="bold", fill=INK),
        _text(right_x, 20, _("Customers"), text_anchor="middle", font_weight="bold", fill=INK),
    ]
    for item in sorted(items, key=lambda i: i.highlight):
        colour = RED if item.highlight else "#adb5bd"
        stroke = 3 if item.highlight else 1.5
        y1, y2 = y(item.team_rank), y(item.customer_rank)
        label = _truncate(item.label, 40)
        # gettext calls stay outside f-strings, where makemessages cannot see them.
        ranks = _("team rank %(t)d, customer rank %(c)d") % {
            "t": item.team_rank,
            "c": item.customer_rank,
        }
        body += [
            f"<g><title>{escape(item.label)}: {escape(ranks)}</title>",
            f'<line x1="{left_x}" y1="{y1:.1f}" x2="{right_x}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{stroke}"/>',
            f'<circle cx="{left_x}" cy="{y1:.1f}" r="4" fill="{colour}"/>',
            f'<circle cx="{right_x}" cy="{y2:.1f}" r="4" fill="{colour}"/>',
            _text(left_x - 10, y1 + 4, f"{label}  {item.team_rank}", text_anchor="end", fill=INK),
            _text(right_x + 10, y2 + 4, f"{item.customer_rank}  {label}", fill=INK),
            "</g>",
        ]
    desc = "; ".join(
        f"{i.label}: {i.team_rank} → {i.customer_rank}"
        for i in sorted(items, key=lambda i: i.customer_rank)
    )
    return _svg(width, height, _("Team rank versus customer rank per pillar"), desc, body, ident)


@dataclass(frozen=True)
class IpaItem:
    number: int
    label: str
    importance: float
    performance: float
    quadrant: str


def ipa_chart(
    items: Sequence[IpaItem],
    *,
    importance_cut: float,
    performance_cut: float,
    importance_range: tuple[float, float],
    quadrant_names: dict[str, str],
    performance_name: str,
    ident: str = "ipa",
) -> SafeString:
    """Importance (y) against performance (x, 1–5), cut at the means, quadrants named."""
    width, height = 640, 460
    left, right, top, bottom = 60, 20, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    lo_i, hi_i = importance_range

    def x(value: float) -> float:
        return left + (value - 1) / 4 * plot_w

    def y(value: float) -> float:
        return top + (hi_i - value) / (hi_i - lo_i) * plot_h

    cx, cy = x(performance_cut), y(importance_cut)
    body = [
        f'<rect x="{left}" y="{top}" width="{cx - left:.1f}" height="{cy - top:.1f}" '
        f'fill="#f8d7da" opacity="0.6"/>',
        f'<rect x="{cx:.1f}" y="{top}" width="{left + plot_w - cx:.1f}" height="{cy - top:.1f}" '
        f'fill="#d1e7dd" opacity="0.6"/>',
        f'<rect x="{left}" y="{cy:.1f}" width="{cx - left:.1f}" height="{top + plot_h - cy:.1f}" '
        f'fill="#f1f3f5"/>',
        f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{left + plot_w - cx:.1f}" '
        f'height="{top + plot_h - cy:.1f}" fill="#fff3cd" opacity="0.6"/>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{GRID}"/>',
        f'<line x1="{cx:.1f}" y1="{top}" x2="{cx:.1f}" y2="{top + plot_h}" stroke="{MUTED}" '
        f'stroke-dasharray="4 3"/>',
        f'<line x1="{left}" y1="{cy:.1f}" x2="{left + plot_w}" y2="{cy:.1f}" stroke="{MUTED}" '
        f'stroke-dasharray="4 3"/>',
        _text(left + 8, top + 16, quadrant_names["concentrate_here"], fill=RED, font_weight="bold"),
        _text(
            left + plot_w - 8,
            top + 16,
            quadrant_names["keep_up_the_good_work"],
            fill=GREEN,
            font_weight="bold",
            text_anchor="end",
        ),
        _text(left + 8, top + plot_h - 8, quadrant_names["low_priority"], fill=MUTED),
        _text(
            left + plot_w - 8,
            top + plot_h - 8,
            quadrant_names["possible_overkill"],
            fill=ORANGE,
            text_anchor="end",
        ),
    ]
    for tick in range(1, 6):
        body.append(_text(x(tick), top + plot_h + 16, str(tick), text_anchor="middle", fill=MUTED))
    body.append(
        _text(left + plot_w / 2, height - 8, performance_name, text_anchor="middle", fill=INK)
    )
    axis_name = _("Importance to customers (higher = more important)")
    importance_name, performance_word = _("importance"), _("performance")
    body.append(
        f'<text x="16" y="{top + plot_h / 2:.1f}" transform="rotate(-90 16 {top + plot_h / 2:.1f})"'
        f' text-anchor="middle" fill="{INK}">{escape(axis_name)}</text>'
    )
    for item in items:
        px, py = x(item.performance), y(item.importance)
        colour = RED if item.quadrant == "concentrate_here" else BLUE
        body += [
            f"<g><title>{escape(item.label)}: "
            f"{escape(quadrant_names[item.quadrant])} "
            f"({escape(importance_name)} {decimal(item.importance, 2)}, "
            f"{escape(performance_word)} {decimal(item.performance, 2)})</title>",
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="11" fill="{colour}"/>',
            _text(
                px, py + 4, str(item.number), text_anchor="middle", fill="#fff", font_weight="bold"
            ),
            "</g>",
        ]
    desc = "; ".join(
        f"{i.number} {i.label}: {quadrant_names[i.quadrant]}"
        for i in sorted(items, key=lambda i: i.number)
    )
    return _svg(width, height, _("Importance–performance chart"), desc, body, ident)


@dataclass(frozen=True)
class BarPair:
    label: str
    first: float | None
    second: float | None


def paired_bars(
    items: Sequence[BarPair],
    *,
    first_name: str,
    second_name: str,
    scale: tuple[float, float] = (1, 5),
    title: str,
    ident: str = "pairs",
) -> SafeString:
    """Two horizontal bars per item on a common scale (e.g. team score and customer rating)."""
    label_w, bar_w, row = 300, 360, 34
    top = 30
    width, height = label_w + bar_w + 60, top + row * len(items) + 10
    lo, hi = scale

    def w(value: float) -> float:
        return (value - lo) / (hi - lo) * bar_w

    body = [
        f'<rect x="{label_w}" y="6" width="12" height="10" fill="{BLUE}"/>',
        _text(label_w + 16, 15, first_name, fill=INK),
        f'<rect x="{label_w + 150}" y="6" width="12" height="10" fill="{ORANGE}"/>',
        _text(label_w + 166, 15, second_name, fill=INK),
    ]
    for index, item in enumerate(items):
        y0 = top + index * row
        body.append(
            _text(label_w - 8, y0 + 16, _truncate(item.label, 36), text_anchor="end", fill=INK)
        )
        for offset, value, colour in ((0, item.first, BLUE), (13, item.second, ORANGE)):
            if value is None:
                body.append(_text(label_w + 4, y0 + offset + 10, "—", fill=MUTED))
                continue
            body += [
                f'<rect x="{label_w}" y="{y0 + offset}" width="{max(w(value), 1):.1f}" '
                f'height="11" fill="{colour}"><title>{escape(item.label)}: '
                f"{decimal(value, 2)}</title></rect>",
                _text(
                    label_w + w(value) + 4,
                    y0 + offset + 10,
                    decimal(value, 1),
                    fill=INK,
                    font_size="11",
                ),
            ]
    desc = "; ".join(
        f"{i.label}: {first_name} {_fmt(i.first)}, {second_name} {_fmt(i.second)}" for i in items
    )
    return _svg(width, height, title, desc, body, ident)


def diverging_bars(
    items: Sequence[tuple[str, float | None]],
    *,
    limit: float = 4,
    title: str,
    ident: str = "diverging",
) -> SafeString:
    """Bars left (negative, red) or right (positive, green) of zero."""
    label_w, half, row, top = 300, 180, 26, 10
    width, height = label_w + 2 * half + 40, top + row * len(items) + 10
    zero = label_w + half
    body = [f'<line x1="{zero}" y1="{top - 4}" x2="{zero}" y2="{height - 4}" stroke="{MUTED}"/>']
    for index, (label, value) in enumerate(items):
        y0 = top + index * row
        body.append(_text(label_w - 8, y0 + 14, _truncate(label, 42), text_anchor="end", fill=INK))
        if value is None:
            body.append(_text(zero + 4, y0 + 14, "—", fill=MUTED))
            continue
        length = min(abs(value), limit) / limit * half
        x0 = zero if value >= 0 else zero - length
        colour = GREEN if value >= 0 else RED
        anchor_x = zero + length + 4 if value >= 0 else zero - length - 4
        body += [
            f'<rect x="{x0:.1f}" y="{y0 + 3}" width="{max(length, 1):.1f}" height="14" '
            f'fill="{colour}"><title>{escape(label)}: '
            f"{decimal(value, 2, signed=True)}</title></rect>",
            _text(
                anchor_x,
                y0 + 14,
                decimal(value, 2, signed=True),
                fill=INK,
                font_size="11",
                text_anchor="start" if value >= 0 else "end",
            ),
        ]
    desc = "; ".join(f"{label}: {_fmt(value, signed=True)}" for label, value in items)
    return _svg(width, height, title, desc, body, ident)


def small_multiples(
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    round_labels: Sequence[str],
    scale: tuple[float, float] = (1, 5),
    title: str,
    ident: str = "trend",
) -> SafeString:
    """One small line chart per item (e.g. a pillar's mean team score across rounds)."""
    cols, cell_w, cell_h, pad = 5, 150, 90, 14
    rows = (len(series) + cols - 1) // cols
    width, height = cols * cell_w, rows * cell_h
    lo, hi = scale
    body = []
    steps = max(len(round_labels) - 1, 1)
    for index, (label, values) in enumerate(series):
        ox, oy = (index % cols) * cell_w, (index // cols) * cell_h
        body.append(_text(ox + 4, oy + 12, _truncate(label, 24), fill=INK, font_size="11"))
        px0, py0, pw, ph = ox + pad, oy + 20, cell_w - 2 * pad, cell_h - 34
        body.append(
            f'<rect x="{px0}" y="{py0}" width="{pw}" height="{ph}" fill="none" stroke="{GRID}"/>'
        )
        points = [
            (px0 + i / steps * pw, py0 + (hi - v) / (hi - lo) * ph)
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
        for (x, y), v in zip(points, [v for v in values if v is not None], strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BLUE}"><title>'
                f"{escape(label)}: {decimal(v, 2)}</title></circle>"
            )
        if values and values[-1] is not None:
            body.append(
                _text(
                    px0 + pw,
                    oy + cell_h - 2,
                    decimal(values[-1], 1),
                    text_anchor="end",
                    fill=MUTED,
                    font_size="10",
                )
            )
    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{r} {_fmt(v)}" for r, v in zip(round_labels, values, strict=True))
        for label, values in series
    )
    return _svg(width, height, title, desc, body, ident)


def _fmt(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return decimal(value, 2, signed=signed)


def qr_code(url: str, *, title: str, standalone: bool = False) -> SafeString | bytes:
    """The survey link as a QR code (segno, error correction M: survives a smudged print).

    Inline markup scales with its box (viewBox, no size); ``standalone`` gives a complete SVG
    file, 10 px a module, for printing or a poster."""
    import io

    import segno

    code = segno.make(url, error="m", micro=False)
    if standalone:
        out = io.BytesIO()
        code.save(out, kind="svg", scale=10, border=4, title=title, dark=INK)
        return out.getvalue()
    return mark_safe(
        code.svg_inline(scale=1, border=4, title=title, omitsize=True, svgclass="qr-code", dark=INK)
    )


@dataclass(frozen=True)
class TrendPoint:
    when: float  # position on the time axis, e.g. a date's ordinal
    value: float
    margin: float | None
    label: str
    survey: bool  # survey values are drawn apart from monthly figures


def metric_trend(
    points: Sequence[TrendPoint],
    *,
    scale: tuple[float, float],
    target: float | None,
    title: str,
    unit: str = "",
    ident: str = "metric",
) -> SafeString:
    """One metric over time: monthly figures as a line, survey rounds as dots with 95% margins,
    the target as a dashed line."""
    width, height = 640, 220
    left, right, top, bottom = 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = scale
    first = min((p.when for p in points), default=0)
    last = max((p.when for p in points), default=1)
    span = (last - first) or 1

    def x(when: float) -> float:
        if len({p.when for p in points}) <= 1:
            return left + plot_w / 2
        return left + (when - first) / span * plot_w

    def y(value: float) -> float:
        return top + (hi - _clip(value, lo, hi)) / ((hi - lo) or 1) * plot_h

    body = [
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{GRID}"/>'
    ]
    for tick in (lo, (lo + hi) / 2, hi):
        body.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y(tick) + 4, _short(tick), text_anchor="end", fill=MUTED))
    if target is not None:
        ty = y(target)
        body.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" '
            f'stroke="{ORANGE}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(
            _text(
                left + plot_w - 4,
                ty - 5,
                _("target %(value)s") % {"value": f"{_short(target)}{unit}"},
                text_anchor="end",
                fill=ORANGE,
            )
        )
    monthly = [p for p in points if not p.survey]
    if len(monthly) > 1:
        path = " ".join(f"{x(p.when):.1f},{y(p.value):.1f}" for p in monthly)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    for p in points:
        px, py = x(p.when), y(p.value)
        text = f"{p.label}: {decimal(p.value, 1)}{unit}" + (
            f" ± {decimal(p.margin, 1)}" if p.margin is not None else ""
        )
        if p.survey and p.margin is not None:
            body.append(
                f'<line x1="{px:.1f}" y1="{y(p.value + p.margin):.1f}" x2="{px:.1f}" '
                f'y2="{y(p.value - p.margin):.1f}" stroke="{GREEN}" stroke-width="2"/>'
            )
        shape = (
            f'<rect x="{px - 4:.1f}" y="{py - 4:.1f}" width="8" height="8" fill="{GREEN}">'
            if p.survey
            else f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{BLUE}">'
        )
        closing = "</rect>" if p.survey else "</circle>"
        body.append(f"{shape}<title>{escape(text)}</title>{closing}")
    if points:
        body.append(_text(left, height - 14, _truncate(points[0].label, 30), fill=MUTED))
        if len(points) > 1:
            body.append(
                _text(
                    left + plot_w,
                    height - 14,
                    _truncate(points[-1].label, 30),
                    text_anchor="end",
                    fill=MUTED,
                )
            )
    target_word = _("target")  # gettext outside the f-string, where makemessages sees it
    desc = "; ".join(
        f"{p.label} {_fmt(p.value)}" + (f" ± {_fmt(p.margin)}" if p.margin is not None else "")
        for p in points
    ) + (f"; {target_word} {_short(target)}" if target is not None else "")
    return _svg(width, height, title, desc or _("No values yet."), body, ident)


def _short(value: float) -> str:
    """An axis or target number in the page's language: no decimals when it is whole."""
    return decimal(value, 0 if float(value).is_integer() else 1)


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
