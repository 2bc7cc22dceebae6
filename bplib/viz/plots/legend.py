"""The course's colour legend (notebook 00): each role's colour map, with numbers on the cells.

    draw_palette_legend(axes, roles)   one strip per role: -1 .. +1 in the role's map, what the role stands for
"""

from __future__ import annotations

import numpy as np

from ..catalogue import TEXT, t
from ..palette import CMAPS
from ..panels import text_colors

__all__ = ["draw_palette_legend"]


def draw_palette_legend(axes, roles, n_values: int = 5) -> list:
    """roles: [(role, meaning)] with role in CMAPS; one Axes per role, a strip of n_values from -1 to +1.

    Each cell shows its value in black or white, whichever reads better; 0 is white. Returns the artists drawn.
    """
    fn = "draw_palette_legend"
    roles = list(roles)
    if len(axes) != len(roles):
        raise ValueError(f"{fn}: {len(roles)} roles need {len(roles)} axes, got {len(axes)}")
    unknown = [role for role, _ in roles if role not in CMAPS]
    if unknown:
        raise ValueError(f"{fn}: unknown role(s) {unknown}; the roles are {sorted(CMAPS)}")
    if isinstance(n_values, bool) or not isinstance(n_values, int) or n_values < 3 or n_values % 2 == 0:
        raise ValueError(f"{fn}: n_values must be an odd integer >= 3 (so that 0 is shown), got {n_values!r}")
    values = np.linspace(-1, 1, n_values)
    artists = []
    for ax, (role, meaning) in zip(axes, roles):
        artists.append(ax.imshow(values[None], cmap=CMAPS[role], vmin=-1, vmax=1, aspect="auto"))
        ink = text_colors(CMAPS[role]((values + 1) / 2))  # black or white, whichever reads better on the cell
        for j, v in enumerate(values):
            artists.append(ax.text(j, 0, f"{v:+.1f}" if v else "0", ha="center", va="center", fontsize=18,
                                   fontweight="bold", color=ink[j]))
        ax.set_xticks([])
        ax.set_yticks([])
        name = t(f"legend.{role}") if f"legend.{role}" in TEXT["en"] else role  # the role's name in the current language
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=18)
        ax.set_title(meaning, loc="left", fontsize=16)
    return artists
