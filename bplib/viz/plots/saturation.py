"""Why softmax + cross-entropy does not saturate: the output error against the weighted input (S8).

One output neuron with target y: under the quadratic cost with a sigmoid output its error
is (σ(z) − y)·σ′(z), which dies away when the neuron is confidently wrong; under
cross-entropy (a two-class softmax is a sigmoid of the logit difference) it is σ(z) − y.
"""

from __future__ import annotations

import numpy as np

from ...layers import sigmoid, sigmoid_prime
from ..catalogue import t
from ..palette import ERROR_COLOR, INPUT_COLOR, TEXT_COLOR


def output_errors(z, target: float = 1.0) -> dict:
    """The two output errors of one neuron at weighted inputs z.

    z: (M,) weighted inputs; target: y in [0, 1].
    Returns {"quadratic": (σ(z) − y) σ′(z), "cross_entropy": σ(z) − y}, each (M,).
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1 or z.size < 2 or not np.all(np.isfinite(z)):
        raise ValueError(f"output_errors: z must be a 1-D array of at least 2 finite numbers, got shape {z.shape}")
    if not 0.0 <= float(target) <= 1.0:
        raise ValueError(f"output_errors: target must lie in [0, 1], got {target!r}")
    a = sigmoid(z)
    return {"quadratic": (a - target) * sigmoid_prime(z), "cross_entropy": a - target}


def draw_output_error(ax, z, target: float = 1.0, mark=None) -> dict:
    """Draw both output errors of one neuron against z on ax; optionally mark one z with dots.

    z: (M,) weighted inputs, increasing; target: y in [0, 1]; mark: a z value or None.
    Returns the artists: {"quadratic", "cross_entropy", "zero"} lines and, with mark, "marks" and "labels".
    """
    errors = output_errors(z, target)
    z = np.asarray(z, dtype=np.float64)
    if np.any(np.diff(z) <= 0):
        raise ValueError(f"draw_output_error: z must be increasing, got shape {z.shape} with a step <= 0")
    artists = {
        "quadratic": ax.plot(z, errors["quadratic"], color=INPUT_COLOR, lw=3,
                             label=t("saturation.quadratic"))[0],
        "cross_entropy": ax.plot(z, errors["cross_entropy"], color=ERROR_COLOR, lw=3,
                                 label=t("saturation.cross_entropy"))[0],
        "zero": ax.axhline(0.0, color=TEXT_COLOR, lw=0.8),
    }
    if mark is not None:
        m = output_errors(np.array([float(mark), float(mark) + 1.0]), target)
        values = [m["quadratic"][0], m["cross_entropy"][0]]
        artists["marks"] = ax.plot([mark, mark], values, "o", color=TEXT_COLOR, ms=8)[0]
        artists["labels"] = [ax.annotate(f"{v:+.4f}", (mark, v), textcoords="offset points", xytext=(10, 6 - 14 * k))
                             for k, v in enumerate(values)]
    ax.set_xlabel(t("saturation.xlabel"))
    ax.set_ylabel(t("saturation.ylabel"))
    ax.set_title(t("saturation.title", target=target))
    ax.legend(loc="center right")
    return artists
