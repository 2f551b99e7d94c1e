import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.contrast import (
    AA_NORMAL_TEXT,
    BLACK,
    WHITE,
    contrast_ratio,
    css_colour,
    relative_luminance,
    text_colour_for,
)
from assessments.templatetags.cx_format import heat_style

channels = st.integers(min_value=0, max_value=255)
colours = st.tuples(channels, channels, channels)


def _hex(text: str) -> tuple[int, int, int]:
    return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))


def test_relative_luminance_of_white_black_and_the_primaries_follows_the_wcag_weights():
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == 0.0
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert relative_luminance((0, 0, 255)) == pytest.approx(0.0722)


@pytest.mark.parametrize(
    ("foreground", "background", "published"),
    [
        # WebAIM contrast checker and the WCAG 2 understanding documents.
        ("#000000", "#ffffff", 21.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
        ("#595959", "#ffffff", 7.0),  # the lightest grey that passes AAA on white
    ],
)
def test_contrast_ratio_matches_published_values(foreground, background, published):
    ratio = contrast_ratio(_hex(foreground), _hex(background))
    assert round(ratio, 2) == pytest.approx(published, abs=0.01)
    assert contrast_ratio(_hex(background), _hex(foreground)) == ratio


@given(colours)
def test_text_colour_for_any_background_meets_wcag_aa(background):
    text = text_colour_for(background)
    assert text in (WHITE, BLACK)
    assert contrast_ratio(text, background) >= 4.58 > AA_NORMAL_TEXT


def test_text_colour_is_white_on_dark_and_black_on_light_backgrounds():
    assert text_colour_for((31, 78, 121)) == WHITE
    assert text_colour_for((241, 243, 245)) == BLACK
    # Mid blue (rho +0.72 in the demo): white gave 4.2:1 here, the audit's failing cells.
    assert text_colour_for((93, 127, 158)) == BLACK


def test_css_colour_is_a_six_digit_hex_code():
    assert css_colour((31, 78, 9)) == "#1f4e09"


def _style_colours(style: str) -> tuple[tuple, tuple]:
    found = dict(re.findall(r"(background|color):(#[0-9a-f]{6})", style))
    return _hex(found["background"]), _hex(found["color"])


@pytest.mark.parametrize("value", [v / 100 for v in range(-100, 101)] + [None])
def test_every_heatmap_cell_meets_wcag_aa(value):
    background, text = _style_colours(heat_style(value))
    assert contrast_ratio(text, background) >= AA_NORMAL_TEXT


@pytest.mark.parametrize(
    ("value", "background"),
    [(1.0, (31, 78, 121)), (-1.0, (176, 42, 55)), (0.0, (255, 255, 255))],
)
def test_heatmap_scale_runs_from_white_to_blue_for_agreement_and_red_for_opposition(
    value, background
):
    assert _style_colours(heat_style(value))[0] == background
