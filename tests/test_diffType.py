"""diffType against calculus, centered finite differences and PyTorch's forward mode, in float64."""

import math
import operator

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.func import jvp

import diffType as dt
from coursekit import forward
from diffType import derivative, diffType

FD_STEP = 1e-6
SMOOTH_RTOL = 1e-7  # centered differences in float64, away from kinks


def finite_difference(f, x, dx=1.0, y=None, dy=0.0):
    """Centered difference of f along the tangent (dx, dy), step scaled to the inputs."""
    h = FD_STEP * max(1.0, abs(x), abs(y or 0.0))
    if y is None:
        return (f(x + h * dx) - f(x - h * dx)) / (2 * h)
    return (f(x + h * dx, y + h * dy) - f(x - h * dx, y - h * dy)) / (2 * h)


def torch_jvp(f, primals, tangents):
    as_tensor = lambda values: tuple(torch.tensor(v, dtype=torch.float64) for v in values)
    value, tangent = jvp(f, as_tensor(primals), as_tensor(tangents))
    return value.numpy().tolist(), tangent.numpy().tolist()


def rel_error(x, y):
    return abs(x - y) / max(abs(x) + abs(y), 1e-300)


# One case per operator and function: the function, written once for diffType (m = the diffType
# module) and torch (m = torch), its analytic derivative, and a domain where it is smooth.
UNARY = {
    "x + 2.5": (lambda m, x: x + 2.5, lambda x: 1.0, (-3, 3)),
    "2.5 + x": (lambda m, x: 2.5 + x, lambda x: 1.0, (-3, 3)),
    "x - 2.5": (lambda m, x: x - 2.5, lambda x: 1.0, (-3, 3)),
    "2.5 - x": (lambda m, x: 2.5 - x, lambda x: -1.0, (-3, 3)),
    "x * 2.5": (lambda m, x: x * 2.5, lambda x: 2.5, (-3, 3)),
    "2.5 * x": (lambda m, x: 2.5 * x, lambda x: 2.5, (-3, 3)),
    "x / 2.5": (lambda m, x: x / 2.5, lambda x: 0.4, (-3, 3)),
    "2.5 / x": (lambda m, x: 2.5 / x, lambda x: -2.5 / x**2, (0.5, 3)),
    "x * x": (lambda m, x: x * x, lambda x: 2 * x, (-3, 3)),
    "x / (1 + x * x)": (lambda m, x: x / (1 + x * x), lambda x: (1 - x**2) / (1 + x**2) ** 2,
                        (-3, 3)),
    "x ** 3": (lambda m, x: x**3, lambda x: 3 * x**2, (-3, 3)),
    "x ** 0.5": (lambda m, x: x**0.5, lambda x: 0.5 / math.sqrt(x), (0.5, 3)),
    "x ** -2": (lambda m, x: x**-2, lambda x: -2 * x**-3, (0.5, 3)),
    "x ** 0": (lambda m, x: x**0, lambda x: 0.0, (-3, 3)),
    "2.5 ** x": (lambda m, x: 2.5**x, lambda x: 2.5**x * math.log(2.5), (-3, 3)),
    "x ** x": (lambda m, x: x**x, lambda x: x**x * (math.log(x) + 1), (0.5, 3)),
    "-x": (lambda m, x: -x, lambda x: -1.0, (-3, 3)),
    "+x": (lambda m, x: +x, lambda x: 1.0, (-3, 3)),
    "abs(x)": (lambda m, x: abs(x), lambda x: math.copysign(1.0, x), (-3, 3)),
    "exp": (lambda m, x: m.exp(x), math.exp, (-3, 3)),
    "log": (lambda m, x: m.log(x), lambda x: 1 / x, (0.5, 3)),
    "sin": (lambda m, x: m.sin(x), math.cos, (-3, 3)),
    "cos": (lambda m, x: m.cos(x), lambda x: -math.sin(x), (-3, 3)),
    "tanh": (lambda m, x: m.tanh(x), lambda x: 1 - math.tanh(x) ** 2, (-3, 3)),
    "sqrt": (lambda m, x: m.sqrt(x), lambda x: 0.5 / math.sqrt(x), (0.5, 3)),
    "relu": (lambda m, x: m.relu(x), lambda x: float(x > 0), (-3, 3)),
    "sigmoid": (lambda m, x: m.sigmoid(x), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
                (-3, 3)),
}

# Two varying operands x and y: the function for diffType and torch, and the domain of both.
BINARY = {
    "x + y": (operator.add, (-3, 3)),
    "x - y": (operator.sub, (-3, 3)),
    "x * y": (operator.mul, (-3, 3)),
    "x / y": (operator.truediv, (0.5, 3)),
    "x ** y": (operator.pow, (0.5, 3)),
    "maximum(x, y)": (lambda x, y: (dt.maximum(x, y) if isinstance(x, diffType)
                                    else torch.maximum(x, y)),
                      (-3, 3)),
}

POINTS = np.random.default_rng(2024).random(6)  # where each case is checked, spread over its domain


def points(domain):
    low, high = domain
    return [float(low + (high - low) * u) for u in POINTS]


@pytest.mark.parametrize("name", UNARY)
def test_unary_against_analytic_finite_difference_and_torch(name):
    f, f_prime, domain = UNARY[name]
    for x in points(domain):
        result = f(dt, diffType(x, 1.0))
        assert result.dvalue == pytest.approx(f_prime(x), rel=1e-12, abs=1e-15), name
        by_differences = finite_difference(lambda t: f(dt, diffType(t)).value, x)
        assert rel_error(result.dvalue, by_differences) <= SMOOTH_RTOL, name
        value, tangent = torch_jvp(lambda t: f(torch, t), (x,), (1.0,))
        assert (result.value, result.dvalue) == pytest.approx((value, tangent), rel=1e-12,
                                                              abs=1e-15), name


@pytest.mark.parametrize("name", BINARY)
def test_binary_against_finite_difference_and_torch(name):
    f, domain = BINARY[name]
    rng = np.random.default_rng(7)
    for x, y in zip(points(domain), reversed(points(domain))):
        dx, dy = rng.normal(size=2)
        result = f(diffType(x, dx), diffType(y, dy))
        plain = lambda s, t: f(diffType(s), diffType(t)).value
        assert rel_error(result.dvalue, finite_difference(plain, x, dx, y, dy)) <= SMOOTH_RTOL, name
        value, tangent = torch_jvp(f, (x, y), (dx, dy))
        assert (result.value, result.dvalue) == pytest.approx((value, tangent), rel=1e-12), name


def test_matmul_is_the_product_rule_and_matches_torch():
    rng = np.random.default_rng(1)
    x, dx = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    y, dy = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    result = diffType(x, dx) @ diffType(y, dy)
    np.testing.assert_allclose(result.dvalue, dx @ y + x @ dy, rtol=1e-13)
    value, tangent = torch_jvp(operator.matmul, (x, y), (dx, dy))
    np.testing.assert_allclose(result.value, value, rtol=1e-13)
    np.testing.assert_allclose(result.dvalue, tangent, rtol=1e-13)
    for mixed in (x @ diffType(y, dy), diffType(x, dx) @ y, x.tolist() @ diffType(y, dy)):
        assert mixed.value.shape == mixed.dvalue.shape == (3, 2)
    assert (x @ diffType(y, dy)).dvalue == pytest.approx(x @ dy)
    vector = diffType(np.ones(4), np.arange(4.0)) @ np.ones(4)  # 1-d @ 1-d: a float, not np.float64
    assert type(vector.value) is float and vector.dvalue == 6.0


UFUNCS = {np.exp: dt.exp, np.log: dt.log, np.sin: dt.sin, np.cos: dt.cos, np.tanh: dt.tanh,
          np.sqrt: dt.sqrt, np.abs: abs, np.negative: operator.neg, np.positive: operator.pos}


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
def test_numpy_ufuncs_dispatch_to_the_same_rules(ufunc):
    for x in (diffType(1.3, 0.7), diffType(np.array([0.5, 1.5, 2.5]), np.array([1.0, -2.0, 0.5]))):
        via_numpy, direct = ufunc(x), UFUNCS[ufunc](x)
        np.testing.assert_array_equal(via_numpy.value, direct.value)
        np.testing.assert_array_equal(via_numpy.dvalue, direct.dvalue)


@pytest.mark.parametrize("constant", [2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2),
                                      np.array(2.0),
                                      np.array([2.0, 2.0]), [2.0, 2.0]], ids=repr)
@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow])
def test_constants_mix_in_from_either_side(op, constant):
    x = diffType(1.5, 1.0)
    left, right = op(x, constant), op(constant, x)
    expected_left = derivative(lambda t: op(t, 2.0), 1.5)
    expected_right = derivative(lambda t: op(2.0, t), 1.5)
    assert np.shape(left.value) == np.shape(left.dvalue) == np.shape(constant)
    assert np.shape(right.value) == np.shape(right.dvalue) == np.shape(constant)
    np.testing.assert_allclose(left.dvalue, expected_left, rtol=1e-6)  # float32 constants: 1e-6
    np.testing.assert_allclose(right.dvalue, expected_right, rtol=1e-6)


def test_scalars_stay_python_floats():
    x = diffType(np.float64(2.0), np.float64(1.0))
    for result in (x, x * np.float64(3.0), np.float64(3.0) * x, np.exp(x), x**2, 2**x, x**x,
                   abs(x), dt.relu(x)):
        assert type(result.value) is float and type(result.dvalue) is float, result
    assert repr(x) == "diffType(value=2.0, dvalue=1.0)"
    assert repr(diffType(np.zeros(784))).startswith("diffType(value=array([0., 0., ..., 0., 0.]")


@pytest.mark.parametrize("name", [n for n in UNARY if n not in ("x ** x",)])
def test_array_mode_equals_scalar_mode_elementwise(name):
    f, _, domain = UNARY[name]
    xs = np.array(points(domain))
    tangents = np.linspace(-2.0, 2.0, xs.size)
    array_result = f(dt, diffType(xs, tangents))
    for x, t, value, dvalue in zip(xs, tangents, array_result.value, array_result.dvalue):
        scalar_result = f(dt, diffType(x, t))
        scalar = (scalar_result.value, scalar_result.dvalue)
        assert (value, dvalue) == pytest.approx(scalar, rel=1e-14), name


def test_forward_runs_unchanged_on_floats_scalar_duals_and_array_duals():
    rng = np.random.default_rng(3)
    p, v, w = rng.random(6), rng.normal(size=(5, 3)), rng.normal(size=(6, 5))
    a, b = rng.normal(size=5), rng.normal(size=3)
    plain = forward(p, v, w, a, b)
    tangent = np.zeros_like(v)
    tangent[1, 2] = 1.0
    as_array_duals = forward(p, diffType(v, tangent), diffType(w), diffType(a), diffType(b))
    scalar_duals = np.vectorize(diffType, otypes=[object])  # object arrays of scalar diffTypes
    as_scalar_duals = forward(scalar_duals(p), scalar_duals(v, tangent), scalar_duals(w),
                              scalar_duals(a), scalar_duals(b))
    h = np.maximum(0, p @ w + a)
    np.testing.assert_allclose(as_array_duals.value, plain, rtol=1e-14)
    np.testing.assert_allclose(as_array_duals.dvalue, [0, 0, h[1]], rtol=1e-14)  # h_1·δ_k2
    np.testing.assert_allclose([o.value for o in as_scalar_duals], plain, rtol=1e-14)
    np.testing.assert_allclose([o.dvalue for o in as_scalar_duals], as_array_duals.dvalue,
                               rtol=1e-14)


def test_kinks_follow_pytorch():
    zero = diffType(0.0, 1.0)
    assert dt.relu(zero).dvalue == 0.0 == torch_jvp(torch.relu, (0.0,), (1.0,))[1]
    assert abs(zero).dvalue == 0.0 == torch_jvp(torch.abs, (0.0,), (1.0,))[1]
    assert np.maximum(0, zero).dvalue == 0.0 == np.maximum(zero, 0.0).dvalue  # a shifted ReLU
    assert max(0, zero) == 0 and max(0, diffType(2.0, 1.0)).dvalue == 1.0  # max compares values
    tie = dt.maximum(diffType(1.0, 3.0), diffType(1.0, 1.0))
    assert tie.dvalue == 2.0 == torch_jvp(torch.maximum, (1.0, 1.0), (3.0, 1.0))[1]
    masked = np.maximum(0, diffType(np.array([-1.0, 0.0, 2.0]), np.ones(3)))
    np.testing.assert_array_equal(masked.dvalue, [0.0, 0.0, 1.0])


def test_comparisons_look_at_values_and_duals_are_unhashable():
    x, same_value = diffType(2.0, 1.0), diffType(2.0, -5.0)
    assert x == same_value and not (x != same_value) and x == 2 and x != 3
    assert x < 3 and x <= 2 and x > 1 and x >= 2 and 1 < x and np.float64(3.0) > x
    assert (x == "two") is False and (x != None) is True  # noqa: E711
    np.testing.assert_array_equal(diffType(np.array([-1.0, 1.0])) > 0, [False, True])
    np.testing.assert_array_equal(np.zeros(2) < diffType(np.array([-1.0, 1.0])), [False, True])
    with pytest.raises(TypeError, match="unhashable"):
        {x}


def test_value_and_dvalue_are_assignable_and_inputs_are_copied():
    v = [[diffType(1.0), diffType(2.0)]]
    v[0][1].dvalue = 1.0
    assert sum(row[1] * 3.0 for row in v).dvalue == 3.0
    tangent = np.zeros(3)
    x = diffType(np.ones(3), tangent)
    x.dvalue[0] = 1.0
    assert tangent[0] == 0.0, "changing a diffType must not change the caller's array"


@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tanh", "sqrt", "sigmoid"])
def test_elementary_functions_carry_their_names(name):
    function = getattr(dt, name)
    assert function.__name__ == function.__qualname__ == name
    assert function.__doc__.startswith(f"{name}(x)")


def test_sum_and_derivative_helper():
    xs = [diffType(float(i), 1.0) for i in range(4)]
    assert sum(xs).value == 6.0 and sum(xs).dvalue == 4.0
    assert derivative(lambda x: x**3 - 2 * x, 2.0) == 10.0
    assert derivative(lambda x: 5.0, 2.0) == 0.0  # a constant function
    np.testing.assert_array_equal(derivative(dt.relu, np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(derivative(lambda x: 5.0, np.array([1.0, 2.0])), [0.0, 0.0])


def test_int_arrays_become_float_and_scalar_tangents_broadcast():
    x = diffType(np.array([1, 2]), 1)
    assert x.value.dtype == x.dvalue.dtype == np.float64
    np.testing.assert_array_equal(x.dvalue, [1.0, 1.0])
    assert type(diffType(np.array(3)).value) is float  # 0-d arrays are scalars
    assert diffType(np.ones(2, dtype=np.float32)).dvalue.dtype == np.float32


def test_int_and_bool_operands_promote_as_numpy_does():
    """A ReLU mask keeps a float32 dual array float32, as it keeps a float32 array float32."""
    x = diffType(np.ones((2, 3), dtype=np.float32), np.ones((2, 3), dtype=np.float32))
    mask = np.array([[True, False, True], [False, True, True]])
    for masked in (x * mask, mask * x, np.multiply(x, mask)):
        assert masked.value.dtype == masked.dvalue.dtype == np.float32
        np.testing.assert_array_equal(masked.dvalue, mask)
    for relu in (np.maximum(x, 0), np.maximum(0, x), dt.relu(x), np.maximum(x, x)):
        assert relu.value.dtype == relu.dvalue.dtype == np.float32
    shifted = x + np.arange(3)  # float32 and int64 give float64 in numpy too
    assert shifted.value.dtype == shifted.dvalue.dtype == (np.ones(3, np.float32) + np.arange(3)).dtype


@pytest.mark.parametrize("bad", ["2.0", None, complex(1, 2), {"x": 1}], ids=repr)
def test_bad_values_raise_type_error_naming_them(bad):
    with pytest.raises(TypeError, match=f"value must be a real number .*not {type(bad).__name__}"):
        diffType(bad)
    with pytest.raises(TypeError,
                       match=f"operand must be a real number .*not {type(bad).__name__}"):
        diffType(1.0) * bad
    with pytest.raises(TypeError, match=f"operand .*not {type(bad).__name__}"):
        bad - diffType(1.0)


def test_nested_duals_are_refused_with_a_reason():
    """diffType carries one perturbation, untagged: nesting it would confuse perturbations."""
    for nested in (lambda: diffType(diffType(1.0)), lambda: diffType(1.0, diffType(1.0)),
                   lambda: derivative(lambda x: x * derivative(lambda y: x + y, 1.0), 1.0),
                   lambda: derivative(lambda x: derivative(lambda y: y * y, x), 1.0)):
        with pytest.raises(TypeError, match=r"without a tag.*perturbation confusion, notebook 06"):
            nested()
    with pytest.raises(ZeroDivisionError):
        derivative(lambda x: 1 / (x - x), 1.0)
    assert derivative(lambda x: x * x, 3.0) == 6.0, "a failed call leaves derivative usable"


def test_a_captured_dual_is_not_seen_and_confuses_perturbations():
    """The nesting diffType cannot refuse (its module docstring says so): an outer diffType that
    a function captures meets the inner one, and the untagged perturbations add up. The classic
    d/dx [x · d/dy (x + y)] at x = 1 is 1; untagged, it comes out 2."""
    x = diffType(1.0, 1.0)  # the outer perturbation, seeded by hand
    inner = derivative(lambda y: x + y, 1.0)  # d/dy (x + y) should be 1
    assert inner == 2.0 and (x * inner).dvalue == 2.0


# Dual arrays in array code: what a reverse-mode engine's rules ask of the arrays they hold.
def torch_jvp_of(function, value, tangent):
    """(value, tangent) of function at value along tangent, by torch.func.jvp, as numpy arrays."""
    out, out_tangent = jvp(function, (torch.tensor(value),), (torch.tensor(tangent),))
    return out.numpy(), out_tangent.numpy()


def dual_and_torch(dual_function, torch_function, value, tangent):
    result = dual_function(diffType(value, tangent))
    expected_value, expected_tangent = torch_jvp_of(torch_function, value, tangent)
    np.testing.assert_allclose(result.value, expected_value, rtol=1e-14)
    np.testing.assert_allclose(result.dvalue, expected_tangent, rtol=1e-14, atol=1e-15)
    assert np.shape(result.value) == np.shape(result.dvalue) == expected_value.shape


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_follow_torch(axis, keepdims):
    rng = np.random.default_rng(3)
    value, tangent = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    dim = () if axis is None else axis  # torch: an empty dim reduces over all
    torch_dim = tuple(range(2)) if axis is None else axis
    dual_and_torch(lambda x: x.sum(axis, keepdims), lambda t: t.sum(torch_dim, keepdims), value, tangent)
    dual_and_torch(lambda x: np.sum(x, axis=axis, keepdims=keepdims),
                   lambda t: t.sum(torch_dim, keepdims), value, tangent)
    dual_and_torch(lambda x: np.mean(x, axis=axis, keepdims=keepdims),
                   lambda t: t.mean(torch_dim, keepdims), value, tangent)
    for maximum in (lambda x: x.max(axis, keepdims), lambda x: np.max(x, axis=axis, keepdims=keepdims),
                    lambda x: np.amax(x, axis=axis, keepdims=keepdims)):
        dual_and_torch(maximum, lambda t: t.amax(dim, keepdims), value, tangent)


def test_max_at_a_tie_passes_on_the_mean_tangent_as_torch_amax():
    value, tangent = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]), np.array([[5.0, 1.0, 2.0], [1.0, 1.0, 1.0]])
    dual_and_torch(lambda x: x.max(axis=1), lambda t: t.amax(1), value, tangent)
    assert diffType(np.float32([1, 1]), np.float32([1, 2])).max().dvalue == 1.5
    assert diffType(np.float32([1, 2]), np.float32([1, 2])).max(axis=0, keepdims=True).dvalue.dtype == np.float32
    scalar = diffType(2.0, 1.0)
    assert scalar.max().value == 2.0 and scalar.sum().dvalue == 1.0 and type(scalar.mean().value) is float


def test_shape_questions_and_views():
    x = diffType(np.arange(6.0).reshape(2, 3), np.ones((2, 3), dtype=np.float64))
    assert x.shape == np.shape(x) == (2, 3) and x.ndim == np.ndim(x) == 2 and x.size == np.size(x) == 6
    assert x.dtype == np.float64 and diffType(np.ones(2, dtype=np.float32)).dtype == np.float32
    scalar = diffType(2.0, 1.0)
    assert scalar.shape == () and scalar.ndim == 0 and scalar.size == 1 and scalar.T is scalar
    for transposed in (x.T, np.transpose(x)):
        np.testing.assert_array_equal(transposed.value, x.value.T)
        assert transposed.dvalue.shape == (3, 2)
    for reshaped in (x.reshape(3, 2), x.reshape((3, 2)), np.reshape(x, (3, 2)), x.reshape(-1)):
        np.testing.assert_array_equal(reshaped.value.ravel(), x.value.ravel())
        assert reshaped.dvalue.shape == reshaped.value.shape
    one_d, two_d = np.atleast_1d(diffType(2.0, 1.0)), np.atleast_2d(diffType(np.float32([1, 2])))
    assert one_d.shape == one_d.dvalue.shape == (1,) and one_d.dvalue.tolist() == [1.0]
    assert two_d.shape == two_d.dvalue.shape == (1, 2) and two_d.dvalue.dtype == np.float32


def test_indexing_reads_and_writes_value_and_tangent_together():
    x = diffType(np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3) * 10)
    assert x[1, 2].value == 5.0 and x[1, 2].dvalue == 50.0 and type(x[1, 2].value) is float
    row = x[0]
    assert row.shape == (3,) and row.dvalue.tolist() == [0.0, 10.0, 20.0]
    picked = x[np.arange(2), np.array([2, 0])]
    assert picked.value.tolist() == [2.0, 3.0] and picked.dvalue.tolist() == [20.0, 30.0]
    x[np.arange(2), np.array([2, 0])] -= 1  # softmax minus one-hot, as a rule writes it
    assert x.value.tolist() == [[0.0, 1.0, 1.0], [2.0, 4.0, 5.0]]
    assert x.dvalue.tolist() == [[0.0, 10.0, 20.0], [30.0, 40.0, 50.0]], "a constant has tangent 0"
    x[0, 0] = diffType(7.0, 8.0)
    assert (x.value[0, 0], x.dvalue[0, 0]) == (7.0, 8.0)
    assert np.asarray(x).shape == (), "numpy does not take a diffType apart (it has no len)"


def test_outer_and_where_follow_torch_and_constants_are_plain_arrays():
    rng = np.random.default_rng(4)
    x, dx, y = rng.normal(size=3), rng.normal(size=3), rng.normal(size=4)
    dual_and_torch(lambda d: np.outer(d, y), lambda t: torch.outer(t, torch.tensor(y)), x, dx)
    dual_and_torch(lambda d: np.outer(y, d), lambda t: torch.outer(torch.tensor(y), t), x, dx)
    both = np.outer(diffType(x, dx), diffType(y, np.ones(4)))
    np.testing.assert_allclose(both.dvalue, np.outer(dx, y) + np.outer(x, np.ones(4)))
    mask = x > 0
    dual_and_torch(lambda d: np.where(mask, d, 0.0), lambda t: torch.where(torch.tensor(mask), t, 0.0), x, dx)
    chosen = np.where(diffType(x, dx) > 0, 1.0, diffType(x, dx))
    np.testing.assert_array_equal(chosen.dvalue, np.where(mask, 0.0, dx))
    by_dual_condition = np.where(diffType(mask.astype(float)), diffType(x, dx), 0.0)
    np.testing.assert_array_equal(by_dual_condition.dvalue, np.where(mask, dx, 0.0))
    for constant, fill in ((np.ones_like, 1.0), (np.zeros_like, 0.0)):
        made = constant(diffType(np.ones(3, dtype=np.float32)))
        assert type(made) is np.ndarray and made.dtype == np.float32 and made.tolist() == [fill] * 3
        assert constant(diffType(np.ones(2)), dtype=np.float32).dtype == np.float32


def test_bad_shapes_raise_value_error_naming_them():
    with pytest.raises(ValueError, match=r"value has shape \(3,\) but dvalue has shape \(2,\)"):
        diffType([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="rectangular"):
        diffType([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="broadcast"):
        diffType([1.0, 2.0, 3.0]) + [1.0, 2.0]
    with pytest.raises(TypeError, match="array of real numbers, not list"):
        diffType([diffType(1.0)])  # an array of diffTypes: build one diffType of arrays instead


def test_unsupported_numpy_functions_say_what_to_use():
    x = diffType(np.ones(2))
    with pytest.raises(TypeError, match="numpy.dot: use operators") as refused:
        np.dot(x, x)
    for ufunc in dt._UFUNC_RULES:  # the message lists exactly the ufuncs that have a rule
        assert ufunc.__name__ in str(refused.value)
    for function in dt._FUNCTION_RULES:  # and the numpy functions that have one
        assert function.__name__ in str(refused.value)
    assert "minimum" not in str(refused.value) and "concatenate" not in str(refused.value)
    with pytest.raises(TypeError,
                       match="does not support numpy.minimum; supported ufuncs: absolute"):
        np.minimum(x, x)
    with pytest.raises(TypeError, match=r"numpy.add.outer"):
        np.add.outer(x, x)
    with pytest.raises(TypeError, match="with keyword arguments"):
        np.exp(x, out=np.empty(2))


def test_division_by_zero_follows_floats_for_scalars_and_numpy_for_arrays():
    for divide in (lambda: diffType(1.0, 1.0) / 0, lambda: 1.0 / diffType(0.0, 1.0),
                   lambda: diffType(1.0) / diffType(0.0)):
        with pytest.raises(ZeroDivisionError):
            divide()
    with np.errstate(divide="ignore", invalid="ignore"):
        result = diffType(np.array([1.0, -1.0, 0.0]), 1.0) / np.zeros(3)
    np.testing.assert_array_equal(result.value, [np.inf, -np.inf, np.nan])


def test_nan_and_inf_propagate():
    nan = diffType(math.nan, 1.0) * 2.0 + 1.0
    assert math.isnan(nan.value) and math.isnan(nan.dvalue)
    with np.errstate(over="ignore"):
        big = np.exp(diffType(1000.0, 1.0))
    assert big.value == math.inf and big.dvalue == math.inf
    assert dt.sigmoid(diffType(-1000.0, 1.0)).value == 0.0  # no overflow warning in the stable form


# Property tests on composed expressions: the rules of calculus hold for whatever diffType computes.
SMOOTH = {"sin": dt.sin, "cos": dt.cos, "tanh": dt.tanh, "sigmoid": dt.sigmoid,
          "exp∘sin": lambda x: dt.exp(dt.sin(x)), "cube": lambda x: x**3 - 2 * x,
          "rational": lambda x: 1 / (1 + x * x), "softplus-ish": lambda x: dt.log(1 + dt.exp(x))}
names = st.sampled_from(sorted(SMOOTH))
reals = st.floats(-3, 3)
close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=200, deadline=None)
@given(f=names, g=names, x=reals, alpha=reals, beta=reals)
def test_linearity(f, g, x, alpha, beta):
    f, g = SMOOTH[f], SMOOTH[g]
    combined = derivative(lambda t: alpha * f(t) + beta * g(t), x)
    assert close(combined, alpha * derivative(f, x) + beta * derivative(g, x))


@settings(max_examples=200, deadline=None)
@given(f=names, g=names, x=reals)
def test_product_rule(f, g, x):
    f, g = SMOOTH[f], SMOOTH[g]
    fx, gx = f(diffType(x)).value, g(diffType(x)).value
    product_rule = derivative(f, x) * gx + fx * derivative(g, x)
    assert close(derivative(lambda t: f(t) * g(t), x), product_rule)


@settings(max_examples=200, deadline=None)
@given(f=names, g=names, x=reals)
def test_chain_rule(f, g, x):
    f, g = SMOOTH[f], SMOOTH[g]
    inner = g(diffType(x)).value
    assert close(derivative(lambda t: f(g(t)), x), derivative(f, inner) * derivative(g, x))


def test_constant_operands_are_read_not_copied_and_stored_values_are_copies():
    w = np.arange(6.0).reshape(2, 3)
    x = diffType(np.ones(2), np.array([1.0, 0.0]))
    result = x @ w
    np.testing.assert_array_equal(result.dvalue, w[0])
    stored = diffType(w)
    w[0, 0] = 100.0  # the caller changes its array afterwards
    assert stored.value[0, 0] == 0.0 and result.value[0] == 3.0
    assert dt._as_real(w, "operand", copy=False) is w
