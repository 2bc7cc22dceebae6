"""Text drawn from cached glyph outlines: the numbers in the cells and the changing captions.

Matplotlib lays out and renders every Text on every draw (about 1 ms each); a step that
changes 75 numbers and a few captions would spend most of its time there. These draw
the same glyphs (DejaVu Sans, as matplotlib's default) as filled paths, built from a
cache, in well under a millisecond. Used by bplib.viz.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation

__all__ = ["PathText", "NumberGrid", "FONTS"]


FONTS = {"bold": FontProperties(family="DejaVu Sans", weight="bold"), "normal": FontProperties(family="DejaVu Sans")}


@cache
def _glyph(ch: str, weight: str = "bold"):
    """(vertices (n, 2), codes (n,), advance) of one character at font size 1, baseline y=0."""
    prop = FONTS[weight]
    zero, both = TextPath((0, 0), "00", size=1, prop=prop), TextPath((0, 0), f"0{ch}0", size=1, prop=prop)
    advance = both.get_extents().x1 - zero.get_extents().x1
    if ch.isspace():
        return np.zeros((0, 2)), np.zeros(0, dtype=np.uint8), advance
    path = TextPath((0, 0), ch, size=1, prop=prop)
    return path.vertices.copy(), path.codes.copy(), advance


def _line_path(text: str, weight: str, x: float, base: float, size: float, flip: bool, verts: list, codes: list) -> None:
    """Append the outlines of one line of text (left end x, baseline base, font size size) to verts/codes."""
    sign = -1.0 if flip else 1.0
    for ch in text:
        v, c, adv = _glyph(ch, weight)
        if len(v):
            verts.append(np.column_stack([x + size * v[:, 0], base + sign * size * v[:, 1]]))
            codes.append(c)
        x += size * adv


def _width(text: str, weight: str) -> float:
    return sum(_glyph(ch, weight)[2] for ch in text)


def _as_path(verts: list, codes: list) -> Path:
    return Path(np.concatenate(verts), np.concatenate(codes)) if verts else Path(np.zeros((1, 2)))


class PathText:
    """A text line (or lines) drawn as one filled path of cached glyph outlines.

    Looks like a Text artist without kerning, but draws in microseconds instead of about
    a millisecond, so captions can change on every step. ``get_text()`` returns the text.
    (x, y) is in the coordinates of ``transform`` (default: the axes' or figure's fraction).
    """

    def __init__(self, ax_or_fig, x, y, text="", size=16, ha="left", va="baseline", color="#000000",
                 weight="normal", linespacing=1.35, transform=None, zorder=3):
        fig = ax_or_fig.figure if isinstance(ax_or_fig, Axes) else ax_or_fig
        base = transform or (ax_or_fig.transAxes if isinstance(ax_or_fig, Axes) else ax_or_fig.transSubfigure)
        # glyphs in points -> inches -> pixels, then moved to the anchor (x, y)
        trans = Affine2D().scale(1 / 72) + fig.dpi_scale_trans + ScaledTranslation(x, y, base)
        self.patch = PathPatch(Path(np.zeros((1, 2))), facecolor=color, edgecolor="none", transform=trans, zorder=zorder,
                               clip_on=False)
        (ax_or_fig.add_patch if isinstance(ax_or_fig, Axes) else ax_or_fig.add_artist)(self.patch)
        self.size, self.ha, self.va, self.weight, self.linespacing = size, ha, va, weight, linespacing
        self._text = None
        self.set_text(text)

    def get_text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        text = str(text)
        if text == self._text:
            return
        self._text = text
        lines = text.split("\n")
        step = self.size * self.linespacing
        block = step * (len(lines) - 1)
        first = {"top": -0.76 * self.size, "center": block / 2 - 0.38 * self.size, "bottom": block}.get(self.va, 0.0)
        verts, codes = [], []
        for n, line in enumerate(lines):
            w = _width(line, self.weight) * self.size
            x = {"left": 0.0, "center": -w / 2, "right": -w}[self.ha]
            _line_path(line, self.weight, x, first - n * step, self.size, False, verts, codes)
        self.patch.set_path(_as_path(verts, codes))

    def set_visible(self, b: bool) -> None:
        self.patch.set_visible(b)


class NumberGrid:
    """The numbers in a map's cells, drawn as two filled paths (dark and light text).

    Matplotlib lays out and renders every Text on every draw (about 1 ms each); a grid of
    numbers built from cached glyph outlines draws in well under a millisecond, which is
    what lets a 5x5 window, kernel and products update within a step. ``strings`` holds
    what is shown, row-major, for tests.
    """

    CAP = 0.73  # digit height in em (DejaVu Sans Bold)

    def __init__(self, ax, shape, fontsize_pt: float, cell_pt: float):
        self.shape, self.size = tuple(shape), fontsize_pt / cell_pt  # font size in cell (data) units
        self.patches = [ax.add_patch(PathPatch(Path(np.zeros((1, 2))), facecolor=color, edgecolor="none", zorder=4))
                        for color in ("#000000", "#FFFFFF")]
        self.strings = [""] * (self.shape[0] * self.shape[1])

    def set(self, strings, light, centres=None) -> None:
        """strings: one per cell (row-major); light: True where the text must be white.

        centres (n, 2) (x, y) in data units places each string freely (default: its cell).
        """
        parts = ([], []), ([], [])
        for n, (text, is_light) in enumerate(zip(strings, light)):
            if not text:
                continue
            if centres is None:
                i, j = divmod(n, self.shape[1])
            else:
                j, i = centres[n]
            verts, codes = parts[int(bool(is_light))]
            # rows grow downwards in an image, so the glyphs are flipped
            _line_path(text, "bold", j - self.size * _width(text, "bold") / 2, i + self.size * self.CAP / 2, self.size, True,
                       verts, codes)
        for patch, (verts, codes) in zip(self.patches, parts):
            patch.set_path(_as_path(verts, codes))
        self.strings = list(strings)
