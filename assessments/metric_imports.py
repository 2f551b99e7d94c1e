"""Reading a CSV of monthly CX metrics (``month, metric, value``): pure, no database.

Every bad row is reported with its line number; the caller writes nothing when any row is bad.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .forms_diagnostic import check_metric_value
from .imports import RowError
from .models import Metric
from .services import MonthValue

MAX_ROWS = 5000
REQUIRED_COLUMNS = ("month", "metric", "value")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_METRIC_ALIASES = {
    Metric.NPS: ("nps", "netpromoterscore"),
    Metric.CSAT: ("csat", "customersatisfaction"),
    Metric.CES: ("ces", "customereffort", "customereffortscore"),
    Metric.FIRST_RESPONSE_HOURS: (
        "firstresponsehours",
        "firstresponsetime",
        "averagefirstresponsetime",
        "frt",
    ),
}
_METRIC_BY_NAME = {alias: metric for metric, names in _METRIC_ALIASES.items() for alias in names}


@dataclass
class MetricFile:
    values: list[MonthValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors and bool(self.values)


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def parse_month(text: str) -> dt.date | None:
    """First day of the month written as YYYY-MM (or a YYYY-MM-DD date in it)."""
    match = _MONTH.match(text.strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return dt.date(year, month, 1)


def parse_value(text: str) -> float | None:
    """A number such as 42, -12.5, 87%, or 3,5 (decimal comma)."""
    cleaned = text.strip().removesuffix("%").strip()
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_metric_csv(content: bytes) -> MetricFile:
    """Rows of ``month, metric, value`` with every problem reported by line."""
    result = MetricFile()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.file_error = _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        return result
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    columns = {_normal(cell): index for index, cell in enumerate(header or [])}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        result.file_error = _("The first row must name the columns month, metric and value.")
        return result
    seen: dict[tuple[str, dt.date], int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if line - 1 > MAX_ROWS:
            result.file_error = _("The file has more than %(n)d rows.") % {"n": MAX_ROWS}
            return result

        def cell(name: str, row=row) -> str:
            index = columns[name]
            return row[index].strip() if index < len(row) else ""

        problems = []
        month = parse_month(cell("month"))
        if month is None:
            problems.append(
                _("month “%(value)s” is not a month like 2026-11") % {"value": cell("month")}
            )
        metric = _METRIC_BY_NAME.get(_normal(cell("metric")))
        if metric is None:
            problems.append(
                _("unknown metric “%(value)s” (use nps, csat, ces or first_response_hours)")
                % {"value": cell("metric")}
            )
        value = parse_value(cell("value"))
        if value is None:
            problems.append(_("value “%(value)s” is not a number") % {"value": cell("value")})
        elif metric is not None and (problem := check_metric_value(metric, value)):
            problems.append(problem)
        if month is not None and metric is not None:
            if (metric, month) in seen:
                problems.append(
                    _("%(metric)s for %(month)s already appears on line %(line)d")
                    % {
                        "metric": metric.value,
                        "month": f"{month:%Y-%m}",
                        "line": seen[(metric, month)],
                    }
                )
            else:
                seen[(metric, month)] = line
        if problems or metric is None or month is None or value is None:
            result.errors.append(RowError(line, "; ".join(problems)))
        else:
            result.values.append(MonthValue(metric.value, month, value))
    if not result.values and not result.errors:
        result.file_error = _("The file has no rows below the header.")
    return result
