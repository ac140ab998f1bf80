"""What the notebooks show: durations, tables, source code and progress bars."""

import inspect
import os
import sys

import numpy as np

SECONDS_PER_YEAR = 365.25 * 86400


DURATION_UNITS = (("years", SECONDS_PER_YEAR), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1),
                  ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


def format_duration(seconds):
    """A duration in the unit a person would use (ns to years), with three significant digits."""
    unit, size = next(((unit, size) for unit, size in DURATION_UNITS if abs(seconds) >= size),
                      DURATION_UNITS[-1])
    value = float(f"{seconds / size:.3g}")
    return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:g} {unit}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(bound):
    """"10⁻¹³" for 1e-13: how the notebooks print a bound that they assert, so that it reads as a
    bound and is never taken for a round-off error that was measured."""
    return "10" + str(round(np.log10(bound))).translate(_SUPERSCRIPTS)


def print_table(headers, rows):
    """Print rows as a Markdown table with aligned columns: first column left, the others right.
    Readable in a notebook, a terminal and a README alike; format numbers before passing them."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]

    def line(row):
        padded = [cell.ljust(width) if column == 0 else cell.rjust(width)
                  for column, (cell, width) in enumerate(zip(row, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = [":" + "-" * (widths[0] - 1)] + ["-" * (width - 1) + ":" for width in widths[1:]]
    print("\n".join([line(cells[0]), line(rule)] + [line(row) for row in cells[1:]]))


PROGRESS_VARIABLE = "COURSE_PROGRESS"  # "text": progress bars as text, e.g. for RISE slideshows


def progress_bar(iterable=None, **options):
    """tqdm's progress bar: a widget in JupyterLab; with $COURSE_PROGRESS=text, a line of text
    updated in place. RISE slideshows render no widgets (jupyterlab-rise 0.43.1), and a kernel
    cannot tell whether JupyterLab or a slideshow shows its output: hence the switch."""
    if os.environ.get(PROGRESS_VARIABLE) == "text":
        from tqdm.std import tqdm
        return tqdm(iterable, file=sys.stdout, **options)
    from tqdm.auto import tqdm
    return tqdm(iterable, **options)


def show_source(obj):
    """Display an object's source code in a notebook, so that a notebook can show library code."""
    from IPython.display import Markdown
    return Markdown(f"```python\n{inspect.getsource(obj)}```")


# --- Figures and tables of notebooks 00–03 ------------------------------------------------------

def verdict(holds):
    """"✓" if a stated bound holds, "✗" if not: how the tables mark a check."""
    return "✓" if holds else "✗"


def print_durations(headers, rows):
    """Print {name: seconds, or a tuple of seconds} as a table, every duration by format_duration
    (a TrainingTime, say, gives one column each for its gradient, epoch and epochs)."""
    print_table(headers, [(name, *map(format_duration, np.atleast_1d(seconds)))
                          for name, seconds in rows.items()])


def print_duration_pairs(headers, best, columns):
    """Print the times {(row, column): seconds} of two columns side by side, and their ratio
    columns[1] / columns[0] with one decimal: headers name the rows, both columns and the ratio.
    Notebooks 01 (float32 / float64) and 02 (dual / plain)."""
    rows = dict.fromkeys(row for row, _ in best)
    print_table(headers, [(row, *(format_duration(best[row, column]) for column in columns),
                           f"{best[row, columns[1]] / best[row, columns[0]]:.1f}×")
                          for row in rows])


def print_arrays(arrays, precision=4):
    """Print {label: array, or a diffType of arrays} one per line, labels aligned, numbers rounded
    to `precision` decimals."""
    width = max(map(len, arrays)) + 1
    with np.printoptions(precision=precision):
        for label, array in arrays.items():
            print(f"{label + ':':{width}}", array)


def print_lines_containing(obj, text):
    """Print the lines of obj's source code (a module, a class, a function) that contain `text`:
    e.g. every definition in diffType that goes through one shared helper."""
    print("\n".join(line for line in inspect.getsource(obj).splitlines() if text in line))


def print_derivative_checks(results, analytic_bound=1e-14, differences_bounds=(1e-13, 1e-9)):
    """Notebook 00's table of derivative checks. results: {f's name: (x, f′(x) by diffType, its
    relative error against the analytic derivative, and against a finite difference)}; a ✓ marks
    an error below analytic_bound, and one between the two differences_bounds."""
    low, high = map(power_of_ten, differences_bounds)
    print_table(["f(x)", "x", "f′(x) by diffType",
                 f"vs analytic: below {power_of_ten(analytic_bound)}",
                 f"vs finite difference: {low} to {high}"],
                [(name, f"{x:g}", f"{slope:.6g}", verdict(analytic < analytic_bound),
                  verdict(differences_bounds[0] < numeric < differences_bounds[1]))
                 for name, (x, slope, analytic, numeric) in results.items()])


def plot_function_and_derivative(xs, values, slopes, by_hand, name):
    """Notebook 00's figure: f (named `name`) at the points xs, its derivative from diffType as a
    broad pale line, and the derivative by hand as a thin dashed one on top: where they agree,
    the dashes run inside the pale line. All four arrays have one entry per point."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 2.5))
    ax.plot(xs, values, label=f"f(x) = {name}")
    ax.plot(xs, slopes, lw=4, alpha=0.4, label="f′(x) from diffType")
    ax.plot(xs, by_hand, "k--", lw=1, label="f′(x) by hand")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.legend()
    plt.show()


def show_image(p, size=28):
    """Show an MNIST image, p: (784,) pixels in [0, 1], row by row, as a small grey picture."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2.2, 2.2))
    ax.imshow(p.reshape(size, size), cmap="gray")
    ax.axis("off")
    plt.show()


def plot_repeats(per_call, statistics):
    """Notebook 01's figure: one bar per repeat, per_call: (n_repeats,) seconds per call (log
    scale), with a line for each of the first three `statistics` {name: seconds} (minimum, median
    and mean), so that one sees which of them a slow repeat moves."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 2.6))
    ax.bar(range(len(per_call)), np.asarray(per_call) * 1e6, color="tab:blue")
    for (name, seconds), color in zip(list(statistics.items())[:3],
                                      ["tab:green", "black", "tab:red"]):
        ax.axhline(seconds * 1e6, color=color, lw=1.5, label=f"{name} {format_duration(seconds)}")
    ax.set_yscale("log")
    ax.set_xlabel("repeat")
    ax.set_ylabel("µs per call")
    ax.legend(loc="upper left", fontsize=8)
    plt.show()


def print_precision_speeds(speeds, peaks):
    """Notebook 01's float32 against float64 table. speeds, peaks: {"float64": FLOP/s,
    "float32": FLOP/s} of one image and of the square matmul (the peak), shown in GFLOP/s, with
    float32's gain and each one's share of its peak."""
    def gflops(flops_per_second):
        return f"{flops_per_second / 1e9:.1f}"

    columns = ("float64", "float32")  # looked up by key, whatever the order of the dicts
    print_table(["GFLOP/s, one core", *columns, "float32 / float64"], [
        ("one image", *(gflops(speeds[x]) for x in columns),
         f"{speeds['float32'] / speeds['float64']:.1f}×"),
        ("512² matmul (the peak)", *(gflops(peaks[x]) for x in columns),
         f"{peaks['float32'] / peaks['float64']:.1f}×"),
        ("one image, share of the peak", *(f"{speeds[x] / peaks[x]:.0%}" for x in columns), "")])


def plot_speeds(gflops):
    """Notebook 01's last figure: a horizontal bar with its value per {name: FLOP/s}, in GFLOP/s;
    one image in float64, float32 and a batch in blue, orange and green, the peaks in grey."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 2.8))
    names, speeds = list(gflops), np.array(list(gflops.values())) / 1e9
    ax.barh(names, speeds, color=["tab:blue", "tab:orange", "tab:green", "tab:grey", "tab:grey"])
    ax.invert_yaxis()
    ax.set_xlabel("GFLOP/s on one core, measured on this machine")
    for y, speed in enumerate(speeds):
        ax.text(speed, y, f" {speed:.1f}", va="center")
    ax.set_xlim(0, speeds.max() * 1.2)
    plt.show()


def print_parameter_sizes(parameters):
    """Notebook 03's table: each parameter's name, shape and number of entries (`.size`)."""
    print_table(["parameter", "shape", "entries"],
                [(name, " × ".join(map(str, x.shape)), f"{x.size:,}")
                 for name, x in parameters._asdict().items()])


def print_chunk_sizes(forward_mode):
    """Notebook 03's table: for each parameter of a ForwardModeGradient, the bytes of one of its
    tangents and how many tangents a chunk holds (`chunk_size`)."""
    print_table(["parameter", "one tangent", "tangents per chunk"],
                [(name, f"{x.numel() * x.element_size():,} bytes",
                  f"{forward_mode.chunk_size(name):,}")
                 for name, x in forward_mode.parameters._asdict().items()])


def print_times_against(headers, seconds, baseline):
    """Print {name: seconds} as durations and as multiples of `baseline` seconds (one decimal
    below 100, none above): the last header names the multiple, e.g. "× plain"."""
    def multiple(s):
        return f"{s / baseline:,.{1 if s < 100 * baseline else 0}f}"

    print_table(headers, [(name, format_duration(s), multiple(s)) for name, s in seconds.items()])


def print_training_times(times, method="forward mode"):
    """Notebook 03's table of what training takes: {name: TrainingTime}, one gradient (of an image
    or of a minibatch), one epoch and 1000 epochs; `method` heads the first column."""
    print_durations([method, "one gradient", "one epoch", "1000 epochs"], times)


def print_cheap_gradient_ratios(reverse):
    """Notebook 03's table: {loss of: (seconds of the loss alone, of the loss and its gradient by
    reverse mode)}, and their ratio, which the cheap gradient principle bounds."""
    print_table(["loss of", "forward", "forward + backward", "ratio"],
                [(name, format_duration(f), format_duration(g), f"{g / f:.1f}")
                 for name, (f, g) in reverse.items()])


def plot_training_times(summary):
    """Notebook 03's last figure: 1000 epochs of each method {name: TrainingTime}, as horizontal
    bars on a log scale from one minute to millions of years, forward mode red, reverse green,
    each labelled with its duration."""
    import matplotlib.pyplot as plt
    thousand_epochs = {method: t.epochs for method, t in summary.items()}
    fig, ax = plt.subplots(figsize=(8, 2.7))
    ax.barh(list(thousand_epochs), list(thousand_epochs.values()),  # forward red, reverse green
            color=["tab:red" if m.startswith("forward") else "tab:green" for m in thousand_epochs])
    for y, t in enumerate(thousand_epochs.values()):
        ax.text(t, y, f" {format_duration(t)}", va="center", fontsize=8)
    year = SECONDS_PER_YEAR
    ax.set(xscale="log", xlim=(60, max(thousand_epochs.values()) * 300),  # room for the labels
           xlabel="training time for 1000 epochs on this machine (log scale; bars start at 1 min)")
    ax.set_xticks([60, 3600, 86400, year, 1e3 * year, 1e6 * year],
                  ["1 min", "1 hour", "1 day", "1 year", "1000 years", "10⁶ years"], fontsize=8)
    ax.minorticks_off()
    ax.grid(axis="x", color="grey", lw=0.5, ls=":")
    ax.invert_yaxis()
    plt.show()


# --- end of notebooks 00–03 ---------------------------------------------------------------------


# --- Figures and tables of notebook 04 ----------------------------------------------------------

def print_splits(data):
    """The table of MNIST's splits (an MNISTSplits): images in each, and the bytes of its pixels
    as the uint8 they are kept in and as the float32 they would take as network inputs."""
    print_table(["split", "images", "uint8 in memory", "as float32"],
                [(name, f"{len(split.labels):,}", f"{split.images.nbytes / 1e6:.1f} MB",
                  f"{4 * split.images.nbytes / 1e6:.1f} MB")
                 for name, split in data._asdict().items()])


def print_history(history):
    """The table of a training's epochs (the Epoch rows that `fit` returns), one row per epoch."""
    print_table(["epoch", "loss", "train accuracy", "validation accuracy", "seconds"],
                [(epoch.epoch, f"{epoch.loss:.4f}", f"{epoch.train_accuracy:.2%}",
                  f"{epoch.validation_accuracy:.2%}", f"{epoch.seconds:.1f}") for epoch in history])


def plot_softmax(scores_by_title, label, image=None, ylabel=None):
    """Bar charts of softmax(scores), one panel per {title: scores (10,)}, the label's bar green;
    with `image` (784,), the digit itself on the left. Scores may be arrays or CPU tensors."""
    import matplotlib.pyplot as plt
    panels = len(scores_by_title)
    if image is None:
        fig, axes = plt.subplots(1, panels, figsize=(4.5 * panels, 2.6), squeeze=False)
        bar_axes = axes[0]
    else:
        fig, axes = plt.subplots(1, 1 + panels, figsize=(2 + 5 * panels, 2.4), squeeze=False,
                                 gridspec_kw={"width_ratios": [1] + [2.5] * panels})
        image_ax, *bar_axes = axes[0]
        image_ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray")
        image_ax.axis("off")
    for ax, (title, scores) in zip(bar_axes, scores_by_title.items()):
        scores = np.asarray(scores, dtype=np.float64)
        probabilities = np.exp(scores - scores.max())  # shifted: scores of 10⁴ do not overflow
        ax.bar(range(len(scores)), probabilities / probabilities.sum(),
               color=["tab:green" if k == label else "tab:grey" for k in range(len(scores))])
        ax.set(title=title, xticks=range(len(scores)), ylim=(0, 1.05))
    if ylabel:
        bar_axes[0].set_ylabel(ylabel)
    plt.show()


def plot_learning_curves(history, smoothing_floor, chosen_epoch):
    """Two panels from a training's Epoch rows: the training loss against the label-smoothing
    floor (the lowest loss there is), and the error rates of training and validation on a log
    scale, with the epoch chosen on validation marked."""
    import matplotlib.pyplot as plt
    epochs = [epoch.epoch for epoch in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 2.5))
    left.plot(epochs, [epoch.loss for epoch in history], "o-")
    left.axhline(smoothing_floor, color="grey", ls=":", label="label-smoothing floor")
    left.set(xlabel="epoch", ylabel="training loss", title="loss",
             ylim=(smoothing_floor - 0.05, None))
    left.legend()
    right.plot(epochs, [100 * (1 - epoch.train_accuracy) for epoch in history], "o-",
               label="train (during the epoch)")
    right.plot(epochs, [100 * (1 - epoch.validation_accuracy) for epoch in history], "s-",
               label="validation")
    right.axvline(chosen_epoch, color="tab:green", ls="--", label=f"chosen: epoch {chosen_epoch}")
    right.set(xlabel="epoch", ylabel="error rate (%), log scale", title="errors", yscale="log")
    right.legend(loc="lower left")
    plt.show()


def plot_confusion_matrix(confusion, title="test set (log colour scale)"):
    """A confusion matrix (classes, classes) of counts, rows the true class and columns the
    predicted one: every non-zero count written in its cell, colours on a log scale so that the
    few errors show beside the thousands on the diagonal."""
    import matplotlib.pyplot as plt
    confusion = np.asarray(confusion)
    fig, ax = plt.subplots(figsize=(4.0, 3.6))
    ax.imshow(np.log1p(confusion), cmap="Blues")
    for true, predicted in zip(*np.nonzero(confusion)):
        ax.text(predicted, true, int(confusion[true, predicted]), ha="center", va="center",
                fontsize=7, color="white" if true == predicted else "black")
    classes = range(len(confusion))
    ax.set(xlabel="predicted", ylabel="true", xticks=classes, yticks=classes, title=title)
    plt.show()


def plot_misclassified(images, labels, predicted, indices):
    """The digits images[i] (n, 784) for i in `indices`, in two rows, each titled
    "#i: label → predicted"; images, labels and predictions as arrays or CPU tensors."""
    import matplotlib.pyplot as plt
    indices = [int(i) for i in indices]
    columns = -(-len(indices) // 2)
    fig, axes = plt.subplots(2, columns, figsize=(1.25 * columns, 3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, indices):
        ax.imshow(np.asarray(images[index]).reshape(28, 28), cmap="gray")
        ax.set_title(f"#{index}: {int(labels[index])} → {int(predicted[index])}", fontsize=8)
    plt.show()


# --- end of notebook 04 -------------------------------------------------------------------------


# --- Figures and tables of notebooks 05–06 ------------------------------------------------------

def bound_verdict(value, bound):
    """"below 10⁻¹² ✓" if value < bound, else "not below 10⁻¹² ✗": a table's entry for an error
    whose bound the notebook asserts. It prints the bound, never the error, which is round-off
    and differs between machines."""
    bound_text = power_of_ten(bound)
    return f"below {bound_text} ✓" if value < bound else f"not below {bound_text} ✗"


def print_pairs(headers, pairs, verdict):
    """Print {row: (a, b)}, two numbers computed two ways, to 6 significant digits with their
    signs, and a last column verdict(a, b): the text that says whether they agree."""
    print_table(headers, [(row, f"{a:+.6g}", f"{b:+.6g}", verdict(a, b))
                          for row, (a, b) in pairs.items()])


def print_numpy_history(history):
    """Print the rows of fit_numpy (NumpyEpoch: epoch, loss, validation accuracy, seconds)."""
    print_table(["epoch", "training loss", "validation accuracy", "seconds"],
                [(row.epoch, f"{row.loss:.4f}", f"{row.validation_accuracy:.2%}",
                  f"{row.seconds:.1f}") for row in history])


def report_differences(first_header, x, references):
    """Compare x with references {name: (reference array, bound)}: print one row per reference,
    "below <bound> ✓" if largest_difference(x, reference) is below the bound, and return the
    differences {name: largest difference / largest entry}, for the notebook to assert."""
    from .reverse_mode import largest_difference
    differences = {name: largest_difference(x, reference)
                   for name, (reference, _) in references.items()}
    print_table([first_header, "largest difference / largest entry"],
                [(name, bound_verdict(differences[name], bound))
                 for name, (_, bound) in references.items()])
    return differences


def report_first_reaching(target, curves, first_header):
    """Print, for each curve {name: rows (steps, seconds, loss)}, the steps and seconds of its
    first row whose loss is at most target; return those rows {name: (steps, seconds, loss)}."""
    first = {name: next(row for row in curve if row[2] <= target)
             for name, curve in curves.items()}
    print_table([first_header, "steps", "seconds"],
                [(name, steps, f"{seconds:.2f}") for name, (steps, seconds, _) in first.items()])
    return first


def report_timings(first_header, timings, ratio=None):
    """Print timings {row: {column: seconds}}, every row with the same columns (as
    measure_in_turns returns them), as a table of durations. ratio=(a, b) adds the column "a / b",
    the ratio of two of the columns, with one decimal, and returns the ratios {row: a / b}."""
    columns = list(next(iter(timings.values())))
    ratios = {row: seconds[ratio[0]] / seconds[ratio[1]] for row, seconds in timings.items()
              } if ratio else {}
    print_table([first_header, *columns, *([f"{ratio[0]} / {ratio[1]}"] if ratio else [])],
                [(row, *(format_duration(seconds[column]) for column in columns),
                  *([f"{ratios[row]:.1f}"] if ratio else []))
                 for row, seconds in timings.items()])
    return ratios or None


def plot_bytes_kept(batch_sizes, kept, parameter_bytes=None, title="What the graph keeps",
                    figsize=(6.5, 2.5)):
    """Notebooks 05 and 06: the megabytes that graphs keep for the backward pass against the
    batch size, log-log. kept: {label: [bytes, one per batch size]}; parameter_bytes, if given,
    a dashed grey line: the parameters, which exist anyway."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=figsize)
    for label, kept_bytes in kept.items():
        ax.loglog(batch_sizes, np.array(kept_bytes) / 1e6, "o-", label=label)
    if parameter_bytes is not None:
        ax.axhline(parameter_bytes / 1e6, color="tab:grey", linestyle="--", label="the parameters")
    ax.set(xlabel="images in the batch", ylabel="MB", title=title)
    ax.legend()
    plt.show()


def plot_loss_curves(curves):
    """Notebook 06's figure: {name: rows (steps, seconds, loss)} in two panels that share the
    loss axis (log): the loss against the steps, and against the seconds. Both x axes are linear
    near 0 and logarithmic beyond (symlog), so that the first steps and the last both show."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
    for column, (ax, unit) in enumerate(zip(axes, ["steps", "seconds (one core)"])):
        for name, curve in curves.items():
            ax.plot([row[column] for row in curve], [row[2] for row in curve], "o-", markersize=3,
                    label=name)
        ax.set_xscale("symlog", linthresh=1 if column == 0 else 0.01)
        ax.set(xlabel=unit, yscale="log")
    axes[0].set(ylabel="mean cross-entropy, 5,000 images")
    axes[1].legend()
    plt.show()


# --- end of notebooks 05–06 ---------------------------------------------------------------------
