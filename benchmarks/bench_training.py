"""Notebook 04 in figures: the course's training loop against a bare PyTorch loop, and accuracy in 30 s.

Run: python benchmarks/bench_training.py
"""

import time

import torch

import coursekit

EPOCHS_TIMED = 2


def bare_loop(data, epochs, batch_size=256, seed=0):
    """Idiomatic minimal PyTorch over the same tensors, with the same loss and optimizer:
    nn.Sequential, Adam, label smoothing 0.1; no schedule, no bookkeeping, no progress bar."""
    train_images, train_labels = data[0], data[1]
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 784), torch.nn.ReLU(), torch.nn.Linear(784, 10)).to(train_images.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for batch in torch.randperm(len(train_labels), device=train_images.device).split(batch_size):
            loss = torch.nn.functional.cross_entropy(model(train_images[batch]), train_labels[batch], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def wall_seconds_per_epoch(train_epochs):
    start = time.perf_counter()
    result = train_epochs(EPOCHS_TIMED)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / EPOCHS_TIMED, result


def run():
    data = coursekit.mnist_tensors()
    course = lambda epochs: coursekit.train(coursekit.he_parameters(seed=0), data, epochs=epochs, progress=False)
    bare = lambda epochs: bare_loop(data, epochs)
    course(1), bare(1)  # warm-up
    course_walls, course_epochs, bare_epochs = [], [], []
    for _ in range(2):  # alternate, and keep the best of each: both see the same machine load
        wall, history = wall_seconds_per_epoch(course)
        course_walls.append(wall)
        course_epochs.append(sum(epoch["seconds"] for epoch in history) / len(history))  # the loop's own timing
        bare_epochs.append(wall_seconds_per_epoch(bare)[0])
    course_wall, course_epoch, bare_epoch = min(course_walls), min(course_epochs), min(bare_epochs)

    start = time.perf_counter()
    history = coursekit.train(coursekit.he_parameters(seed=0), data, epochs=10, progress=False)
    full_run = time.perf_counter() - start
    return [
        ("course loop: seconds per epoch, training", course_epoch, "s", ""),
        ("course loop: with its per-epoch test evaluation", course_wall, "s", ""),
        ("course loop: images per second", 60_000 / course_epoch, "/s", ""),
        ("bare nn.Sequential loop: seconds per epoch", bare_epoch, "s", ""),
        ("bare nn.Sequential loop: images per second", 60_000 / bare_epoch, "/s", ""),
        ("course / bare throughput", bare_epoch / course_epoch, "×", "≥ 0.9"),
        ("10 epochs of the course's training: seconds", full_run, "s", "≤ 30"),
        ("test accuracy after those 10 epochs", 100 * history[-1]["test_accuracy"], "%", "≥ 98.3"),
    ]


if __name__ == "__main__":
    from run_all import print_table
    print(coursekit.machine_info(), "| device:", coursekit.device())
    print_table("Training (notebook 04)", run())
