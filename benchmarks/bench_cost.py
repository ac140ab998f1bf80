"""Notebook 03 in figures: the cost of one forward-mode tangent, reverse mode, and 1000 epochs.

Run: python benchmarks/bench_cost.py
"""

import functools
import time

import numpy as np
import torch

import coursekit
from coursekit import forward, load_test_image, measure, seconds, uniform_parameters
from diffType import diffType

N_TRAIN, EPOCHS, BATCH = 60_000, 1000, 256


def forward_costs(p, v, w, a, b, label):
    """Seconds per tangent for scalar diffType, vectorized diffType and batched torch.func.jvp."""
    lists = [coursekit.nested_lists(x, diffType) for x in (p, v, w, a, b)]
    lists[2][406][5].dvalue = 1.0
    start = time.perf_counter()
    coursekit.forward_loops(*lists)
    scalar = time.perf_counter() - start

    V, W, A, B = diffType(v), diffType(w), diffType(a), diffType(b)
    def vectorized_pass():
        W.dvalue[406, 5] = 1.0
        forward(p, V, W, A, B)
        W.dvalue[406, 5] = 0.0
    vectorized = measure(vectorized_pass).median

    params = {name: torch.as_tensor(x, dtype=torch.float32) for name, x in zip("vwab", (v, w, a, b))}
    loss = functools.partial(coursekit.cross_entropy_loss, torch.as_tensor(p, dtype=torch.float32), label)
    batched = coursekit.ForwardModeGradient(loss, params, chunk_size=512)
    chunk = lambda n: lambda: batched.partials("w", torch.arange(406 * 784, 406 * 784 + n))
    small, large = measure(chunk(128), repeat=3).median, measure(chunk(512), repeat=3).median
    return {"scalar diffType": scalar, "vectorized diffType": vectorized,
            "batched jvp, chunks of 512": (large - small) / (512 - 128)}, params, loss


def run():
    p, label = load_test_image()
    v, w, a, b = uniform_parameters(seed=0)
    per_tangent, params, loss = forward_costs(p, v, w, a, b, label)
    train, _ = coursekit.mnist_datasets()
    images, labels = train.data[:BATCH].reshape(BATCH, 784).float() / 255, train.targets[:BATCH]
    forward_one, reverse_one = coursekit.reverse_mode_seconds(loss, params)
    batch_loss = functools.partial(coursekit.cross_entropy_loss, images, labels)
    forward_batch, reverse_batch = coursekit.reverse_mode_seconds(batch_loss, params)
    epoch_reverse = -(-N_TRAIN // BATCH) * reverse_batch
    rows = [(f"forward mode per tangent: {name}", c * 1e3, "ms", "") for name, c in per_tangent.items()]
    rows += [
        ("reverse mode, one image: forward + backward", reverse_one * 1e6, "µs", ""),
        ("reverse / forward, one image", reverse_one / forward_one, "×", "≤ 5 (cheap gradient)"),
        (f"reverse mode, {BATCH} images: forward + backward", reverse_batch * 1e3, "ms", ""),
        (f"reverse / forward, {BATCH} images", reverse_batch / forward_batch, "×", "≤ 5 (cheap gradient)"),
    ]
    for name, c in per_tangent.items():
        rows.append((f"1000 epochs, forward: {name}", EPOCHS * N_TRAIN * coursekit.N_PARAMETERS * c / 3.156e7,
                     "yr", ""))
    rows.append((f"1000 epochs, reverse: minibatches of {BATCH}", EPOCHS * epoch_reverse / 3600, "h", ""))
    assert np.isfinite([value for _, value, _, _ in rows]).all()
    return rows


if __name__ == "__main__":
    from run_all import print_table
    print(coursekit.machine_info())
    print_table("Cost of forward mode, and reverse mode (notebook 03)", run())
