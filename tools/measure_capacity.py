"""What one student costs: each notebook's kernel peak memory and the CPU seconds of Run All.

    python tools/measure_capacity.py                    # every notebook in notebooks/
    python tools/measure_capacity.py notebooks/11_*.ipynb
    python tools/measure_capacity.py --markdown         # the README's table

Each notebook runs in a fresh kernel (the same one-thread BLAS setting the hub gives every
student, see deploy/jupyterhub/) started in notebooks/, cell by cell through the kernel
protocol, like Run All. Measured on the kernel process, from /proc and psutil:
- peak RSS: VmHWM, the kernel's high-water mark of resident memory from start to end;
- CPU s: user + system CPU seconds the kernel spent between the first and the last cell
  (start-up, ~1 s, is printed apart). CPU seconds, not wall time, because the machine
  may be busy with other work; they are what a shared hub has to provide.
Nothing is written back: the notebooks on disk stay as they are.

The capacity of a machine follows from the table (see `capacity()`): in a minute in which
every student presses Run All, N students need N x CPU s <= cores x 60, and their kernels
plus their servers must fit in memory: N x (kernel peak + server) <= RAM - reserve.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[1]
# One BLAS thread per kernel, as the hub sets for every student (deploy/jupyterhub/): on a
# shared machine N students x all cores of threads would only fight over the same cores.
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
SERVER_MB = 150  # one jupyterhub-singleuser server after a notebook ran (RSS 145 MB in make classroom-test)
RESERVE_GB = 1.5  # the OS, the hub and the proxy on the class machine


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a Linux process in MB (the peak resident set since it started)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"measure_capacity: no VmHWM in /proc/{pid}/status (Linux only)")


def measure(path: Path, timeout: float = 300) -> dict:
    """Run one notebook in a fresh kernel; returns {'notebook', 'peak_mb', 'cpu_s', 'startup_cpu_s', 'wall_s', 'errors'}."""
    if not path.is_file():
        raise FileNotFoundError(f"measure: no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(path.parent), env=dict(os.environ, **ONE_THREAD))
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        proc = psutil.Process(km.provisioner.process.pid)
        startup = _cpu(proc)
        t0 = time.perf_counter()
        errors = []
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            reply = kc.execute_interactive(cell.source, timeout=timeout, output_hook=lambda msg: None, allow_stdin=False)
            if reply["content"]["status"] != "ok":
                errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        wall = time.perf_counter() - t0
        cpu = _cpu(proc) - startup
        peak = _peak_rss_mb(proc.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"notebook": path.name, "peak_mb": peak, "cpu_s": cpu, "startup_cpu_s": startup, "wall_s": wall, "errors": errors}


def capacity(peak_mb: float, cpu_s: float, cores: int = 4, ram_gb: float = 16, window_s: float = 60) -> tuple[int, int]:
    """Students a machine holds when all press Run All within `window_s`; returns (by CPU, by memory).

    By CPU: floor(cores x window_s / cpu_s). By memory: floor((RAM - reserve) / (kernel peak + server)).
    """
    if cpu_s <= 0 or peak_mb <= 0 or cores <= 0 or ram_gb <= RESERVE_GB:
        raise ValueError(f"capacity: expected positive peak_mb, cpu_s, cores and ram_gb > {RESERVE_GB}, "
                         f"got peak_mb={peak_mb}, cpu_s={cpu_s}, cores={cores}, ram_gb={ram_gb}")
    by_cpu = math.floor(cores * window_s / cpu_s)
    by_mem = math.floor((ram_gb - RESERVE_GB) * 1024 / (peak_mb + SERVER_MB))
    return by_cpu, by_mem


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--markdown", action="store_true", help="print the README's table")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    rows = []
    for path in paths:
        r = measure(path)
        rows.append(r)
        by_cpu, by_mem = capacity(r["peak_mb"], r["cpu_s"])
        print(f"{r['notebook']:58s} peak {r['peak_mb']:6.0f} MB  Run All {r['cpu_s']:6.1f} CPU s  "
              f"(start-up {r['startup_cpu_s']:.1f} CPU s, wall {r['wall_s']:.1f} s)  "
              f"4 cores/16 GB: {min(by_cpu, by_mem)} students"
              + (f"  ERRORS: {r['errors']}" if r["errors"] else ""), flush=True)
    if args.markdown:
        print("\n| notebook | kernel peak RSS | Run All, CPU s | students by CPU | by memory | 4 cores, 16 GB hold |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in rows:
            by_cpu, by_mem = capacity(r["peak_mb"], r["cpu_s"])
            print(f"| {r['notebook'][:2]} | {r['peak_mb']:.0f} MB | {r['cpu_s']:.1f} | {by_cpu} | {by_mem} "
                  f"| **{min(by_cpu, by_mem)}** |")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
