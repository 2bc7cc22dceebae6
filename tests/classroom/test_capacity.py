"""tools/measure_capacity.py: a kernel's peak memory and CPU seconds, and the capacity arithmetic."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from measure_capacity import RESERVE_GB, SERVER_MB, capacity, measure  # noqa: E402


def test_measure_sees_the_memory_and_cpu_a_notebook_uses(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\na = np.ones(300 * 2**20 // 8)  # 300 MB, touched"),
        nbformat.v4.new_code_cell("import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5:\n    pass"),
        nbformat.v4.new_code_cell("del a"),
    ])
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    r = measure(path)
    assert r["errors"] == [] and r["notebook"] == "probe.ipynb"
    assert 300 < r["peak_mb"] < 600, r  # the array, plus a kernel with NumPy (~60-120 MB)
    assert 1.5 <= r["cpu_s"] < 6, r


def test_measure_reports_a_failing_cell(tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), path)
    assert measure(path)["errors"] == ["ZeroDivisionError: division by zero"]


def test_capacity_is_the_smaller_of_cpu_and_memory():
    # 4 cores x 60 s / 17 CPU s = 14.1; (16 - 1.5) GB / (905 + 150) MB = 14.07
    assert capacity(905, 17.0) == (240 // 17, int((16 - RESERVE_GB) * 1024 // (905 + SERVER_MB)))
    assert capacity(100, 1.0, cores=2, ram_gb=8) == (120, int((8 - RESERVE_GB) * 1024 // (100 + SERVER_MB)))
    with pytest.raises(ValueError, match="capacity: expected positive"):
        capacity(0, 1.0)
