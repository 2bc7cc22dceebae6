"""Every figure of the course, regenerated from one registry: ``python -m bplib.figures`` (or ``make figures``).

FIGURES maps a figure's name to the function that draws it, its parameters and the
files it writes into figures/. The animations are the widgets' own state sequences
(bplib.steps) drawn by the widgets' own drawing code (bplib.viz): a GIF of the steps
(at most MAX_FRAMES, evenly spaced) and a PNG of one key step. Every figure starts
from np.random.default_rng(0), and the files carry no dates or versions, so a second
run rewrites the same bytes.

Every figure exists in English (figures/) and in Chinese (figures/zh/): the same registry
entry and drawing code, with the language as a parameter (bplib.lang); the Chinese words
come from bplib.viz.catalogue and their glyphs from the bundled Noto Sans SC subset.

    python -m bplib.figures                 # all, both languages, into figures/ and figures/zh/
    python -m bplib.figures --out /tmp/f --lang zh network poolings
"""

from __future__ import annotations

import argparse
import functools
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._checks import alloc_limit, check_alloc, check_int, nbytes
from ..lang import LANGUAGES, check_language, language

ROOT = Path(__file__).resolve().parents[2]  # the repository, when bplib is used from a checkout


def repository_figures_dir(root: Path = ROOT):
    """figures/ of the course's repository, or None when bplib is installed (a wheel in site-packages).

    A checkout has pyproject.toml naming bplib beside the package; site-packages has none,
    and writing <site-packages>/figures would scatter files among other packages.
    """
    project = root / "pyproject.toml"
    try:
        is_course = project.is_file() and 'name = "bplib' in project.read_text(encoding="utf-8")
    except OSError:
        is_course = False
    return root / "figures" if is_course else None


FIGURES_DIR = repository_figures_dir()
SEED = 0
MAX_FRAMES = 40
FRAME_MS, LAST_FRAME_MS = 900, 2500
RC = {"svg.hashsalt": "bplib-figures", "svg.fonttype": "path", "svg.image_inline": True}  # stable SVG ids and text


class Figure(NamedTuple):
    """How to make one figure: draw(rng, **params) returns a matplotlib Figure or an Animation."""

    draw: Callable
    params: dict
    formats: tuple  # ("svg", "png"), ("png",) or ("gif", "png")


class Animation(NamedTuple):
    """A state sequence, its drawing, and the step shown in the key-frame PNG."""

    steps: object
    draw: Callable  # a bplib.viz draw_<name>(ax_or_fig, state, steps)
    key: int
    frame_ms: int = FRAME_MS


# --- the animations: the widgets' sequences on small, readable inputs ------------------------


def _sliding_kernel(rng, size, kernel, padding, key):
    from ..steps.conv import sliding_kernel_steps
    from ..viz.conv import draw_sliding_kernel

    x, w = rng.standard_normal((size, size)), rng.standard_normal((kernel, kernel))
    return Animation(sliding_kernel_steps(x, w, 0.1, padding=padding), draw_sliding_kernel, key)


def _unpool(rng, mode, shape, key):
    from ..steps.unpool import unpool_steps
    from ..viz.unpool import draw_unpool

    x = np.maximum(rng.standard_normal(shape), 0)  # a ReLU output, as after the article's conv layer
    dy = rng.standard_normal(shape[0]) if mode == "gap" else rng.standard_normal((shape[-2] // 2, shape[-1] // 2))
    return Animation(unpool_steps(x, dy, mode), draw_unpool, key)


def _weight_gradient(rng, size, kernel, key):
    from ..steps.conv import weight_grad_steps
    from ..viz.conv import draw_weight_grad

    a0, delta = rng.standard_normal((size, size)), rng.standard_normal((size - kernel + 1,) * 2)
    return Animation(weight_grad_steps(a0, delta, kernel), draw_weight_grad, key)


def _rot180(rng, kernel, frames, key):
    from ..steps.rot180 import rot180_steps
    from ..viz.rot180 import draw_rot180

    return Animation(rot180_steps(rng.standard_normal((kernel, kernel)), "rotate", frames), draw_rot180, key, 600)


def _full_conv(rng, size, kernel, key):
    from ..steps.full_conv import full_conv_steps
    from ..viz.full_conv import draw_full_conv

    return Animation(full_conv_steps(rng.standard_normal((size, size)), rng.standard_normal((kernel, kernel))), draw_full_conv,
                     key)


# --- the static figures ---------------------------------------------------------------------


@functools.cache
def _digit_and_label():
    from ..data import load_mnist

    (x, y), _ = load_mnist()
    return x[0, 0], int(y[0])  # the shipped test set's first image, a 7


def _digit():
    return _digit_and_label()[0]


def _network(rng):
    from .diagrams import network_figure

    return network_figure(_digit(), seed=SEED)


def _backward_pass(rng):
    from .diagrams import backward_pass_figure

    return backward_pass_figure(*_digit_and_label(), seed=SEED)


def _mlp(rng, sizes, layer, j, k):
    from .diagrams import mlp_figure

    return mlp_figure(sizes, layer, j, k)


def _bp_table(rng):
    from .diagrams import bp_table_figure

    return bp_table_figure()


def _poolings(rng, size):
    from .maps import poolings_figure

    return poolings_figure(np.round(np.abs(rng.standard_normal((size, size))), 1))


def _flatten_order(rng, C, H, W, key):
    from ..steps.explorers import flatten_order_steps
    from ..viz.flatten import draw_flatten_order

    steps = flatten_order_steps(C, H, W)
    drawing = draw_flatten_order(None, steps.state(key), steps)
    drawing.step_text.set_text("")  # no slider on paper
    return drawing.fig


def _gap_vs_flatten(rng, stacks):
    from .maps import gap_vs_flatten_figure

    return gap_vs_flatten_figure(stacks)


def _conv_matrix(rng, kernel, input_hw, selected):
    from .maps import conv_matrix_figure

    return conv_matrix_figure(rng.standard_normal((1, 1, kernel, kernel)), input_hw, selected)


def _receptive_field(rng, layers, input_size):
    from ..receptive import Layer
    from .maps import receptive_field_figure

    return receptive_field_figure([Layer(*ly) for ly in layers], input_size)


def _dropout_masks(rng, p, block):
    from ..net import ArticleNet
    from .maps import dropout_masks_figure

    a2 = ArticleNet(seed=SEED).forward(_digit()[None, None]).a2[0]  # the article's a² for the digit of network.png
    return dropout_masks_figure(a2, seed=SEED, p=p, block=block)


ANIMATED, STATIC, VECTOR = ("gif", "png"), ("png",), ("svg", "png")

FIGURES = {
    "network": Figure(_network, {}, VECTOR),
    "backward_pass": Figure(_backward_pass, {}, VECTOR),
    "mlp": Figure(_mlp, {"sizes": (3, 4, 2), "layer": 2, "j": 3, "k": 2}, VECTOR),
    "bp_table": Figure(_bp_table, {}, VECTOR),
    "sliding_kernel": Figure(_sliding_kernel, {"size": 6, "kernel": 3, "padding": 1, "key": 9}, ANIMATED),
    "unpool_max": Figure(_unpool, {"mode": "max", "shape": (8, 8), "key": 5}, ANIMATED),
    "unpool_avg": Figure(_unpool, {"mode": "avg", "shape": (8, 8), "key": 5}, ANIMATED),
    "unpool_gap": Figure(_unpool, {"mode": "gap", "shape": (3, 4, 4), "key": 1}, ANIMATED),
    "weight_gradient": Figure(_weight_gradient, {"size": 7, "kernel": 3, "key": 4}, ANIMATED),
    "rot180": Figure(_rot180, {"kernel": 3, "frames": 8, "key": 4}, ANIMATED),
    "full_conv": Figure(_full_conv, {"size": 3, "kernel": 3, "key": 12}, ANIMATED),
    "poolings": Figure(_poolings, {"size": 4}, STATIC),
    "flatten_order": Figure(_flatten_order, {"C": 3, "H": 4, "W": 4, "key": 21}, STATIC),
    "gap_vs_flatten": Figure(_gap_vs_flatten, {"stacks": (("gap.stack_article", (3, 12, 12)),
                                                          ("gap.stack_bigger", (64, 7, 7)))}, STATIC),
    "conv_matrix": Figure(_conv_matrix, {"kernel": 3, "input_hw": (4, 4), "selected": 1}, STATIC),
    "receptive_field": Figure(_receptive_field, {"layers": (("conv", 3), ("conv", 3), ("pool", 2, 2), ("conv", 3), ("conv", 3)),
                                                 "input_size": 20}, STATIC),
    "dropout_masks": Figure(_dropout_masks, {"p": 0.3, "block": 3}, STATIC),
}


SUBDIR = {"en": "", "zh": "zh"}  # where each language's files go, inside figures/


def files(lang: str = "en") -> list:
    """Every file name the registry writes for lang ("en": figures/, "zh": figures/zh/), sorted; names without the folder."""
    check_language(lang, "files")
    return sorted(f"{name}.{fmt}" for name, fig in FIGURES.items() for fmt in fig.formats)


# --- writing stable files ---------------------------------------------------------------------


def save_figure(fig, fmt: str) -> bytes:
    """A matplotlib Figure as SVG or PNG bytes with no date, software or version in them. fmt: "svg" or "png"."""
    import matplotlib

    from ..viz.panels import check_figure

    check_figure("save_figure", fig, subfigure=False)
    if not isinstance(fmt, str) or fmt not in ("svg", "png"):
        raise ValueError(f"save_figure: fmt must be 'svg' or 'png', got {fmt!r}")
    w, h = fig.get_size_inches() * fig.dpi
    check_alloc("save_figure", nbytes((round(w), round(h), 4), np.uint8) * 3, f"a {round(w)} x {round(h)} pixel figure")

    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()


def png_of(rgb: np.ndarray) -> bytes:
    """An RGB frame (H, W, 3) of uint8 as PNG bytes (Pillow, no metadata)."""
    from PIL import Image

    _check_rgb("png_of", rgb, "rgb")
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="png", optimize=True)
    return buf.getvalue()


def _check_rgb(fn: str, rgb, name: str) -> None:
    """rgb must be an RGB frame: a uint8 ndarray (H, W, 3) with H, W >= 1, small enough to encode."""
    if not isinstance(rgb, np.ndarray):
        raise TypeError(f"{fn}: {name} must be an RGB frame, a NumPy array (H, W, 3) of uint8, got {type(rgb).__name__}")
    if rgb.dtype != np.uint8:
        raise TypeError(f"{fn}: {name} must hold uint8 (0..255), got dtype {rgb.dtype} ({name}.shape={rgb.shape})")
    if rgb.ndim != 3 or rgb.shape[2] != 3 or 0 in rgb.shape:
        raise ValueError(f"{fn}: {name} must be (H, W, 3) with H, W >= 1, got {name}.shape={rgb.shape}")
    check_alloc(fn, nbytes(rgb.shape, np.uint8) * 4, f"encoding a {rgb.shape[1]} x {rgb.shape[0]} frame")


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> list:
    """At most max_frames steps of 0..n_steps-1, evenly spaced, always the first and the last.

    n_steps >= 1, max_frames in 2..10000. Returns a sorted list of step indices.
    """
    n_steps = check_int(n_steps, "n_steps", "frame_steps", 1)
    max_frames = check_int(max_frames, "max_frames", "frame_steps", 2, 10_000)
    if n_steps <= max_frames:
        return list(range(n_steps))
    return sorted({int(round(t)) for t in np.linspace(0, n_steps - 1, max_frames)})


def gif_of(frames: list, frame_ms: int, last_ms: int = LAST_FRAME_MS) -> bytes:
    """RGB frames (H, W, 3) as one looping GIF, built deterministically.

    One palette for every frame: the 255 most frequent exact colours (ties by colour value),
    so white stays white and the role colours stay exact; every other colour (anti-aliased
    edges) goes to its nearest palette entry. After the first frame, pixels that did not
    change are written as transparent index 255, which LZW packs into almost nothing.
    frames: 1 to 10000 uint8 arrays (H, W, 3) of one shape; frame_ms, last_ms: 10 .. 655350 milliseconds.
    """
    from PIL import Image

    fn = "gif_of"
    if not isinstance(frames, (list, tuple)) or not 1 <= len(frames) <= 10_000:
        raise TypeError(f"{fn}: frames must be a list of 1 to 10000 RGB frames (H, W, 3), got "
                        f"{type(frames).__name__}{f' of {len(frames)}' if isinstance(frames, (list, tuple)) else ''}")
    for n, f in enumerate(frames):
        _check_rgb(fn, f, f"frames[{n}]")
        if f.shape != frames[0].shape:
            raise ValueError(f"{fn}: every frame must have one shape; frames[0].shape={frames[0].shape}, "
                             f"frames[{n}].shape={f.shape}")
    frame_ms = check_int(frame_ms, "frame_ms", fn, 10, 655_350)
    last_ms = check_int(last_ms, "last_ms", fn, 10, 655_350)
    pixels = len(frames) * frames[0].shape[0] * frames[0].shape[1]
    check_alloc(fn, pixels * 24, f"a GIF of {len(frames)} frames of shape {frames[0].shape}")
    # a colour table over all 2**24 colours (144 MiB) is fastest; under a smaller allocation limit, sort instead
    table = (1 << 24) * 9 + pixels * 24 <= alloc_limit()

    packed = [(f[..., 0].astype(np.uint32) << 16 | f[..., 1].astype(np.uint32) << 8 | f[..., 2]).ravel() for f in frames]
    if table:
        counts = np.bincount(np.concatenate(packed), minlength=1 << 24)
        seen = np.flatnonzero(counts)
        counts = counts[seen]
    else:
        seen, counts = np.unique(np.concatenate(packed), return_counts=True)
        seen, counts = seen.astype(np.int64), counts.astype(np.int64)
    top = seen[np.lexsort((seen, -counts))[:255]]  # most frequent first, then by colour
    palette = np.stack([(top >> 16) & 255, (top >> 8) & 255, top & 255], axis=1).astype(np.int64)
    rgb = np.stack([(seen >> 16) & 255, (seen >> 8) & 255, seen & 255], axis=1).astype(np.int64)
    nearest = np.concatenate([np.argmin(((chunk[:, None, :] - palette[None]) ** 2).sum(-1), axis=1)
                              for chunk in np.array_split(rgb, max(1, len(rgb) // 4096))])
    if table:
        lut = np.zeros(1 << 24, dtype=np.uint8)
        lut[seen] = nearest

        def indices(p):
            return lut[p]
    else:
        nearest8 = nearest.astype(np.uint8)

        def indices(p):
            return nearest8[np.searchsorted(seen, p)]
    flat_palette = palette.astype(np.uint8).ravel().tolist() + [255, 255, 255] * (256 - len(palette))
    images, previous = [], None
    h, w = frames[0].shape[:2]
    for p in packed:
        index = indices(p).reshape(h, w)
        shown = index.copy()
        if previous is not None:
            shown[index == previous] = 255
        previous = index
        im = Image.fromarray(shown, mode="P")
        im.putpalette(flat_palette)
        images.append(im)
    buf = io.BytesIO()
    durations = [frame_ms] * (len(images) - 1) + [last_ms]
    images[0].save(buf, format="gif", save_all=True, append_images=images[1:], duration=durations, loop=0, disposal=1,
                   transparency=255, optimize=False)
    return buf.getvalue()


def _frame(drawing, state) -> np.ndarray:
    """drawing (a bplib.viz Drawing) showing state, one of its steps' states, as an RGB frame (H, W, 3) of uint8."""
    from ..viz.panels import Drawing

    if not isinstance(drawing, Drawing):
        raise TypeError(f"_frame: drawing must be a bplib.viz drawing (what draw_<name> returns), got {type(drawing).__name__}")
    drawing.check_state(state, "_frame")
    drawing.update(state)
    return np.array(drawing.render()[..., :3])


def build(name: str, lang: str = "en") -> dict:
    """{file name: bytes} of one registered figure in lang ("en" or "zh"), drawn from np.random.default_rng(SEED)."""
    import matplotlib

    if not isinstance(name, str):
        raise TypeError(f"build: name must be a str, one of {', '.join(FIGURES)}, got {type(name).__name__}")
    if name not in FIGURES:
        raise ValueError(f"build: no figure named {name!r}; the registry has {', '.join(FIGURES)}")
    check_language(lang, "build")
    spec = FIGURES[name]
    with matplotlib.rc_context(), language(lang):
        matplotlib.rcdefaults()  # a teacher's matplotlibrc must not change the committed files
        matplotlib.rcParams.update(RC)
        if lang != "en":  # English keeps matplotlib's defaults exactly; other languages add the bundled CJK font
            from ..viz.text import cjk_rc

            matplotlib.rcParams.update(cjk_rc())
        made = spec.draw(np.random.default_rng(SEED), **spec.params)
        out = {}
        if isinstance(made, Animation):
            seq = made.steps
            drawing = made.draw(None, seq.state(0), seq)
            out[f"{name}.gif"] = gif_of([_frame(drawing, seq.state(k)) for k in frame_steps(seq.n_steps)], made.frame_ms)
            out[f"{name}.png"] = png_of(_frame(drawing, seq.state(made.key)))
        else:
            for fmt in spec.formats:
                out[f"{name}.{fmt}"] = save_figure(made, fmt)
    expected = {f"{name}.{fmt}" for fmt in spec.formats}
    if set(out) != expected:
        raise RuntimeError(f"bplib.figures: {name} made {sorted(out)}, the registry says {sorted(expected)}")
    return out


def build_all(out_dir=None, names=None, verbose: bool = True, langs=LANGUAGES) -> dict:
    """Write the registered figures (all, or names) in each of langs into out_dir (default: the repository's figures/).

    English files go into out_dir, Chinese ones into out_dir/zh. Returns {name or "zh/name": seconds}.
    """
    if out_dir is None:
        if FIGURES_DIR is None:
            raise ValueError("build_all: bplib is installed as a package, so there is no repository figures/ folder; "
                             "pass out_dir (python -m bplib.figures --out DIR)")
        out_dir = FIGURES_DIR
    langs = [check_language(lang, "build_all") for lang in ([langs] if isinstance(langs, str) else langs)]
    timings = {}
    for lang in langs:
        folder = Path(out_dir) / SUBDIR[lang]
        folder.mkdir(parents=True, exist_ok=True)
        for name in names or FIGURES:
            t0 = time.perf_counter()
            made = build(name, lang)
            for filename, data in made.items():
                (folder / filename).write_bytes(data)
            key = f"{SUBDIR[lang]}/{name}" if SUBDIR[lang] else name
            timings[key] = time.perf_counter() - t0
            if verbose:
                sizes = ", ".join(f"{f} {len(data) / 1024:.0f} kB" for f, data in sorted(made.items()))
                print(f"{key:19s} {timings[key]:5.1f} s  {sizes}")
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bplib.figures", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"figures to build (default: all): {', '.join(FIGURES)}")
    parser.add_argument("--out", default=None, help="output folder (default: figures/ of the repository)")
    parser.add_argument("--lang", default="all", choices=[*LANGUAGES, "all"],
                        help="language of the figures: en (into the folder), zh (into its zh/), or all (default)")
    args = parser.parse_args(argv)
    if args.out is None:
        if FIGURES_DIR is None:
            parser.error(f"bplib is installed as a package ({ROOT}), not run from the course's repository, so there is "
                         "no figures/ folder to write into; name one with --out DIR")
        args.out = str(FIGURES_DIR)
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    t0 = time.perf_counter()
    langs = LANGUAGES if args.lang == "all" else (args.lang,)
    build_all(args.out, args.names or None, langs=langs)
    print(f"{len(args.names or FIGURES)} figures × {len(langs)} language(s) in {time.perf_counter() - t0:.1f} s -> {args.out}")
    return 0
