"""Run a notebook's code one cell at a time in a fresh kernel, and ask the kernel what it used.

The mutation tests (tests/test_mutations.py) run each solution notebook top to bottom, slipping a
wrong answer into an exercise now and then; benchmarks/bench_notebooks.py reports each notebook's
kernel peak. Both go through `KernelSession`.
"""

import contextlib
import sys
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient

PEAK_MEMORY_CODE = """\
import pathlib as _pathlib, resource as _resource, sys as _sys
_status = _pathlib.Path("/proc/self/status")
if _status.is_file():  # Linux: VmHWM, this process's own peak (ru_maxrss starts at its parent's)
    print(next(int(line.split()[1]) * 1024 for line in _status.read_text().splitlines()
               if line.startswith("VmHWM:")))
else:  # macOS: ru_maxrss, in bytes there
    print(_resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss)
"""


class CellResult(NamedTuple):
    error: str | None  # the exception's name, or None
    message: str  # the exception's message ("" without one)
    text: str  # everything the cell printed, stdout and stderr
    traceback: tuple = ()  # the error's lines as the notebook shows them (IPython's rendering)


class KernelSession(contextlib.AbstractContextManager):
    """A kernel started in the notebook's folder, as JupyterLab starts it."""

    def __init__(self, path, timeout=600):
        self.path = Path(path)
        self.notebook = nbformat.read(self.path, as_version=4)
        # each run's cell goes into this scratch notebook, never into the one read from path
        scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell()])
        self.client = NotebookClient(scratch, timeout=timeout, allow_errors=True,
                                     kernel_name="python3",
                                     resources={"metadata": {"path": str(self.path.parent)}})
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        self._stack.enter_context(self.client.setup_kernel())
        return self

    def __exit__(self, *exc_info):
        return self._stack.__exit__(*exc_info)

    def run(self, source):
        """Execute source as a new code cell; what it printed, and the error it raised, if any."""
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0)
        text = "".join(out.text for out in cell.outputs if out.output_type == "stream")
        errors = [out for out in cell.outputs if out.output_type == "error"]
        if errors:
            return CellResult(errors[0].ename, errors[0].evalue, text, tuple(errors[0].traceback))
        return CellResult(None, "", text)

    def peak_memory_bytes(self):
        """The kernel's peak resident memory so far, in bytes."""
        result = self.run(PEAK_MEMORY_CODE)
        assert result.error is None, result
        return int(result.text.split()[-1])


class NotebookRun(NamedTuple):
    seconds: float  # running every code cell, the kernel's start not included
    peak_bytes: int  # the kernel's peak resident memory
    values: dict  # {expression: its value (a number) in the kernel after the last cell}


def run_notebook(path, expressions=()):
    """Run every code cell of a notebook in order, timing it, then read the kernel's peak memory
    and the numbers that `expressions` evaluate to there. Raises RuntimeError naming the first
    cell that fails."""
    with KernelSession(path) as kernel:
        start = time.perf_counter()
        for index, cell in enumerate(kernel.notebook.cells):
            if cell.cell_type == "code":
                result = kernel.run(cell.source)
                if result.error:
                    raise RuntimeError(f"{Path(path).name} cell {index}: {result.error}: "
                                       f"{result.message}")
        seconds = time.perf_counter() - start
        values = {expression: float(kernel.run(f"print(float({expression}))").text)
                  for expression in expressions}
        return NotebookRun(seconds, kernel.peak_memory_bytes(), values)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        run = run_notebook(name)
        print(f"{name}: {run.seconds:.0f} s, kernel peak {run.peak_bytes / 1e9:.2f} GB")
