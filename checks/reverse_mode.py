"""Checks of notebook 05, reverse mode from scratch: Exercises 5.1 to 5.7.

Each check takes the student's functions, runs them on cases that it builds itself, and tests the
properties that the exercise states. A rule is judged by the universal test of the notebook, the
dot-product identity ⟨z̄, J·ẋ⟩ = ⟨Jᵀ·z̄, ẋ⟩ against diffType's forward mode, applied once per entry
(the tangent ẋ that is 1 there), never by a formula; by PyTorch's autograd where a whole graph is
compared. The arrays that an answer is given must come back unchanged, shapes exactly, float32 as
float32. The numpy exercises run with PyTorch switched off; where an exercise is about cost, the
check counts passes and visits, never seconds. Read one with `check.exercise_5_4??`.
"""

import contextlib
import numbers
from collections import Counter
from unittest import mock

import numpy as np

from checks.core import CheckFailed, attempt, exercise

DOT_PRODUCT_TEST = ("derive the rule from diffType's tangent rule: ⟨z̄, ż⟩ must equal the sum of "
                    "⟨x̄, ẋ⟩ over the operands, for every tangent; dot_product_test tries it")


# --- Shared machinery -----------------------------------------------------------------------------

@contextlib.contextmanager
def _numpy_only(what):
    """Inside the block, every PyTorch function fails with a verdict: the exercise is numpy."""
    import torch

    class NumpyOnly(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, function, types, args=(), kwargs=None):
            name = getattr(function, "__name__", "_")
            called = "" if name.startswith("_") else f" ({name})"  # no name for torch's internals
            raise CheckFailed(f"{what} called PyTorch{called}. Hint: solve this exercise with "
                              "numpy alone; PyTorch is the reference it is compared with")

    with NumpyOnly():
        yield


def _run(what, hint, function, *args):
    """The student's function(*args) with PyTorch switched off; a crash becomes a hint."""
    with _numpy_only(what):
        return attempt(what, hint, function, *args)


def _describe(x):
    """'a float32 array of shape (4, 3)', 'the Python float 2.0', for messages."""
    if isinstance(x, np.ndarray):
        return f"a {x.dtype} array of shape {x.shape}"
    return f"the Python {type(x).__name__} {x!r}"


def _unchanged(what, given, kept):
    """Assert that each array in given still equals its copy in kept."""
    for name, x, copy in zip(given, given.values(), kept):
        assert np.array_equal(x, copy), (
            f"{what} changed the caller's {name}. Hint: never write into an array you are given "
            "(no -=, +=, *= or slice assignment on it): the caller still needs it; work on a "
            "new array")


def _snapshot(arrays):
    return [np.array(x, copy=True) for x in arrays.values()]


def _judge_adjoint(what, mine, operand, grad, expected, hint, shape_hint=""):
    """mine, the adjoint of operand, against `expected` from forward mode: type, exact shape, the
    dtype of grad (float32 stays float32), then every entry (the dot-product test)."""
    assert isinstance(mine, (np.ndarray, np.generic, numbers.Real)), (
        f"{what} returns {type(mine).__name__}, not an array. Hint: a VJP returns the operand's "
        "adjoint, an array of the operand's shape")
    assert np.shape(mine) == np.shape(operand), (
        f"{what} returns shape {np.shape(mine)} for an operand of shape {np.shape(operand)}. "
        f"Hint: an adjoint has exactly its operand's shape{shape_hint}")
    assert np.asarray(mine).dtype == grad.dtype, (
        f"{what} returns {np.asarray(mine).dtype} for a {grad.dtype} adjoint. Hint: compute in "
        "the dtype of the arrays you are given: float32 in, float32 out")
    _judge_values(what, np.asarray(mine, dtype=np.float64), expected, grad.dtype, hint)


def _judge_values(what, mine, expected, dtype, hint):
    """Entry by entry, to round-off of dtype, relative to the largest entry."""
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    tolerance = (1e-10 if dtype == np.float64 else 1e-4) * scale
    wrong = np.abs(mine - expected) > tolerance
    if not np.any(wrong):
        return
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    assert False, (
        f"{what} fails the dot-product test against diffType: for the tangent that is 1 at "
        f"{index}, forward mode gives ⟨z̄, J·ẋ⟩ = {expected[index]:.6g}, your answer "
        f"⟨x̄, ẋ⟩ = {mine[index]:.6g}. Hint: {hint}")


def _adjoints_by_forward_mode(function, operands, grad):
    """Jᵀ·grad for every operand of function, in float64, from diffType's JVPs: entry i of an
    operand's adjoint is ⟨grad, J·e_i⟩ for the tangent e_i, 1 at i and 0 elsewhere (the
    dot-product identity, once per entry)."""
    from diffType import diffType
    values = [np.asarray(x, dtype=np.float64) for x in operands]
    grad = np.asarray(grad, dtype=np.float64)
    adjoints = []
    for k, x in enumerate(values):
        adjoint = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            tangent = np.zeros(x.shape)
            tangent[index] = 1.0
            dual = diffType(x, tangent) if x.ndim else diffType(float(x), 1.0)
            jvp = function(*(dual if j == k else y for j, y in enumerate(values))).dvalue
            adjoint[index] = np.sum(grad * jvp)
        adjoints.append(adjoint)
    return adjoints


def _check_vjps(name, vjps_of, function, operands, rng, hints):
    """Run vjps_of(*operands), then each VJP on a random adjoint of the result; judge each share
    against forward mode, and that nothing the answer was given changed."""
    result = np.asarray(function(*operands))
    grad = rng.normal(size=result.shape).astype(result.dtype)
    if result.ndim == 0:
        grad = np.asarray(grad, dtype=result.dtype)
    labels = "xyw"[:len(operands)] if name != "matmul" else "xw"
    described = ", ".join(f"{label} {_describe(x)}" for label, x in zip(labels, operands))
    call = f"{name}_vjps({described})"
    given = {label: x for label, x in zip(labels, operands) if isinstance(x, np.ndarray)}
    kept = _snapshot(given)
    vjps = _run(call, hints["call"], vjps_of, *operands)
    _unchanged(call, given, kept)
    assert isinstance(vjps, (tuple, list)) and len(vjps) == len(operands) and all(
        callable(vjp) for vjp in vjps), (
        f"{call} returns {vjps!r:.80}. Hint: return a tuple of {len(operands)} function(s), one "
        "VJP per operand, each mapping the result's adjoint to that operand's share")
    expected = _adjoints_by_forward_mode(function, operands, grad)
    for label, vjp, operand, reference in zip(labels, vjps, operands, expected):
        what = f"{call}: the VJP for {label}"
        grad_kept = grad.copy()
        number = "" if isinstance(operand, np.ndarray) else (
            f"; here {label} is {_describe(operand)}: np.shape gives numbers' shapes too")
        share = _run(what, hints[label] + number, vjp, grad)
        _unchanged(what, {"adjoint grad": grad, **given}, [grad_kept, *kept])
        _judge_adjoint(what, share, operand, grad, reference, hints[label], hints["shape"])


# --- Exercise 5.1 ---------------------------------------------------------------------------------

@exercise("5.1", "broadcasting copies a value, so its adjoint sums over the copies.")
def exercise_5_1(unbroadcast):
    """unbroadcast(grad, shape) against PyTorch's adjoint of broadcast_to: nothing to do, prepended
    axes, stretched axes (alone, in the middle, several, behind prepended ones), down to a scalar;
    float64 and float32, which must stay float32; exact shapes; grad unchanged."""
    import torch
    rng = np.random.default_rng(51)
    cases = [((5, 3), (5, 3)), ((5, 3), (3,)), ((5, 3), (5, 1)), ((5, 3), (1, 3)),
             ((2, 4, 3), (4, 1)), ((4, 3), ()), ((3, 4, 5), (1, 5)), ((2, 3, 4), (3, 1)),
             ((2, 3, 4), (2, 1, 4)), ((6,), (1,)), ((2, 1, 3), (1, 1, 3)), ((3, 2, 5), (1, 1))]
    hint = ("broadcasting prepends axes and stretches axes of length 1; the adjoint sums over "
            "exactly those axes, so that it gets the operand's shape back")
    for dtype in (np.float64, np.float32):
        for grad_shape, shape in cases:
            grad = rng.normal(size=grad_shape).astype(dtype)
            x = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
            torch.broadcast_to(x, grad_shape).backward(torch.from_numpy(grad.astype(np.float64)))
            what = f"unbroadcast({_describe(grad)}, {shape})"
            kept = grad.copy()
            mine = _run(what, hint, unbroadcast, grad, shape)
            _unchanged(what, {"grad": grad}, [kept])
            assert isinstance(mine, (np.ndarray, np.generic)), (
                f"{what} returns {type(mine).__name__}. Hint: return a numpy array")
            assert np.shape(mine) == shape, (
                f"{what} has shape {np.shape(mine)}; it must have shape {shape}. Hint: {hint}")
            assert np.asarray(mine).dtype == dtype, (
                f"{what} returns {np.asarray(mine).dtype}. Hint: keep grad's dtype: a float32 "
                "adjoint stays float32")
            tolerance = 1e-12 if dtype == np.float64 else 1e-5
            assert np.allclose(mine, x.grad.numpy(), rtol=tolerance, atol=tolerance), (
                f"{what}: right shape, wrong values. Hint: each entry must collect every entry of "
                "grad that broadcasting copied it to, added up")


# --- Exercises 5.2 and 5.3: the rules -------------------------------------------------------------

@exercise("5.2", "a sum passes the adjoint on, a product swaps in the other factor.")
def exercise_5_2(add_vjps, mul_vjps):
    """add_vjps and mul_vjps by the dot-product test against diffType, entry by entry: equal shapes,
    broadcasting both ways, a 0-d operand, int, float and zero Python constants, zeros as operands,
    float32 operands (float32 shares); operands and the adjoint unchanged; exact shapes."""
    rng = np.random.default_rng(52)
    zeros_somewhere = rng.normal(size=(4, 3))
    zeros_somewhere[0] = 0.0
    cases = [  # x, y
        (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))),
        (rng.normal(size=(4, 3)), rng.normal(size=(3,))),  # y broadcast over the rows
        (rng.normal(size=(4, 1)), rng.normal(size=(1, 3))),  # both stretched
        (np.asarray(rng.normal()), rng.normal(size=(2, 3))),  # a 0-d array
        (rng.normal(size=(2, 3)), -1.0),  # a Python float, as in neg(x) = x * (-1.0)
        (rng.normal(size=(2, 3)), 2),  # a Python int
        (rng.normal(size=(3,)), 0.0),  # 0 as an operand
        (zeros_somewhere, np.zeros(3)),
        (rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)),
        (rng.normal(size=(2, 3)).astype(np.float32), 3.0),
    ]
    broadcast = ": a share of a broadcast operand sums over the axes that broadcasting added"
    rules = {"add": (add_vjps, np.add, {
        "call": "add_vjps(x, y) returns the two VJPs; np.shape works for numbers and arrays",
        "x": DOT_PRODUCT_TEST, "y": DOT_PRODUCT_TEST, "shape": broadcast}),
        "mul": (mul_vjps, np.multiply, {
            "call": "mul_vjps(x, y) returns the two VJPs; np.shape works for numbers and arrays",
            "x": DOT_PRODUCT_TEST, "y": DOT_PRODUCT_TEST, "shape": broadcast})}
    for name, (vjps_of, function, hints) in rules.items():
        for x, y in cases:
            _check_vjps(name, vjps_of, function, (x, y), rng, hints)


@exercise("5.3", "the matrix product's VJPs are matrix products, ReLU's is a gate.")
def exercise_5_3(matmul_vjps, relu_vjps):
    """matmul_vjps by the dot-product test against diffType: square and oblong, a batch of one and a
    single image (k,), zeros, float32; relu_vjps likewise, with kinks reached exactly (slope 0
    there), negative inputs, float32; operands and the adjoint unchanged; exact shapes."""
    rng = np.random.default_rng(53)
    matmul_hints = {"call": "matmul_vjps(x, w) returns two VJPs",
                    "x": DOT_PRODUCT_TEST + "; x̄ has the shape of x",
                    "w": DOT_PRODUCT_TEST + "; w̄ has the shape of w, also for a single image x",
                    "shape": ": the shapes leave one way to combine the adjoint with the other "
                             "operand"}
    for x_shape, w_shape, dtype in [((3, 3), (3, 3), np.float64), ((4, 3), (3, 2), np.float64),
                                    ((3,), (3, 2), np.float64), ((1, 5), (5, 4), np.float64),
                                    ((4, 3), (3, 2), np.float32), ((5,), (5, 3), np.float32)]:
        x, w = (rng.normal(size=shape).astype(dtype) for shape in (x_shape, w_shape))
        _check_vjps("matmul", matmul_vjps, np.matmul, (x, w), rng, matmul_hints)
    x = np.zeros((2, 3))  # a zero operand: w̄ = 0
    _check_vjps("matmul", matmul_vjps, np.matmul, (x, rng.normal(size=(3, 4))), rng, matmul_hints)

    def relu(x):
        return np.maximum(0, x)

    relu_hints = {"call": "relu_vjps(x) returns a tuple of one VJP: (vjp,)",
                  "x": "ReLU's tangent rule multiplies ẋ by the slope of max(0, x) at the input "
                       "x (the course takes 0 at the kink x = 0); its VJP transposes that rule",
                  "shape": ": the mask has the shape of x"}
    for shape, dtype in [((4, 5), np.float64), ((7,), np.float64), ((3, 4), np.float32)]:
        x = rng.normal(size=shape).astype(dtype)
        x.flat[:2] = 0.0  # two kinks, reached exactly
        _check_vjps("relu", relu_vjps, relu, (x,), rng, relu_hints)
        grad = np.ones_like(x)
        kink_share = _run("relu_vjps(x)[0](grad) at the kinks", relu_hints["x"],
                          lambda: relu_vjps(x)[0](grad))
        assert np.all(np.asarray(kink_share).flat[:2] == 0), (
            "ReLU's VJP lets the adjoint through at the kink x = 0. Hint: at x = 0 the course "
            "takes the slope 0, as notebook 00 and PyTorch do: block the adjoint there")


# --- Exercise 5.4: backward -----------------------------------------------------------------------

def _reused(x):
    """x is used three times: its adjoint collects every contribution."""
    return x * x + x


def _diamond(x, y):
    """u feeds two branches that meet again."""
    u = x * y
    return (u + x) * (u - y)


def _short_and_long(x, w):
    """u reaches the result directly and through two products."""
    u = x @ w
    return u + (u * u) * u


def _graph_nodes(result):
    """Every node that result depends on, result included, each once."""
    found, todo = {}, [result]
    while todo:
        node = todo.pop()
        if id(node) not in found:
            found[id(node)] = node
            todo.extend(parent for parent, _ in node.parents)
    return list(found.values())


class _CountedParents(tuple):
    """A node's ((parent, vjp), ...), which counts how often it is read: a visit of the node.
    Past the limit it stops the answer with a verdict: the walk grows faster than the graph."""

    def __new__(cls, pairs, visits, limit, verdict):
        counted = super().__new__(cls, pairs)
        counted.visits, counted.limit, counted.verdict = visits, limit, verdict
        return counted

    def _visit(self):
        self.visits["parents"] += 1
        if self.visits["parents"] > self.limit:
            raise CheckFailed(self.verdict)

    def __iter__(self):
        self._visit()
        return super().__iter__()

    def __getitem__(self, index):
        self._visit()
        return super().__getitem__(index)


@contextlib.contextmanager
def _watched(what, result, visit_limit=None):
    """Inside the block, result's graph is watched: each VJP must run once, only when every node
    that uses its node has sent its share (its .grad is complete); its share is read-only, since
    other nodes may hold the very same array; reading the parents counts as a visit. Yields the
    counts: 'calls' per edge, 'parents' visits."""
    nodes = _graph_nodes(result)
    users = Counter(id(parent) for node in nodes for parent, _ in node.parents)
    shares, calls, counts = Counter(), Counter(), Counter()
    limit = visit_limit or 10**9
    verdict = (f"{what} reads the parents of the graph's {len(nodes)} nodes more than {limit} "
               "times: the work grows with the number of paths, not of nodes. Hint: meet every "
               "node once: remember the nodes you have met (visited), and walk each node's "
               "parents only at the first meeting")

    def watch(node, parent, vjp, edge):
        def watched_vjp(grad):
            if shares[id(node)] != users[id(node)]:
                raise CheckFailed(
                    f"{what}: a node passed on its .grad before every node that uses it had sent "
                    "its share. Hint: walk the topological order backwards, so that a node comes "
                    "up only after all the nodes computed from it")
            calls[edge] += 1
            if calls[edge] > 1:
                raise CheckFailed(
                    f"{what}: a VJP ran twice in one backward pass. Hint: each node passes on its "
                    "complete .grad once, to each of its parents")
            shares[id(parent)] += 1
            share = vjp(grad)
            if isinstance(share, np.ndarray):
                share.flags.writeable = False  # so that += on it fails
            return share
        return watched_vjp

    originals, edges = {id(node): node.parents for node in nodes}, 0
    for node in nodes:
        pairs = []
        for parent, vjp in node.parents:
            pairs.append((parent, watch(node, parent, vjp, edges)))
            edges += 1
        node.parents = _CountedParents(pairs, counts, limit, verdict)
    try:
        yield calls, counts, edges
    finally:
        for node in nodes:
            node.parents = originals[id(node)]


def _judge_order(what, order, result):
    """order lists each node of result's graph once, after its parents."""
    nodes = _graph_nodes(result)
    hint = ("a depth-first search appends a node after all of its parents, and skips a node it "
            "has met before")
    assert isinstance(order, list), (
        f"{what} returns {type(order).__name__}. Hint: return the list order")
    listed = {id(node) for node in order}
    assert len(order) == len(nodes) and listed == {id(node) for node in nodes}, (
        f"{what} lists {len(order)} entries ({len(listed)} distinct) for a graph of "
        f"{len(nodes)} nodes. Hint: list every node once; {hint}")
    place = {id(node): i for i, node in enumerate(order)}
    edges = [(parent, node) for node in order for parent, _ in node.parents]
    assert all(place[id(parent)] < place[id(node)] for parent, node in edges), (
        f"{what} lists a node before one of its parents. Hint: {hint}")


@exercise("5.4", "topological order, accumulation, a fresh start: that is backward().")
def exercise_5_4(Node, topological_order, backward):
    """topological_order lists each node once, after its parents, and visits a deep chain of
    diamonds (2⁴⁰ paths) in linear time; backward, with every VJP watched (once, when its node's
    .grad is complete; shares read-only), matches PyTorch on graphs that reuse nodes, twice on the
    same graph with other adjoints, with a float32 graph giving float32 adjoints; the caller's
    adjoint unchanged."""
    import torch
    rng = np.random.default_rng(54)
    order_hint = "topological_order(node, [], set()) returns the list of nodes it appended"
    graphs = [(_reused, [()], "x·x + x (x used three times)"),
              (_diamond, [(2, 3), (3,)], "(u + x)·(u − y) with u = x·y (a diamond)"),
              (_short_and_long, [(2, 3), (3, 3)], "u + (u·u)·u with u = x @ w (a short and a "
                                                  "long path)")]
    for f, shapes, graph in graphs:
        inputs = [rng.normal(size=shape) for shape in shapes]
        nodes = [Node(x) for x in inputs]
        leaves = [torch.tensor(x, requires_grad=True) for x in inputs]
        result, reference = f(*nodes), f(*leaves)
        what = f"topological_order on {graph}"
        with _watched(what, result):
            order = attempt(what, order_hint, topological_order, result, [], set())
        _judge_order(what, order, result)

        for call, seed in enumerate([None, rng.normal(size=tuple(reference.shape))]):
            torch_seed = torch.ones_like(reference) if seed is None else torch.tensor(seed)
            wanted = torch.autograd.grad(reference, leaves, torch_seed, retain_graph=True)
            what = (f"backward() on {graph}" if seed is None else
                    f"a second call, backward(grad), on {graph}")
            hint = ("backward() starts from ones, ∂y/∂y = 1; walk the order backwards and add "
                    "each share to its parent's .grad" if seed is None else
                    "grad=None stands for ones; any other grad is the result's adjoint, an array: "
                    "ask `grad is None`, since numpy gives no array a single truth value")
            _backward_watched(what, hint, backward, result, seed)
            for node, expected in zip(nodes, wanted):
                assert node.grad is not None, (
                    f"{what}: an input got no .grad. Hint: every node that the result depends on "
                    "gets its adjoint, the inputs too")
                again = ("start afresh: every .grad of the graph is cleared at each call, then "
                         "filled by this call's shares alone")
                assert np.allclose(node.grad, expected.numpy(), rtol=1e-12, atol=1e-14), (
                    f"{what}: wrong adjoints. Hint: " + (
                        "a node's adjoint is the sum of the shares of every node that uses it, "
                        "each computed from that node's complete .grad" if call == 0 else again))

    # Cost: a chain of 40 diamonds, u → (u·½, u·½) → their sum, has 2⁴⁰ paths but 121 nodes.
    depth = 40
    x = Node(np.array(1.5))
    u = x
    for _ in range(depth):
        u = u * 0.5 + u * 0.5
    n_nodes = 3 * depth + 1
    what = f"topological_order on a chain of {depth} diamonds ({n_nodes} nodes, 2⁴⁰ paths)"
    with _watched(what, u, visit_limit=4 * n_nodes):
        order = attempt(what, order_hint, topological_order, u, [], set())
    _judge_order(what, order, u)
    what = f"backward() on a chain of {depth} diamonds ({n_nodes} nodes, 2⁴⁰ paths)"
    _backward_watched(what, "one walk over the topological order", backward, u, None,
                      visit_limit=8 * n_nodes)
    assert x.grad is not None and np.isclose(x.grad, 1.0, rtol=1e-12), (
        f"{what}: ∂u/∂x must be 1, not {x.grad}. Hint: every path adds its share")

    # float32 in, float32 adjoints out; and a seed that the caller keeps
    inputs = [rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)]
    nodes = [Node(x) for x in inputs]
    result = _diamond(*nodes)
    for seed in (None, rng.normal(size=(2, 3)).astype(np.float32)):
        what = f"backward({'' if seed is None else 'grad'}) on a float32 graph"
        kept = None if seed is None else seed.copy()
        _backward_watched(what, "the default adjoint of the result has its shape and dtype",
                          backward, result, seed)
        if seed is not None:
            _unchanged(what, {"grad": seed}, [kept])
        for node in nodes:
            assert node.grad is not None and np.asarray(node.grad).dtype == np.float32, (
                f"{what} gives {np.asarray(node.grad).dtype} adjoints. Hint: float32 values give "
                "float32 adjoints: the default adjoint of the result has the result's shape and "
                "dtype")


def _backward_watched(what, hint, backward, result, seed, visit_limit=None):
    """backward(result, seed) under watch; an adjoint changed in place becomes a verdict."""
    def run():
        try:
            backward(result) if seed is None else backward(result, seed)
        except ValueError as error:
            if "read-only" not in str(error):
                raise
            raise CheckFailed(f"{what} changed an adjoint in place. Hint: add with +, not +=: "
                              "two nodes may hold the very same array") from None

    with _watched(what, result, visit_limit) as (calls, _, edges):
        attempt(what, hint, run)
    assert all(calls[edge] == 1 for edge in range(edges)), (
        f"{what}: {sum(calls[edge] == 0 for edge in range(edges))} of the graph's {edges} VJPs "
        "never ran. Hint: every node passes its .grad on to each of its parents")


# --- Exercise 5.5: the gradient of the loss -------------------------------------------------------

def _loss_gradient_by_forward_mode(scores, labels):
    """∂L/∂scores of the mean cross-entropy, in float64, one diffType pass per entry: the loss is
    written with operations that diffType knows (log Σ exp as a product with ones, the label's
    score as a product with one-hot rows)."""
    from diffType import diffType
    scores = np.asarray(scores, dtype=np.float64)
    n, classes = scores.shape
    one_hot = (labels.reshape(-1, 1) == np.arange(classes)).astype(np.float64)
    shift = scores.max(axis=1, keepdims=True)  # a constant per row: it cancels, keeps exp finite

    def loss(o):
        shifted = o - shift
        log_sums = np.log(np.exp(shifted) @ np.ones(classes))
        return (log_sums - (shifted * one_hot) @ np.ones(classes)) @ np.ones(n) / n

    gradient = np.zeros_like(scores)
    for index in np.ndindex(scores.shape):
        tangent = np.zeros_like(scores)
        tangent[index] = 1.0
        gradient[index] = loss(diffType(scores, tangent)).dvalue
    return gradient


@exercise("5.5", "softmax minus one-hot, over n.")
def exercise_5_5(cross_entropy_grad):
    """cross_entropy_grad against forward mode (diffType on the loss, one pass per score): 10 and 3
    classes, batches of 6, 5 and 1, scores of 1000 and more (no overflow), float32 scores (float32
    gradient); the scores and the labels unchanged; the exact shape; rows that sum to 0."""
    rng = np.random.default_rng(55)
    hint = ("differentiate one row's loss by one score o_rk: the label's term, then log Σ exp; "
            "the mean divides by n")
    for n, classes, dtype, large in [(6, 10, np.float64, True), (5, 3, np.float64, False),
                                     (1, 10, np.float64, False), (6, 10, np.float32, True),
                                     (4, 3, np.float32, False)]:
        scores = (3 * rng.normal(size=(n, classes))).astype(dtype)
        labels = rng.integers(0, classes, size=n)
        labels[0] = classes - 1  # the last class too
        if large:
            scores[0] += 1000.0  # e^1000 overflows float64 unless the exponents are kept small
        what = f"cross_entropy_grad({_describe(scores)}, labels of shape {labels.shape})"
        given = {"scores": scores, "labels": labels}
        kept = _snapshot(given)
        mine = _run(what, hint, cross_entropy_grad, scores, labels)
        _unchanged(what, given, kept)
        assert isinstance(mine, np.ndarray) and mine.shape == scores.shape, (
            f"{what} returns "
            f"{_describe(mine) if isinstance(mine, np.ndarray) else type(mine).__name__}. "
            f"Hint: ∂L/∂scores has the scores' shape {scores.shape}: one entry per score")
        assert mine.dtype == dtype, (
            f"{what} returns {mine.dtype}. Hint: float32 scores give a float32 gradient: compute "
            "in the scores' dtype")
        assert np.all(np.isfinite(mine)), (
            f"{what} is not finite{' for scores of 1000 and more' if large else ''}. Hint: "
            "e^1000 overflows; adding one number to every score of a row changes no loss, so "
            "choose it to keep every exponent at most 0")
        assert np.allclose(mine.sum(axis=1), 0, atol=1e-12 if dtype == np.float64 else 1e-6), (
            f"{what}: a row of the gradient does not sum to 0. Hint: adding one number to every "
            "score of a row changes no loss, so the row's derivatives must sum to 0")
        _judge_values(what, mine.astype(np.float64), _loss_gradient_by_forward_mode(scores, labels),
                      dtype, hint + " (the forward-mode derivative is ⟨z̄, J·ẋ⟩ with z̄ = 1)")


# --- Exercise 5.6: the Jacobian both ways ---------------------------------------------------------

def _random_network(rng, n_in, n_hidden, n_out):
    """Random parameters v, w, a, b of the course's network at another size."""
    import coursekit
    shapes = coursekit.Parameters(v=(n_hidden, n_out), w=(n_in, n_hidden), a=n_hidden, b=n_out)
    return shapes.map(lambda shape: rng.normal(size=shape))


@contextlib.contextmanager
def _passes_counted(Node, image, network):
    """Inside the block, count an answer's passes by what they create, whatever names it calls:
    'forward mode', diffTypes built on the pixels (one per seeded pass); 'forward', nodes computed
    from a node of the pixels (p @ w: one per recorded pass); 'backward', adjoints that reach that
    node (one per backward pass); 'parameter nodes', nodes made of a parameter."""
    from diffType import diffType
    counts = Counter()
    plain_dual_init, plain_node_init = diffType.__init__, Node.__init__

    def holds(node, array):  # also reshaped, as a batch of one image: p[None]
        return np.size(node.value) == np.size(array) and np.array_equal(
            np.ravel(node.value), np.ravel(array))

    def counted(vjp):
        def counted_vjp(grad):
            counts["backward"] += 1
            return vjp(grad)
        return counted_vjp

    def dual_init(self, value, *args, **kwargs):
        plain_dual_init(self, value, *args, **kwargs)
        counts["forward mode"] += np.size(self.value) == image.size  # also p[None]

    def node_init(self, *args, **kwargs):
        plain_node_init(self, *args, **kwargs)
        if not self.parents:
            counts["parameter nodes"] += any(holds(self, x) for x in network)
            return
        pairs = []
        for parent, vjp in self.parents:
            if not parent.parents and holds(parent, image):
                counts["forward"] += 1
                vjp = counted(vjp)
            pairs.append((parent, vjp))
        self.parents = tuple(pairs)

    with mock.patch.object(diffType, "__init__", dual_init), \
            mock.patch.object(Node, "__init__", node_init):
        yield counts


@exercise("5.6", "a column per forward pass, a row per backward pass, one Jacobian.")
def exercise_5_6(jacobian_forward, jacobian_reverse, Node):
    """Both Jacobians against PyTorch's on two random networks (4 and 5 scores), with PyTorch
    switched off while they run; the exact shape (scores, pixels); the pixels and the parameters
    unchanged; the cost: one forward-mode pass per pixel, and for reverse mode one recorded pass,
    one backward pass per score, and the parameters left as constants."""
    import torch

    import coursekit
    rng = np.random.default_rng(56)
    hints = {"forward": "one pass of forward per pixel, with a one-hot tangent on p; each pass "
                        "gives the derivatives of all scores by that pixel",
             "reverse": "one forward with p as a Node, then one backward per score with a "
                        "one-hot adjoint; read p's .grad after each backward"}
    for n_in, n_hidden, n_out in [(12, 9, 4), (7, 6, 5)]:
        network, image = _random_network(rng, n_in, n_hidden, n_out), rng.normal(size=n_in)
        reference = torch.autograd.functional.jacobian(
            lambda x: coursekit.forward_torch(x, *network.map(torch.from_numpy)),
            torch.from_numpy(image)).numpy()
        given = {"p": image, **network._asdict()}
        for mode, jacobian in [("forward", jacobian_forward), ("reverse", jacobian_reverse)]:
            what = f"jacobian_{mode}(p, parameters) for {n_out} scores and {n_in} pixels"
            kept = _snapshot(given)
            with _passes_counted(Node, image, network) as counts:
                mine = _run(what, hints[mode], jacobian, image, network)
            _unchanged(what, given, kept)
            if mode == "forward":
                assert counts["forward mode"] == n_in, (
                    f"{what} made {counts['forward mode']} forward-mode passes (diffTypes on the "
                    f"pixels). Hint: a pass with a one-hot tangent on one pixel gives one column; "
                    f"the Jacobian has {n_in}")
            else:
                _judge_reverse_cost(what, counts, n_out)
            assert isinstance(mine, np.ndarray) and mine.shape == reference.shape, (
                f"{what} returns "
                f"{_describe(mine) if isinstance(mine, np.ndarray) else type(mine).__name__}. "
                f"Hint: one row per score and one column per pixel: shape {reference.shape}")
            error = np.max(np.abs(mine - reference)) / np.max(np.abs(reference))
            assert error < 1e-12, (
                f"{what}: right shape, wrong values. Hint: each pass seeds exactly one entry (a "
                "one-hot tangent or adjoint), another each time, and gives that entry's column "
                "or row")


def _judge_reverse_cost(what, counts, n_scores):
    """Reverse mode's cost: one recorded pass, one backward pass per score, parameters constant."""
    assert counts["parameter nodes"] == 0, (
        f"{what} made parameters into nodes: every backward pass then computes their adjoints "
        "too, which this Jacobian does not need. Hint: only p is a node; the parameters stay "
        "plain arrays, constants")
    assert counts["forward"] >= 1, (
        f"{what} recorded no graph on the pixels. Hint: reverse mode runs forward once on "
        "Node(p), then backward passes on that graph")
    assert counts["forward"] <= 2, (
        f"{what} recorded {counts['forward']} forward passes. Hint: one recorded forward pass "
        "serves every backward pass: each backward starts afresh on the same graph")
    assert counts["backward"] == n_scores, (
        f"{what} ran {counts['backward']} backward passes for {n_scores} scores. Hint: one "
        "backward pass with a one-hot adjoint gives one row of the Jacobian")


# --- Exercise 5.7: which mode is cheaper ----------------------------------------------------------

def _is_count(x):
    """A whole number of Python's or numpy's integer types; neither a float nor a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


@exercise("5.7", "the mode with fewer passes wins, by far.")
def exercise_5_7(passes_per_mode, cheaper_mode, time_modes, jacobian_forward, jacobian_reverse):
    """passes_per_mode and cheaper_mode on Jacobians wide and tall, of one row (a gradient) and
    one column, small and large; time_modes on a smaller network, with each mode's function
    counted: every mode timed with measure, each Timing under its own mode's name (its calls per
    repeat at most the calls that function got), on the p and parameters given. No seconds are
    compared with a clock."""
    import coursekit
    passes_hint = ("read the counts off the shape (outputs, inputs): what does one pass of each "
                   "mode give, a row or a column of the Jacobian?")
    for shape in [(10, 784), (3, 5), (7, 2), (784, 10), (1, 623_290), (623_290, 1), (4, 4)]:
        what = f"passes_per_mode({shape})"
        passes = attempt(what, passes_hint, passes_per_mode, shape)
        assert isinstance(passes, dict) and set(passes) == {"forward", "reverse"}, (
            f"{what} returns {passes!r:.80}. Hint: return a dict with the keys 'forward' and "
            "'reverse'")
        assert all(_is_count(count) for count in passes.values()), (
            f"{what} returns {passes}. Hint: a number of passes is a whole number, an int")
        rows, columns = shape
        assert passes == {"forward": columns, "reverse": rows}, (
            f"{what} returns {passes}. Hint: " + (
                "the counts are swapped: which mode gives a column per pass, which a row?"
                if passes == {"forward": rows, "reverse": columns} else passes_hint))
        if rows != columns:
            what = f"cheaper_mode({shape})"
            mode = attempt(what, "the mode that needs fewer passes", cheaper_mode, shape)
            assert mode == ("reverse" if rows < columns else "forward"), (
                f"{what} returns {mode!r}. Hint: each pass of either mode costs a few forward "
                "passes of the network: the mode that needs fewer passes is cheaper")

    rng = np.random.default_rng(57)
    network, image = _random_network(rng, 120, 16, 3), rng.normal(size=120)
    calls, strangers = Counter(), set()

    def counted(mode, jacobian):
        def timed_jacobian(p, parameters):
            calls[mode] += 1
            if not (np.array_equal(p, image) and all(
                    np.array_equal(x, y) for x, y in zip(parameters, network))):
                strangers.add(mode)
            return jacobian(p, parameters)
        return timed_jacobian

    jacobians = {"forward": counted("forward", jacobian_forward),
                 "reverse": counted("reverse", jacobian_reverse)}
    what = "time_modes(jacobians, p, parameters) on a network of 120 pixels and 3 scores"
    timings = attempt(what, "measure(lambda: ...) times one function; do that for each mode",
                      time_modes, jacobians, image, network)
    assert isinstance(timings, dict) and set(timings) == set(jacobians), (
        f"{what} returns {timings!r:.80}. Hint: return a dict with the same keys as jacobians")
    for mode, timing in timings.items():
        assert isinstance(timing, coursekit.Timing), (
            f"{what}: under {mode!r} it returns {timing!r:.60}, not a Timing. Hint: time with "
            "measure and return what it returns: a Timing, with its median, best, worst and "
            "calls per repeat")
        assert calls[mode] >= 1, (
            f"{what} never called jacobians[{mode!r}]. Hint: time each mode's own function, "
            "jacobians[mode]")
        assert mode not in strangers, (
            f"{what} called jacobians[{mode!r}] on other arguments than those it was given. "
            "Hint: time jacobians[mode](p, parameters), with time_modes's own p and parameters")
        assert timing.calls <= calls[mode], (
            f"{what}: the Timing under {mode!r} counts {timing.calls} calls per repeat, but "
            f"jacobians[{mode!r}] ran only {calls[mode]} times: it is another function's Timing. "
            "Hint: store each mode's Timing under its own name")
        assert 0 < timing.best <= timing.median <= timing.worst, (
            f"{what}: the Timing under {mode!r} is {timing}, not a measurement. Hint: return "
            "what measure returns")
