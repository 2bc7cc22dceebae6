"""The two vector pictures of the course: the article's network (S9) and the MLP-vs-CNN table (S14).

Each ``*_figure(...)`` returns a matplotlib Figure (no pyplot state) that bplib.figures
saves as SVG and PNG. The network diagram shows the real tensors of bplib.ArticleNet
on a shipped MNIST digit, so the picture and the code cannot disagree about shapes.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..viz.palette import CHANNEL_COLORS, CMAPS, ERROR_COLOR, HEADER_SIZE, INPUT_COLOR, OUTPUT_COLOR, TEXT_COLOR, TITLE_SIZE
from ..viz.panels import new_figure, sym_limit

__all__ = ["network_figure", "bp_table_figure"]

NAME_SIZE = 26  # a tensor's name: a⁰, z¹ / a¹, ...
SHAPE_SIZE = 18


def _sheets(ax, x0, y0, side, maps, role, offset):
    """A stack of feature maps drawn as offset sheets, the first in front; returns the stack's bounding box."""
    n = len(maps)
    for t in reversed(range(n)):
        x, y = x0 + t * offset, y0 + t * offset
        lim = sym_limit(maps[t])  # each map at its own scale: a diagram shows patterns, not magnitudes
        ax.imshow(maps[t], cmap=CMAPS[role], vmin=-lim, vmax=lim, extent=(x, x + side, y, y + side), interpolation="nearest",
                  zorder=2 + 2 * (n - t))
        ax.add_patch(Rectangle((x, y), side, side, fill=False, edgecolor=CHANNEL_COLORS[t] if n > 1 else INPUT_COLOR, lw=3,
                               zorder=3 + 2 * (n - t)))
    return x0, y0, x0 + side + (n - 1) * offset, y0 + side + (n - 1) * offset


def _vector(ax, x0, yc, height, n_cells, colors, width=0.32, values=None):
    """A column vector drawn as a bar of cells (every cell when few, else one band per colour)."""
    y0 = yc - height / 2
    if values is not None:
        lim = sym_limit(values)
        ax.imshow(values[:, None], cmap=CMAPS["output"], vmin=-lim, vmax=lim, extent=(x0, x0 + width, y0 + height, y0),
                  interpolation="nearest", zorder=2)
        for t in range(1, n_cells):
            ax.plot([x0, x0 + width], [y0 + t * height / n_cells] * 2, color=TEXT_COLOR, lw=0.8, zorder=3)
    else:
        for t, color in enumerate(colors):  # one band per channel: flatten keeps channels in order
            band = height / len(colors)
            ax.add_patch(Rectangle((x0, y0 + (len(colors) - 1 - t) * band), width, band, facecolor=color, alpha=0.75,
                                   edgecolor="none", zorder=2))
    ax.add_patch(Rectangle((x0, y0), width, height, fill=False, edgecolor=TEXT_COLOR, lw=2.5, zorder=4))
    return x0, y0, x0 + width, y0 + height


def _label(ax, box, name, shape):
    x0, y0, x1, y1 = box
    ax.text((x0 + x1) / 2, y1 + 0.22, name, ha="center", va="bottom", fontsize=NAME_SIZE, color=TEXT_COLOR)
    ax.text((x0 + x1) / 2, y0 - 0.2, shape, ha="center", va="top", fontsize=SHAPE_SIZE, color=TEXT_COLOR)


def _arrow(ax, x0, x1, y, above, below="", color=TEXT_COLOR):
    ax.add_patch(FancyArrowPatch((x0, y), (x1, y), arrowstyle="-|>", mutation_scale=28, lw=3, color=color, zorder=5))
    ax.text((x0 + x1) / 2, y + 0.25, above, ha="center", va="bottom", fontsize=TITLE_SIZE + 1, color=TEXT_COLOR,
            linespacing=1.3)
    if below:
        ax.text((x0 + x1) / 2, y - 0.25, below, ha="center", va="top", fontsize=TITLE_SIZE - 1, color=TEXT_COLOR,
                linespacing=1.3)


def network_figure(image, seed: int = 0):
    """The article's network (S9) on one image (28, 28): every tensor with its name and shape.

    1×28×28 → conv 3@5×5 (+ ReLU) → 3×24×24 → max-pool 2×2 → 3×12×12 → flatten 432 → FC 10
    → softmax. The maps are bplib.ArticleNet(seed=seed)'s real a⁰, a¹, a² (untrained).
    """
    from ..net import ArticleNet

    image = np.asarray(image, dtype=np.float32).reshape(1, 1, 28, 28)
    net = ArticleNet(seed=seed)
    trace = net.forward(image)
    F, D, K = net.W1.shape[0], net.W4.shape[1], net.W4.shape[0]
    fig = new_figure(16.6, 5.6)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 16.6)
    ax.set_ylim(-0.15, 5.45)
    ax.set_aspect("equal")
    ax.axis("off")
    yc = 2.45
    a0 = _sheets(ax, 0.35, yc - 1.1, 2.2, trace.a0[0], "input", 0)
    _label(ax, a0, "a⁰", "1×28×28")
    _arrow(ax, 2.75, 4.35, yc, f"conv {F}@5×5\n+ ReLU", f"W¹ {tuple(net.W1.shape)}\nb¹ ({F},)")
    a1 = _sheets(ax, 4.55, yc - 1.2, 1.9, trace.a1[0], "output", 0.28)
    _label(ax, a1, "z¹ / a¹", f"{F}×24×24")
    _arrow(ax, a1[2] + 0.2, a1[2] + 1.8, yc, "max-pool\n2×2, stride 2")
    a2 = _sheets(ax, a1[2] + 2.0, yc - 0.7, 0.95, trace.a2[0], "output", 0.24)
    _label(ax, a2, "a²", f"{F}×12×12")
    _arrow(ax, a2[2] + 0.2, a2[2] + 1.5, yc, "flatten\nC→H→W")
    a3 = _vector(ax, a2[2] + 1.7, yc, 3.6, D, CHANNEL_COLORS[:F])
    _label(ax, a3, "a³", f"{D}")
    _arrow(ax, a3[2] + 0.2, a3[2] + 1.6, yc, f"FC {K}", f"W⁴ ({K}, {D})\nb⁴ ({K},)")
    a4 = _vector(ax, a3[2] + 1.8, yc, 2.4, K, None, values=trace.a4[0])
    _label(ax, a4, "z⁴ / a⁴", f"{K}")
    ax.text(a4[2] + 0.2, yc, "softmax\n= class\nprobabilities", ha="left", va="center", fontsize=TITLE_SIZE - 1,
            color=TEXT_COLOR, linespacing=1.3)
    return fig


# --- S14: the table -------------------------------------------------------------------------------

_ROWS = [
    ("BP2\nerror goes back", "$\\delta^l = ((W^{l+1})^T\\,\\delta^{l+1})$\n$\\odot\\, \\sigma'(z^l)$",
     "$\\delta^l = \\mathrm{conv\\_full}(\\delta^{l+1}, \\mathrm{rot180}(W^{l+1}))$\n$\\odot\\, \\sigma'(z^l)$",
     "matrix transpose  ⟺\ntransposed convolution: Cᵀδ"),
    ("BP4\nweight gradient", r"$\dfrac{\partial C}{\partial W^l} = \delta^l\,(a^{l-1})^T$",
     r"$\dfrac{\partial C}{\partial W^l} = \mathrm{conv}(a^{l-1}, \delta^l)$",
     "outer product  ⟺  convolution:\nδ slides over a like a kernel"),
    ("BP3\nbias gradient", r"$\dfrac{\partial C}{\partial b^l} = \delta^l$",
     r"$\dfrac{\partial C}{\partial b^l_f} = \sum_{i,j}\, \delta^l_{f,i,j}$",
     "one error per unit  ⟺\nthe sum of the whole error map"),
]


def bp_table_figure():
    """The MLP-vs-CNN comparison of BP2, BP4, BP3 (S14), as a picture with large type."""
    fig = new_figure(18, 7.6)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 18)
    ax.set_ylim(7.6, 0)
    ax.axis("off")
    cols = [0.2, 2.95, 7.05, 12.75, 17.8]  # column edges
    heads = ["", "MLP (fully connected)", "CNN (convolutional layer)", "the idea"]
    colors = [TEXT_COLOR, INPUT_COLOR, OUTPUT_COLOR, TEXT_COLOR]
    for n, (head, color) in enumerate(zip(heads, colors)):
        ax.text((cols[n] + cols[n + 1]) / 2, 0.55, head, ha="center", va="center", fontsize=HEADER_SIZE + 1, color=color,
                weight="bold")
    top, h = 1.0, 1.75
    for r, row in enumerate(_ROWS):
        y = top + r * h
        ax.add_patch(Rectangle((cols[0], y), cols[-1] - cols[0], h, facecolor="#F2F2F2" if r % 2 == 0 else "white",
                               edgecolor="none", zorder=0))
        for n, text in enumerate(row):
            size = HEADER_SIZE + (2 if n in (1, 2) else 0)
            ax.text((cols[n] + cols[n + 1]) / 2, y + h / 2, text, ha="center", va="center", fontsize=size,
                    color=ERROR_COLOR if n == 0 else TEXT_COLOR, linespacing=1.35, weight="bold" if n == 0 else "normal")
    for yy in (top, top + len(_ROWS) * h):
        ax.plot([cols[0], cols[-1]], [yy, yy], color=TEXT_COLOR, lw=2)
    for x in cols[1:-1]:
        ax.plot([x, x], [top - 0.75, top + len(_ROWS) * h], color="#9A9A9A", lw=1)
    ax.text(cols[0], top + len(_ROWS) * h + 0.45,
            "CNN BP2 as written holds for stride 1 and no padding. With stride s, dilate δ first (s − 1 zeros between "
            "entries);\nwith padding p, crop the result by p. The matrix view "
            r"$\delta^l = (C^T \delta^{l+1}) \odot \sigma'(z^l)$ covers every case.",
            ha="left", va="top", fontsize=TITLE_SIZE, color=TEXT_COLOR, linespacing=1.4)
    return fig
