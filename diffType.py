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

Dual arrays in array code. A diffType of arrays answers what array code asks of an array: shape,
ndim, size, dtype, .T, indexing (x[i], x[i] = y), reshape, sum, mean and max (which passes on the
tangent of the maximal entry; at a tie, the mean of theirs), and the numpy functions in
_FUNCTION_RULES (np.sum, np.outer, np.where, np.ones_like, ...). So a reverse-mode engine whose
nodes hold dual arrays runs its rules on them unchanged: forward over reverse, which gives
Hessian-vector products (notebook 06). np.ones_like and np.zeros_like give plain arrays: constants.

Nesting. A diffType carries one perturbation, ε, without a tag. Two derivatives taken one inside the
other need two perturbations that never mix (ε₁ε₂ ≠ 0); untagged, they would add up, the classic
perturbation confusion: d/dx [x · d/dy (x + y)] = 1, but 2 untagged (notebook 06). So diffType
refuses the nesting it can see, with a TypeError that says so: a diffType whose value or dvalue is a
diffType, and `derivative` called while another `derivative` runs. It cannot see a diffType that a
function captures from outside and meets a fresh one inside: keep one derivative at a time, or nest
tagged dual numbers, as JAX and ForwardDiff.jl do.
"""

import numbers
import operator

import numpy as np

__all__ = ["diffType", "derivative", "exp", "log", "sin", "cos", "tanh", "sqrt", "relu", "sigmoid",
           "maximum"]

_FLOATS = {float, np.float64}  # the types a scalar diffType stores without conversion


NESTING = ("diffType carries one perturbation, without a tag: nested, two perturbations would be "
           "added up as one (perturbation confusion, notebook 06). Take one derivative at a time, "
           "or nest dual numbers that carry tags")


def _as_real(x, name, copy=True):
    """Check that x is a real number or a real array; return it as a float or a float array.
    A diffType copies what it stores (changing d.dvalue[i] must never change the caller's array);
    an operand is only read, and copying a 784×784 w at every operation would cost more than
    the operation."""
    if isinstance(x, (numbers.Real, np.number)) and not isinstance(x, np.complexfloating):
        return float(x)
    if isinstance(x, diffType):
        raise TypeError(f"a diffType's {name} cannot be a diffType: {NESTING}")
    if isinstance(x, (np.ndarray, list, tuple)):
        try:
            array = np.array(x) if copy else np.asarray(x)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"diffType {name}: {x!r:.60} is not a rectangular array "
                             f"({error})") from None
        if array.dtype.kind in "biuf":
            if array.ndim == 0:
                return float(array)
            # Stored, ints and bools become floats; as an operand, numpy's promotion decides, as
            # for plain arrays: a float32 array times a bool mask stays float32.
            return array.astype(float) if copy and array.dtype.kind in "biu" else array
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

    # What array code asks of an array; each answer is the value's, with the tangent alongside.
    @property
    def shape(self):
        return np.shape(self.value)

    @property
    def ndim(self):
        return np.ndim(self.value)

    @property
    def size(self):
        return np.size(self.value)

    @property
    def dtype(self):
        return np.result_type(self.value)

    @property
    def T(self):
        return _dual(np.transpose(self.value), np.transpose(self.dvalue)) if self.ndim else self

    def __getitem__(self, index):
        return _dual(_scalar_or_array(self.value[index]), _scalar_or_array(self.dvalue[index]))

    def __setitem__(self, index, item):
        item = _lift(item)
        self.value[index], self.dvalue[index] = item.value, item.dvalue

    def reshape(self, *shape):  # x.reshape(3, 2) or x.reshape((3, 2)), as for arrays
        shape = shape[0] if len(shape) == 1 else shape
        return _dual(np.reshape(self.value, shape), np.reshape(self.dvalue, shape))

    def sum(self, axis=None, keepdims=False):  # linear: the tangent is summed alike
        return _dual(_scalar_or_array(np.sum(self.value, axis=axis, keepdims=keepdims)),
                     _scalar_or_array(np.sum(self.dvalue, axis=axis, keepdims=keepdims)))

    def mean(self, axis=None, keepdims=False):
        return _dual(_scalar_or_array(np.mean(self.value, axis=axis, keepdims=keepdims)),
                     _scalar_or_array(np.mean(self.dvalue, axis=axis, keepdims=keepdims)))

    def max(self, axis=None, keepdims=False):
        """The largest value passes its tangent on; at a tie, the mean of the tied entries'
        tangents (torch.amax's rule, and np.maximum's, see the module docstring)."""
        largest = np.max(self.value, axis=axis, keepdims=True)
        tied = self.value == largest
        dvalue = (np.sum(np.where(tied, self.dvalue, 0.0), axis=axis, keepdims=True)
                  / np.sum(tied, axis=axis, keepdims=True))
        if not keepdims:
            largest, dvalue = np.squeeze(largest, axis=axis), np.squeeze(dvalue, axis=axis)
        return _dual(_scalar_or_array(largest), _scalar_or_array(dvalue.astype(largest.dtype)))

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
        rule = _FUNCTION_RULES.get(func)
        if rule is None:
            raise TypeError(f"diffType does not support numpy.{func.__name__}: use operators "
                            f"(+ - * / ** @), the supported ufuncs ({_supported_ufuncs()}) and "
                            f"numpy functions ({_supported_functions()}) instead")
        return rule(*args, **kwargs)


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
    dtype = np.result_type(x.dvalue, y.dvalue, tie)  # np.where would make a float32 x float64
    return _dual(_scalar_or_array(np.maximum(x.value, y.value)),
                 _scalar_or_array(np.asarray(dvalue, dtype=dtype)))


def relu(x):
    """max(0, x), with derivative 0 at the kink x = 0, as in PyTorch."""
    return maximum(x, 0.0)


_running = []  # the derivative calls under way: at most one, since diffType does not nest


def derivative(f, x):
    """f'(x) by one forward-mode pass. For an array x, f must act elementwise: this gives f' at
    each entry. It refuses to run inside another derivative call (see Nesting, above)."""
    if _running:
        raise TypeError(f"derivative inside derivative: {NESTING}")
    _running.append(f)
    try:
        return _lift(f(diffType(x, 1.0))).dvalue  # a constant f has derivative 0
    finally:
        _running.pop()


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


def _outer(x, y):  # flattens both, as np.outer does; the product rule does the rest
    return _lift(x).reshape(-1, 1) * _lift(y).reshape(1, -1)


def _where(condition, x, y):  # the tangent follows the chosen entry
    condition = condition.value if isinstance(condition, diffType) else condition
    x, y = _lift(x), _lift(y)
    return _dual(_scalar_or_array(np.where(condition, x.value, y.value)),
                 _scalar_or_array(np.where(condition, x.dvalue, y.dvalue)))


def _at_least(function):
    """np.atleast_1d or np.atleast_2d for one diffType: the same view of value and dvalue."""
    return lambda x: _dual(function(x.value), function(x.dvalue))


def _constant_like(function):
    """np.ones_like or np.zeros_like: a plain array of the value's shape, a constant."""
    return lambda x, *args, **kwargs: function(_lift(x).value, *args, **kwargs)


# numpy functions (not ufuncs) on diffTypes: what a reverse-mode engine's rules ask of an array
_FUNCTION_RULES = {
    np.shape: lambda x: x.shape, np.ndim: lambda x: x.ndim, np.size: lambda x: x.size,
    np.transpose: lambda x: x.T, np.reshape: lambda x, *shape: x.reshape(*shape),
    np.sum: lambda x, axis=None, keepdims=False: x.sum(axis, keepdims),
    np.mean: lambda x, axis=None, keepdims=False: x.mean(axis, keepdims),
    np.max: lambda x, axis=None, keepdims=False: x.max(axis, keepdims),
    np.amax: lambda x, axis=None, keepdims=False: x.max(axis, keepdims),
    np.outer: _outer, np.where: _where,
    np.atleast_1d: _at_least(np.atleast_1d), np.atleast_2d: _at_least(np.atleast_2d),
    np.ones_like: _constant_like(np.ones_like), np.zeros_like: _constant_like(np.zeros_like),
}


def _supported_functions():
    """The names of the numpy functions in _FUNCTION_RULES, for error messages."""
    return ", ".join(sorted({function.__name__ for function in _FUNCTION_RULES}))
