"""Wrong answers to notebook 02's exercises; tests/test_mutations.py proves that each check rejects them."""

MUTATIONS = {
    "2.1": [
        ("only v carries its tangent", "duals = [diffType(x, dx) for x, dx in zip(primals, tangents)]",
         "duals = [diffType(primals.v, tangents.v), *primals[1:]]"),
        ("sign error in the tangent", "diffType(x, dx)", "diffType(x, -dx)"),
        ("seeds 1 wherever the tangent moves, ignoring its size", "diffType(x, dx)",
         "diffType(x, 1.0 * (dx != 0))"),
        ("returns the value twice", "return scores.value, scores.dvalue", "return scores.value, scores.value"),
    ],
    "2.2": [
        ("ignores the ReLU mask", "on = p @ w + a > 0", "on = np.ones(len(a), dtype=bool)"),
        ("ignores black pixels", "lit = name == \"a\" or p[index[0]] != 0", "lit = True"),
        ("v_jk moves output j (index mix-up)", "return {output} if on[unit] else set()",
         "return {unit} if on[unit] else set()"),
        ("a bias b_k moves every output", "return {index}", "return set(range(len(b)))"),
        ("ignores zeros in v", "set(np.flatnonzero(v[unit]).tolist())", "set(range(v.shape[1]))"),
    ],
}
