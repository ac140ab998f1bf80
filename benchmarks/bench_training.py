"""Notebook 04 in figures: the course's training loop against a bare PyTorch loop, ten epochs, and
the peak learning rate against its neighbours on the validation split.

The goals here are performance goals: the notebook asserts only what its text claims. Everything
runs as notebook 04 trains: on one core (coursekit.on_one_core; under load, or on Binder's small CPU
quota, several threads run many times slower), with epochs timed by coursekit.training_clock (CPU
time on the CPU, wall time on a GPU). Both loops read the same uint8 minibatches and normalize them
as they go, as coursekit.fit does.
Run: python benchmarks/bench_training.py
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")  # fit's progress bars would only clutter the table

import torch

import coursekit
from machine import machine_info  # benchmarks/ is on the path of a script run from it

EPOCHS_TIMED = 2
NEIGHBOURING_LR = (1e-3, 1e-2)  # around fit's peak learning rate, 3e-3


def bare_loop(data, epochs, batch_size=256, seed=0):
    """Idiomatic minimal PyTorch on the same minibatches, with the same loss and optimizer:
    nn.Sequential, Adam, label smoothing; no schedule, no bookkeeping, no progress bar."""
    torch.manual_seed(seed)
    device = data.train.images.device
    model = torch.nn.Sequential(torch.nn.Linear(784, 784), torch.nn.ReLU(),
                                torch.nn.Linear(784, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for batch in torch.randperm(len(data.train.labels), device=device).split(batch_size):
            scores = model(coursekit.normalize(data.train.images[batch]))
            loss = torch.nn.functional.cross_entropy(scores, data.train.labels[batch],
                                                     label_smoothing=coursekit.LABEL_SMOOTHING)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def seconds_per_epoch(data):
    """(course, bare) training seconds per epoch, both by training_clock: the loops alternate,
    and each keeps its best, so that both see the same machine load (noise only adds time)."""
    clock = coursekit.training_clock(data.train.images.device)
    course, bare = [], []
    for _ in range(2):
        history, _ = coursekit.fit(coursekit.he_parameters(seed=0), data, epochs=EPOCHS_TIMED)
        course.append(min(epoch.seconds for epoch in history))
        start = clock()
        bare_loop(data, EPOCHS_TIMED)
        bare.append((clock() - start) / EPOCHS_TIMED)
    return min(course), min(bare)


def best_validation_accuracy(data, max_lr):
    """The best validation accuracy of notebook 04's ten epochs with peak learning rate max_lr."""
    history, _ = coursekit.fit(coursekit.he_parameters(seed=0), data, epochs=10, max_lr=max_lr)
    return max(epoch.validation_accuracy for epoch in history)


def run():
    """Rows of (figure, value, goal)."""
    with coursekit.on_one_core():
        return measured_rows()


def measured_rows():
    data = coursekit.mnist_tensors()
    images = len(data.train.labels)
    coursekit.fit(coursekit.he_parameters(seed=0), data, epochs=1)  # warm-up
    bare_loop(data, 1)
    course, bare = seconds_per_epoch(data)
    clock = coursekit.training_clock(data.train.images.device)
    start = clock()
    history, chosen = coursekit.fit(coursekit.he_parameters(seed=0), data, epochs=10)
    ten_epochs = clock() - start
    best = max(history, key=lambda epoch: epoch.validation_accuracy)
    neighbours = {lr: best_validation_accuracy(data, lr) for lr in NEIGHBOURING_LR}
    return [
        (f"course loop (fit_epoch), one core: seconds per epoch of {images:,} images",
         f"{course:.2f} s", ""),
        ("course loop: images per second", f"{images / course:,.0f}", ""),
        ("bare nn.Sequential loop, one core: seconds per epoch", f"{bare:.2f} s", ""),
        ("course / bare throughput", f"{bare / course:.2f}", "≥ 0.9"),
        ("fit, 10 epochs with validation, one core: seconds", f"{ten_epochs:.1f} s", "≤ 30"),
        ("epoch with the best validation accuracy", f"{best.epoch}", ""),
        ("its validation accuracy (peak learning rate 3e-3)", f"{best.validation_accuracy:.2%}",
         ""),
        *((f"best validation accuracy with peak learning rate {lr:g} instead",
           f"{accuracy:.2%}", "") for lr, accuracy in neighbours.items()),
        ("test accuracy of the chosen epoch", f"{coursekit.accuracy(chosen, data.test):.2%}",
         "≥ 98.3%"),
    ]


if __name__ == "__main__":
    with coursekit.on_one_core():  # machine_info reports the thread count the figures use
        print(machine_info(), "| device:", coursekit.default_device())
    coursekit.print_table(["figure", "value", "goal"], run())
