"""Every course benchmark, one table: python benchmarks/run_all.py (or make bench).

Each row is a figure of the course measured on this machine, with the goal it is held to. The
notebooks show the same figures, computed by the same coursekit functions; these scripts measure
them without a notebook around them. Each bench_*.py also runs alone.
"""

import time

import bench_cost
import bench_forward
import bench_notebooks
import bench_training
import coursekit
from machine import machine_info  # benchmarks/ is on the path of a script run from it


SECTIONS = {"notebooks 01, 02": bench_forward.run, "notebook 03": bench_cost.run,
            "notebook 04": bench_training.run, "notebooks": bench_notebooks.run}


def main():
    start = time.perf_counter()
    print(f"Machine: {machine_info()}; device for training: "
          f"{coursekit.default_device()}\n")
    rows = [(f"{section}: {figure}", value, goal)
            for section, run in SECTIONS.items() for figure, value, goal in run()]
    coursekit.print_table(["figure", "value", "goal"], rows)
    print(f"\n(all benchmarks: {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
