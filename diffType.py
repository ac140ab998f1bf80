"""diffType: a dual number, a value that carries its derivative along.

A dual number is a + b·ε with ε² = 0. For a polynomial f, expanding f(a + b·ε) and dropping ε²
gives f(a) + f'(a)·b·ε exactly (Taylor's theorem, whose series ends). For exp, sin and the other
elementary functions, f(a + b·ε) = f(a) + f'(a)·b·ε is the definition of f on dual numbers. Either
way, a program built from these operations returns f'(a)·b in the ε-part: this is forward-mode
automatic differentiation. `value` holds a, `dvalue` holds b.

    >>> x = diffType(3.0, 1.0)          # x = 3, dx/dx = 1
    >>> (x * x + 2 * x).dvalue          # d/dx (x² + 2x) = 2x + 2
    8.0

`value` and `dvalue` are floats, or float arrays of one shape (array mode: one pass computes many
values along one tangent direction). Constants (ints, floats, numpy scalars and arrays) mix freely
with diffTypes and carry the derivative 0. numpy ufuncs such as np.exp and np.maximum, and the @
operator between arrays and diffTypes, dispatch here through __array_ufunc__, so one function
written with numpy operators runs on floats, arrays and diffTypes alike.

Conventions, chosen deliberately:
- Comparisons (<, <=, >, >=, ==, !=) compare values, as PyTorch and JAX do: a program branches on
  values, and max(0, x) or a ReLU mask needs nothing else. Since == compares values and a diffType
  is mutable, a diffType is unhashable, like a numpy array.
- Kinks: relu and abs have derivative 0 at 0, as in PyTorch. np.maximum passes on the derivative
  of the larger operand; at a tie it takes the mean of both derivatives (torch.maximum's rule), but
  against a plain number it is a shifted ReLU and takes ReLU's rule, 0.
- Division by zero raises ZeroDivisionError for scalars, as floats do, and gives inf or nan for
  arrays, as numpy does. Elementary functions follow numpy: NaN and inf propagate.
"""

import numbers
import operator

import numpy as np

__all__ = ["diffType", "derivative", "exp", "log", "sin", "cos", "tanh", "sqrt", "relu", "sigmoid",
           "maximum"]

_FLOATS = {float, np.float64}  # the types a scalar diffType stores without conversion


def _as_real(x, name, copy=True):
    """Check that x is a real number or a real array; return it as a float or a float array.
    A diffType copies what it stores (changing d.dvalue[i] must never change the caller's array);
    an operand is only read, and copying a 784×784 w at every operation would cost more than
    the operation."""
    if isinstance(x, (numbers.Real, np.number)) and not isinstance(x, np.complexfloating):
        return float(x)
    if isinstance(x, (np.ndarray, list, tuple)):
        try:
            array = np.array(x) if copy else np.asarray(x)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"diffType {name}: {x!r:.60} is not a rectangular array "
                             f"({error})") from None
        if array.dtype.kind in "biuf":
            array = array.astype(float) if array.dtype.kind in "biu" else array
            return array if array.ndim else float(array)
    raise TypeError(f"diffType {name} must be a real number or an array of real numbers, "
                    f"not {type(x).__name__} {x!r:.60}")


def _dual(value, dvalue):
    """Build a result without re-checking operands that are already checked (the hot path)."""
    dual = object.__new__(diffType)
    dual.value, dual.dvalue = value, dvalue
    return dual


def _lift(x):
    """Turn a constant into a diffType with derivative 0; pass a diffType through."""
    if isinstance(x, diffType):
        return x
    value = _as_real(x, "operand", copy=False)
    return _dual(value, np.zeros_like(value) if isinstance(value, np.ndarray) else 0.0)


def _scalar_or_array(x):
    """numpy turns float inputs into np.float64 or 0-d arrays; keep scalars plain Python floats."""
    return float(x) if np.ndim(x) == 0 else x


class diffType:
    """A dual number value + dvalue·ε with ε² = 0: a value that carries its derivative."""

    __slots__ = ("value", "dvalue")
    __hash__ = None  # == compares values and a diffType is mutable, so it cannot be a dict key

    def __init__(self, value, dvalue=0.0):
        # Fast path: notebook 02 builds about 623,000 scalar duals from floats, one per parameter;
        # the full checks below would make building them cost more than the pass itself.
        if type(value) in _FLOATS and type(dvalue) in _FLOATS:
            self.value, self.dvalue = float(value), float(dvalue)
            return
        value, dvalue = _as_real(value, "value"), _as_real(dvalue, "dvalue")
        if np.ndim(dvalue) == 0 and np.ndim(value) > 0:
            dvalue = np.full_like(value, dvalue)  # one tangent for all entries, e.g. 0
        elif np.shape(dvalue) != np.shape(value):
            raise ValueError(f"diffType: value has shape {np.shape(value)} but dvalue has shape "
                             f"{np.shape(dvalue)}; they must match")
        self.value, self.dvalue = value, dvalue

    def __repr__(self):
        with np.printoptions(threshold=8, edgeitems=2):
            return f"diffType(value={self.value!r}, dvalue={self.dvalue!r})"

    # Arithmetic: each method is one rule of differential calculus.
    def __add__(self, other):
        other = _lift(other)
        return _dual(self.value + other.value, self.dvalue + other.dvalue)

    def __sub__(self, other):
        other = _lift(other)
        return _dual(self.value - other.value, self.dvalue - other.dvalue)

    def __mul__(self, other):  # product rule: d(x·y) = dx·y + x·dy
        other = _lift(other)
        return _dual(self.value * other.value,
                     self.dvalue * other.value + self.value * other.dvalue)

    def __truediv__(self, other):  # quotient rule: d(x/y) = (dx - (x/y)·dy) / y
        other = _lift(other)
        quotient = self.value / other.value
        return _dual(quotient, (self.dvalue - quotient * other.dvalue) / other.value)

    def __matmul__(self, other):  # product rule for matrix products
        if not isinstance(other, diffType):  # d(x @ c) = dx @ c: skip the product with c's zeros
            c = _as_real(other, "operand", copy=False)
            return _dual(_scalar_or_array(self.value @ c), _scalar_or_array(self.dvalue @ c))
        return _dual(_scalar_or_array(self.value @ other.value),
                     _scalar_or_array(self.dvalue @ other.value + self.value @ other.dvalue))

    def __pow__(self, exponent):
        if not isinstance(exponent, diffType):  # power rule: d(x**n) = n·x**(n-1)·dx
            n = _as_real(exponent, "operand")
            if np.ndim(n) == 0 and n == 0:
                slope = 0.0  # x**0 = 1 is flat everywhere, also at x = 0 where n·x**(n-1) is 0·inf
            else:
                slope = n * np.power(self.value, n - 1)
            return _dual(_scalar_or_array(np.power(self.value, n)),
                         _scalar_or_array(slope * self.dvalue))
        # x**y = exp(y·log x), so d(x**y) = y·x**(y-1)·dx + x**y·log x·dy
        x, y = self, exponent
        power = np.power(x.value, y.value)
        return _dual(_scalar_or_array(power),
                     _scalar_or_array(y.value * np.power(x.value, y.value - 1) * x.dvalue
                                      + power * np.log(x.value) * y.dvalue))

    def __radd__(self, other):  # also makes sum([...]) work: it starts from 0 + x
        return _lift(other) + self

    def __rsub__(self, other):
        return _lift(other) - self

    def __rmul__(self, other):
        return _lift(other) * self

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __rmatmul__(self, other):  # d(c @ x) = c @ dx
        c = _as_real(other, "operand", copy=False)
        return _dual(_scalar_or_array(c @ self.value), _scalar_or_array(c @ self.dvalue))

    def __rpow__(self, base):
        return _lift(base) ** self

    def __neg__(self):
        return _dual(-self.value, -self.dvalue)

    def __pos__(self):
        return self

    def __abs__(self):  # d|x| = sign(x)·dx, and sign(0) = 0
        return _dual(abs(self.value), _scalar_or_array(np.sign(self.value) * self.dvalue))

    # Comparisons look at values only (see the module docstring).
    def __lt__(self, other):
        return self.value < _lift(other).value

    def __le__(self, other):
        return self.value <= _lift(other).value

    def __gt__(self, other):
        return self.value > _lift(other).value

    def __ge__(self, other):
        return self.value >= _lift(other).value

    def __eq__(self, other):
        try:
            return self.value == _lift(other).value
        except TypeError:
            return NotImplemented  # so that x == "text" is False, as for floats

    def __ne__(self, other):
        try:
            return self.value != _lift(other).value
        except TypeError:
            return NotImplemented

    # numpy interoperability: np.exp(x), np.maximum(0, x), array @ x, np.float64(2) * x, ...
    # The rule for each supported ufunc is registered in _UFUNC_RULES at the end of the module.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        rule = _UFUNC_RULES.get(ufunc)
        if rule is None or method != "__call__" or kwargs:
            raise TypeError(f"diffType does not support numpy.{ufunc.__name__}"
                            f"{'' if method == '__call__' else '.' + method}"
                            f"{' with keyword arguments' if kwargs else ''}; "
                            f"supported ufuncs: {_supported_ufuncs()}")
        return rule(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"diffType does not support numpy.{func.__name__}: use operators "
                        f"(+ - * / ** @) and the supported ufuncs instead: {_supported_ufuncs()}")


def _elementary(name, function, derivative_at):
    """The chain rule, once for all elementary functions: d f(x) = f'(x)·dx."""
    def apply(x):
        x = _lift(x)
        return _dual(_scalar_or_array(function(x.value)),
                     _scalar_or_array(derivative_at(x.value) * x.dvalue))
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"{name}(x) as a diffType, for x a number, an array or a diffType."
    return apply


def _logistic(x):
    return np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + e^-x), without overflow for large |x|


exp = _elementary("exp", np.exp, np.exp)
log = _elementary("log", np.log, lambda x: 1.0 / x)
sin = _elementary("sin", np.sin, np.cos)
cos = _elementary("cos", np.cos, lambda x: -np.sin(x))
tanh = _elementary("tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2)
sqrt = _elementary("sqrt", np.sqrt, lambda x: 0.5 / np.sqrt(x))
sigmoid = _elementary("sigmoid", _logistic, lambda x: _logistic(x) * _logistic(-x))


def maximum(x, y):
    """Elementwise max. The larger operand passes its derivative on (ties: see the module
    docstring)."""
    against_constant = not (isinstance(x, diffType) and isinstance(y, diffType))
    x, y = _lift(x), _lift(y)
    tie = 0.0 if against_constant else (x.dvalue + y.dvalue) / 2
    dvalue = np.where(x.value > y.value, x.dvalue, np.where(x.value < y.value, y.dvalue, tie))
    return _dual(_scalar_or_array(np.maximum(x.value, y.value)), _scalar_or_array(dvalue))


def relu(x):
    """max(0, x), with derivative 0 at the kink x = 0, as in PyTorch."""
    return maximum(x, 0.0)


def derivative(f, x):
    """f'(x) by one forward-mode pass. For an array x, f must act elementwise: this gives f' at
    each entry."""
    return _lift(f(diffType(x, 1.0))).dvalue  # a constant f has derivative 0


_UFUNC_RULES = {
    np.add: lambda x, y: _lift(x) + y, np.subtract: lambda x, y: _lift(x) - y,
    np.multiply: lambda x, y: _lift(x) * y, np.true_divide: lambda x, y: _lift(x) / y,
    np.power: lambda x, y: _lift(x) ** y,
    np.matmul: lambda x, y: x @ y if isinstance(x, diffType) else y.__rmatmul__(x),  # c @ x: cheap
    np.negative: operator.neg, np.positive: operator.pos, np.absolute: abs,
    np.less: lambda x, y: _lift(x) < y, np.less_equal: lambda x, y: _lift(x) <= y,
    np.greater: lambda x, y: _lift(x) > y, np.greater_equal: lambda x, y: _lift(x) >= y,
    np.equal: lambda x, y: _lift(x) == y, np.not_equal: lambda x, y: _lift(x) != y,
    np.exp: exp, np.log: log, np.sin: sin, np.cos: cos, np.tanh: tanh, np.sqrt: sqrt,
    np.maximum: maximum,
}


def _supported_ufuncs():
    """The names of the ufuncs in _UFUNC_RULES, for error messages."""
    return ", ".join(sorted(ufunc.__name__ for ufunc in _UFUNC_RULES))
