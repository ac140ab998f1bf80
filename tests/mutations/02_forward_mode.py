"""Wrong and right answers to notebook 02's exercises; tests/test_mutations.py plants each one in the
solution cell: the check must reject every wrong answer with a hint and pass every right one."""

SOLUTION_2_1 = ("duals = [diffType(x, dx) for x, dx in zip(primals, tangents)]\n"
                "    scores = forward(p, *duals)\n"
                "    return scores.value, scores.dvalue")
FIRST_LINE_2_2 = "v, w, a, b = params\n"
BLOCKS_2_2 = ("identity = np.eye(len(b), dtype=b.dtype)  # ∂o_ℓ/∂b_k = δ_kℓ\n"
              "    d_v = np.maximum(z, 0)[:, None, None] * identity  # ∂o_ℓ/∂v_jk = h_j δ_kℓ\n"
              "    d_a = (z > 0)[:, None] * v  # ∂o_ℓ/∂a_j = ReLU′(z_j) v_jℓ, with ReLU′(0) = 0\n"
              "    d_w = p[:, None, None] * d_a  # ∂o_ℓ/∂w_ij = p_i ∂o_ℓ/∂a_j\n"
              "    return Parameters(v=d_v, w=d_w, a=d_a, b=identity)")

MUTATIONS = {
    "2.1": [
        ("only v carries its tangent", "duals = [diffType(x, dx) for x, dx in zip(primals, tangents)]",
         "duals = [diffType(primals.v, tangents.v), *primals[1:]]"),
        ("sign error in the tangent", "diffType(x, dx)", "diffType(x, -dx)"),
        ("seeds 1 wherever the tangent moves, ignoring its size", "diffType(x, dx)",
         "diffType(x, 1.0 * (dx != 0))"),
        ("evaluates at primals + tangents, not at the primals", "diffType(x, dx)",
         "diffType(x + dx, dx)"),
        ("float64 copies of float32 primals and tangents (dtype)", "diffType(x, dx)",
         "diffType(x.astype(float), dx.astype(float))"),
        ("treats the image as a batch of one: (1, n_out) scores (shape)",
         "scores = forward(p, *duals)", "scores = forward(p.reshape(1, -1), *duals)"),
        ("clears the caller's tangents after the pass, to reuse them", "return scores.value, scores.dvalue",
         "for dx in tangents:\n        dx[...] = 0\n    return scores.value, scores.dvalue"),
        ("returns the value twice", "return scores.value, scores.dvalue", "return scores.value, scores.value"),
        ("returns the dual number itself", "return scores.value, scores.dvalue", "return scores"),
        ("a central finite difference instead of a dual pass", SOLUTION_2_1,
         "step = 1e-6\n"
         "    up = forward(p, *(x + step * dx for x, dx in zip(primals, tangents)))\n"
         "    down = forward(p, *(x - step * dx for x, dx in zip(primals, tangents)))\n"
         "    return forward(p, *primals), (up - down) / (2 * step)"),
        ("torch.func.jvp instead of a dual pass", SOLUTION_2_1,
         "import torch.func\n"
         "    p_t, *primals_t = (torch.from_numpy(x) for x in (p, *primals))\n"
         "    o, o_dot = torch.func.jvp(lambda *xs: coursekit.forward_torch(p_t, *xs), tuple(primals_t),\n"
         "                              tuple(torch.from_numpy(t) for t in tangents))\n"
         "    return o.numpy(), o_dot.numpy()"),
        ("one dual pass per parameter, summed (cost)", SOLUTION_2_1,
         "o_dot = 0\n"
         "    for name in primals._fields:\n"
         "        duals = primals._replace(**{name: diffType(getattr(primals, name), getattr(tangents, name))})\n"
         "        o_dot = o_dot + forward(p, *duals).dvalue\n"
         "    return forward(p, *primals), o_dot"),
        ("the formula by hand instead of a pass", SOLUTION_2_1,
         "z = p @ primals.w + primals.a\n"
         "    o = np.maximum(z, 0) @ primals.v + primals.b\n"
         "    t = tangents\n"
         "    return o, ((z > 0) * (p @ t.w + t.a)) @ primals.v + np.maximum(z, 0) @ t.v + t.b"),
    ],
    "2.2": [
        ("ignores the ReLU: every unit's slope 1 (units off)", "(z > 0)[:, None] * v", "v.copy()"),
        ("ReLU's slope 1 at the kink z_j = 0", "(z > 0)[:, None] * v", "(z >= 0)[:, None] * v"),
        ("forgets the factor p_i in ∂o/∂w_ij (black pixels)", "p[:, None, None] * d_a",
         "np.ones_like(p)[:, None, None] * d_a"),
        ("h_j taken as z_j in ∂o/∂v_jk, without the ReLU", "np.maximum(z, 0)[:, None, None]",
         "z[:, None, None]"),
        ("every output moves with v_jk: no δ_kℓ", "np.maximum(z, 0)[:, None, None] * identity",
         "np.maximum(z, 0)[:, None, None] * np.ones_like(identity)"),
        ("the block of v in v's shape, without the output axis (shape)",
         "np.maximum(z, 0)[:, None, None] * identity", "np.maximum(z, 0)[:, None] * np.ones_like(v)"),
        ("the block of a transposed, (n_out, n_hidden) (shape)", "d_a = (z > 0)[:, None] * v",
         "d_a = ((z > 0)[:, None] * v).T"),
        ("np.eye in float64 for float32 parameters (dtype)", "np.eye(len(b), dtype=b.dtype)",
         "np.eye(len(b))"),
        ("the blocks as a dict, not Parameters", "return Parameters(v=d_v, w=d_w, a=d_a, b=identity)",
         "return {\"v\": d_v, \"w\": d_w, \"a\": d_a, \"b\": identity}"),
        ("the block of w made in p's dtype: ints for an image of ints (dtype)",
         "d_w = p[:, None, None] * d_a",
         "d_w = np.zeros(w.shape + (len(b),), dtype=p.dtype)\n    d_w[...] = p[:, None, None] * d_a"),
        ("p @ w without a: the units' states read from the wrong z (units off)", "z = p @ w + a",
         "z = p @ w"),
        ("zeroes the rows of units that are off in v itself (changes the caller's v)",
         "d_a = (z > 0)[:, None] * v", "d_a = v\n    d_a[z <= 0] = 0"),
        ("a dual pass per entry instead of a derivation (forbidden)", FIRST_LINE_2_2,
         "blocks = []\n"
         "    for name, primal in params._asdict().items():\n"
         "        columns = [forward(p, *params._replace(**{name: diffType(primal, one_hot(primal.shape, i))})).dvalue\n"
         "                   for i in np.ndindex(primal.shape)]\n"
         "        blocks.append(np.reshape(columns, primal.shape + (-1,)).astype(primal.dtype))\n"
         "    return Parameters(*blocks)\n"
         "    " + FIRST_LINE_2_2),
        ("a finite difference with forward instead of a derivation (forbidden)", FIRST_LINE_2_2,
         "blocks = []\n"
         "    for name, primal in params._asdict().items():\n"
         "        columns = []\n"
         "        for i in np.ndindex(primal.shape):\n"
         "            step = 1e-3 * one_hot(primal.shape, i).astype(primal.dtype)\n"
         "            up = forward(p, *params._replace(**{name: primal + step}))\n"
         "            down = forward(p, *params._replace(**{name: primal - step}))\n"
         "            columns.append((up - down) / 2e-3)\n"
         "        blocks.append(np.reshape(columns, primal.shape + (-1,)).astype(primal.dtype))\n"
         "    return Parameters(*blocks)\n"
         "    " + FIRST_LINE_2_2),
        ("a finite difference through a network written out (the kink gives it away)", FIRST_LINE_2_2,
         "def scores(v, w, a, b):\n"
         "        return np.maximum(p @ w + a, 0) @ v + b\n"
         "    blocks = []\n"
         "    for name, primal in params._asdict().items():\n"
         "        columns = []\n"
         "        for i in np.ndindex(primal.shape):\n"
         "            step = 1e-6 * one_hot(primal.shape, i).astype(primal.dtype)\n"
         "            up = scores(*params._replace(**{name: primal + step}))\n"
         "            down = scores(*params._replace(**{name: primal - step}))\n"
         "            columns.append((up - down) / 2e-6)\n"
         "        blocks.append(np.reshape(columns, primal.shape + (-1,)).astype(primal.dtype))\n"
         "    return Parameters(*blocks)\n"
         "    " + FIRST_LINE_2_2),
        ("torch.func.jacrev instead of a derivation (forbidden)", FIRST_LINE_2_2,
         "import torch.func\n"
         "    theta = params.map(torch.from_numpy)\n"
         "    image = torch.from_numpy(p).to(theta.v.dtype)\n"
         "    blocks = torch.func.jacrev(lambda *t: coursekit.forward_torch(image, *t),\n"
         "                               argnums=(0, 1, 2, 3))(*theta)\n"
         "    return Parameters(*(np.moveaxis(x.numpy(), 0, -1) for x in blocks))\n"
         "    " + FIRST_LINE_2_2),
    ],
}

ACCEPTED = {
    "2.1": [
        ("forward under another name, a global of the notebook",
         "scores = forward(p, *duals)\n    return scores.value, scores.dvalue\n    ### END SOLUTION",
         "scores = score_network(p, *duals)\n    return scores.value, scores.dvalue\n    ### END SOLUTION"
         "\n\n\nscore_network = coursekit.forward"),
        ("the duals as Parameters through map, after a plain warm-up pass", SOLUTION_2_1,
         "forward(p, *primals)  # a warm-up pass, harmless\n"
         "    duals = Parameters(*map(diffType, primals, tangents))\n"
         "    scores = coursekit.forward(p, *duals)\n"
         "    return scores.value, scores.dvalue"),
        ("the duals by name with _replace, imported under an alias inside the function", SOLUTION_2_1,
         "from coursekit import forward as run_network\n"
         "    duals = primals._replace(**{name: diffType(getattr(primals, name), getattr(tangents, name))\n"
         "                                for name in primals._fields})\n"
         "    result = run_network(p, *duals)\n"
         "    return (result.value, result.dvalue)"),
    ],
    "2.2": [
        ("np.einsum for the blocks of v and w", BLOCKS_2_2,
         "identity = np.eye(len(b), dtype=b.dtype)\n"
         "    d_a = (z > 0)[:, None] * v\n"
         "    return Parameters(v=np.einsum(\"j,kl->jkl\", np.maximum(z, 0), identity),\n"
         "                      w=np.einsum(\"i,jl->ijl\", p, d_a), a=d_a, b=identity)"),
        ("np.outer and reshape for w, np.where for the ReLU mask, a plain tuple", BLOCKS_2_2,
         "h = np.maximum(z, 0)\n"
         "    identity = np.eye(len(b), dtype=v.dtype)\n"
         "    d_a = np.where((h > 0)[:, None], v, 0)\n"
         "    d_w = np.outer(p, d_a).reshape(w.shape + (len(b),))\n"
         "    return h[:, None, None] * identity, d_w, d_a, identity"),
        ("loops over outputs, units and pixels", BLOCKS_2_2,
         "blocks = Parameters(*(np.zeros(x.shape + (len(b),), dtype=v.dtype) for x in params))\n"
         "    for out in range(len(b)):\n"
         "        blocks.b[out, out] = 1\n"
         "        for unit in range(len(a)):\n"
         "            if z[unit] > 0:\n"
         "                blocks.v[unit, out, out] = z[unit]\n"
         "                blocks.a[unit, out] = v[unit, out]\n"
         "                for pixel in range(len(p)):\n"
         "                    blocks.w[pixel, unit, out] = p[pixel] * v[unit, out]\n"
         "    return blocks"),
    ],
}
