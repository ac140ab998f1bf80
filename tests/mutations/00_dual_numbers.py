"""Notebook 00's exercises: wrong answers that each check must reject with a hint (MUTATIONS), and
right answers written otherwise than the solution that it must accept (ACCEPTED). Each entry is
(what it is, text in the solution cell, its replacement); tests/test_mutations.py plants them."""

MUTATIONS = {
    "0.1": [
        ("product rule without the second term",
         "self.dvalue * other.value + self.value * other.dvalue", "self.dvalue * other.value"),
        ("the ε-parts multiplied, as if (a + bε)(c + dε) were ac + bdε",
         "self.dvalue * other.value + self.value * other.dvalue", "self.dvalue * other.dvalue"),
        ("sum rule that drops the ε-part of y",
         "self.dvalue + other.dvalue", "self.dvalue"),
        ("__radd__ missing, so 2 + x and sum() fail",
         "return self + other", "return NotImplemented"),
        ("constants not turned into Duals in __mul__, so x * 2.5 fails",
         "other = as_dual(other)\n    return Dual(self.value * other.value",
         "return Dual(self.value * other.value"),
        ("only floats turned into Duals in __add__, so x + 2 fails",
         "other = as_dual(other)\n    return Dual(self.value + other.value",
         "other = Dual(other) if isinstance(other, float) else other\n"
         "    return Dual(self.value + other.value"),
        ("x * y writes the product into x and returns it",
         "return Dual(self.value * other.value, self.dvalue * other.value + self.value * other.dvalue)",
         "self.value, self.dvalue = (self.value * other.value,\n"
         "                               self.dvalue * other.value + self.value * other.dvalue)\n"
         "    return self"),
        ("product rule by logarithmic derivatives, which divides by a value of 0",
         "self.dvalue * other.value + self.value * other.dvalue",
         "self.value * other.value * (self.dvalue / self.value + other.dvalue / other.value)"),
        ("the product handed to diffType",
         "return Dual(self.value * other.value, self.dvalue * other.value + self.value * other.dvalue)",
         "r = diffType(self.value, self.dvalue) * diffType(other.value, other.dvalue)\n"
         "    return Dual(r.value, r.dvalue)"),
        ("ε² taken as 1: the value ac + bd",
         "return Dual(self.value * other.value,",
         "return Dual(self.value * other.value + self.dvalue * other.dvalue,"),
        ("__radd__ as other + self, which asks for __radd__ again: endless recursion",
         "return self + other", "return other + self"),
        ("a plain number k taken as k + 1ε, as if it were seeded",
         "other = as_dual(other)\n    return Dual(self.value + other.value",
         "other = other if isinstance(other, Dual) else Dual(other, 1.0)\n"
         "    return Dual(self.value + other.value"),
    ],
    "0.2": [
        ("quotient rule with the wrong sign",
         "self.dvalue * other.value - self.value * other.dvalue",
         "self.dvalue * other.value + self.value * other.dvalue"),
        ("quotient rule divided by y instead of y²",
         "/ other.value**2", "/ other.value"),
        ("constants not turned into Duals in the quotient, so x / 2 fails",
         "other = as_dual(other)\n    slope = (", "slope = ("),
        ("power rule n·xⁿ instead of n·xⁿ⁻¹",
         "n * self.value ** (n - 1)", "n * self.value ** n"),
        ("power rule without its n = 0 line: (0 + 1ε)**0 divides by zero",
         "slope = 0.0 if n == 0 else n * self.value ** (n - 1)", "slope = n * self.value ** (n - 1)"),
        ("power by repeated multiplication only: wrong for negative n, fails for a float n",
         "    slope = 0.0 if n == 0 else n * self.value ** (n - 1)  # x⁰ = 1 is flat, at x = 0 too\n"
         "    return Dual(self.value**n, slope * self.dvalue)",
         "    power = Dual(1.0)\n    for _ in range(n):\n        power = power * self\n"
         "    return power"),
        ("negation that keeps the sign of the ε-part",
         "Dual(-self.value, -self.dvalue)", "Dual(-self.value, self.dvalue)"),
        ("x - y writes the difference into x and returns it",
         "return self + (-as_dual(other))",
         "other = as_dual(other)\n"
         "    self.value, self.dvalue = self.value - other.value, self.dvalue - other.dvalue\n"
         "    return self"),
        ("power rule as n·xⁿ/x, which divides by a value of 0",
         "slope = 0.0 if n == 0 else n * self.value ** (n - 1)",
         "slope = n * self.value**n / self.value"),
        ("x⁰ as the plain number 1, not a Dual",
         "    slope = 0.0 if n == 0 else", "    if n == 0:\n        return 1\n    slope = 0.0 if n == 0 else"),
        ("the power rule without the chain factor b",
         "return Dual(self.value**n, slope * self.dvalue)", "return Dual(self.value**n, slope)"),
        ("the difference reversed, y - x",
         "return self + (-as_dual(other))", "return as_dual(other) + (-self)"),
    ],
    "0.3": [
        ("chain rule forgetting the input's dvalue (sin)",
         "math.cos(x.value) * x.dvalue", "math.cos(x.value)"),
        ("relu′(0) = 1 instead of PyTorch's 0",
         "x.dvalue if x.value > 0 else 0.0", "x.dvalue if x.value >= 0 else 0.0"),
        ("relu passes the ε-part on for negative inputs too",
         "x.dvalue if x.value > 0 else 0.0", "x.dvalue"),
        ("log's derivative as log(x) instead of 1/x",
         "x.dvalue / x.value", "x.dvalue * np.log(x.value)"),
        ("log by math.log, which raises ValueError for a negative number",
         "np.log(x.value), x.dvalue", "math.log(x.value), x.dvalue"),
        ("exp of a plain number fails: no as_dual",
         "x = as_dual(x)\n    return Dual(math.exp(x.value)", "return Dual(math.exp(x.value)"),
        ("relu of a plain number fails: no as_dual",
         "x = as_dual(x)\n    return Dual(max(x.value, 0.0)", "return Dual(max(x.value, 0.0)"),
        ("log of a plain number returns a float, as math.log does",
         "x = as_dual(x)\n    return Dual(np.log(x.value)",
         "if not isinstance(x, Dual):\n        return np.log(x)\n    return Dual(np.log(x.value)"),
        ("sin writes its result into its input",
         "return Dual(math.sin(x.value), math.cos(x.value) * x.dvalue)",
         "x.value, x.dvalue = math.sin(x.value), math.cos(x.value) * x.dvalue\n    return x"),
        ("sin handed to diffType's sin",
         "return Dual(math.sin(x.value), math.cos(x.value) * x.dvalue)",
         "r = dt.sin(diffType(x.value, x.dvalue))\n    return Dual(r.value, r.dvalue)"),
        ("relu as max(0, x), which gives the int 0, not a Dual, for x < 0",
         "x = as_dual(x)\n    return Dual(max(x.value, 0.0), x.dvalue if x.value > 0 else 0.0)",
         "return max(0, as_dual(x))"),
        ("relu's ε-part 1 instead of b for x > 0: no chain factor",
         "x.dvalue if x.value > 0 else 0.0", "1.0 if x.value > 0 else 0.0"),
        ("sin′ taken as -cos",
         "math.cos(x.value) * x.dvalue", "-math.cos(x.value) * x.dvalue"),
    ],
    "0.4": [
        ("every input seeded with dvalue 1",
         "1.0 if i == index else 0.0", "1.0"),
        ("the value instead of the ε-part",
         "return f(*inputs).dvalue", "return f(*inputs).value"),
        ("the tangent seeds the next input (off by one)",
         "i == index", "i == index + 1"),
        ("f's whole result (a diffType) instead of its ε-part",
         "return f(*inputs).dvalue", "return f(*inputs)"),
        ("the ε-part wrapped in a list",
         "return f(*inputs).dvalue", "return [f(*inputs).dvalue]"),
        ("f called on the list of inputs, not on the inputs",
         "return f(*inputs).dvalue", "return f(inputs).dvalue"),
        ("three inputs hard-coded",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]",
         "x, y, z = point\n"
         "    inputs = [diffType(x, float(index == 0)), diffType(y, float(index == 1)),\n"
         "              diffType(z, float(index == 2))]"),
        ("the caller's point overwritten with the inputs",
         "inputs = [diffType(", "inputs = point[:] = [diffType("),
        ("a second evaluation of f, on plain numbers, for the value",
         "return f(*inputs).dvalue", "value = f(*point)\n    return f(*inputs).dvalue"),
        ("enumerate from 1: the tangent seeds the input before the chosen one",
         "enumerate(point)", "enumerate(point, 1)"),
        ("the seed chosen by comparing each value, not each position, with index",
         "diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)",
         "diffType(x, 1.0 if x == index else 0.0) for x in point"),
    ],
    "0.5": [
        ("the naive formula log(1 + eˣ), which overflows",
         "np.logaddexp(0.0, x.value)", "np.log(1 + np.exp(x.value))"),
        ("composed from diffType's log and exp",
         "value = np.logaddexp(0.0, x.value)", "return dt.log(1 + dt.exp(x))"),
        ("composed from numpy's log and exp, which dispatch to diffType's",
         "value = np.logaddexp(0.0, x.value)", "return np.log(1 + np.exp(x))"),
        ("the composition with overflow silenced and large x patched",
         "value = np.logaddexp(0.0, x.value)",
         "with np.errstate(all='ignore'):\n        r = dt.log(1 + dt.exp(x))\n"
         "    big = x.value > 700\n"
         "    return diffType(np.where(big, x.value, r.value), np.where(big, x.dvalue, r.dvalue))"),
        ("np.where with a branch that overflows where it is not picked",
         "value = np.logaddexp(0.0, x.value)",
         "value = np.where(x.value > 0, x.value + np.log1p(np.exp(-x.value)), "
         "np.log1p(np.exp(x.value)))"),
        ("scalars only: an if on x.value",
         "value = np.logaddexp(0.0, x.value)",
         "value = (x.value + np.log1p(np.exp(-x.value)) if x.value > 0 "
         "else np.log1p(np.exp(x.value)))"),
        ("arrays only: assignment by index",
         "value = np.logaddexp(0.0, x.value)",
         "value = np.log1p(np.exp(-np.abs(x.value)))\n"
         "    value[x.value > 0] += x.value[x.value > 0]"),
        ("the value as max(x, 0) + log(1 + e^-|x|): log, not log1p, loses tiny values",
         "value = np.logaddexp(0.0, x.value)",
         "value = np.maximum(x.value, 0.0) + np.log(1 + np.exp(-np.abs(x.value)))"),
        ("the naive sigmoid eˣ/(1 + eˣ), which overflows",
         "slope = np.exp(x.value - value)", "slope = np.exp(x.value) / (1 + np.exp(x.value))"),
        ("the sigmoid 1/(1 + e⁻ˣ), which overflows for very negative x",
         "slope = np.exp(x.value - value)", "slope = 1 / (1 + np.exp(-x.value))"),
        ("the slope from diffType's private stable sigmoid, dt._logistic",
         "slope = np.exp(x.value - value)", "slope = dt._logistic(x.value)"),
        ("the slope as 1 - e^(-softplus), which cancels to 0 for very negative x",
         "slope = np.exp(x.value - value)", "slope = 1 - np.exp(-value)"),
        ("the slope cut to 0 below x = -30",
         "slope = np.exp(x.value - value)",
         "slope = np.where(x.value < -30, 0.0, np.exp(x.value - value))"),
        ("chain rule forgetting the input's dvalue",
         "diffType(value, slope * x.dvalue)", "diffType(value, slope)"),
        ("the ε-part scaled in place, in x",
         "return diffType(value, slope * x.dvalue)",
         "x.dvalue *= slope\n    return diffType(value, x.dvalue)"),
        ("x.value turned into float64 first, so float32 gives float64",
         "value = np.logaddexp(0.0, x.value)",
         "value = np.logaddexp(0.0, np.asarray(x.value, dtype=np.float64))"),
        ("the slope as (1 + tanh(x/2))/2, which cancels for very negative x",
         "slope = np.exp(x.value - value)", "slope = 0.5 * (1 + np.tanh(x.value / 2))"),
        ("the slope of log, e^-softplus(x), instead of softplus′",
         "slope = np.exp(x.value - value)", "slope = np.exp(-value)"),
        ("e^-x clipped at 700 in the slope: 10⁻³⁰⁴ where the slope is e^-800",
         "slope = np.exp(x.value - value)",
         "slope = 1 / (1 + np.exp(np.minimum(-x.value, 700)))"),
        ("the value cut to x above x = 10, where log(1 + e^-x) still counts",
         "value = np.logaddexp(0.0, x.value)",
         "value = np.where(x.value > 10, x.value, np.log1p(np.exp(np.minimum(x.value, 10))))"),
    ],
    "0.6": [
        ("a step with + instead of −",
         "x -= step", "x += step"),
        ("f′/f instead of f/f′",
         "step = at_x.value / at_x.dvalue", "step = at_x.dvalue / at_x.value"),
        ("|f′| instead of f′: right only where f increases",
         "step = at_x.value / at_x.dvalue", "step = at_x.value / abs(at_x.dvalue)"),
        ("the dual number not seeded: dvalue 0",
         "f(diffType(x, 1.0))", "f(diffType(x))"),
        ("a damped step, half of Newton's: linear convergence, many more passes",
         "x -= step", "x -= step / 2"),
        ("f′ by a finite difference instead of forward mode",
         "at_x = f(diffType(x, 1.0))  # f(x) and f′(x) in one pass\n"
         "        step = at_x.value / at_x.dvalue",
         "fx, h = f(diffType(x)).value, 1e-6\n"
         "        step = fx * 2 * h / (f(diffType(x + h)).value - f(diffType(x - h)).value)"),
        ("two passes per step, one for f(x) and one for f′(x)",
         "step = at_x.value / at_x.dvalue",
         "step = f(diffType(x)).value / at_x.dvalue"),
        ("every pass at x0, not at the current x",
         "f(diffType(x, 1.0))", "f(diffType(x0, 1.0))"),
        ("x moved, but the step not stored for the stopping rule",
         "        step = at_x.value / at_x.dvalue\n        x -= step",
         "        x -= at_x.value / at_x.dvalue"),
        ("value and seed swapped: every pass at 1",
         "f(diffType(x, 1.0))", "f(diffType(1.0, x))"),
        ("f·f′ instead of f/f′",
         "step = at_x.value / at_x.dvalue", "step = at_x.value * at_x.dvalue"),
    ],
}

ACCEPTED = {
    "0.1": [
        ("constants turned into Duals by isinstance, with an int 0 as ε-part",
         "other = as_dual(other)\n    return Dual(self.value + other.value",
         "other = other if isinstance(other, Dual) else Dual(other, 0)\n"
         "    return Dual(self.value + other.value"),
        ("__radd__ as Dual(other) + self",
         "return self + other", "return Dual(other) + self"),
        ("__rmul__ as Dual(other, 0.0) * self",
         "return self * other", "return Dual(other, 0.0) * self"),
        ("the product's ε-part first, the Dual built by keywords",
         "return Dual(self.value * other.value, self.dvalue * other.value + self.value * other.dvalue)",
         "dvalue = other.value * self.dvalue + other.dvalue * self.value\n"
         "    return Dual(value=self.value * other.value, dvalue=dvalue)"),
        ("value and dvalue by getattr, for Duals and plain numbers alike",
         "other = as_dual(other)\n    return Dual(self.value * other.value, "
         "self.dvalue * other.value + self.value * other.dvalue)",
         "value, dvalue = getattr(other, 'value', other), getattr(other, 'dvalue', 0)\n"
         "    return Dual(self.value * value, self.dvalue * value + self.value * dvalue)"),
        ("__radd__ through Dual.__add__",
         "return self + other", "return Dual.__add__(self, other)"),
    ],
    "0.2": [
        ("x⁰ by an early return",
         "    slope = 0.0 if n == 0 else n * self.value ** (n - 1)  # x⁰ = 1 is flat, at x = 0 too\n"
         "    return Dual(self.value**n, slope * self.dvalue)",
         "    if n == 0:\n        return Dual(1.0, 0.0)\n"
         "    return Dual(self.value**n, n * self.value ** (n - 1) * self.dvalue)"),
        ("repeated multiplication for whole n ≥ 0, the power rule otherwise",
         "    slope = 0.0 if n == 0 else n * self.value ** (n - 1)  # x⁰ = 1 is flat, at x = 0 too\n"
         "    return Dual(self.value**n, slope * self.dvalue)",
         "    if isinstance(n, int) and n >= 0:\n        power = Dual(1.0)\n"
         "        for _ in range(n):\n            power = power * self\n        return power\n"
         "    return Dual(self.value**n, n * self.value ** (n - 1) * self.dvalue)"),
        ("the quotient as x · y⁻¹",
         "    other = as_dual(other)\n"
         "    slope = (self.dvalue * other.value - self.value * other.dvalue) / other.value**2\n"
         "    return Dual(self.value / other.value, slope)",
         "    return self * as_dual(other) ** -1"),
        ("negation as x · (-1)",
         "return Dual(-self.value, -self.dvalue)", "return self * -1"),
        ("the difference expanded",
         "return self + (-as_dual(other))",
         "other = as_dual(other)\n"
         "    return Dual(self.value - other.value, self.dvalue - other.dvalue)"),
        ("the quotient's ε-part as (b - q·d)/c",
         "    slope = (self.dvalue * other.value - self.value * other.dvalue) / other.value**2\n"
         "    return Dual(self.value / other.value, slope)",
         "    q = self.value / other.value\n"
         "    return Dual(q, (self.dvalue - q * other.dvalue) / other.value)"),
        ("the power by math.pow, x⁰ as Dual(1, 0) with int parts",
         "    slope = 0.0 if n == 0 else n * self.value ** (n - 1)  # x⁰ = 1 is flat, at x = 0 too\n"
         "    return Dual(self.value**n, slope * self.dvalue)",
         "    if n == 0:\n        return Dual(1, 0)\n"
         "    return Dual(math.pow(self.value, n), n * math.pow(self.value, n - 1) * self.dvalue)"),
    ],
    "0.3": [
        ("sin and cos from numpy",
         "return Dual(math.sin(x.value), math.cos(x.value) * x.dvalue)",
         "return Dual(np.sin(x.value), np.cos(x.value) * x.dvalue)"),
        ("exp computed once",
         "return Dual(math.exp(x.value), math.exp(x.value) * x.dvalue)",
         "value = math.exp(x.value)\n    return Dual(value, value * x.dvalue)"),
        ("log by math.log, guarded outside its domain, and isinstance for plain numbers",
         "x = as_dual(x)\n    return Dual(np.log(x.value), x.dvalue / x.value)",
         "if not isinstance(x, Dual):\n        x = Dual(x, 0.0)\n"
         "    if x.value > 0:\n        return Dual(math.log(x.value), x.dvalue / x.value)\n"
         "    return Dual(-math.inf if x.value == 0 else math.nan, x.dvalue / x.value)"),
        ("relu's slope as a mask",
         "return Dual(max(x.value, 0.0), x.dvalue if x.value > 0 else 0.0)",
         "return Dual(max(0.0, x.value), x.dvalue * (x.value > 0))"),
        ("relu returns its input where it is positive",
         "return Dual(max(x.value, 0.0), x.dvalue if x.value > 0 else 0.0)",
         "return x if x.value > 0 else Dual(0.0, 0.0)"),
        ("relu as as_dual(max(0, x)), through the given >",
         "x = as_dual(x)\n    return Dual(max(x.value, 0.0), x.dvalue if x.value > 0 else 0.0)",
         "return as_dual(max(0, as_dual(x)))"),
        ("relu as x · (x > 0)",
         "x = as_dual(x)\n    return Dual(max(x.value, 0.0), x.dvalue if x.value > 0 else 0.0)",
         "x = as_dual(x)\n    return x * (x > 0)"),
        ("log by math.log, NaN from a try/except ValueError",
         "x = as_dual(x)\n    return Dual(np.log(x.value), x.dvalue / x.value)",
         "x = as_dual(x)\n    try:\n        value = math.log(x.value)\n    except ValueError:\n"
         "        value = math.nan\n    return Dual(value, x.dvalue / x.value)"),
    ],
    "0.4": [
        ("the tangents from np.eye",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]",
         "tangent = np.eye(len(point))[index]\n"
         "    inputs = [diffType(x, t) for x, t in zip(point, tangent)]"),
        ("only the seeded input a diffType, the others plain numbers",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]",
         "inputs = list(point)\n    inputs[index] = diffType(point[index], 1.0)"),
        ("diffType's derivative of f along one input",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]\n"
         "    return f(*inputs).dvalue",
         "before, after = point[:index], point[index + 1:]\n"
         "    return dt.derivative(lambda t: f(*before, t, *after), point[index])"),
        ("every input unseeded, then the chosen dvalue set to 1",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]",
         "inputs = [diffType(x, 0.0) for x in point]\n    inputs[index].dvalue = 1.0"),
        ("the seeds from a dict, the inputs a generator over tuple(point)",
         "inputs = [diffType(x, 1.0 if i == index else 0.0) for i, x in enumerate(point)]\n"
         "    return f(*inputs).dvalue",
         "seeds = {index: 1.0}\n"
         "    return f(*(diffType(x, seeds.get(i, 0.0)) for i, x in enumerate(tuple(point)))).dvalue"),
    ],
    "0.5": [
        ("max(x, 0) + log1p(e^-|x|), and the sigmoid as e^-softplus(-x)",
         "    value = np.logaddexp(0.0, x.value)  # log(e⁰ + eˣ), computed without forming eˣ\n"
         "    slope = np.exp(x.value - value)  # eˣ / (1 + eˣ) = e^(x - softplus(x)): at most 1",
         "    a = x.value\n"
         "    value = np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))\n"
         "    slope = np.exp(-np.logaddexp(0, -a))"),
        ("the sigmoid by np.where, both branches finite",
         "slope = np.exp(x.value - value)",
         "e = np.exp(-np.abs(x.value))  # at most 1\n"
         "    slope = np.where(x.value >= 0, 1 / (1 + e), e / (1 + e))"),
        ("the sigmoid as e^min(x, 0) / (1 + e^-|x|), in logs",
         "slope = np.exp(x.value - value)",
         "slope = np.exp(np.minimum(x.value, 0) - np.log1p(np.exp(-np.abs(x.value))))"),
        ("cut-offs at 30, where log(1 + e^-x) is below the check's tolerance",
         "    value = np.logaddexp(0.0, x.value)  # log(e⁰ + eˣ), computed without forming eˣ\n"
         "    slope = np.exp(x.value - value)  # eˣ / (1 + eˣ) = e^(x - softplus(x)): at most 1",
         "    a, capped = x.value, np.minimum(x.value, 30)\n"
         "    value = np.where(a > 30, a, np.log1p(np.exp(capped)))\n"
         "    slope = np.where(a > 30, 1.0, np.exp(capped) / (1 + np.exp(capped)))"),
        ("np.asarray of both parts first, logaddexp(x, 0)",
         "    value = np.logaddexp(0.0, x.value)  # log(e⁰ + eˣ), computed without forming eˣ\n"
         "    slope = np.exp(x.value - value)  # eˣ / (1 + eˣ) = e^(x - softplus(x)): at most 1\n"
         "    return diffType(value, slope * x.dvalue)",
         "    a, b = np.asarray(x.value), np.asarray(x.dvalue)\n"
         "    value = np.logaddexp(a, 0)\n"
         "    return diffType(value, np.exp(a - value) * b)"),
    ],
    "0.6": [
        ("value and slope unpacked, x = x - step, an int seed",
         "        at_x = f(diffType(x, 1.0))  # f(x) and f′(x) in one pass\n"
         "        step = at_x.value / at_x.dvalue\n        x -= step",
         "        result = f(diffType(x, 1))\n"
         "        value, slope = result.value, result.dvalue\n"
         "        step = value / slope\n        x = x - step"),
        ("the new x first, the step as the difference",
         "        step = at_x.value / at_x.dvalue\n        x -= step",
         "        new_x = x - at_x.value / at_x.dvalue\n        step, x = x - new_x, new_x"),
        ("the step negated and added",
         "        step = at_x.value / at_x.dvalue\n        x -= step",
         "        step = -at_x.value / at_x.dvalue\n        x += step"),
        ("np.divide, after an assert that f′ is not 0",
         "step = at_x.value / at_x.dvalue",
         "assert at_x.dvalue != 0, 'f is flat here'\n"
         "        step = np.divide(at_x.value, at_x.dvalue)"),
    ],
}
