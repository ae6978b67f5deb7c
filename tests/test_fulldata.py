"""The opt-in full datasets, tested offline on small files the tests write themselves."""

import gzip
import hashlib
import io
import pickle
import struct
import tarfile

import numpy as np
import pytest

from lib import data


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def mnist_source(tmp_path, monkeypatch):
    """Four tiny IDX files in a folder, served by file:// URLs, with their MD5s registered."""
    src = tmp_path / "src"
    src.mkdir()
    rng = np.random.default_rng(0)
    arrays = {"train_images": rng.integers(0, 256, (5, 28, 28)), "train_labels": np.arange(5),
              "test_images": rng.integers(0, 256, (3, 28, 28)), "test_labels": np.array([7, 8, 9])}
    files = {}
    for part, (name, _) in data.MNIST_FILES.items():
        write_idx(src / name, arrays[part])
        files[part] = (name, md5(src / name))
    monkeypatch.setattr(data, "MNIST_FILES", files)
    return src.as_uri() + "/", arrays


def test_mnist_downloads_verifies_parses_and_caches(mnist_source, tmp_path):
    url, arrays = mnist_source
    X_train, y_train, X_test, y_test = data.load_mnist(root=tmp_path / "cache", base_url=url)
    assert X_train.shape == (5, 28, 28) and X_train.dtype == np.uint8
    assert np.array_equal(X_train, arrays["train_images"]) and list(y_test) == [7, 8, 9]
    assert not list((tmp_path / "cache").glob("*.part"))
    # a second call reads the cache: the source may vanish
    for f in (tmp_path / "src").iterdir():
        f.unlink()
    assert np.array_equal(data.load_mnist(root=tmp_path / "cache", base_url=url)[1], arrays["train_labels"])


def test_a_corrupt_download_is_refused_and_leaves_nothing(mnist_source, tmp_path, monkeypatch):
    url, _ = mnist_source
    files = dict(data.MNIST_FILES)
    files["train_labels"] = (files["train_labels"][0], "0" * 32)
    monkeypatch.setattr(data, "MNIST_FILES", files)
    with pytest.raises(RuntimeError, match="MD5"):
        data.load_mnist(root=tmp_path / "cache", base_url=url)
    assert not (tmp_path / "cache" / files["train_labels"][0]).exists()


def test_offline_gives_a_clear_message(tmp_path):
    with pytest.raises(RuntimeError, match="offline"):
        data.fetch((tmp_path / "nowhere.gz").as_uri(), "0" * 32, tmp_path / "out.gz")


def test_read_idx_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "bad.gz"
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">HBB", 0, 0x08, 2) + struct.pack(">2I", 4, 4) + bytes(10))
    with pytest.raises(ValueError, match="promises"):
        data.read_idx(path)


def test_cifar10_parses_batches_into_images(tmp_path):
    rng = np.random.default_rng(1)
    archive = tmp_path / "cifar.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, n in [("data_batch_1", 2), ("data_batch_2", 2), ("test_batch", 1)]:
            batch = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"labels": list(range(n))}
            blob = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    X_train, y_train, X_test, y_test = data.load_cifar10(root=tmp_path / "cache", url=archive.as_uri(),
                                                         md5=md5(archive))
    assert X_train.shape == (4, 32, 32, 3) and X_test.shape == (1, 32, 32, 3)
    assert list(y_train) == [0, 1, 0, 1]
