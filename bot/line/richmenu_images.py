"""Rich menu pictures: flat coloured tiles, each with a simple icon above one big label.

Drawn with Pillow and the vendored Noto Sans Thai Bold, or for a menu in a language
written in Latin letters Noto Sans Bold cut down to Latin (``bot/line/fonts``, SIL OFL
1.1), so the same labels give the same picture on every machine with the same
Pillow. Thai needs complex text layout: a tone mark over an upper vowel
(e.g. MAI EK after SARA I) must sit above the vowel, not on it. Pillow does that
with libraqm when it is available. Without it Pillow's basic layout draws both
marks at the same height and the tone mark vanishes, so this module then lifts those tone marks
itself (``_placed_marks``) rather than upload a menu that reads wrong.

The icons are glyphs of Google's Material Icons (Apache License 2.0), cut down to
the few the menus use (``bot/line/fonts/MaterialIcons-Subset.ttf``, made from
Debian's fonts-material-design-icons-iconfont; docs/fonts.md says how to add one).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

FONT_PATH = Path(__file__).with_name("fonts") / "NotoSansThai-Bold.ttf"
LATIN_FONT_PATH = Path(__file__).with_name("fonts") / "NotoSans-Bold-Latin.ttf"
ICON_FONT_PATH = Path(__file__).with_name("fonts") / "MaterialIcons-Subset.ttf"
# The Material Icons the menus use, by name, and their code points in the font.
ICONS = {
    "add_home": "\uf8eb", "add_location_alt": "\uef3a", "apps": "\ue5c3", "assignment": "\ue85d",
    "badge": "\uea67", "fact_check": "\uf0c5", "forward_to_inbox": "\uf187", "gavel": "\ue90e",
    "groups": "\uf233", "help": "\ue887", "history": "\ue889", "home": "\ue88a", "inbox": "\ue156",
    "info": "\ue88e", "list_alt": "\ue0ee", "map": "\ue55b", "menu": "\ue5d2", "person": "\ue7fd",
    "person_search": "\uf106", "receipt_long": "\uef6e", "support_agent": "\uf0e2", "task": "\uf075",
    "translate": "\ue8e2", "volunteer_activism": "\uea70",
}
ICON_SHARE = 0.32  # of the shortest tile's height, the same for every tile of a menu
ICON_GAP = 0.12  # of the icon's size, between the icon and the label
MAX_BYTES = 1024 * 1024
BACKGROUND = "#FFFFFF"
TEXT = "#FFFFFF"
GUTTER = 12  # white space around every tile, so neighbouring tiles read as separate buttons
MAX_FONT_SIZE = 150
MIN_FONT_SIZE = 84
SIDE_MARGIN = 0.08  # of a tile's width, kept free of text on each side
LINE_SPACING = 1.3

# For Pillow's basic layout (see _placed_marks): Thai vowels written above the
# consonant, tone marks, everything above, consonants with a tall stem, and how
# far (of the font size) Noto Sans Thai moves a mark to stack it or clear a stem.
_UPPER_VOWELS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47")
_TONE_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
_ABOVE = _UPPER_VOWELS | _TONE_MARKS | frozenset("\u0e4d\u0e4e")
_TALL = frozenset("\u0e1b\u0e1d\u0e1f\u0e2c")
_SARA_AM = "\u0e33"
_SHIFT = 0.19


# What NotoSansThai-Bold.ttf has glyphs for (fc-query): Thai, spaces, hyphens,
# the dotted circle. No Latin letters or digits: a label left in English would
# be drawn as empty boxes, so ``render`` refuses it.
_COVERED = frozenset(
    "\u0020\u002d\u00a0\u02bc\u02d7\u0303\u0331\u2010\u25cc\u200b\u200c\u200d"
    + "".join(map(chr, range(0x0E01, 0x0E3B)))
    + "".join(map(chr, range(0x0E3F, 0x0E5C)))
)


# What NotoSans-Bold-Latin.ttf has glyphs for: Basic Latin, Latin-1 and Latin Extended-A,
# the dashes and quotes of General Punctuation, the euro sign (docs/fonts.md cuts it so).
_LATIN_COVERED = frozenset(
    "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x180)))
    + "".join(map(chr, range(0x2010, 0x2028))) + "\u20ac"
)


class LabelTooLong(ValueError):
    """A label cannot fit its tile even at the smallest size we allow for elderly readers."""


@dataclass(frozen=True)
class Tile:
    """One tappable area of the picture: where it is, what it says, its colour."""

    x: int
    y: int
    width: int
    height: int
    label: str
    colour: str
    icon: str | None = None  # a name in ICONS


def complex_layout_available() -> bool:
    """Whether Pillow can shape Thai itself (libraqm with FriBiDi and HarfBuzz)."""
    return bool(features.check("raqm"))


def render(size: tuple[int, int], tiles: Sequence[Tile], *, raqm: bool | None = None) -> bytes:
    """The menu picture as PNG bytes; one font size for every label of the menu.

    ``raqm=False`` forces Pillow's basic layout (with the tone-mark fix), which is
    what a machine without libraqm gets.
    """
    path = _font_path(tiles)
    for tile in tiles:
        if tile.icon is not None and tile.icon not in ICONS:
            raise ValueError(f"no icon {tile.icon!r} in {ICON_FONT_PATH.name}; add it (docs/fonts.md)")
    use_raqm = complex_layout_available() if raqm is None else raqm
    if use_raqm and not complex_layout_available():
        raise RuntimeError("Pillow has no libraqm here; Thai needs it or raqm=False")
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    icon_size = _icon_size(tiles)
    font_size, lines = _fit(tiles, use_raqm, icon_size, path)
    font = _font(font_size, use_raqm, path)
    icon_font = ImageFont.truetype(str(ICON_FONT_PATH), icon_size) if icon_size else None
    for tile, tile_lines in zip(tiles, lines):
        box = (
            tile.x + GUTTER,
            tile.y + GUTTER,
            tile.x + tile.width - GUTTER - 1,
            tile.y + tile.height - GUTTER - 1,
        )
        draw.rounded_rectangle(box, radius=24, fill=tile.colour)
        _draw_tile(draw, tile, tile_lines, font, use_raqm, icon_font)
    data = _png(image)
    if len(data) > MAX_BYTES:
        raise ValueError(f"rich menu picture is {len(data)} bytes; LINE allows {MAX_BYTES}")
    return data


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (7 or more is level AAA)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _font_path(tiles: Sequence[Tile]) -> Path:
    """The Thai font if it has every label's letters, else the Latin one if that has them;
    a label neither has (Thai and English mixed, say) would be drawn as empty boxes."""
    letters = {char for tile in tiles for char in tile.label}
    if letters <= _COVERED:
        return FONT_PATH
    if letters <= _LATIN_COVERED:
        return LATIN_FONT_PATH
    raise ValueError(f"no one font has a glyph for every letter of the labels {[tile.label for tile in tiles]!r}")


def _font(size: int, raqm: bool, path: Path = FONT_PATH) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def _length(font: ImageFont.FreeTypeFont, text: str, raqm: bool) -> float:
    return font.getlength(text, language="th") if raqm else font.getlength(text)


def _icon_size(tiles: Sequence[Tile]) -> int:
    """One icon size for the whole menu (0 if no tile has an icon), from its shortest tile."""
    if not any(tile.icon for tile in tiles):
        return 0
    return int(min(tile.height - 2 * GUTTER for tile in tiles) * ICON_SHARE)


def _icon_block(icon_size: int) -> float:
    """The height the icon takes above the label, with the gap between them."""
    return icon_size * (1 + ICON_GAP) if icon_size else 0.0


def _fit(tiles: Sequence[Tile], raqm: bool, icon_size: int = 0, path: Path = FONT_PATH
         ) -> tuple[int, list[list[str]]]:
    """The largest font size at which every label fits its tile, and each label's lines.

    A label is kept on one line if it fits at the smallest allowed size; only
    then is it broken at its spaces. Thai writes words without spaces, so a
    translation that needs two lines says where with a space.
    """
    for size in range(MAX_FONT_SIZE, MIN_FONT_SIZE - 1, -2):
        font = _font(size, raqm, path)
        if all(_fits(font, tile, [tile.label], raqm, icon_size) for tile in tiles):
            return size, [[tile.label] for tile in tiles]
    for size in range(MAX_FONT_SIZE, MIN_FONT_SIZE - 1, -2):
        font = _font(size, raqm, path)
        lines = [_wrapped(font, tile, raqm, icon_size) for tile in tiles]
        if all(tile_lines is not None for tile_lines in lines):
            return size, [tile_lines for tile_lines in lines if tile_lines is not None]
    longest = max(tiles, key=lambda tile: len(tile.label))
    raise LabelTooLong(f"label {longest.label!r} does not fit its tile at {MIN_FONT_SIZE}px")


def _usable(tile: Tile) -> tuple[float, float]:
    width = tile.width - 2 * GUTTER
    return width * (1 - 2 * SIDE_MARGIN), tile.height - 2 * GUTTER


def _fits(font: ImageFont.FreeTypeFont, tile: Tile, lines: list[str], raqm: bool, icon_size: int = 0) -> bool:
    width, height = _usable(tile)
    return (
        all(_length(font, line, raqm) <= width for line in lines)
        and len(lines) * font.size * LINE_SPACING <= (height - _icon_block(icon_size)) * 0.8
    )


def _wrapped(font: ImageFont.FreeTypeFont, tile: Tile, raqm: bool, icon_size: int = 0) -> list[str] | None:
    """The label broken greedily at its spaces into lines that fit, or None."""
    lines: list[str] = []
    for word in tile.label.split():
        if lines and _fits(font, tile, [f"{lines[-1]} {word}"], raqm, icon_size):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines if _fits(font, tile, lines, raqm, icon_size) else None


def _draw_tile(
    draw: ImageDraw.ImageDraw, tile: Tile, lines: list[str], font: ImageFont.FreeTypeFont, raqm: bool,
    icon_font: ImageFont.FreeTypeFont | None,
) -> None:
    """Centre the icon and the lines below it in the tile; ``mm`` anchors on the font's
    ascender and descender, so labels with and without marks above sit at the same height
    in every tile."""
    centre_x = tile.x + tile.width / 2
    step = font.size * LINE_SPACING
    icon_block = _icon_block(int(icon_font.size)) if icon_font is not None else 0.0
    top = tile.y + tile.height / 2 - (icon_block + step * len(lines)) / 2
    if icon_font is not None and tile.icon is not None:
        draw.text((centre_x, top + icon_font.size / 2), ICONS[tile.icon], font=icon_font, fill=TEXT, anchor="mm")
    first_y = top + icon_block + step / 2
    for index, line in enumerate(lines):
        y = first_y + index * step
        if raqm:
            draw.text((centre_x, y), line, font=font, fill=TEXT, anchor="mm", language="th")
        else:
            _draw_basic(draw, (centre_x, y), line, font)


def _placed_marks(text: str) -> tuple[str, list[tuple[int, str, float, float]]]:
    """Split off the marks that basic layout would draw in the wrong place.

    Returns the text without them, and each of them with the index (in that
    text) it follows and its shift (x, y) in font sizes, as HarfBuzz would
    place it with Noto Sans Thai's own positioning rules:
    a tone mark after an upper vowel, or before SARA AM whose circle takes the
    place above the consonant, goes up; a mark above a consonant with a tall
    stem (PO PLA, FO FA) goes left, clear of the stem.
    """
    kept: list[str] = []
    placed: list[tuple[int, str, float, float]] = []
    base = ""
    for index, char in enumerate(text):
        previous = text[index - 1] if index else ""
        following = text[index + 1] if index + 1 < len(text) else ""
        dx = -_SHIFT if char in _ABOVE and base in _TALL else 0.0
        dy = -_SHIFT if char in _TONE_MARKS and (previous in _UPPER_VOWELS or following == _SARA_AM) else 0.0
        if dx or dy:
            placed.append((len(kept), char, dx, dy))
            continue
        kept.append(char)
        if char not in _ABOVE:
            base = char
    return "".join(kept), placed


def _draw_basic(
    draw: ImageDraw.ImageDraw, centre: tuple[float, float], text: str, font: ImageFont.FreeTypeFont
) -> None:
    kept, placed = _placed_marks(text)
    left = centre[0] - font.getlength(kept) / 2
    draw.text((left, centre[1]), kept, font=font, fill=TEXT, anchor="lm")
    for position, mark, dx, dy in placed:
        # A mark has no advance and draws to the left of the pen, over the
        # preceding consonant (where SARA AM's circle also overhangs).
        pen = left + font.getlength(kept[:position])
        draw.text((pen + dx * font.size, centre[1] + dy * font.size), mark, font=font, fill=TEXT, anchor="lm")


def _png(image: Image.Image) -> bytes:
    """Flat colours compress well: under 100 KB, far below LINE's 1 MB."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
