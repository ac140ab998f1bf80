"""Wrong answers to notebook 01's exercises; tests/test_mutations.py proves that each check rejects them."""

MUTATIONS = {
    "1.1": [
        ("no ReLU", "h = np.maximum(0, p @ w + a)", "h = p @ w + a"),
        ("forgotten bias a", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w)"),
    ],
    "1.2": [
        ("total time of a repeat instead of per call", "total / calls", "total"),
        ("mean instead of median", "median = statistics.median(per_call)", "median = statistics.mean(per_call)"),
    ],
}
