"""Wrong answers to notebook 01's exercises; tests/test_mutations.py proves that each check rejects them."""

SOLUTION_1_1 = "h = np.maximum(0, p @ w + a)\n    return h @ v + b"
SOLUTION_1_2 = ("timer = timeit.Timer(function)\n"
                "    calls, _ = timer.autorange()  # at least 0.2 s of calls; also a warm-up\n"
                "    per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]")

MUTATIONS = {
    "1.1": [
        ("no ReLU", "h = np.maximum(0, p @ w + a)", "h = p @ w + a"),
        ("forgotten bias a", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w)"),
        ("forgotten bias b", "return h @ v + b", "return h @ v"),
        ("w @ p instead of p @ w (forgotten transpose)", "p @ w + a", "w @ p + a"),
        ("bias a added after the ReLU", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w) + a"),
        ("v transposed", "return h @ v + b", "return h @ v.T + b"),
        ("Python's max instead of np.maximum", "np.maximum(0, p @ w + a)", "max(0, p @ w + a)"),
        ("the forbidden np.dot, which dual numbers do not know", "p @ w", "np.dot(p, w)"),
        ("the forbidden np.einsum", "return h @ v + b", "return np.einsum('...j,jk->...k', h, v) + b"),
        ("a Python loop over the images of a batch", "return h @ v + b",
         "return np.array([x @ v + b for x in h]) if h.ndim == 2 else h @ v + b"),
        ("calls coursekit.forward instead of computing o", SOLUTION_1_1,
         "import coursekit\n    return coursekit.forward(p, v, w, a, b)"),
    ],
    "1.2": [
        ("total time of a repeat instead of per call", "total / calls", "total"),
        ("divides by the number of repeats instead of calls", "total / calls", "total / repeat"),
        ("mean instead of median", "statistics.median(per_call)", "statistics.mean(per_call)"),
        ("minimum instead of median", "statistics.median(per_call)", "min(per_call)"),
        ("one call per repeat instead of autorange", "calls, _ = timer.autorange()", "calls = 1"),
        ("a fixed number of calls instead of autorange's", "calls, _ = timer.autorange()", "calls = 300"),
        ("autorange as a warm-up only, then a fixed number of calls",
         "per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]",
         "per_call = [total / 300 for total in timer.repeat(repeat=repeat, number=300)]"),
        ("autorange's pair used as the number of calls", "calls, _ = timer.autorange()",
         "calls = timer.autorange()"),
        ("returns a list instead of a tuple", "return per_call, statistics.median(per_call)",
         "return [per_call, statistics.median(per_call)]"),
        ("timeit with the wall clock time.time", "timeit.Timer(function)",
         "timeit.Timer(function, timer=time.time)"),
        ("a hand loop of 100 calls timed with time.time", SOLUTION_1_2,
         "per_call = []\n"
         "    for _ in range(repeat):\n"
         "        start = time.time()\n"
         "        for _ in range(100):\n"
         "            function()\n"
         "        per_call.append((time.time() - start) / 100)"),
    ],
    "1.3": [
        ("a multiply-add counted as 1 FLOP", "2 * n_in * n_hidden", "n_in * n_hidden"),
        ("forgotten second layer", "return first_layer + second_layer", "return first_layer"),
        ("ReLU comparisons not counted", "+ n_hidden + n_hidden  #", "+ n_hidden  #"),
        ("forgotten output bias", "2 * n_hidden * n_out + n_out", "2 * n_hidden * n_out"),
        ("counts by running forward_loops on Counting numbers (a shortcut)",
         "return first_layer + second_layer",
         "shapes = [n_in, (n_hidden, n_out), (n_in, n_hidden), n_hidden, n_out]\n"
         "    Counting.count = 0\n"
         "    coursekit.forward_loops(*(coursekit.nested_lists(np.ones(s), Counting) for s in shapes))\n"
         "    return Counting.count"),
    ],
}
