"""The vector pictures of the course: the article's network (S9), its backward pass (S9-S12),
a small MLP with the w^l_jk convention (S8) and the MLP-vs-CNN table (S14).

Each ``*_figure(...)`` returns a matplotlib Figure (no pyplot state) that bplib.figures
saves as SVG and PNG. The network and backward-pass diagrams show the real tensors of
bplib.ArticleNet on a shipped MNIST digit, so the picture and the code cannot disagree about shapes.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .._checks import check_int
from ..lang import get_language
from ..viz.catalogue import t as tr
from ..viz.palette import (
    CHANNEL_COLORS,
    CMAPS,
    ERROR_COLOR,
    HEADER_SIZE,
    INPUT_COLOR,
    KERNEL_COLOR,
    MAX_CHANNELS,
    MAX_KERNEL,
    OUTPUT_COLOR,
    TEXT_COLOR,
    TITLE_SIZE,
)
from ..viz.panels import _values, new_figure, sym_limit

__all__ = ["network_figure", "backward_pass_figure", "mlp_figure", "bp_table_figure", "BP2_GENERAL_NOTE"]

_SUP, _SUB = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"), str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sup(n) -> str:
    """n in Unicode superscript digits ("12" -> "¹²"): math without mathtext, for text that mixes in Chinese."""
    return str(n).translate(_SUP)


def _sub(n) -> str:
    """n in Unicode subscript digits ("3" -> "₃")."""
    return str(n).translate(_SUB)


NAME_SIZE = 26  # a tensor's name: a⁰, z¹ / a¹, ...
SHAPE_SIZE = 18


def _sheets(ax, x0, y0, side, maps, role, offset, edge=None):
    """A stack of feature maps drawn as offset sheets, the first in front; returns the stack's bounding box.

    edge: one frame colour for every sheet (default: a colour per channel, as in the forward pass).
    """
    n = len(maps)
    for t in reversed(range(n)):
        x, y = x0 + t * offset, y0 + t * offset
        lim = sym_limit(maps[t])  # each map at its own scale: a diagram shows patterns, not magnitudes
        ax.imshow(maps[t], cmap=CMAPS[role], vmin=-lim, vmax=lim, extent=(x, x + side, y, y + side), interpolation="nearest",
                  zorder=2 + 2 * (n - t))
        color = edge or (CHANNEL_COLORS[t] if n > 1 else INPUT_COLOR)
        ax.add_patch(Rectangle((x, y), side, side, fill=False, edgecolor=color, lw=3, zorder=3 + 2 * (n - t)))
    return x0, y0, x0 + side + (n - 1) * offset, y0 + side + (n - 1) * offset


def _vector(ax, x0, yc, height, n_cells, colors, width=0.32, values=None, role="output"):
    """A column vector drawn as a bar of cells (every cell when few, else one band per colour).

    With values: their colours (in role's colour map) and n_cells - 1 separating lines.
    """
    y0 = yc - height / 2
    if values is not None:
        lim = sym_limit(values)
        ax.imshow(values[:, None], cmap=CMAPS[role], vmin=-lim, vmax=lim, extent=(x0, x0 + width, y0 + height, y0),
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


def _image(fn: str, image) -> np.ndarray:
    """One MNIST-sized image (28, 28) (or (1, 28, 28), (1, 1, 28, 28)) of finite numbers, as float32 (1, 1, 28, 28)."""
    image = _values(fn, image, "image", nan=False)
    if image.shape not in ((28, 28), (1, 28, 28), (1, 1, 28, 28)):
        raise ValueError(f"{fn}: image must be one 28x28 image, shape (28, 28), got image.shape={image.shape}")
    return np.asarray(image, dtype=np.float32).reshape(1, 1, 28, 28)


def _article_net(fn: str, **kwargs):
    """bplib.ArticleNet(**kwargs), its refusals re-raised in fn's name."""
    from ..net import ArticleNet

    try:
        return ArticleNet(**kwargs)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{fn}: {e}") from None


def network_figure(image, seed: int = 0):
    """The article's network (S9) on one image (28, 28): every tensor with its name and shape.

    1×28×28 → conv 3@5×5 (+ ReLU) → 3×24×24 → max-pool 2×2 → 3×12×12 → flatten 432 → FC 10
    → softmax. The maps are bplib.ArticleNet(seed=seed)'s real a⁰, a¹, a² (untrained). seed an int >= 0.
    """
    fn = "network_figure"
    image = _image(fn, image)
    net = _article_net(fn, seed=check_int(seed, "seed", fn, 0))
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
    _arrow(ax, 2.75, 4.35, yc, tr("net.conv", F=F), f"W¹ {tuple(net.W1.shape)}\nb¹ ({F},)")
    a1 = _sheets(ax, 4.55, yc - 1.2, 1.9, trace.a1[0], "output", 0.28)
    _label(ax, a1, "z¹ / a¹", f"{F}×24×24")
    _arrow(ax, a1[2] + 0.2, a1[2] + 1.8, yc, tr("net.pool"))
    a2 = _sheets(ax, a1[2] + 2.0, yc - 0.7, 0.95, trace.a2[0], "output", 0.24)
    _label(ax, a2, "a²", f"{F}×12×12")
    _arrow(ax, a2[2] + 0.2, a2[2] + 1.5, yc, tr("net.flatten"))
    a3 = _vector(ax, a2[2] + 1.7, yc, 3.6, D, CHANNEL_COLORS[:F])
    _label(ax, a3, "a³", f"{D}")
    _arrow(ax, a3[2] + 0.2, a3[2] + 1.6, yc, tr("net.fc", K=K), f"W⁴ ({K}, {D})\nb⁴ ({K},)")
    a4 = _vector(ax, a3[2] + 1.8, yc, 2.4, K, None, values=trace.a4[0])
    _label(ax, a4, "z⁴ / a⁴", f"{K}")
    ax.text(a4[2] + 0.2, yc, tr("net.softmax"), ha="left", va="center", fontsize=TITLE_SIZE - 1,
            color=TEXT_COLOR, linespacing=1.3)
    return fig


# --- S9-S12: the backward pass ---------------------------------------------------------------


def _shape(a) -> str:
    """'3×12×12' for an array of that shape (one image: the batch axis already dropped)."""
    return "×".join(str(n) for n in np.shape(a))


def _branch(ax, start, end, text, at=None, ha="left"):
    """A straight gradient arrow from start to end (x, y); its operation written at `at` (default: right of its middle)."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=26, lw=3, color=ERROR_COLOR, zorder=5))
    if at is None:
        at = ((start[0] + end[0]) / 2 + 0.15, (start[1] + end[1]) / 2)
    ax.text(*at, text, ha=ha, va="center", fontsize=TITLE_SIZE + 1, color=TEXT_COLOR, linespacing=1.3)


def _side_label(ax, box, name, shape):
    """A gradient's name and shape written to the right of its picture."""
    x0, y0, x1, y1 = box
    ax.text(x1 + 0.15, (y0 + y1) / 2 + 0.05, name, ha="left", va="bottom", fontsize=NAME_SIZE - 4, color=TEXT_COLOR)
    ax.text(x1 + 0.15, (y0 + y1) / 2 - 0.05, shape, ha="left", va="top", fontsize=SHAPE_SIZE, color=TEXT_COLOR)


def backward_pass_figure(image, label: int, seed: int = 0, channels: int = 3, kernel_size: int = 5):
    """The article's backward pass (S9-S12) on one image (28, 28) with its label: every error and gradient, with its shape.

    Right to left, the way the error travels: δ⁴ → (W⁴)ᵀδ⁴ → δ³ → reshape → δ² → unpool →
    ∂C/∂a¹ → ⊙σ′(z¹) → δ¹; the gradients ∂W⁴ = δ⁴(a³)ᵀ, ∂b⁴ = δ⁴ branch off δ⁴ and
    ∂W¹ = conv(a⁰, δ¹), ∂b¹ = Σδ¹ off δ¹. Maps and shapes are bplib.ArticleNet(seed, channels,
    kernel_size)'s real Grads for this image, so the picture cannot disagree with the code.
    Returns the Figure; its .shapes_drawn maps each name to the shape written under it.
    label an int in 0..9, seed >= 0, channels 1..MAX_CHANNELS, kernel_size 1..MAX_KERNEL (odd: the map must pool 2x2).
    """
    fn = "backward_pass_figure"
    image = _image(fn, image)
    label = check_int(label, "label", fn, 0, 9)
    seed = check_int(seed, "seed", fn, 0)
    channels = check_int(channels, "channels", fn, 1, MAX_CHANNELS)
    kernel_size = check_int(kernel_size, "kernel_size", fn, 1, MAX_KERNEL)
    net = _article_net(fn, channels=channels, kernel_size=kernel_size, seed=seed)
    grads = net.backward(net.forward(image), np.array([int(label)]))
    g = {name: getattr(grads, name)[0] for name in ("delta4", "delta3", "delta2", "da1", "delta1")}
    g.update(dW4=grads.dW4, db4=grads.db4, dW1=grads.dW1, db1=grads.db1)
    shapes = {name: _shape(a) for name, a in g.items()}
    F, K = g["delta2"].shape[0], g["delta4"].shape[0]
    fig = new_figure(16.6, 6.6)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 16.6)
    ax.set_ylim(0.8, 7.4)
    ax.set_aspect("equal")
    ax.axis("off")
    yc = 5.1
    fig.text(0.01, 0.985, tr("bwd.header"),
             ha="left", va="top", fontsize=TITLE_SIZE + 2, color=TEXT_COLOR)
    # the main chain, from the loss back towards the input
    d4 = _vector(ax, 14.24, yc, 2.4, K, None, values=g["delta4"], role="error")
    _label(ax, d4, "δ⁴", shapes["delta4"])
    ax.text(d4[2] + 0.2, yc, tr("bwd.delta4"), ha="left", va="center", fontsize=TITLE_SIZE - 1,
            color=TEXT_COLOR, linespacing=1.3)
    _arrow(ax, d4[0] - 0.2, d4[0] - 1.8, yc, "(W⁴)ᵀδ⁴", color=ERROR_COLOR)
    d3 = _vector(ax, d4[0] - 2.32, yc, 3.0, F, None, values=g["delta3"], role="error")  # lines between the channels
    _label(ax, d3, "δ³", shapes["delta3"])
    _arrow(ax, d3[0] - 0.2, d3[0] - 1.6, yc, tr("bwd.reshape"), tr("bwd.undo_flatten"), color=ERROR_COLOR)
    side2, off2 = 0.95, 0.24
    d2 = _sheets(ax, d3[0] - 1.8 - side2 - (F - 1) * off2, yc - 0.7, side2, g["delta2"], "error", off2, edge=ERROR_COLOR)
    _label(ax, d2, "δ²", shapes["delta2"])
    _arrow(ax, d2[0] - 0.2, d2[0] - 1.8, yc, tr("bwd.unpool"), tr("bwd.to_argmax"), color=ERROR_COLOR)
    side1, off1 = 1.7, 0.26
    da1 = _sheets(ax, d2[0] - 2.0 - side1 - (F - 1) * off1, yc - 1.2, side1, g["da1"], "error", off1, edge=ERROR_COLOR)
    _label(ax, da1, "∂C/∂a¹", shapes["da1"])
    _arrow(ax, da1[0] - 0.2, da1[0] - 1.7, yc, "⊙ σ′(z¹)", tr("bwd.erratum2"), color=ERROR_COLOR)
    d1 = _sheets(ax, da1[0] - 1.9 - side1 - (F - 1) * off1, yc - 1.2, side1, g["delta1"], "error", off1, edge=ERROR_COLOR)
    _label(ax, d1, "δ¹", shapes["delta1"])
    # the parameters' gradients, below the errors they come from
    start, end = d1[1] - 0.6, d1[1] - 1.45  # below the shape written under δ¹
    off = 0.18
    dw1 = _sheets(ax, d1[0], end - 0.8 - (F - 1) * off, 0.8, g["dW1"][:, 0], "error", off, edge=ERROR_COLOR)
    _branch(ax, (d1[0] + 0.4, start), (d1[0] + 0.4, end), "conv(a⁰, δ¹)")
    _side_label(ax, dw1, "∂C/∂W¹", shapes["dW1"])
    db1 = _vector(ax, d1[0] + 3.5, end - 0.5, 1.0, F, None, values=g["db1"], role="error")
    _branch(ax, (d1[0] + 2.0, start), (db1[0] + 0.16, end), tr("bwd.sum_db1"))
    _side_label(ax, db1, "∂C/∂b¹", shapes["db1"])
    start, end = d4[1] - 0.6, d4[1] - 1.45
    db4 = _vector(ax, d4[0], end - 0.7, 1.4, K, None, values=g["db4"], role="error")
    _branch(ax, (d4[0] + 0.16, start), (d4[0] + 0.16, end), "= δ⁴")
    _side_label(ax, db4, "∂C/∂b⁴", shapes["db4"])
    lim = sym_limit(g["dW4"])
    x0w, y0w, ww, hw = d2[0] + 0.4, end - 0.75, 2.6, 0.7
    ax.imshow(g["dW4"], cmap=CMAPS["error"], vmin=-lim, vmax=lim, extent=(x0w, x0w + ww, y0w, y0w + hw), aspect="auto",
              interpolation="nearest", zorder=2)
    ax.add_patch(Rectangle((x0w, y0w), ww, hw, fill=False, edgecolor=ERROR_COLOR, lw=3, zorder=4))
    _branch(ax, (d4[0] - 0.1, start), (x0w + ww + 0.1, y0w + hw / 2), "δ⁴ (a³)ᵀ", at=(x0w + ww + 0.55, y0w + 0.1))
    _side_label(ax, (x0w - 0.15 - 1.25, y0w, x0w - 1.4, y0w + hw), "∂C/∂W⁴", shapes["dW4"])
    fig.shapes_drawn = shapes
    return fig


# --- S8: the MLP and its indices -----------------------------------------------------------------


def _neuron(ax, x, y, r, text, color, lw=3, fill="white"):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), r, facecolor=fill, edgecolor=color, lw=lw, zorder=4))
    ax.text(x, y, text, ha="center", va="center", fontsize=NAME_SIZE - 4, color=TEXT_COLOR, zorder=5)


def mlp_figure(sizes=(3, 4, 2), layer: int = 2, j: int = 3, k: int = 2):
    """A small MLP (S8) with the w^l_jk convention: one weight highlighted, biases b^l_j, activations a^l_j, z^l_j.

    sizes: neurons per layer, layers numbered 1.. from the input (2 to 4 layers of 1 to 5 neurons);
    the highlighted weight w^layer_jk goes from neuron k of layer - 1 to neuron j of layer
    (indices from 1, as in the article). Returns the Figure.
    """
    fn = "mlp_figure"
    if isinstance(sizes, np.ndarray) and sizes.ndim == 1:
        sizes = tuple(sizes.tolist())
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(f"{fn}: sizes must be a tuple of neuron counts per layer, e.g. (3, 4, 2), got {type(sizes).__name__}")
    sizes = tuple(check_int(n, "sizes", fn, -(2**62), 2**62) for n in sizes)
    layer, j, k = (check_int(v, name, fn, -(2**62), 2**62) for v, name in ((layer, "layer"), (j, "j"), (k, "k")))
    if not 2 <= len(sizes) <= 4 or not all(1 <= n <= 5 for n in sizes):
        raise ValueError(f"mlp_figure: sizes={sizes}; expected 2 to 4 layers of 1 to 5 neurons each")
    if not 2 <= layer <= len(sizes):
        raise ValueError(f"mlp_figure: layer={layer}, expected 2..{len(sizes)} (layer 1 is the input: it has no weights)")
    if not (1 <= j <= sizes[layer - 1] and 1 <= k <= sizes[layer - 2]):
        raise ValueError(f"mlp_figure: w^{layer}_jk with j={j}, k={k} does not exist; layer {layer} has "
                         f"{sizes[layer - 1]} neurons (j) and layer {layer - 1} has {sizes[layer - 2]} (k), counted from 1")
    W, H = 15.0, 8.2
    fig = new_figure(W, H)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.set_aspect("equal")
    ax.axis("off")
    r, gap, yc = 0.5, 1.45, 4.45
    xs = np.linspace(1.5, 10.2, len(sizes))
    ys = [yc + ((n - 1) / 2 - np.arange(n)) * gap for n in sizes]  # neuron 1 on top
    zh = get_language() == "zh"  # Chinese text cannot sit inside mathtext: the symbols go Unicode
    ax.text(0.15, H - 0.15, tr("mlp.header"),
            ha="left", va="top", fontsize=HEADER_SIZE + 4, color=TEXT_COLOR)
    for L in range(1, len(sizes)):  # the weights into layer L + 1
        for a in range(sizes[L]):
            for b in range(sizes[L - 1]):
                hot = (L + 1, a + 1, b + 1) == (layer, j, k)
                ax.plot([xs[L - 1] + r, xs[L] - r], [ys[L - 1][b], ys[L][a]], color=KERNEL_COLOR if hot else "#B5B5B5",
                        lw=6 if hot else 1.6, zorder=3 if hot else 1, solid_capstyle="round")
    for L, n in enumerate(sizes, start=1):
        for t in range(n):
            hot = (L == layer - 1 and t + 1 == k) or (L == layer and t + 1 == j)
            color = INPUT_COLOR if L == 1 else OUTPUT_COLOR
            _neuron(ax, xs[L - 1], ys[L - 1][t], r, f"$a^{L}_{t + 1}$", color, lw=5 if hot else 2.5,
                    fill="#FFF1D6" if hot else "white")
            if L > 1:  # the bias: one number per neuron, added to its weighted input
                ax.text(xs[L - 1], ys[L - 1][t] + r + 0.06, f"$+b^{L}_{t + 1}$", ha="center", va="bottom",
                        fontsize=TITLE_SIZE, color=TEXT_COLOR, zorder=6,
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        what = tr("mlp.input") if L == 1 else (tr("mlp.output") if L == len(sizes) else tr("mlp.hidden"))
        if zh:
            rel = {layer - 1: "l−1", layer: "l"}.get(L, f"l{L - layer:+d}".replace("-", "−"))
        else:
            rel = {layer - 1: "$l-1$", layer: "$l$"}.get(L, f"$l{L - layer:+d}$".replace("+", "+\\,").replace("-", "-\\,"))
        ax.text(xs[L - 1], ys[L - 1][-1] - r - 0.35, tr("mlp.layer", L=L, what=what, rel=rel), ha="center", va="top",
                fontsize=TITLE_SIZE + 1, color=TEXT_COLOR, linespacing=1.3)
    # the highlighted weight: its name on the line, then what the indices say
    (x0, y0), (x1, y1) = (xs[layer - 2] + r, ys[layer - 2][k - 1]), (xs[layer - 1] - r, ys[layer - 1][j - 1])
    ax.text(x0 + 0.5 * (x1 - x0), y0 + 0.5 * (y1 - y0), f"$w^{layer}_{{{j}{k}}}$", ha="center", va="center",
            fontsize=NAME_SIZE + 2, color=KERNEL_COLOR, zorder=7, weight="bold",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": KERNEL_COLOR, "lw": 2})
    xt = xs[-1] + 1.1
    sym = {"layer_sup": _sup(layer), "prev_sup": _sup(layer - 1), "j_sub": _sub(j), "k_sub": _sub(k)}
    ax.text(xt, yc + 2.3, tr("mlp.weight", layer=layer, j=j, k=k, prev=layer - 1, **sym),
            ha="left", va="top", fontsize=TITLE_SIZE + 2, color=TEXT_COLOR, linespacing=1.45)
    ax.text(xt, yc - 0.35, tr("mlp.neuron", layer=layer, j=j, prev=layer - 1, **sym), ha="left", va="top",
            fontsize=TITLE_SIZE + 2, color=TEXT_COLOR, linespacing=1.6)
    return fig


# --- S14: the table -------------------------------------------------------------------------------

_ROWS = [  # the words are catalogue keys (bplib.viz.catalogue), the equations are drawn as they are
    ("table.bp2", "$\\delta^l = ((W^{l+1})^T\\,\\delta^{l+1})$\n$\\odot\\, \\sigma'(z^l)$",
     "$\\delta^l = \\mathrm{conv\\_full}(\\delta^{l+1}, \\mathrm{rot180}(W^{l+1}))$\n$\\odot\\, \\sigma'(z^l)$",
     "table.bp2_idea"),
    ("table.bp4", r"$\dfrac{\partial C}{\partial W^l} = \delta^l\,(a^{l-1})^T$",
     r"$\dfrac{\partial C}{\partial W^l} = \mathrm{conv}(a^{l-1}, \delta^l)$",
     "table.bp4_idea"),
    ("table.bp3", r"$\dfrac{\partial C}{\partial b^l} = \delta^l$",
     r"$\dfrac{\partial C}{\partial b^l_f} = \sum_{i,j}\, \delta^l_{f,i,j}$",
     "table.bp3_idea"),
]


# The footnote: BP2 for any stride and padding, step by step as bplib.conv.bp2_full_conv computes it.
BP2_GENERAL_NOTE = tr("table.note", lang="en")  # in the current language: tr("table.note")


def bp_table_figure():
    """The MLP-vs-CNN comparison of BP2, BP4, BP3 (S14), as a picture with large type."""
    fig = new_figure(18, 8.2)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 18)
    ax.set_ylim(8.2, 0)
    ax.axis("off")
    cols = [0.2, 2.95, 7.05, 12.75, 17.8]  # column edges
    heads = ["", tr("table.mlp"), tr("table.cnn"), tr("table.idea")]
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
            text = tr(text) if n in (0, 3) else text
            size = HEADER_SIZE + (2 if n in (1, 2) else 0)
            ax.text((cols[n] + cols[n + 1]) / 2, y + h / 2, text, ha="center", va="center", fontsize=size,
                    color=ERROR_COLOR if n == 0 else TEXT_COLOR, linespacing=1.35, weight="bold" if n == 0 else "normal")
    for yy in (top, top + len(_ROWS) * h):
        ax.plot([cols[0], cols[-1]], [yy, yy], color=TEXT_COLOR, lw=2)
    for x in cols[1:-1]:
        ax.plot([x, x], [top - 0.75, top + len(_ROWS) * h], color="#9A9A9A", lw=1)
    ax.text(cols[0], top + len(_ROWS) * h + 0.45, tr("table.note"), ha="left", va="top", fontsize=TITLE_SIZE,
            color=TEXT_COLOR, linespacing=1.4)
    return fig
