"""Wrong answers to notebook 02's exercises; tests/test_mutations.py proves that each check rejects them."""

SOLUTION_2_1 = ("duals = [diffType(x, dx) for x, dx in zip(primals, tangents)]\n"
                "    scores = forward(p, *duals)\n"
                "    return scores.value, scores.dvalue")
FIRST_LINE_2_2 = "v, w, a, b = params\n"

MUTATIONS = {
    "2.1": [
        ("only v carries its tangent", "duals = [diffType(x, dx) for x, dx in zip(primals, tangents)]",
         "duals = [diffType(primals.v, tangents.v), *primals[1:]]"),
        ("sign error in the tangent", "diffType(x, dx)", "diffType(x, -dx)"),
        ("seeds 1 wherever the tangent moves, ignoring its size", "diffType(x, dx)",
         "diffType(x, 1.0 * (dx != 0))"),
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
        ("one dual pass per parameter, summed", SOLUTION_2_1,
         "o_dot = 0\n"
         "    for name in primals._fields:\n"
         "        duals = primals._replace(**{name: diffType(getattr(primals, name), getattr(tangents, name))})\n"
         "        o_dot = o_dot + forward(p, *duals).dvalue\n"
         "    return forward(p, *primals), o_dot"),
        ("the check's formula by hand instead of a pass", SOLUTION_2_1,
         "z = p @ primals.w + primals.a\n"
         "    o = np.maximum(z, 0) @ primals.v + primals.b\n"
         "    t = tangents\n"
         "    return o, ((z > 0) * (p @ t.w + t.a)) @ primals.v + np.maximum(z, 0) @ t.v + t.b"),
    ],
    "2.2": [
        ("ignores the ReLU mask", "on = p @ w + a > 0", "on = np.ones(len(a), dtype=bool)"),
        ("ignores black pixels", "lit = name == \"a\" or p[index[0]] != 0", "lit = True"),
        ("v_jk moves output j (index mix-up)", "return {output} if on[unit] else set()",
         "return {unit} if on[unit] else set()"),
        ("a bias b_k moves every output", "return {index}", "return set(range(len(b)))"),
        ("ignores zeros in v", "set(np.flatnonzero(v[unit]).tolist())", "set(range(v.shape[1]))"),
        ("returns a list", "return {output} if on[unit] else set()", "return [output] if on[unit] else []"),
        ("returns a numpy array", "return set(np.flatnonzero(v[unit]).tolist()) if on[unit] and lit else set()",
         "return np.flatnonzero(v[unit] * (on[unit] and lit))"),
        ("a dual pass instead of the structure (forbidden)", FIRST_LINE_2_2,
         "primal = getattr(params, name)\n"
         "    seeded = params._replace(**{name: diffType(primal, one_hot(primal.shape, index))})\n"
         "    return set(np.flatnonzero(forward(p, *seeded).dvalue).tolist())\n"
         "    " + FIRST_LINE_2_2),
        ("a finite difference instead of the structure (forbidden)", FIRST_LINE_2_2,
         "nudged = getattr(params, name) + 1e-3 * one_hot(getattr(params, name).shape, index)\n"
         "    moved = forward(p, *params._replace(**{name: nudged})) - forward(p, *params)\n"
         "    return set(np.flatnonzero(moved).tolist())\n"
         "    " + FIRST_LINE_2_2),
    ],
}
