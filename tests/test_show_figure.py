"""show_figure: a plot output carries its alt text in the display metadata, and bad input is refused clearly."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bplib.viz.show import show_figure  # noqa: E402


def test_the_alt_text_reaches_the_display_metadata(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata=None: shown.append((obj, metadata)))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    show_figure(fig, alt="a line falling   from 1 to 0\n across the plot")
    (obj, metadata), = shown
    assert obj is fig and metadata == {"image/png": {"alt": "a line falling from 1 to 0 across the plot"}}
    assert not plt.fignum_exists(fig.number), "the figure is closed after it is shown"


def test_a_kernel_stores_the_alt_beside_the_png(tmp_path):
    """Run in a real kernel (as notebooks are): the stored output has the PNG and its alt in the metadata."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nfrom bplib.viz.show import show_figure\n"
        "fig, ax = plt.subplots()\nax.plot([0, 1])\nshow_figure(fig, alt='a rising line from 0 to 1')")]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert len(outputs) == 1, nb.cells[0].outputs
    assert "image/png" in outputs[0].data
    assert outputs[0].metadata["image/png"]["alt"] == "a rising line from 0 to 1"


@pytest.mark.parametrize("fig, alt, exc, message", [
    ("fig", "a description of it", TypeError, "fig must be a matplotlib Figure, got str"),
    (None, "a description of it", TypeError, "fig must be a matplotlib Figure, got NoneType"),
    ("FIG", None, TypeError, "alt must be a str describing the picture, got NoneType"),
    ("FIG", "plot", ValueError, r"alt must describe the picture in 10 to 600 characters, got 4"),
    ("FIG", "x" * 601, ValueError, r"got 601"),
])
def test_bad_input_is_refused(fig, alt, exc, message):
    figure = plt.figure() if fig == "FIG" else fig
    with pytest.raises(exc, match=message):
        show_figure(figure, alt)
    plt.close("all")
