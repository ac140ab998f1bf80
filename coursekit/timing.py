"""Timing as notebook 01 teaches it: timeit's autorange and repeats, on one core, in turns."""

import statistics
import sys
import time
import timeit
from typing import NamedTuple

from .display import format_duration


class Timing(NamedTuple):
    median: float  # seconds per call
    best: float
    worst: float
    calls: int  # calls per repeat, chosen by timeit's autorange

    def __str__(self):
        return (f"{format_duration(self.median)} per call (median of repeats, range "
                f"{format_duration(self.best)} to {format_duration(self.worst)}, "
                f"{self.calls} calls per repeat)")


def measure(function, repeat=5, min_seconds=0.2):
    """Time function() as notebook 01 teaches: autorange, then several repeats; seconds per call."""
    timer = timeit.Timer(function)
    calls, _ = timer.autorange()  # also a warm-up
    calls = max(1, int(calls * min_seconds / 0.2))
    per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]
    return Timing(statistics.median(per_call), min(per_call), max(per_call), calls)


class on_one_core:  # lowercase: it reads as an action, like contextlib.suppress
    """numpy's BLAS, and PyTorch if it is imported, compute on one CPU core: from this call on
    (`on_one_core()` in a notebook) or inside a `with on_one_core():` block. The notebooks time on
    one core (notebook 01): on a busy machine, threads split over cores wait for one another."""

    def __init__(self):
        from threadpoolctl import threadpool_limits
        self._torch = sys.modules.get("torch")  # importing it here would cost 0.5 GB
        self._torch_threads = self._torch and self._torch.get_num_threads()
        if self._torch:
            self._torch.set_num_threads(1)
        self._blas = threadpool_limits(limits=1, user_api="blas")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._blas.restore_original_limits()
        if self._torch:
            self._torch.set_num_threads(self._torch_threads)


def measure_in_turns(functions, rounds=10, seconds_per_turn=0.02):
    """The best seconds per call of each function in a dict {name: function}, in CPU time and
    timed in turns: each round runs every function for about seconds_per_turn. CPU time leaves
    out the waits for a core, and the turns expose all functions to the same machine, so that
    their ratios hold on a busy machine too (notebook 01). For code on one thread: CPU time adds
    up all threads of the process."""
    clock = time.perf_counter if sys.platform == "win32" else time.process_time  # Windows: 16 ms
    timers = {name: timeit.Timer(function, timer=clock) for name, function in functions.items()}
    calls = dict.fromkeys(timers, 1)
    for name, timer in timers.items():  # double the calls until a turn lasts seconds_per_turn
        while timer.timeit(calls[name]) < seconds_per_turn:
            calls[name] *= 2
    best = dict.fromkeys(timers, float("inf"))
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(calls[name]) / calls[name])
    return best
