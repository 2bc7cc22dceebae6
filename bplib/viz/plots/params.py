"""Drawing where a network keeps its parameters (S15, notebook 12): the fully connected share, one bar per network."""

from __future__ import annotations

import numpy as np

from ..catalogue import t
from ..palette import KERNEL_COLOR, OUTPUT_COLOR

__all__ = ["draw_fc_shares"]


def draw_fc_shares(ax, shares: dict, highlight=(), reference: float | None = 0.9,
                   reference_label: str | None = None) -> list:
    """Horizontal bars: the share of each network's parameters in its fully connected layers, written beside each bar.

    shares: {network name: fraction in [0, 1]} (M entries, drawn top to bottom); names in
    highlight get the kernel colour; reference draws a dotted line at that fraction (None: none),
    labelled reference_label (default: "the article's 90%" in the current language).
    Returns the bars, then the value texts.
    """
    fn = "draw_fc_shares"
    if not isinstance(shares, dict) or not shares:
        raise ValueError(f"{fn}: shares must be a non-empty dict {{name: fraction}}, got {shares!r:.80}")
    values = np.array([float(v) for v in shares.values()])
    if not np.all((values >= 0) & (values <= 1)):
        raise ValueError(f"{fn}: shares {np.round(values, 3).tolist()} must be fractions between 0 and 1")
    unknown = set(highlight) - set(shares)
    if unknown:
        raise ValueError(f"{fn}: highlight names {sorted(unknown)} are not among the networks {list(shares)}")
    names = list(shares)
    bars = ax.barh(names, values, color=[KERNEL_COLOR if n in highlight else OUTPUT_COLOR for n in names])
    texts = [ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, f"{v:.1%}", va="center", fontsize=15)
             for bar, v in zip(bars, values)]
    if reference is not None:
        ax.axvline(reference, color="grey", ls=":", lw=2)
        label = t("params.reference") if reference_label is None else reference_label
        texts.append(ax.text(reference, -0.75, label, ha="center", fontsize=13, color="grey"))
    ax.set_xlim(0, 1.12)
    ax.set_xlabel(t("params.xlabel"))
    ax.invert_yaxis()
    return list(bars) + texts
