"""Each notebook run top to bottom on the CPU: python benchmarks/bench_notebooks.py

Every solution notebook runs in a fresh kernel, on the CPU as on Binder, as nbconvert would run it.
Figures: its run time (goal: a minute on 2 cores); its kernel's peak memory, twice: anonymous and
shared memory, what can exhaust Binder's 1 GB (goal: the kernel's share of it, which the test
command checks in its mutation-test run of every notebook, and says why), and the whole resident
memory, which adds the shared libraries' file-backed pages, reclaimable (no goal); and the payoff
of notebook 05, training the network with the student's own engine (goal: 95% in 30 s).
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import coursekit
from machine import machine_info  # benchmarks/ is on the path of a script run from it
from test_mutations import KERNEL_BYTES
from tools.notebook_runner import run_notebook

ENGINE_TRAINING = {"training_seconds": "training with your own engine (notebook 05): seconds",
                   "accuracy": "its test accuracy"}


def run():
    """Rows of (figure, value, goal)."""
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the kernels use the CPU, as on Binder
    rows = []
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        engine = path.name.startswith("05_")
        notebook = run_notebook(path, ENGINE_TRAINING if engine else ())
        rows += [(f"{path.stem}: run time", f"{notebook.seconds:.0f} s", "≤ 60 s"),
                 (f"{path.stem}: kernel peak, anonymous + shared memory",
                  f"{notebook.peak.unreclaimable / 1e9:.2f} GB", f"≤ {KERNEL_BYTES / 1e9:.1f} GB"),
                 (f"{path.stem}: kernel peak, resident (file-backed pages too)",
                  f"{notebook.peak.resident / 1e9:.2f} GB", "none: reclaimable")]
        if engine:
            seconds, accuracy = notebook.values.values()
            rows += [(ENGINE_TRAINING["training_seconds"], f"{seconds:.1f} s", "≤ 30 s"),
                     (ENGINE_TRAINING["accuracy"], f"{accuracy:.2%}", "≥ 95%")]
    return rows


if __name__ == "__main__":
    print(machine_info())
    coursekit.print_table(["figure", "value", "goal"], run())
