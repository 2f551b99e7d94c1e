"""Formatting for report numbers and colour scales."""

from django import template

from assessments import contrast, locale_format

register = template.Library()


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return red, green, blue


WHITE = (255, 255, 255)
BLUE = (31, 78, 121)
RED = (176, 42, 55)


@register.filter
def heat_style(value: float | None) -> str:
    """Inline style for a correlation cell: blue for agreement, red for opposition."""
    if value is None:
        return "background:#f1f3f5;color:#495057"
    strength = min(1.0, abs(value))
    background = _mix(WHITE, BLUE if value >= 0 else RED, strength)
    # The number's colour is read off the cell's own colour: at least 4.5:1 (WCAG AA).
    text = contrast.text_colour_for(background)
    return f"background:{contrast.css_colour(background)};color:{contrast.css_colour(text)}"


@register.filter
def num(value: float | None, digits: int = 1) -> str:
    """A fixed number of decimals in the active language's format, or an em dash when missing.

    What ``floatformat`` does for our reports, at a tenth of its cost (reports print hundreds).
    """
    return locale_format.decimal(value, digits)


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    """A number with an explicit sign (−0.42, +0.42), or an em dash when missing."""
    return locale_format.decimal(value, digits, signed=True)


@register.filter
def pvalue(value: float | None) -> str:
    """A p-value the way papers print it, in the active language: "p = 0.042", "p < 0,001"."""
    return locale_format.p_value(value)


@register.filter
def percent(value: float | None) -> str:
    """A 0–1 share as a whole percentage."""
    return locale_format.percent(value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def ci_left(low: float, n: int) -> str:
    """Left edge of a confidence interval on a 1..n track, in percent."""
    return f"{max(0.0, min(100.0, (low - 1) / max(n - 1, 1) * 100)):.1f}"


@register.filter
def ci_width(summary, n: int) -> str:
    """Width of a confidence interval on a 1..n track, in percent (at least visible)."""
    low, high = max(summary.ci95_low, 1), min(summary.ci95_high, n)
    return f"{max(1.0, (high - low) / max(n - 1, 1) * 100):.1f}"


@register.filter
def top_pillars(generation_row, pillar_by_slug: dict) -> list:
    return generation_row.top(pillar_by_slug)


@register.filter
def css_number(value: float) -> str:
    """A number for a CSS value: always a dot, whatever the language."""
    return f"{float(value):.2f}"
