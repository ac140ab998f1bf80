import os
from pathlib import Path

import pytest

import coursekit

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mnist_source():
    """The offline MNIST folder: $MNIST_SOURCE, else ../shared/mnist beside the checkout."""
    source = Path(os.environ.get(coursekit.SOURCE_VARIABLE) or REPO.parent / "shared" / "mnist")
    if not all((source / f"{name}.gz").is_file() or (source / name).is_file() for name in coursekit.MNIST_MD5):
        pytest.fail(f"The MNIST source folder {source} is incomplete; set {coursekit.SOURCE_VARIABLE}.")
    return source
