"""The static figures built from maps: poolings (S3), GAP vs flatten (S7), the matrix C (S14),
receptive fields (S15), dropout masks (S15).

Each ``*_figure(...)`` returns a matplotlib Figure drawn with bplib.viz's panels and
palette (the explorer drawings of bplib.viz.matrix and bplib.viz.receptive where there is an explorer), from
numbers computed by the core; bplib.figures saves them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .._checks import check_int, check_real
from ..pool import avgpool2d_forward, l2pool2d_forward, maxpool2d_forward
from ..receptive import _check_layers, _sizes, receptive_fields
from ..regularize import channel_dropout_forward, dropblock_forward, dropout_forward
from ..steps.base import fmt_number
from ..steps.explorers import conv_matrix_steps, receptive_field_state
from ..viz.catalogue import t
from ..viz.matrix import draw_conv_matrix, matrix_panel
from ..viz.palette import ACCENT_COLOR, HEADER_SIZE, HIGHLIGHT_COLOR, INPUT_COLOR, KERNEL_COLOR, TEXT_COLOR, TITLE_SIZE
from ..viz.panels import MapPanel, _values, check_drawable, new_figure, sym_limit
from ..viz.receptive import MAX_LAYERS, draw_receptive_field

__all__ = ["poolings_figure", "gap_vs_flatten_figure", "conv_matrix_figure", "receptive_field_figure",
           "dropout_masks_figure"]


def _header(fig, text: str, size: float = HEADER_SIZE) -> None:
    fig.text(0.01, 0.985, text, ha="left", va="top", fontsize=size, color=TEXT_COLOR)


# --- S3: three poolings of one map -------------------------------------------------------------


def poolings_figure(x, size: int = 2):
    """Max, average and L2 pooling of one map x (H, W), side by side, every number shown. size: the window, 1..min(H, W)."""
    fn = "poolings_figure"
    x = _values(fn, x, "x", nan=False)
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(f"{fn}: x must be one map (H, W) with H, W >= 1, got x.shape={x.shape}")
    check_drawable(fn, x_map=x.shape)
    size = check_int(size, "size", fn, 1, min(x.shape))
    x = np.asarray(x, dtype=float)
    H, W = x.shape
    results = [(t("pool.max"), maxpool2d_forward, "max"), (t("pool.avg"), avgpool2d_forward, "mean"),
               (t("pool.l2"), l2pool2d_forward, "√Σx²")]
    pooled = [(name, fn(x[None, None], size)[0][0, 0], how) for name, fn, how in results]
    fig = new_figure(16, 5.4)
    _header(fig, t("pool.header", H=H, W=W, size=size))
    gs = fig.add_gridspec(2, 4, width_ratios=[1.5, 1, 1, 1], height_ratios=[4, 1.1], left=0.02, right=0.98, top=0.8,
                          bottom=0.02, wspace=0.25, hspace=0.1)
    lim = sym_limit(x, *[p for _, p, _ in pooled])
    inp = MapPanel(fig.add_subplot(gs[0, 0]), (H, W), "input", lim, t("pool.input"), numbers=True)
    inp.update(x)
    for i in range(0, H - size + 1, size):
        for j in range(0, W - size + 1, size):
            inp.add_box(f"w{i}{j}", HIGHLIGHT_COLOR, lw=2.5, ls="--")
            inp.set_box(f"w{i}{j}", i, j, size, size)
    win = x[:size, :size].ravel()
    first = ", ".join(fmt_number(v) for v in win)
    for n, (name, y, how) in enumerate(pooled):
        p = MapPanel(fig.add_subplot(gs[0, n + 1]), y.shape, "output", lim, name, numbers=True)
        p.update(y)
        p.add_box("first", HIGHLIGHT_COLOR, lw=4)
        p.set_box("first", 0, 0, 1, 1)
        formula = {"max": f"max({first})", "mean": f"({' + '.join(fmt_number(v) for v in win)}) / {win.size}",
                   "√Σx²": f"√({' + '.join(fmt_number(v) + '²' for v in win)})"}[how]
        note = fig.add_subplot(gs[1, n + 1])
        note.axis("off")
        note.text(0.5, 0.5, f"{formula}\n= {fmt_number(y[0, 0])}", ha="center", va="center", fontsize=TITLE_SIZE - 1,
                  color=TEXT_COLOR, linespacing=1.3, transform=note.transAxes)
    arg = maxpool2d_forward(x[None, None], size)[1].arg[0, 0]  # the winner u*size + v of each window
    for (i, j), a in np.ndenumerate(arg):  # the cells max pooling keeps (and unpooling sends the error back to)
        r, c = i * size + a // size, j * size + a % size
        inp.add_box(f"max{i}{j}", ACCENT_COLOR, lw=4)
        inp.set_box(f"max{i}{j}", r, c, 1, 1)
    note = fig.add_subplot(gs[1, 0])
    note.axis("off")
    note.text(0.0, 0.5, t("pool.note"), ha="left", va="center",
              fontsize=TITLE_SIZE - 1, color=TEXT_COLOR, linespacing=1.3, transform=note.transAxes)
    return fig


# --- S7: GAP head vs flatten head ---------------------------------------------------------------


def _stack_label(label: str) -> str:
    """A stack's label in the current language: a catalogue key ("gap.stack_article") or a label to show as it is."""
    try:
        return t(label)
    except KeyError:
        return label


def gap_vs_flatten_figure(stacks, n_classes: int = 10):
    """Parameters of the classifier head after flatten vs after global average pooling, per feature stack (C, H, W).

    stacks: 1 to 6 pairs (label, (C, H, W)), label a catalogue key or a text; n_classes 1..1000.
    """
    fn = "gap_vs_flatten_figure"
    if not isinstance(stacks, (tuple, list)) or not 1 <= len(stacks) <= 6:
        raise TypeError(f"{fn}: stacks must be a tuple of 1 to 6 pairs (label, (C, H, W)), got {stacks!r:.80}")
    n_classes = check_int(n_classes, "n_classes", fn, 1, 1000)
    for n, stack in enumerate(stacks):
        if not isinstance(stack, (tuple, list)) or len(stack) != 2 or not isinstance(stack[0], str) \
                or not isinstance(stack[1], (tuple, list)) or len(stack[1]) != 3:
            raise TypeError(f"{fn}: stacks[{n}] must be a pair (label, (C, H, W)) with label a str, got {stack!r:.80}")
        C, H, W = (check_int(v, f"stacks[{n}] C, H, W", fn, 1, 10**6) for v in stack[1])
        if C * H * W * n_classes + n_classes >= 1e7:
            raise ValueError(f"{fn}: stacks[{n}] = {C}x{H}x{W} with {n_classes} classes needs "
                             f"{C * H * W * n_classes + n_classes:,} weights, beyond the chart's 10^7")
    fig = new_figure(14, 6.6)
    _header(fig, t("gap.header", n=n_classes))
    ax = fig.add_axes((0.08, 0.16, 0.9, 0.68))
    for n, (_, (C, H, W)) in enumerate(stacks):
        flat, gap = C * H * W * n_classes + n_classes, C * n_classes + n_classes
        for dx, value, color, what in ((-0.2, flat, KERNEL_COLOR, f"{C * H * W}·{n_classes} + {n_classes}"),
                                       (0.2, gap, INPUT_COLOR, f"{C}·{n_classes} + {n_classes}")):
            ax.bar(n + dx, value, width=0.36, color=color, edgecolor=TEXT_COLOR, lw=1.5)
            ax.text(n + dx, value * 1.25, f"{value:,}\n= {what}", ha="center", va="bottom", fontsize=TITLE_SIZE,
                    color=TEXT_COLOR, linespacing=1.25)
    ax.set_yscale("log")
    ax.set_ylim(1, 1e7)
    ax.set_xlim(-0.6, len(stacks) - 0.4)
    ticks = [t("gap.tick", label=_stack_label(label), C=C, H=H, W=W, ratio=(C * H * W + 1) / (C + 1))
             for label, (C, H, W) in stacks]
    ax.set_xticks(range(len(stacks)), ticks, fontsize=TITLE_SIZE + 1)
    ax.tick_params(axis="y", labelsize=TITLE_SIZE - 2)
    ax.set_ylabel(t("gap.ylabel"), fontsize=TITLE_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend([Patch(facecolor=KERNEL_COLOR, edgecolor=TEXT_COLOR), Patch(facecolor=INPUT_COLOR, edgecolor=TEXT_COLOR)],
              [t("gap.flatten_legend"), t("gap.gap_legend")], loc="upper right", fontsize=TITLE_SIZE, frameon=False)
    return fig


# --- S14: the matrix C and Cᵀ ---------------------------------------------------------------------


def conv_matrix_figure(w, input_hw, selected: int = 1, stride: int = 1, padding: int = 0):
    """C of a small convolution (the explorer's C view, row `selected` outlined) beside Cᵀ (its column outlined)."""
    steps = conv_matrix_steps(w, input_hw, stride, padding)
    selected = check_int(selected, "selected", "conv_matrix_figure", 0, steps.n_steps - 1)
    fig = new_figure(16, 8.2)
    left, right = fig.subfigures(1, 2, width_ratios=[3.2, 1], wspace=0.0)
    draw_conv_matrix(left, steps.state(selected), steps).step_text.set_text("")  # no slider on paper
    K, R = steps.matrix.T.shape
    gs = right.add_gridspec(1, 1, left=0.08, right=0.95, top=0.82, bottom=0.03)
    panel = matrix_panel(right.add_subplot(gs[0, 0]), steps, True, f"Cᵀ ({K} × {R})")
    panel.add_box("col", lw=4)
    panel.set_box("col", 0, selected, K, 1)
    right.text(0.5, 0.985, t("cm.backward", k=selected), ha="center", va="top",
               fontsize=TITLE_SIZE + 1, color=TEXT_COLOR, linespacing=1.3)
    return fig


# --- S15: receptive fields ------------------------------------------------------------------------


def receptive_field_figure(layers, input_size: int):
    """The explorer's picture of the deepest centre neuron, and r by depth: closed form vs traced.

    layers: 1 to MAX_LAYERS Layer(kind, kernel, stride, padding) (or tuples); input_size S (a square input, S <= MAX_SIDE).
    """
    fn = "receptive_field_figure"
    layers = _check_layers(layers, fn)
    if not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"{fn}: {len(layers)} layers; the figure shows 1 to {MAX_LAYERS}")
    input_size = check_int(input_size, "input_size", fn, 1)
    check_drawable(fn, input_map=(input_size, input_size))
    _sizes(layers, input_size, fn)  # every layer's map must exist
    L = len(layers)
    fig = new_figure(14, 9.6)
    top, bottom = fig.subfigures(2, 1, height_ratios=[6, 3.6], hspace=0.0)
    rfs = receptive_fields(layers)
    state = receptive_field_state(layers, input_size, L, (0, 0))
    centre = state.sizes[L] // 2
    state = receptive_field_state(layers, input_size, L, (centre, centre))
    draw_receptive_field(top, state).step_text.set_text("")  # no slider on paper
    traced, names = [], [t("rfig.input")]
    for d in range(L + 1):  # the centre neuron of each depth, so no border cuts its field
        c = state.sizes[d] // 2
        traced.append(receptive_field_state(layers, input_size, d, (c, c)).traced_size[0])
        if d:
            kind = layers[d - 1].kind
            kind = t(f"rf.kind_{kind}") if kind in ("conv", "pool") else kind
            names.append(f"{kind} {layers[d - 1].kernel}/{layers[d - 1].stride}")
    ax = bottom.add_axes((0.08, 0.2, 0.6, 0.72))
    ax.plot(range(L + 1), [rf.size for rf in rfs], color=TEXT_COLOR, lw=3, label=t("rfig.closed"))
    ax.plot(range(L + 1), traced, ls="none", marker="o", ms=16, mfc="none", mec=ACCENT_COLOR, mew=3,
            label=t("rfig.traced"))
    for d, r in enumerate(traced):
        ax.text(d, r + 0.8, str(r), ha="center", va="bottom", fontsize=TITLE_SIZE, color=TEXT_COLOR)
    ax.set_xticks(range(L + 1), names, fontsize=TITLE_SIZE - 2)
    ax.tick_params(axis="y", labelsize=TITLE_SIZE - 2)
    ax.set_ylabel(t("rfig.ylabel"), fontsize=TITLE_SIZE)
    ax.set_ylim(0, max(traced) * 1.35 + 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", fontsize=TITLE_SIZE - 1, frameon=False)
    bottom.text(0.71, 0.55, t("rfig.note"), ha="left", va="center", fontsize=TITLE_SIZE, color=TEXT_COLOR,
                linespacing=1.35)
    return fig


# --- S15: dropout masks -----------------------------------------------------------------------------


def dropout_masks_figure(maps, seed: int = 0, p: float = 0.3, block: int = 3):
    """Dropout, channel dropout and DropBlock masks on the same feature maps (C, H, W); dropped cells black.

    Each mask comes from its own np.random.default_rng(seed), so each is reproducible alone.
    maps (C, H, W) with C <= MAX_CHANNELS; seed >= 0; p in [0, 1); block 1..min(H, W).
    """
    fn = "dropout_masks_figure"
    maps = _values(fn, maps, "maps", nan=False)
    if maps.ndim != 3 or 0 in maps.shape:
        raise ValueError(f"{fn}: maps must be feature maps (C, H, W) with every axis >= 1, got maps.shape={maps.shape}")
    check_drawable(fn, maps_map=maps.shape, maps_channels=maps.shape[0])
    seed = check_int(seed, "seed", fn, 0)
    p = check_real(p, "p", fn, 0.0, 1.0)
    if p >= 1.0:
        raise ValueError(f"{fn}: p must be in [0, 1) (the probability of dropping), got p={p}")
    block = check_int(block, "block", fn, 1, min(maps.shape[1:]))
    x = np.asarray(maps, dtype=float)[None]
    C, H, W = x.shape[1:]

    def rng():
        return np.random.default_rng(seed)

    kinds = [("dropout", dropout_forward(x, p, rng())[1].mask, t("drop.dropout", p=p)),
             ("channel", channel_dropout_forward(x, p, rng())[1].mask, t("drop.channel", p=p)),
             ("block", dropblock_forward(x, block, p, rng())[1].mask, t("drop.block", b=block, p=p))]
    fig = new_figure(14, 2.2 + 3.0 * C)
    _header(fig, t("drop.header", C=C, H=H, W=W))
    gs = fig.add_gridspec(C, 4, left=0.02, right=0.98, top=(0.86 if C > 2 else 0.8), bottom=0.04, hspace=0.22, wspace=0.12)
    dropped = ListedColormap([(0, 0, 0, 1)]).with_extremes(bad=(0, 0, 0, 0))
    for c in range(C):
        lim = sym_limit(x[0, c])  # each map at its own scale, as a diagram of where the drops fall
        p0 = MapPanel(fig.add_subplot(gs[c, 0]), (H, W), "input", lim, t("drop.feature_map") + f"[{c}]", numbers=False)
        p0.update(x[0, c])
        for n, (_, mask, title) in enumerate(kinds):
            panel = MapPanel(fig.add_subplot(gs[c, n + 1]), (H, W), "input", lim, title if c == 0 else "", numbers=False)
            panel.update(x[0, c])
            panel.ax.imshow(np.ma.masked_where(mask[0, c] > 0, np.zeros((H, W))), cmap=dropped, interpolation="nearest",
                            zorder=2)
            panel.ax.set_xlabel(t("drop.kept", frac=mask[0, c].mean()), fontsize=TITLE_SIZE - 1, labelpad=2)
    return fig
