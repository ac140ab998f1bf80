"""The course's network, o = ReLU(p·w + a)·v + b, in numpy, in torch and with Python loops.

Index convention of the whole course: input pixel i, hidden unit j, output k, so that
z_j = Σ_i p_i w_ij + a_j, h_j = ReLU(z_j) and o_k = Σ_j h_j v_jk + b_k.
"""

import functools
from typing import Any, NamedTuple

import numpy as np

RUNNING_EXAMPLE = 123  # test image 123, a 6, is the course's running example
N_PARAMETERS = 784 * 10 + 784 * 784 + 784 + 10  # v, w, a, b: 623,290


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


def one_hot(shape, index):
    """A float64 array of the given shape, 1 at index and 0 elsewhere: seeds one entry."""
    seed = np.zeros(shape)
    seed[index] = 1.0
    return seed


def relative_error(x, y):
    """max |x - y| / (|x| + |y|) over the entries, as in cs231n's gradient checks (0 for 0, 0)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = np.abs(x) + np.abs(y)
    return float(np.max(np.divide(np.abs(x - y), scale, out=np.zeros_like(scale), where=scale > 0)))


def default_device():
    """CUDA when a GPU is present, the CPU otherwise: the same code runs on both."""
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
