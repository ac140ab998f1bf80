"""The course's helpers: its network, measuring, training, and checksummed MNIST.

diffType.py is what the course teaches; this module keeps the notebooks short. Every helper is
defined once, here, and used by the notebooks and the benchmarks alike. The parts a student reads
come first; the MNIST plumbing is at the end. `python -m coursekit` fetches and verifies MNIST
into data/ (see `ensure_mnist`).

Index convention of the whole course: input pixel i, hidden unit j, output k, so that
z_j = Σ_i p_i w_ij + a_j, h_j = ReLU(z_j) and o_k = Σ_j h_j v_jk + b_k.
"""

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
    return torch.nn.functional.cross_entropy(forward_torch(p, v, w, a, b), torch.as_tensor(label))


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


def show_source(obj):
    """Display an object's source code in a notebook, so that a notebook can show library code."""
    from IPython.display import Markdown
    return Markdown(f"```python\n{inspect.getsource(obj)}```")


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


DURATION_UNITS = (("years", SECONDS_PER_YEAR), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1),
                  ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


def format_duration(seconds):
    """A duration in the unit a person would use (ns to years), with three significant digits."""
    unit, size = next(((unit, size) for unit, size in DURATION_UNITS if abs(seconds) >= size),
                      DURATION_UNITS[-1])
    value = float(f"{seconds / size:.3g}")
    return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:g} {unit}"


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
    """Median seconds of loss(*parameters) alone, and of the loss plus loss.backward() (reverse
    mode): the two sides of the cheap gradient ratio. The parameters themselves are not touched."""
    import torch
    leaves = parameters.map(lambda x: x.detach().clone().requires_grad_())

    def gradient():
        for x in leaves:
            x.grad = None
        loss(*leaves).backward()

    with torch.no_grad():
        forward_only = measure(lambda: loss(*parameters)).median
    return forward_only, measure(gradient).median


def machine_info():
    """One line about this machine and the libraries that set the speed, for timing reports."""
    import platform
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}; Python "
            f"{platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")


# --- Forward mode at scale (notebook 03) ---------------------------------------------------------

class ForwardModeGradient:
    """∂L/∂θ by forward mode with torch.func: one jvp per parameter θ_i, along the one-hot tangent e_i,
    batched with vmap over a chunk of tangents at a time.

    `loss(*parameters)` is a scalar function of the Parameters. The chunk's tangents live in one
    buffer per parameter, reused from chunk to chunk: allocating fresh ones would cost more than the
    jvp itself.
    """

    def __init__(self, loss, parameters, chunk_size):
        self.loss, self.parameters, self.chunk_size = loss, parameters, chunk_size
        self._tangents = {}

    def partials(self, name, indices):
        """∂L/∂θ for the entries `indices` (into the flattened tensor) of parameter `name`."""
        import torch
        from torch.func import jvp, vmap
        primal = getattr(self.parameters, name)
        indices = torch.as_tensor(indices, device=primal.device)
        if len(indices) > self.chunk_size:
            raise ValueError(f"{len(indices)} tangents do not fit a chunk of {self.chunk_size}")
        if name not in self._tangents:
            self._tangents[name] = primal.new_zeros((self.chunk_size, *primal.shape))
        tangents = self._tangents[name][:len(indices)]
        one_hot_entries = (torch.arange(len(indices), device=primal.device), indices)

        def loss_of(x):
            return self.loss(*self.parameters._replace(**{name: x}))

        def derivative_along(tangent):
            return jvp(loss_of, (primal,), (tangent,))[1]

        tangents.view(len(indices), -1)[one_hot_entries] = 1.0
        try:
            return vmap(derivative_along)(tangents)
        finally:
            tangents.view(len(indices), -1)[one_hot_entries] = 0.0  # ready for the next chunk

    def gradient(self):
        """Every partial derivative, chunk by chunk: Parameters of gradient tensors."""
        import torch

        def of(name, primal):
            starts = range(0, primal.numel(), self.chunk_size)
            chunks = [self.partials(name, torch.arange(start, min(start + self.chunk_size, primal.numel())))
                      for start in starts]
            return torch.cat(chunks).view(primal.shape)

        return Parameters(*(of(name, primal) for name, primal in self.parameters._asdict().items()))


# --- Training (notebook 04) ----------------------------------------------------------------------

def default_device():
    """CUDA when a GPU is present, the CPU otherwise: the same code runs on both."""
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def mnist_tensors(device=None, root=None):
    """MNIST as float32 tensors on `device`: (train_images, train_labels, test_images, test_labels).
    Images are rows of 784 pixels, normalized with the training set's mean and standard deviation."""
    import torch
    data = mnist_arrays(root)
    device = device or default_device()
    train_pixels, test_pixels = (torch.from_numpy(x).float().div_(255)
                                 for x in (data.train_images, data.test_images))
    mean, std = train_pixels.mean(), train_pixels.std()
    return (train_pixels.sub_(mean).div_(std).to(device), torch.from_numpy(data.train_labels).to(device),
            test_pixels.sub_(mean).div_(std).to(device), torch.from_numpy(data.test_labels).to(device))


def accuracy(parameters, images, labels, batch_size=10_000):
    """The fraction of images whose highest score is their label."""
    import torch
    with torch.no_grad():
        correct = sum((forward_torch(x, *parameters).argmax(1) == y).sum().item()
                      for x, y in zip(images.split(batch_size), labels.split(batch_size)))
    return correct / len(labels)


def train(parameters, data, epochs=10, batch_size=256, max_lr=3e-3, label_smoothing=0.1, seed=0,
          progress=True):
    """Minibatch training with Adam and a one-cycle learning rate (see notebook 04 for each choice).

    data: mnist_tensors(). Returns one dict per epoch: loss, train_accuracy (measured on the fly,
    while the parameters change), test_accuracy and training seconds.
    """
    import torch
    from tqdm.auto import tqdm
    train_images, train_labels, test_images, test_labels = data
    optimizer = torch.optim.Adam(parameters, lr=max_lr)
    steps_per_epoch = -(-len(train_labels) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps=epochs * steps_per_epoch)
    generator = torch.Generator().manual_seed(seed)
    synchronize = torch.cuda.synchronize if train_images.is_cuda else lambda: None
    history = []
    bar = tqdm(total=epochs * steps_per_epoch, desc="training", unit="step", disable=not progress)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        loss_sum = torch.zeros((), device=train_images.device)
        correct = torch.zeros((), device=train_images.device)
        order = torch.randperm(len(train_labels), generator=generator).to(train_images.device)
        for batch in order.split(batch_size):
            images, labels = train_images[batch], train_labels[batch]
            scores = forward_torch(images, *parameters)
            loss = torch.nn.functional.cross_entropy(scores, labels, label_smoothing=label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            with torch.no_grad():  # summed on the device: no waiting for the GPU at every step
                loss_sum += loss * len(batch)
                correct += (scores.argmax(1) == labels).sum()
            bar.update()
        synchronize()
        epoch_seconds = time.perf_counter() - start
        history.append({"epoch": epoch, "loss": loss_sum.item() / len(train_labels),
                        "train_accuracy": correct.item() / len(train_labels),
                        "test_accuracy": accuracy(parameters, test_images, test_labels),
                        "seconds": epoch_seconds})
        bar.set_postfix(loss=f"{history[-1]['loss']:.3f}",
                        test_accuracy=f"{history[-1]['test_accuracy']:.2%}")
    bar.close()
    return history


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
