"""Notebooks 01 and 02 in figures: the plain forward pass, and one ∂o/∂v_jk by dual numbers.

The scalar and vectorized passes are timed by the coursekit functions that the notebooks use.
Run: python benchmarks/bench_forward.py
"""

import statistics


import numpy as np

import coursekit
from machine import machine_info  # benchmarks/ is on the path of a script run from it
from coursekit import format_duration, forward
from diffType import diffType

FLOPS = 2 * 784 * 784 + 2 * 784 + 2 * 784 * 10 + 10  # one forward pass (notebook 01)


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
            return MinimalDual(self.value * other.value,
                               self.dvalue * other.value + self.value * other.dvalue)
        return MinimalDual(self.value * other, self.dvalue * other)

    def __gt__(self, other):
        return self.value > (other.value if isinstance(other, MinimalDual) else other)

    __radd__, __rmul__ = __add__, __mul__


def scalar_rows(p, parameters, repeat=3):
    """diffType against MinimalDual in coursekit.scalar_forward_mode, alternating repeats so
    that both see the same machine load; medians."""
    runs = {diffType: [], MinimalDual: []}
    for _ in range(repeat):
        for number_type, found in runs.items():
            found.append(coursekit.scalar_forward_mode(number_type, p, parameters))
    derivatives = [[o.dvalue for o in found[-1].outputs] for found in runs.values()]
    assert np.allclose(*derivatives, rtol=1e-14) and derivatives[0][2] > 0
    build, minimal_build = (statistics.median(run.build_seconds for run in found)
                            for found in runs.values())
    passes, minimal_passes = (statistics.median(run.pass_seconds for run in found)
                              for found in runs.values())
    return [
        ("scalar diffType, one ∂o/∂v_jk: building the duals", format_duration(build), ""),
        ("scalar diffType, one ∂o/∂v_jk: the pass", format_duration(passes), ""),
        ("minimal __slots__ dual: building", format_duration(minimal_build), ""),
        ("minimal __slots__ dual: the pass", format_duration(minimal_passes), ""),
        ("scalar diffType / minimal dual, the pass", f"{passes / minimal_passes:.2f}", "≤ 1.5"),
    ], passes


def run():
    """Rows of (figure, value, goal), timed on one core as the notebooks time them."""
    with coursekit.on_one_core():
        return figures()


def figures():
    p, _ = coursekit.load_test_image()
    parameters = coursekit.uniform_parameters(seed=0)
    plain = coursekit.measure_in_turns({"plain": lambda: forward(p, *parameters)})["plain"]
    square = np.random.default_rng(2).random((1024, 1024))
    peak = 2 * 1024**3 / coursekit.measure_in_turns({"peak": lambda: square @ square})["peak"]
    _, all_dual = coursekit.vectorized_forward_mode(diffType, p, parameters)
    _, only_v = coursekit.vectorized_forward_mode(diffType, p, parameters, only_seeded=True)
    rows, scalar_pass = scalar_rows(p, parameters)
    return [
        ("plain forward pass, one image (float64)", format_duration(plain), ""),
        ("plain forward pass: speed on one core", f"{FLOPS / plain / 1e9:.1f} GFLOP/s", ""),
        ("1024×1024 matmul: peak of one core", f"{peak / 1e9:.1f} GFLOP/s", ""),
        *rows,
        ("vectorized diffType, every parameter a dual", format_duration(all_dual), ""),
        ("vectorized (every parameter dual) / plain forward", f"{all_dual / plain:.2f}", "≤ 3"),
        ("vectorized diffType, only v a dual", format_duration(only_v), ""),
        ("vectorized (only v dual) / plain forward", f"{only_v / plain:.2f}", "≤ 3"),
        ("scalar diffType pass / vectorized diffType", f"{scalar_pass / all_dual:,.0f}", ""),
    ]


if __name__ == "__main__":
    print(machine_info())
    coursekit.print_table(["figure", "value", "goal"], run())
