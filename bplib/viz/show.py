"""Show a finished matplotlib figure in a notebook with its alt text, then close it.

``plt.show()`` leaves a plot output without a description; a reader of the website, a screen
reader or a printout gets only pixels. ``show_figure(fig, alt)`` puts the alt text into the
output's display metadata (``{"image/png": {"alt": ...}}``), where the site builder and
JupyterLab find it, and closes the figure so the stored output holds the picture only once.
"""

from __future__ import annotations

from matplotlib.figure import Figure

__all__ = ["show_figure"]

MIN_ALT = 10  # characters: "a plot" is not a description
MAX_ALT = 600


def show_figure(fig, alt: str) -> None:
    """Display fig (a matplotlib Figure) with alt text alt (what the picture shows, in words); close it."""
    if not isinstance(fig, Figure):
        raise TypeError(f"show_figure: fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(alt, str):
        raise TypeError(f"show_figure: alt must be a str describing the picture, got {type(alt).__name__}")
    text = " ".join(alt.split())
    if not MIN_ALT <= len(text) <= MAX_ALT:
        raise ValueError(f"show_figure: alt must describe the picture in {MIN_ALT} to {MAX_ALT} characters, "
                         f"got {len(text)} ({text!r})")
    import contextlib

    import matplotlib.pyplot as plt
    from IPython.display import display  # only where a notebook shows it

    with contextlib.suppress(ImportError):  # a Figure made without pyplot (viz.panels.new_figure) before any pyplot
        import matplotlib_inline.backend_inline  # noqa: F401  (importing it registers the kernel's PNG formatter)

    display(fig, metadata={"image/png": {"alt": text}})
    plt.close(fig)
