"""Reading the data rows of a file with a decided layout into responses and line errors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments.models import GENERATION_SHORT_NAMES
from assessments.ranking import check_ranking
from assessments.services import NewResponse

from . import cells
from .files import is_blank, is_blank_row
from .layouts import (
    CES,
    EXPECTATION,
    EXPERIENCE,
    GENERATION,
    NPS,
    RANK,
    RANK_LIST,
    RESPONSE_ID,
    Group,
    Layout,
)
from .matching import PillarLike, PillarMatcher

MAX_EXTERNAL_ID_LENGTH = 200
_SHOWN_CHARS = 40
ROW_KEY_PREFIX = "row-"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ParseResult:
    # The services' own type: a response read from a file is written as it is, field for field
    # the same as one typed into the public form.
    responses: list[NewResponse] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows skipped as notes, with their line
    layout: Layout | None = None

    @property
    def column_map(self) -> dict[str, str]:
        """Column header -> what it is read as ("rank:<slug>", "nps", …)."""
        return column_map(self.layout, self.slugs) if self.layout else {}

    slugs: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors


def column_map(layout: Layout, slugs: dict[int, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for group in layout.groups:
        if group.kind in (RANK, EXPERIENCE, EXPECTATION) and group.pillars:
            for header, pk in zip(group.headers, group.pillars, strict=True):
                if pk is not None:
                    found[header] = f"{group.kind}:{slugs[pk]}"
        elif group.kind != "ignore":
            for header in group.headers:
                found[header] = group.kind.replace("response-id", "response_id")
    return found


def shown(value: object) -> str:
    """A cell value as it should appear in a message."""
    text = cells.cell_text(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def join_or(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def join_and(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _row_key(row: Sequence[object]) -> str:
    """A key from the whole row: the same row in a later export of the same form gets it again."""
    text = "\x1f".join(cells.cell_text(v) for v in row)
    return ROW_KEY_PREFIX + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _external_id(value: object) -> tuple[str, str | None]:
    text = cells.cell_text(value)
    if any(ord(ch) < 32 and ch != "\t" for ch in text):
        # PostgreSQL refuses NUL in text, and control characters are never a real key.
        return "", _("response_id “%(value)s” contains control characters") % {
            "value": shown(text.replace("\x00", "\\0"))
        }
    if len(text) > MAX_EXTERNAL_ID_LENGTH:
        return "", _("response_id “%(value)s” is longer than %(limit)s characters (%(length)s)") % {
            "value": shown(text),
            "limit": MAX_EXTERNAL_ID_LENGTH,
            "length": len(text),
        }
    return text, None


class RowReader:
    """Reads rows with one layout; build once per file, then call ``read`` per row."""

    def __init__(self, layout: Layout, pillars: Sequence[PillarLike], *, ids_are_keys: bool):
        self.layout = layout
        self.pillars = list(pillars)
        self.pks = [p.pk for p in self.pillars]
        self.names = {p.pk: p.name for p in self.pillars}
        self.matcher = PillarMatcher(self.pillars)
        self.generations = cells.generation_lookup()
        self.generation_choices = join_or([str(n) for n in GENERATION_SHORT_NAMES.values()])
        self.ranking = layout.ranking
        self.ratings = [
            (kind, group) for kind in (EXPERIENCE, EXPECTATION) for group in layout.groups_of(kind)
        ]
        nps = layout.groups_of(NPS)
        self.nps_column = nps[0].columns[0] if nps else None
        ces = layout.groups_of(CES)
        self.ces_column = ces[0].columns[0] if ces else None
        generation = layout.groups_of(GENERATION)
        self.generation_column = generation[0].columns[0] if generation else None
        ids = layout.groups_of(RESPONSE_ID)
        self.id_column = None
        if ids and (ids_are_keys or not ids[0].restarting_id):
            self.id_column = ids[0].columns[0]
        self.first_line_of_id: dict[str, int] = {}
        self.row_keys_seen: dict[str, int] = {}
        self.full_ranking = list(range(1, len(self.pks) + 1))
        used = [c for g in layout.groups if g.kind != "ignore" for c in g.columns]
        self.width = max(used, default=0) + 1
        self._generations: dict[object, str | None] = {}
        # Cells repeat ("1"…"10", "Good", "Gen X"): each distinct value is read once.
        self._places: dict[object, list[int] | None] = {}
        self._scores: dict[object, int | None] = {}

    def places(self, value: object) -> list[int] | None:
        try:
            return self._places[value]
        except KeyError:
            found = cells.rank_values(value)
            if len(self._places) < 10_000:
                self._places[value] = found
            return found
        except TypeError:
            return cells.rank_values(value)

    def score(self, value: object) -> int | None:
        try:
            return self._scores[value]
        except KeyError:
            found = cells.scale_value(value)
            if len(self._scores) < 10_000:
                self._scores[value] = found
            return found
        except TypeError:
            return cells.scale_value(value)

    # ---------------------------------------------------------------- ranks

    def _ranks_from_columns(self, cell: Callable[[int], object], group: Group, problems: list):
        given: dict[int, int | None] = {}
        places_of = self.places
        for index, pk in zip(group.columns, group.pillars, strict=True):
            if pk is None:
                continue
            value = cell(index)
            places = places_of(value)
            if places is None:
                problems.append(
                    _("rank for %(pillar)s is not a whole number: “%(value)s”")
                    % {"pillar": self.names[pk], "value": shown(value)}
                )
                given[pk] = None
            elif len(places) > 1:
                problems.append(
                    _("%(pillar)s is given two places (%(value)s)")
                    % {"pillar": self.names[pk], "value": shown(value)}
                )
                given[pk] = None
            elif places:
                given[pk] = places[0]
        return given

    def _ranks_from_list(self, value: object, problems: list) -> dict[int, int | None]:
        text = cells.cell_text(value)
        given: dict[int, int | None] = {}
        if not text:
            return given
        for place, pk in enumerate(cells.split_ranked_list(text, self.matcher), start=1):
            if pk is None:
                problems.append(
                    _("place %(place)s of the list names no pillar: “%(value)s”")
                    % {"place": place, "value": shown(value)}
                )
            elif pk in given:
                problems.append(_("%(pillar)s is listed twice") % {"pillar": self.names[pk]})
            else:
                given[pk] = place
        return given

    def _ranks_from_positions(self, cell, group: Group, problems: list) -> dict[int, int | None]:
        given: dict[int, int | None] = {}
        for index, place in zip(group.columns, group.positions, strict=True):
            value = cell(index)
            text = cells.cell_text(value)
            if not text or place is None:
                continue
            pk = self.layout.codes.get(text)
            if pk is None:
                match = self.matcher.match(text)
                pk = match.pillar.pk if match.pillar is not None else None
            if pk is None:
                problems.append(
                    _("place %(place)s names no pillar: “%(value)s”")
                    % {"place": place, "value": shown(value)}
                )
            elif pk in given:
                problems.append(_("%(pillar)s is placed twice") % {"pillar": self.names[pk]})
            else:
                given[pk] = place
        return given

    def _ranks(self, cell, problems: list) -> dict[int, int]:
        group = self.ranking
        if group is None:
            return {}
        if group.kind == RANK:
            given = self._ranks_from_columns(cell, group, problems)
        elif group.kind == RANK_LIST:
            given = self._ranks_from_list(cell(group.columns[0]), problems)
        else:
            given = self._ranks_from_positions(cell, group, problems)
        if problems:
            return {}
        if len(given) == len(self.pks) and sorted(given.values()) == self.full_ranking:
            return given  # the usual case: a complete ranking, nothing to report
        found = check_ranking(given, self.pks)
        for pk in found.missing:
            problems.append(_("missing rank for %(pillar)s") % {"pillar": self.names[pk]})
        for pk, rank in found.out_of_range:
            problems.append(
                _("rank %(value)s is out of range 1–%(count)s for %(pillar)s")
                % {"value": rank, "count": len(self.pks), "pillar": self.names[pk]}
            )
        for rank, holders in found.shared.items():
            held = [self.names[pk] for pk in holders]
            if len(held) == 2:
                problems.append(
                    _("rank %(rank)s is given to both %(first)s and %(second)s")
                    % {"rank": rank, "first": held[0], "second": held[1]}
                )
            else:
                problems.append(
                    _("rank %(rank)s is given to %(pillars)s")
                    % {"rank": rank, "pillars": join_and(held)}
                )
        return {pk: rank for pk, rank in given.items() if rank is not None}

    # ---------------------------------------------------------------- ratings

    def _rating_problem(self, kind: str, pk: int, value: object) -> str:
        if kind == EXPERIENCE:
            message = _(
                "experience score for %(pillar)s must be a whole number from 1 to 5, "
                "not “%(value)s”"
            )
        else:
            message = _(
                "expectation score for %(pillar)s must be a whole number from 1 to 5, "
                "not “%(value)s”"
            )
        return message % {"pillar": self.names[pk], "value": shown(value)}

    def _ratings(self, cell, kind: str, group: Group, problems: list) -> dict[int, int]:
        scores: dict[int, int] = {}
        if len(group.columns) == 1 and not group.pillars:
            text = cells.cell_text(cell(group.columns[0]))
            for item, answer in cells.matrix_lines(text):
                match = self.matcher.match(item)
                if match.pillar is None:
                    continue
                score = cells.scale_value(answer)
                if score is None or not 1 <= score <= 5:
                    problems.append(self._rating_problem(kind, match.pillar.pk, answer))
                else:
                    scores[match.pillar.pk] = score
            return scores
        score_of = self.score
        for index, pk in zip(group.columns, group.pillars, strict=True):
            if pk is None:
                continue
            value = cell(index)
            if value is None or value == "":
                continue
            score = score_of(value)
            if score is None and (is_blank(value) or cells.is_not_answered(cells.cell_text(value))):
                continue
            if score is None or not 1 <= score <= 5:
                problems.append(self._rating_problem(kind, pk, value))
            else:
                scores[pk] = score
        return scores

    # ---------------------------------------------------------------- a row

    def read(self, line: int, row: Sequence[object]) -> tuple[NewResponse | None, str]:
        """The response of one data row, or None and the problems ("; "-joined)."""

        if len(row) < self.width:  # short rows: missing cells are blank
            row = [*row, *([None] * (self.width - len(row)))]
        cell = row.__getitem__

        problems: list[str] = []
        external_id = ""
        if self.id_column is not None:
            external_id, problem = _external_id(cell(self.id_column))
            if problem:
                problems.append(problem)
            elif external_id and external_id in self.first_line_of_id:
                problems.append(
                    _("response_id “%(value)s” already appears on line %(line)s")
                    % {"value": shown(external_id), "line": self.first_line_of_id[external_id]}
                )
            elif external_id:
                self.first_line_of_id[external_id] = line
        if not external_id and not problems:
            # No usable id: the row itself is the key, so re-importing the file adds nothing,
            # while two identical rows in one file stay two responses.
            key = _row_key(row)
            seen = self.row_keys_seen.get(key, 0)
            self.row_keys_seen[key] = seen + 1
            external_id = key if not seen else f"{key}-{seen + 1}"

        generation = ""
        if self.generation_column is not None:
            value = cell(self.generation_column)
            try:
                found = self._generations[value]
            except (KeyError, TypeError):
                found = cells.generation_value(value, self.generations)
                if len(self._generations) < 1_000 and isinstance(value, str | None):
                    self._generations[value] = found
            if found is None:
                problems.append(
                    _("unknown generation “%(value)s” (use %(choices)s)")
                    % {
                        "value": shown(value),
                        "choices": self.generation_choices,
                    }
                )
            else:
                generation = found

        nps = None
        if self.nps_column is not None:
            value = cell(self.nps_column)
            if not is_blank(value):
                nps = cells.nps_value(value)
                if nps is None or not 0 <= nps <= 10:
                    nps = None
                    problems.append(
                        _("NPS must be a whole number from 0 to 10, not “%(value)s”")
                        % {"value": shown(value)}
                    )

        ces = None
        if self.ces_column is not None:
            value = cell(self.ces_column)
            if not is_blank(value):
                ces = self.score(value)
                if ces is None or not 1 <= ces <= 5:
                    ces = None
                    problems.append(
                        _("CES must be a whole number from 1 to 5, not “%(value)s”")
                        % {"value": shown(value)}
                    )

        rank_problems: list[str] = []
        ranks = self._ranks(cell, rank_problems)
        problems += rank_problems
        ratings: dict[str, dict[int, int]] = {EXPERIENCE: {}, EXPECTATION: {}}
        for kind, group in self.ratings:
            ratings[kind] = self._ratings(cell, kind, group, problems)
        if problems:
            return None, "; ".join(problems)
        return (
            NewResponse(
                ranks=ranks,
                experience=ratings[EXPERIENCE],
                expectation=ratings[EXPECTATION],
                generation=generation,
                nps=nps,
                ces=ces,
                external_id=external_id,
                line=line,
            ),
            "",
        )


def data_rows(
    rows: Sequence[Sequence[object]], layout: Layout
) -> Iterator[tuple[int, Sequence[object]]]:
    """(line, row) of every data row: blank rows and comments are left out."""
    for index in range(layout.data_start, len(rows)):
        row = rows[index]
        if not row or is_blank_row(row):
            continue
        first = row[0]
        if isinstance(first, str) and first.startswith("# "):
            continue  # a comment, such as the template's example rows
        yield index + 1, row


def is_note_row(row: Sequence[object]) -> bool:
    """A footnote or a title: one text cell, in a file whose answers take many."""
    if sum(1 for v in row if v is not None and v != "") > 1:
        return False
    filled = [v for v in row if not is_blank(v)]
    return len(filled) == 1 and isinstance(filled[0], str) and len(filled[0].split()) >= 3


def read_responses(
    rows: Sequence[Sequence[object]],
    layout: Layout,
    pillars: Sequence[PillarLike],
    *,
    ids_are_keys: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ParseResult:
    """Every data row read with ``layout``; problems per line (the line a spreadsheet shows)."""
    result = ParseResult(layout=layout, slugs={p.pk: p.slug for p in pillars})
    if layout.problems:
        result.file_errors.extend(layout.problems)
        return result
    reader = RowReader(layout, pillars, ids_are_keys=ids_are_keys)
    for count, (line, row) in enumerate(data_rows(rows, layout), start=1):
        if is_note_row(row):
            result.notes.append(
                _("line %(line)s was skipped as a note: “%(text)s”")
                % {"line": line, "text": shown(next(v for v in row if not is_blank(v)))}
            )
            continue
        response, problem = reader.read(line, row)
        if response is None:
            result.errors.append(RowError(line=line, message=problem))
        else:
            result.responses.append(response)
        if progress is not None and count % 5000 == 0:
            progress(count)
    return result
