"""Checks of notebook 06, composing the modes: Exercises 6.1 to 6.4.

Each check takes the student's objects, runs them on cases that it builds itself, and tests the
properties that the exercise states, never the spelling of an answer:
- 6.1 by what a nested derivative must give (calculus), and a product of tagged numbers by its
  expansion in the perturbations, whatever tag is outermost;
- 6.2 against PyTorch's forward over reverse, torch.func.jvp of torch.func.grad;
- 6.3 against the exact solution and against the k-th iterate of conjugate gradients, which the
  Krylov space fixes whatever formulas compute it, counting Hessian-vector products;
- 6.4 against PyTorch's gradient, counting the segment's runs in each pass and looking at what
  the checkpoint keeps.
The arrays that an answer is given must come back unchanged, shapes exactly, float32 as float32;
where an exercise is about cost, the check counts calls, never seconds. Read one with
`check.exercise_6_2??`.
"""

import numbers

import numpy as np

import coursekit
from checks.core import attempt, exercise


def _describe(x):
    """'a float32 array of shape (4, 3)', 'the Python float 2.0', for messages."""
    if isinstance(x, np.ndarray):
        return f"a {x.dtype} array of shape {x.shape}"
    return f"{type(x).__name__} {x!r:.60}"


def _unchanged(what, given):
    """Assert that each array in given, {name: (array, copy made before the call)}, is unchanged."""
    for name, (x, copy) in given.items():
        assert np.array_equal(x, copy), (
            f"{what} changed the caller's {name}. Hint: never write into an array you are given "
            "(no -=, += or slice assignment on it): the caller still needs it; make a new one")


def _judge_array(what, mine, expected, like, hint, float64_rtol=1e-9, float32_rtol=1e-4):
    """mine against expected (float64): an ndarray of like's shape and dtype, then every entry,
    relative to the largest entry of expected (exactly 0 where expected is 0 everywhere)."""
    assert isinstance(mine, np.ndarray), (
        f"{what} returns {_describe(mine)}, not a numpy array. Hint: {hint}")
    assert mine.shape == like.shape, (
        f"{what} has shape {mine.shape}; it must have shape {like.shape}. Hint: {hint}")
    assert mine.dtype == like.dtype, (
        f"{what} is {mine.dtype} for {like.dtype} inputs. Hint: compute in the dtype you are "
        "given: float32 in, float32 out")
    assert np.all(np.isfinite(mine)), f"{what} holds NaN or inf. Hint: {hint}"
    largest, off = (float(np.max(np.abs(x), initial=0.0)) for x in (expected, mine - expected))
    if largest == 0:
        assert off == 0, f"{what} must be 0 everywhere; it is {off:.2g} somewhere. Hint: {hint}"
        return
    rtol = float64_rtol if like.dtype == np.float64 else float32_rtol
    assert off <= rtol * largest, (
        f"{what} is off by {off / largest:.2g} of its largest entry (at most {rtol:g} allowed). "
        f"Hint: {hint}")


# --- Exercise 6.1: tagged perturbations -----------------------------------------------------------

def _expansion(z, Tagged):
    """z as a sum of products of perturbations: {frozenset of tags: coefficient}. Tagged(v, t, k)
    is v + t·ε_k; a product of distinct ε's stays, ε_k² = 0 never arises from a right answer."""
    if not isinstance(z, Tagged):
        return {frozenset(): float(z)}
    terms = dict(_expansion(z.value, Tagged))
    for tags, coefficient in _expansion(z.tangent, Tagged).items():
        key = tags | {z.tag}
        terms[key] = terms.get(key, 0.0) + coefficient
    return {tags: coefficient for tags, coefficient in terms.items() if coefficient != 0.0}


@exercise("6.1", "each derivative has its own perturbation, and nested ones no longer mix.")
def exercise_6_1(Tagged, derivative):
    """Tagged sums and products of one tag and of two (expanded in the perturbations, so any
    nesting order that is right passes), with int, float and zero constants on either side;
    operands unchanged. Then derivative: plain derivatives, ints, a constant function, 0; nested:
    a second derivative, the classic d/dx [x · d/dy (x + y)] = 1 at several points, a product
    across the two levels, an inner function that ignores its own variable, three levels."""
    arithmetic = ("expand (a + a′ε) + (b + b′ε) and (a + a′ε)(b + b′ε) with ε² = 0, as in "
                  "Exercise 0.1, along the newest tag of the two operands; along it, a number "
                  "that does not carry that tag is a constant (along gives both parts)")
    own_tag = ("each derivative call seeds a perturbation of its own (a fresh, larger tag), and "
               "reads the tangent along that tag only (along): the tangents of other "
               "perturbations are not its business")
    seed = ("derivative(f, x) seeds x + 1·ε with a fresh tag, runs f, and returns the tangent of "
            "f's result along that tag (along): a plain number, 0 when the result does not "
            "carry the tag")
    sums = [  # x, y, x + y expanded: {tags: coefficient}
        (Tagged(2.0, 3.0, 1), Tagged(5.0, 7.0, 1), {(): 7, (1,): 10}),
        (Tagged(2.0, 3.0, 1), 4, {(): 6, (1,): 3}),
        (4.5, Tagged(2.0, 3.0, 1), {(): 6.5, (1,): 3}),
        (Tagged(2.0, 3.0, 1), Tagged(5.0, 7.0, 2), {(): 7, (1,): 3, (2,): 7}),
        (Tagged(5.0, 7.0, 2), Tagged(2.0, 3.0, 1), {(): 7, (1,): 3, (2,): 7}),
        (Tagged(Tagged(1.0, 2.0, 1), 3.0, 2), Tagged(4.0, 5.0, 1), {(): 5, (1,): 7, (2,): 3}),
    ]
    products = [  # x, y, x · y expanded
        (Tagged(2.0, 3.0, 1), Tagged(5.0, 7.0, 1), {(): 10.0, (1,): 29.0}),
        (Tagged(2.0, 3.0, 1), 4, {(): 8.0, (1,): 12.0}),
        (4, Tagged(2.0, 3.0, 1), {(): 8.0, (1,): 12.0}),
        (Tagged(2.0, 3.0, 1), 0.0, {}),
        (Tagged(-1.5, 0.5, 2), Tagged(2.0, -4.0, 2), {(): -3.0, (2,): 7.0}),
        (Tagged(2.0, 3.0, 1), Tagged(5.0, 7.0, 2), {(): 10, (1,): 15, (2,): 14, (1, 2): 21}),
        (Tagged(5.0, 7.0, 2), Tagged(2.0, 3.0, 1), {(): 10, (1,): 15, (2,): 14, (1, 2): 21}),
        (Tagged(Tagged(1.0, 2.0, 1), 3.0, 2), Tagged(4.0, 5.0, 1),
         {(): 4.0, (1,): 13.0, (2,): 12.0, (1, 2): 15.0}),
    ]
    for operator, function, cases in (("+", lambda x, y: x + y, sums),
                                      ("*", lambda x, y: x * y, products)):
        for x, y, expected in cases:
            _judge_tagged(f"{x!r} {operator} {y!r}", function, x, y, expected, Tagged, arithmetic)

    def cube(x):
        return x * x * x

    plain = [("x³ at 2", lambda: derivative(cube, 2.0), 12.0),
             ("x³ at the int 2", lambda: derivative(cube, 2), 12.0),
             ("3x² + 2x + 1 at −1.5", lambda: derivative(lambda x: 3 * x * x + 2 * x + 1, -1.5),
              -7.0),
             ("x² at 0", lambda: derivative(lambda x: x * x, 0.0), 0.0),
             ("x · 0 at 3", lambda: derivative(lambda x: x * 0, 3.0), 0.0),
             ("the constant 5 at 1", lambda: derivative(lambda x: 5.0, 1.0), 0.0)]
    nested = [
        ("x³'s second derivative at 2, d/dx derivative(x³)",
         lambda: derivative(lambda x: derivative(cube, x), 2.0), 12.0),
        *((f"d/dx [x · d/dy (x + y)] at x = {x0}, the classic",
           lambda x0=x0: derivative(lambda x: x * derivative(lambda y: x + y, 1.0), x0), 1.0)
          for x0 in (1.0, 2.5, -3.0)),
        ("d/dx [x · d/dy (x · y)] at x = 1.5, y = 2, which is d/dx x² = 2x",
         lambda: derivative(lambda x: x * derivative(lambda y: x * y, 2.0), 1.5), 3.0),
        ("d/dx [x · d/dy x] at x = 2, where d/dy x = 0",
         lambda: derivative(lambda x: x * derivative(lambda y: x, 1.0), 2.0), 0.0),
        ("d/dx derivative(y ↦ x·y², at y = x), which is d/dx 2x² = 4x, at x = 1.5",
         lambda: derivative(lambda x: derivative(lambda y: x * y * y, x), 1.5), 6.0),
        ("three levels: d/dx [x · d/dy [y · d/dz (x·y·z)]] at x = 1.5, y = 2, z = x·y",
         lambda: derivative(lambda x: x * derivative(
             lambda y: y * derivative(lambda z: x * y * z, x * y), 2.0), 1.5), 12.0),
    ]
    for (what, call, expected), hint in [(case, seed) for case in plain] + [
            (case, own_tag) for case in nested]:
        result = attempt(what, hint, call)
        assert not isinstance(result, Tagged), (
            f"{what} returns {result!r}, a Tagged number. Hint: a derivative is the tangent "
            "along the call's own tag: a plain number when nothing outside is perturbed")
        assert isinstance(result, numbers.Real) and np.isclose(result, expected, rtol=1e-12,
                                                               atol=1e-12), (
            f"{what} gives {result!r}; calculus says {expected:g}. Hint: {hint}")


def _judge_tagged(what, function, x, y, expected, Tagged, hint):
    """function(x, y) of Tagged numbers: operands unchanged, the result's expansion expected."""
    fields = [(z, vars(z).copy()) for z in (x, y) if isinstance(z, Tagged)]
    result = attempt(what, hint, function, x, y)
    for z, before in fields:
        assert vars(z) == before, (
            f"{what} changed an operand: {z!r}. Hint: return a new Tagged; an operation must leave "
            "its operands as they were")
    expected = {frozenset(tags): value for tags, value in expected.items()}
    got = attempt(f"{what} (expanded)", hint, _expansion, result, Tagged)
    assert got.keys() == expected.keys() and all(
        np.isclose(got[tags], value, rtol=1e-14, atol=0) for tags, value in expected.items()), (
        f"{what} = {result!r}, which is {_show(got)}; it must be {_show(expected)}. Hint: {hint}")


def _show(expansion):
    """'10 + 15ε₁ + 21ε₁ε₂', for messages."""
    subscripts = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    terms = [f"{value:g}" + "".join(f"ε{str(tag).translate(subscripts)}" for tag in sorted(tags))
             for tags, value in sorted(expansion.items(), key=lambda item: sorted(item[0]))]
    return " + ".join(terms) or "0"


# --- Exercise 6.2: a Hessian-vector product -------------------------------------------------------

def _network(p, v, w, a, b):
    """o = ReLU(p·w + a)·v + b with numpy operators: it runs on arrays and on the engine's nodes."""
    return np.maximum(0, p @ w + a) @ v + b


def _torch_network(p, v, w, a, b):
    import torch
    return torch.relu(p @ w + a) @ v + b


def _regression_case(rng, n, features, classes, dtype):
    """Softmax regression with a bias pixel, inputs large enough that the curvature matters."""
    images = np.hstack([3 * rng.normal(size=(n, features)), np.ones((n, 1))]).astype(dtype)
    labels = rng.integers(0, classes, n)
    theta = rng.normal(size=(features + 1, classes)).astype(dtype)
    return images, labels, theta


@exercise("6.2", "forward over reverse: the gradient's tangent is the Hessian times u.")
def exercise_6_2(hvp, engine):
    """hvp against torch.func.jvp(torch.func.grad(f)): softmax regression with 4 and 10 classes,
    the network along w and along v, a batch and a single image; float32, through a ReLU too
    (float32 out); a linear f (H = 0), u = 0 and 3u; x and u unchanged; exact shape; at most two
    passes of f per call (a Hessian built column by column, or finite differences, need more, or
    are inexact)."""
    import torch
    from torch.nn.functional import cross_entropy
    rule = ("the node must hold x carrying the tangent u, so that every value downstream, and "
            "the gradient too, carries its derivative along u; then one backward pass, and read "
            "the gradient's tangent")
    _engine_is_ready(engine)
    rng = np.random.default_rng(62)
    cases = []  # (what, f on nodes, f on tensors, x, u)
    for n, features, classes, dtype in ((7, 5, 4, np.float64), (12, 6, 10, np.float64),
                                        (9, 5, 4, np.float32)):
        images, labels, theta = _regression_case(rng, n, features, classes, dtype)
        cases.append((f"softmax regression, {classes} classes, {dtype.__name__}",
                      lambda x, images=images, labels=labels: engine.cross_entropy(images @ x,
                                                                                     labels),
                      lambda t, images=images, labels=labels: cross_entropy(
                          torch.from_numpy(images.astype(np.float64)) @ t,
                          torch.from_numpy(labels)),
                      theta, rng.normal(size=theta.shape).astype(dtype)))
    p, labels = rng.normal(size=(4, 6)), rng.integers(0, 3, 4)
    parameters = [rng.normal(size=shape) for shape in ((5, 3), (6, 5), (5,), (3,))]
    as32 = [x.astype(np.float32) for x in [p, *parameters]]
    for name, index, images, targets, values in (
            ("w, a batch of 4", 1, p, labels, parameters),
            ("v, a batch of 4", 0, p, labels, parameters),
            ("v, a single image", 0, p[0], int(labels[0]), parameters),
            ("w, a batch of 4, float32", 1, as32[0], labels, as32[1:])):
        def on_nodes(x, index=index, images=images, targets=targets, values=values):
            return engine.cross_entropy(_network(images, *_replaced(values, index, x)), targets)

        def on_tensors(t, index=index, images=images, targets=targets, values=values):
            tensors = [torch.from_numpy(x.astype(np.float64)) for x in values]
            scores = _torch_network(torch.from_numpy(images.astype(np.float64)),
                                    *_replaced(tensors, index, t))
            return cross_entropy(scores, torch.as_tensor(targets))

        cases.append((f"the network's loss as a function of {name}", on_nodes, on_tensors,
                      values[index], rng.normal(size=values[index].shape).astype(images.dtype)))
    for what, f, f_torch, x, u in cases:
        _, reference = torch.func.jvp(torch.func.grad(f_torch),
                                      (torch.from_numpy(x.astype(np.float64)),),
                                      (torch.from_numpy(u.astype(np.float64)),))
        for scale in (1, 3, 0):
            _judge_hvp(f"hvp(f, x, {scale}·u) for f = {what}", hvp, f, x, scale * u,
                       scale * reference.numpy(), rule)
    c = rng.normal(size=(5, 1))
    _judge_hvp("hvp(f, x, u) for a linear f(x) = x @ c, whose Hessian is 0", hvp,
               lambda x: x @ c, rng.normal(size=5), rng.normal(size=5), np.zeros(5),
               "when f's gradient does not depend on x, no tangent reaches it: H·u = 0, an array "
               "of x's shape")


def _replaced(values, index, x):
    return [x if i == index else value for i, value in enumerate(values)]


def _engine_is_ready(engine):
    """The engine's plain gradient is right, and a node keeps a dual array as it is."""
    import torch
    from torch.nn.functional import cross_entropy

    from diffType import diffType
    rng = np.random.default_rng(60)
    p, labels = rng.normal(size=(3, 4)), np.array([0, 2, 1])
    parameters = [rng.normal(size=shape) for shape in ((5, 3), (4, 5), (5,), (3,))]
    nodes = attempt("your engine's gradient of the network's loss", "run notebook 05's checks",
                    _engine_gradient, engine, p, labels, parameters)
    leaves = [torch.tensor(x, requires_grad=True) for x in parameters]
    cross_entropy(_torch_network(torch.from_numpy(p), *leaves), torch.from_numpy(labels)).backward()
    for node, leaf in zip(nodes, leaves):
        assert node.grad is not None and np.allclose(node.grad, leaf.grad.numpy(), rtol=1e-10,
                                                     atol=1e-12), (
            "the engine loaded from notebook 05 gives a wrong gradient, so what is built on it "
            "cannot be right. Hint: run notebook 05's checks, fix what they say, save it, and "
            "load the engine again")
    dual = diffType(np.ones(2), np.ones(2))
    assert isinstance(engine.Node(dual).value, diffType), (
        "a node of the engine turns a dual array into something else. Hint: run the cell above "
        "that lets a node hold a dual array as it is, after loading the engine")


def _engine_gradient(engine, p, labels, parameters):
    nodes = [engine.Node(x) for x in parameters]
    engine.cross_entropy(_network(p, *nodes), labels).backward()
    return nodes


def _judge_hvp(what, hvp, f, x, u, expected, rule):
    """One call of hvp: f run at most twice, x and u unchanged, the result judged entry by entry."""
    runs = []

    def watched(node):
        runs.append(node)
        return f(node)

    given = {"x": (x, x.copy()), "u": (u, u.copy())}
    mine = attempt(what, rule, hvp, watched, x, u)
    _unchanged(what, given)
    assert len(runs) <= 2, (
        f"{what} ran f {len(runs)} times. Hint: one forward pass on dual values and one backward "
        "pass give H·u, whatever the size of x: no loop over entries, no finite differences")
    _judge_array(what, mine, expected, x, rule, float64_rtol=1e-11)


# --- Exercise 6.3: conjugate gradients ------------------------------------------------------------

def _symmetric(rng, eigenvalues, dtype=np.float64):
    """A symmetric matrix with these eigenvalues, in a random orthonormal basis."""
    basis, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return ((basis * eigenvalues) @ basis.T).astype(dtype)


def _krylov_iterate(hessian, b, steps):
    """The k-th iterate of conjugate gradients from 0, without its formulas: the s in the Krylov
    space span(b, Hb, …, H^(k-1) b) that minimizes ½ sᵀHs − bᵀs (H positive definite)."""
    vectors = [b]
    for _ in range(steps - 1):
        vectors.append(hessian @ vectors[-1])
    basis, _ = np.linalg.qr(np.stack(vectors, axis=1))
    return basis @ np.linalg.solve(basis.T @ hessian @ basis, basis.T @ b)


@exercise("6.3", "conjugate gradients solve H s = b with one Hessian-vector product per step.")
def exercise_6_3(conjugate_gradient):
    """conjugate_gradient on symmetric positive definite matrices it applies itself: the solution
    to the tolerance; the k-th iterate when stopped after k products; k products for k distinct
    eigenvalues; a singular H with b in its range; b a matrix (inner products over all entries);
    b = 0; b scaled by 10⁸ and 10⁻¹² (a relative tolerance); float32; b unchanged; the arrays
    apply_hessian gets have b's shape."""
    rule = ("start from s = 0, whose residual r = b − H s is b; each step takes one product H p, "
            "moves s along p to the minimum of ½ sᵀHs − bᵀs, updates r alike, and turns p into "
            "the next direction conjugate to the earlier ones")
    rng = np.random.default_rng(63)
    well = _symmetric(rng, np.linspace(1, 10, 30))
    b = rng.normal(size=30)
    _solve(conjugate_gradient, "a 30×30 H with eigenvalues 1 to 10", well, b, 1e-10, 100, rule)
    three = _symmetric(rng, np.repeat([1.0, 4.0, 9.0], [10, 15, 15]))
    runs = _solve(conjugate_gradient, "a 40×40 H with 3 distinct eigenvalues", three,
                  rng.normal(size=40), 1e-10, 100, rule, most_products=4)
    for scale in (1e8, 1e-12):
        scaled = _solve(conjugate_gradient, f"the same H, b scaled by {scale:g}", three,
                        scale * rng.normal(size=40), 1e-10, 100, rule, most_products=4)
        assert scaled == runs, (
            f"with b scaled by {scale:g}, conjugate_gradient takes {scaled} products instead of "
            f"{runs}. Hint: the tolerance is relative: stop when ‖r‖ ≤ tolerance·‖b‖")
    stiff = _symmetric(rng, np.geomspace(1, 1000, 50))
    b = rng.normal(size=50)
    for steps in (1, 2, 3):
        what = f"conjugate_gradient(apply_hessian, b, 1e-12, max_steps={steps}) for a stiff H"
        s, products = _run_cg(conjugate_gradient, what, stiff, b, 1e-12, steps, rule)
        assert products <= steps, (
            f"{what} takes {products} products H p. Hint: at most max_steps products, one per "
            "step")
        _judge_array(f"{what} (after {steps} steps)", s, _krylov_iterate(stiff, b, steps), b,
                     "after k steps, conjugate gradients give the best s in span(b, Hb, …, "
                     f"H^(k-1) b); steepest descent and wrong α or β do not. {rule}")
    singular = _symmetric(rng, np.concatenate([np.zeros(5), np.linspace(1, 5, 20)]))
    _solve(conjugate_gradient, "a singular H, b in its range (as for softmax regression)",
           singular, singular @ rng.normal(size=25), 1e-10, 100, rule)
    matrix = _symmetric(rng, np.linspace(1, 6, 30))
    _solve(conjugate_gradient, "b of shape (6, 5), H acting on its 30 entries", matrix,
           rng.normal(size=(6, 5)), 1e-10, 100,
           rule + "; b can have any shape: inner products run over all entries (np.vdot)")
    zero = np.zeros(30)
    s, _ = _run_cg(conjugate_gradient, "conjugate_gradient(apply_hessian, 0)", well, zero,
                          1e-8, 100, rule)
    _judge_array("conjugate_gradient(apply_hessian, b = 0)", s, zero, zero,
                 "for b = 0, s = 0 solves H s = b: the residual is already 0, so check the "
                 "tolerance before taking a step (and never divide 0 by 0)")
    _solve(conjugate_gradient, "float32 H and b", well.astype(np.float32),
           rng.normal(size=30).astype(np.float32), 1e-5, 100, rule, residual=1e-4)


def _run_cg(conjugate_gradient, what, hessian, b, tolerance, max_steps, rule):
    """(s, products H p taken) for one call; the arrays given to apply_hessian must have b's
    shape; b comes back unchanged."""
    products = []

    def apply_hessian(p):
        assert isinstance(p, np.ndarray) and p.shape == b.shape, (
            f"apply_hessian was given {_describe(p)}; it takes arrays of b's shape {b.shape}")
        products.append(p)
        return (hessian @ p.reshape(-1)).reshape(b.shape)

    given = {"b": (b, b.copy())}
    s = attempt(what, rule, conjugate_gradient, apply_hessian, b, tolerance, max_steps)
    _unchanged(what, given)
    return s, len(products)


def _solve(conjugate_gradient, name, hessian, b, tolerance, max_steps, rule, most_products=None,
           residual=None):
    """Solve to the tolerance: the residual of the answer, and no more products than conjugate
    gradients need (k for k distinct eigenvalues, if given; else the dimension). Returns the
    number of products."""
    what = f"conjugate_gradient for {name}"
    s, products = _run_cg(conjugate_gradient, what, hessian, b, tolerance, max_steps, rule)
    _judge_array(what, s, np.linalg.lstsq(hessian, b.reshape(-1), rcond=None)[0].reshape(b.shape),
                 b, rule, float32_rtol=1e-3)
    error = np.linalg.norm(hessian @ s.reshape(-1) - b.reshape(-1)) / np.linalg.norm(b)
    assert error <= (residual or 100 * tolerance), (
        f"{what}: ‖b − H s‖ / ‖b‖ = {error:.2g}, above the tolerance {tolerance:g}. Hint: {rule}")
    most = most_products or b.size
    assert products <= most, (
        f"{what} takes {products} products H p; conjugate gradients need at most {most} here. "
        "Hint: one product per step (keep H p and update r with it, no second product), and stop "
        "as soon as ‖r‖ ≤ tolerance·‖b‖")
    return products


# --- Exercise 6.4: checkpointing ------------------------------------------------------------------

@exercise("6.4", "the checkpoint keeps its operands, and replays its segment once per backward "
                 "pass.")
def exercise_6_4(checkpoint, engine):
    """checkpoint on the network's scores (pixels constant, parameters nodes) and on a segment of
    two node operands, against PyTorch's gradients: the segment runs once in the forward pass, on
    arrays; the node keeps no array but its operands; each backward pass replays the segment once,
    on nodes for the operands that are nodes and the very constants for the others; a second
    backward pass, with another adjoint; float64 and float32; operands unchanged."""
    import torch
    from torch.nn.functional import cross_entropy
    rule = ("the forward pass runs the segment on the operands' values and keeps nothing else; "
            "the first VJP that runs replays the segment on fresh nodes (one per operand that "
            "is a node), backpropagates the node's adjoint through it, and keeps each operand's "
            "adjoint for its own VJP")
    _engine_is_ready(engine)
    rng = np.random.default_rng(64)
    for dtype in (np.float64, np.float32):
        p, labels = rng.normal(size=(4, 6)).astype(dtype), rng.integers(0, 3, 4)
        parameters = [rng.normal(size=shape).astype(dtype)
                      for shape in ((5, 3), (6, 5), (5,), (3,))]
        kept = {"pixels": (p, p.copy()), **{f"parameter {name}": (x, x.copy())
                                            for name, x in zip("vwab", parameters)}}
        leaves = [torch.tensor(x.astype(np.float64), requires_grad=True) for x in parameters]
        loss = cross_entropy(_torch_network(torch.from_numpy(p.astype(np.float64)), *leaves),
                             torch.from_numpy(labels))
        expected = [g.numpy() for g in torch.autograd.grad(loss, leaves)]
        nodes = [engine.Node(x) for x in parameters]
        _checkpointed(checkpoint, engine, f"the network's scores, {dtype.__name__}", _network,
                      [p, *nodes], lambda result: engine.cross_entropy(result, labels),
                      expected, rule)
        _unchanged("checkpoint(segment, pixels, *parameters)", kept)
    x, y, c = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(4, 1))
    expected = [c[:, 0] * (y + 1), c[:, 0] * x]  # of (x·y + x) @ c

    def product(x, y):
        return x * y + x

    _checkpointed(checkpoint, engine, "x·y + x, two nodes", product,
                  [engine.Node(x), engine.Node(y)], lambda result: result @ c, expected, rule)


def _checkpointed(checkpoint, engine, name, segment, operands, loss_of, expected, rule):
    """checkpoint(segment, *operands), a loss on it, two backward passes; judge runs, what the
    node keeps and each node operand's gradient against expected (for the first pass; the second
    pass's adjoint is 3 times as large)."""
    runs = []  # per run of the segment: which operands were nodes

    def watched(*inputs):
        runs.append([isinstance(x, engine.Node) for x in inputs])
        return segment(*inputs)

    is_node = [isinstance(x, engine.Node) for x in operands]
    what = f"checkpoint(segment, …) for {name}"
    result = attempt(what, rule, checkpoint, watched, *operands)
    values = [x.value if isinstance(x, engine.Node) else x for x in operands]
    assert isinstance(result, engine.Node), (
        f"{what} returns {_describe(result)}, not a node of your engine. Hint: make the segment "
        "one node with apply(function, vjps_of, *operands)")
    assert len(runs) == 1 and not any(runs[0]), (
        f"{what} ran the segment {len(runs)} times in the forward pass, "
        f"{'on nodes' if any(map(any, runs)) else 'on arrays'}. Hint: run it once, on the "
        "operands' values: on nodes it would record, and keep, the graph that checkpointing "
        "replays instead")
    _judge_array(f"{what}: the node's value", np.asarray(result.value), segment(*values),
                 np.asarray(segment(*values)), rule)
    allowed = {id(x) for x in values if isinstance(x, np.ndarray)} | {id(result.value)}
    shapes = {np.shape(x) for x in values}
    for array in (x for _, vjp in result.parents for x in coursekit.arrays_held(vjp)):
        assert id(array) in allowed or array.shape in shapes, (
            f"{what} keeps an array of shape {array.shape} until the backward pass. Hint: "
            "keep only the operands; what the segment computes inside is recomputed")
    adjoint_hint = ("the replay backpropagates the checkpoint node's adjoint, grad, and each "
                    "operand's VJP returns that operand's adjoint from the replay")
    for pass_number, seed, factor in ((1, None, 1.0), (2, 3.0, 3.0)):
        loss = loss_of(result)
        runs.clear()
        attempt(f"backward pass {pass_number} through {what}", rule, loss.backward,
                *(() if seed is None else (np.full(np.shape(loss.value), seed,
                                                   dtype=np.asarray(loss.value).dtype),)))
        assert len(runs) == 1, (
            f"backward pass {pass_number} through {what} ran the segment {len(runs)} times. "
            "Hint: replay it once per backward pass, whatever the number of operands: the first "
            "VJP replays, and every VJP takes its operand's adjoint from that replay")
        assert runs[0] == is_node, (
            f"the replay in {what} got nodes for {runs[0]}, and should for {is_node}. Hint: "
            "make nodes only of the operands that are nodes; a constant stays a plain array, so "
            "that no adjoint is computed for it")
        for index, (operand, wanted) in enumerate(
                (x, e) for x, e in zip((x for x in operands if isinstance(x, engine.Node)),
                                       expected)):
            _judge_array(f"the gradient of node operand {index} after backward pass "
                         f"{pass_number} through {what}", operand.grad, factor * wanted,
                         operand.value, adjoint_hint if pass_number == 1 else
                         "a graph may be backpropagated again, with another adjoint: each pass "
                         "replays once, and nothing of the last pass's adjoints may remain")
