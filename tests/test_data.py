"""The shipped MNIST (checked by SHA-256, split 8,000 / 2,000) and the full-MNIST reader.

Corrupt, truncated and wrong files are made in tmp_path; the "full MNIST" is a tiny fake
folder of valid IDX files written here, gzipped and not.
"""

import gzip
import hashlib
import re
import shutil
import socket

import numpy as np
import pytest

import bplib as bp
import bplib.data as bd

# Published with the MNIST test set (and in bplib/data/README.md): digits 0..9.
DIGIT_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def shipped():
    return bp.load_mnist()


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv(bd.ENV_VAR, raising=False)


def _raw_idx(path, header):
    """An independent parse: gunzip, skip the header, one byte per value."""
    return np.frombuffer(gzip.decompress(path.read_bytes()), dtype=np.uint8, offset=header)


# --- the shipped test set ----------------------------------------------------------------


def test_shipped_split_sizes_dtypes_ranges(shipped):
    (x_train, y_train), (x_test, y_test) = shipped
    assert x_train.shape == (8000, 1, 28, 28) and x_test.shape == (2000, 1, 28, 28)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    for x in (x_train, x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(np.r_[y_train, y_test])) == set(range(10))


def test_shipped_digit_counts(shipped):
    (_, y_train), (_, y_test) = shipped
    assert np.bincount(np.r_[y_train, y_test], minlength=10).tolist() == DIGIT_COUNTS


def test_shipped_split_is_every_fifth_image_and_deterministic(shipped):
    (x_train, y_train), (x_test, y_test) = shipped
    images = _raw_idx(bd.DATA_DIR / "t10k-images-idx3-ubyte.gz", 16).reshape(10000, 28, 28)
    labels = _raw_idx(bd.DATA_DIR / "t10k-labels-idx1-ubyte.gz", 8)
    held = np.arange(10000) % 5 == 4
    np.testing.assert_array_equal(y_test, labels[held])
    np.testing.assert_array_equal(y_train, labels[~held])
    np.testing.assert_array_equal(x_test[:, 0], images[held] / np.float32(255))
    np.testing.assert_array_equal(x_train[:, 0], images[~held] / np.float32(255))
    (x2, y2), (xt2, yt2) = bp.load_mnist()
    for a, b in zip((x_train, y_train, x_test, y_test), (x2, y2, xt2, yt2)):
        np.testing.assert_array_equal(a, b)
    x2[0] = 5  # each call hands out its own arrays
    assert bp.load_mnist()[0][0].max() == 1.0
    train, test = bp.mnist_split(10)
    assert train.tolist() == [0, 1, 2, 3, 5, 6, 7, 8] and test.tolist() == [4, 9]


def test_shipped_checksums_match_readme_and_files():
    readme = (bd.DATA_DIR / "README.md").read_text()
    for name, digest in bd.SHIPPED.items():
        assert re.search(rf"{re.escape(name)} \| {digest}", readme), f"README's SHA-256 for {name} differs from data.py"
        assert hashlib.sha256((bd.DATA_DIR / name).read_bytes()).hexdigest() == digest
    assert "CC BY-SA 3.0" in readme and "LeCun" in readme


def test_loading_never_touches_the_network(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("load_mnist tried to open a network socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    bp.load_mnist()
    _fake_full_mnist(tmp_path, gz=True)
    bp.load_mnist(path=tmp_path)


def _copy_shipped(tmp_path, monkeypatch):
    for name in bd.SHIPPED:
        shutil.copy(bd.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(bd, "DATA_DIR", tmp_path)
    return tmp_path / "t10k-images-idx3-ubyte.gz"


def test_shipped_copy_loads(tmp_path, monkeypatch, shipped):
    _copy_shipped(tmp_path, monkeypatch)
    np.testing.assert_array_equal(bp.load_mnist()[1][1], shipped[1][1])


def test_corrupt_shipped_file_is_refused(tmp_path, monkeypatch):
    images = _copy_shipped(tmp_path, monkeypatch)
    data = bytearray(images.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle
    images.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte.gz is corrupt or truncated: its SHA-256 is [0-9a-f]{64}, expected ba05"):
        bp.load_mnist()


def test_truncated_shipped_file_is_refused(tmp_path, monkeypatch):
    images = _copy_shipped(tmp_path, monkeypatch)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte.gz is corrupt or truncated.*1000 bytes"):
        bp.load_mnist()
    images.unlink()
    with pytest.raises(FileNotFoundError, match=r"shipped file .*t10k-images-idx3-ubyte.gz is missing"):
        bp.load_mnist()


# --- read_idx on damaged files -------------------------------------------------------------


def _idx(magic, dims, payload: bytes) -> bytes:
    return magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in dims) + payload


@pytest.mark.parametrize(
    "content, kind, message",
    [
        (_idx(2049, [3], bytes(3)), "images", r"magic number 2049 \(0x00000801\), expected 2051 \(0x00000803\) for IDX images"),
        (_idx(2051, [2, 2, 2], bytes(8)), "labels", r"magic number 2051 .*expected 2049"),
        (_idx(2051, [2, 28, 28], bytes(2 * 784 - 1)), "images", r"is truncated: its header says images of shape \(2, 28, 28\), i.e. 1584 bytes"),
        (_idx(2049, [4], bytes(5)), "labels", r"has trailing bytes: .*labels of shape \(4,\)"),
        (b"\x00\x00\x08\x03\x00\x00", "images", r"has 6 bytes, fewer than the 16-byte IDX images header"),
        (b"", "labels", r"has 0 bytes"),
    ],
    ids=["labels-magic-as-images", "images-magic-as-labels", "truncated", "trailing", "short-header", "empty"],
)
def test_read_idx_refuses_bad_headers(tmp_path, content, kind, message):
    path = tmp_path / "file-idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        bp.read_idx(path, kind)
    gz = tmp_path / "file-idx.gz"  # the same check through gzip
    gz.write_bytes(gzip.compress(content))
    with pytest.raises(ValueError, match=message):
        bp.read_idx(gz, kind)


def test_read_idx_refuses_broken_gzip(tmp_path):
    good = gzip.compress(_idx(2049, [1000], bytes(range(10)) * 100))
    (tmp_path / "cut.gz").write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"cut.gz is not a readable gzip file .*corrupt or truncated"):
        bp.read_idx(tmp_path / "cut.gz", "labels")
    (tmp_path / "plain.gz").write_bytes(_idx(2049, [1], b"\x03"))  # not gzipped at all
    with pytest.raises(ValueError, match=r"plain.gz is not a readable gzip file"):
        bp.read_idx(tmp_path / "plain.gz", "labels")
    with pytest.raises(ValueError, match=r"kind must be 'images' or 'labels'"):
        bp.read_idx(tmp_path / "plain.gz", "pixels")


def test_read_idx_reads_what_was_written(tmp_path, rng):
    pixels = rng.integers(0, 256, (3, 5, 4), dtype=np.uint8)
    (tmp_path / "x").write_bytes(_idx(2051, pixels.shape, pixels.tobytes()))
    got = bp.read_idx(tmp_path / "x", "images")
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, pixels)


# --- the user's full MNIST ------------------------------------------------------------------


def _fake_full_mnist(folder, gz, n_train=12, n_test=5, side=28, seed=1, label_max=9):
    """Write the four standard IDX files (valid, tiny) into folder; return {split: (images, labels)}."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
        labels = rng.integers(0, label_max + 1, n, dtype=np.uint8)
        for stem, magic, a in ((f"{split}-images-idx3-ubyte", 2051, images), (f"{split}-labels-idx1-ubyte", 2049, labels)):
            content = _idx(magic, a.shape, a.tobytes())
            gzipped = gz if isinstance(gz, bool) else stem.startswith(gz)  # gz="train": only the train files
            if gzipped:
                (folder / (stem + ".gz")).write_bytes(gzip.compress(content))
            else:
                (folder / stem).write_bytes(content)
        arrays[split] = (images, labels)
    return arrays


@pytest.mark.parametrize("gz", [True, False, "train"])
def test_full_mnist_folder_loads(tmp_path, gz):
    arrays = _fake_full_mnist(tmp_path, gz)
    (x_train, y_train), (x_test, y_test) = bp.load_mnist(path=tmp_path)
    for (x, y), split in (((x_train, y_train), "train"), ((x_test, y_test), "t10k")):
        images, labels = arrays[split]
        assert x.shape == (len(labels), 1, 28, 28) and x.dtype == np.float32
        assert y.dtype == np.int64
        np.testing.assert_array_equal(x[:, 0] * 255, images.astype(np.float32))
        np.testing.assert_array_equal(y, labels)
        assert 0 <= x.min() and x.max() <= 1


def test_full_mnist_from_environment_variable(tmp_path, monkeypatch):
    _fake_full_mnist(tmp_path, True, n_train=7)
    monkeypatch.setenv(bd.ENV_VAR, str(tmp_path))
    assert bp.load_mnist()[0][0].shape == (7, 1, 28, 28)
    monkeypatch.setenv(bd.ENV_VAR, "")  # empty: the shipped set
    assert bp.load_mnist()[0][0].shape == (8000, 1, 28, 28)
    monkeypatch.setenv(bd.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=r"nowhere' is not a folder.*unset BPLIB_MNIST"):
        bp.load_mnist()


def test_full_mnist_wrong_or_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"is not a folder; give the folder that holds train-images-idx3-ubyte"):
        bp.load_mnist(path=tmp_path / "missing")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match=r"is not a folder"):
        bp.load_mnist(path=str(tmp_path / "file"))
    _fake_full_mnist(tmp_path, True)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"has no train-labels-idx1-ubyte \(nor train-labels-idx1-ubyte.gz\)"):
        bp.load_mnist(path=tmp_path)
    with pytest.raises(TypeError, match=r"path must be a folder name"):
        bp.load_mnist(path=3)
    with pytest.raises(ValueError, match=r"empty string"):
        bp.load_mnist(path="")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(side=27), r"images are 27x27, expected 28x28"),
        (dict(label_max=12, n_train=40), r"labels must be digits 0..9, found 1[0-2]"),
    ],
)
def test_full_mnist_bad_content(tmp_path, kwargs, message):
    _fake_full_mnist(tmp_path, False, **kwargs)
    with pytest.raises(ValueError, match=message):
        bp.load_mnist(path=tmp_path)


def test_full_mnist_count_mismatch(tmp_path):
    _fake_full_mnist(tmp_path, False)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx(2049, [4], bytes(4)))
    with pytest.raises(ValueError, match=r"t10k-\*: 5 images but 4 labels"):
        bp.load_mnist(path=tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx(2049, [5], bytes(4)))  # header says 5, has 4
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte is truncated"):
        bp.load_mnist(path=tmp_path)
