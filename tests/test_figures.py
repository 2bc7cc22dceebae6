"""figures/: regenerated from the registry in bplib.figures, they must match the committed files.

Byte-equal is the rule, and it holds on the course environment (the same matplotlib,
Pillow, FreeType and zlib draw and encode the same bytes; nothing time- or
machine-dependent is written). Only where the bytes differ may a PNG or GIF still pass,
if its pixels are equal within a small tolerance (same size and frame count, at most
0.5% of the pixels off, none by more than a quarter of the range): another zlib or
Pillow version recompresses the same pixels differently, and another FreeType version
moves a few anti-aliased glyph edges by a level or two. SVG has no such escape: its
bytes depend only on matplotlib, so a different SVG means a different drawing.
Regenerate with `make figures` after a drawing change. The same holds for the Chinese
edition in figures/zh/ (the same registry and drawings, language "zh", glyphs from the
bundled font subset).
"""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import bplib as bp
from bplib import figures as F

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "figures"
COMMITTED_DIRS = {"en": COMMITTED, "zh": COMMITTED / "zh"}
MAX_GIF_BYTES = 1_600_000


@pytest.fixture(scope="module")
def built():
    """Every figure built once, in memory: {file name: bytes}."""
    out = {}
    for name in F.FIGURES:
        out.update(F.build(name))
    return out


@pytest.fixture(scope="module")
def built_zh():
    """Every figure built once in Chinese, in memory: {file name: bytes}."""
    out = {}
    for name in F.FIGURES:
        out.update(F.build(name, "zh"))
    return out


def _frames(data: bytes) -> list:
    im = Image.open(io.BytesIO(data))
    frames = []
    for k in range(getattr(im, "n_frames", 1)):
        im.seek(k)
        frames.append(np.asarray(im.convert("RGB"), dtype=np.int16))
    return frames


def _pixels_close(new: bytes, old: bytes) -> str:
    """'' if the images (every frame) agree within the tolerance, else what differs."""
    a, b = _frames(new), _frames(old)
    if len(a) != len(b):
        return f"{len(a)} frames, committed {len(b)}"
    for k, (x, y) in enumerate(zip(a, b)):
        if x.shape != y.shape:
            return f"frame {k}: size {x.shape[:2]}, committed {y.shape[:2]}"
        diff = np.abs(x - y).max(axis=-1)
        if (diff > 0).mean() > 0.005 or diff.max() > 64:
            return f"frame {k}: {(diff > 0).mean():.2%} of pixels differ, by up to {diff.max()}"
    return ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_registry_names_exactly_the_committed_files(lang):
    committed = sorted(p.name for p in COMMITTED_DIRS[lang].iterdir() if p.is_file())
    assert F.files(lang) == committed, f"stale: {sorted(set(committed) - set(F.files(lang)))}, missing: {sorted(set(F.files(lang)) - set(committed))}"
    if lang == "en":
        assert sorted(p.name for p in COMMITTED.iterdir() if p.is_dir()) == ["zh"]


def test_the_required_figures_are_registered():
    required = {"network.svg", "network.png", "poolings.png", "flatten_order.png", "gap_vs_flatten.png", "conv_matrix.png",
                "receptive_field.png", "dropout_masks.png", "bp_table.svg", "bp_table.png", "backward_pass.svg",
                "backward_pass.png", "mlp.svg", "mlp.png"}
    for anim in ("sliding_kernel", "unpool_max", "unpool_avg", "unpool_gap", "weight_gradient", "rot180", "full_conv"):
        required |= {f"{anim}.gif", f"{anim}.png"}
    assert required <= set(F.files())


@pytest.mark.parametrize("lang, filename", [("en", f) for f in F.files()] + [("zh", f) for f in F.files("zh")])
def test_regenerated_figure_matches_the_committed_file(request, lang, filename):
    built = request.getfixturevalue("built" if lang == "en" else "built_zh")
    new, old = built[filename], (COMMITTED_DIRS[lang] / filename).read_bytes()
    if new == old:
        return
    assert not filename.endswith(".svg"), f"{filename} differs from the committed SVG; run `make figures`"
    problem = _pixels_close(new, old)
    assert not problem, f"{filename}: {problem}; run `make figures` if the drawing changed on purpose"


def test_a_second_build_writes_the_same_bytes(built, built_zh, tmp_path):
    F.build_all(tmp_path, ["network", "rot180", "poolings"], verbose=False)
    for name in ("network.svg", "network.png", "rot180.gif", "rot180.png", "poolings.png"):
        assert (tmp_path / name).read_bytes() == built[name]
        assert (tmp_path / "zh" / name).read_bytes() == built_zh[name]
        assert built[name] != built_zh[name]  # the words differ
    svg = built["network.svg"].decode()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    png = Image.open(io.BytesIO(built["network.png"]))
    assert "Software" not in png.info


def _palette_close(frame, expected) -> bool:
    """Equal up to the GIF's 255 colours: anti-aliased edge pixels move to their nearest palette colour.

    Measured on every animation: at most 2.5% of pixels change at all, 0.2% by more than 24
    levels, none by more than 85; the next step's picture differs far more than that.
    """
    diff = np.abs(frame - expected).max(axis=-1)
    return (diff > 0).mean() < 0.05 and (diff > 24).mean() < 0.005 and diff.max() <= 128


@pytest.mark.parametrize("name", [n for n, f in F.FIGURES.items() if f.formats == F.ANIMATED])
def test_an_animation_is_its_widget_drawing(built, name):
    """The GIF's frames and the key PNG are the viz drawing of the steps, within the GIF's palette."""
    spec = F.FIGURES[name]
    made = spec.draw(np.random.default_rng(F.SEED), **spec.params)
    seq = made.steps
    frames = _frames(built[f"{name}.gif"])
    ks = F.frame_steps(seq.n_steps)
    assert 2 <= len(frames) <= F.MAX_FRAMES and len(built[f"{name}.gif"]) <= MAX_GIF_BYTES
    drawing = made.draw(None, seq.state(0), seq)
    for k, frame in ((0, frames[0]), (len(ks) - 1, frames[-1])):
        expected = F._frame(drawing, seq.state(ks[k])).astype(np.int16)
        assert _palette_close(frame, expected), f"{name}: GIF frame {k} is not the drawing of step {ks[k]}"
        if len(ks) > 1:  # and the check can tell one step from the next
            other = F._frame(drawing, seq.state(ks[1] if k == 0 else ks[-2])).astype(np.int16)
            assert not _palette_close(frame, other)
    key = F._frame(drawing, seq.state(made.key))
    np.testing.assert_array_equal(_frames(built[f"{name}.png"])[0], key)
    info = Image.open(io.BytesIO(built[f"{name}.gif"])).info
    assert info.get("loop") == 0


def _texts(fig) -> list:
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]


@pytest.mark.parametrize("channels, kernel_size", [(3, 5), (2, 3)])
def test_backward_pass_draws_the_shapes_of_the_net(channels, kernel_size):
    """Every shape written comes from ArticleNet's backward pass: another net, other shapes."""
    image, label = F.registry._digit_and_label()
    fig = F.backward_pass_figure(image, label, channels=channels, kernel_size=kernel_size)
    M = 28 - kernel_size + 1  # conv output side; max-pool 2x2 halves it
    P = M // 2
    D = channels * P * P
    by_hand = {"delta4": "10", "delta3": f"{D}", "delta2": f"{channels}×{P}×{P}", "da1": f"{channels}×{M}×{M}",
               "delta1": f"{channels}×{M}×{M}", "dW1": f"{channels}×1×{kernel_size}×{kernel_size}", "db1": f"{channels}",
               "dW4": f"10×{D}", "db4": "10"}
    assert fig.shapes_drawn == by_hand
    net = bp.ArticleNet(channels=channels, kernel_size=kernel_size, seed=F.SEED)
    grads = net.backward(net.forward(image.reshape(1, 1, 28, 28)), np.array([label]))
    for name, shape in by_hand.items():
        got = getattr(grads, name).shape[1:] if name.startswith(("delta", "da")) else getattr(grads, name).shape
        assert "×".join(map(str, got)) == shape, name
    texts = _texts(fig)
    for shape in by_hand.values():
        assert shape in texts, f"{shape} is not written on the figure"
    for op in ("(W⁴)ᵀδ⁴", "reshape", "unpool", "max: to\nthe argmax", "⊙ σ′(z¹)", "conv(a⁰, δ¹)", "Σ δ¹ (over i, j)",
               "δ⁴ (a³)ᵀ", "= δ⁴"):
        assert op in texts, f"the arrow {op!r} is not labelled"


def test_mlp_highlights_w_l_jk_from_k_to_j():
    from matplotlib.colors import to_hex
    from matplotlib.patches import Circle

    from bplib.viz.palette import KERNEL_COLOR

    fig = F.mlp_figure((3, 4, 2), layer=2, j=3, k=2)
    ax = fig.axes[0]
    circles = sorted((round(c.center[0], 6), -c.center[1]) for c in ax.patches if isinstance(c, Circle))
    xs = sorted({x for x, _ in circles})
    column = {x: [-y for xx, y in circles if xx == x] for x in xs}  # neuron 1 on top
    assert [len(column[x]) for x in xs] == [3, 4, 2]
    hot = [line for line in ax.lines if to_hex(line.get_color()) == to_hex(KERNEL_COLOR)]
    assert len(hot) == 1
    (_, _), (y_from, y_to) = hot[0].get_data()
    assert y_from == pytest.approx(column[xs[0]][1]) and y_to == pytest.approx(column[xs[1]][2])  # k = 2 -> j = 3
    texts = _texts(fig)
    assert "$w^2_{32}$" in texts and any("from neuron $k = 2$" in t and "neuron $j = 3$" in t for t in texts)
    assert sum(t.startswith("$+b^") for t in texts) == 4 + 2  # one bias per neuron that has weights
    assert any("$z^2_3 = " in t for t in texts)
    with pytest.raises(ValueError, match=r"mlp_figure: w\^2_jk with j=5, k=2 does not exist; layer 2 has 4 neurons"):
        F.mlp_figure((3, 4, 2), layer=2, j=5, k=2)


def _bp2_by_the_footnote(delta, w, s, p, H):
    """The footnote's rule, in plain NumPy loops: dilate, full-convolve with rot180 W, append r zeros, crop p."""
    Ho, K = delta.shape[0], w.shape[0]
    dil = np.zeros((s * (Ho - 1) + 1,) * 2)
    dil[::s, ::s] = delta  # s - 1 zeros between entries
    k = w[::-1, ::-1]  # rot180
    n = dil.shape[0] + K - 1  # the full convolution: every overlap of the flipped kernel with the map
    padded = np.pad(dil, K - 1)
    full = np.array([[np.sum(padded[i : i + K, j : j + K] * k) for j in range(n)] for i in range(n)])
    r = (H + 2 * p - K) % s
    full = np.pad(full, ((0, r), (0, r)))  # r rows and columns of zeros at the bottom and right
    assert full.shape == (H + 2 * p,) * 2
    return full[p : p + H, p : p + H]  # crop p from every side


@pytest.mark.parametrize("H, K, s, p", [(8, 3, 2, 1), (10, 3, 3, 0), (12, 4, 3, 1), (10, 3, 4, 0), (7, 3, 1, 1)])
def test_the_bp_table_footnote_states_bp2_for_any_stride(H, K, s, p):
    """The stated rule equals PyTorch's input gradient, also when (H + 2p - K) mod s = r != 0."""
    import torch

    note = F.BP2_GENERAL_NOTE
    for part in ("dilate δ by s", "rot180 W", "r = (H + 2p − K) mod s", "zeros at the bottom and right", "crop p"):
        assert part in note
    assert note in _texts(F.bp_table_figure())
    rng = np.random.default_rng(H * 100 + K * 10 + s)
    x = torch.tensor(rng.standard_normal((1, 1, H, H)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((1, 1, K, K)))
    z = torch.nn.functional.conv2d(x, w, stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    z.backward(torch.tensor(delta))
    got = _bp2_by_the_footnote(delta[0, 0], w.numpy()[0, 0], s, p, H)
    np.testing.assert_allclose(got, x.grad.numpy()[0, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bp.bp2_full_conv(delta, w.numpy(), s, p, (H, H))[0, 0], got, rtol=1e-10, atol=1e-12)


def test_frame_steps():
    assert F.frame_steps(5) == [0, 1, 2, 3, 4]
    many = F.frame_steps(576)
    assert len(many) == F.MAX_FRAMES and many[0] == 0 and many[-1] == 575
    gaps = np.diff(many)
    assert gaps.max() - gaps.min() <= 1


def test_gif_of_keeps_exact_colours_and_transparent_repeats():
    rng = np.random.default_rng(0)
    base = np.full((20, 30, 3), 255, dtype=np.uint8)
    frames = []
    for k in range(4):
        f = base.copy()
        f[k * 4 : k * 4 + 4, 5:9] = (0, 114, 178)  # INPUT_COLOR, moving down
        f[0, 0] = rng.integers(0, 255, 3)
        frames.append(f)
    decoded = _frames(F.gif_of(frames, 100))
    assert len(decoded) == 4
    for got, want in zip(decoded, frames):
        np.testing.assert_array_equal(got, want)  # fewer than 256 colours: every frame exact


def _embedded(text: str, prefix: str) -> set:
    return set(re.findall(re.escape(prefix) + r"([A-Za-z0-9_.\-]+\.(?:png|gif|svg))", text))


def test_every_embedded_figure_exists():
    names = _embedded((ROOT / "README.md").read_text(encoding="utf-8"), "figures/")
    assert names, "the README's Gallery embeds no figure"
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        names |= _embedded("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"), "../figures/")
    missing = sorted(n for n in names if not (COMMITTED / n).is_file())
    assert not missing, f"embedded but not in figures/: {missing}"


def test_cli_builds_a_subset_and_refuses_unknown_names(tmp_path):
    run = subprocess.run([sys.executable, "-m", "bplib.figures", "--out", str(tmp_path), "poolings"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poolings.png", "zh"]  # both languages by default
    assert sorted(p.name for p in (tmp_path / "zh").iterdir()) == ["poolings.png"]
    assert (tmp_path / "poolings.png").read_bytes() == F.build("poolings")["poolings.png"]
    assert (tmp_path / "zh" / "poolings.png").read_bytes() == F.build("poolings", "zh")["poolings.png"]
    only_zh = subprocess.run([sys.executable, "-m", "bplib.figures", "--out", str(tmp_path / "z"), "--lang", "zh", "poolings"],
                             capture_output=True, text=True, cwd=ROOT)
    assert only_zh.returncode == 0, only_zh.stderr
    assert [p.relative_to(tmp_path / "z").as_posix() for p in sorted((tmp_path / "z").rglob("*"))] == ["zh", "zh/poolings.png"]
    bad_lang = subprocess.run([sys.executable, "-m", "bplib.figures", "--out", str(tmp_path), "--lang", "fr"], capture_output=True,
                              text=True, cwd=ROOT)
    assert bad_lang.returncode == 2 and "invalid choice: 'fr'" in bad_lang.stderr
    bad = subprocess.run([sys.executable, "-m", "bplib.figures", "--out", str(tmp_path), "no_such"], capture_output=True,
                         text=True, cwd=ROOT)
    assert bad.returncode == 2 and "unknown figure(s) no_such" in bad.stderr


def test_make_figures_runs_the_registry():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^figures: \$\(VENV\)/\.installed\n\t\$\(BIN\)/python -m bplib\.figures$", makefile, re.M)
    assert re.search(r"^\.PHONY:.*\bfigures\b", makefile, re.M), "figures/ is a folder: the target must be .PHONY"


def test_import_bplib_stays_numpy_only():
    code = ("import sys, bplib; bad = [m for m in ('matplotlib', 'ipywidgets', 'PIL', 'bplib.steps', 'bplib.viz', 'bplib.widgets', 'bplib.figures', 'bplib.exercises') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


@pytest.fixture(scope="module")
def installed_bplib(tmp_path_factory):
    """bplib as a wheel unpacked into a bare site-packages folder (no repository around it)."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp / "dist")], check=True, capture_output=True, cwd=tmp)
    wheel = next((tmp / "dist").glob("bplib-*.whl"))
    site = tmp / "site-packages"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


def test_an_installed_bplib_refuses_to_write_into_site_packages(installed_bplib, tmp_path):
    site = installed_bplib
    for layer in ("steps", "viz", "widgets", "figures", "exercises"):
        assert (site / "bplib" / layer / "__init__.py").is_file(), f"the wheel lacks bplib/{layer}/"
    assert sorted(p.name for p in (site / "bplib" / "data").glob("*.gz")) == ["t10k-images-idx3-ubyte.gz",
                                                                             "t10k-labels-idx1-ubyte.gz"]
    assert sorted(p.name for p in (site / "bplib" / "viz" / "fonts").iterdir()) == [
        "NotoSansSC-Bold-subset.otf", "NotoSansSC-Regular-subset.otf", "OFL.txt"]  # the Chinese font travels with the wheel
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-m", "bplib.figures", "poolings"], capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert run.returncode == 2, run.stderr
    assert "--out" in run.stderr and "installed as a package" in run.stderr
    assert not (site / "figures").exists() and list(tmp_path.iterdir()) == []
    ok = subprocess.run([sys.executable, "-m", "bplib.figures", "--out", str(tmp_path / "out"), "poolings"],
                        capture_output=True, text=True, cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "poolings.png").read_bytes() == F.build("poolings")["poolings.png"]
    assert (tmp_path / "out" / "zh" / "poolings.png").read_bytes() == F.build("poolings", "zh")["poolings.png"]
