"""The one rule for a ranking: every item gets exactly one place, the places are 1..n.

Pure: no Django, no database. The scorecard form, the survey form, the services that write
answers and the file importer all ask ``check_ranking`` and word its findings for their reader.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item", bound=Hashable)

# A place or a score never needs more digits than this; longer text is refused before int(),
# which would otherwise spend time on (or refuse with a ValueError) numbers of thousands of digits.
MAX_NUMBER_DIGITS = 6


@dataclass(frozen=True)
class RankingCheck(Generic[Item]):
    """What is wrong with one ranking; empty lists mean nothing is."""

    missing: list[Item] = field(default_factory=list)  # items without a place
    unknown: list[Item] = field(default_factory=list)  # places given to items not ranked here
    out_of_range: list[tuple[Item, int]] = field(default_factory=list)
    shared: dict[int, list[Item]] = field(default_factory=dict)  # place -> its holders (≥ 2)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unknown or self.out_of_range or self.shared)


def check_ranking(ranks: Mapping[Item, int | None], items: Sequence[Item]) -> RankingCheck[Item]:
    """Check that ``ranks`` gives each of ``items`` a distinct place from 1 to len(items)."""
    count = len(items)
    known = set(items)
    missing = [item for item in items if ranks.get(item) is None]
    unknown = [item for item in ranks if item not in known]
    out_of_range: list[tuple[Item, int]] = []
    holders: dict[int, list[Item]] = {}
    for item in items:
        place = ranks.get(item)
        if place is None:
            continue
        if not 1 <= place <= count:
            out_of_range.append((item, place))
            continue
        holders.setdefault(place, []).append(item)
    shared = {place: held for place, held in sorted(holders.items()) if len(held) > 1}
    return RankingCheck(missing, unknown, out_of_range, shared)


def is_complete_ranking(ranks: Mapping[Item, int], items: Sequence[Item]) -> bool:
    """True when ``ranks`` is a permutation of 1..n over exactly ``items``."""
    return check_ranking(ranks, items).ok


def small_whole_number(text: str) -> int | None:
    """The integer written in ``text`` ("3", " 3 ", "+3", "-1"), refused past MAX_NUMBER_DIGITS."""
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_NUMBER_DIGITS:
        return None
    return int(text)
