"""Checks of notebook 03, the cost of forward mode: Exercises 3.1 to 3.3.

Each check takes the student's function, runs it on cases that it builds itself (the course's own
sizes, edge cases, a second size, random draws), and tests the properties that the exercise states.
Read one with `check.exercise_3_1??`.
"""

import contextlib
import inspect
import numbers
import pkgutil

import numpy as np

from checks.core import attempt, exercise, out_of_reach


@contextlib.contextmanager
def _own_work(hint, answer, *dotted_names):
    """The course's functions `dotted_names` fail with `hint` while the block runs: where they
    live, and under any other name that the answer's module gave them (`from coursekit import`)."""
    targets = [pkgutil.resolve_name(name) for name in dotted_names]
    namespace = getattr(answer, "__globals__", {})
    aliases = [name for name, value in namespace.items()
               if any(_same(value, target) for target in targets)]
    with out_of_reach(hint, *dotted_names, *aliases, namespace=namespace):
        yield


def _same(x, y):
    """x is y, or both are the same method of the same object (`CostModel.through` makes a new
    bound method at every access)."""
    return x is y or (inspect.ismethod(x) and inspect.ismethod(y)
                      and x.__func__ is y.__func__ and x.__self__ is y.__self__)


def _is_count(x):
    """A whole number of Python's or numpy's integer types; neither a float nor a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def _is_seconds(x):
    """One real number: int, float or a numpy scalar; not a bool, an array or a tuple."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


@exercise("3.1", "as many tangents as fit the budget, and not one more.")
def exercise_3_1(tangents_that_fit):
    """Exact counts and an int type: the course's sizes, budgets of 0, of less than one tangent, of
    exact multiples and a byte short of the next one; 2, 4 and 8 bytes per entry; shapes of one to
    three dimensions, as a tuple or a list, which must come back unchanged."""
    hint_bytes = ("a tangent has an entry for every element of the shape, each of bytes_per_entry "
                  "bytes")
    matrix, vector = 784 * 784, 784
    cases = [
        (2**27, (784, 784), 4),  # the CPU's budget: 54 tangents of w
        (2**27, (784, 10), 4), (2**27, (784,), 8),
        (2**27, (10,), 4),  # far more tangents than b has entries: no cap here
        (0, (784, 784), 4),  # no budget, no tangent
        (matrix * 4 - 1, (784, 784), 4),  # a byte short of one tangent
        (3 * vector * 8, [784], 8),  # exactly three; the shape as a list
        (3 * vector * 8 - 1, (784,), 8),  # a byte short of three
        (5 * 2 * 3 * 4 * 2, (2, 3, 4), 2),
    ]
    rng = np.random.default_rng(31)
    for draw in range(200):
        shape = tuple(int(n) for n in rng.integers(1, 900, size=rng.integers(1, 4)))
        bytes_per_entry = int(rng.choice([2, 4, 8]))
        tangent_bytes = int(np.prod(shape)) * bytes_per_entry
        count = int(rng.integers(0, 200))  # a budget of exactly `count` tangents, or a little more
        spare = (0, int(rng.integers(0, tangent_bytes)), tangent_bytes - 1)[draw % 3]
        cases.append((count * tangent_bytes + spare, shape, bytes_per_entry))

    for budget, shape, bytes_per_entry in cases:
        given, where = list(shape), f"tangents_that_fit({budget:,}, {shape}, {bytes_per_entry})"
        fit = attempt(where, hint_bytes, tangents_that_fit, budget, shape, bytes_per_entry)
        assert list(shape) == given, (
            f"{where} changed the shape it was given to {shape}. Hint: read the shape, never "
            "change it: the caller still needs it")
        assert _is_count(fit), (
            f"{where} returned {fit!r}, a {type(fit).__name__}. Hint: a count of tangents is a "
            "whole number: return an int")
        tangent_bytes = int(np.prod(given)) * bytes_per_entry
        one_too_many = (fit - 1) * tangent_bytes <= budget
        assert fit >= 0 and fit * tangent_bytes <= budget, (
            f"{where} = {fit}, but {fit} tangent{'s' * (fit != 1)} take "
            f"{fit * tangent_bytes:,} bytes, more than the budget. Hint: "
            + ("only whole tangents fit: a part of one is none" if one_too_many else hint_bytes))
        assert (fit + 1) * tangent_bytes > budget, (
            f"{where} = {fit}, but {fit + 1} tangents fit the budget too. Hint: " + (
                "count every tangent that fits, even more than the shape has entries: "
                "chunk_size caps that, not this function" if fit == int(np.prod(given))
                else hint_bytes))


@exercise("3.2", "the fixed cost and the cost per tangent, apart.")
def exercise_3_2(fit_cost_model):
    """(t0, c) in this order, exact up to round-off: the course's sizes, either chunk the larger, a
    falling line (c < 0), a negative and a zero fixed cost, a flat line, int measurements, and
    random lines; returned as a tuple, a list or an array of two numbers."""
    cases = [  # t0, c, n1, n2: the line and the two chunks measured on it
        (1.6e-3, 1.56e-4, 6, 27),  # about this notebook's CPU
        (1.6e-3, 1.56e-4, 27, 6),  # the larger chunk first
        (-1e-3, 2e-4, 10, 30),  # a negative fixed cost: noise can put the line below 0 at n = 0
        (2e-3, -1e-5, 5, 50),  # a falling line: the larger chunk timed faster, on a busy machine
        (0.0, 0.25, 4, 12),  # no fixed cost
        (3e-3, 0.0, 5, 50),  # no cost per tangent
    ]
    rng = np.random.default_rng(32)
    for draw in range(60):
        t0 = rng.uniform(1e-4, 1e-2) * (-1 if draw % 5 == 4 else 1)
        c = rng.uniform(1e-6, 1e-3) * (-1 if draw % 4 == 3 else 1)
        n1, n2 = (int(n) for n in rng.choice(np.arange(1, 1000), size=2, replace=False))
        cases.append((t0, c, n1, n2))
    measured = [(n1, t0 + c * n1, n2, t0 + c * n2) for t0, c, n1, n2 in cases]
    cases.append((11 / 3, 5 / 3, 2, 5))  # int measurements: 7 s for 2 tangents, 12 s for 5
    measured.append((2, 7, 5, 12))

    hint = "the line through both points: its slope, then where it meets n = 0"
    with _own_work("it calls the course's own fit, CostModel.through; write your own",
                   fit_cost_model, "coursekit.CostModel.through"):
        for (t0, c, *_), (n1, t1, n2, t2) in zip(cases, measured):
            fitted = attempt(f"fit_cost_model({n1}, {t1:.4g}, {n2}, {t2:.4g})", hint,
                             fit_cost_model, n1, t1, n2, t2)
            _judge_fit(fitted, t0, c, n1, t1, n2, t2)


def _judge_fit(fitted, t0, c, n1, t1, n2, t2):
    """Assert that `fitted` is (t0, c) up to round-off, else say which property fails."""
    where = f"fit_cost_model({n1}, {t1:.4g}, {n2}, {t2:.4g})"
    assert (isinstance(fitted, (tuple, list, np.ndarray)) and len(fitted) == 2
            and all(_is_seconds(x) for x in fitted)), (
        f"{where} returned {fitted!r}. Hint: return two numbers, the fixed cost and the cost per "
        "tangent, in this order: (t0, c)")
    fitted_t0, fitted_c = fitted
    scale = max(abs(t1), abs(t2))  # round-off is relative to the measured seconds
    c_tolerance = 1e-9 * (abs(c) + scale / abs(n2 - n1))
    t0_tolerance = 1e-9 * (abs(t0) + scale + abs(c) * max(n1, n2))
    c_right = abs(fitted_c - c) <= c_tolerance
    if c_right and abs(fitted_t0 - t0) <= t0_tolerance:
        return
    line = f"the line t0 = {t0:.4g}, c = {c:.4g}"
    assert not (abs(fitted_t0 - c) <= c_tolerance and abs(fitted_c - t0) <= t0_tolerance), (
        f"{where} returned (c, t0) of {line}, np.polyfit's order. Hint: the exercise asks for "
        "(t0, c): the fixed cost first")
    assert c_right or c == 0 or abs(fitted_c + c) > c_tolerance, (
        f"{where}: c = {fitted_c:.4g} has the wrong sign for {line}. Hint: c is how much t grows "
        "per added tangent; where the larger chunk took less time, t falls and c < 0")
    assert c_right, (
        f"{where}: c = {fitted_c:.4g}, but the points lie on {line}. Hint: both timings "
        "contain the fixed cost t0, and c is what each added tangent adds: neither point alone "
        "holds c.")
    assert not (t0 < 0 and (fitted_t0 == 0 or abs(fitted_t0 + t0) <= t0_tolerance)), (
        f"{where}: t0 = {fitted_t0:.4g} for {line}. Hint: return the line through both points as "
        "it is, even where it meets n = 0 below zero: noise can do that, and the fit must show it")
    assert False, (
        f"{where}: t0 = {fitted_t0:.4g}, but the points lie on {line}. Hint: t0 is the time that "
        "the line through both points gives at n = 0 tangents")


@exercise("3.3", "tangents per gradient × gradients per epoch × epochs.")
def exercise_3_3(forward_mode_training_seconds):
    """One number of seconds, exact up to round-off, on distinct counts (so that a missing or an
    extra count shows), int and float seconds, one image, one epoch, 0 epochs, and random sizes.
    An answer that is off says which argument it does not scale with."""
    cases = [  # n_parameters, per_tangent, n_images, n_epochs
        (623_290, 1.85e-4, 2, 3),  # the course's network; few images, so that loops finish
        (29, 0.75, 13, 11), (11, 3, 17, 7), (7, 2.5e-5, 1, 1), (5, 1.5, 19, 0),
    ]
    # For each argument: its position, and the rule that makes the training time proportional to
    # it (the hints for an answer that does not double when that argument doubles).
    proportional = {
        "per_tangent": (1, "each tangent's pass costs per_tangent seconds"),
        "n_parameters": (0, "what does one tangent give you, and how many of those make a "
                            "gradient?"),
        "n_images": (2, "which image's loss does one forward-mode pass differentiate, and which "
                        "images does an epoch train on?"),
        "n_epochs": (3, "every epoch repeats the work of the first"),
    }
    rng = np.random.default_rng(33)
    for _ in range(20):
        counts = [int(n) for n in rng.choice(np.arange(2, 60), size=3, replace=False)]
        cases.append((counts[0], float(rng.uniform(1e-6, 1.0)), counts[1], counts[2]))

    def seconds(*case):
        return attempt(f"forward_mode_training_seconds{case}",
                       "run it by hand on small counts: 2 parameters, 3 images, 1 epoch",
                       forward_mode_training_seconds, *case)

    with _own_work("it calls the course's own coursekit.training_time; multiply it out yourself",
                   forward_mode_training_seconds, "coursekit.training_time"):
        for case in cases:
            n_parameters, per_tangent, n_images, n_epochs = case
            found, expected = seconds(*case), n_parameters * per_tangent * n_images * n_epochs
            where = f"forward_mode_training_seconds{case}"
            assert _is_seconds(found), (
                f"{where} returned {found!r}. Hint: return one number, the seconds of the whole "
                "training")
            if abs(found - expected) <= 1e-9 * abs(expected):
                continue
            assert n_epochs, f"{where} = {found!r}. Hint: 0 epochs train nothing and take no time"
            # within 1%: rounded or truncated (a missing or extra count is off by far more)
            assert not abs(found - expected) <= 1e-2 * abs(expected), (
                f"{where} = {found!r}, close to the right time but not equal. Hint: keep the "
                "seconds as they are; round only when you print them")
            for name, (position, rule) in proportional.items():
                doubled = list(case)
                doubled[position] *= 2
                again = seconds(*doubled)
                doubles = _is_seconds(again) and abs(again - 2 * found) <= 1e-9 * abs(2 * found)
                assert doubles, (
                    f"{where} = {found:.6g} s, and with twice {name} "
                    f"{f'{again:.6g}' if _is_seconds(again) else repr(again)} s: the time should "
                    f"double. Hint: {rule}")
            assert False, (
                f"{where} = {found:.6g} s: it scales with every count but is off by a factor "
                f"{found / expected:.6g}. Hint: 1 parameter, 1 image and 1 epoch take one "
                "tangent: per_tangent seconds")
