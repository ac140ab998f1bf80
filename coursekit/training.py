"""Training the network on MNIST with PyTorch (notebook 04): splits, normalization, fit."""

import time
import warnings
from typing import Any, NamedTuple

import numpy as np

from .display import progress_bar
from .mnist import mnist_arrays
from .network import Parameters, default_device, forward, forward_torch


class Split(NamedTuple):
    """Images and labels of one part of MNIST, as tensors on the training device."""
    images: Any  # (n, 784) uint8 pixels 0 to 255; `normalize` turns a batch into network inputs
    labels: Any  # (n,) int64 digits


class MNISTSplits(NamedTuple):
    train: Split  # what the network learns from
    validation: Split  # held out from the training images: for choosing among the epochs
    test: Split  # the 10,000 test images: reported once, at the very end


def mnist_tensors(device=None, validation_size=10_000, root=None):
    """MNIST on `device` in three splits: the last `validation_size` of the 60,000 training images
    are the validation split, the others the training split. Pixels stay uint8 (a quarter of
    float32's memory) until `normalize` turns a batch into inputs."""
    import torch
    data, device = mnist_arrays(root), device or default_device()
    if not 0 < validation_size < len(data.train_labels):
        raise ValueError(f"validation_size must be between 1 and 59,999, not {validation_size}")
    n_train = len(data.train_labels) - validation_size

    def split(images, labels):  # shares the cached arrays' memory on the CPU: no copy
        with warnings.catch_warnings():  # they are read-only, and nothing here writes to them
            warnings.filterwarnings("ignore", "The given NumPy array is not writable")
            return Split(torch.from_numpy(images).to(device), torch.from_numpy(labels).to(device))

    return MNISTSplits(split(data.train_images[:n_train], data.train_labels[:n_train]),
                       split(data.train_images[n_train:], data.train_labels[n_train:]),
                       split(data.test_images, data.test_labels))


PIXEL_MEAN, PIXEL_STD = 33.40, 78.67  # of the training split's pixels, 0 to 255 (notebook 04)


def pixel_statistics(images):
    """The mean and standard deviation (floats) of all pixels of uint8 images (n, 784), counted by
    value: 256 counts instead of a float64 copy of every pixel (313 MB for the training split)."""
    import torch
    counts = torch.bincount(images.flatten(), minlength=256).cpu().double()  # pixels per value
    values = torch.arange(256, dtype=torch.float64)
    mean = (counts * values).sum() / counts.sum()
    std = ((counts * (values - mean) ** 2).sum() / counts.sum()).sqrt()
    return mean.item(), std.item()


def normalize(images):
    """uint8 pixels (n, 784) → float32 network inputs, centred with unit variance on the training
    split, so that the first layer starts with activations of order 1."""
    import torch
    if images.dtype != torch.uint8:  # normalizing twice would go unnoticed
        raise TypeError(f"normalize takes uint8 pixels, not {images.dtype}")
    return images.float().sub_(PIXEL_MEAN).div_(PIXEL_STD)  # in place: one new tensor, not three


def unit_interval(images):
    """uint8 pixels (n, 784) → float32 inputs in [0, 1]: the original exercise's inputs, neither
    centred nor scaled to unit variance as `normalize`'s are (notebook 04 reruns the original)."""
    return images.float() / 255


def predict_scores(parameters, images, batch_size=256, to_inputs=None):
    """The scores o (n, 10) of uint8 images (n, 784), without autograd. A batch at a time: the
    hidden layer of all 10,000 test images at once would take 31 MB, twice; batches of 1000 leave
    torch 2.14 holding 47 MB more than batches of 256, the size training uses (Binder's 1 GB).
    `to_inputs` turns a batch of pixels into network inputs: `normalize` unless told otherwise."""
    import torch
    to_inputs = to_inputs or normalize
    with torch.no_grad():
        return torch.cat([forward_torch(to_inputs(batch), *parameters)
                          for batch in images.split(batch_size)])


def accuracy(parameters, split):
    """The fraction of the split's images whose highest score is their label."""
    correct = predict_scores(parameters, split.images).argmax(1) == split.labels
    return correct.sum().item() / len(split.labels)


def shuffled_batches(split, batch_size, generator):
    """One epoch of (images, labels) minibatches, drawn without replacement in a random order."""
    import torch
    order = torch.randperm(len(split.labels), generator=generator).to(split.labels.device)
    for batch in order.split(batch_size):
        yield split.images[batch], split.labels[batch]


LABEL_SMOOTHING = 0.1  # the target puts 0.91 on the label and 0.01 on each other digit


def training_clock(device):
    """The clock for training times on `device`: on the CPU, CPU time, as measure_in_turns counts
    it (one thread, as on_one_core sets: the time on a core, waits for it left out); on a GPU,
    wall time, for the GPU works while the CPU waits."""
    import torch
    return time.perf_counter if torch.device(device).type == "cuda" else time.process_time


def fit_epoch(parameters, optimizer, schedule, batches):
    """One pass over the batches, one optimizer step per batch. Returns the epoch's mean loss and
    accuracy, both measured on the fly while the parameters change, and its seconds (by
    `training_clock`)."""
    import torch
    clock = training_clock(parameters[0].device)
    start, loss_sum, correct, count = clock(), 0, 0, 0
    for images, labels in batches:
        scores = forward_torch(normalize(images), *parameters)
        loss = torch.nn.functional.cross_entropy(scores, labels, label_smoothing=LABEL_SMOOTHING)
        optimizer.zero_grad()  # .grad accumulates: reset it before every backward pass
        loss.backward()
        optimizer.step()
        schedule.step()
        with torch.no_grad():  # summed on the device: no waiting for a GPU at every step
            loss_sum += loss * len(labels)
            correct += (scores.argmax(1) == labels).sum()
        count += len(labels)
    mean_loss, train_accuracy = loss_sum.item() / count, correct.item() / count  # waits for a GPU
    return mean_loss, train_accuracy, clock() - start


class Epoch(NamedTuple):
    epoch: int  # 1, 2, …
    loss: float  # mean training loss, label smoothing included
    train_accuracy: float  # measured during the epoch, while the parameters change
    validation_accuracy: float  # after the epoch
    seconds: float  # the epoch's training, without the validation, by training_clock


def fit(parameters, data, epochs=10, batch_size=256, max_lr=3e-3):
    """Train on data.train with Adam and a one-cycle learning rate (notebook 04 explains why).
    Returns one Epoch per epoch, and a copy of the parameters of the best validation epoch."""
    import torch
    optimizer = torch.optim.Adam(parameters, lr=max_lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr, epochs=epochs, steps_per_epoch=-(-len(data.train.labels) // batch_size))
    generator, history, chosen = torch.Generator().manual_seed(0), [], None
    for epoch in (bar := progress_bar(range(1, epochs + 1), desc="training", unit="epoch")):
        batches = shuffled_batches(data.train, batch_size, generator)
        loss, train_accuracy, seconds = fit_epoch(parameters, optimizer, schedule, batches)
        history.append(Epoch(epoch, loss, train_accuracy, accuracy(parameters, data.validation),
                             seconds))
        bar.set_postfix(validation_accuracy=f"{history[-1].validation_accuracy:.2%}")
        if max(history, key=lambda row: row.validation_accuracy) is history[-1]:  # first best
            chosen = Parameters(*(x.detach().clone() for x in parameters))
    return history, chosen


# Training in numpy, with a reverse-mode engine written in the course (notebook 05).

def normalized_pixels(images, dtype="float32"):
    """uint8 pixels (n, 784) → network inputs (n, 784) of dtype, as `normalize` makes them for
    PyTorch. By a table of 256 values, one per byte: MNIST stays uint8 (47 MB) until a batch is
    used, and a batch's inputs cost one lookup."""
    table = ((np.arange(256) - PIXEL_MEAN) / PIXEL_STD).astype(dtype)
    return table[images]


def numpy_accuracy(parameters, images, labels, batch_size=2000):
    """The fraction of uint8 images (n, 784) whose highest score by the numpy `forward`, with
    numpy parameters, is their label (n,). A batch at a time keeps the memory small."""
    correct = sum(int((forward(normalized_pixels(images[i:i + batch_size], parameters[0].dtype),
                               *parameters).argmax(1) == labels[i:i + batch_size]).sum())
                  for i in range(0, len(labels), batch_size))
    return correct / len(labels)


class NumpyEpoch(NamedTuple):
    epoch: int  # 1, 2, …
    loss: float  # mean training loss of the epoch's batches
    validation_accuracy: float  # after the epoch
    seconds: float  # CPU time of the epoch's training, without the validation (notebook 01)


def fit_numpy(sgd_step, parameters, train, validation, epochs, lr, batch_size=128, seed=0):
    """Minibatch SGD in numpy, the loop of notebook 04 around a step that the student writes:
    `sgd_step(parameters, inputs, labels, lr)` changes the numpy arrays of `parameters` in place
    and returns the batch's loss. train, validation: (uint8 images (n, 784), labels (n,)).
    Returns one NumpyEpoch per epoch, and a copy of the parameters of the best validation epoch."""
    rng, history, chosen = np.random.default_rng(seed), [], None
    images, labels = train
    for epoch in range(1, epochs + 1):
        start, order = time.process_time(), rng.permutation(len(labels))
        losses = [sgd_step(parameters, normalized_pixels(images[batch], parameters[0].dtype),
                           labels[batch], lr)
                  for batch in np.array_split(order, len(order) // batch_size)]
        seconds = time.process_time() - start
        history.append(NumpyEpoch(epoch, float(np.mean(losses)),
                                  numpy_accuracy(parameters, *validation), seconds))
        if max(history, key=lambda row: row.validation_accuracy) is history[-1]:  # first best
            chosen = Parameters(*(np.copy(x) for x in parameters))
    return history, chosen
