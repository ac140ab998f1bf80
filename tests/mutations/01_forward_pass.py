"""Wrong answers to notebook 01's exercises, which the checks must reject with a hint, and right
answers written otherwise than the solution, which they must accept (tests/test_mutations.py)."""

SOLUTION_1_1 = "h = np.maximum(0, p @ w + a)\n    return h @ v + b"
SOLUTION_1_2 = ("timer = timeit.Timer(function)\n"
                "    calls, _ = timer.autorange()  # at least 0.2 s of calls; also a warm-up\n"
                "    per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]")
SOLUTION_1_3 = ("first_layer = 2 * n_in * n_hidden + n_hidden + n_hidden  # p @ w, + a, ReLU\n"
                "    second_layer = 2 * n_hidden * n_out + n_out  # h @ v, + b\n"
                "    return first_layer + second_layer")

# Counts the + and * of a forward pass on float subclasses: a shortcut that 1.3 must refuse
TALLY = ("    count = [0]\n\n"
         "    class Tally(float):\n"
         "        def __add__(self, other):\n"
         "            count[0] += 1\n"
         "            return Tally(float(self) + float(other))\n"
         "        __radd__ = __mul__ = __rmul__ = __gt__ = __add__\n\n"
         "    shapes = [n_in, (n_hidden, n_out), (n_in, n_hidden), n_hidden, n_out]\n")

MUTATIONS = {
    "1.1": [
        # values
        ("no ReLU", "h = np.maximum(0, p @ w + a)", "h = p @ w + a"),
        ("forgotten bias a", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w)"),
        ("forgotten bias b", "return h @ v + b", "return h @ v"),
        ("bias a added after the ReLU", "h = np.maximum(0, p @ w + a)", "h = np.maximum(0, p @ w) + a"),
        # shapes
        ("w @ p instead of p @ w (forgotten transpose)", "p @ w + a", "w @ p + a"),
        ("v transposed", "return h @ v + b", "return h @ v.T + b"),
        ("Python's max instead of np.maximum", "np.maximum(0, p @ w + a)", "max(0, p @ w + a)"),
        ("one image made a batch of one: o of shape (1, n_out)", "h = np.maximum(0, p @ w + a)",
         "h = np.maximum(0, np.atleast_2d(p) @ w + a)"),
        ("squeezed result: one output or one image loses an axis", "return h @ v + b",
         "return (h @ v + b).squeeze()"),
        # dtype
        ("the ReLU against float64 zeros: float32 in, float64 out", "np.maximum(0, p @ w + a)",
         "np.maximum(np.zeros(w.shape[1]), p @ w + a)"),
        # the kink
        ("ReLU as z (1 + z/|z|) / 2: nan at the kink z = 0", "h = np.maximum(0, p @ w + a)",
         "z = p @ w + a\n    h = z * (1 + z / np.abs(z)) / 2"),
        ("ReLU as (z + |z|) / 2: right values, derivative ½ at the kink", "h = np.maximum(0, p @ w + a)",
         "z = p @ w + a\n    h = (z + abs(z)) / 2"),
        # arguments unchanged
        ("adds a into the caller's array, in place, for one image", "h = np.maximum(0, p @ w + a)",
         "z = p @ w\n    z = np.add(z, a, out=a) if z.ndim == 1 else z + a\n    h = np.maximum(0, z)"),
        # dual numbers, as notebook 02 runs forward
        ("the forbidden np.dot, which dual numbers do not know", "p @ w", "np.dot(p, w)"),
        ("the forbidden np.einsum", "return h @ v + b", "return np.einsum('...j,jk->...k', h, v) + b"),
        ("ndarray.clip for the ReLU, which dual numbers do not know", "np.maximum(0, p @ w + a)",
         "(p @ w + a).clip(min=0)"),
        ("a Python loop over the images of a batch", "return h @ v + b",
         "return np.array([x @ v + b for x in h]) if h.ndim == 2 else h @ v + b"),
        # the course's own answers
        ("calls coursekit.forward instead of computing o", SOLUTION_1_1,
         "import coursekit\n    return coursekit.forward(p, v, w, a, b)"),
        ("coursekit's forward under the exercise's name", "def forward(p, v, w, a, b):",
         "from coursekit import forward  # noqa: F401, E402\n\n\ndef forward_unused(p, v, w, a, b):"),
        ("coursekit's forward under another name, imported into the notebook",
         "def forward(p, v, w, a, b):",
         "from coursekit import forward as run_network  # noqa: E402\n\n\n"
         "def forward(p, v, w, a, b):\n    return run_network(p, v, w, a, b)\n\n\n"
         "def forward_unused(p, v, w, a, b):"),
        ("np.maximum with out=, a keyword that dual numbers do not know",
         "h = np.maximum(0, p @ w + a)", "z = p @ w + a\n    h = np.maximum(z, 0, out=z)"),
        ("adds the output into the caller's b, in place", "return h @ v + b",
         "b += h @ v\n    return b"),
    ],
    "1.2": [
        ("total time of a repeat instead of per call", "total / calls", "total"),
        ("divides by the number of repeats instead of calls", "total / calls", "total / repeat"),
        ("mean instead of median", "statistics.median(per_call)", "statistics.mean(per_call)"),
        ("minimum instead of median", "statistics.median(per_call)", "min(per_call)"),
        ("the upper middle value as the median of an even count", "statistics.median(per_call)",
         "sorted(per_call)[len(per_call) // 2]"),
        ("always 3 repeats", "timer.repeat(repeat=repeat, number=calls)",
         "timer.repeat(repeat=3, number=calls)"),
        ("one call per repeat instead of autorange", "calls, _ = timer.autorange()", "calls = 1"),
        ("a fixed number of calls instead of autorange's", "calls, _ = timer.autorange()", "calls = 300"),
        ("autorange as a warm-up only, then a fixed number of calls",
         "per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]",
         "per_call = [total / 300 for total in timer.repeat(repeat=repeat, number=300)]"),
        ("autorange's pair used as the number of calls", "calls, _ = timer.autorange()",
         "calls = timer.autorange()"),
        ("times a lambda that returns the function without calling it", "timeit.Timer(function)",
         "timeit.Timer(lambda: function)"),
        ("timeit's default of a million calls, then divided by autorange's",
         "timer.repeat(repeat=repeat, number=calls)", "timer.repeat(repeat=repeat)"),
        ("timeit with the wall clock time.time", "timeit.Timer(function)",
         "timeit.Timer(function, timer=time.time)"),
        ("a hand loop of 100 calls timed with time.time", SOLUTION_1_2,
         "per_call = []\n"
         "    for _ in range(repeat):\n"
         "        start = time.time()\n"
         "        for _ in range(100):\n"
         "            function()\n"
         "        per_call.append((time.time() - start) / 100)"),
        ("returns the median alone", "return per_call, statistics.median(per_call)",
         "return statistics.median(per_call)"),
    ],
    "1.3": [
        ("a multiply-add counted as 1 FLOP", "2 * n_in * n_hidden", "n_in * n_hidden"),
        ("n - 1 additions for a sum of n products", "2 * n_in * n_hidden", "(2 * n_in - 1) * n_hidden"),
        ("forgotten second layer", "return first_layer + second_layer", "return first_layer"),
        ("ReLU comparisons not counted", "+ n_hidden + n_hidden  #", "+ n_hidden  #"),
        ("a bias addition per input instead of per hidden unit", "+ n_hidden + n_hidden  #",
         "+ n_in + n_hidden  #"),
        ("forgotten output bias", "2 * n_hidden * n_out + n_out", "2 * n_hidden * n_out"),
        ("the course's 10 outputs, whatever n_out", "2 * n_hidden * n_out + n_out",
         "2 * n_hidden * 10 + 10"),
        ("counts by running forward_loops on numbers that count (a shortcut)", SOLUTION_1_3,
         "import coursekit\n"
         + TALLY
         + "    coursekit.forward_loops(*(coursekit.nested_lists(np.ones(s), Tally) for s in shapes))\n"
         "    return count[0]"),
        ("the same count through forward_loops imported into the notebook under another name",
         "def forward_flops(n_in, n_hidden, n_out):",
         "from coursekit import forward_loops as loops, nested_lists  # noqa: E402\n\n\n"
         "def forward_flops(n_in, n_hidden, n_out):\n"
         + TALLY
         + "    loops(*(nested_lists(np.ones(s), Tally) for s in shapes))\n"
         "    return count[0]\n\n\n"
         "def forward_flops_unused(n_in, n_hidden, n_out):"),
        ("a hard-coded count, the course's network's", SOLUTION_1_3, "return 1_246_570"),
    ],
}

ACCEPTED = {
    "1.1": [
        ("np.matmul and np.add, the functions behind @ and +", "h = np.maximum(0, p @ w + a)",
         "h = np.maximum(0, np.add(np.matmul(p, w), a))"),
        ("the ReLU as a mask, z * (z > 0)", "h = np.maximum(0, p @ w + a)",
         "z = p @ w + a\n    h = z * (z > 0)"),
        ("np.where for the ReLU (diffType knows np.where)", "h = np.maximum(0, p @ w + a)",
         "z = p @ w + a\n    h = np.where(z > 0, z, 0)"),
        ("np.maximum with its operands swapped and a float zero", "np.maximum(0, p @ w + a)",
         "np.maximum(p @ w + a, 0.0)"),
        ("np.maximum against zeros_like, in z's own dtype", "np.maximum(0, p @ w + a)",
         "np.maximum(p @ w + a, np.zeros_like(p @ w + a))"),
        ("np.asarray(p) first, an extra harmless call, and np.matmul for the output",
         SOLUTION_1_1,
         "p = np.asarray(p)\n    hidden = np.maximum(0, p @ w + a)\n    return np.matmul(hidden, v) + b"),
    ],
    "1.2": [
        ("a warm-up call before autorange", "timer = timeit.Timer(function)",
         "function()  # warm-up\n    timer = timeit.Timer(function)"),
        ("the Timer through an alias, its repeat() with positional arguments", SOLUTION_1_2,
         "from timeit import Timer as Stopwatch\n"
         "    calls, _ = Stopwatch(function).autorange()\n"
         "    totals = Stopwatch(function).repeat(repeat, calls)\n"
         "    per_call = [total / calls for total in totals]"),
        ("timeit.repeat, the module's function, and an array divided then listed",
         "per_call = [total / calls for total in timer.repeat(repeat=repeat, number=calls)]",
         "per_call = (np.array(timeit.repeat(function, repeat=repeat, number=calls)) / calls).tolist()"),
        ("np.median instead of statistics.median", "statistics.median(per_call)", "np.median(per_call)"),
        ("one repeat more, the first dropped as a warm-up",
         "timer.repeat(repeat=repeat, number=calls)]",
         "timer.repeat(repeat=repeat + 1, number=calls)[1:]]"),
    ],
    "1.3": [
        ("factored by layer: cost per unit times units", SOLUTION_1_3,
         "return n_hidden * (2 * n_in + 2) + n_out * (2 * n_hidden + 1)"),
        ("one term per kind of operation", SOLUTION_1_3,
         "multiply_adds = n_in * n_hidden + n_hidden * n_out\n"
         "    bias_additions = n_hidden + n_out\n"
         "    relu_comparisons = n_hidden\n"
         "    return 2 * multiply_adds + bias_additions + relu_comparisons"),
        ("summed over the layers in a loop, as a float", SOLUTION_1_3,
         "layers = [(n_in, n_hidden), (n_hidden, n_out)]\n"
         "    flops = sum(2.0 * fan_in * units + units for fan_in, units in layers)\n"
         "    return flops + n_hidden  # the ReLU comparisons"),
    ],
}
