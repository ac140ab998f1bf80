"""Wrong answers to notebook 01's exercises; tests/test_mutations.py proves that each check rejects them."""

MUTATIONS = {
    "1.1": [
        ("no ReLU", "h = np.maximum(0, p @ w + a)", "h = p @ w + a"),
        ("forgotten bias a", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w)"),
        ("forgotten bias b", "return h @ v + b", "return h @ v"),
        ("w @ p instead of p @ w (forgotten transpose)", "p @ w + a", "w @ p + a"),
        ("bias a added after the ReLU", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w) + a"),
    ],
    "1.2": [
        ("total time of a repeat instead of per call", "total / calls", "total"),
        ("mean instead of median", "statistics.median(per_call)", "statistics.mean(per_call)"),
        ("minimum instead of median", "statistics.median(per_call)", "min(per_call)"),
        ("one call per repeat instead of autorange", "calls, _ = timer.autorange()", "calls = 1"),
    ],
    "1.3": [
        ("a multiply-add counted as 1 FLOP", "2 * n_in * n_hidden", "n_in * n_hidden"),
        ("forgotten second layer", "return first_layer + second_layer", "return first_layer"),
        ("ReLU comparisons not counted", "+ n_hidden + n_hidden  #", "+ n_hidden  #"),
        ("forgotten output bias", "2 * n_hidden * n_out + n_out", "2 * n_hidden * n_out"),
    ],
}
