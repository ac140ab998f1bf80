"""coursekit's network helpers agree with each other and with autograd."""

import functools

import numpy as np
import pytest
import torch

import coursekit
from diffType import diffType


@pytest.fixture
def small_network():
    rng = np.random.default_rng(5)
    v, w, a, b = rng.normal(size=(9, 10)), rng.normal(size=(12, 9)), rng.normal(size=9), rng.normal(size=10)
    return rng.random(12), v, w, a, b


def test_the_three_forward_passes_agree(small_network):
    p, v, w, a, b = small_network
    reference = coursekit.forward(p, v, w, a, b)
    loops = coursekit.forward_loops(*(coursekit.nested_lists(x, float) for x in small_network))
    as_torch = coursekit.forward_torch(*(torch.from_numpy(x) for x in small_network))
    np.testing.assert_allclose(loops, reference, rtol=1e-13)
    np.testing.assert_allclose(as_torch.numpy(), reference, rtol=1e-13)
    assert coursekit.nested_lists(np.eye(2), diffType)[1][1].value == 1.0


def test_forward_mode_gradient_equals_autograd_in_every_entry(small_network):
    p, *parameters = (torch.from_numpy(x) for x in small_network)
    parameters = coursekit.Parameters(*parameters)
    loss = functools.partial(coursekit.cross_entropy_loss, p, 6)
    forward_mode = coursekit.ForwardModeGradient(loss, parameters, chunk_size=7)  # 7: chunks end mid-tensor
    gradient = forward_mode.gradient()

    leaves = parameters.map(lambda x: x.clone().requires_grad_())
    loss(*leaves).backward()
    for computed, leaf in zip(gradient, leaves):
        torch.testing.assert_close(computed, leaf.grad, rtol=1e-12, atol=1e-14)
    partial = forward_mode.partials("w", [3, 50, 107])
    torch.testing.assert_close(partial, leaves.w.grad.reshape(-1)[[3, 50, 107]], rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="do not fit a chunk of 7"):
        forward_mode.partials("w", range(8))


def test_measure_and_units():
    timing = coursekit.measure(lambda: sum(range(100)), repeat=3, min_seconds=0.01)
    assert timing.best <= timing.median <= timing.worst and timing.calls >= 1
    assert "per call" in str(timing)
    durations = (2e-9, 3e-6, 0.004, 5, 90, 7200, 3 * 86400, 4e9, 1.6e13, 0)
    assert [coursekit.format_duration(t) for t in durations] == [
        "2 ns", "3 µs", "4 ms", "5 s", "1.5 min", "2 h", "3 days", "127 years", "507,000 years", "0 ns"]
    assert coursekit.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert coursekit.relative_error(1.0, 3.0) == 0.5


def test_parameters_unpack_in_forward_order_and_map():
    parameters = coursekit.uniform_parameters(seed=3, n_in=5, n_hidden=4, n_out=2)
    assert [x.shape for x in parameters] == [(4, 2), (5, 4), (4,), (2,)]
    as_torch = parameters.map(torch.from_numpy)
    assert isinstance(as_torch, coursekit.Parameters) and as_torch.w.shape == (5, 4)
    p = np.ones(5)
    np.testing.assert_allclose(coursekit.forward_torch(torch.from_numpy(p), *as_torch).numpy(),
                               coursekit.forward(p, *parameters), rtol=1e-13)
    he = coursekit.he_parameters(seed=0, device="cpu")
    assert all(x.is_leaf and x.requires_grad and x.dtype == torch.float32 for x in he)
    assert abs(he.w.std().item() - (2 / 784) ** 0.5) < 1e-3 and he.a.abs().sum() == 0


def test_print_table_lines_up_a_markdown_table(capsys):
    coursekit.print_table(["method", "time"], [["scalar", "1.2 s"], ["vectorized diffType", "157 µs"]])
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["| method              |   time |",
                     "| :------------------ | -----: |",
                     "| scalar              |  1.2 s |",
                     "| vectorized diffType | 157 µs |"]


def test_one_hot_and_add_to_class():
    np.testing.assert_array_equal(coursekit.one_hot((2, 3), (1, 2)), [[0, 0, 0], [0, 0, 1.0]])

    class Number:
        pass

    @coursekit.add_to_class(Number)
    def double(self):
        return 2

    assert Number().double() == 2


@pytest.mark.parametrize("name, index", [("v", (3, 1)), ("w", (2, 4)), ("a", 5), ("b", 0)])
def test_scalar_forward_mode_seeds_one_entry(small_network, name, index):
    p, *parameters = small_network
    parameters = coursekit.Parameters(*parameters)
    run = coursekit.scalar_forward_mode(diffType, p, parameters, name, index)
    tangents = parameters.map(np.zeros_like)
    getattr(tangents, name)[index] = 1.0
    dual = coursekit.forward(p, *(diffType(x, t) for x, t in zip(parameters, tangents)))
    np.testing.assert_allclose([o.dvalue for o in run.outputs], dual.dvalue, rtol=1e-13, atol=1e-15)
    assert run.build_seconds > 0 and run.pass_seconds > 0
