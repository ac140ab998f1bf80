"""The checks of notebook 04, autograd and training: Exercises 4.1 and 4.2.

Each check takes the student's function as its argument, `check.exercise_4_1(sgd_step)`, runs it
on networks and batches of its own (two sizes, float32 and float64), and compares the result with
a reference computed here by `torch.autograd.grad`. It tests what the exercise states: results,
what must stay unchanged, and for 4.2 the memory that autograd holds, watched through the tensors it
saves for backward(), whatever the answer calls its forward pass and however it lays out the
images.
"""

import contextlib
import math
from unittest import mock

import torch
import torch.nn.functional as F

from checks.core import attempt, exercise, out_of_reach
from coursekit import Parameters


def _network(p, v, w, a, b):
    """o = ReLU(p·w + a)·v + b, written here so that the reference shares no code with an answer."""
    return torch.relu(p @ w + a) @ v + b


def _parameters(seed, n_hidden, n_classes, dtype):
    """Leaf tensors (v, w, a, b) for 784 pixels, drawn as He initialization draws them, with
    biases that are not zero."""
    generator = torch.Generator().manual_seed(seed)

    def leaf(shape, std):
        return (torch.randn(shape, generator=generator, dtype=dtype) * std).requires_grad_()
    return Parameters(v=leaf((n_hidden, n_classes), n_hidden ** -0.5),
                      w=leaf((784, n_hidden), (2 / 784) ** 0.5),
                      a=leaf((n_hidden,), 0.1), b=leaf((n_classes,), 0.1))


def _batch(seed, n, n_classes, dtype):
    """n images (n, 784) of normalized pixels, and their int64 labels (n,)."""
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn((n, 784), generator=generator, dtype=dtype),
            torch.randint(n_classes, (n,), generator=generator))


def _loss_and_gradient(parameters, images, labels):
    """The batch's mean cross-entropy loss and its gradient, in float64; the parameters as they
    were."""
    copies = [x.detach().double().requires_grad_() for x in parameters]
    loss = F.cross_entropy(_network(images.double(), *copies), labels)
    return loss.item(), torch.autograd.grad(loss, copies)


def _named(dtype):
    """'float32' for torch.float32."""
    return str(dtype).removeprefix("torch.")


def _unchanged(images, labels, images_before, labels_before, function):
    """The caller's batch is the caller's: the same values, dtype and shape after the call."""
    assert images.dtype == images_before.dtype and torch.equal(images, images_before), (
        f"{function} changed the images it was given. Hint: a function leaves its caller's "
        "tensors as they were: no in-place operation on them.")
    assert torch.equal(labels, labels_before), (
        f"{function} changed the labels it was given. Hint: a function leaves its caller's "
        "tensors as they were.")


def _still_a_parameter(name, x, shape, dtype):
    """x is still a trainable leaf of the given shape and dtype."""
    assert x.is_leaf and x.requires_grad, (
        f"{name} is no longer a trainable leaf tensor. Hint: change a parameter's values in "
        "place; autograd must not record the change.")
    assert x.dtype == dtype and tuple(x.shape) == shape, (
        f"{name} is now {_named(x.dtype)} of shape {tuple(x.shape)}, not {_named(dtype)} of shape "
        f"{shape}. "
        "Hint: a step changes the parameters' values, never their shape or dtype.")


# --- Exercise 4.1: one training step by hand -----------------------------------------------------


@contextlib.contextmanager
def _no_optim(hint):
    """torch.optim switched off: whatever an answer takes from it, and any optimizer made from a
    name imported earlier (from torch.optim import SGD), fails with the hint."""
    class Refused:
        def __getattr__(self, name):
            if name.startswith("__"):  # Python's own questions get the usual answer
                raise AttributeError(name)
            raise AssertionError(f"your code used torch.optim.{name}: {hint}")

    with out_of_reach(f"your code made a torch.optim optimizer: {hint}",
                      "torch.optim.Optimizer.__init__"):
        with mock.patch.object(torch, "optim", Refused()):
            yield


def _check_step(step, name, x, before, should):
    """Parameter x after the step against the reference move `should` from `before`."""
    moved = x.detach().double() - before.double()
    assert moved.abs().sum() > 0, (
        f"Step {step}: {name} did not change. Hint: update the parameter tensor itself, in place; "
        "x = x - … makes a new tensor and leaves the parameter as it was.")
    assert x.grad is None, (
        f"Step {step}: {name}.grad still holds a tensor after the step. Hint: reset every .grad "
        "to None, as optimizer.zero_grad() does (zero_() would leave a tensor of zeros).")
    assert (moved * should).sum() > 0, (
        f"Step {step}: {name} moved uphill, the way the loss grows. Hint: gradient descent steps "
        "against the gradient.")
    error = (moved - should).abs().max() / should.abs().max()
    assert error < 1e-4, (
        f"Step {step}: {name} moved in the right direction, by the wrong amount. Hint: the step "
        "is lr times the gradient of the batch's mean loss, once.")


@exercise("4.1", "forward, backward, update, reset: that is all training is.")
def exercise_4_1(sgd_step):
    """Two steps of `sgd_step` on a 784-784-10 network and a batch of 50 images with lr 0.1, and two
    on a 784-30-7 network and a batch of one image with lr 0.01; each against a step computed
    here. The loss, every parameter's move, its .grad reset to None, its shape and dtype (float32),
    and the batch left unchanged."""
    crash_hint = ("the forward pass and backward() run with autograd recording, and backward() "
                  "fills every .grad, None until then; your own update follows, in place and "
                  "unrecorded (torch.no_grad())")
    optim_hint = "write the update yourself"
    for seed, n_hidden, n_classes, n, lr in ((41, 784, 10, 50, 0.1), (5, 30, 7, 1, 0.01)):
        parameters = _parameters(seed, n_hidden, n_classes, torch.float32)
        images, labels = _batch(seed, n, n_classes, torch.float32)
        images_before, labels_before = images.clone(), labels.clone()
        for step in (1, 2):  # the second step shows whether the first left its gradient behind
            before = [x.detach().clone() for x in parameters]
            expected_loss, gradient = _loss_and_gradient(parameters, images, labels)
            call = f"sgd_step on {n} image{'s' * (n > 1)} and {n_classes} classes, step {step}"
            with _no_optim(optim_hint):
                loss = attempt(call, crash_hint, sgd_step, parameters, images, labels, lr)
            _unchanged(images, labels, images_before, labels_before, "sgd_step")
            assert isinstance(loss, float), (
                f"{call} returned {type(loss).__name__}, not a Python float. Hint: .item() gives "
                "a tensor's one number as a float.")
            assert abs(loss - expected_loss) <= 1e-5 * max(1, abs(expected_loss)), (
                f"{call} returned the loss {loss:.6g}, not the batch's mean cross-entropy "
                f"{expected_loss:.6g} before the step. Hint: F.cross_entropy averages over the "
                "batch; return the loss of the parameters the step starts from.")
            for name, x, x0, g in zip(Parameters._fields, parameters, before, gradient):
                _still_a_parameter(name, x, tuple(x0.shape), torch.float32)
                _check_step(step, name, x, x0, -lr * g)


# --- Exercise 4.2: a large batch in parts ---------------------------------------------------------


class _SavedInput:
    """Images that autograd saved for a backward pass: it notes when backward() uses them and when
    the graph lets them go. `number` counts the saves; `key`, the indices of the images held, tells
    the parts apart."""

    def __init__(self, tensor, key, events):
        self.tensor, self.key, self.events = tensor, key, events
        self.number = sum(kind == "forward" for kind, *_ in events)
        events.append(("forward", self.number, key))

    def __del__(self):
        self.events.append(("freed", self.number, self.key))


def _images_held(tensor, fingerprints, probe):
    """The indices of the batch's images that a saved tensor holds, or None if it is not made of
    them. Its rows of 784 pixels may lie along any axis (images, images.T, a batch of one), be a
    copy (indexing, .double()): each row is known by its projection on `probe`, which matches one
    image's fingerprint to rounding."""
    if tensor.requires_grad or not tensor.is_floating_point() or tensor.numel() == 0:
        return None
    tolerance = 1e-9 * (1 + fingerprints.abs().max())
    for axis in [axis for axis, size in enumerate(tensor.shape) if size == 784]:
        rows = tensor.detach().movedim(axis, -1).reshape(-1, 784).double() @ probe
        distance, nearest = (rows[:, None] - fingerprints[None, :]).abs().min(1)
        if (distance <= tolerance).all():
            return tuple(sorted(set(nearest.tolist())))
    return None


@contextlib.contextmanager
def _graphs_watched(images, events):
    """Note in events what autograd saves of the images: every forward pass that backward() will
    differentiate with respect to w saves the images it ran on, in whatever layout the answer
    chose. Anything else passes unnoted; tensors that require a gradient pass detached, since a
    saved output that held its own grad_fn would keep alive a graph that no backward() frees."""
    probe = torch.randn(784, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    fingerprints = images.detach().double() @ probe

    def pack(tensor):
        if tensor.requires_grad:
            return tensor.detach()
        key = _images_held(tensor, fingerprints, probe)
        return tensor if key is None else _SavedInput(tensor, key, events)

    def unpack(saved):
        if isinstance(saved, _SavedInput):
            saved.events.append(("backward", saved.number, saved.key))
            return saved.tensor
        return saved

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        yield


def _check_graphs(events, n, parts):
    """Each part in turn: a graph of at most ⌈n / parts⌉ images, used by its backward() and freed
    before the next part's forward pass."""
    largest, held, forwards, backwards = -(-n // parts), {}, set(), set()
    for kind, number, key in events:
        if kind == "forward":
            rows = len(key)
            assert rows <= largest, (
                f"A forward pass kept {rows} of the {n} images for backward(); in {parts} parts "
                f"none has more than {largest}. Hint: run each part through the network on its "
                "own.")
            assert set(held.values()) <= {key}, (
                f"With {parts} parts, a part's forward pass began while another part's graph was "
                "still in memory. Hint: one part at a time: its forward pass, its backward(), "
                "then the next part.")
            held[number] = key
            forwards.add(number)
        elif kind == "backward":
            backwards.add(number)
        else:
            held.pop(number, None)
    assert forwards, (
        "No forward pass that backward() could use. Hint: run each part through the network with "
        "autograd recording, outside torch.no_grad().")
    assert forwards <= backwards, (
        f"With {parts} parts, a forward pass's graph was never used by a backward(). Hint: one "
        "forward pass and one backward() per part, on that pass's loss.")


@exercise("4.2", "backward() adds, so a batch can be processed in parts.")
def exercise_4_2(accumulate_gradient):
    """`accumulate_gradient` on three batches: 151 images in 4 parts of unequal size (float64,
    784-784-10), 5 images in 8 parts, more parts than images (float64, 784-30-7), and 40 images in
    3 parts (float32, 784-64-10). Against one pass over the whole batch: the returned loss, every
    .grad (shape, dtype, value); the parameters and the batch unchanged; and autograd's memory:
    how many images each graph holds, and that backward() frees it before the next part."""
    crash_hint = ("backward() needs a forward pass that autograd recorded (not under "
                  "torch.no_grad()); .grad is None until a backward() fills it in, and each later "
                  "backward() adds to it")
    cases = ((42, 784, 10, 151, 4, torch.float64, 1e-9), (8, 30, 7, 5, 8, torch.float64, 1e-9),
             (3, 64, 10, 40, 3, torch.float32, 1e-4))
    for seed, n_hidden, n_classes, n, parts, dtype, tolerance in cases:
        parameters = _parameters(seed, n_hidden, n_classes, dtype)
        images, labels = _batch(seed, n, n_classes, dtype)
        before = [x.detach().clone() for x in parameters]
        images_before, labels_before = images.clone(), labels.clone()
        expected_loss, gradient = _loss_and_gradient(parameters, images, labels)
        call = f"accumulate_gradient on {n} {_named(dtype)} images in {parts} parts"
        events = []
        with _graphs_watched(images, events):
            loss = attempt(call, crash_hint, accumulate_gradient, parameters, images, labels, parts)
        _unchanged(images, labels, images_before, labels_before, "accumulate_gradient")
        assert isinstance(loss, float), (
            f"{call} returned {type(loss).__name__}, not a Python float. Hint: .item() gives a "
            "tensor's one number as a float.")
        assert math.isfinite(loss), (
            f"{call} returned the loss {loss}. Hint: what is the mean loss of a part that holds "
            "no image?")
        assert abs(loss - expected_loss) <= tolerance * max(1, abs(expected_loss)), (
            f"{call} returned {loss:.10g}, not the whole batch's mean loss {expected_loss:.10g}. "
            "Hint: what is each part's mean worth in the mean over the whole batch?")
        for name, x, x0, whole in zip(Parameters._fields, parameters, before, gradient):
            assert torch.equal(x.detach(), x0), (
                f"{call} changed {name}. Hint: it computes the gradient; the step is not its job.")
            _check_gradient(call, name, x, whole, tolerance)
        _check_graphs(events, n, parts)


def _check_gradient(call, name, x, whole, tolerance):
    """x.grad, accumulated over the parts, against the whole batch's gradient `whole` (float64)."""
    mine = x.grad
    assert mine is not None, (
        f"After {call}, {name}.grad is None. Hint: call backward() on each part's loss.")
    assert mine.dtype == x.dtype and mine.shape == x.shape, (
        f"After {call}, {name}.grad is {_named(mine.dtype)} of shape {tuple(mine.shape)}, not "
        f"{_named(x.dtype)} of shape {tuple(x.shape)}. Hint: let backward() fill .grad.")
    assert torch.isfinite(mine).all(), (
        f"After {call}, {name}.grad holds nan or inf. Hint: what does a part that holds no image "
        "add to the gradient?")
    mine = mine.double()
    size = (mine.norm() / whole.norm()).item()
    assert abs(size - 1) < tolerance, (
        f"After {call}, ∂L/∂{name} is {size:.6f} times the size of the whole batch's gradient. "
        "Hint: what is each part's mean worth in the whole batch's mean, and does every part's "
        "backward() add to .grad?")
    error = ((mine - whole).abs().max() / whole.abs().max()).item()
    assert error < tolerance, (
        f"After {call}, ∂L/∂{name} points elsewhere than the whole batch's gradient. Hint: does "
        "every part's backward() add to .grad?")
