"""Notebooks 01 and 02 in figures: the plain forward pass, and one ∂o/∂v_ij by dual numbers.

Run: python benchmarks/bench_forward.py
"""

import statistics
import time

import numpy as np

import coursekit
from coursekit import forward, forward_loops, load_test_image, measure, nested_lists, uniform_parameters
from diffType import diffType


class MinimalDual:
    """The least a dual number needs for forward_loops: the yardstick for diffType's overhead."""
    __slots__ = ("value", "dvalue")

    def __init__(self, value, dvalue=0.0):
        self.value, self.dvalue = value, dvalue

    def __add__(self, other):
        if isinstance(other, MinimalDual):
            return MinimalDual(self.value + other.value, self.dvalue + other.dvalue)
        return MinimalDual(self.value + other, self.dvalue)

    def __mul__(self, other):
        if isinstance(other, MinimalDual):
            return MinimalDual(self.value * other.value, self.dvalue * other.value + self.value * other.dvalue)
        return MinimalDual(self.value * other, self.dvalue * other)

    def __gt__(self, other):
        return self.value > (other.value if isinstance(other, MinimalDual) else other)

    __radd__, __rmul__ = __add__, __mul__


FLOPS = 2 * 784 * 784 + 2 * 784 + 2 * 784 * 10 + 10  # one forward pass (notebook 01)


def scalar_pass(number_type, p, v, w, a, b, i=5, j=2):
    """Seconds to build every entry as a dual and run forward_loops, and the derivative it gives."""
    start = time.perf_counter()
    P, V, W, A, B = (nested_lists(x, number_type) for x in (p, v, w, a, b))
    V[i][j].dvalue = 1.0
    O = forward_loops(P, V, W, A, B)
    return time.perf_counter() - start, np.array([x.dvalue for x in O])


def run(repeat=3):
    """Rows of (figure, value, unit, goal)."""
    p, _ = load_test_image()
    v, w, a, b = uniform_parameters(seed=0)
    tangent = np.zeros_like(v)
    tangent[5, 2] = 1.0
    W, A, B = diffType(w), diffType(a), diffType(b)

    plain = measure(lambda: forward(p, v, w, a, b)).median
    square = np.random.default_rng(2).random((1024, 1024))
    peak = 2 * 1024**3 / measure(lambda: square @ square, repeat=3).median
    all_dual = measure(lambda: forward(p, diffType(v, tangent), W, A, B)).median
    only_v = measure(lambda: forward(p, diffType(v, tangent), w, a, b)).median
    scalar, minimal = [], []
    for _ in range(repeat):  # alternate, so that both see the same machine load
        seconds, dual_result = scalar_pass(diffType, p, v, w, a, b)
        scalar.append(seconds)
        seconds, minimal_result = scalar_pass(MinimalDual, p, v, w, a, b)
        minimal.append(seconds)
    assert np.allclose(dual_result, minimal_result, rtol=1e-14) and dual_result[2] > 0
    scalar, minimal = statistics.median(scalar), statistics.median(minimal)
    return [
        ("plain forward pass, one image (float64)", plain * 1e6, "µs", ""),
        ("plain forward pass: speed", FLOPS / plain / 1e9, "GFLOP/s", ""),
        ("1024×1024 matmul: peak of this machine", peak / 1e9, "GFLOP/s", ""),
        ("scalar diffType, one ∂o/∂v_ij (build + pass)", scalar, "s", ""),
        ("minimal __slots__ dual, same pass", minimal, "s", ""),
        ("scalar diffType / minimal dual", scalar / minimal, "×", "≤ 1.5"),
        ("vectorized diffType, w, a, b as duals", all_dual * 1e6, "µs", ""),
        ("vectorized (w, a, b dual) / plain forward", all_dual / plain, "×", "≤ 3"),
        ("vectorized diffType, only v a dual", only_v * 1e6, "µs", ""),
        ("vectorized (only v dual) / plain forward", only_v / plain, "×", "≤ 3"),
        ("scalar diffType / vectorized diffType", scalar / all_dual, "×", ""),
    ]


if __name__ == "__main__":
    from run_all import print_table
    print(coursekit.machine_info())
    print_table("Forward pass and forward mode (notebooks 01, 02)", run())
