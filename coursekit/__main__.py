"""python -m coursekit: fetch and verify MNIST into data/."""

import sys

from .mnist import MNISTError, ensure_mnist

try:
    print(f"MNIST verified in {ensure_mnist()}")
except MNISTError as error:
    sys.exit(f"error: {error}")
