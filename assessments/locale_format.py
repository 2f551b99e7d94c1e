"""Numbers for people, in the active language's format: the one helper every page and chart uses.

Exports (CSV, XLSX, JSON) do not come through here: they keep dot decimals in any language.
"""

from django.utils.formats import get_format

MISSING = "—"
MINUS = "−"  # U+2212, the typographic minus


def decimal(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals and the active language's decimal separator
    ("0.42" in English, "0,42" in German); an em dash when missing; ``signed`` adds "+"/"−"."""
    if value is None or value == "":
        return MISSING
    number = float(value)
    text = f"{abs(number):.{int(digits)}f}"
    separator = get_format("DECIMAL_SEPARATOR")
    if separator != ".":
        text = text.replace(".", separator)
    if round(number, int(digits)) == 0:
        return text  # no "−0.0" and no "+0.00"
    if number < 0:
        return MINUS + text if signed else "-" + text
    return "+" + text if signed else text


def p_value(value: float | None) -> str:
    """A p-value the way papers print it, in the active language: "p = 0.042", "p < 0,001"."""
    if value is None:
        return f"p = {MISSING}"
    if value < 0.001:
        return f"p < {decimal(0.001, 3)}"
    return f"p = {decimal(value, 3)}"


def percent(value: float | None) -> str:
    """A 0–1 share as a whole percentage."""
    if value is None:
        return MISSING
    return f"{decimal(value * 100, 0)}%"
