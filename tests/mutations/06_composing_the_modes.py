"""Wrong and right answers to notebook 06's exercises: tests/test_mutations.py proves that each check
rejects every wrong answer with a hint and passes every right one written otherwise."""

MUL_PARTS = "(a, da), (b, db) = along(self, tag), along(other, tag)"
HVP_BODY = """node = Node(diffType(x, u))  # every value downstream carries its tangent along u
    f(node).backward()
    if not isinstance(node.grad, diffType):  # a gradient that does not depend on x: H = 0
        return np.zeros_like(x)
    return node.grad.dvalue"""
CG_TEST = """        if np.sqrt(rr) <= tolerance * np.sqrt(np.vdot(b, b)):
            break
"""
CG_LOOP = CG_TEST + """        hp = apply_hessian(p)
        alpha = rr / np.vdot(p, hp)  # the minimum of q along p
        s, r = s + alpha * p, r - alpha * hp
        rr, rr_before = np.vdot(r, r), rr
        p = r + (rr / rr_before) * p  # conjugate to the earlier directions
"""
FIRST_VJP = """                if not adjoints:  # the first VJP of this backward pass
                    replay(grad)
                return adjoints.pop(i)"""

MUTATIONS = {
    "6.1": [
        ("untagged arithmetic: each operand's own parts, whatever its tag", MUL_PARTS,
         "(a, da), (b, db) = ((z.value, z.tangent) if isinstance(z, Tagged) else (z, 0.0)\n"
         "                        for z in (self, other))"),
        ("the oldest tag outermost instead of the newest", "tag = newest_tag(self, other)",
         "tag = min(z.tag for z in (self, other) if isinstance(z, Tagged))"),
        ("self's tag, whatever other carries", "tag = newest_tag(self, other)", "tag = self.tag"),
        ("the sum's tangent missing a term", "da + db", "da"),
        ("the product rule missing a term", "da * b + a * db", "da * b"),
        ("the tangents multiplied", "da * b + a * db", "da * db"),
        ("the same tag for every derivative call", "tag = next(fresh_tags)", "tag = 1"),
        ("the tangent read without its tag", "return along(f(Tagged(x, 1.0, tag)), tag)[1]",
         "return f(Tagged(x, 1.0, tag)).tangent"),
        ("the value instead of the tangent", "tag)), tag)[1]", "tag)), tag)[0]"),
        ("a zero seed", "Tagged(x, 1.0, tag)", "Tagged(x, 0.0, tag)"),
        ("the left operand changed in place", "return Tagged(a * b, da * b + a * db, tag)",
         "self.value, self.tangent, self.tag = a * b, da * b + a * db, tag\n    return self"),
    ],
    "6.2": [
        ("forgotten tangent: x seeded with 0", "Node(diffType(x, u))", "Node(diffType(x, 0 * u))"),
        ("the gradient instead of its tangent", "return node.grad.dvalue",
         "return node.grad.value"),
        ("x and u swapped", "diffType(x, u)", "diffType(u, x)"),
        ("a sign error", "return node.grad.dvalue", "return -node.grad.dvalue"),
        ("transposed", "return node.grad.dvalue", "return node.grad.dvalue.T"),
        ("a linear f not handled",
         "    if not isinstance(node.grad, diffType):  # a gradient that does not depend on x: "
         "H = 0\n        return np.zeros_like(x)\n", ""),
        ("the gradient itself for a linear f", "return np.zeros_like(x)", "return node.grad"),
        ("u normalized", "diffType(x, u)", "diffType(x, u / np.linalg.norm(u))"),
        ("a finite difference of gradients", HVP_BODY,
         "h = 1e-6\n    plus, minus = Node(x + h * u), Node(x - h * u)\n    f(plus).backward()\n"
         "    f(minus).backward()\n    return (plus.grad - minus.grad) / (2 * h)"),
        ("the Hessian column by column, then times u (n passes)", HVP_BODY,
         "columns = []\n    for i in range(x.size):\n"
         "        node = Node(diffType(x, np.eye(x.size)[i].reshape(x.shape).astype(x.dtype)))\n"
         "        f(node).backward()\n"
         "        columns.append(np.ravel(getattr(node.grad, 'dvalue', np.zeros_like(x))))\n"
         "    return (np.array(columns).T @ u.ravel()).reshape(x.shape).astype(x.dtype)"),
    ],
    "6.3": [
        ("the residual updated with the wrong sign", "r - alpha * hp", "r + alpha * hp"),
        ("β of 1: the new residual over itself", "(rr / rr_before)", "(rr / rr)"),
        ("steepest descent: no conjugation", "p = r + (rr / rr_before) * p", "p = r.copy()"),
        ("α without H", "alpha = rr / np.vdot(p, hp)", "alpha = rr / np.vdot(p, p)"),
        ("no stopping test: always max_steps products", CG_TEST, ""),
        ("the residual recomputed with a second product each step",
         "s, r = s + alpha * p, r - alpha * hp", "s = s + alpha * p\n        r = b - apply_hessian(s)"),
        ("a matrix product as the inner product", "p, rr = r.copy(), np.vdot(r, r)",
         "p, rr = r.copy(), r @ r"),
        ("r is b itself, updated in place",
         "s, r = np.zeros_like(b), b.copy()  # at s = 0 the residual b − H s is b\n"
         "    p, rr = r.copy(), np.vdot(r, r)\n    for _ in range(max_steps):\n" + CG_LOOP,
         "s, r = np.zeros_like(b), b\n    p, rr = r.copy(), np.vdot(r, r)\n"
         "    for _ in range(max_steps):\n" + CG_LOOP.replace("s, r = s + alpha * p, r - alpha * hp",
                           "s = s + alpha * p\n        r -= alpha * hp")),
        ("an absolute tolerance", "tolerance * np.sqrt(np.vdot(b, b))", "tolerance"),
        ("the tolerance tested after the step: 0/0 for b = 0", CG_LOOP,
         CG_LOOP.replace(CG_TEST, "") + CG_TEST),
        ("the residual returned instead of s", "    return s\n    ### END", "    return r\n    ### END"),
        ("a start at s = b with the residual of s = 0",
         "s, r = np.zeros_like(b), b.copy()", "s, r = b.copy(), b.copy()"),
    ],
    "6.4": [
        ("no checkpoint: the whole graph recorded and kept",
         "return apply(segment, vjps_of, *operands)", "return segment(*operands)"),
        ("the result as plain values, not a node", "return apply(segment, vjps_of, *operands)",
         "return segment(*[x.value if isinstance(x, Node) else x for x in operands])"),
        ("one replay per operand", FIRST_VJP, "                replay(grad)\n"
                                              "                return adjoints.pop(i)"),
        ("the constants made nodes in the replay",
         "inputs = [Node(v) if isinstance(x, Node) else v for x, v in zip(operands, values)]",
         "inputs = [Node(v) for v in values]"),
        ("the adjoint not passed on: backward from ones", "segment(*inputs).backward(grad)",
         "segment(*inputs).backward()"),
        ("another operand's adjoint", "return adjoints.pop(i)", "return adjoints.popitem()[1]"),
        ("the adjoints kept after a pass: the next pass gets the last one's",
         "return adjoints.pop(i)", "return adjoints[i]"),
        ("the graph recorded in the forward pass as well, for the backward pass",
         "adjoints = {}  # operand index: its adjoint, from this backward pass's replay",
         "adjoints = {}\n        recorded = segment(*operands)  # kept for the backward pass"),
    ],
}

ACCEPTED = {
    "6.1": [
        ("the sum in another order", "return Tagged(a + b, da + db, tag)",
         "return Tagged(b + a, db + da, tag)"),
        ("the parts on two lines, the product rule in another order",
         MUL_PARTS + "\n    return Tagged(a * b, da * b + a * db, tag)",
         "a, da = along(self, tag)\n    b, db = along(other, tag)\n"
         "    return Tagged(b * a, a * db + b * da, tag)"),
        ("the newest tag found by hand", "tag = newest_tag(self, other)",
         "tag = max(getattr(self, 'tag', 0), getattr(other, 'tag', 0))"),
        ("the result named, its parts unpacked", "return along(f(Tagged(x, 1.0, tag)), tag)[1]",
         "result = f(Tagged(x, 1.0, tag))\n    value, tangent = along(result, tag)\n    return tangent"),
        ("larger tags, still growing", "tag = next(fresh_tags)", "tag = 1000 + next(fresh_tags)"),
    ],
    "6.2": [
        ("getattr for the linear case",
         "    if not isinstance(node.grad, diffType):  # a gradient that does not depend on x: "
         "H = 0\n        return np.zeros_like(x)\n    return node.grad.dvalue",
         "    return getattr(node.grad, 'dvalue', np.zeros_like(x))"),
        ("a plain gradient first, a harmless extra pass", "node = Node(diffType(x, u))",
         "f(Node(x)).backward()  # a plain gradient first\n    node = Node(diffType(x, u))"),
        ("the dual number and the loss named",
         "node = Node(diffType(x, u))  # every value downstream carries its tangent along u\n"
         "    f(node).backward()",
         "seeded = diffType(x, u)\n    node = Node(seeded)\n    loss = f(node)\n    loss.backward()"),
        ("np.zeros with x's shape and dtype", "return np.zeros_like(x)",
         "return np.zeros(x.shape, dtype=x.dtype)"),
    ],
    "6.3": [
        ("norms by np.linalg.norm", "if np.sqrt(rr) <= tolerance * np.sqrt(np.vdot(b, b)):",
         "if np.linalg.norm(r) <= tolerance * np.linalg.norm(b):"),
        ("β from H p, as conjugacy first gives it", "p = r + (rr / rr_before) * p",
         "p = r - (np.vdot(r, hp) / np.vdot(p, hp)) * p"),
        ("a while loop with a step counter", "for _ in range(max_steps):\n" + CG_TEST,
         "steps = 0\n    while steps < max_steps and np.sqrt(rr) > tolerance * np.sqrt(np.vdot(b, b)):\n"
         "        steps += 1\n"),
        ("inner products by np.sum", "rr, rr_before = np.vdot(r, r), rr",
         "rr, rr_before = np.sum(r * r), rr"),
        ("0 · b as the start", "np.zeros_like(b)", "0 * b"),
    ],
    "6.4": [
        ("a list of adjoints and a set of the VJPs still to run",
         """adjoints = {}  # operand index: its adjoint, from this backward pass's replay

        def replay(grad):
            inputs = [Node(v) if isinstance(x, Node) else v for x, v in zip(operands, values)]
            segment(*inputs).backward(grad)
            adjoints.update((i, x.grad) for i, x in enumerate(inputs) if isinstance(x, Node))

        def vjp_of(i):
            def vjp(grad):
""" + FIRST_VJP,
         """adjoints, waiting = [None] * len(values), set()

        def replay(grad):
            inputs = [Node(v) if isinstance(x, Node) else v for x, v in zip(operands, values)]
            segment(*inputs).backward(grad)
            for i, x in enumerate(inputs):
                if isinstance(x, Node):
                    adjoints[i] = x.grad
                    waiting.add(i)

        def vjp_of(i):
            def vjp(grad):
                if not waiting:
                    replay(grad)
                waiting.discard(i)
                return adjoints[i]"""),
        ("the replay's inputs by a loop",
         "inputs = [Node(v) if isinstance(x, Node) else v for x, v in zip(operands, values)]",
         "inputs = []\n            for x, v in zip(operands, values):\n"
         "                inputs.append(Node(v) if isinstance(x, Node) else v)"),
        ("dict.get, then del", "return adjoints.pop(i)",
         "adjoint = adjoints.get(i)\n                del adjoints[i]\n                return adjoint"),
    ],
}
