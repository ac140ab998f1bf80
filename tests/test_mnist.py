"""coursekit.ensure_mnist: checksummed, atomic, offline-safe. Never touches the network."""

import gzip
import shutil

import numpy as np
import pytest

import coursekit
from coursekit import MNIST_MD5, MNISTError, ensure_mnist, mnist_arrays

NAMES = list(MNIST_MD5)
SMALL = "t10k-labels-idx1-ubyte"  # 10 kB: cheap to copy and corrupt


@pytest.fixture
def no_source_variable(monkeypatch):
    monkeypatch.delenv(coursekit.SOURCE_VARIABLE, raising=False)


def copy_source(mnist_source, folder, unzip=()):
    """A copy of the offline source. The big files keep the form the source has (gzipped or not);
    SMALL is stored plain if named in unzip, gzipped otherwise."""
    folder.mkdir()
    for name in NAMES:
        packed = (mnist_source / f"{name}.gz").is_file()
        source = mnist_source / (f"{name}.gz" if packed else name)
        if name != SMALL:
            shutil.copy(source, folder)
            continue
        with (gzip.open if packed else open)(source, "rb") as data:
            content = data.read()
        if name in unzip:
            (folder / name).write_bytes(content)
        else:
            (folder / f"{name}.gz").write_bytes(gzip.compress(content))
    return folder


def flip_one_byte(path, offset=-20):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_happy_path_verifies_and_is_idempotent(tmp_path, mnist_source, no_source_variable):
    raw = ensure_mnist(tmp_path, source=mnist_source, download=False)
    assert sorted(p.name for p in raw.iterdir()) == sorted(NAMES)  # no temporary files left behind
    assert all(coursekit.mnist._md5(raw / name) == MNIST_MD5[name] for name in NAMES)
    mtimes = {name: (raw / name).stat().st_mtime_ns for name in NAMES}
    ensure_mnist(tmp_path, source=tmp_path / "not-needed", download=False)
    assert {name: (raw / name).stat().st_mtime_ns for name in NAMES} == mtimes


def test_source_may_hold_uncompressed_files_and_comes_from_the_variable(tmp_path, mnist_source, monkeypatch):
    source = copy_source(mnist_source, tmp_path / "usb", unzip=[SMALL])
    monkeypatch.setenv(coursekit.SOURCE_VARIABLE, str(source))
    raw = ensure_mnist(tmp_path / "data", download=False)
    assert coursekit.mnist._md5(raw / SMALL) == MNIST_MD5[SMALL]


def test_test_image_123_is_a_six(tmp_path, mnist_source):
    data = mnist_arrays(tmp_path, source=mnist_source, download=False)
    assert data.train_images.shape == (60_000, 784) and data.test_images.shape == (10_000, 784)
    assert data.train_images.dtype == np.uint8 and data.test_labels.dtype == np.int64
    assert data.test_labels[123] == 6 and not data.test_images.flags.writeable  # shared: read-only
    p, label = coursekit.load_test_image(123, root=tmp_path)
    assert label == 6 and p.shape == (784,) and 0.0 <= p.min() and p.max() == 1.0
    assert np.array_equal(p * 255, data.test_images[123])


def test_a_file_that_is_not_idx_is_refused(tmp_path):
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x03" + bytes(20))
    with pytest.raises(MNISTError, match="not an MNIST IDX file"):
        coursekit.mnist._read_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, header=8)


def test_offline_without_source_says_what_to_do(tmp_path, no_source_variable):
    with pytest.raises(MNISTError, match="downloading is switched off. Set MNIST_SOURCE"):
        ensure_mnist(tmp_path, download=False)


def test_failed_download_says_what_to_do(tmp_path, no_source_variable, monkeypatch):
    def offline(*args, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")
    monkeypatch.setattr("torchvision.datasets.MNIST", offline)
    with pytest.raises(MNISTError, match=r"(?s)could not be downloaded.*Offline\? .*MNIST_SOURCE=/path"):
        ensure_mnist(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["MNIST"]  # the scratch folder is gone


def test_download_goes_through_checks(tmp_path, mnist_source, no_source_variable, monkeypatch):
    def fake_download(root, train, download):  # writes what torchvision would, offline
        ensure_mnist(root, source=mnist_source, download=False)
    monkeypatch.setattr("torchvision.datasets.MNIST", fake_download)
    raw = ensure_mnist(tmp_path / "data")
    assert all(coursekit.mnist._md5(raw / name) == MNIST_MD5[name] for name in NAMES)


def test_source_missing_a_file_is_named(tmp_path, mnist_source, no_source_variable):
    source = copy_source(mnist_source, tmp_path / "usb")
    (source / f"{SMALL}.gz").unlink()
    with pytest.raises(MNISTError, match=f"has neither {SMALL} nor {SMALL}.gz"):
        ensure_mnist(tmp_path / "data", source=source, download=False)


@pytest.mark.parametrize("damage", ["flip a byte of the gzip", "flip a byte of the plain file", "truncate"])
def test_corrupt_source_is_named_with_its_md5_and_never_used(tmp_path, mnist_source, no_source_variable, damage):
    source = copy_source(mnist_source, tmp_path / "usb", unzip=[SMALL] if "plain" in damage else [])
    bad = source / (SMALL if "plain" in damage else f"{SMALL}.gz")
    if damage == "truncate":
        bad.write_bytes(bad.read_bytes()[:1000])
    else:
        flip_one_byte(bad)
    with pytest.raises(MNISTError, match=f"{bad}.*{MNIST_MD5[SMALL]}"):
        ensure_mnist(tmp_path / "data", source=source, download=False)
    raw = tmp_path / "data" / "MNIST" / "raw"
    assert not (raw / SMALL).exists() and not any(p.name.startswith(".") for p in raw.iterdir())


def test_good_copy_is_never_replaced_and_a_bad_copy_is_repaired(tmp_path, mnist_source, no_source_variable):
    raw = ensure_mnist(tmp_path / "data", source=mnist_source, download=False)
    corrupt_source = copy_source(mnist_source, tmp_path / "usb")
    flip_one_byte(corrupt_source / f"{SMALL}.gz")
    ensure_mnist(tmp_path / "data", source=corrupt_source, download=False)  # nothing missing: untouched
    assert coursekit.mnist._md5(raw / SMALL) == MNIST_MD5[SMALL]

    flip_one_byte(raw / SMALL)  # the copy in data/ goes bad
    with pytest.raises(MNISTError, match="corrupt"):
        mnist_arrays(tmp_path / "data", source=corrupt_source, download=False)  # never loads the bad file
    with pytest.raises(MNISTError, match=f"{SMALL}.*missing or corrupt"):
        ensure_mnist(tmp_path / "data", source=None, download=False)
    ensure_mnist(tmp_path / "data", source=mnist_source, download=False)  # a good source repairs it
    assert coursekit.mnist._md5(raw / SMALL) == MNIST_MD5[SMALL]
