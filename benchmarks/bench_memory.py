"""Each notebook's kernel peak memory, against Binder's 1 GB: python benchmarks/bench_memory.py

Every solution notebook runs top to bottom in a fresh kernel on the CPU (as nbconvert would run
it); the figure is the kernel's peak resident memory (ru_maxrss). The test command checks the
same limit in its mutation-test run of every notebook (tests/test_mutations.py).
"""

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import coursekit  # noqa: E402  (after the path: run as a script from any folder)
from tools.notebook_runner import run_notebook  # noqa: E402

BINDER_GB = 1.0


def run():
    """Rows of (figure, value, goal): one per notebook."""
    rows = []
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        start = time.perf_counter()
        peak = run_notebook(path) / 1e9
        rows.append((f"{path.stem}: kernel peak ({time.perf_counter() - start:.0f} s run)",
                     f"{peak:.2f} GB", f"≤ {BINDER_GB:g} GB"))
    return rows


if __name__ == "__main__":
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the CPU, as on Binder
    print(coursekit.machine_info())
    coursekit.print_table(["figure", "value", "goal"], run())
