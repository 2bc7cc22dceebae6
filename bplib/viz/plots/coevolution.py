"""Pictures of training epoch by epoch (S6): kernels, how much each layer changes, the head's input, mixed networks.

    draw_kernel_epochs(axes, W1)                        one row per kernel, one column per snapshot
    plot_layer_change(ax_change, ax_turn, change, turn) relative change per layer, turn of each kernel, per epoch
    plot_feature_bands(axes, features)                  median / 90th / 99th percentile and mean of each channel
    draw_mix_matrix(ax, mix)                            accuracy of kernels from epoch i with the head of epoch j
    plot_shift_changes(ax, changes)                     relative change of each layer against the shift

Every function takes the axes to draw on and returns the artists it drew.
"""

from __future__ import annotations

import numpy as np

from ..._checks import as_float_array
from ..catalogue import t
from ..palette import CMAPS, ERROR_COLOR, INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR

__all__ = ["draw_kernel_epochs", "plot_layer_change", "plot_feature_bands", "draw_mix_matrix", "plot_shift_changes"]

LAYER_STYLES = [(INPUT_COLOR, "o-", 2.5, 9), (OUTPUT_COLOR, "s-", 2.5, 9), (ERROR_COLOR, "x--", 1.8, 12),
                (KERNEL_COLOR, "^:", 2.5, 9)]


def _grid(axes, shape, fn):
    axes = np.asarray(axes)
    if axes.shape != shape:
        raise ValueError(f"{fn}: axes must be a {shape} grid, got {axes.shape}")
    return axes


def draw_kernel_epochs(axes, W1) -> list:
    """W1 (E, F, 1, KH, KW): the F kernels after each of E snapshots; axes: an (F, E) grid.

    One colour scale for every panel, centred on 0 (orange positive, grey negative). Returns the images drawn.
    """
    fn = "draw_kernel_epochs"
    W1 = as_float_array(W1, "W1", fn, ndim=5, nonempty=True)
    E, F = W1.shape[:2]
    axes = _grid(axes, (F, E), fn)
    limit = float(np.abs(W1).max()) or 1.0
    images = []
    for e in range(E):
        for f in range(F):
            ax = axes[f, e]
            images.append(ax.imshow(W1[e, f, 0], cmap=CMAPS["kernel"], vmin=-limit, vmax=limit))
            ax.set_xticks([])
            ax.set_yticks([])
            if f == 0:
                ax.set_title(t("coevo.epoch", e=e))
            if e == 0:
                ax.set_ylabel(t("coevo.kernel", f=f))
    return images


def plot_layer_change(ax_change, ax_turn, change: dict, turn) -> list:
    """change: label -> relative change per epoch (E,); turn (E, F): degrees each kernel's pattern turned per epoch.

    Percentages on ax_change, degrees on ax_turn, epochs 1..E on both x axes. Returns the lines drawn.
    """
    fn = "plot_layer_change"
    turn = as_float_array(turn, "turn", fn, ndim=2, nonempty=True)
    epochs = np.arange(1, turn.shape[0] + 1)
    if not isinstance(change, dict) or not 1 <= len(change) <= 2:
        raise ValueError(f"{fn}: change must be a dict of one or two curves (label -> values), got {change!r:.60}")
    lines = []
    for (label, values), colour, marker in zip(change.items(), (KERNEL_COLOR, OUTPUT_COLOR), "os"):
        if len(values) != len(epochs):
            raise ValueError(f"{fn}: change[{label!r}] has {len(values)} values for {len(epochs)} epochs")
        lines += ax_change.plot(epochs, 100 * np.asarray(values), marker + "-", color=colour, lw=2.5, label=label)
    ax_change.set_ylabel(t("coevo.relative_change"))
    ax_change.set_title(t("coevo.change_title"))
    for f, marker in zip(range(turn.shape[1]), "o^sD"):
        lines += ax_turn.plot(epochs, turn[:, f], marker + "-", color=KERNEL_COLOR, lw=2, alpha=1 - 0.25 * f,
                              label=t("coevo.kernel", f=f))
    ax_turn.set_ylabel(t("coevo.degrees"))
    ax_turn.set_title(t("coevo.turn_title"))
    for ax in (ax_change, ax_turn):
        ax.set_xlabel(t("coevo.epoch_axis"))
        ax.set_ylim(0, None)
        ax.set_xticks(epochs)
        ax.legend()
    return lines


def plot_feature_bands(axes, features) -> list:
    """features (E, N, C, P): each channel's P values for N images after each of E snapshots; one Axes per channel.

    Shaded bands from the median to the 90th and 99th percentiles, the median, and the mean. Returns the artists.
    """
    fn = "plot_feature_bands"
    features = as_float_array(features, "features", fn, ndim=4, nonempty=True)
    E, _, C, _ = features.shape
    axes = _grid(axes, (C,), fn)
    all_epochs = np.arange(E)
    artists = []
    for c, ax in enumerate(axes):
        values = features[:, :, c].reshape(E, -1)
        q50, q90, q99 = np.percentile(values, [50, 90, 99], axis=1)
        artists.append(ax.fill_between(all_epochs, q50, q99, color=OUTPUT_COLOR, alpha=0.18, label=t("coevo.band99")))
        artists.append(ax.fill_between(all_epochs, q50, q90, color=OUTPUT_COLOR, alpha=0.35, label=t("coevo.band90")))
        artists += ax.plot(all_epochs, q50, color=OUTPUT_COLOR, lw=2, label=t("coevo.median"))
        artists += ax.plot(all_epochs, values.mean(axis=1), "o--", color="black", lw=1.5, label=t("coevo.mean"))
        ax.set_title(t("coevo.channel", c=c))
        ax.set_xlabel(t("coevo.epoch_axis"))
    axes[0].set_ylabel(t("coevo.feature_value"))
    axes[0].legend(loc="upper left", fontsize=12)
    return artists


def draw_mix_matrix(ax, mix, low: float = 0.75, high: float = 0.95) -> list:
    """mix (E, E): accuracy of kernels from epoch i (rows) with the head of epoch j (columns), as numbers on colours.

    White at (low + high) / 2, green above, grey below; the diagonal (the real networks) in bold. Returns the artists.
    """
    fn = "draw_mix_matrix"
    mix = as_float_array(mix, "mix", fn, ndim=2, nonempty=True)
    if mix.shape[0] != mix.shape[1]:
        raise ValueError(f"{fn}: mix must be square (epochs x epochs), got {mix.shape}")
    artists = [ax.imshow(mix, cmap=CMAPS["output"], vmin=low, vmax=high)]
    mid = (low + high) / 2
    for (i, j), v in np.ndenumerate(mix):
        light = abs(v - mid) < 0.35 * (high - low)  # pale cell: black ink; deep green or grey: white ink
        artists.append(ax.text(j, i, f"{v:.1%}", ha="center", va="center", fontsize=13,
                               fontweight="bold" if i == j else "normal", color="black" if light else "white"))
    ticks = np.arange(mix.shape[0])
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel(t("coevo.mix_head"))
    ax.set_ylabel(t("coevo.mix_kernels"))
    ax.set_title(t("coevo.mix_title"))
    return artists


def plot_shift_changes(ax, changes: dict, labels) -> list:
    """changes: shift s (1, 2, ...) -> relative change of each layer (one value per label); 0 at shift 0.

    One line per label (up to four). Returns the lines drawn.
    """
    fn = "plot_shift_changes"
    labels = list(labels)
    if not isinstance(changes, dict) or not changes or not 1 <= len(labels) <= len(LAYER_STYLES):
        raise ValueError(f"{fn}: changes must map shifts to values for 1 to {len(LAYER_STYLES)} labels")
    shifts = [0, *sorted(changes)]
    for s, values in changes.items():
        if len(values) != len(labels):
            raise ValueError(f"{fn}: changes[{s}] has {len(values)} values for {len(labels)} labels")
    lines = []
    for i, (label, (colour, style, lw, ms)) in enumerate(zip(labels, LAYER_STYLES)):
        values = [0.0] + [100 * changes[s][i] for s in shifts[1:]]
        lines += ax.plot(shifts, values, style, color=colour, lw=lw, ms=ms, label=label)
    ax.set_xlabel(t("coevo.shift_axis"))
    ax.set_ylabel(t("coevo.relative_change"))
    ax.set_xticks(shifts)
    ax.set_title(t("coevo.shift_title"))
    ax.legend()
    return lines
