"""Recognising how a survey tool laid out its export, and deciding what each column means.

``detect_layout`` finds the header row(s), groups the columns into questions and decides per
group what it holds (a ranking in one of three layouts, a rating grid, NPS, generation, a response
id, or metadata to ignore). It only proposes: ``apply_overrides`` lets the lead (or ``--map``)
change any group or item, and ``Layout.problems`` lists what must be settled before importing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import cells
from .files import is_blank, is_blank_row
from .matching import CERTAIN, PROBABLE, PillarLike, PillarMatcher, normalise

RANK = "rank"  # one column per item holding that item's place
RANK_LIST = "rank-list"  # one cell listing the items in ranked order
RANK_POSITIONS = "rank-positions"  # one column per place holding the item put there
EXPERIENCE = "experience"
EXPECTATION = "expectation"
NPS = "nps"
CES = "ces"  # customer effort, 1–5 (issue 16)
GENERATION = "generation"
RESPONSE_ID = "response-id"
IGNORE = "ignore"

RANKING_KINDS = (RANK, RANK_LIST, RANK_POSITIONS)
KIND_LABELS = {
    RANK: gettext_lazy("Ranking: a column per pillar holding its place"),
    RANK_LIST: gettext_lazy("Ranking: one cell listing the pillars in order"),
    RANK_POSITIONS: gettext_lazy("Ranking: a column per place holding the pillar"),
    EXPERIENCE: gettext_lazy("Experience ratings (1–5)"),
    EXPECTATION: gettext_lazy("Expectation ratings (1–5)"),
    NPS: gettext_lazy("Likelihood to recommend (NPS, 0–10)"),
    CES: gettext_lazy("Customer effort (CES, 1–5)"),
    GENERATION: gettext_lazy("Generation"),
    RESPONSE_ID: gettext_lazy("Response id"),
    IGNORE: gettext_lazy("Ignore"),
}
# ``--map`` and the form accept these words for a kind.
KIND_ALIASES = {
    "rank": RANK,
    "ranking": RANK,
    "rank-list": RANK_LIST,
    "list": RANK_LIST,
    "rank-positions": RANK_POSITIONS,
    "positions": RANK_POSITIONS,
    "experience": EXPERIENCE,
    "expectation": EXPECTATION,
    "nps": NPS,
    "ces": CES,
    "effort": CES,
    "generation": GENERATION,
    "response-id": RESPONSE_ID,
    "response_id": RESPONSE_ID,
    "id": RESPONSE_ID,
    "key": RESPONSE_ID,
    "ignore": IGNORE,
}

SAMPLE_ROWS = 300
_HEADER_SCAN_ROWS = 30
_QUALTRICS_TAG = re.compile(r"(.+?)_(\d+)")
_LIMESURVEY = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\[(\d{1,2})\](.*)", re.DOTALL)
_BRACKETED = re.compile(r"(.*\S)\s*\[([^\[\]]+)\]\s*", re.DOTALL)
_PREFIXED = re.compile(
    r"(rank|experience|expectation)\s*(?:[:_]|\s[-–—]|-)\s*(.+)", re.IGNORECASE | re.DOTALL
)
_ANSWER_CODE = re.compile(r"[A-Za-z]{1,3}\d{1,3}")
_RANK_WORDING = re.compile(r"rank|order|priorit|most important|drag|sort", re.IGNORECASE)
_EXPECT_WORDING = re.compile(r"expect", re.IGNORECASE)
_EXPERIENCE_WORDING = re.compile(r"rate|rating|how well|experience|satisf|perform", re.I)

_STABLE_IDS = {
    "responseid",
    "respondentid",
    "response_id",
    "token",
    "uuid",
    "submissionid",
    "responsekey",
}
_RESTARTING_IDS = {"id", "#", "no", "number", "nr"}
_NPS_HEADERS = {"nps", "netpromoterscore", "likelihoodtorecommend", "recommend"}
_CES_HEADERS = {"ces", "effort", "customereffort", "customereffortscore"}
_METADATA_HINT = gettext_lazy("metadata of the survey tool")
PILLAR_COLUMNS = "(pillar columns)"
IGNORED = "ignored"  # an item the lead said to leave out
_NAMED_GROUPS = (PILLAR_COLUMNS, "experience", "expectation", "rank", "score")


@dataclass
class Group:
    """A question: one column or several (one per item or per place)."""

    key: str
    label: str
    columns: list[int]
    headers: list[str]
    items: list[str]
    kind: str = IGNORE
    pillars: list[int | None] = field(default_factory=list)  # per column, per-item kinds
    certainty: list[str] = field(default_factory=list)
    positions: list[int | None] = field(default_factory=list)  # per column, RANK_POSITIONS
    restarting_id: bool = False
    notes: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class Layout:
    tool: str
    header_rows: list[int]  # 0-based indices of the header row(s)
    data_start: int  # 0-based index of the first data row
    groups: list[Group]
    codes: dict[str, int] = field(default_factory=dict)  # answer code -> pillar pk
    codes_seen: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprint: str = ""

    def groups_of(self, *kinds: str) -> list[Group]:
        return [g for g in self.groups if g.kind in kinds]

    @property
    def ranking(self) -> Group | None:
        found = self.groups_of(*RANKING_KINDS)
        return found[0] if len(found) == 1 else None

    def group(self, key: str) -> Group | None:
        for group in self.groups:
            if group.key == key:
                return group
        return None


# --------------------------------------------------------------------------- headers


def _texts(row: Sequence[object]) -> list[str]:
    return [cells.cell_text(v) for v in row]


def _is_header_like(row: Sequence[object]) -> bool:
    texts = [t for t in _texts(row) if t]
    if len(texts) < 2:
        return False
    numeric = sum(1 for t in texts if cells.whole_number(t) is not None)
    return numeric * 2 < len(texts)


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[str, list[int], int] | None:
    """(tool, header row indices, first data row index), or None without a header."""
    limit = min(len(rows), _HEADER_SCAN_ROWS)
    for index in range(limit):
        # Qualtrics: export tags, question texts, then {"ImportId": …} on the third row.
        if index + 2 < len(rows) and any(
            t.startswith('{"ImportId"') or t.startswith("{'ImportId'")
            for t in _texts(rows[index + 2])
        ):
            return "Qualtrics", [index, index + 1], index + 3
    for index in range(limit):
        row = rows[index]
        if not _is_header_like(row):
            continue
        below = _texts(rows[index + 1]) if index + 1 < len(rows) else []
        if {"Response", "Open-Ended Response"} & set(below) and "" in below:
            return "SurveyMonkey", [index, index + 1], index + 2
        return "", [index], index + 1
    return None


def _guess_tool(headers: list[str], groups: list[Group]) -> str:
    keys = {normalise(h) for h in headers}
    if {"starttime", "completiontime"} <= keys:
        return "Microsoft Forms"
    if {"submitdate", "lastpage"} <= keys or {"startlanguage", "seed"} <= keys:
        return "LimeSurvey"
    if "responseid" in keys and "no" in keys:
        return "Formbricks"
    if "#" in headers or any(k.startswith("submitdateutc") for k in keys) or "networkid" in keys:
        return "Typeform"
    if "timestamp" in keys and any(len(g.columns) > 1 for g in groups):
        return "Google Forms"
    if "responseid" in keys or "response_id" in {h.strip().casefold() for h in headers}:
        if {"submittedat", "source"} <= keys:
            return "CX Pillars export"
        return "CX Pillars template"
    return str(_("a spreadsheet"))


@dataclass
class _Column:
    index: int
    header: str
    group_key: str
    question: str
    item: str
    position: int | None = None


def _common_prefix(texts: list[str]) -> str:
    if not texts:
        return ""
    first = min(texts)
    last = max(texts)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    prefix = first[:size]
    cut = prefix.rfind(" - ")
    return prefix[: cut + 3] if cut >= 0 else ""


def _columns(rows: Sequence[Sequence[object]], tool: str, header_rows: list[int]) -> list[_Column]:
    first = _texts(rows[header_rows[0]])
    second = _texts(rows[header_rows[1]]) if len(header_rows) > 1 else []
    width = max(len(first), len(second))
    first += [""] * (width - len(first))
    second += [""] * (width - len(second))
    columns: list[_Column] = []
    if tool == "Qualtrics":
        tags: dict[str, list[int]] = {}
        for index, tag in enumerate(first):
            match = _QUALTRICS_TAG.fullmatch(tag)
            key = match.group(1) if match and not tag.upper().endswith("_NPS_GROUP") else tag
            tags.setdefault(key, []).append(index)
        for key, indices in tags.items():
            texts = [second[i] for i in indices]
            prefix = _common_prefix(texts) if len(indices) > 1 else ""
            question = prefix[:-3] if prefix else (texts[0] if len(indices) == 1 else key)
            for index in indices:
                item = second[index][len(prefix) :] if prefix else ""
                if len(indices) > 1 and not prefix:
                    item = second[index]
                header = first[index] or second[index]
                columns.append(_Column(index, header, key or header, question, item))
        return sorted(columns, key=lambda c: c.index)
    if tool == "SurveyMonkey":
        question = ""
        for index in range(width):
            if first[index]:
                question = first[index]
            item = second[index]
            if item in ("Response", "Open-Ended Response", "Other (please specify)"):
                item = ""
            header = f"{question} [{item}]" if item else question
            key = question if item else (question or f"#{index + 1}")
            columns.append(_Column(index, header, key, question, item))
        return columns
    for index, header in enumerate(first):
        if not header:
            continue
        lime = _LIMESURVEY.fullmatch(header)
        if lime:
            rest = lime.group(3).lstrip(". ").strip()
            bracketed = _BRACKETED.fullmatch(rest)
            question = bracketed.group(1) if bracketed else rest
            columns.append(
                _Column(
                    index,
                    header,
                    lime.group(1),
                    question or lime.group(1),
                    "",
                    int(lime.group(2)),
                )
            )
            continue
        bracketed = _BRACKETED.fullmatch(header)
        if bracketed:
            question = bracketed.group(1)
            key = question.strip().casefold()
            key = key if key in ("rank", "experience", "expectation") else question
            columns.append(_Column(index, header, key, question, bracketed.group(2)))
            continue
        prefixed = _PREFIXED.fullmatch(header)
        if prefixed:
            kind = prefixed.group(1).casefold()
            columns.append(_Column(index, header, kind, kind, prefixed.group(2)))
            continue
        columns.append(_Column(index, header, header, header, ""))
    return columns


# --------------------------------------------------------------------------- groups


def _build_groups(columns: list[_Column], matcher: PillarMatcher) -> list[Group]:
    by_key: dict[str, list[_Column]] = {}
    for column in columns:
        by_key.setdefault(column.group_key, []).append(column)
    groups: list[Group] = []
    pillar_columns: list[tuple[_Column, object]] = []
    for key, members in by_key.items():
        if key == "rank":
            # "rank:<pillar>" columns are pillar columns with a prefix.
            pillar_columns += [(c, matcher.match(c.item)) for c in members]
            for column in members:
                column.header = column.header
            continue
        if len(members) == 1 and not members[0].item and members[0].position is None:
            column = members[0]
            match = matcher.match(column.header)
            named = match.pillar is not None or matcher.ambiguous(column.header)
            if named and normalise(column.header) not in _RESTARTING_IDS:
                pillar_columns.append((column, match))
                continue
        groups.append(
            Group(
                key=key,
                label=members[0].question or key,
                columns=[c.index for c in members],
                headers=[c.header for c in members],
                items=[c.item for c in members],
                positions=[c.position for c in members],
            )
        )
    if pillar_columns:
        # A hand-made sheet or our template: each pillar is a column of its own.
        pillar_columns.sort(key=lambda pair: pair[0].index)
        groups.append(
            Group(
                key=PILLAR_COLUMNS,
                label=str(_("Columns named after pillars")),
                columns=[c.index for c, _m in pillar_columns],
                headers=[c.header for c, _m in pillar_columns],
                items=[c.item or c.header for c, _m in pillar_columns],
                positions=[None for _c in pillar_columns],
            )
        )
    groups.sort(key=lambda g: g.columns[0])
    return groups


def _column_values(rows: Sequence[Sequence[object]], data: list[int], index: int) -> list[object]:
    values = []
    for row_index in data:
        row = rows[row_index]
        value = row[index] if index < len(row) else None
        if not is_blank(value):
            values.append(value)
    return values


def _match_items(group: Group, matcher: PillarMatcher) -> None:
    matches = matcher.match_all(group.items)
    group.pillars = [m.pillar.pk if m.pillar is not None else None for m in matches]
    group.certainty = [m.certainty for m in matches]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _classify_items(
    group: Group, rows: Sequence[Sequence[object]], data: list[int], pillar_count: int
) -> None:
    """A group with a column per item: a ranking, a rating grid, or something else."""
    matched = [pk for pk in group.pillars if pk is not None]
    if len(matched) < 2 and group.key != PILLAR_COLUMNS:
        group.kind = IGNORE
        group.reason = str(_("its items are not pillars"))
        return
    width = len(group.columns)
    permutations = rated = rank_words = scale_words = filled = 0
    for row_index in data:
        row = rows[row_index]
        values = [row[i] if i < len(row) else None for i in group.columns]
        if all(is_blank(v) for v in values):
            continue
        filled += 1
        places = []
        for value in values:
            if cells.has_rank_words(value):
                rank_words += 1
            if cells.is_scale_label(value):
                scale_words += 1
            found = cells.rank_values(value)
            places.append(found[0] if found and len(found) == 1 else None)
        if sorted(p for p in places if p is not None) == list(range(1, width + 1)):
            permutations += 1
        scores = [cells.scale_value(v) for v in values if not is_blank(v)]
        if scores and all(s is not None and 1 <= s <= 5 for s in scores):
            rated += 1
    wording = " ".join([group.label, *group.headers])
    if group.key == PILLAR_COLUMNS and not scale_words:
        group.kind = RANK
        group.reason = str(_("columns named after pillars hold their places"))
    elif rank_words and not scale_words:
        group.kind = RANK
        group.reason = str(_("places are written as words (First, 2nd, Rank 3)"))
    elif scale_words or (_share(rated, filled) >= 0.9 and _share(permutations, filled) < 0.9):
        group.kind = EXPECTATION if _EXPECT_WORDING.search(wording) else EXPERIENCE
        group.reason = str(_("every answer is on a 1–5 scale"))
    elif _share(permutations, filled) >= 0.5:
        group.kind = RANK
        group.reason = str(_("each row gives the places 1 to %(n)s once each")) % {"n": width}
    elif _RANK_WORDING.search(wording):
        group.kind = RANK
        group.reason = str(_("the question asks for a ranking"))
    elif group.key == PILLAR_COLUMNS:
        group.kind = RANK
        group.reason = str(_("columns named after pillars hold their places"))
    else:
        group.kind = IGNORE
        group.reason = str(_("its answers are neither places nor 1–5 ratings"))
    if group.kind in (EXPERIENCE, EXPECTATION) and width < 2:
        group.kind = IGNORE


def _classify_single(
    group: Group,
    rows: Sequence[Sequence[object]],
    data: list[int],
    matcher: PillarMatcher,
    generations: dict[str, str],
) -> None:
    header = group.headers[0]
    wording = f"{header} {group.label}"
    key = normalise(header)
    key_underscored = header.strip().casefold()
    values = _column_values(rows, data, group.columns[0])[:SAMPLE_ROWS]
    if key in _STABLE_IDS or key_underscored == "response_id":
        group.kind, group.reason = RESPONSE_ID, str(_("a response id"))
        return
    if header.strip().casefold() in _RESTARTING_IDS or key in _RESTARTING_IDS:
        group.kind, group.restarting_id = RESPONSE_ID, True
        group.reason = str(_("a row number that restarts at 1 in every form"))
        return
    if "npsgroup" in key or header.upper().endswith("_NPS_GROUP"):
        group.kind, group.reason = IGNORE, str(_("NPS group (computed from the score)"))
        return
    numbers = [cells.nps_value(v) for v in values]
    in_nps_range = bool(values) and all(n is not None and 0 <= n <= 10 for n in numbers)
    if key in _NPS_HEADERS or ("recommend" in normalise(wording) and (in_nps_range or not values)):
        group.kind, group.reason = NPS, str(_("asks how likely they are to recommend us"))
        return
    if key in _CES_HEADERS:
        group.kind, group.reason = CES, str(_("named after customer effort (CES)"))
        return
    generation_hits = sum(1 for v in values if cells.generation_value(v, generations))
    if values and _share(generation_hits, len(values)) >= 0.8:
        group.kind, group.reason = GENERATION, str(_("its answers are generations"))
        return
    if key in ("generation", "generationname", "agegeneration") or (
        "generation" in normalise(wording) and not values
    ):
        group.kind, group.reason = GENERATION, str(_("named generation"))
        return
    if values and _share(sum(1 for v in values if cells.is_age_band(v)), len(values)) >= 0.8:
        group.kind = IGNORE
        group.reason = str(_("age bands"))
        group.notes.append(
            str(
                _(
                    "“%(column)s” holds age bands, not generations: an age band can span two "
                    "generations, so it is not read. Map it to a generation in the file if you "
                    "need one."
                )
            )
            % {"column": header}
        )
        return
    texts = [cells.cell_text(v) for v in values[:50] if isinstance(v, str)]
    pillar_count = len(matcher.pillars)
    if texts:
        pairs = [cells.matrix_lines(t) for t in texts]
        rated = sum(
            1
            for found in pairs
            if len(found) >= 2
            and all(matcher.match(item).pillar and cells.scale_value(a) for item, a in found)
        )
        if _share(rated, len(texts)) >= 0.5:
            group.kind = EXPECTATION if _EXPECT_WORDING.search(wording) else EXPERIENCE
            group.reason = str(_("each cell lists “pillar: rating” lines"))
            return
        lists = [cells.split_ranked_list(t, matcher) for t in texts]
        full = sum(1 for found in lists if sum(pk is not None for pk in found) >= pillar_count - 1)
        if _share(full, len(texts)) >= 0.5:
            group.kind, group.reason = RANK_LIST, str(_("each cell lists the pillars in order"))
            return
    group.kind, group.reason = IGNORE, str(_METADATA_HINT)


def _classify_positions(
    group: Group, rows: Sequence[Sequence[object]], data: list[int], matcher: PillarMatcher
) -> list[str]:
    """LimeSurvey's rank positions; returns the answer codes the cells use, if any."""
    group.kind = RANK_POSITIONS
    group.reason = str(_("a column per place; each cell names the pillar put there"))
    codes: set[str] = set()
    for index in group.columns:
        for value in _column_values(rows, data, index)[:SAMPLE_ROWS]:
            text = cells.cell_text(value)
            if _ANSWER_CODE.fullmatch(text) and matcher.match(text).pillar is None:
                codes.add(text)
    return sorted(codes, key=lambda c: (len(c), c))


def detect_layout(rows: Sequence[Sequence[object]], pillars: Sequence[PillarLike]) -> Layout:
    """Propose a reading of ``rows`` for the round's ``pillars``; see the module docstring."""
    matcher = PillarMatcher(pillars)
    found = _find_header(rows)
    if found is None:
        layout = Layout(tool="", header_rows=[], data_start=0, groups=[])
        layout.problems.append(
            str(_("No header row found: one row must name the columns (question or pillar)."))
        )
        return layout
    tool, header_rows, data_start = found
    columns = _columns(rows, tool, header_rows)
    groups = _build_groups(columns, matcher)
    if not tool:
        tool = _guess_tool([c.header for c in columns], groups)
    layout = Layout(tool=tool, header_rows=header_rows, data_start=data_start, groups=groups)
    data = [i for i in range(data_start, len(rows)) if not is_blank_row(rows[i])][:SAMPLE_ROWS]
    generations = cells.generation_lookup()
    for group in groups:
        if any(p is not None for p in group.positions):
            layout.codes_seen = _classify_positions(group, rows, data, matcher)
        elif len(group.columns) > 1 or group.key in _NAMED_GROUPS:
            _match_items(group, matcher)
            if group.key in ("experience", "expectation", "rank"):
                group.kind = {"experience": EXPERIENCE, "expectation": EXPECTATION}.get(
                    group.key, RANK
                )
                group.reason = str(_("named %(kind)s:<pillar>")) % {"kind": group.key}
            else:
                _classify_items(group, rows, data, len(pillars))
        else:
            _classify_single(group, rows, data, matcher, generations)
    _one_of_each(layout)
    finish(layout, matcher)
    return layout


def _one_of_each(layout: Layout) -> None:
    """Never two rankings (two grids with the same items), one NPS, one generation, one id."""
    rankings = layout.groups_of(*RANKING_KINDS)
    if len(rankings) > 1:

        def strength(group: Group) -> tuple[int, int]:
            return (1 if _RANK_WORDING.search(group.label) else 0, -group.columns[0])

        keep = max(rankings, key=strength)
        for group in rankings:
            if group is not keep:
                group.kind = IGNORE
                group.reason = str(_("looks like a second ranking"))
                layout.warnings.append(
                    str(
                        _(
                            "“%(second)s” also looks like a ranking of the same items; only "
                            "“%(first)s” is read as the ranking. Change the mapping if that is "
                            "wrong."
                        )
                    )
                    % {"second": group.label, "first": keep.label}
                )
    for kind in (NPS, CES, GENERATION, EXPERIENCE, EXPECTATION):
        found = layout.groups_of(kind)
        for extra in found[1:]:
            extra.kind = IGNORE
            extra.reason = str(_("a second column of the same kind"))
    ids = layout.groups_of(RESPONSE_ID)
    if len(ids) > 1:
        stable = [g for g in ids if not g.restarting_id] or ids
        for group in ids:
            if group is not stable[0]:
                group.kind = IGNORE
                group.reason = str(_("another id column is the response id"))


# --------------------------------------------------------------------------- overrides, checks


def apply_overrides(
    layout: Layout,
    pillars: Sequence[PillarLike],
    mapping: Mapping[str, str],
    codes: Mapping[str, str],
) -> list[str]:
    """Apply the lead's choices: ``mapping`` maps a group key or column header to a kind or a
    pillar slug, ``codes`` an answer code to a pillar slug. Returns what could not be applied."""
    matcher = PillarMatcher(pillars)
    unknown: list[str] = []
    for name, target in mapping.items():
        name, target = name.strip(), target.strip()
        kind = KIND_ALIASES.get(target.casefold())
        group = layout.group(name)
        if group is not None and kind is not None:
            group.kind = kind
            group.reason = str(_("chosen by you"))
            if kind in (RANK, EXPERIENCE, EXPECTATION) and not group.pillars:
                _match_items(group, matcher)
            if kind == RANK_POSITIONS and not any(p is not None for p in group.positions):
                group.positions = list(range(1, len(group.columns) + 1))
            continue
        pillar = matcher.by_slug(target) if kind is None else None
        placed = False
        for group in layout.groups:
            for position, header in enumerate(group.headers):
                if name in (header, group.items[position]) and (pillar or target == IGNORE):
                    if not group.pillars:
                        _match_items(group, matcher)
                    group.pillars[position] = pillar.pk if pillar else None
                    group.certainty[position] = CERTAIN if pillar else IGNORED
                    placed = True
        if not placed:
            unknown.append(name)
    for code, slug in codes.items():
        pillar = matcher.by_slug(slug)
        if pillar is None:
            unknown.append(f"{code}={slug}")
        else:
            layout.codes[code.strip()] = pillar.pk
    layout.problems.clear()
    layout.warnings = [w for w in layout.warnings if "also looks like a ranking" not in w]
    finish(layout, matcher)
    return unknown


def finish(layout: Layout, matcher: PillarMatcher) -> None:
    """Work out the problems that block an import and the fingerprint of the layout."""
    names = {p.pk: p.name for p in matcher.pillars}
    rankings = layout.groups_of(*RANKING_KINDS)
    if not rankings:
        layout.problems.append(
            str(
                _(
                    "No ranking found. Choose which question holds the ranking of the pillars "
                    '(or use --map "QUESTION=rank").'
                )
            )
        )
    elif len(rankings) > 1:
        layout.problems.append(
            str(_("%(groups)s are all read as rankings; keep only one."))
            % {"groups": ", ".join(f"“{g.label}”" for g in rankings)}
        )
    for group in layout.groups_of(RANK, EXPERIENCE, EXPECTATION):
        if not group.pillars:
            continue
        claimed: dict[int, list[str]] = {}
        for header, item in zip(group.headers, group.items, strict=True):
            match = matcher.match(item or header)
            if match.pillar is not None:
                claimed.setdefault(match.pillar.pk, []).append(header)
        twice = {pk: headers for pk, headers in claimed.items() if len(headers) > 1}
        for named, headers in twice.items():
            if named in group.pillars:
                continue  # the lead chose one of them
            layout.problems.append(
                str(
                    _(
                        "Columns %(columns)s all name %(pillar)s. Say which one to read and "
                        "ignore the others."
                    )
                )
                % {"columns": ", ".join(f"“{h}”" for h in headers), "pillar": names[named]}
            )
        doubled = {h for headers in twice.values() for h in headers}
        for header, pk, certainty in zip(
            group.headers, group.pillars, group.certainty, strict=True
        ):
            if certainty == IGNORED or (pk is None and group.kind == RANK and header in doubled):
                continue
            if pk is None and group.kind == RANK:
                layout.problems.append(
                    str(
                        _(
                            "Column “%(column)s” names no pillar for sure. Say which pillar it "
                            "is (or “ignore”)."
                        )
                    )
                    % {"column": header}
                )
            elif certainty == PROBABLE and pk is not None:
                message = str(_("“%(column)s” was read as %(pillar)s: check that it is right.")) % {
                    "column": header,
                    "pillar": names[pk],
                }
                if message not in layout.warnings:
                    layout.warnings.append(message)
        if group.kind == RANK:
            missing = [names[p.pk] for p in matcher.pillars if p.pk not in group.pillars]
            missing = [m for m in missing if not twice]
            if missing:
                layout.problems.append(
                    str(
                        _(
                            "No column for %(pillars)s. Every pillar of the round needs a rank "
                            "column; column headers may be a pillar's slug, its name or the "
                            "customer wording."
                        )
                    )
                    % {"pillars": join_and(missing)}
                )
    for group in layout.groups_of(RANK_POSITIONS):
        unmapped = [c for c in layout.codes_seen if c not in layout.codes]
        if unmapped:
            layout.problems.append(
                str(
                    _(
                        "The places in “%(question)s” are answer codes (%(codes)s). Say which "
                        'pillar each code stands for (or use --codes "A1=slug,…").'
                    )
                )
                % {"question": group.label, "codes": ", ".join(unmapped)}
            )
        if len(group.columns) != len(matcher.pillars):
            layout.warnings.append(
                str(_("“%(question)s” has %(places)s places for %(pillars)s pillars."))
                % {
                    "question": group.label,
                    "places": len(group.columns),
                    "pillars": len(matcher.pillars),
                }
            )
    for group in layout.groups:
        for note in group.notes:
            if note not in layout.warnings:
                layout.warnings.append(note)
    shape = [(g.key, g.headers) for g in layout.groups]
    layout.fingerprint = hashlib.sha256(
        json.dumps([layout.tool, shape], ensure_ascii=False).encode()
    ).hexdigest()[:32]


def join_and(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}
