"""Survey-tool exports read as the tools write them (fixtures in tests/data/imports), the matching
of item labels to pillars, and the property that column order and metadata change nothing.

No database: pillars are stand-ins built from the seeded pillar list.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import imports
from assessments.imports import layouts
from assessments.imports.cells import rank_values, split_ranked_list
from assessments.imports.matching import CERTAIN, PROBABLE, PillarMatcher

DATA = Path(__file__).parent / "data" / "imports"
SEED = importlib.import_module("assessments.migrations.0002_seed_pillars").PILLARS
PILLARS = [
    SimpleNamespace(pk=i, slug=p["slug"], name=p["name"], customer_label=p["customer_label"])
    for i, p in enumerate(SEED, start=1)
]
SLUG = {p.pk: p.slug for p in PILLARS}
FIRST_ORDER = [
    "friction", "customer-service", "products-services", "representatives",
    "digital-experiences", "communications", "brand-reputation", "content",
    "non-digital-experiences", "advertising",
]  # fmt: skip
CODES = {f"A{i}": p.slug for i, p in enumerate(PILLARS, start=1)}


def read(name: str, **overrides) -> imports.ParseResult:
    rows = imports.read_table((DATA / name).read_bytes(), name)
    return imports.parse_responses(rows, PILLARS, **overrides)


def order(response) -> list[str]:
    return [SLUG[pk] for pk in sorted(response.ranks, key=response.ranks.get)]


# (file, tool, first respondent's NPS, generation, experience of "advertising", id prefix)
FIXTURES = [
    ("surveymonkey.csv", "SurveyMonkey", 9, "gen-x", 4, "114000000000"),
    ("surveymonkey.xlsx", "SurveyMonkey", 9, "gen-x", 4, "114000000000"),
    ("qualtrics.csv", "Qualtrics", 9, "gen-x", 4, "R_3k0Xb9Qz1LmNo0"),
    ("google_forms.csv", "Google Forms", 9, "", 4, "row-"),
    ("microsoft_forms.xlsx", "Microsoft Forms", 9, "", None, "row-"),
    ("limesurvey.csv", "LimeSurvey", 9, "", None, "row-"),
    ("typeform.csv", "Typeform", 9, "", None, "row-"),
    ("formbricks.csv", "Formbricks", None, "millennials", 4, "clx0abcd0001"),
    ("hand_made.xlsx", "a spreadsheet", None, "", None, "row-"),
]


@pytest.mark.parametrize(
    ("name", "tool", "nps", "generation", "experience", "key"),
    FIXTURES,
    ids=[f[0] for f in FIXTURES],
)
def test_each_tools_export_imports_with_the_first_respondents_full_ranking(
    name, tool, nps, generation, experience, key
):
    result = read(name)
    assert result.layout.tool == tool
    assert result.file_errors == [] and result.errors == []
    assert len(result.responses) == 3
    first = result.responses[0]
    assert order(first) == FIRST_ORDER
    assert first.nps == nps
    assert first.generation == generation
    assert first.experience.get(1) == experience
    assert first.external_id.startswith(key)
    # the second respondent ranked in reverse: the whole file is read, not just the first row
    assert order(result.responses[1]) == FIRST_ORDER[::-1]


def test_limesurvey_answer_codes_ask_which_pillar_each_code_is():
    result = read("limesurvey_codes.csv")
    assert result.responses == []
    assert "answer codes (A1, A2" in result.file_errors[0]


def test_limesurvey_answer_codes_import_once_the_codes_are_given():
    result = read("limesurvey_codes.csv", codes=CODES)
    assert result.ok and len(result.responses) == 3
    assert order(result.responses[0]) == FIRST_ORDER


def test_qualtrics_nps_group_column_is_ignored_and_the_score_read():
    layout = read("qualtrics.csv").layout
    kinds = {group.key: group.kind for group in layout.groups}
    assert kinds["Q4_NPS_GROUP"] == layouts.IGNORE
    assert kinds["Q4"] == layouts.NPS
    assert kinds["Q2"] == layouts.RANK and kinds["Q3"] == layouts.EXPERIENCE


def test_google_forms_second_grid_with_the_same_items_is_not_a_second_ranking():
    layout = read("google_forms.csv").layout
    assert [g.kind for g in layout.groups if len(g.columns) == 10] == [
        layouts.RANK,
        layouts.EXPERIENCE,
    ]


def test_two_grids_that_both_look_like_rankings_are_never_both_read_as_rankings():
    labels = [p.customer_label for p in PILLARS]
    header = [f"Rank these [{label}]" for label in labels]
    header += [f"Order these too [{label}]" for label in labels]
    rows = [header, [*range(1, 11), *range(10, 0, -1)]]
    layout = imports.detect_layout(rows, PILLARS)
    assert len(layout.groups_of(*layouts.RANKING_KINDS)) == 1
    assert any("also looks like a ranking" in w for w in layout.warnings)


def test_microsoft_forms_age_bands_are_not_read_as_generations_and_the_page_says_so():
    result = read("microsoft_forms.xlsx")
    assert all(r.generation == "" for r in result.responses)
    assert any("age bands, not generations" in w for w in result.layout.warnings)


def test_microsoft_forms_restarting_id_is_not_the_key_unless_the_lead_says_so():
    assert read("microsoft_forms.xlsx").responses[0].external_id.startswith("row-")
    assert read("microsoft_forms.xlsx", ids_are_keys=True).responses[0].external_id == "1"


def test_hand_made_sheet_skips_its_title_and_reports_its_footnote():
    result = read("hand_made.xlsx")
    assert result.layout.header_rows == [2]
    assert [r.line for r in result.responses] == [4, 5, 6]
    assert result.notes and "line 8" in result.notes[0]


def test_hand_made_reworded_label_is_shown_as_a_probable_match():
    layout = read("hand_made.xlsx").layout
    assert any("In-person & phone" in w and "check" in w for w in layout.warnings)


def test_map_option_changes_a_group_and_an_item():
    result = read("google_forms.csv", mapping={"How well do we do on each?": "ignore"})
    assert all(r.experience == {} for r in result.responses)
    assert len(result.responses) == 3


def test_mapping_an_unknown_column_is_a_file_error():
    result = read("typeform.csv", mapping={"No such column": "rank"})
    assert any("No such column" in e for e in result.file_errors)


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("label", "slug", "certainty"),
    [
        ("advertising", "advertising", CERTAIN),
        ("Advertising to consumers", "advertising", CERTAIN),
        ("Our adverts", "advertising", CERTAIN),
        ("Adverts", "advertising", CERTAIN),
        ("Info & articles", "content", CERTAIN),
        ("Website/app", "digital-experiences", CERTAIN),
        ("Website & app", "digital-experiences", CERTAIN),
        ("Products & services they purchase", "products-services", CERTAIN),
        ("Friction - or lack of it - along the customer journey", "friction", CERTAIN),
        ("The brand's reputation", "brand-reputation", PROBABLE),
        ("Help from customer service", "customer-service", PROBABLE),
        ("Ads we run", "advertising", PROBABLE),
    ],
)
def test_item_labels_match_pillars_by_wording_or_close_variant(label, slug, certainty):
    match = PillarMatcher(PILLARS).match(label)
    assert match.pillar is not None and match.pillar.slug == slug
    assert match.certainty == certainty


@pytest.mark.parametrize("label", ["Price", "Delivery time", "Other (please specify)", ""])
def test_unrelated_labels_match_no_pillar(label):
    assert PillarMatcher(PILLARS).match(label).pillar is None


def test_one_cell_list_with_commas_inside_labels_splits_on_known_labels():
    text = ",".join(PILLARS[i].customer_label for i in (3, 8, 0))  # two labels contain commas
    assert split_ranked_list(text, PillarMatcher(PILLARS)) == [4, 9, 1]


@pytest.mark.parametrize(
    ("cell", "places"),
    [
        ("3", [3]),
        (3.0, [3]),
        ("3rd", [3]),
        ("Third", [3]),
        ("Rank 3", [3]),
        ("", []),
        ("N/A", []),
        ("Rank 3, Rank 4", [3, 4]),
        ("three-ish", None),
        ("9" * 5000, None),
    ],
)
def test_rank_cells_read_numbers_ordinals_and_checkbox_grids(cell, places):
    assert rank_values(cell) == places


def test_a_checkbox_grid_giving_one_item_two_ranks_is_a_line_error():
    labels = [p.customer_label for p in PILLARS]
    header = [f"Rank these [{label}]" for label in labels]
    first = [f"Rank {i}" for i in range(1, 11)]
    second = ["Rank 3, Rank 4", *[f"Rank {i}" for i in range(2, 11)]]
    result = imports.parse_responses([header, first, second], PILLARS)
    assert len(result.responses) == 1
    assert "given two places" in result.errors[0].message and result.errors[0].line == 3


def test_an_integer_of_thousands_of_digits_is_a_line_error_not_a_crash():
    header = [p.slug for p in PILLARS]
    rows = [header, [*range(1, 10), "7" * 4300], list(range(1, 11))]
    result = imports.parse_responses(rows, PILLARS)
    assert [e.line for e in result.errors] == [2]
    assert len(result.responses) == 1


# --------------------------------------------------------------------------- properties


def _qualtrics_like_table() -> list[list[object]]:
    header = ["ResponseId", *(f"Rank [{p.customer_label}]" for p in PILLARS), "Recommend"]
    rows = [header]
    for k in range(6):
        rows.append([f"R_{k}", *[(i + k) % 10 + 1 for i in range(10)], k])
    return rows


def _summary(result: imports.ParseResult) -> list[tuple]:
    return sorted(
        (r.external_id, tuple(sorted(r.ranks.items())), r.nps, r.generation)
        for r in result.responses
    )


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(12))))
def test_shuffled_column_order_changes_nothing(permutation):
    rows = _qualtrics_like_table()
    shuffled = [[row[i] for i in permutation] for row in rows]
    expected = _summary(imports.parse_responses(rows, PILLARS))
    assert _summary(imports.parse_responses(shuffled, PILLARS)) == expected
    assert len(expected) == 6


METADATA = ["Start Date", "End Date", "IP Address", "Email Address", "Duration (in seconds)",
            "Status", "Collector ID", "Custom Data 1", "Language", "Notes"]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(METADATA), min_size=1, max_size=5, unique=True),
    st.integers(min_value=0, max_value=12),
    st.text(alphabet="abcxyz019 :-/", max_size=12),
)
def test_extra_metadata_columns_change_nothing(names, position, filler):
    rows = _qualtrics_like_table()
    expected = _summary(imports.parse_responses(rows, PILLARS))
    wider = [
        row[:position] + ([*names] if index == 0 else [filler] * len(names)) + row[position:]
        for index, row in enumerate(rows)
    ]
    assert _summary(imports.parse_responses(wider, PILLARS)) == expected


def test_choosing_a_second_ranking_is_refused_not_read_twice():
    result = read("google_forms.csv", mapping={"How well do we do on each?": "rank"})
    assert result.responses == []
    assert any("are all read as rankings; keep only one" in e for e in result.file_errors)


def test_ignored_questions_are_named_once_with_their_column_count():
    result = read("google_forms.csv", mapping={"How well do we do on each?": "ignore"})
    assert "How well do we do on each? (10 columns)" in result.ignored_columns


@pytest.mark.parametrize("name", ["qualtrics.csv", "surveymonkey.csv"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_shuffling_the_columns_of_a_multi_row_header_export_changes_nothing(name, data):
    rows = imports.read_table((DATA / name).read_bytes(), name)
    width = max(len(row) for row in rows)
    rows = [[*row, *([""] * (width - len(row)))] for row in rows]
    if name == "surveymonkey.csv":
        # SurveyMonkey writes a question over its first column only: keep each question's
        # columns together and shuffle whole questions.
        blocks, current = [], []
        for index, cell in enumerate(rows[0]):
            if cell and current:
                blocks.append(current)
                current = []
            current.append(index)
        blocks.append(current)
        order = [i for block in data.draw(st.permutations(blocks)) for i in block]
    else:
        order = data.draw(st.permutations(list(range(width))))
    shuffled = [[row[i] for i in order] for row in rows]
    expected = _summary(imports.parse_responses(rows, PILLARS))
    assert len(expected) == 3
    assert _summary(imports.parse_responses(shuffled, PILLARS)) == expected
