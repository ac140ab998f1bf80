"""The checks of notebook 02, forward mode on the network: Exercises 2.1 and 2.2.

Each check takes the student's function as its argument, `check.exercise_2_1(jvp)`, and draws its
own small networks, which reach every case of the network's rules: hidden units that are off, a unit
exactly at the ReLU's kink (z_j = 0), black pixels, zeros in v, float64 and float32, more than one
size. Its reference is forward mode itself: one dual pass per entry of the parameters.
"""

import contextlib
import pkgutil
import sys
from unittest import mock

import numpy as np

import coursekit
from checks.core import attempt, exercise, out_of_reach, patch_everywhere
from coursekit import Parameters
from diffType import diffType


def _network(seed, n_in, n_hidden, n_out, dtype=np.float64):
    """(p, params): a random image and network with black pixels, zeros in v, hidden unit 0 off
    (z_0 < 0) and hidden unit 1 exactly at its kink (z_1 = 0, all its weights and its bias 0)."""
    rng = np.random.default_rng(seed)
    p = rng.random(n_in) * (rng.random(n_in) < 0.6)
    p[:2] = 0.0, 0.8  # at least one black pixel and one lit one
    v = rng.normal(size=(n_hidden, n_out)) * (rng.random((n_hidden, n_out)) < 0.7)
    w, a = rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden)
    a[0] = -100.0
    w[:, 1], a[1] = 0.0, 0.0
    params = Parameters(v, w, a, rng.normal(size=n_out))
    return p.astype(dtype), params.map(lambda x: x.astype(dtype))


def _black_image(n_in, n_hidden, n_out):
    """(p, params): an all-black image as integers, and zero hidden biases: every hidden unit sits
    exactly at its kink, z = 0."""
    _, params = _network(7, n_in, n_hidden, n_out)
    return np.zeros(n_in, dtype=int), params._replace(a=np.zeros(n_hidden))


def _jacobian_by_forward_mode(p, params):
    """The reference: Parameters of blocks θ.shape + (n_out,), filled by one dual pass of
    coursekit.forward per entry of each parameter θ, seeded with a one-hot tangent."""
    blocks = []
    for name, primal in params._asdict().items():
        columns = []
        for index in np.ndindex(primal.shape):
            tangent = coursekit.one_hot(primal.shape, index).astype(primal.dtype)
            seeded = params._replace(**{name: diffType(primal, tangent)})
            columns.append(coursekit.forward(p, *seeded).dvalue)
        blocks.append(np.reshape(columns, (*primal.shape, -1)))
    return Parameters(*blocks)


def _tolerance(dtype):
    return 1e-4 if dtype == np.float32 else 1e-10


def _close(answer, reference):
    """Equal up to rounding in the reference's dtype, relative to the largest entry."""
    tolerance = _tolerance(reference.dtype)
    scale = max(1.0, float(np.abs(reference).max(initial=0.0)))
    return np.isclose(answer, reference, rtol=tolerance, atol=tolerance * scale)


def _glimpse(x):
    """The start of repr(x), on one line: what the answer returned, without arrays' line breaks."""
    return f"{type(x).__name__} {' '.join(repr(x).split()):.60}"


def _sizes(p, params):
    n_hidden, n_out = params.v.shape
    return f"a {len(p)}-{n_hidden}-{n_out} network in {params.v.dtype}"


def _arguments(p, **parameters):
    """Copies of p and of each Parameters to hand to the student's function, and a check that
    afterwards every copy still equals what the check kept."""
    given = [p.copy(), *(x.map(np.copy) for x in parameters.values())]

    def assert_unchanged(function):
        pairs = [("p", p, given[0])] + [
            (f"{role}.{field}", kept, after)
            for (role, x), copy in zip(parameters.items(), given[1:])
            for field, kept, after in zip(Parameters._fields, x, copy)]
        for name, kept, after in pairs:
            assert np.array_equal(after, kept), (
                f"{function} changed the caller's {name}. Hint: read the arrays you are given, "
                "never write into them: a caller's data must come back as it went in.")
    return given, assert_unchanged


def _aliases(namespace, *objects):
    """The names in the answer's namespace (a notebook's globals) bound to one of objects."""
    return [name for name, value in list(namespace.items())
            if any(value is x for x in objects)]


# --- Exercise 2.1: one pass along any tangent ----------------------------------------------------

@contextlib.contextmanager
def _counting_passes(namespace):
    """Counts forward's passes, each True if it ran on dual numbers, under every name the answer
    can call it by: coursekit.forward, and any global of the answer's notebook bound to it."""
    passes, plain = [], coursekit.forward

    def counting(*args, **kwargs):
        passes.append(any(isinstance(x, diffType) for x in (*args, *kwargs.values())))
        return plain(*args, **kwargs)

    aliases = dict.fromkeys(_aliases(namespace, plain), counting)
    with patch_everywhere("coursekit.forward", counting), mock.patch.dict(namespace, aliases):
        yield passes


RUN_JVP = ("jvp takes p and two Parameters(v, w, a, b), the point and the direction, and returns "
           "the pair (o, ȯ) from one pass of forward on dual numbers.")


def _run_jvp(jvp, p, primals, tangents, what):
    """(o, ȯ) from the student's jvp, after checking the pass count, the arguments and the type."""
    given, assert_unchanged = _arguments(p, primals=primals, tangents=tangents)
    with _counting_passes(getattr(jvp, "__globals__", {})) as passes:
        result = attempt(f"jvp(p, primals, tangents) {what}", RUN_JVP, jvp, *given)
    assert sum(passes) == 1, (
        f"jvp made {len(passes)} passes of forward, {sum(passes)} of them on dual numbers. Hint: "
        "ȯ comes from one pass of forward on dual numbers that carry the tangents, not from "
        "differences, torch, a formula, or one pass per parameter.")
    assert_unchanged("jvp")
    assert not isinstance(result, diffType), (
        "jvp returned a dual number. Hint: return the pair (o, ȯ), a tuple of two arrays.")
    assert isinstance(result, tuple) and len(result) == 2, (
        f"jvp returned {_glimpse(result)}. Hint: return the pair (o, ȯ), a "
        "tuple of two arrays.")
    return result


def _assert_scores(result, p, primals, expected_o_dot, what, hint):
    """o is forward's scores and ȯ the expected tangent, with forward's shape and dtype."""
    reference_o = coursekit.forward(p, *primals)
    for name, answer, reference in zip(("o", "ȯ"), result, (reference_o, expected_o_dot)):
        answer = np.asarray(answer)
        assert answer.shape == reference.shape, (
            f"{name} has shape {answer.shape}, not {reference.shape} {what}. Hint: one pass of "
            "forward gives o and ȯ in the shape of the scores.")
        assert answer.dtype == reference.dtype, (
            f"{name} is {answer.dtype}, not {reference.dtype} {what}. Hint: diffType keeps the "
            "dtype of the arrays it is given: hand them over as they are.")
    assert _close(result[0], reference_o).all(), (
        f"the first of the pair is not o, the scores at the primals, {what}. Hint: the dual "
        "numbers' values are the primals as given; return (o, ȯ), the scores first.")
    assert _close(result[1], expected_o_dot).all(), f"ȯ is wrong {what}. Hint: {hint}"


@exercise("2.1", "one pass, any direction in parameter space.")
def exercise_2_1(jvp):
    """jvp(p, primals, tangents) -> (o, ȯ), from one dual pass of forward: along zero tangents,
    tangents that move one parameter, all four together and integer tangents, on networks of two
    sizes in float64 and float32 and on a black image at the ReLU's kink; arguments unchanged."""
    rng = np.random.default_rng(21)
    first = _network(21, n_in=12, n_hidden=8, n_out=5)
    params = first[1]
    zeros = params.map(np.zeros_like)
    together = ("every parameter's dual number carries its own tangent, as given: one pass then "
                "adds up all their effects.")
    cases = [("along zero tangents", first, zeros,
              "along a tangent of zeros nothing moves, so ȯ is 0.")]
    cases += [(f"for a tangent that moves only {name}", first,
               zeros._replace(**{name: rng.normal(size=primal.shape)}),
               f"the dual number of {name} carries {name}'s tangent, as given.")
              for name, primal in params._asdict().items()]
    cases += [("for a tangent that moves all four parameters", first,
               params.map(lambda x: rng.normal(size=x.shape)), together),
              ("for integer tangents", first,
               params.map(lambda x: rng.integers(-2, 3, size=x.shape)), together)]
    for what, network in (("on a second network, in float32",
                           _network(22, n_in=7, n_hidden=10, n_out=3, dtype=np.float32)),
                          ("on a black image with zero biases (every unit at its kink)",
                           _black_image(6, 4, 2))):
        tangents = network[1].map(lambda x: rng.normal(size=x.shape).astype(x.dtype))
        cases.append((what, network, tangents, together))
    for what, (p, primals), tangents, hint in cases:
        jacobian = _jacobian_by_forward_mode(p, primals)
        moved = sum(np.tensordot(t, block, axes=t.ndim) for t, block in zip(tangents, jacobian))
        expected = moved.astype(coursekit.forward(p, *primals).dtype)
        _assert_scores(_run_jvp(jvp, p, primals, tangents, what), p, primals, expected, what, hint)


# --- Exercise 2.2: every derivative of the scores, by hand ---------------------------------------

NO_PASS = ("derive each block with the chain rule from p and the parameters alone, in the shape "
           "θ.shape + (n_out,): while jacobian runs, the check takes forward, diffType and "
           "torch's derivatives away.")
FORBIDDEN = ("it ran the network or an automatic derivative, which this exercise asks you to "
             "replace by your own derivation")
RULES = {
    "b": "o_ℓ = Σ_j h_j v_jℓ + b_ℓ: which outputs contain b_k, and how?",
    "v": "o_ℓ = Σ_j h_j v_jℓ + b_ℓ: which outputs contain v_jk, and multiplied by what?",
    "a": "a_j reaches o only through h_j = ReLU(z_j): apply the chain rule, with ReLU's slope at "
         "this unit's z_j (0 at the kink, as in diffType and PyTorch).",
    "w": "w_ij reaches o only through z_j = Σ_i p_i w_ij + a_j: apply the chain rule through z_j, "
         "then through h_j = ReLU(z_j).",
}


def _forbidden_derivatives():
    """Dotted names of the tools that would compute the derivatives instead of the student."""
    names = ["coursekit.forward", "coursekit.forward_torch", "coursekit.forward_loops",
             "diffType.diffType"]
    if "torch" in sys.modules:  # only then can an answer reach torch's derivatives
        names += [f"torch.func.{f}" for f in ("jvp", "vjp", "jacfwd", "jacrev", "hessian")]
        names += ["torch.autograd.grad", "torch.autograd.backward",
                  "torch.autograd.functional.jacobian", "torch.Tensor.backward"]
    return names


def _wrong_entry(name, index, block, expected, p, params):
    """Which entry of the block of `name` is wrong, the case it is in, and the rule to look at."""
    z = p @ params.w + params.a
    *theta, output = (int(i) for i in index)

    def unit(j):
        state = ("off (z_j < 0)" if z[j] < 0 else "exactly at its kink (z_j = 0)" if z[j] == 0
                 else "on (z_j > 0)")
        return f"hidden unit j = {j}, which is {state}"
    case = {"b": lambda: f"k = {theta[0]}",
            "v": lambda: f"{unit(theta[0])}, and k = {theta[1]}",
            "a": lambda: unit(theta[0]),
            "w": lambda: (f"pixel i = {theta[0]}, which is "
                          f"{'black (p_i = 0)' if p[theta[0]] == 0 else 'lit'}, "
                          f"and {unit(theta[1])}")}[name]()
    index = (*theta, output)
    return (f"∂o_ℓ/∂{name}{list(theta)} at ℓ = {output} is wrong, for {case}, on "
            f"{_sizes(p, params)}: yours is {block[index]:.4g}, forward mode gives "
            f"{expected[index]:.4g}. Hint: {RULES[name]}")


def _assert_blocks(result, reference, p, params):
    what = f"on {_sizes(p, params)}"
    assert isinstance(result, tuple) and len(result) == 4, (
        f"jacobian returned {_glimpse(result)} {what}. Hint: return "
        "Parameters(v=..., w=..., a=..., b=...), one block per parameter.")
    blocks = dict(zip(Parameters._fields, result))
    for name in ("b", "v", "a", "w"):  # the simplest rule first
        block, expected = blocks[name], getattr(reference, name)
        assert isinstance(block, np.ndarray), (
            f"the block of {name} is a {type(block).__name__}, not a numpy array. Hint: return "
            "each block as one array.")
        shape = getattr(params, name).shape
        assert block.shape == expected.shape, (
            f"the block of {name} has shape {block.shape}, not {name}.shape + (n_out,) = "
            f"{expected.shape} {what}. Hint: entry [..., ℓ] of the block is ∂o_ℓ/∂{name}[...]: "
            f"the axes of {name} {shape} first, then the output ℓ.")
        assert block.dtype == expected.dtype, (
            f"the block of {name} is {block.dtype}, not {expected.dtype} {what}. Hint: the "
            "derivatives come in the parameters' dtype (float32 in, float32 out): build every "
            "block in it; numpy makes new arrays float64 unless told otherwise, and an array "
            "made in p's dtype takes p's (an image of ints).")
        wrong = np.argwhere(~_close(block, expected))
        assert not len(wrong), _wrong_entry(name, wrong[0], block, expected, p, params)


@exercise("2.2", "every derivative of the scores, derived by hand.")
def exercise_2_2(jacobian):
    """jacobian(p, params) -> Parameters of blocks θ.shape + (n_out,) holding ∂o_ℓ/∂θ, compared
    with forward mode entry by entry on networks with units off, a unit at its kink, black pixels
    and zeros in v, in two sizes and float64 and float32, and on a black integer image with zero
    biases; no pass of the network while it runs, and its arguments unchanged."""
    namespace = getattr(jacobian, "__globals__", {})
    cases = [_network(31, n_in=7, n_hidden=5, n_out=3),
             _network(32, n_in=6, n_hidden=9, n_out=4, dtype=np.float32),
             _black_image(5, 4, 2)]
    for p, params in cases:
        reference = _jacobian_by_forward_mode(p, params)
        given, assert_unchanged = _arguments(p, params=params)
        forbidden = _forbidden_derivatives()
        aliases = _aliases(namespace, *map(pkgutil.resolve_name, forbidden))
        with out_of_reach(FORBIDDEN, *forbidden), out_of_reach(FORBIDDEN, *aliases,
                                                               namespace=namespace):
            result = attempt(f"jacobian(p, params) on {_sizes(p, params)}", NO_PASS, jacobian,
                             *given)
        assert_unchanged("jacobian")
        _assert_blocks(result, reference, p, params)
