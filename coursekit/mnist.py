"""MNIST, checksummed: the four IDX files, verified by MD5, read with numpy.

`python -m coursekit` fetches and verifies MNIST into data/ (see `ensure_mnist`).
"""

import functools
import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .network import RUNNING_EXAMPLE


DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SOURCE_VARIABLE = "MNIST_SOURCE"  # a folder holding the four IDX files, gzipped or not
MNIST_MD5 = {  # MD5 of the uncompressed files, as published with MNIST
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


class MNISTError(RuntimeError):
    """MNIST is missing, cannot be fetched, or a file is corrupt."""


class MNIST(NamedTuple):
    train_images: np.ndarray  # (60000, 784) uint8, row by row
    train_labels: np.ndarray  # (60000,) int64
    test_images: np.ndarray  # (10000, 784) uint8
    test_labels: np.ndarray  # (10000,) int64


def mnist_arrays(root=None, source=None, download=True):
    """MNIST as read-only numpy arrays, verified by `ensure_mnist` (which takes the other
    arguments): uint8 images, one row of 784 pixels each, and int64 labels. Read with numpy rather
    than torchvision, so that notebooks that do not need torch never import it (importing torch
    costs about 0.5 GB of memory)."""
    raw = ensure_mnist(root or DATA_DIR, source, download)
    return MNIST(*_split(raw, "train"), *_split(raw, "t10k"))


def load_test_image(index=RUNNING_EXAMPLE, root=None):
    """Test image `index` as p, a float64 vector of 784 pixels in [0, 1], and its label."""
    images, labels = _split(ensure_mnist(root or DATA_DIR), "t10k")
    return images[index] / 255.0, int(labels[index])


@functools.lru_cache(maxsize=4)
def _split(raw, prefix):
    """(images, labels) of one split from the IDX files in raw; cached, so read-only."""
    images = _read_idx(raw / f"{prefix}-images-idx3-ubyte", 2051, header=16).reshape(-1, 784)
    labels = _read_idx(raw / f"{prefix}-labels-idx1-ubyte", 2049, header=8).astype(np.int64)
    labels.flags.writeable = False
    return images, labels


def _read_idx(path, magic, header):
    """The uint8 payload of an IDX file (big-endian int32 header: magic number, then sizes)."""
    with open(path, "rb") as file:
        found = int.from_bytes(file.read(4), "big")
        if found != magic:
            raise MNISTError(f"{path} is not an MNIST IDX file (magic number {found}, "
                             f"expected {magic}).")
        file.seek(header)
        data = np.fromfile(file, dtype=np.uint8)
    data.flags.writeable = False
    return data


def ensure_mnist(root=DATA_DIR, source=None, download=True):
    """Make sure root/MNIST/raw holds the four MNIST files, each with its published MD5.

    Missing or corrupt files come from `source` (default: the folder named by $MNIST_SOURCE), a
    folder holding the IDX files gzipped or not; without a source, torchvision downloads them if
    `download` is true. A file is checked before it is moved into place, so a bad copy is never
    used and never replaces a good one. Returns the raw folder.
    """
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    missing = [name for name in MNIST_MD5 if not _is_good(raw / name, name)]
    source = source or os.environ.get(SOURCE_VARIABLE)
    if missing and source:
        for name in missing:
            candidates = [Path(source) / name, Path(source) / f"{name}.gz"]
            source_file = next((path for path in candidates if path.is_file()), None)
            if source_file is None:
                raise MNISTError(f"The MNIST source folder {source} has neither {name} "
                                 f"nor {name}.gz.")
            _install(source_file, raw / name, name)
    elif missing and download:
        _download(Path(root), raw)
    elif missing:
        raise MNISTError(f"MNIST files {', '.join(missing)} are missing or corrupt in {raw}, and "
                         f"downloading is switched off. Set {SOURCE_VARIABLE} to a folder holding "
                         "the four MNIST IDX files (gzipped or not), or allow the download.")
    return raw


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_good(path, name):
    return path.is_file() and _md5(path) == MNIST_MD5[name]


def _install(source_file, target, name):
    """Copy source_file (gunzipping it if needed) to target atomically, only if its MD5 is right."""
    opener = gzip.open if source_file.suffix == ".gz" else open
    temporary = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{name}.", delete=False)
    with temporary as partial:
        try:
            with opener(source_file, "rb") as source:
                shutil.copyfileobj(source, partial)
        except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
            partial.close()
            os.unlink(partial.name)
            raise MNISTError(f"{source_file} is corrupt or truncated ({error}); expected the "
                             f"MNIST file {name} with MD5 {MNIST_MD5[name]}. Nothing was changed."
                             ) from None
    found = _md5(partial.name)
    if found != MNIST_MD5[name]:
        os.unlink(partial.name)
        raise MNISTError(f"{source_file} is corrupt or truncated: its content has MD5 {found}, "
                         f"expected {MNIST_MD5[name]} for {name}. It was not used; nothing was "
                         "changed.")
    os.replace(partial.name, target)  # atomic: readers see the old file or the good new one


def _download(root, raw):
    """Let torchvision download into a scratch folder; move over only files with the right MD5."""
    from torchvision import datasets
    with tempfile.TemporaryDirectory(dir=root, prefix=".mnist-download-") as scratch:
        try:
            for train in (True, False):
                datasets.MNIST(scratch, train=train, download=True)
        except Exception as error:
            raise MNISTError(
                f"MNIST is not in {raw} and could not be downloaded ({type(error).__name__}: "
                f"{error}).\nOffline? Put the four MNIST IDX files ({', '.join(MNIST_MD5)}, "
                f"gzipped or not) in a folder and run again with "
                f"{SOURCE_VARIABLE}=/path/to/that/folder."
            ) from None
        for name in MNIST_MD5:
            _install(Path(scratch) / "MNIST" / "raw" / name, raw / name, name)
