"""Notebook 03 in figures: the cost of one forward-mode tangent, reverse mode, and 1000 epochs.

Every figure comes from the coursekit function that notebook 03 uses for it, on the same inputs:
test image 123, the original's uniform parameters, float32 for torch, the CPU's tangent budget.
Run: python benchmarks/bench_cost.py
"""

import functools


import torch

import coursekit
from machine import machine_info  # benchmarks/ is on the path of a script run from it
from coursekit import format_duration
from diffType import diffType

BATCH = 256


def forward_mode_rows(p, label, parameters):
    """Rows for the three ways of one tangent, the cost model, and what a tangent reads; and the
    seconds of one gradient by each way, by its cost model (the batched jvp: t0 per call, c per
    tangent), as notebook 03 extrapolates them."""
    scalar = coursekit.scalar_forward_mode(diffType, p, parameters)
    _, vectorized = coursekit.vectorized_forward_mode(diffType, p, parameters)
    params32 = parameters.map(lambda x: torch.as_tensor(x, dtype=torch.float32))
    loss = functools.partial(coursekit.cross_entropy_loss,
                             torch.as_tensor(p, dtype=torch.float32), label)
    forward_mode = coursekit.ForwardModeGradient(loss, params32, coursekit.CPU_TANGENT_BYTES)
    cost, fastest = coursekit.batched_jvp_cost(forward_mode)
    largest = forward_mode.chunk_size("w")
    p32 = torch.as_tensor(p, dtype=torch.float32)
    with forward_mode.one_hot_tangents("w", range(largest)) as tangents:
        product = coursekit.measure_in_turns({"p·ẇ": lambda: p32 @ tangents})["p·ẇ"] / largest
    per_tangent = {"scalar diffType": scalar.pass_seconds,
                   "vectorized diffType": vectorized,
                   "batched jvp": cost.per_tangent}
    rows = [(f"per tangent: {method}", format_duration(c), "") for method, c in per_tangent.items()]
    rows += [
        ("batched jvp: fixed cost per call t0", format_duration(cost.fixed), ""),
        (f"batched jvp: {largest} tangents (the whole chunk), measured / predicted",
         f"{fastest[largest] / cost(largest):.2f}", "0.9 to 1.1"),
        ("batched jvp per tangent / the product p·ẇ alone", f"{cost.per_tangent / product:.2f}",
         ""),
        ("scalar / vectorized diffType, per tangent",
         f"{scalar.pass_seconds / vectorized:,.0f}", "≥ 1000"),
    ]
    calls = forward_mode.calls()
    gradient_seconds = {method: coursekit.N_PARAMETERS * c for method, c in per_tangent.items()}
    gradient_seconds["batched jvp"] += calls * cost.fixed
    return rows, gradient_seconds, params32, loss


def run():
    """Rows of (figure, value, goal), timed on one core as the notebooks time them."""
    with coursekit.on_one_core():
        return figures()


def figures():
    p, label = coursekit.load_test_image()
    rows, forward_gradient, params32, loss = forward_mode_rows(p, label,
                                                               coursekit.uniform_parameters())
    test = coursekit.mnist_arrays()
    batch_loss = functools.partial(coursekit.cross_entropy_loss,
                                   torch.tensor(test.test_images[:BATCH]).float() / 255,
                                   torch.tensor(test.test_labels[:BATCH]))
    reverse = {"one image": coursekit.reverse_mode_seconds(loss, params32),
               f"{BATCH} images": coursekit.reverse_mode_seconds(batch_loss, params32)}
    for name, (forward_seconds, gradient_seconds) in reverse.items():
        rows += [(f"reverse mode, {name}: forward + backward",
                  format_duration(gradient_seconds), ""),
                 (f"reverse / forward, {name}", f"{gradient_seconds / forward_seconds:.2f}",
                  "≤ 5 (cheap gradient)")]
    for method, seconds in forward_gradient.items():
        thousand = coursekit.training_time(seconds).epochs
        rows.append((f"1000 epochs, forward mode: {method}", format_duration(thousand), ""))
    minibatches = coursekit.training_time(reverse[f"{BATCH} images"][1], batch_size=BATCH)
    rows.append((f"1000 epochs, reverse mode: minibatches of {BATCH}",
                 format_duration(minibatches.epochs), ""))
    return rows


if __name__ == "__main__":
    print(machine_info())
    coursekit.print_table(["figure", "value", "goal"], run())
