"""Wrong answers to notebook 03's exercises; tests/test_mutations.py proves each check rejects them."""

MUTATIONS = {
    "3.1": [
        ("forgotten bytes per entry: counts entries, not bytes",
         "bytes_per_tangent = int(np.prod(shape)) * bytes_per_entry",
         "bytes_per_tangent = int(np.prod(shape))"),
        ("off by one: one tangent more than fits",
         "return budget_bytes // bytes_per_tangent", "return budget_bytes // bytes_per_tangent + 1"),
        ("rounds up: a partial tangent counted as a whole one",
         "return budget_bytes // bytes_per_tangent", "return -(-budget_bytes // bytes_per_tangent)"),
        ("true division: a fraction of a tangent",
         "return budget_bytes // bytes_per_tangent", "return budget_bytes / bytes_per_tangent"),
        ("only the first dimension of the shape",
         "bytes_per_tangent = int(np.prod(shape)) * bytes_per_entry",
         "bytes_per_tangent = shape[0] * bytes_per_entry"),
    ],
    "3.2": [
        ("one chunk's time divided by its size (fixed cost charged to the tangents)",
         "c = (t2 - t1) / (n2 - n1)", "c = t2 / n2"),
        ("slope upside down: sign error", "c = (t2 - t1) / (n2 - n1)", "c = (t1 - t2) / (n2 - n1)"),
        ("fixed cost taken as the first measurement", "return t1 - c * n1, c", "return t1, c"),
        ("fixed cost with the wrong sign of the slope term", "return t1 - c * n1, c",
         "return t1 + c * n1, c"),
    ],
    "3.3": [
        ("the original's mistake: 1000 epochs as 1000 gradients (an epoch of one image)",
         "epoch = n_images * gradient", "epoch = gradient"),
        ("a forgotten factor: one tangent per gradient instead of one per parameter",
         "gradient = n_parameters * per_tangent", "gradient = per_tangent"),
        ("epochs forgotten", "return n_epochs * epoch", "return epoch"),
    ],
}
