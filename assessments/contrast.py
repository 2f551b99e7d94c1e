"""Colour contrast as WCAG 2.2 defines it: relative luminance, contrast ratio, readable text.

Pure functions on 8-bit sRGB triples; no Django. Source: WCAG 2.2, definitions of "relative
luminance" and "contrast ratio" (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance).
"""

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
# Success criterion 1.4.3 (AA): normal-size text needs 4.5:1 against its background.
AA_NORMAL_TEXT = 4.5


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = colour
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two colours, 1 to 21, whichever is lighter."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_for(background: RGB) -> RGB:
    """White or black, whichever contrasts more with ``background``.

    The better of the two is never below 4.58:1 (the worst case is a background of luminance
    0.179, where both give sqrt(1.05 / 0.05)), so any background gets AA-readable text.
    """
    if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background):
        return WHITE
    return BLACK


def css_colour(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)
