"""The course's helpers, one module per kind of reader; `import coursekit` serves them all.

diffType.py is what the course teaches; coursekit keeps the notebooks short. Every helper is
defined once, in the module of what it is, and used by the notebooks, the checks and the
benchmarks alike:

- `network`: the network o = ReLU(p·w + a)·v + b in numpy, torch and loops, and its parameters;
- `timing`: timing as notebook 01 teaches it (`measure`, `measure_in_turns`, `on_one_core`);
- `forward_mode`: forward mode at scale and what training by it would cost (notebooks 02, 03);
- `training`: training with PyTorch on MNIST (notebook 04), and in numpy (notebook 05);
- `display`: what the notebooks show (durations, tables, figures, source code, progress bars);
- `reverse_mode`: measuring a reverse-mode engine (notebooks 05, 06): what its graph keeps;
- `notebooks`: code that spans cells (`add_to_class`) and notebooks (`engine_from_notebook`);
- `mnist`: checksummed MNIST; `python -m coursekit` fetches and verifies it into data/.

The machine description for benchmark reports lives in benchmarks/machine.py.
"""

import warnings

# torch 2.14's forward mode (torch.func.jvp) scripts its own helper functions on first use with
# torch.jit.script, which torch itself deprecates: a FutureWarning students can do nothing about.
warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated",
                        category=FutureWarning)

from .display import (  # noqa: E402 (the filter above comes first)
    DURATION_UNITS, PROGRESS_VARIABLE, SECONDS_PER_YEAR, format_duration, power_of_ten,
    print_table, progress_bar, show_source)
from .display import (  # noqa: E402 (notebooks 00–03)
    plot_function_and_derivative, plot_repeats, plot_speeds, plot_training_times, print_arrays,
    print_cheap_gradient_ratios, print_chunk_sizes, print_derivative_checks, print_duration_pairs,
    print_durations, print_lines_containing, print_parameter_sizes, print_precision_speeds,
    print_times_against, print_training_times, show_image, verdict)
from .display import (  # noqa: E402 (notebook 04)
    plot_confusion_matrix, plot_learning_curves, plot_misclassified, plot_softmax, print_history,
    print_splits)
from .display import (  # noqa: E402 (notebooks 05–06)
    bound_verdict, plot_bytes_kept, plot_loss_curves, report_differences, report_first_reaching,
    print_numpy_history, print_pairs, report_timings)
from .forward_mode import (  # noqa: E402
    CPU_TANGENT_BYTES, EPOCHS, TRAINING_IMAGES, CostModel, ForwardModeGradient, ScalarPass,
    ForwardModeSeconds, TimedGradient, TrainingTime, batched_jvp_cost, time_forward_mode_gradient,
    forward_mode_seconds, reverse_mode_seconds, scalar_forward_mode, tangent_memory_budget,
    training_time, vectorized_forward_mode)
from .mnist import (  # noqa: E402
    DATA_DIR, MNIST, MNIST_MD5, SOURCE_VARIABLE, MNISTError, ensure_mnist, load_test_image,
    mnist_arrays)
from .network import (  # noqa: E402
    N_PARAMETERS, RUNNING_EXAMPLE, Parameters, cross_entropy_loss, default_device, forward,
    forward_loops, forward_torch, he_parameters, nested_lists, one_hot, relative_error,
    uniform_parameters)
from .notebooks import ENGINE_TAG, add_to_class, engine_from_notebook  # noqa: E402
from .reverse_mode import (  # noqa: E402
    arrays_held, arrays_kept, bytes_kept, largest_difference, memory_of)
from .timing import Timing, measure, measure_in_turns, on_one_core  # noqa: E402
from .training import (  # noqa: E402
    LABEL_SMOOTHING, PIXEL_MEAN, PIXEL_STD, Epoch, MNISTSplits, Split, accuracy, fit, fit_epoch,
    mnist_tensors, normalize, pixel_statistics, predict_scores, shuffled_batches, training_clock,
    unit_interval)
from .training import (  # noqa: E402 (training in numpy, with notebook 05's engine)
    NumpyEpoch, fit_numpy, normalized_pixels, numpy_accuracy)

__all__ = [name for name in dir() if not name.startswith("_") and name != "warnings"]
