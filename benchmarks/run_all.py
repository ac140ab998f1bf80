"""Every course benchmark, one table: python benchmarks/run_all.py (or make bench).

Each row is a figure of the course measured on this machine, with the goal it is held to. The
notebooks print the same figures; these scripts measure them without a notebook around them.
"""

import time

import bench_cost
import bench_forward
import bench_training
import coursekit

SECTIONS = [("Forward pass and forward mode (notebooks 01, 02)", bench_forward.run),
            ("Cost of forward mode, and reverse mode (notebook 03)", bench_cost.run),
            ("Training (notebook 04)", bench_training.run)]


def print_table(title, rows):
    """Rows of (figure, value, unit, goal) as a Markdown table, readable in a terminal and a README."""
    print(f"\n**{title}**\n\n| figure | value | goal |\n|---|--:|---|")
    for name, value, unit, goal in rows:
        digits = 0 if abs(value) >= 1000 else 2 if abs(value) >= 1 else 3
        print(f"| {name.strip()} | {value:,.{digits}f} {unit} | {goal} |")


if __name__ == "__main__":
    start = time.perf_counter()
    print(f"Machine: {coursekit.machine_info()}; device for training: {coursekit.device()}")
    for title, run in SECTIONS:
        print_table(title, run())
    print(f"\n(all benchmarks: {time.perf_counter() - start:.0f} s)")
