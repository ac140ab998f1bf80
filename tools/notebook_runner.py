"""Run a notebook's code one cell at a time in a fresh kernel, and ask the kernel what it used.

The mutation tests (tests/test_mutations.py) run each solution notebook top to bottom, slipping a
wrong answer into an exercise now and then; benchmarks/bench_notebooks.py reports each notebook's
kernel peak. Both go through `KernelSession`.

Memory, two figures of the kernel's process (`MemoryPeak`), in bytes:
- `unreclaimable`: the peak of its anonymous plus shared memory (RssAnon + RssShmem). Only this can
  exhaust a container's memory, Binder's 1 GB: Linux drops the file-backed pages of the shared
  libraries (RssFile) whenever memory runs short, and reads them back from disk when they are used.
  Linux keeps no peak of it, so a thread of this process reads /proc/<kernel>/status every
  SAMPLE_SECONDS while the session lasts and keeps the largest sum. It runs outside the kernel,
  so a cell that holds the kernel's GIL cannot pause it.
- `resident`: the peak resident memory (VmHWM), those file-backed pages included, for the report:
  test_kernel_peak_memory_fits_binder says how much it varies for reasons outside the course.
On macOS, without /proc, both are ru_maxrss, the whole resident peak: an upper bound of the first.
"""

import contextlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient

# Between two readings the kernel faults in some 5 MB of new memory (numpy: 2.7 GB/s, measured), all
# that the sampled peak can miss; a reading costs this process 0.05 ms (2.5% of a core)
SAMPLE_SECONDS = 0.002

# Only for macOS: Linux reads the kernel's /proc/<pid>/status from outside
PEAK_MEMORY_CODE = """\
import resource as _resource
print(_resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss)  # bytes on macOS
"""


class MemoryPeak(NamedTuple):
    unreclaimable: int  # bytes: the peak of anonymous + shared memory, what can exhaust a container
    resident: int  # bytes: the peak resident memory (VmHWM), file-backed pages included


MEMORY_FIELD = re.compile(rb"^(\w+):\s+(\d+) kB$", re.MULTILINE)  # /proc/<pid>/status, in kB
# anonymous memory and shared memory (tmpfs, /dev/shm), consecutive lines there since Linux 4.5
UNRECLAIMABLE = re.compile(rb"RssAnon:\s+(\d+) kB\nRssFile:\s+\d+ kB\nRssShmem:\s+(\d+) kB")


def read_status(pid):
    """{field: bytes} for the memory fields of /proc/<pid>/status."""
    with open(f"/proc/{pid}/status", "rb") as status:
        return {name.decode(): int(kb) * 1024 for name, kb in MEMORY_FIELD.findall(status.read())}


class UnreclaimableSampler(threading.Thread):
    """Reads RssAnon + RssShmem of a process every SAMPLE_SECONDS and keeps the largest sum."""

    def __init__(self, pid):
        super().__init__(daemon=True, name=f"memory of {pid}")
        self.pid, self.peak, self._lock, self._done = pid, 0, threading.Lock(), threading.Event()

    def count(self, unreclaimable):
        with self._lock:  # the thread and the final reading may count at the same time
            self.peak = max(self.peak, unreclaimable)

    def sample(self):
        """Read /proc/<pid>/status once, count it in the peak and return it (see read_status)."""
        status = read_status(self.pid)
        self.count(status["RssAnon"] + status["RssShmem"])
        return status

    def run(self):
        status = os.open(f"/proc/{self.pid}/status", os.O_RDONLY)  # opened once: cheap readings
        try:
            while not self._done.wait(SAMPLE_SECONDS):
                found = UNRECLAIMABLE.search(os.pread(status, 8192, 0))
                if found is None:  # a process that has ended has no memory left to count
                    break
                self.count((int(found[1]) + int(found[2])) * 1024)
        except ProcessLookupError:  # the kernel has ended and been reaped
            pass
        finally:
            os.close(status)

    def stop(self):
        self._done.set()
        self.join()


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
        self.sampler = None
        if Path("/proc/self/status").is_file():  # Linux
            # the kernel's own process, whatever launched it; no name enters the notebook's globals
            pid = int(self.run('print(__import__("os").getpid())').text)
            self.sampler = UnreclaimableSampler(pid)
            self.sampler.sample()
            self.sampler.start()
            self._stack.callback(self.sampler.stop)
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
        """The kernel's peaks so far, in bytes: MemoryPeak(unreclaimable, resident)."""
        if self.sampler is None:  # macOS
            result = self.run(PEAK_MEMORY_CODE)
            assert result.error is None, result
            return MemoryPeak(*[int(result.text.split()[-1])] * 2)
        status = self.sampler.sample()
        return MemoryPeak(self.sampler.peak, status["VmHWM"])


class NotebookRun(NamedTuple):
    seconds: float  # running every code cell, the kernel's start not included
    peak: MemoryPeak  # the kernel's peaks: unreclaimable memory, resident memory
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
        print(f"{name}: {run.seconds:.0f} s, kernel peak: {run.peak.unreclaimable / 1e9:.2f} GB "
              f"anonymous + shared, {run.peak.resident / 1e9:.2f} GB resident")
