"""The checks of notebook 00, dual numbers: Exercises 0.1 to 0.6.

Exercises 0.1 to 0.3 run the student's `Dual` and the course's `diffType` on the same expressions:
at random points x = a + bε, y = c + dε with a plain number k, at 0, with int and float constants,
and at the edges of each rule (x⁰, the kink of relu, log of a negative number). While the
student's code runs, `diffType` is out of reach, so that the rules cannot hand their work to the
reference they are compared with. Exercises 0.4 to 0.6 test forward mode at work: one seeded pass,
a numerically stable rule judged by relative error, Newton's method on increasing and decreasing
functions.
"""

import math
import numbers
import traceback
from decimal import Decimal, localcontext
from types import SimpleNamespace
from unittest import mock

import numpy as np

import diffType as dt
from checks.core import CheckFailed, attempt, describe, exercise, out_of_reach
from diffType import diffType

# --- Exercises 0.1 to 0.3: the rules of a Dual, against diffType's --------------------------------

UNCHANGED = "a rule builds a new Dual and leaves its operands as they were"


def _functions(number_type, sin=dt.sin, exp=dt.exp, log=dt.log, relu=dt.relu):
    """What an expression of a check may use: D, the dual number type, and four functions."""
    return SimpleNamespace(D=number_type, sin=sin, exp=exp, log=log, relu=relu)


def _random_points(seed, count=3):
    """(a, b, c, d, k) rows: x = a + bε, y = c + dε and a plain number k, all in [0.5, 2.5), where
    every rule of the notebook is defined."""
    return np.random.default_rng(seed).uniform(0.5, 2.5, size=(count, 5)).tolist()


def _parts(result, Dual, expression, hint):
    """(value, dvalue) of the student's result as floats, once it is a Dual of two numbers."""
    assert isinstance(result, Dual), (
        f"{expression} gives a {type(result).__name__}, not a Dual. Hint: {hint}")
    assert all(isinstance(part, numbers.Real) for part in (result.value, result.dvalue)), (
        f"{expression} gives a Dual whose parts are not two numbers: {result!r:.80}. Hint: {hint}")
    return float(result.value), float(result.dvalue)


def _same(mine, expected):
    """Equal to rounding, NaN included: a rule that must give NaN gives NaN."""
    if math.isnan(expected):
        return math.isnan(mine)
    return math.isclose(mine, expected, rel_tol=1e-12, abs_tol=1e-12)


def _without_diffType(f, *args):
    """f(*args) with diffType out of reach: creating one fails with the hint below."""
    with out_of_reach("it calls diffType, the very reference it is checked against",
                      "diffType.diffType.__init__", "diffType._dual"):
        return f(*args)


def _compare_rules(cases, yours, points, compare_dvalue=True):
    """Each case is (expression, hint, f). f(m, x, y, k) runs on the student's Duals (m = yours)
    and on diffTypes (m = diffType's) at every point (a, b, c, d, k); both parts must agree, and
    x and y must be unchanged afterwards."""
    reference = _functions(diffType)
    for expression, hint, f in cases:
        for a, b, c, d, k in points:
            x, y = yours.D(a, b), yours.D(c, d)
            result = attempt(expression, hint, _without_diffType, f, yours, x, y, k)
            changed = [name for name, dual, parts in (("x", x, (a, b)), ("y", y, (c, d)))
                       if (dual.value, dual.dvalue) != parts]
            assert not changed, f"{expression} changed {' and '.join(changed)}. Hint: {UNCHANGED}"
            value, dvalue = _parts(result, yours.D, expression, hint)
            with np.errstate(invalid="ignore"):  # log of a negative number is NaN, silently
                expected = f(reference, diffType(a, b), diffType(c, d), k)
            assert _same(value, expected.value), f"{expression}: the value is off. Hint: {hint}"
            assert not compare_dvalue or _same(dvalue, expected.dvalue), (
                f"{expression}: the ε-part (dvalue) is off. Hint: {hint}")


@exercise("0.1", "sums and products of dual numbers, with 0, ints and floats on either side.")
def exercise_0_1(Dual):
    """x + y, x * y and their reflected forms, with Duals, floats, ints and 0 on either side, at
    random points and at negative ones; x and y must come out unchanged."""
    sum_rule = "expand (a + bε) + (c + dε)"
    product_rule = "expand (a + bε)(c + dε), then use ε² = 0"
    constant = "a plain number k is the dual number k + 0ε"
    cases = [
        ("x + y", sum_rule, lambda m, x, y, k: x + y),
        ("x + k", constant, lambda m, x, y, k: x + k),
        ("x + 2", "an int is a plain number too", lambda m, x, y, k: x + 2),
        ("x + 0", "0 is a plain number too", lambda m, x, y, k: x + 0),
        ("k + x", "for k + x, Python calls x.__radd__(k)", lambda m, x, y, k: k + x),
        ("2 + x", "for 2 + x, int gives up and Python calls x.__radd__(2)",
         lambda m, x, y, k: 2 + x),
        ("sum([x, y, x])", "sum() starts from the int 0: 0 + x", lambda m, x, y, k: sum([x, y, x])),
        ("x * y", product_rule, lambda m, x, y, k: x * y),
        ("x * k", constant, lambda m, x, y, k: x * k),
        ("x * 3", "an int is a plain number too", lambda m, x, y, k: x * 3),
        ("x * 0", "0 is a plain number too, and a product whose value is 0 is no special case",
         lambda m, x, y, k: x * 0),
        ("k * x", "for k * x, Python calls x.__rmul__(k)", lambda m, x, y, k: k * x),
        ("3 * x", "for 3 * x, int gives up and Python calls x.__rmul__(3)",
         lambda m, x, y, k: 3 * x),
        ("(x + k) * (y * x)", "a composition of + and *", lambda m, x, y, k: (x + k) * (y * x)),
    ]
    at_zero = [  # a value of 0 is an ordinary value: no rule divides by it
        ("(0 + 1ε) * y", product_rule, lambda m, x, y, k: m.D(0.0, 1.0) * y),
        ("x * (0 + 0ε)", product_rule, lambda m, x, y, k: x * m.D(0.0, 0.0)),
        ("(0 + 1ε) + (0 + 1ε)", sum_rule, lambda m, x, y, k: m.D(0.0, 1.0) + m.D(0.0, 1.0)),
    ]
    yours = _functions(Dual)
    _compare_rules(cases, yours, _random_points(seed=1))
    _compare_rules(cases, yours, [[-1.5, 0.5, 2.0, -1.25, -0.75]])  # negative parts
    _compare_rules(at_zero, yours, _random_points(seed=10, count=1))


@exercise("0.2", "negation, difference, quotient and power rules, x⁰ and 0 included.")
def exercise_0_2(Dual):
    """-x, x - y, x / y and x ** n, with plain numbers (ints, floats, 0) on either side, powers
    with int, negative, float, 0 and 1 exponents, and a value of 0 where each rule allows it."""
    constant = "a plain number k is the dual number k + 0ε"
    quotient = "write x / y = q + rε, multiply both sides by y = c + dε, compare the ε-parts"
    power = "the power rule, for every plain exponent n"
    cases = [
        ("-x", "negation: -(a + bε)", lambda m, x, y, k: -x),
        ("x - y", "the difference: x + (-y)", lambda m, x, y, k: x - y),
        ("x - k", constant, lambda m, x, y, k: x - k),
        ("x - 2", "an int is a plain number too", lambda m, x, y, k: x - 2),
        ("x - 0", "0 is a plain number too", lambda m, x, y, k: x - 0),
        ("k - x", "k - x is as_dual(k) - x: your __sub__", lambda m, x, y, k: k - x),
        ("2 - x", "2 - x is as_dual(2) - x: your __sub__", lambda m, x, y, k: 2 - x),
        ("x / y", quotient, lambda m, x, y, k: x / y),
        ("x / k", constant, lambda m, x, y, k: x / k),
        ("x / 2", "an int is a plain number too", lambda m, x, y, k: x / 2),
        ("k / x", "k / x is as_dual(k) / x: your __truediv__", lambda m, x, y, k: k / x),
        ("2 / x", "2 / x is as_dual(2) / x: your __truediv__", lambda m, x, y, k: 2 / x),
        ("x ** 3", power, lambda m, x, y, k: x**3),
        ("x ** -2", f"{power}, negative ones too", lambda m, x, y, k: x**-2),
        ("x ** k", f"{power}, floats too", lambda m, x, y, k: x**k),
        ("x ** 0.5", f"{power}, floats too", lambda m, x, y, k: x**0.5),
        ("x ** 1", "x¹ = x", lambda m, x, y, k: x**1),
        ("x ** 0", "x⁰ = 1 for every x: how much does it change when x moves?",
         lambda m, x, y, k: x**0),
        ("(x - y) / (x * y) ** 2", "a composition", lambda m, x, y, k: (x - y) / (x * y) ** 2),
    ]
    at_zero = [  # the rules hold at a value of 0 too, wherever the operation is defined there
        ("(0 + 1ε) ** 0", "x⁰ = 1 for every x, 0 included: how much does it change when x moves?",
         lambda m, x, y, k: m.D(0.0, 1.0) ** 0),
        ("(0 + 1ε) ** 1", "x¹ = x, also at 0", lambda m, x, y, k: m.D(0.0, 1.0) ** 1),
        ("(0 + 1ε) ** 2", f"{power}, also at 0", lambda m, x, y, k: m.D(0.0, 1.0) ** 2),
        ("(-1.5 + 1ε) ** 3", f"{power}, also for a negative value",
         lambda m, x, y, k: m.D(-1.5, 1.0) ** 3),
        ("(0 + 1ε) / y", quotient, lambda m, x, y, k: m.D(0.0, 1.0) / y),
        ("0 - x", "0 - x is as_dual(0) - x: your __sub__", lambda m, x, y, k: 0 - x),
        ("-(0 + 1ε)", "negation: -(a + bε)", lambda m, x, y, k: -m.D(0.0, 1.0)),
    ]
    yours = _functions(Dual)
    _compare_rules(cases, yours, _random_points(seed=2))
    _compare_rules(at_zero, yours, _random_points(seed=20, count=1))


@exercise("0.3", "sin, exp, log and relu through the chain rule, on Duals and on plain numbers.")
def exercise_0_3(Dual, sin, exp, log, relu):
    """sin, exp, log and relu of Duals and of plain numbers (ints and floats): the values, the
    ε-parts, a Dual for every result, the kink of relu, and log of a negative number (NaN)."""
    chain = "the chain rule: f(a + bε) = f(a) + f′(a)·b·ε"
    number = "a plain number k is the Dual k + 0ε, and every function returns a Dual"
    kink = "at the kink a = 0 the slope is a convention: 0, as in PyTorch"
    cases = [
        ("sin(x)", chain, lambda m, x, y, k: m.sin(x)),
        ("exp(x)", chain, lambda m, x, y, k: m.exp(x)),
        ("log(x)", chain, lambda m, x, y, k: m.log(x)),
        ("relu(x) for x > 0", chain, lambda m, x, y, k: m.relu(x)),
        ("relu(x) for x < 0", chain, lambda m, x, y, k: m.relu(m.D(-x.value, x.dvalue))),
        ("relu(0 + bε)", kink, lambda m, x, y, k: m.relu(m.D(0.0, x.dvalue))),
        ("sin(k), k a float", number, lambda m, x, y, k: m.sin(k)),
        ("exp(k), k a float", number, lambda m, x, y, k: m.exp(k)),
        ("log(k), k a float", number, lambda m, x, y, k: m.log(k)),
        ("relu(k), k a float", number, lambda m, x, y, k: m.relu(k)),
        ("relu(-k), k a float", number, lambda m, x, y, k: m.relu(-k)),
        ("exp(sin(x) * y) + log(x * y)", "a composition",
         lambda m, x, y, k: m.exp(m.sin(x) * y) + m.log(x * y)),
    ]
    ints = [
        ("sin(2)", number, lambda m, x, y, k: m.sin(2)),
        ("exp(0)", number, lambda m, x, y, k: m.exp(0)),
        ("log(1)", number, lambda m, x, y, k: m.log(1)),
        ("relu(3)", number, lambda m, x, y, k: m.relu(3)),
        ("relu(-3)", number, lambda m, x, y, k: m.relu(-3)),
        ("relu(0)", kink, lambda m, x, y, k: m.relu(0)),
    ]
    # Outside log's domain the course follows numpy and diffType: the value is NaN (math.log
    # raises instead). Only the value is judged there: there is no derivative to compare.
    outside = "outside its domain, log's value is NaN (not a number), as numpy and diffType give"
    negative = [
        ("log(-x)", outside, lambda m, x, y, k: m.log(m.D(-x.value, x.dvalue))),
        ("log(-2)", outside, lambda m, x, y, k: m.log(-2)),
    ]
    yours = _functions(Dual, sin, exp, log, relu)
    _compare_rules(cases, yours, _random_points(seed=3))
    _compare_rules(ints, yours, _random_points(seed=30, count=1))
    with np.errstate(invalid="ignore"):  # numpy's log warns where it gives NaN
        _compare_rules(negative, yours, _random_points(seed=31, count=2), compare_dvalue=False)


# --- Exercise 0.4: seed the right input -----------------------------------------------------------


def _unchanged(given, point):
    """True if the list `given` still holds the very numbers of `point` (a diffType compares
    equal to its value, so == alone would miss an input written into the list)."""
    return (type(given) is list and len(given) == len(point)
            and all(type(g) is type(p) and g == p for g, p in zip(given, point)))


def _number(part):
    """A part of an input as a float, or None where it is no single number."""
    return float(part) if isinstance(part, numbers.Real) else None


def _functions_of_several_inputs():
    """{name: (f, its gradient worked out by hand, a point)}: 2, 3 and 4 inputs, ints and a 0 among
    the points."""
    rng = np.random.default_rng(4)
    return {
        "x/y + y": (lambda x, y: x / y + y, lambda x, y: [1 / y, 1 - x / y**2], [2, 3]),
        "x·sin(y) + z²/x": (lambda x, y, z: x * dt.sin(y) + z**2 / x,
                            lambda x, y, z: [np.sin(y) - z**2 / x**2, x * np.cos(y), 2 * z / x],
                            rng.uniform(0.5, 2.0, size=3).tolist()),
        "exp(x·y)·z - y³": (lambda x, y, z: dt.exp(x * y) * z - y**3,
                            lambda x, y, z: [y * z * np.exp(x * y),
                                             x * z * np.exp(x * y) - 3 * y**2, np.exp(x * y)],
                            rng.uniform(0.5, 2.0, size=3).tolist()),
        "w·x·y + z² - y": (lambda w, x, y, z: w * x * y + z**2 - y,
                           lambda w, x, y, z: [x * y, w * y, w * x - 1, 2 * z],
                           [0.0, *rng.uniform(-2.0, 2.0, size=3).tolist()]),
    }


@exercise("0.4", "one pass, one seeded input, one partial derivative, for any number of inputs.")
def exercise_0_4(partial_derivative):
    """Every partial derivative of functions of 2, 3 and 4 inputs: one call of f, with the inputs
    as separate arguments, their values unchanged and only the chosen one seeded; the ε-part as
    one number; the caller's point unchanged."""
    separate = ("each input is a diffType whose value is a number of point and whose dvalue is a "
                "number; f takes the inputs as separate arguments, f(x0, x1, ...)")
    for name, (f, gradient, point) in _functions_of_several_inputs().items():
        arity = len(point)
        for index in range(arity):
            calls, given = [], list(point)
            expected = gradient(*map(float, point))[index]

            def watched(*inputs):
                calls.append(inputs)
                assert len(inputs) == arity, (
                    f"f of {name} got {len(inputs)} argument(s), not its {arity} inputs")
                return f(*inputs)

            what = f"partial_derivative(f, {given}, {index}) for f = {name}"
            result = attempt(what, separate, partial_derivative, watched, given, index)
            assert _unchanged(given, point), (
                f"{what} changed the caller's point to {given!r:.80}. Hint: build the inputs "
                "anew; leave point as it is")
            assert len(calls) == 1, (f"{what} called f {len(calls)} times. Hint: one pass on "
                                     "dual numbers gives one partial derivative")
            values = [_number(getattr(x, "value", x)) for x in calls[0]]
            tangent = [_number(getattr(x, "dvalue", 0.0)) for x in calls[0]]
            assert values == [float(x) for x in point], (
                f"{what}: f got the values {values}, not the point. Hint: the tangent moves an "
                "input; its value stays the point's")
            assert tangent == [float(i == index) for i in range(arity)], (
                f"{what}: f got the tangent (dvalues) {tangent}. Hint: which input moves, and "
                "by how much?")
            assert isinstance(result, numbers.Real), (
                f"{what} returned a {type(result).__name__}, not one number. Hint: the partial "
                "derivative is one part of f's result")
            assert math.isclose(result, expected, rel_tol=1e-12, abs_tol=1e-12), (
                f"{what} is off. Hint: which part of f's result carries the derivative?")


# --- Exercise 0.5: softplus, with a rule of its own -----------------------------------------------

ELEMENTWISE = ("x.value may be a float or an array: use numpy functions that act elementwise on "
               "both, not if, max() or indexing")
ONE_RULE = "write one rule, the value and the ε-part, from x.value and x.dvalue with numpy"


def _exact_softplus(a):
    """log(1 + eᵃ) and its slope for a float or an array a, as float64 arrays of a's shape, from
    decimal arithmetic, which shares no code with numpy's float64 and in which eᵃ cannot overflow.
    It keeps 60 digits beyond those that 1 + eᵃ spends on the 1 (for a = -700, about 300), so
    that even a tiny result keeps its own digits. The slope is a centered difference with
    h = 10⁻²⁰, exact to float64 at that precision."""
    values, slopes = [], []
    for point in np.ravel(a).tolist():
        with localcontext() as context:
            context.prec = 60 + math.ceil(max(0.0, -point) / math.log(10))
            t, h = Decimal(point), Decimal("1e-20")
            values.append((1 + t.exp()).ln())
            slopes.append(((1 + (t + h).exp()).ln() - (1 + (t - h).exp()).ln()) / (2 * h))
    values, slopes = np.array(values, dtype=float), np.array(slopes, dtype=float)
    return values.reshape(np.shape(a)), slopes.reshape(np.shape(a))


def _overflow_report(softplus, x, where, error):
    """Where the student's softplus overflowed, and whether its value or its slope comes out
    non-finite, with a hint for each case."""
    lines = [frame.line for frame in traceback.extract_tb(error.__traceback__)
             if frame.name == getattr(softplus, "__name__", None)]
    report = f"softplus at {where} overflows ({error})"
    report += f" in the line `{lines[-1]}`" if lines else ""
    try:
        with np.errstate(all="ignore"):
            result = softplus(x)
        value_finite = bool(np.isfinite(result.value).all())
        slope_finite = bool(np.isfinite(result.dvalue).all())
    except Exception:
        return report + ". Hint: every step must stay finite for every float x"
    if not value_finite:
        return (report + ", and the value comes out inf or nan. Hint: rewrite log(1 + eᵃ) so "
                "that no step forms eᵃ for a large a")
    if not slope_finite:
        return (report + ", and the ε-part comes out inf or nan. Hint: write softplus′(a) in a "
                "form whose every step stays finite, for large positive and negative a")
    return (report + ". Both parts come out finite, yet a step on the way overflowed. Hint: "
            "every step must stay finite, not only the result: a later step that turns inf back "
            "into a number (1/inf = 0) hides an overflow, and np.where computes the branch it "
            "does not pick as well")


def _softplus_at(softplus, x, where):
    """The student's softplus(x), run with diffType's log, exp and sigmoid out of reach (and
    _logistic, the stable sigmoid that computes softplus′) and with overflow an error; each kind of
    failure becomes its own hint."""
    # np.log(x) and np.exp(x) of a diffType x go to the functions registered in _UFUNC_RULES; these
    # look dt.log and dt.exp up when called, so that out_of_reach catches them too.
    through_the_module = {np.log: lambda t: dt.log(t), np.exp: lambda t: dt.exp(t)}
    try:
        with mock.patch.dict(dt._UFUNC_RULES, through_the_module), \
                out_of_reach("it calls diffType's log, exp or sigmoid (or _logistic)",
                             "diffType.log", "diffType.exp", "diffType.sigmoid",
                             "diffType._logistic"), \
                np.errstate(over="raise", invalid="raise", divide="raise"):
            return softplus(x)
    except (NotImplementedError, CheckFailed):
        raise
    except (FloatingPointError, OverflowError) as error:
        raise AssertionError(_overflow_report(softplus, x, where, error)) from None
    except AssertionError as error:  # a function out of reach, or the answer's own assert
        raise AssertionError(f"softplus at {where}: {error}. Hint: {ONE_RULE}") from None
    except Exception as error:
        raise AssertionError(f"softplus at {where} fails with {describe(error)}. "
                             f"Hint: {ELEMENTWISE}") from None


def _worst(mine, exact, rtol, floor):
    """(index, relative error) of the entry where mine is furthest from exact, if any entry is
    further than rtol·|exact| + floor (a relative error, with an absolute floor at the smallest
    normal float); None if every entry is close. NaN and inf are never close."""
    mine, exact = np.asarray(mine, dtype=float).ravel(), np.asarray(exact, dtype=float).ravel()
    with np.errstate(all="ignore"):
        gap = np.abs(mine - exact)
        off = ~(gap <= rtol * np.abs(exact) + floor)
        relative = np.where(off, gap / np.maximum(np.abs(exact), floor), 0.0)
    if not off.any():
        return None
    index = int(np.nanargmax(np.where(np.isnan(relative), np.inf, relative)))
    return index, relative[index]


def _softplus_hint(part, a):
    """The rule to look at where `part` of softplus is off at a. Below a = -9, eᵃ < 10⁻⁴: a
    difference of two numbers near 1 that should leave eᵃ keeps fewer than 12 of its 16 digits."""
    if part == "the value":
        if a < -9:
            return ("for very negative a, 1 + eᵃ rounds to a number near 1, and the log of that "
                    "keeps few or none of the digits of eᵃ")
        if a > 0:
            return ("log(1 + eᵃ) = a + log(1 + e⁻ᵃ) holds exactly for every a: no term may be "
                    "dropped, and no step may form eᵃ for a large a")
        return "the value is log(1 + eᵃ)"
    if a < -9:
        return ("the ε-part is softplus′(a)·b, and for very negative a softplus′(a) is tiny but "
                "not 0: it must keep its own digits, so no difference of two numbers near 1, and "
                "no cut-off")
    return "the ε-part is softplus′(a)·b, by the chain rule: derive softplus′(a) by hand"


def _softplus_inputs():
    """(where, x) pairs: scalars at the edges, float64 arrays of two shapes, and a float32 array."""
    rng = np.random.default_rng(5)
    edges = [rng.uniform(-30, 30), 800.0, -800.0, -40.0, -700.0, 0.0]
    line = np.concatenate([rng.uniform(-30, 30, 8), rng.uniform(710, 1000, 2),
                           -rng.uniform(710, 1000, 2), [-40.0, -700.0, 0.0, 36.0]])
    grid = np.concatenate([rng.uniform(-50, 50, 9), [800.0, -800.0, -35.0]]).reshape(3, 4)
    single = np.array([-80, -20, -1, 0, 1, 20, 88, 100, 500], dtype=np.float32)
    inputs = [(f"x = {a:+.6g}", diffType(a, rng.normal())) for a in edges]
    inputs += [(f"a {array.dtype} array x of shape {array.shape}",
                diffType(array, rng.normal(size=array.shape).astype(array.dtype)))
               for array in (line, grid, single)]
    return inputs


@exercise("0.5", "softplus with its own rule: finite, and accurate by relative error, for every "
                 "float input.")
def exercise_0_5(softplus):
    """softplus on scalars (moderate, 0, ±800, -40, -700) and on arrays of two shapes and two
    dtypes: no overflow, diffType's functions out of reach, x unchanged, the shape and dtype of
    x, and both parts judged against 60-digit arithmetic by relative error (for very negative x,
    where both parts are tiny, an absolute tolerance would pass 0)."""
    for where, x in _softplus_inputs():
        value_before, dvalue_before = np.copy(x.value), np.copy(x.dvalue)
        result = _softplus_at(softplus, x, where)
        assert isinstance(result, diffType), (
            f"softplus at {where} gives a {type(result).__name__}, not a diffType. "
            f"Hint: {ONE_RULE}")
        assert np.array_equal(x.value, value_before) and np.array_equal(x.dvalue, dvalue_before), (
            f"softplus at {where} changed its input x. Hint: compute new parts; never write into "
            "x.value or x.dvalue")
        shapes = np.shape(result.value), np.shape(result.dvalue)
        assert shapes == (np.shape(x.value),) * 2, (
            f"softplus at {where} gives parts of shapes {shapes[0]} and {shapes[1]}, not "
            f"{np.shape(x.value)}. Hint: {ELEMENTWISE}")
        single = np.ndim(x.value) > 0 and x.value.dtype == np.float32
        if single:
            dtypes = {np.asarray(result.value).dtype, np.asarray(result.dvalue).dtype}
            assert dtypes == {np.dtype(np.float32)}, (
                f"softplus at {where} gives {', '.join(sorted(map(str, dtypes)))} parts, not "
                "float32. Hint: keep x's precision; numpy keeps float32 when the operands are "
                "float32 arrays and Python numbers")
        value, slope = _exact_softplus(x.value)
        finfo = np.finfo(np.float32 if single else np.float64)
        rtol = 1e-5 if single else 1e-12
        stated = "10⁻⁵" if single else "10⁻¹²"
        for part, mine, exact in [("the value", result.value, value),
                                  ("the ε-part", result.dvalue, slope * x.dvalue)]:
            off = _worst(mine, exact, rtol, finfo.tiny)
            if off is not None:
                index, error = off
                a = float(np.ravel(x.value)[index])
                at = f" at x = {a:+.6g}" if np.ndim(x.value) else ""
                raise AssertionError(f"softplus at {where}: {part} is off{at} (relative error "
                                     f"{error:.1e}, allowed {stated}). Hint: "
                                     f"{_softplus_hint(part, a)}")


# --- Exercise 0.6: Newton's method ----------------------------------------------------------------


def _newton_steps(f, x0, tolerance=1e-12, max_steps=50):
    """How many steps the notebook's Newton loop takes on f from x0, with f′ by forward mode."""
    x = float(x0)
    for steps in range(1, max_steps + 1):
        at_x = f(diffType(x, 1.0))
        step = at_x.value / at_x.dvalue
        x -= step
        if abs(step) < tolerance * max(1.0, abs(x)):
            return steps
    return max_steps


def _root_finding_problems():
    """(name, f, its root computed without Newton's method, a start): increasing and decreasing
    functions, starts that need several steps, and a start at the root itself."""
    rng = np.random.default_rng(6)
    c, t = rng.uniform(2, 40, size=4), rng.uniform(-0.7, 0.7)
    return [
        ("exp(x) - c", lambda x: dt.exp(x) - c[0], np.log(c[0]), np.log(c[0]) - 1.0),
        ("c - x³ (decreasing)", lambda x: c[1] - x**3, np.cbrt(c[1]), np.cbrt(c[1]) + 0.8),
        ("x·x - c", lambda x: x * x - c[2], np.sqrt(c[2]), np.sqrt(c[2]) + 1.5),
        ("exp(-x) - c (decreasing)", lambda x: dt.exp(-x) - c[3], -np.log(c[3]),
         -np.log(c[3]) - 0.5),
        ("t - tanh(x) (decreasing)", lambda x: t - dt.tanh(x), np.arctanh(t),
         np.arctanh(t) + 0.3),
        ("x³ - 8, from the root x0 = 2", lambda x: x**3 - 8, 2.0, 2),
    ]


@exercise("0.6", "Newton's method with f′ from forward mode, one pass per step.")
def exercise_0_6(newton):
    """newton on increasing and decreasing functions from starts that need several steps, and
    from a start at the root: the root as a float, to 10⁻¹², with f called on a diffType seeded
    with dvalue 1, and no more passes than the Newton steps need (one per step)."""
    rule = ("a Newton step moves x by f(x)/f′(x), downhill or uphill alike; f(x) and f′(x) come "
            "from one pass on a dual number")
    for name, f, root, x0 in _root_finding_problems():
        calls = []

        def watched(x):
            calls.append(x)
            return f(x)

        what = f"newton(f, {x0:.6g}) for f = {name}"
        found = attempt(what, rule, newton, watched, x0)
        assert any(getattr(x, "dvalue", None) == 1.0 for x in calls), (
            f"{what}: f was never called on a dual number seeded with dvalue 1. Hint: f′(x) "
            "comes from forward mode")
        assert isinstance(found, float), (
            f"{what} returns a {type(found).__name__}, not a float. Hint: the Newton step is a "
            "number, the quotient of two parts of f's result")
        assert abs(found - root) <= 1e-12 * max(1.0, abs(root)), (
            f"{what} stopped at {found:.6g}, which is not the root. Hint: {rule}")
        steps = _newton_steps(f, x0)
        assert len(calls) <= steps + 1, (
            f"{what}: {len(calls)} evaluations of f, where Newton's method needs about {steps} "
            "steps. Hint: one pass per step gives both f(x) and f′(x)")
