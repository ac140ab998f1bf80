"""Forward mode at scale (notebooks 02 and 03): one tangent per pass, chunks of tangents with
torch.func, the cost model, and what a whole training would take; reverse mode's cost beside it."""

import contextlib
import functools
import time
from typing import NamedTuple

import numpy as np

from .display import format_duration
from .network import Parameters, cross_entropy_loss, forward, forward_loops, nested_lists
from .timing import measure_in_turns


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

    def calls(self):
        """How many calls of `partials` the whole gradient takes: the chunks of every parameter,
        each parameter's last chunk possibly smaller (its entries over chunk_size, rounded up)."""
        return sum(-(-x.numel() // self.chunk_size(name))
                   for name, x in self.parameters._asdict().items())

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


class ForwardModeSeconds(NamedTuple):
    gradient_seconds: float  # the whole gradient: chunks × the seconds of a whole chunk
    chunks: int  # calls of ForwardModeGradient.partials, for one tangent per parameter entry
    chunk_size: int  # tangents of the timed parameter in a whole chunk (the memory budget's)
    tangent_seconds: float  # one tangent of the timed parameter: its chunk's seconds over its size
    name: str = "w"  # the timed parameter

    def __str__(self):
        chunk = self.tangent_seconds * self.chunk_size
        return (f"{self.chunks:,} chunks × {format_duration(chunk)} for a whole chunk of "
                f"{self.chunk_size} tangents of {self.name} "
                f"({format_duration(self.tangent_seconds)} a tangent)")


def forward_mode_seconds(loss, parameters, name="w", memory_budget=None):
    """What the whole gradient of loss(*parameters) costs by forward mode, in CPU time: a whole
    chunk of tangents of `name` timed by measure_in_turns, as reverse_mode_seconds times reverse
    mode, times the chunks that one tangent per entry of every parameter takes, each counted as a
    whole chunk. Timing them all would take minutes. The tangents are freed when it returns."""
    forward_mode = ForwardModeGradient(loss, parameters, memory_budget)
    chunk_size = forward_mode.chunk_size(name)
    whole_chunk = functools.partial(forward_mode.partials, name, range(chunk_size))
    seconds = measure_in_turns({"chunk": whole_chunk})["chunk"]
    chunks = forward_mode.calls()
    return ForwardModeSeconds(chunks * seconds, chunks, chunk_size, seconds / chunk_size, name)


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


class TimedGradient(NamedTuple):
    gradient: Parameters  # ∂L/∂θ for every parameter, float32 tensors on the CPU
    seconds: float  # wall seconds of the whole gradient, after a warm-up call
    chunk_size: int  # tangents of w per call, as the device's memory budget allows


def time_forward_mode_gradient(device, p, label, parameters):
    """The whole gradient of the cross-entropy loss of one image p: (n_in,) with its label, by
    ForwardModeGradient on `device` ("cuda" for notebook 03's GPU, or "cpu"), in float32, chunks
    sized from the device's memory budget, and its wall-clock seconds. Timed after one warm-up
    call on a chunk of w, since a first call pays for set-up; on a GPU, torch.cuda.synchronize()
    before the clock is read, since a GPU runs asynchronously (a call returns once its work is
    queued). The gradient is copied to the CPU, and the device's memory freed, before it
    returns."""
    import torch
    on_device = functools.partial(torch.as_tensor, dtype=torch.float32, device=device)
    forward_mode = ForwardModeGradient(functools.partial(cross_entropy_loss, on_device(p), label),
                                       parameters.map(on_device))
    chunk_size = forward_mode.chunk_size("w")
    forward_mode.chunk_seconds("w", chunk_size)  # warm-up
    start = time.perf_counter()
    gradient = forward_mode.gradient()
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()  # a GPU runs asynchronously: wait until it is done
    seconds = time.perf_counter() - start
    gradient = gradient.map(torch.Tensor.cpu)
    del forward_mode
    if torch.device(device).type == "cuda":
        torch.cuda.empty_cache()  # frees the GPU's memory
    return TimedGradient(gradient, seconds, chunk_size)
