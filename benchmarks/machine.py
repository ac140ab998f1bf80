"""The machine a benchmark ran on, for its report (the notebooks never need it)."""

import os
import platform

import numpy as np
import torch


def machine_info():
    """One line about this machine and the libraries that set the speed, for timing reports."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}; Python "
            f"{platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")
