"""Course infrastructure: checksummed MNIST, the course's network, timing and gradient checks.

diffType.py is what the course teaches; this module only keeps the notebooks short. Run it as
`python -m coursekit` to fetch and verify MNIST into data/ (see `ensure_mnist`).
"""

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
from typing import NamedTuple

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_VARIABLE = "MNIST_SOURCE"  # a folder holding the four IDX files, gzipped or not
MNIST_MD5 = {  # MD5 of the uncompressed files, as published with MNIST
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
RUNNING_EXAMPLE = 123  # test image 123, a 6, is the course's running example

# torch 2.14's forward mode (torch.func.jvp) scripts its own helper functions on first use with
# torch.jit.script, which torch itself deprecates: a FutureWarning that students can do nothing about.
warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated", category=FutureWarning)


class MNISTError(RuntimeError):
    """MNIST is missing, cannot be fetched, or a file is corrupt."""


# --- MNIST --------------------------------------------------------------------------------------

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
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{name}.", delete=False) as partial:
        try:
            with opener(source_file, "rb") as source:
                shutil.copyfileobj(source, partial)
        except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
            partial.close()
            os.unlink(partial.name)
            raise MNISTError(f"{source_file} is corrupt or truncated ({error}); expected the MNIST "
                             f"file {name} with MD5 {MNIST_MD5[name]}. Nothing was changed.") from None
    found = _md5(partial.name)
    if found != MNIST_MD5[name]:
        os.unlink(partial.name)
        raise MNISTError(f"{source_file} is corrupt or truncated: its content has MD5 {found}, "
                         f"expected {MNIST_MD5[name]} for {name}. It was not used; nothing was changed.")
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
                f"MNIST is not in {raw} and could not be downloaded ({type(error).__name__}: {error}).\n"
                f"Offline? Put the four MNIST IDX files ({', '.join(MNIST_MD5)}, gzipped or not) in a "
                f"folder and run again with {SOURCE_VARIABLE}=/path/to/that/folder.") from None
        for name in MNIST_MD5:
            _install(Path(scratch) / "MNIST" / "raw" / name, raw / name, name)


def ensure_mnist(root=DATA_DIR, source=None, download=True):
    """Make sure root/MNIST/raw holds the four MNIST files, each with its published MD5.

    Missing or corrupt files come from `source` (default: the folder named by $MNIST_SOURCE), a
    folder holding the IDX files gzipped or not; without a source, torchvision downloads them if
    `download` is true. A file is checked before it is moved into place, so a bad copy is never
    used and never replaces a good one. Returns the raw folder.
    """
    root = Path(root)
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    missing = [name for name in MNIST_MD5 if not _is_good(raw / name, name)]
    source = source or os.environ.get(SOURCE_VARIABLE)
    if missing and source:
        for name in missing:
            candidates = [Path(source) / name, Path(source) / f"{name}.gz"]
            source_file = next((path for path in candidates if path.is_file()), None)
            if source_file is None:
                raise MNISTError(f"The MNIST source folder {source} has neither {name} nor {name}.gz.")
            _install(source_file, raw / name, name)
    elif missing and download:
        _download(root, raw)
    elif missing:
        raise MNISTError(f"MNIST files {', '.join(missing)} are missing or corrupt in {raw}, and "
                         f"downloading is switched off. Set {SOURCE_VARIABLE} to a folder holding "
                         "the four MNIST IDX files (gzipped or not), or allow the download.")
    return raw


def mnist_datasets(root=DATA_DIR, source=None, download=True, transform=None):
    """The torchvision MNIST (train, test) datasets rooted in `root`, verified by `ensure_mnist`."""
    from torchvision import datasets
    ensure_mnist(root, source, download)
    return tuple(datasets.MNIST(root, train=train, transform=transform, download=False)
                 for train in (True, False))


def load_test_image(index=RUNNING_EXAMPLE, root=DATA_DIR):
    """Test image `index` as p, a float64 vector of 784 pixels in [0, 1], and its label."""
    _, test = mnist_datasets(root)
    return test.data[index].reshape(784).numpy() / 255.0, int(test.targets[index])


# --- The course's network: o = ReLU(p·w + a)·v + b ------------------------------------------------

class Parameters(NamedTuple):
    v: np.ndarray  # 784×10, hidden unit i to output k
    w: np.ndarray  # 784×784, input pixel j to hidden unit k
    a: np.ndarray  # 784 hidden biases
    b: np.ndarray  # 10 output biases


def uniform_parameters(seed=0, n_in=784, n_hidden=784, n_out=10):
    """The original exercise's parameters: every entry uniform in [0, 1), from a seeded generator."""
    rng = np.random.default_rng(seed)
    return Parameters(v=rng.random((n_hidden, n_out)), w=rng.random((n_in, n_hidden)),
                      a=rng.random(n_hidden), b=rng.random(n_out))


def forward(p, v, w, a, b):
    """o = ReLU(p·w + a)·v + b, with numpy operators only: floats, arrays and diffTypes all work."""
    h = np.maximum(0, p @ w + a)
    return h @ v + b


def forward_torch(p, v, w, a, b):
    """The same network for torch tensors, for autograd and torch.func: relu(p @ w + a) @ v + b.
    F.linear(x, m.T, c) computes x @ m + c in one fused call (as nn.Linear does); m.T is a view."""
    from torch.nn.functional import linear, relu
    return linear(relu(linear(p, w.T, a)), v.T, b)


def cross_entropy_loss(p, label, v, w, a, b):
    """L = cross-entropy of the scores o for image p against its label: the loss the course trains."""
    import torch
    return torch.nn.functional.cross_entropy(forward_torch(p, v, w, a, b), torch.as_tensor(label))


class ForwardModeGradient:
    """∂L/∂θ by forward mode with torch.func: one jvp per parameter θ_i, along the one-hot tangent e_i,
    batched with vmap over a chunk of tangents at a time.

    `loss(**parameters)` is a scalar function of named tensors. The chunk's tangents live in one
    buffer per parameter, reused from chunk to chunk: allocating fresh ones would cost more than the
    jvp itself.
    """

    def __init__(self, loss, parameters, chunk_size):
        self.loss, self.parameters, self.chunk_size = loss, parameters, chunk_size
        self._tangents = {name: None for name in parameters}

    def partials(self, name, indices):
        """∂L/∂θ for the entries `indices` (into the flattened tensor) of parameter `name`."""
        import torch
        from torch.func import jvp, vmap
        primal = self.parameters[name]
        if self._tangents[name] is None:
            self._tangents[name] = torch.zeros((self.chunk_size, *primal.shape), dtype=primal.dtype,
                                               device=primal.device)
        indices = torch.as_tensor(indices, device=primal.device)
        if len(indices) > self.chunk_size:
            raise ValueError(f"{len(indices)} tangents do not fit a chunk of {self.chunk_size}")
        tangents = self._tangents[name][:len(indices)]
        one_hot = (torch.arange(len(indices), device=primal.device), indices)
        tangents.view(len(indices), -1)[one_hot] = 1.0
        try:
            along = lambda tangent: jvp(lambda x: self.loss(**{**self.parameters, name: x}), (primal,), (tangent,))[1]
            return vmap(along)(tangents)
        finally:
            tangents.view(len(indices), -1)[one_hot] = 0.0  # ready for the next chunk

    def gradient(self):
        """Every partial derivative: numel(θ) jvps, chunk by chunk. Returns {name: gradient tensor}."""
        import torch
        return {name: torch.cat([self.partials(name, torch.arange(start, min(start + self.chunk_size, p.numel())))
                                 for start in range(0, p.numel(), self.chunk_size)]).view(p.shape)
                for name, p in self.parameters.items()}


def nested_lists(array, number_type):
    """An array as nested Python lists of number_type(entry): the input forward_loops expects."""
    if np.ndim(array) > 1:
        return [nested_lists(row, number_type) for row in array]
    return [number_type(x) for x in np.asarray(array).tolist()]


def forward_loops(p, v, w, a, b):
    """The same network with Python loops over nested lists, one number at a time, as the original
    exercise wrote it (but contracting over the input pixel j, as p @ w does). Works for any number
    type with +, * and >: floats, diffType, or the benchmark's minimal dual class."""
    h = [max(0, sum(p[j] * w[j][k] for j in range(len(p))) + a[k]) for k in range(len(a))]
    return [sum(h[i] * v[i][k] for i in range(len(h))) + b[k] for k in range(len(b))]


N_PARAMETERS = 784 * 784 + 784 + 784 * 10 + 10  # w, a, v, b: 623,290


# --- Training (notebook 04) ------------------------------------------------------------------------

def device():
    """CUDA when a GPU is present, the CPU otherwise: the same code runs on both."""
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def mnist_tensors(on=None, root=DATA_DIR):
    """MNIST as float32 tensors on device `on`: (train_images, train_labels, test_images, test_labels).
    Images are rows of 784 pixels, normalized with the training set's mean and standard deviation."""
    train, test = mnist_datasets(root)
    train_pixels, test_pixels = (d.data.reshape(-1, 784).float() / 255 for d in (train, test))
    mean, std = train_pixels.mean(), train_pixels.std()
    on = on or device()
    return ((train_pixels - mean).div_(std).to(on), train.targets.to(on),
            (test_pixels - mean).div_(std).to(on), test.targets.to(on))


def he_parameters(seed=0, on=None, n_in=784, n_hidden=784, n_out=10):
    """Leaf tensors v, w, a, b for training: He (Kaiming) normal w, std √(2/n_in), for the ReLU layer;
    LeCun normal v, std √(1/n_hidden), for the linear output layer; zero biases."""
    import torch
    generator = torch.Generator().manual_seed(seed)
    normal = lambda shape, std: (torch.randn(shape, generator=generator) * std).to(on or device())
    zeros = lambda n: torch.zeros(n, device=on or device())
    return {"v": normal((n_hidden, n_out), (1 / n_hidden) ** 0.5).requires_grad_(),
            "w": normal((n_in, n_hidden), (2 / n_in) ** 0.5).requires_grad_(),
            "a": zeros(n_hidden).requires_grad_(), "b": zeros(n_out).requires_grad_()}


def accuracy(parameters, images, labels, batch_size=10_000):
    """The fraction of images whose highest score is their label."""
    import torch
    with torch.no_grad():
        correct = sum((forward_torch(x, **parameters).argmax(1) == y).sum().item()
                      for x, y in zip(images.split(batch_size), labels.split(batch_size)))
    return correct / len(labels)


def train(parameters, data, epochs=10, batch_size=256, max_lr=3e-3, label_smoothing=0.1, seed=0, progress=True):
    """Minibatch training with Adam and a one-cycle learning rate (see notebook 04 for each choice).

    data: mnist_tensors(). Returns one dict per epoch: loss, train_accuracy (measured on the fly,
    while the parameters change), test_accuracy and training seconds.
    """
    import torch
    from tqdm.auto import tqdm
    train_images, train_labels, test_images, test_labels = data
    optimizer = torch.optim.Adam(parameters.values(), lr=max_lr)
    steps_per_epoch = -(-len(train_labels) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps=epochs * steps_per_epoch)
    generator = torch.Generator().manual_seed(seed)
    synchronize = torch.cuda.synchronize if train_images.is_cuda else lambda: None
    history = []
    bar = tqdm(total=epochs * steps_per_epoch, desc="training", unit="step", disable=not progress)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        loss_sum, correct = torch.zeros((), device=train_images.device), torch.zeros((), device=train_images.device)
        for batch in torch.randperm(len(train_labels), generator=generator).to(train_images.device).split(batch_size):
            images, labels = train_images[batch], train_labels[batch]
            scores = forward_torch(images, **parameters)
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
        seconds_ = time.perf_counter() - start
        history.append({"epoch": epoch, "loss": loss_sum.item() / len(train_labels),
                        "train_accuracy": correct.item() / len(train_labels),
                        "test_accuracy": accuracy(parameters, test_images, test_labels), "seconds": seconds_})
        bar.set_postfix(loss=f"{history[-1]['loss']:.3f}", test_accuracy=f"{history[-1]['test_accuracy']:.2%}")
    bar.close()
    return history


# --- Measuring --------------------------------------------------------------------------------------

class Timing(NamedTuple):
    median: float  # seconds per call
    best: float
    worst: float
    calls: int  # calls per repeat, chosen by timeit's autorange

    def __str__(self):
        return (f"{seconds(self.median)} per call (median of repeats, range "
                f"{seconds(self.best)} to {seconds(self.worst)}, {self.calls} calls per repeat)")


def measure(function, repeat=5, min_seconds=0.2):
    """Time function() the way notebook 01 teaches: autorange, then several repeats; seconds per call."""
    timer = timeit.Timer(function)
    calls, _ = timer.autorange()  # also a warm-up
    calls = max(1, int(calls * min_seconds / 0.2))
    per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]
    return Timing(statistics.median(per_call), min(per_call), max(per_call), calls)


def seconds(t):
    """A duration in the unit a person would use: ns, µs, ms, s, min, h, days or years."""
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1),
                       ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(t) >= size or unit == "ns":
            value = float(f"{t / size:.3g}")  # three significant digits
            return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:g} {unit}"


def reverse_mode_seconds(loss, parameters):
    """Median seconds of loss(**parameters) alone, and of the loss plus loss.backward() (reverse mode):
    the two sides of the cheap gradient ratio. The parameters themselves are not touched."""
    import torch
    leaves = {name: x.detach().clone().requires_grad_() for name, x in parameters.items()}

    def gradient():
        for x in leaves.values():
            x.grad = None
        loss(**leaves).backward()

    with torch.no_grad():
        forward_only = measure(lambda: loss(**parameters)).median
    return forward_only, measure(gradient).median


def relative_error(x, y):
    """max |x - y| / (|x| + |y|), elementwise, as in cs231n's gradient checks; 0 where both are 0."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = np.abs(x) + np.abs(y)
    return float(np.max(np.divide(np.abs(x - y), scale, out=np.zeros_like(scale), where=scale > 0)))


def show_source(obj):
    """Display an object's source code in a notebook, so that a notebook can show library code."""
    from IPython.display import Markdown
    return Markdown(f"```python\n{inspect.getsource(obj)}```")


def machine_info():
    """One line about this machine and the libraries that set the speed, for timing reports."""
    import platform
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}; Python "
            f"{platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")


if __name__ == "__main__":
    try:
        print(f"MNIST verified in {ensure_mnist()}")
    except MNISTError as error:
        sys.exit(f"error: {error}")
