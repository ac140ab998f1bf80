"""The course's helpers: its network, measuring, training, and checksummed MNIST.

diffType.py is what the course teaches; this module keeps the notebooks short. Every helper is
defined once, here, and used by the notebooks and the benchmarks alike. The parts a student reads
come first; the MNIST plumbing is at the end. `python -m coursekit` fetches and verifies MNIST
into data/ (see `ensure_mnist`).

Index convention of the whole course: input pixel i, hidden unit j, output k, so that
z_j = Σ_i p_i w_ij + a_j, h_j = ReLU(z_j) and o_k = Σ_j h_j v_jk + b_k.
"""

import contextlib
import functools
import gzip
import hashlib
import inspect
import os
import shutil
import statistics
import sys
import tempfile
import time
import timeit
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

RUNNING_EXAMPLE = 123  # test image 123, a 6, is the course's running example
N_PARAMETERS = 784 * 10 + 784 * 784 + 784 + 10  # v, w, a, b: 623,290
SECONDS_PER_YEAR = 365.25 * 86400

# torch 2.14's forward mode (torch.func.jvp) scripts its own helper functions on first use with
# torch.jit.script, which torch itself deprecates: a FutureWarning students can do nothing about.
warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated",
                        category=FutureWarning)


# --- The course's network: o = ReLU(p·w + a)·v + b ----------------------------------------------

class Parameters(NamedTuple):
    """The network's parameters, numpy arrays or torch tensors, in the order forward takes them."""
    v: Any  # 784×10: v[j, k] connects hidden unit j to output k
    w: Any  # 784×784: w[i, j] connects input pixel i to hidden unit j
    a: Any  # 784 hidden biases a[j]
    b: Any  # 10 output biases b[k]

    def map(self, function):
        """The same parameters in another form, e.g. `.map(torch.from_numpy)`."""
        return Parameters(*map(function, self))

    def leaves(self):
        """Fresh leaf tensors for autograd: detached copies that require a gradient."""
        return self.map(lambda x: x.detach().clone().requires_grad_())

    def numpy(self, dtype=np.float64):
        """Copies of torch tensors as numpy arrays of dtype, out of autograd's reach: float64 for
        the gradient checks, float32 to train with the engine of notebook 05."""
        return self.map(lambda x: x.detach().cpu().numpy().astype(dtype))


def uniform_parameters(seed=0, n_in=784, n_hidden=784, n_out=10):
    """The original exercise's parameters: every entry uniform in [0, 1), seeded."""
    rng = np.random.default_rng(seed)
    return Parameters(v=rng.random((n_hidden, n_out)), w=rng.random((n_in, n_hidden)),
                      a=rng.random(n_hidden), b=rng.random(n_out))


def he_parameters(seed=0, device=None, n_in=784, n_hidden=784, n_out=10):
    """Leaf tensors for training (float32): He (Kaiming) normal w, std √(2/n_in), for the ReLU
    layer; LeCun normal v, std √(1/n_hidden), for the linear output layer; zero biases."""
    import torch
    generator = torch.Generator().manual_seed(seed)
    device = device or default_device()

    def normal(shape, std):
        return (torch.randn(shape, generator=generator) * std).to(device).requires_grad_()

    zeros = functools.partial(torch.zeros, device=device, requires_grad=True)
    return Parameters(v=normal((n_hidden, n_out), (1 / n_hidden) ** 0.5),
                      w=normal((n_in, n_hidden), (2 / n_in) ** 0.5),
                      a=zeros(n_hidden), b=zeros(n_out))


def forward(p, v, w, a, b):
    """o = ReLU(p·w + a)·v + b, with numpy operators only: floats, arrays and diffTypes all work.
    p: (784,) or a batch (n, 784); returns (10,) or (n, 10)."""
    h = np.maximum(0, p @ w + a)
    return h @ v + b


def forward_torch(p, v, w, a, b):
    """The same network for torch tensors, for autograd and torch.func: relu(p @ w + a) @ v + b.
    F.linear(x, m.T, c) computes x @ m + c in one fused call (as nn.Linear does); m.T is a view."""
    from torch.nn.functional import linear, relu
    return linear(relu(linear(p, w.T, a)), v.T, b)


def cross_entropy_loss(p, label, v, w, a, b):
    """L = cross-entropy of the scores o for image(s) p against label(s): the course's loss."""
    import torch
    scores = forward_torch(p, v, w, a, b)
    return torch.nn.functional.cross_entropy(scores, torch.as_tensor(label, device=scores.device))


def forward_loops(p, v, w, a, b):
    """The same network with Python loops over nested lists, one number at a time, as the original
    exercise wrote it (but contracting over the input pixel i, as p @ w does). Works for any number
    type with +, * and >: floats, diffType, or a dual number class of your own."""
    h = [max(0, sum(p[i] * w[i][j] for i in range(len(p))) + a[j]) for j in range(len(a))]
    return [sum(h[j] * v[j][k] for j in range(len(h))) + b[k] for k in range(len(b))]


def nested_lists(array, number_type):
    """An array as nested Python lists of number_type(entry): the input forward_loops expects."""
    if np.ndim(array) > 1:
        return [nested_lists(row, number_type) for row in array]
    return [number_type(x) for x in np.asarray(array).tolist()]


class ScalarPass(NamedTuple):
    outputs: list  # the 10 scores o_k, each a number_type carrying ∂o_k/∂θ
    build_seconds: float  # turning every entry of p, v, w, a, b into a number_type
    pass_seconds: float  # the forward pass itself: the cost of one tangent


def scalar_forward_mode(number_type, p, parameters, name="v", index=(5, 2)):
    """Forward mode one number at a time, as the original exercise ran it: every entry of p and of
    the parameters becomes a number_type with dvalue 0, the entry `index` of parameter `name` is
    seeded with dvalue 1, and forward_loops runs. Times the building and the pass separately."""
    start = time.perf_counter()
    p, *lists = (nested_lists(x, number_type) for x in (p, *parameters))
    seeded = dict(zip(Parameters._fields, lists))[name]
    for i in np.atleast_1d(index)[:-1]:
        seeded = seeded[i]
    seeded[np.atleast_1d(index)[-1]].dvalue = 1.0
    built = time.perf_counter()
    outputs = forward_loops(p, *lists)
    return ScalarPass(outputs, built - start, time.perf_counter() - built)


def one_hot(shape, index):
    """A float64 array of the given shape, 1 at index and 0 elsewhere: seeds one entry."""
    seed = np.zeros(shape)
    seed[index] = 1.0
    return seed


# --- Teaching helpers ----------------------------------------------------------------------------

def add_to_class(Class):
    """Add the decorated function to Class as a method (d2l's add_to_class): a class can then be
    written one cell, and one rule, at a time."""
    def register(method):
        setattr(Class, method.__name__, method)
        return method
    return register


PROGRESS_VARIABLE = "COURSE_PROGRESS"  # "text": progress bars as text, e.g. for RISE slideshows


def progress_bar(iterable=None, **options):
    """tqdm's progress bar: a widget in JupyterLab; with $COURSE_PROGRESS=text, a line of text
    updated in place. RISE slideshows render no widgets (jupyterlab-rise 0.43.1), and a kernel
    cannot tell whether JupyterLab or a slideshow shows its output: hence the switch."""
    if os.environ.get(PROGRESS_VARIABLE) == "text":
        from tqdm.std import tqdm
        return tqdm(iterable, file=sys.stdout, **options)
    from tqdm.auto import tqdm
    return tqdm(iterable, **options)


def show_source(obj):
    """Display an object's source code in a notebook, so that a notebook can show library code."""
    from IPython.display import Markdown
    return Markdown(f"```python\n{inspect.getsource(obj)}```")


ENGINE_TAG = "engine"  # notebook 05's cells that define the reverse-mode engine carry this tag


def engine_from_notebook(path):
    """The reverse-mode engine that a notebook defines (notebook 05's Node, apply, rules, backward
    and loss), as a module: notebook 06 runs the student's own engine, not a copy of the course's.

    It runs the notebook's import statements (the top-level `import` lines of its code cells), then
    the source of each cell tagged `engine`, in order, in a fresh module, and never the other
    cells. Then it takes one gradient on a tiny network, so that an exercise left unanswered shows
    at once. A missing notebook raises FileNotFoundError; an unanswered exercise,
    NotImplementedError; a cell or a rule that fails, RuntimeError; each names what to finish."""
    import ast
    import json
    import linecache
    import re
    import traceback
    import types
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not there: notebook 06 runs your reverse-mode engine "
                                f"from notebook 05, which must sit beside it as {path.name}.")
    cells = [{**cell, "source": "".join(cell["source"])}  # nbformat keeps lines in a list
             for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    engine = [index for index, cell in enumerate(cells)
              if cell["cell_type"] == "code" and ENGINE_TAG in cell["metadata"].get("tags", [])]
    if not engine:
        raise RuntimeError(f"{path.name} has no cell tagged {ENGINE_TAG!r}: notebook 06 needs the "
                           "course's notebook 05, whose tags mark the cells of its engine.")
    exercise, exercise_of = "the given code", {}  # cell index: the exercise that it answers
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            exercise = (re.search(r"Exercise \d+\.\d+", cell["source"]) or [exercise])[0]
        elif re.search(r"### BEGIN SOLUTION|raise NotImplementedError\(\)", cell["source"]):
            exercise_of[index] = exercise
    imports = [statement for cell in cells if cell["cell_type"] == "code"
               for statement in _top_level_statements(cell["source"])
               if isinstance(statement, (ast.Import, ast.ImportFrom))]
    module = types.ModuleType(path.stem, f"The reverse-mode engine of {path.name}")
    module.__file__ = str(path)
    cell_of = {}  # the file name that tracebacks show for a cell's code: the cell's index
    running = []  # the cell being run, while the cells run

    def run(source, index):
        name = f"<{path.name}, cell {index}>"
        cell_of[name], running[:] = index, [index]
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)  # for tracebacks
        exec(compile(source, name, "exec"), module.__dict__)

    def blame(error):
        """(the exercise, or else the cell, whose code raised error; whether it is an exercise)"""
        cells_met = running + [cell_of[frame.f_code.co_filename] for frame, _ in
                               traceback.walk_tb(error.__traceback__)
                               if frame.f_code.co_filename in cell_of]
        answers = [i for i in reversed(cells_met) if i in exercise_of]  # the innermost first
        if answers:
            return f"{exercise_of[answers[0]]} (cell {answers[0]}) of {path.name}", True
        return (f"cell {cells_met[-1]} of {path.name}" if cells_met else path.name), False

    try:
        run(ast.unparse(ast.Module(imports, type_ignores=[])), "imports")
        for index in engine:
            run(cells[index]["source"], index)
        running.clear()
        _tiny_gradient(module)
    except NotImplementedError as error:
        raise NotImplementedError(
            f"{blame(error)[0]} is not answered yet, and notebook 06 runs your engine: finish "
            "that exercise, run its check, save notebook 05, then run this cell again.") from None
    except Exception as error:
        where, is_exercise = blame(error)
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        checks = "that exercise's check" if is_exercise else "the checks of notebook 05"
        raise RuntimeError(
            f"your engine fails in {where}, with {what}. Run {checks}, fix what it says, save "
            "the notebook, then run this cell again.") from None
    return module


def _top_level_statements(source):
    """The statements of a cell's code; none for code that does not parse (IPython magics)."""
    import ast
    try:
        return ast.parse(source).body
    except SyntaxError:
        return []


def _tiny_gradient(engine):
    """The gradient of the loss of a 3-4-2 network for two images with an engine: it uses every
    rule of the course's network (its VJPs run in the backward pass), or fails."""
    rng = np.random.default_rng(0)
    images = rng.normal(size=(2, 3))
    nodes = [engine.Node(rng.normal(size=shape)) for shape in ((4, 2), (3, 4), (4,), (2,))]
    engine.cross_entropy(forward(images, *nodes), np.array([0, 1])).backward()
    return [node.grad for node in nodes]


def relative_error(x, y):
    """max |x - y| / (|x| + |y|) over the entries, as in cs231n's gradient checks (0 for 0, 0)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = np.abs(x) + np.abs(y)
    return float(np.max(np.divide(np.abs(x - y), scale, out=np.zeros_like(scale), where=scale > 0)))


# --- Measuring -----------------------------------------------------------------------------------

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


DURATION_UNITS = (("years", SECONDS_PER_YEAR), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1),
                  ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


def format_duration(seconds):
    """A duration in the unit a person would use (ns to years), with three significant digits."""
    unit, size = next(((unit, size) for unit, size in DURATION_UNITS if abs(seconds) >= size),
                      DURATION_UNITS[-1])
    value = float(f"{seconds / size:.3g}")
    return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:g} {unit}"


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(bound):
    """"10⁻¹³" for 1e-13: how the notebooks print a bound that they assert, so that it reads as a
    bound and is never taken for a round-off error that was measured."""
    return "10" + str(round(np.log10(bound))).translate(SUPERSCRIPTS)


def print_table(headers, rows):
    """Print rows as a Markdown table with aligned columns: first column left, the others right.
    Readable in a notebook, a terminal and a README alike; format numbers before passing them."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]

    def line(row):
        padded = [cell.ljust(width) if column == 0 else cell.rjust(width)
                  for column, (cell, width) in enumerate(zip(row, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = [":" + "-" * (widths[0] - 1)] + ["-" * (width - 1) + ":" for width in widths[1:]]
    print("\n".join([line(cells[0]), line(rule)] + [line(row) for row in cells[1:]]))


def reverse_mode_seconds(loss, parameters):
    """Seconds of loss(*parameters) alone, and of the loss plus loss.backward() (reverse mode),
    measured in turns: the two sides of the cheap gradient ratio. The parameters stay untouched."""
    import torch
    leaves = parameters.leaves()

    def forward_only():
        with torch.no_grad():
            loss(*parameters)

    def gradient():
        for x in leaves:
            x.grad = None
        loss(*leaves).backward()

    seconds = measure_in_turns({"forward": forward_only, "gradient": gradient})
    return seconds["forward"], seconds["gradient"]


# --- Forward mode at scale (notebook 03) ---------------------------------------------------------

CPU_TANGENT_BYTES = 2**27  # 128 MiB for a chunk of tangents on the CPU: 54 of w; fits in Binder
TRAINING_IMAGES, EPOCHS = 60_000, 1000  # an epoch is one gradient per training image


def tangent_memory_budget(device):
    """Bytes for one chunk of tangents on `device`: on a GPU, a quarter of its free memory, which
    leaves room for the rest (an 8 GB card works too); on the CPU, CPU_TANGENT_BYTES."""
    import torch
    device = torch.device(device)
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free // 4
    return CPU_TANGENT_BYTES


class ForwardModeGradient:
    """∂L/∂θ by forward mode with torch.func: one jvp per parameter θ_i, along the one-hot tangent
    e_i, batched with vmap over a chunk of tangents at a time.

    `loss(*parameters)` is a scalar function of the Parameters. A chunk holds as many tangents as
    fit `memory_budget` bytes (default: `tangent_memory_budget`). They live in one buffer, as large
    as the largest chunk, all zeros but for the chunk's ones, reused from chunk to chunk: zeroing
    fresh tangents would write as many bytes as the jvp reads.
    """

    def __init__(self, loss, parameters, memory_budget=None):
        self.loss, self.parameters = loss, parameters
        self.memory_budget = memory_budget or tangent_memory_budget(parameters.w.device)
        self._buffer = None  # allocated on first use

    def chunk_size(self, name):
        """How many tangents of parameter `name` fit the memory budget (at most one per entry)."""
        primal = getattr(self.parameters, name)
        tangent_bytes = primal.numel() * primal.element_size()
        if tangent_bytes > self.memory_budget:
            raise ValueError(f"one tangent of {name} needs {tangent_bytes:,} bytes, more than the "
                             f"memory budget of {self.memory_budget:,}")
        return min(self.memory_budget // tangent_bytes, primal.numel())

    @contextlib.contextmanager
    def one_hot_tangents(self, name, indices):
        """The tangents e_i of parameter `name` for the entries i in `indices` (of the flattened
        tensor), as one tensor (len(indices), *shape): a view of the buffer, zeroed afterwards."""
        import torch
        primal = getattr(self.parameters, name)
        indices = torch.as_tensor(indices, device=primal.device)
        if len(indices) > self.chunk_size(name):
            raise ValueError(f"{len(indices)} tangents of {name} do not fit a chunk of "
                             f"{self.chunk_size(name)} ({self.memory_budget:,} bytes)")
        if self._buffer is None or self._buffer.dtype != primal.dtype:
            # as large as the largest chunk: a small network takes little of a large GPU budget
            entries = max(self.chunk_size(field) * x.numel()
                          for field, x in self.parameters._asdict().items())
            self._buffer = primal.new_zeros(entries)
        tangents = self._buffer[:len(indices) * primal.numel()].view(len(indices), *primal.shape)
        ones = (torch.arange(len(indices), device=primal.device), indices)
        tangents.view(len(indices), -1)[ones] = 1.0
        try:
            yield tangents
        finally:
            tangents.view(len(indices), -1)[ones] = 0.0  # all zeros again, for the next chunk

    def partials(self, name, indices):
        """∂L/∂θ_i for the entries i in `indices` of parameter `name` (flattened): one jvp along
        each one-hot tangent e_i, all of them at once with vmap."""
        import torch
        from torch.func import jvp, vmap
        # e_i is a direction in the space of all parameters: each gets a tangent, zero but for
        # `name`'s (cheaper, too: torch 2.14's jvp of dual + constant imports torch._dynamo, 150 MB)
        zeros = self.parameters.map(torch.zeros_like)

        def derivative_along(tangent):
            _, derivative = jvp(self.loss, self.parameters, zeros._replace(**{name: tangent}))
            return derivative

        with self.one_hot_tangents(name, indices) as tangents:
            return vmap(derivative_along)(tangents)

    def gradient(self):
        """Every partial derivative, chunk by chunk: Parameters of gradient tensors."""
        import torch

        def of(name, primal):
            chunks = torch.arange(primal.numel(), device=primal.device).split(self.chunk_size(name))
            return torch.cat([self.partials(name, chunk) for chunk in chunks]).view(primal.shape)

        return Parameters(*(of(name, primal) for name, primal in self.parameters._asdict().items()))

    def chunk_seconds(self, name, count):
        """Wall seconds of one call of `partials` on the first `count` entries of `name`."""
        import torch
        start = time.perf_counter()
        self.partials(name, range(count))
        if self.parameters.w.is_cuda:
            torch.cuda.synchronize()  # a GPU runs asynchronously: wait until it is done
        return time.perf_counter() - start


class CostModel(NamedTuple):
    """t(n) = fixed + per_tangent · n: the seconds of one batched call on a chunk of n tangents."""
    fixed: float  # t0: the cost of a call, whatever its size (vmap's set-up, the primal pass)
    per_tangent: float  # c: what each further tangent adds

    def __call__(self, n):
        return self.fixed + self.per_tangent * n

    @classmethod
    def through(cls, n1, t1, n2, t2):
        """The straight line through two measurements (n1, t1) and (n2, t2)."""
        per_tangent = (t2 - t1) / (n2 - n1)
        return cls(t1 - per_tangent * n1, per_tangent)


def batched_jvp_cost(forward_mode, name="w", repeat=30):
    """Time forward_mode.partials on parameter `name` for chunks of an eighth, a half and all of the
    largest chunk that fits the memory budget, and fit a CostModel to the two smaller ones: the
    whole chunk is left to test it on. The sizes take turns, so that all see the same machine
    load, and each keeps its fastest time (noise only ever adds time). Returns (CostModel,
    {chunk size: fastest seconds})."""
    largest = forward_mode.chunk_size(name)
    if largest < 4:
        raise ValueError(f"a cost model needs chunks of several sizes: the memory budget of "
                         f"{forward_mode.memory_budget:,} bytes holds {largest} tangents of {name}")
    fastest = dict.fromkeys((max(1, largest // 8), largest // 2, largest), float("inf"))
    forward_mode.chunk_seconds(name, largest)  # warm-up: allocates the buffer
    for _ in range(repeat):
        for n in fastest:
            fastest[n] = min(fastest[n], forward_mode.chunk_seconds(name, n))
    (n1, t1), (n2, t2), _ = fastest.items()
    return CostModel.through(n1, t1, n2, t2), fastest




def vectorized_forward_mode(dual_type, p, parameters, name="v", index=(5, 2), only_seeded=False):
    """Forward mode on array-valued duals: one tangent per pass, the one-hot tangent of entry
    `index` of parameter `name`. Every parameter is a dual_type (zero tangents cost as much as
    any), or, with only_seeded, only `name` (the others stay arrays). Returns (o, the seconds of
    one pass, by `measure_in_turns`)."""
    duals = Parameters(*(dual_type(x) if not only_seeded or field == name else x
                         for field, x in zip(Parameters._fields, parameters)))
    seeded = getattr(duals, name).dvalue

    def one_tangent():
        seeded[index] = 1.0
        try:
            return forward(p, *duals)
        finally:
            seeded[index] = 0.0

    return one_tangent(), measure_in_turns({"pass": one_tangent})["pass"]


class TrainingTime(NamedTuple):
    gradient: float  # seconds for one gradient: of one image, or of one minibatch
    epoch: float  # one gradient per minibatch of the 60,000 training images
    epochs: float  # 1000 epochs, unless told otherwise


def training_time(gradient_seconds, batch_size=1, images=TRAINING_IMAGES, epochs=EPOCHS):
    """From the seconds of one gradient to those of an epoch and of `epochs` epochs. An epoch takes
    one gradient per minibatch: per image when batch_size is 1, as forward mode needs."""
    steps = -(-images // batch_size)  # the last minibatch may be smaller
    return TrainingTime(gradient_seconds, steps * gradient_seconds,
                        epochs * steps * gradient_seconds)


# --- Training (notebook 04) ----------------------------------------------------------------------

def default_device():
    """CUDA when a GPU is present, the CPU otherwise: the same code runs on both."""
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Split(NamedTuple):
    """Images and labels of one part of MNIST, as tensors on the training device."""
    images: Any  # (n, 784) uint8 pixels 0 to 255; `normalize` turns a batch into network inputs
    labels: Any  # (n,) int64 digits


class MNISTSplits(NamedTuple):
    train: Split  # what the network learns from
    validation: Split  # held out from the training images: for choosing among the epochs
    test: Split  # the 10,000 test images: reported once, at the very end


def mnist_tensors(device=None, validation_size=10_000, root=None):
    """MNIST on `device` in three splits: the last `validation_size` of the 60,000 training images
    are the validation split, the others the training split. Pixels stay uint8 (a quarter of
    float32's memory) until `normalize` turns a batch into inputs."""
    import torch
    data, device = mnist_arrays(root), device or default_device()
    if not 0 < validation_size < len(data.train_labels):
        raise ValueError(f"validation_size must be between 1 and 59,999, not {validation_size}")
    n_train = len(data.train_labels) - validation_size

    def split(images, labels):  # shares the cached arrays' memory on the CPU: no copy
        with warnings.catch_warnings():  # they are read-only, and nothing here writes to them
            warnings.filterwarnings("ignore", "The given NumPy array is not writable")
            return Split(torch.from_numpy(images).to(device), torch.from_numpy(labels).to(device))

    return MNISTSplits(split(data.train_images[:n_train], data.train_labels[:n_train]),
                       split(data.train_images[n_train:], data.train_labels[n_train:]),
                       split(data.test_images, data.test_labels))


PIXEL_MEAN, PIXEL_STD = 33.40, 78.67  # of the training split's pixels, 0 to 255 (notebook 04)


def normalize(images):
    """uint8 pixels (n, 784) → float32 network inputs, centred with unit variance on the training
    split, so that the first layer starts with activations of order 1."""
    import torch
    if images.dtype != torch.uint8:  # normalizing twice would go unnoticed
        raise TypeError(f"normalize takes uint8 pixels, not {images.dtype}")
    return images.float().sub_(PIXEL_MEAN).div_(PIXEL_STD)  # in place: one new tensor, not three


def predict_scores(parameters, images, batch_size=256):
    """The scores o (n, 10) of uint8 images (n, 784), without autograd. A batch at a time: the
    hidden layer of all 10,000 test images at once would take 31 MB, twice; batches of 1000 leave
    torch 2.14 holding 47 MB more than batches of 256, the size training uses (Binder's 1 GB)."""
    import torch
    with torch.no_grad():
        return torch.cat([forward_torch(normalize(batch), *parameters)
                          for batch in images.split(batch_size)])


def accuracy(parameters, split):
    """The fraction of the split's images whose highest score is their label."""
    correct = predict_scores(parameters, split.images).argmax(1) == split.labels
    return correct.sum().item() / len(split.labels)


def shuffled_batches(split, batch_size, generator):
    """One epoch of (images, labels) minibatches, drawn without replacement in a random order."""
    import torch
    order = torch.randperm(len(split.labels), generator=generator).to(split.labels.device)
    for batch in order.split(batch_size):
        yield split.images[batch], split.labels[batch]


LABEL_SMOOTHING = 0.1  # the target puts 0.91 on the label and 0.01 on each other digit


def training_clock(device):
    """The clock for training times on `device`: on the CPU, CPU time, as measure_in_turns counts
    it (one thread, as on_one_core sets: the time on a core, waits for it left out); on a GPU,
    wall time, for the GPU works while the CPU waits."""
    import torch
    return time.perf_counter if torch.device(device).type == "cuda" else time.process_time


def fit_epoch(parameters, optimizer, schedule, batches):
    """One pass over the batches, one optimizer step per batch. Returns the epoch's mean loss and
    accuracy, both measured on the fly while the parameters change, and its seconds (by
    `training_clock`)."""
    import torch
    clock = training_clock(parameters[0].device)
    start, loss_sum, correct, count = clock(), 0, 0, 0
    for images, labels in batches:
        scores = forward_torch(normalize(images), *parameters)
        loss = torch.nn.functional.cross_entropy(scores, labels, label_smoothing=LABEL_SMOOTHING)
        optimizer.zero_grad()  # .grad accumulates: reset it before every backward pass
        loss.backward()
        optimizer.step()
        schedule.step()
        with torch.no_grad():  # summed on the device: no waiting for a GPU at every step
            loss_sum += loss * len(labels)
            correct += (scores.argmax(1) == labels).sum()
        count += len(labels)
    mean_loss, train_accuracy = loss_sum.item() / count, correct.item() / count  # waits for a GPU
    return mean_loss, train_accuracy, clock() - start


class Epoch(NamedTuple):
    epoch: int  # 1, 2, …
    loss: float  # mean training loss, label smoothing included
    train_accuracy: float  # measured during the epoch, while the parameters change
    validation_accuracy: float  # after the epoch
    seconds: float  # the epoch's training, without the validation, by training_clock


def fit(parameters, data, epochs=10, batch_size=256, max_lr=3e-3):
    """Train on data.train with Adam and a one-cycle learning rate (notebook 04 explains why).
    Returns one Epoch per epoch, and a copy of the parameters of the best validation epoch."""
    import torch
    optimizer = torch.optim.Adam(parameters, lr=max_lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr, epochs=epochs, steps_per_epoch=-(-len(data.train.labels) // batch_size))
    generator, history, chosen = torch.Generator().manual_seed(0), [], None
    for epoch in (bar := progress_bar(range(1, epochs + 1), desc="training", unit="epoch")):
        batches = shuffled_batches(data.train, batch_size, generator)
        loss, train_accuracy, seconds = fit_epoch(parameters, optimizer, schedule, batches)
        history.append(Epoch(epoch, loss, train_accuracy, accuracy(parameters, data.validation),
                             seconds))
        bar.set_postfix(validation_accuracy=f"{history[-1].validation_accuracy:.2%}")
        if max(history, key=lambda row: row.validation_accuracy) is history[-1]:  # first best
            chosen = Parameters(*(x.detach().clone() for x in parameters))
    return history, chosen


# --- MNIST, checksummed --------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_VARIABLE = "MNIST_SOURCE"  # a folder holding the four IDX files, gzipped or not
MNIST_MD5 = {  # MD5 of the uncompressed files, as published with MNIST
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


class MNISTError(RuntimeError):
    """MNIST is missing, cannot be fetched, or a file is corrupt."""


class MNIST(NamedTuple):
    train_images: np.ndarray  # (60000, 784) uint8, row by row
    train_labels: np.ndarray  # (60000,) int64
    test_images: np.ndarray  # (10000, 784) uint8
    test_labels: np.ndarray  # (10000,) int64


def mnist_arrays(root=None, source=None, download=True):
    """MNIST as read-only numpy arrays, verified by `ensure_mnist` (which takes the other
    arguments): uint8 images, one row of 784 pixels each, and int64 labels. Read with numpy rather
    than torchvision, so that notebooks that do not need torch never import it (importing torch
    costs about 0.5 GB of memory)."""
    raw = ensure_mnist(root or DATA_DIR, source, download)
    return MNIST(*_split(raw, "train"), *_split(raw, "t10k"))


def load_test_image(index=RUNNING_EXAMPLE, root=None):
    """Test image `index` as p, a float64 vector of 784 pixels in [0, 1], and its label."""
    images, labels = _split(ensure_mnist(root or DATA_DIR), "t10k")
    return images[index] / 255.0, int(labels[index])


@functools.lru_cache(maxsize=4)
def _split(raw, prefix):
    """(images, labels) of one split from the IDX files in raw; cached, so read-only."""
    images = _read_idx(raw / f"{prefix}-images-idx3-ubyte", 2051, header=16).reshape(-1, 784)
    labels = _read_idx(raw / f"{prefix}-labels-idx1-ubyte", 2049, header=8).astype(np.int64)
    labels.flags.writeable = False
    return images, labels


def _read_idx(path, magic, header):
    """The uint8 payload of an IDX file (big-endian int32 header: magic number, then sizes)."""
    with open(path, "rb") as file:
        found = int.from_bytes(file.read(4), "big")
        if found != magic:
            raise MNISTError(f"{path} is not an MNIST IDX file (magic number {found}, "
                             f"expected {magic}).")
        file.seek(header)
        data = np.fromfile(file, dtype=np.uint8)
    data.flags.writeable = False
    return data


def ensure_mnist(root=DATA_DIR, source=None, download=True):
    """Make sure root/MNIST/raw holds the four MNIST files, each with its published MD5.

    Missing or corrupt files come from `source` (default: the folder named by $MNIST_SOURCE), a
    folder holding the IDX files gzipped or not; without a source, torchvision downloads them if
    `download` is true. A file is checked before it is moved into place, so a bad copy is never
    used and never replaces a good one. Returns the raw folder.
    """
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    missing = [name for name in MNIST_MD5 if not _is_good(raw / name, name)]
    source = source or os.environ.get(SOURCE_VARIABLE)
    if missing and source:
        for name in missing:
            candidates = [Path(source) / name, Path(source) / f"{name}.gz"]
            source_file = next((path for path in candidates if path.is_file()), None)
            if source_file is None:
                raise MNISTError(f"The MNIST source folder {source} has neither {name} "
                                 f"nor {name}.gz.")
            _install(source_file, raw / name, name)
    elif missing and download:
        _download(Path(root), raw)
    elif missing:
        raise MNISTError(f"MNIST files {', '.join(missing)} are missing or corrupt in {raw}, and "
                         f"downloading is switched off. Set {SOURCE_VARIABLE} to a folder holding "
                         "the four MNIST IDX files (gzipped or not), or allow the download.")
    return raw


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_good(path, name):
    return path.is_file() and _md5(path) == MNIST_MD5[name]


def _install(source_file, target, name):
    """Copy source_file (gunzipping it if needed) to target atomically, only if its MD5 is right."""
    opener = gzip.open if source_file.suffix == ".gz" else open
    temporary = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{name}.", delete=False)
    with temporary as partial:
        try:
            with opener(source_file, "rb") as source:
                shutil.copyfileobj(source, partial)
        except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
            partial.close()
            os.unlink(partial.name)
            raise MNISTError(f"{source_file} is corrupt or truncated ({error}); expected the "
                             f"MNIST file {name} with MD5 {MNIST_MD5[name]}. Nothing was changed."
                             ) from None
    found = _md5(partial.name)
    if found != MNIST_MD5[name]:
        os.unlink(partial.name)
        raise MNISTError(f"{source_file} is corrupt or truncated: its content has MD5 {found}, "
                         f"expected {MNIST_MD5[name]} for {name}. It was not used; nothing was "
                         "changed.")
    os.replace(partial.name, target)  # atomic: readers see the old file or the good new one


def _download(root, raw):
    """Let torchvision download into a scratch folder; move over only files with the right MD5."""
    from torchvision import datasets
    with tempfile.TemporaryDirectory(dir=root, prefix=".mnist-download-") as scratch:
        try:
            for train in (True, False):
                datasets.MNIST(scratch, train=train, download=True)
        except Exception as error:
            raise MNISTError(
                f"MNIST is not in {raw} and could not be downloaded ({type(error).__name__}: "
                f"{error}).\nOffline? Put the four MNIST IDX files ({', '.join(MNIST_MD5)}, "
                f"gzipped or not) in a folder and run again with "
                f"{SOURCE_VARIABLE}=/path/to/that/folder."
            ) from None
        for name in MNIST_MD5:
            _install(Path(scratch) / "MNIST" / "raw" / name, raw / name, name)


if __name__ == "__main__":
    try:
        print(f"MNIST verified in {ensure_mnist()}")
    except MNISTError as error:
        sys.exit(f"error: {error}")
