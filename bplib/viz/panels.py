"""The drawing primitives every animation and figure shares: value maps, zooms, text, Drawing.

A ``Drawing`` draws its artists once; ``update(state)`` changes them in place and
``render()`` / ``png()`` give a frame. The drawing families (one module each beside this
one) subclass it.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from ..steps.base import fmt_number
from .palette import (
    CMAPS,
    DPI,
    EMPTY_COLOR,
    HEADER_SIZE,
    HIGHLIGHT_COLOR,
    MAX_CHANNELS,
    MAX_KERNEL,
    MAX_SIDE,
    MIN_NUMBER_SIZE,
    NUMBER_SIZE,
    ROLE_COLORS,
    TEXT_COLOR,
    TITLE_SIZE,
    ZOOM_SIDE,
)
from .text import NumberGrid, PathText


def axes_points(ax) -> tuple:
    """(width, height) of an Axes in points, from its layout (before any draw)."""
    bbox, dpi = ax.bbox, ax.get_figure(root=True).dpi
    return bbox.width * 72 / dpi, bbox.height * 72 / dpi


def check_drawable(fn: str, **shapes) -> None:
    """Raise ValueError naming the limit if a map, kernel or channel count is too large to show.

    Keywords end in _map (a (..., H, W) shape), _kernel ((..., KH, KW)) or _channels (an int).
    """
    for name, value in shapes.items():
        if name.endswith("_channels"):
            if value > MAX_CHANNELS:
                raise ValueError(f"{fn}: {value} {name[:-9]} channels are too many to show; the limit is {MAX_CHANNELS}")
            continue
        side = max(value[-2:])
        limit = MAX_KERNEL if name.endswith("_kernel") else MAX_SIDE
        if side > limit:
            what = name.rsplit("_", 1)[0]
            raise ValueError(
                f"{fn}: {what} of shape {tuple(value)} is too large to show; the size limit is "
                f"{limit}x{limit} per map (MAX_{'KERNEL' if limit == MAX_KERNEL else 'SIDE'} in bplib.viz)"
            )


def sym_limit(*arrays) -> float:
    """The largest |value| over arrays (NaN ignored): colour limits (-m, m) centre 0 on white."""
    m = max((float(np.nanmax(np.abs(a))) for a in arrays if np.size(a) and not np.all(np.isnan(a))), default=0.0)
    return m if m > 0 else 1.0


def new_figure(width: float, height: float) -> Figure:
    """A Figure with an Agg canvas and no pyplot state: widgets render it to PNG themselves."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def grid(ax_or_fig, nrows, ncols, **gridspec_kw):
    """(figure, GridSpec) filling a Figure, a SubFigure, or the place of an Axes.

    An Axes is replaced by a SubFigure in its grid cell, so the drawing's header and
    panels stay inside that cell.
    """
    if isinstance(ax_or_fig, Axes):
        spec = ax_or_fig.get_subplotspec()
        if spec is None:
            raise TypeError("draw_*: an Axes must come from a grid (fig.subplots / add_subplot) to be replaced by panels")
        parent = ax_or_fig.figure
        ax_or_fig.remove()
        ax_or_fig = parent.add_subfigure(spec)
    if isinstance(ax_or_fig, (Figure, SubFigure)):
        return ax_or_fig, ax_or_fig.add_gridspec(nrows, ncols, **gridspec_kw)
    raise TypeError(f"expected a matplotlib Axes, Figure or SubFigure, got {type(ax_or_fig).__name__}")


def png_bytes(fig_or_rgba) -> bytes:
    """A Figure (saved whole) or an RGBA buffer (H, W, 4) as PNG bytes, fast and lossless."""
    from PIL import Image  # a dependency of matplotlib

    buf = io.BytesIO()
    if isinstance(fig_or_rgba, (Figure, SubFigure)):
        fig_or_rgba.savefig(buf, format="png", dpi=fig_or_rgba.dpi, facecolor="white", pil_kwargs={"compress_level": 1})
    else:
        rgba = np.ascontiguousarray(fig_or_rgba, dtype=np.uint8)
        image = Image.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1).convert("RGB")
        image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def text_colors(rgba: np.ndarray) -> np.ndarray:
    """Black or white text, whichever contrasts more with each cell colour (..., 4)."""
    lum = rgba[..., 0] * 0.2126 + rgba[..., 1] * 0.7152 + rgba[..., 2] * 0.0722
    return np.where(lum < 0.45, "#FFFFFF", "#000000")


class MapPanel:
    """A 2-D map on an Axes: colours, numbers in the cells when they fit, outlined boxes.

    Drawn once; ``update(values)`` changes the image data and the numbers in place. NaN
    cells are left hatched ("not computed yet"). A static panel (never updated after the
    first draw) is cached by Drawing.render; its boxes may still move.
    """

    def __init__(self, ax, shape, role: str, limit: float, title: str = "", numbers=None, static: bool = False):
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
        rect = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=color, linewidth=lw, linestyle=ls, visible=False, zorder=5)
        self.ax.add_patch(rect)
        self.boxes[name] = rect
        return rect

    def set_box(self, name: str, top, left, height, width) -> None:
        """Outline cells rows top..top+height-1, cols left..left+width-1 (map coordinates)."""
        rect = self.boxes[name]
        rect.set_bounds(left - 0.5, top - 0.5, width, height)
        rect.set_visible(True)

    def update(self, values, title: str | None = None) -> None:
        values = np.asarray(values, dtype=float)
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
        self.map_shape, self.label = tuple(map_shape[-2:]), label
        wh = [min(k + 2 * margin, ZOOM_SIDE, s) for k, s in zip(window_hw, self.map_shape)]
        self.margin = margin
        super().__init__(ax, wh, role, limit, title="", numbers=True)
        self.add_box("window")
        self.origin = (0, 0)

    def show(self, full_map, top: int, left: int, height: int, width: int) -> None:
        """Show the part of full_map (H, W) around the window rows top.., cols left.. (outlined)."""
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
    """A big operator (⊙, =, →) centred in an empty grid cell."""
    ax = fig.add_subplot(gs_cell)
    ax.axis("off")
    return ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=size, color=TEXT_COLOR, transform=ax.transAxes)


def text_panel(fig, gs_cell, size: float = HEADER_SIZE) -> PathText:
    """An empty grid cell holding a left-aligned, vertically centred block of text."""
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

    @classmethod
    def draw(cls, ax_or_fig, state, steps):
        """Draw steps' state on a Figure/SubFigure/Axes (None: a new Figure of FIGSIZE); returns the drawing."""
        drawing = cls(new_figure(*cls.FIGSIZE) if ax_or_fig is None else ax_or_fig, steps)
        drawing.update(state)
        return drawing

    def update(self, state) -> list:
        """Change the artists to show state; returns them (as a FuncAnimation callback would)."""
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
        if self.labels is not None:
            light = text_colors(self.cmap(self.norm(np.nan_to_num(self.values)))) == "#FFFFFF"
            self.labels.set(list(strings), light.ravel())

    def set_edge(self, color) -> None:
        for spine in self.ax.spines.values():
            spine.set_edgecolor(color)


def _panels(fig, cell, n: int, vertical: bool, make, wspace=0.15):
    """n panels side by side (or stacked) in one grid cell; make(ax, t) builds panel t."""
    sub = cell.subgridspec(n, 1, hspace=0.35) if vertical else cell.subgridspec(1, n, wspace=wspace)
    return [make(fig.add_subplot(sub[t, 0] if vertical else sub[0, t]), t) for t in range(n)]
