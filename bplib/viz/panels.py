"""The drawing primitives every animation and figure shares: value maps, zooms, text, Drawing.

A ``Drawing`` draws its artists once; ``update(state)`` changes them in place and
``render()`` / ``png()`` give a frame. The drawing families (one module each beside this
one) subclass it.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize, to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from .._checks import check_alloc, check_bool, check_int, check_real, nbytes
from ..steps.base import fmt_number

# The checks live in .checks; the drawing modules also import them from here, beside the primitives they guard.
from .checks import (  # noqa: F401
    _GRID_KEYS,
    MAX_FIGURE_INCHES,
    MAX_FONT_SIZE,
    MAX_PANEL_SIDE,
    MAX_TEXT,
    MAX_VALUE,
    _kind,
    _same,
    _values,
    check_ax_or_fig,
    check_axes,
    check_cell,
    check_color,
    check_drawable,
    check_figure,
    check_panel_shape,
    check_role,
    check_size,
    check_state,
    check_steps,
    check_text,
)
from .palette import (
    CMAPS,
    DPI,
    EMPTY_COLOR,
    HEADER_SIZE,
    HIGHLIGHT_COLOR,
    MIN_NUMBER_SIZE,
    NUMBER_SIZE,
    ROLE_COLORS,
    TEXT_COLOR,
    TITLE_SIZE,
    ZOOM_SIDE,
)
from .text import NumberGrid, PathText


# --- checks at the drawing layer's boundary (issue 10): one helper per kind of argument ---------
def axes_points(ax) -> tuple:
    """(width, height) of an Axes in points, from its layout (before any draw)."""
    check_axes("axes_points", ax)
    bbox, dpi = ax.bbox, ax.get_figure(root=True).dpi
    return bbox.width * 72 / dpi, bbox.height * 72 / dpi


def sym_limit(*arrays) -> float:
    """The largest |value| over arrays (NaN ignored): colour limits (-m, m) centre 0 on white."""
    m = max((float(np.nanmax(np.abs(a))) for a in arrays if np.size(a) and not np.all(np.isnan(a))), default=0.0)
    return m if m > 0 else 1.0


def new_figure(width: float, height: float) -> Figure:
    """A Figure with an Agg canvas and no pyplot state: widgets render it to PNG themselves.

    width, height in inches, each in (0, MAX_FIGURE_INCHES]; the canvas it will draw is checked against alloc_limit().
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fn = "new_figure"
    width = check_real(width, "width", fn, 0.0, MAX_FIGURE_INCHES, low_open=True)
    height = check_real(height, "height", fn, 0.0, MAX_FIGURE_INCHES, low_open=True)
    if round(width * DPI) < 1 or round(height * DPI) < 1:
        raise ValueError(f"{fn}: a {width:g} x {height:g} inch figure is less than one pixel at {DPI} dpi")
    check_alloc(fn, nbytes((round(width * DPI), round(height * DPI), 4), np.uint8) * 2, f"a {width:g} x {height:g} inch canvas")
    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def grid(ax_or_fig, nrows, ncols, **gridspec_kw):
    """(figure, GridSpec) filling a Figure, a SubFigure, or the place of an Axes.

    An Axes is replaced by a SubFigure in its grid cell, so the drawing's header and
    panels stay inside that cell. nrows, ncols in 1..MAX_PANEL_SIDE; gridspec_kw: left, right,
    top, bottom in [0, 1], wspace, hspace >= 0, width_ratios (ncols,), height_ratios (nrows,) > 0.
    Everything is checked before the Axes is replaced.
    """
    fn = "grid"
    check_ax_or_fig(fn, ax_or_fig, allow_none=False)
    nrows = check_int(nrows, "nrows", fn, 1, MAX_PANEL_SIDE)
    ncols = check_int(ncols, "ncols", fn, 1, MAX_PANEL_SIDE)
    unknown = sorted(set(gridspec_kw) - _GRID_KEYS)
    if unknown:
        raise TypeError(f"{fn}: unknown keyword(s) {', '.join(unknown)}; expected some of {', '.join(sorted(_GRID_KEYS))}")
    for key in ("left", "right", "top", "bottom"):
        if key in gridspec_kw:
            check_real(gridspec_kw[key], key, fn, 0.0, 1.0)
    for key in ("wspace", "hspace"):
        if key in gridspec_kw:
            check_real(gridspec_kw[key], key, fn, 0.0, 100.0)
    g = gridspec_kw
    if g.get("left", 0.0) >= g.get("right", 1.0) or g.get("bottom", 0.0) >= g.get("top", 1.0):
        raise ValueError(f"{fn}: expected left < right and bottom < top, got {gridspec_kw}")
    for key, n in (("width_ratios", ncols), ("height_ratios", nrows)):
        if key in gridspec_kw:
            ratios = gridspec_kw[key]
            if not isinstance(ratios, (list, tuple, np.ndarray)) or np.ndim(ratios) != 1 or len(ratios) != n:
                raise ValueError(f"{fn}: {key} must be a sequence of {n} positive numbers, got {ratios!r}")
            for r in ratios:
                check_real(r, key, fn, 0.0, 1e6, low_open=True)
    if isinstance(ax_or_fig, Axes):
        spec = ax_or_fig.get_subplotspec()
        parent = ax_or_fig.figure
        ax_or_fig.remove()
        ax_or_fig = parent.add_subfigure(spec)
    return ax_or_fig, ax_or_fig.add_gridspec(nrows, ncols, **gridspec_kw)


def png_bytes(fig_or_rgba) -> bytes:
    """A Figure (saved whole) or an RGBA buffer (H, W, 4) of uint8 as PNG bytes, fast and lossless.

    A SubFigure saves its whole (root) Figure.
    """
    from PIL import Image  # a dependency of matplotlib

    fn = "png_bytes"
    buf = io.BytesIO()
    if isinstance(fig_or_rgba, SubFigure):
        fig_or_rgba = fig_or_rgba.get_figure(root=True)
    if isinstance(fig_or_rgba, Figure):
        w, h = fig_or_rgba.get_size_inches() * fig_or_rgba.dpi
        check_alloc(fn, nbytes((round(w), round(h), 4), np.uint8) * 3, f"a {round(w)} x {round(h)} pixel figure")
        fig_or_rgba.savefig(buf, format="png", dpi=fig_or_rgba.dpi, facecolor="white", pil_kwargs={"compress_level": 1})
    else:
        if not isinstance(fig_or_rgba, np.ndarray):
            raise TypeError(f"{fn}: fig_or_rgba must be a matplotlib Figure or an RGBA array (H, W, 4) of uint8, "
                            f"got {_kind(fig_or_rgba)}")
        if fig_or_rgba.dtype != np.uint8:
            raise TypeError(f"{fn}: an RGBA array must hold uint8 (0..255), got dtype {fig_or_rgba.dtype} "
                            f"(shape {fig_or_rgba.shape})")
        if fig_or_rgba.ndim != 3 or fig_or_rgba.shape[2] != 4 or 0 in fig_or_rgba.shape:
            raise ValueError(f"{fn}: an RGBA array must be (H, W, 4) with H, W >= 1, got shape {fig_or_rgba.shape}")
        H, W = fig_or_rgba.shape[:2]
        check_alloc(fn, nbytes(fig_or_rgba.shape, np.uint8) * 3, f"a PNG of {W} x {H} pixels")
        rgba = np.ascontiguousarray(fig_or_rgba)
        image = Image.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1).convert("RGB")
        image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def text_colors(rgba: np.ndarray) -> np.ndarray:
    """Black or white text, whichever contrasts more with each cell colour.

    rgba (..., 4) (or (..., 3)) floats in [0, 1], as a colour map returns them. Returns an array (...) of "#FFFFFF"/"#000000".
    """
    fn = "text_colors"
    rgba = _values(fn, rgba, "rgba", nan=False)
    if rgba.ndim < 1 or rgba.shape[-1] not in (3, 4):
        raise ValueError(f"{fn}: rgba must be (..., 4) or (..., 3) colours, got rgba.shape={rgba.shape}")
    if rgba.size and (rgba.min() < 0 or rgba.max() > 1):
        raise ValueError(f"{fn}: rgba values must be in [0, 1] (as a colour map returns them), got "
                         f"{rgba.min():.3g} .. {rgba.max():.3g}")
    lum = rgba[..., 0] * 0.2126 + rgba[..., 1] * 0.7152 + rgba[..., 2] * 0.0722
    return np.where(lum < 0.45, "#FFFFFF", "#000000")


class MapPanel:
    """A 2-D map on an Axes: colours, numbers in the cells when they fit, outlined boxes.

    Drawn once; ``update(values)`` changes the image data and the numbers in place. NaN
    cells are left hatched ("not computed yet"). A static panel (never updated after the
    first draw) is cached by Drawing.render; its boxes may still move.
    """

    def __init__(self, ax, shape, role: str, limit: float, title: str = "", numbers=None, static: bool = False):
        fn = type(self).__name__
        check_axes(fn, ax)
        shape = check_panel_shape(fn, shape)
        check_role(fn, role)
        limit = check_real(limit, "limit", fn, 0.0, MAX_VALUE * MAX_VALUE, low_open=True)
        check_text(fn, title, "title")
        if numbers is not None:
            check_bool(numbers, "numbers", fn)
        static = check_bool(static, "static", fn)
        self.ax, self.shape, self.role, self.static = ax, tuple(shape), role, static
        self.cmap, self.norm = CMAPS[role], Normalize(-limit, limit)
        self.image = ax.imshow(np.full(self.shape, np.nan), cmap=self.cmap, norm=self.norm, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.patch.set_hatch("//")
        ax.patch.set_edgecolor(EMPTY_COLOR)
        for spine in ax.spines.values():
            spine.set_edgecolor(ROLE_COLORS[role])
            spine.set_linewidth(3)
            spine.set_zorder(6)
        self.title = PathText(ax, 0.5, 1.0, title, size=TITLE_SIZE, ha="center", va="bottom")
        self.title.patch.set_transform(self.title.patch.get_transform() + Affine2D().translate(0, 6 * ax.figure.dpi / 72))
        size, cell_pt = self._number_size()
        if numbers is None:
            numbers = size >= MIN_NUMBER_SIZE
        self.numbers = NumberGrid(ax, self.shape, max(size, MIN_NUMBER_SIZE), cell_pt) if numbers else None
        self.boxes = {}
        self.values = np.full(self.shape, np.nan)
        self.title_changes = False  # set by the first update that passes a title

    def _number_size(self):
        """(font size, cell size) in points: a 5-character number fills about 80% of a cell."""
        w, h = axes_points(self.ax)
        cell_pt = min(w / self.shape[1], h / self.shape[0])
        return min(NUMBER_SIZE, cell_pt / 3.4), cell_pt

    @property
    def artists(self) -> list:
        return [self.image, self.title.patch, *(self.numbers.patches if self.numbers else []), *self.boxes.values()]

    def dynamic_artists(self) -> list:
        """The artists that may change after the first draw (all of them unless static)."""
        if self.static:
            return list(self.boxes.values())
        title = [self.title.patch] if self.title_changes else []
        return [self.image, *self.ax.spines.values(), *title, *(self.numbers.patches if self.numbers else []),
                *self.boxes.values()]

    def add_box(self, name: str, color=HIGHLIGHT_COLOR, lw: float = 4, ls="-"):
        """An outlined rectangle, hidden until set_box places it."""
        fn = f"{type(self).__name__}.add_box"
        check_text(fn, name, "name")
        check_color(fn, color)
        lw = check_real(lw, "lw", fn, 0.0, 100.0)
        if ls not in ("-", "--", ":", "-.", "solid", "dashed", "dotted", "dashdot"):
            raise ValueError(f"{fn}: ls must be a line style such as '-', '--' or ':', got {ls!r:.60}")
        rect = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=color, linewidth=lw, linestyle=ls, visible=False, zorder=5)
        self.ax.add_patch(rect)
        self.boxes[name] = rect
        return rect

    def set_box(self, name: str, top, left, height, width) -> None:
        """Outline cells rows top..top+height-1, cols left..left+width-1 (map coordinates)."""
        fn = f"{type(self).__name__}.set_box"
        if not isinstance(name, str) or name not in self.boxes:
            raise ValueError(f"{fn}: no box named {name!r}; add_box made {sorted(self.boxes)}")
        for value, what in ((top, "top"), (left, "left"), (height, "height"), (width, "width")):
            check_real(value, what, fn, -MAX_VALUE, MAX_VALUE)
        rect = self.boxes[name]
        rect.set_bounds(left - 0.5, top - 0.5, width, height)
        rect.set_visible(True)

    def update(self, values, title: str | None = None) -> None:
        """Show values (rows, cols) (NaN: hatched, not computed yet) and, if given, a new title."""
        values = _values(f"{type(self).__name__}.update", values, "values")
        if title is not None:
            check_text(f"{type(self).__name__}.update", title, "title")
        if values.shape != self.shape:
            raise ValueError(f"MapPanel.update: values.shape={values.shape} != the panel's shape {self.shape}")
        self.values = values
        self.image.set_data(np.ma.masked_invalid(values))
        if self.numbers is not None:
            light = text_colors(self.cmap(self.norm(np.nan_to_num(values)))) == "#FFFFFF"
            self.numbers.set([fmt_number(v) for v in values.ravel()], light.ravel())
        if title is not None:
            self.title_changes = True
            self.title.set_text(title)


class ZoomPanel(MapPanel):
    """A numbered close-up of a larger map: up to ZOOM_SIDE x ZOOM_SIDE cells around a window."""

    def __init__(self, ax, map_shape, window_hw, role, limit, label: str, margin: int = 1):
        fn = "ZoomPanel"
        if isinstance(map_shape, np.ndarray) and map_shape.ndim == 1:
            map_shape = tuple(map_shape.tolist())
        if not isinstance(map_shape, (tuple, list)) or len(map_shape) < 2:
            raise TypeError(f"{fn}: map_shape must be the shape (..., H, W) of the map zoomed into, got {map_shape!r}")
        check_panel_shape(fn, tuple(map_shape[-2:]), "map_shape")
        check_panel_shape(fn, window_hw, "window_hw")
        check_text(fn, label, "label")
        margin = check_int(margin, "margin", fn, 0, MAX_PANEL_SIDE)
        check_axes(fn, ax)
        check_role(fn, role)
        self.map_shape, self.label = tuple(int(v) for v in map_shape[-2:]), label
        wh = [min(k + 2 * margin, ZOOM_SIDE, s) for k, s in zip(window_hw, self.map_shape)]
        self.margin = margin
        super().__init__(ax, wh, role, limit, title="", numbers=True)
        self.add_box("window")
        self.origin = (0, 0)

    def show(self, full_map, top: int, left: int, height: int, width: int) -> None:
        """Show the part of full_map (H, W) around the window rows top.., cols left.. (outlined)."""
        fn = "ZoomPanel.show"
        full_map = _values(fn, full_map, "full_map")
        if full_map.shape != self.map_shape:
            raise ValueError(f"{fn}: full_map.shape={full_map.shape} != the map_shape {self.map_shape} the zoom was made for")
        top, left = check_int(top, "top", fn, 0, self.map_shape[0] - 1), check_int(left, "left", fn, 0, self.map_shape[1] - 1)
        height, width = check_int(height, "height", fn, 1), check_int(width, "width", fn, 1)
        zh, zw = self.shape
        H, W = self.map_shape
        r0 = int(np.clip(top - self.margin, 0, max(H - zh, 0)))
        c0 = int(np.clip(left - self.margin, 0, max(W - zw, 0)))
        crop = np.full(self.shape, np.nan)
        part = np.asarray(full_map)[r0 : r0 + zh, c0 : c0 + zw]
        crop[: part.shape[0], : part.shape[1]] = part
        self.origin = (r0, c0)
        self.update(crop, title=f"{self.label}[{r0}:{r0 + zh}, {c0}:{c0 + zw}]")
        self.set_box("window", top - r0, left - c0, min(height, zh), min(width, zw))


def operator_text(fig, gs_cell, text: str, size: float = 30):
    """A big operator (⊙, =, →) centred in an empty grid cell gs_cell of fig; size in points. Returns the Text."""
    check_cell("operator_text", fig, gs_cell)
    check_text("operator_text", text, "text")
    size = check_size("operator_text", size)
    ax = fig.add_subplot(gs_cell)
    ax.axis("off")
    return ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=size, color=TEXT_COLOR, transform=ax.transAxes)


def text_panel(fig, gs_cell, size: float = HEADER_SIZE) -> PathText:
    """An empty grid cell gs_cell of fig holding a left-aligned, vertically centred block of text (a PathText)."""
    check_cell("text_panel", fig, gs_cell)
    size = check_size("text_panel", size)
    ax = fig.add_subplot(gs_cell)
    ax.axis("off")
    return PathText(ax, 0.02, 0.5, size=size, va="center")


class Drawing:
    """Base of every animation's drawing: the figure, its panels, a header line, update(state).

    Each subclass defines _update(state). ``render()`` returns the figure as RGBA pixels;
    it draws the static parts once, keeps them as a background, and per step redraws
    only what changes (matplotlib's blitting).
    """

    def __init__(self, fig):
        self.fig = fig
        self.panels: dict[str, MapPanel] = {}
        self.texts: list = []  # Text artists that change with the state
        self.header = self.add_text(PathText(fig, 0.01, 0.985, size=HEADER_SIZE, va="top"))
        self.step_text = self.add_text(PathText(fig, 0.99, 0.985, size=TITLE_SIZE, ha="right", va="top"))
        self.state = None
        self._background = None
        self._extra_dynamic: list = []

    def add_text(self, text: PathText) -> PathText:
        """Register a PathText that changes with the state."""
        self.texts.append(text)
        return text

    @property
    def artists(self) -> list:
        return [t.patch for t in self.texts] + [a for p in self.panels.values() for a in p.artists] + self._extra_dynamic

    def dynamic_artists(self) -> list:
        arts = [a for p in self.panels.values() for a in p.dynamic_artists()]
        arts += [t.patch for t in self.texts] + self._extra_dynamic
        return sorted(arts, key=lambda a: a.get_zorder())

    FIGSIZE = (11.5, 7.6)  # inches, for a new figure (draw with ax_or_fig=None)
    FN = "draw"  # the public draw_<name> function, named in error messages

    def _check_init(self, ax_or_fig, steps) -> None:
        """Refuse (TypeError/ValueError naming FN) a target that is not an Axes/Figure/SubFigure or steps of another kind."""
        check_ax_or_fig(self.FN, ax_or_fig, allow_none=False)
        check_steps(self.FN, steps, self.KIND)

    @classmethod
    def draw(cls, ax_or_fig, state, steps):
        """Draw steps' state on a Figure/SubFigure/Axes (None: a new Figure of FIGSIZE); returns the drawing.

        Everything is checked (check_ax_or_fig, check_state) before anything is drawn or replaced.
        """
        check_ax_or_fig(cls.FN, ax_or_fig)
        check_state(cls.FN, state, steps, cls.KIND)
        drawing = cls(new_figure(*cls.FIGSIZE) if ax_or_fig is None else ax_or_fig, steps)
        drawing.update(state)
        return drawing

    KIND = ""  # the steps function whose states this drawing shows ("unpool_steps", ...)

    def check_state(self, state, fn: str | None = None) -> None:
        """Raise TypeError/ValueError (naming fn) unless state is one step of the steps this drawing shows."""
        check_state(fn or f"{type(self).__name__}.update", state, self.steps, self.KIND, scan=False)

    def update(self, state) -> list:
        """Change the artists to show state; returns them (as a FuncAnimation callback would)."""
        self.check_state(state)
        self._update(state)
        self.state = state
        return self.artists

    def render(self) -> np.ndarray:
        """The figure as an RGBA array (H, W, 4): cached background + the changing artists."""
        canvas = self.fig.canvas
        dynamic = self.dynamic_artists()
        if self._background is None or self._background[0] != canvas.get_width_height():
            shown = [a.get_visible() for a in dynamic]
            for a in dynamic:
                a.set_visible(False)
            canvas.draw()
            self._background = (canvas.get_width_height(), canvas.copy_from_bbox(self.fig.bbox))
            for a, v in zip(dynamic, shown):
                a.set_visible(v)
        else:
            canvas.restore_region(self._background[1])
        renderer = canvas.get_renderer()
        for a in dynamic:
            if a.get_visible():
                a.draw(renderer)
        return np.asarray(canvas.buffer_rgba())

    def png(self) -> bytes:
        """The current frame as PNG bytes (what a widget shows)."""
        return png_bytes(self.render())


def _tint(color, amount: float = 0.5):
    """color mixed with white: light enough for black text."""
    return tuple(amount * np.array(to_rgb(color)) + (1 - amount))


class LabelPanel(MapPanel):
    """A MapPanel whose cells carry short labels (weight symbols, indices) instead of numbers.

    ``set_labels(strings)`` writes one label per cell (row-major; "" for none) in black or white,
    whichever contrasts with the cell. Labels are drawn when they fit (>= MIN_NUMBER_SIZE points).
    """

    def __init__(self, ax, shape, role, limit, title="", max_chars: int = 3, cmap=None, norm=None, static=False):
        fn = "LabelPanel"
        max_chars = check_int(max_chars, "max_chars", fn, 1, 100)
        if cmap is not None and not isinstance(cmap, Colormap):
            raise TypeError(f"{fn}: cmap must be None or a matplotlib Colormap, got {_kind(cmap)}")
        if norm is not None and not isinstance(norm, Normalize):
            raise TypeError(f"{fn}: norm must be None or a matplotlib Normalize, got {_kind(norm)}")
        super().__init__(ax, shape, role, limit, title, numbers=False, static=static)
        if cmap is not None:
            self.cmap, self.norm = cmap, norm
            self.image.set_cmap(cmap)
            self.image.set_norm(norm)
        _, cell_pt = self._number_size()
        size = min(NUMBER_SIZE + 3, cell_pt / (0.65 * max_chars + 0.6))  # bold digits are ~0.65 em wide
        self.labels = NumberGrid(ax, self.shape, size, cell_pt) if size >= MIN_NUMBER_SIZE else None

    @property
    def artists(self) -> list:
        return super().artists + (self.labels.patches if self.labels else [])

    def dynamic_artists(self) -> list:
        extra = self.labels.patches if self.labels and not self.static else []
        return super().dynamic_artists() + extra

    def set_labels(self, strings) -> None:
        """One label per cell, row-major ("" for none)."""
        fn = "LabelPanel.set_labels"
        if isinstance(strings, (str, bytes)) or not hasattr(strings, "__iter__"):
            raise TypeError(f"{fn}: strings must be an iterable of str, one per cell, got {_kind(strings)}")
        strings = list(strings)
        if len(strings) != self.shape[0] * self.shape[1] or not all(isinstance(v, str) for v in strings):
            raise ValueError(f"{fn}: expected {self.shape[0] * self.shape[1]} str labels (one per cell of {self.shape}), "
                             f"got {len(strings)}")
        if self.labels is not None:
            light = text_colors(self.cmap(self.norm(np.nan_to_num(self.values)))) == "#FFFFFF"
            self.labels.set(strings, light.ravel())

    def set_edge(self, color) -> None:
        """The panel's frame in color."""
        check_color("LabelPanel.set_edge", color)
        for spine in self.ax.spines.values():
            spine.set_edgecolor(color)


def _panels(fig, cell, n: int, vertical: bool, make, wspace=0.15):
    """n panels side by side (or stacked) in one grid cell; make(ax, t) builds panel t."""
    sub = cell.subgridspec(n, 1, hspace=0.35) if vertical else cell.subgridspec(1, n, wspace=wspace)
    return [make(fig.add_subplot(sub[t, 0] if vertical else sub[0, t]), t) for t in range(n)]
