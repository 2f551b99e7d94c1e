"""What one cell of a survey export says: a rank, a score, an NPS, a generation, an item list."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation

from assessments.languages import generation_wordings
from assessments.models import GENERATION_SHORT_NAMES, Generation
from assessments.ranking import small_whole_number

from .matching import PillarMatcher, normalise

_WHOLE_NUMBER = re.compile(r"([+-]?\d+)(?:\.0*)?")
_LEADING_NUMBER = re.compile(r"\s*(\d{1,2})(?:\s*[-–—:=).]\s*[^\d\s].*|\s+[^\d\s].*)?", re.DOTALL)
_ORDINAL_SUFFIX = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)", re.IGNORECASE)
_RANK_WORD = re.compile(r"(?:rank|place|position|choice|#|no\.?)\s*(\d{1,2})", re.IGNORECASE)
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
NOT_ANSWERED = frozenset({"na", "n/a", "-", "–", "none", "not applicable", "skipped"})
_SCALE_LABELS = {
    "very poor": 1,
    "very bad": 1,
    "terrible": 1,
    "poor": 2,
    "bad": 2,
    "fair": 3,
    "average": 3,
    "ok": 3,
    "okay": 3,
    "neutral": 3,
    "good": 4,
    "very good": 5,
    "excellent": 5,
    "much worse than expected": 1,
    "worse than expected": 2,
    "as expected": 3,
    "better than expected": 4,
    "much better than expected": 5,
}
_AGE_BAND = re.compile(
    r"\s*(?:(?:under|over|below|above)\s*\d{2}|\d{2}\s*(?:[-–—]|to)\s*\d{2}|\d{2}\s*\+|"
    r"\d{2}\s*(?:and|or)\s*(?:over|older|above|under|younger))\s*(?:years?)?\s*",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\(.*?\)|\[.*?\]")
_BIRTH_YEARS = re.compile(r"(?:born\s*)?(?:19|20)\d\d\s*(?:[-–—]|to)\s*(?:19|20)?\d\d", re.I)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def whole_number(value: object) -> int | None:
    """The integer a cell holds (3, 3.0, " 3 ", "3.0"), or None; thousands of digits are None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e9 else None
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value() and abs(value) < 10**9:
            return int(value)
        return None
    if isinstance(value, str):
        match = _WHOLE_NUMBER.fullmatch(value.strip())
        return small_whole_number(match.group(1)) if match else None
    return None


def is_not_answered(text: str) -> bool:
    return text.casefold() in NOT_ANSWERED


def rank_values(value: object) -> list[int] | None:
    """The places a rank cell gives: [] blank, [3] one, [3, 4] a ticked checkbox grid; None
    when the cell is not a place at all. Reads 3, "3", "3rd", "Third", "Rank 3"."""
    number = whole_number(value)
    if number is not None:
        return [number]
    text = cell_text(value)
    if not text or is_not_answered(text):
        return []
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()] if len(text) > 2 else [text]
    places = []
    for part in parts:
        place = _one_place(part)
        if place is None:
            return None
        places.append(place)
    return places


def _one_place(text: str) -> int | None:
    number = whole_number(text)
    if number is not None:
        return number
    word = ORDINAL_WORDS.get(text.casefold().removesuffix(" place").removesuffix(" choice"))
    if word is not None:
        return word
    for pattern in (_ORDINAL_SUFFIX, _RANK_WORD):
        match = pattern.fullmatch(text)
        if match:
            return small_whole_number(match.group(1))
    return None


def has_rank_words(value: object) -> bool:
    """True for places written as words ("Third", "3rd", "Rank 3"), which only rankings use."""
    text = cell_text(value)
    return bool(text) and whole_number(text) is None and rank_values(text) not in (None, [])


def scale_value(value: object) -> int | None:
    """A 1–5 answer: a number, "4 - Good" or a scale label (Very poor … Excellent)."""
    number = whole_number(value)
    if number is not None:
        return number
    text = cell_text(value)
    if not text:
        return None
    label = _SCALE_LABELS.get(" ".join(text.casefold().split()))
    if label is not None:
        return label
    match = _LEADING_NUMBER.fullmatch(text)
    return small_whole_number(match.group(1)) if match else None


def is_scale_label(value: object) -> bool:
    return " ".join(cell_text(value).casefold().split()) in _SCALE_LABELS


def nps_value(value: object) -> int | None:
    """A 0–10 answer: 7, "7", "10 - Extremely likely"."""
    number = whole_number(value)
    if number is not None:
        return number
    match = _LEADING_NUMBER.fullmatch(cell_text(value))
    return small_whole_number(match.group(1)) if match else None


_GENERATION_VARIANTS = {
    Generation.GEN_Z: ("gen z", "generation z", "genz", "zoomer", "zoomers", "gen-z"),
    Generation.MILLENNIALS: (
        "millennial",
        "millennials",
        "millenial",
        "millenials",
        "gen y",
        "generation y",
    ),
    Generation.GEN_X: ("gen x", "generation x", "genx"),
    Generation.BABY_BOOMERS: ("boomer", "boomers", "baby boomer", "baby boomers"),
    Generation.SILENT: ("silent", "silent generation", "the silent generation"),
    Generation.UNDISCLOSED: ("prefer not to say", "unknown", "undisclosed", "rather not say"),
}


def generation_lookup() -> dict[str, str]:
    """Normalised wording -> generation value, in English and the active language."""
    lookup: dict[str, str] = {}
    for generation in Generation:
        wordings = [
            generation.value,
            str(generation.label),
            str(GENERATION_SHORT_NAMES[generation]),
            *_GENERATION_VARIANTS[generation],
            *generation_wordings(generation),  # every language's labels (issue 13)
        ]
        with translation.override("en"):
            wordings += [str(generation.label), str(GENERATION_SHORT_NAMES[generation])]
        for wording in wordings:
            lookup.setdefault(normalise(wording), generation.value)
            lookup.setdefault(normalise(_PARENTHESES.sub("", wording)), generation.value)
    return lookup


def generation_value(value: object, lookup: dict[str, str]) -> str | None:
    """The generation a cell names ("Gen X", "Millennials (born 1981–1996)"), "" blank, or None."""
    text = cell_text(value)
    if not text:
        return ""
    found = lookup.get(normalise(text))
    if found is None:
        stripped = _BIRTH_YEARS.sub("", _PARENTHESES.sub("", text))
        found = lookup.get(normalise(stripped))
    return found


def is_age_band(value: object) -> bool:
    return bool(_AGE_BAND.fullmatch(cell_text(value)))


def split_ranked_list(text: str, matcher: PillarMatcher) -> list[int | None]:
    """Pillar pks in the order a one-cell list gives them; None for a part that names none.

    Separators are ``;`` (Microsoft Forms, with a trailing one; Formbricks with a space) or ``,``
    (Typeform, no space). A label may itself contain commas, so neighbouring parts are joined
    greedily into the longest run that names a pillar.
    """
    text = text.strip()
    separator = ";" if ";" in text else ("\n" if "\n" in text else ",")
    parts = [p.strip() for p in text.split(separator)]
    while parts and not parts[-1]:
        parts.pop()
    found: list[int | None] = []
    index = 0
    while index < len(parts):
        best_end, best = index + 1, None
        # Longest run of parts that names a pillar exactly, then the shortest close variant.
        for end in range(min(len(parts), index + 6), index, -1):
            pillar = matcher.exact(separator.join(parts[index:end]))
            if pillar is not None:
                best_end, best = end, pillar.pk
                break
        else:
            for end in range(index + 1, min(len(parts), index + 3) + 1):
                match = matcher.match(separator.join(parts[index:end]))
                if match.pillar is not None:
                    best_end, best = end, match.pillar.pk
                    break
        found.append(best)
        index = best_end
    return found


def matrix_lines(text: str) -> list[tuple[str, str]]:
    """(item, answer) pairs of a one-cell matrix written as ``Item: answer`` lines (Formbricks)."""
    pairs = []
    for line in text.splitlines():
        item, colon, answer = line.rpartition(":")
        if colon and item.strip():
            pairs.append((item.strip(), answer.strip()))
    return pairs
