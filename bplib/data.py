"""MNIST: the shipped test set (checked by SHA-256) and a reader for the user's full MNIST.

    (x_train, y_train), (x_test, y_test) = load_mnist()

Images come back float32 in [0, 1], shaped (N, 1, 28, 28) (NCHW, one channel); labels
int64 in 0..9. Nothing here touches the network: the shipped files sit in bplib/data/
(see its README.md for provenance, licence and checksums), the full MNIST is read from a
folder the user names.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import numbers
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = ["load_mnist", "read_idx", "mnist_split", "DATA_DIR", "SHIPPED", "ENV_VAR", "HELD_OUT_EVERY"]

DATA_DIR = Path(__file__).resolve().parent / "data"
ENV_VAR = "BPLIB_MNIST"

# SHA-256 of the shipped .gz files, as published in bplib/data/README.md.
SHIPPED = {
    "t10k-images-idx3-ubyte.gz": "ba05d2d6e06f59dd97d2d5378250478bb5c9b64296a5c2681700569121e3a2d7",
    "t10k-labels-idx1-ubyte.gz": "94088eab8a64f51a9b34cc9716f54b6548ef8b2fd16ada6d1575091b933dbf4b",
}

# The course's split of the shipped 10,000: image i is held out when i % 5 == 4.
HELD_OUT_EVERY = 5

FULL = {  # the four standard MNIST files, without .gz
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

_IDX = {  # kind -> (magic, number of dimensions)
    "images": (2051, 3),
    "labels": (2049, 1),
}


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in .gz; a damaged gzip stream is a ValueError."""
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (EOFError, OSError, zlib.error) as e:  # truncated stream, bad magic, bad CRC
        raise ValueError(f"load_mnist: {path} is not a readable gzip file ({e}); the file is corrupt or truncated") from e


def read_idx(path, kind: str) -> np.ndarray:
    """Read one IDX file (gzipped or not) and validate its header against its size.

    kind is "images" -> uint8 (count, rows, cols), or "labels" -> uint8 (count,).
    The header is big-endian: magic (2051 images, 2049 labels), then one uint32 per
    dimension; then one unsigned byte per pixel or label, nothing more, nothing less.
    """
    if not isinstance(kind, str) or kind not in _IDX:
        raise ValueError(f"read_idx: kind must be 'images' or 'labels', got {kind!r}")
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise TypeError(f"read_idx: path must be a file name (str or Path), got {path!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_idx: {path} is not a file")
    magic_want, ndim = _IDX[kind]
    data = _read_bytes(path)
    header_len = 4 + 4 * ndim
    magic = int.from_bytes(data[0:4], "big") if len(data) >= 4 else None
    if magic is not None and magic != magic_want:
        raise ValueError(
            f"read_idx: {path} has magic number {magic} (0x{magic:08x}), expected {magic_want} "
            f"(0x{magic_want:08x}) for IDX {kind}; is it the right file?"
        )
    if len(data) < header_len:
        raise ValueError(f"read_idx: {path} has {len(data)} bytes, fewer than the {header_len}-byte IDX {kind} header")
    dims = tuple(int.from_bytes(data[4 + 4 * k : 8 + 4 * k], "big") for k in range(ndim))
    expected = header_len + math.prod(dims)  # exact: a damaged header must not overflow
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing bytes"
        raise ValueError(
            f"read_idx: {path} is {what}: its header says {kind} of shape {dims}, i.e. {expected} bytes "
            f"with the header, but it has {len(data)}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(dims)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _to_arrays(images: np.ndarray, labels: np.ndarray, where: str):
    """uint8 images (N, 28, 28) and labels (N,) -> float32 (N, 1, 28, 28) in [0, 1], int64 (N,)."""
    if images.shape[1:] != (28, 28):
        side = "x".join(map(str, images.shape[1:]))
        raise ValueError(f"load_mnist: {where}: images are {side}, expected 28x28 (shape {images.shape})")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"load_mnist: {where}: {images.shape[0]} images but {labels.shape[0]} labels")
    if labels.size and labels.max() > 9:
        raise ValueError(f"load_mnist: {where}: labels must be digits 0..9, found {int(labels.max())}")
    x = (images.astype(np.float32) / np.float32(255))[:, None, :, :]
    return x, labels.astype(np.int64)


def mnist_split(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The course's fixed split of n images: (train indices, held-out indices).

    Image i is held out when i % 5 == 4, so 10,000 images give 8,000 / 2,000. No
    randomness: the split is the same on every machine and NumPy version.
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise TypeError(f"mnist_split: n must be an integer (the number of images), got {n!r}")
    if not 0 <= n <= 10**9:
        raise ValueError(f"mnist_split: n must be between 0 and 1e9 images, got n={n}")
    i = np.arange(n)
    held = i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
    return i[~held], i[held]


def _load_shipped():
    """The shipped t10k files in DATA_DIR, verified by SHA-256, split 8,000 / 2,000."""
    folder = Path(DATA_DIR)
    arrays = {}
    for name, digest in SHIPPED.items():
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"load_mnist: the shipped file {path} is missing; reinstall bplib (pip install -e .)")
        got = _sha256(path)
        if got != digest:
            raise ValueError(
                f"load_mnist: {path} is corrupt or truncated: its SHA-256 is {got}, expected {digest} "
                f"({path.stat().st_size} bytes); restore it from the repository (git checkout -- bplib/data) or reinstall bplib"
            )
        arrays[name] = read_idx(path, "images" if "images" in name else "labels")
    x, y = _to_arrays(arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"], "shipped test set")
    train, test = mnist_split(len(y))
    return (x[train], y[train]), (x[test], y[test])


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"load_mnist: {folder} has no {stem} (nor {stem}.gz); a full-MNIST folder must hold the four files "
        + ", ".join(FULL.values())
        + " (each gzipped or not)"
    )


def _load_full(folder) -> tuple:
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"load_mnist: path {str(folder)!r} is not a folder; give the folder that holds "
            + ", ".join(FULL.values())
            + f" (gzipped or not), or unset {ENV_VAR} / pass path=None for the shipped test set"
        )
    raw = {key: read_idx(_find(folder, stem), key.split("_")[1]) for key, stem in FULL.items()}
    train = _to_arrays(raw["train_images"], raw["train_labels"], f"{folder}/train-*")
    test = _to_arrays(raw["test_images"], raw["test_labels"], f"{folder}/t10k-*")
    return train, test


def load_mnist(path=None):
    """MNIST as ((x_train, y_train), (x_test, y_test)); x float32 (N, 1, 28, 28) in [0, 1], y int64 (N,).

    path=None (and no BPLIB_MNIST environment variable): the shipped 10,000-image test
    set, checked by SHA-256 and split 8,000 training / 2,000 held out (image i is held
    out when i % 5 == 4; see bplib/data/README.md).
    path="folder" (or BPLIB_MNIST="folder"): the user's full MNIST, the four standard IDX
    files, gzipped or not: 60,000 training / 10,000 test images, headers validated.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    if path is None:
        return _load_shipped()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_mnist: path must be a folder name (str or Path) or None, got {type(path).__name__}")
    if not str(path).strip():
        raise ValueError("load_mnist: path is an empty string; give the full-MNIST folder, or path=None for the shipped test set")
    return _load_full(path)
