"""The checks of notebook 01, the forward pass and how to time it: Exercises 1.1 to 1.3.

Each check takes the student's function as its argument, `check.exercise_1_1(forward)`, and tests
properties of what it returns, never its spelling, and never seconds against a clock.
"""

import contextlib
import numbers
import statistics
import time
import timeit
from unittest import mock

import numpy as np

import coursekit
from checks.core import attempt, exercise, out_of_reach
from diffType import diffType

COURSE_NETWORK = ("coursekit.forward", "coursekit.forward_loops")


@contextlib.contextmanager
def _course_network_out_of_reach(hint, answer):
    """coursekit's forward and forward_loops fail with `hint` while the block runs: where they
    live, and under any name that the answer's module (a notebook) gave them, such as
    `from coursekit import forward as run_network`."""
    namespace = getattr(answer, "__globals__", {})
    course = [getattr(coursekit, name.split(".")[-1]) for name in COURSE_NETWORK]
    aliases = [name for name, value in list(namespace.items())
               if any(value is function for function in course)]
    with out_of_reach(hint, *COURSE_NETWORK), out_of_reach(hint, *aliases, namespace=namespace):
        yield


# --- Exercise 1.1: the forward pass --------------------------------------------------------------


def _random_network(rng, n_in, n_hidden, n_out, n_images, positive=False, biases=True):
    """A random batch p of n_images and parameters v, w, a, b; positive entries keep every ReLU
    open, and biases=False makes a and b zero."""
    def draw(*shape):
        return np.abs(rng.normal(size=shape)) if positive else rng.normal(size=shape)
    return (draw(n_images, n_in), draw(n_hidden, n_out), draw(n_in, n_hidden),
            draw(n_hidden) * biases, draw(n_out) * biases)


def _at_the_kink(rng, n_in, n_hidden, n_out, n_images):
    """A batch and parameters of small whole numbers, so that every sum is exact, with the first
    half of the hidden units exactly at the ReLU's kink, z_j = 0, for every image: a_j = -(p w)_j
    on the images' common part, and p is zero elsewhere."""
    p = np.zeros((n_images, n_in))
    p[:, : n_in // 2] = rng.integers(-3, 4, size=(1, n_in // 2))  # the same pixels in every image
    w = rng.integers(-3, 4, size=(n_in, n_hidden)).astype(float)
    a = rng.integers(-3, 4, size=n_hidden).astype(float)
    a[: n_hidden // 2] = -(p[0] @ w)[: n_hidden // 2]
    return (p, rng.integers(-3, 4, size=(n_hidden, n_out)).astype(float), w, a,
            rng.integers(-3, 4, size=n_out).astype(float))


def _by_loops(p, *params):
    """The reference: coursekit.forward_loops, one image of the batch p and one number at a time."""
    return np.array([coursekit.forward_loops(x, *(y.tolist() for y in params)) for x in p.tolist()])


def _tangent_by_loops(p, *duals):
    """The reference on dual numbers: ȯ from forward_loops on one scalar diffType per entry."""
    scalars = [np.frompyfunc(diffType, 2, 1)(x.value, x.dvalue) for x in duals]
    return np.array([[y.dvalue for y in row] for row in _by_loops(p, *scalars)])


class _ShapeError:
    """A ValueError that the student's forward raised, returned instead, so that the hint can name
    the shapes (attempt's hint is one for every exception)."""

    def __init__(self, error):
        self.error = error


def _values_or_shape_error(forward):
    """forward, with a ValueError (shapes that do not fit, an array compared as a whole) returned
    as a _ShapeError instead of raised; every other exception goes on to attempt."""
    def run(*args):
        try:
            return forward(*args)
        except ValueError as error:
            return _ShapeError(error)
    return run


def _shape_hint(forward, rng, error, sizes):
    """What a ValueError points to: its message, and whether forward runs when w or v is square."""
    if "truth value" in str(error):
        return "Python's max or an if compares whole arrays; the ReLU acts on each entry."
    if "output operand" in str(error):
        return ("an in-place operation (+=, out=) writes into an array of the wrong shape, "
                "perhaps the caller's: forward must leave p, v, w, a and b unchanged, so compute "
                "into new arrays.")
    if "broadcast" in str(error):
        return "a bias has the wrong length: a has one entry per hidden unit, b one per output."
    n_in, n_hidden, n_out = sizes
    squares = {"w": (n_hidden, n_hidden, n_out, n_hidden), "v": (n_in, n_out, n_out, n_out)}
    for name, square in squares.items():  # as many images as the square's side, for w @ p
        try:
            with _course_network_out_of_reach("", forward):
                forward(*_random_network(rng, *square))
            return f"it runs when {name} is square: which index of {name} does the sum run over?"
        except Exception:  # any failure: square is not enough
            pass
    return "check the shapes of each product: p (n, n_in), w (n_in, n_hidden), v (n_hidden, n_out)."


@exercise("1.1", "the course keeps this function as coursekit.forward.")
def exercise_1_1(forward):
    """forward(p, v, w, a, b) = ReLU(p w + a) v + b: against forward_loops on unseen networks of
    two sizes, with and without negative entries and biases; exact shapes for one image and for a
    batch; float32 in, float32 out; the ReLU's kink reached exactly; the arguments left unchanged;
    and the same function on dual numbers, as notebook 02 runs it."""
    assert (getattr(forward, "__module__", None) or "").split(".")[0] != "coursekit", (
        "this is coursekit's forward. Hint: write forward yourself, with @, + and np.maximum.")
    on_duals = ("notebook 02 runs forward on dual numbers, which know @, + and np.maximum(x, y) "
                "on whole arrays: no other numpy function, no keyword such as out=, no loop.")
    rng = np.random.default_rng(101)

    def run(what, hint, p, *params, sizes):
        """The student's forward(p, *params), coursekit's copies out of reach, its arguments
        unchanged; a ValueError becomes a hint about shapes."""
        before = [np.copy(x.value if isinstance(x, diffType) else x) for x in (p, *params)]
        with _course_network_out_of_reach("it calls coursekit's forward", forward):
            o = attempt(what, hint, _values_or_shape_error(forward), p, *params)
        if isinstance(o, _ShapeError):
            raise AssertionError(f"{what} fails ({o.error}). "
                                 f"Hint: {_shape_hint(forward, rng, o.error, sizes)}")
        for name, old, new in zip("pvwab", before, (p, *params)):
            assert np.array_equal(old, new.value if isinstance(new, diffType) else new), (
                f"{what} changes its argument {name}. Hint: forward only reads p, v, w, a and b; "
                "compute into new arrays, never into the caller's.")
        return o

    def same_shape(o, shape, what):
        assert np.shape(o) == shape, (
            f"{what} gives o of shape {np.shape(o)}, not {shape}. Hint: one image p of shape "
            "(n_in,) gives one score per output, (n_out,); a batch (n, n_in) gives one row per "
            "image, (n, n_out). Add no axis, drop none.")

    differs_where = {  # (positive entries, biases): the hint where forward differs
        (True, False): "With positive entries and zero biases every z_j > 0, which the ReLU "
                       "passes unchanged: o = (p w) v. Check the products and the ReLU.",
        (False, False): "With negative entries some z_j are negative: what does the ReLU do to "
                        "them?",
        (True, True): "With biases o differs: where do a and b go?",
        (False, True): "With biases and negative entries o differs: does a enter before or after "
                       "the ReLU? A negative a_j can switch a unit off.",
    }
    hint = "use only @, + and np.maximum, on whole arrays, as the exercise asks."
    for sizes, n_images in (((9, 6, 4), 3), ((5, 7, 1), 1)):  # unseen sizes; one output, one image
        net = "a {}-{}-{} network".format(*sizes)
        for (positive, biases), where in differs_where.items():
            p, *params = _random_network(rng, *sizes, n_images, positive=positive, biases=biases)
            o = run(f"forward on a batch of {n_images} for {net}", hint, p, *params, sizes=sizes)
            same_shape(o, (n_images, sizes[2]), f"a batch of {n_images} for {net}")
            assert np.allclose(o, _by_loops(p, *params), rtol=1e-12, atol=1e-12), (
                f"forward differs from forward_loops on {net}. Hint: {where}")
        o = run(f"forward on one image for {net}", hint, p[0], *params, sizes=sizes)
        same_shape(o, (sizes[2],), f"one image, p of shape ({sizes[0]},), for {net}")
        assert np.allclose(o, _by_loops(p[:1], *params)[0], rtol=1e-12, atol=1e-12), (
            f"forward differs from forward_loops for one image, p of shape ({sizes[0]},), on "
            f"{net}. Hint: p @ w works for a vector as for a matrix; the same code serves both.")

    p, *params = (x.astype(np.float32) for x in _random_network(rng, 9, 6, 4, 3))
    reference = _by_loops(p, *params)  # in float64, from the same float32 numbers
    for what, image, expected in (("a batch", p, reference), ("one image", p[0], reference[0])):
        o = run(f"forward on {what} in float32", hint, image, *params, sizes=(9, 6, 4))
        dtype = getattr(o, "dtype", type(o).__name__)
        assert dtype == np.float32, (
            f"forward on {what} in float32 gives o of dtype {dtype}. Hint: float32 in, float32 "
            "out: which operation brings in a float64 array or number?")
        same_shape(o, expected.shape, f"{what} in float32")
        assert np.allclose(o, expected, rtol=1e-4, atol=1e-4 * np.abs(reference).max()), (
            f"forward on {what} in float32 differs from forward_loops by more than float32's "
            "7 digits. Hint: compute in the inputs' own precision.")

    black, *zero_biases = _random_network(rng, 9, 6, 4, 3, biases=False)
    black = np.zeros_like(black)  # black images with zero biases: every z_j is 0, the kink
    o = run("forward on black images with zero biases", hint, black, *zero_biases, sizes=(9, 6, 4))
    same_shape(o, (3, 4), "a batch of 3 black images")
    assert np.array_equal(o, np.zeros((3, 4))), (
        "forward on black images with zero biases, where every z_j is 0, does not give o = 0. "
        "Hint: ReLU(0) = 0, exactly.")
    kink = _at_the_kink(rng, 8, 6, 4, 3)
    o = run("forward with half the hidden units at z_j = 0", hint, *kink, sizes=(8, 6, 4))
    same_shape(o, (3, 4), "a batch of 3 with half the hidden units at z_j = 0")
    assert np.array_equal(o, _by_loops(*kink)), (
        "forward differs from forward_loops where z_j = 0 exactly. Hint: ReLU(0) = 0, exactly.")

    for what, (p, *params), sizes, rule in (
            ("on a random network", _random_network(rng, 9, 6, 4, 3), (9, 6, 4), ""),
            ("at the kink, half the z_j = 0", kink, (8, 6, 4),
             " At z_j = 0 the ReLU passes no derivative on, as max(0, z_j) in forward_loops.")):
        duals = [diffType(x, rng.normal(size=x.shape)) for x in params]  # tangents for notebook 02
        o = run(f"forward on dual numbers {what}", on_duals, p, *duals, sizes=sizes)
        assert isinstance(o, diffType), (
            f"on dual numbers {what} forward returns a {type(o).__name__}, not a diffType. "
            f"Hint: {on_duals}")
        assert np.allclose(o.dvalue, _tangent_by_loops(p, *duals), rtol=1e-12, atol=1e-12), (
            f"on dual numbers {what} forward gives the wrong derivative. Hint: {on_duals}{rule}")


# --- Exercise 1.2: timing with timeit ------------------------------------------------------------


def _watching_timeit(calls):
    """(records, patches): while the patches are active, every Timer.timeit appends to records the
    number of calls it was asked for, the seconds it returned, its clock, the calls of the timed
    function it made (calls["made"] counts them), whether autorange made it, and the number
    autorange had chosen before it. calls["timing"] is the number of the timeit running now."""
    records, chosen, inside_autorange = [], [], [0]
    timeit_itself, autorange_itself = timeit.Timer.timeit, timeit.Timer.autorange

    def timeit_watched(self, number=timeit.default_number):
        calls_before, calls["timing"], calls["since"] = calls["made"], number, calls["made"]
        try:
            seconds = timeit_itself(self, number)
        finally:
            calls["timing"] = None
        records.append({"number": number, "seconds": seconds, "clock": self.timer,
                        "calls": calls["made"] - calls_before,
                        "by_autorange": inside_autorange[0] > 0,
                        "chosen": chosen[-1] if chosen else None})
        return seconds

    def autorange_watched(self, callback=None):
        inside_autorange[0] += 1
        try:
            number, seconds = autorange_itself(self, callback)
        finally:
            inside_autorange[0] -= 1
        chosen.append(number)
        return number, seconds

    patches = (mock.patch.object(timeit.Timer, "timeit", timeit_watched),
               mock.patch.object(timeit.Timer, "autorange", autorange_watched))
    return records, patches


def _name(clock):
    """'time.time' for time.time: a clock as the student wrote it."""
    name, module = getattr(clock, "__qualname__", repr(clock)), getattr(clock, "__module__", None)
    return f"{module}.{name}" if module else name


def _as_seconds(values):
    """values as a 1-d float array, or None if they are not a sequence of numbers."""
    try:
        seconds = np.array(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return seconds if seconds.ndim == 1 else None


def _division_hint(ratio, number, repeat):
    """Which wrong division makes per_call `ratio` × (a repeat's seconds / its `number` calls)."""
    if np.isclose(ratio, number, rtol=0.1):
        return "Is that the total of a repeat rather than the time per call?"
    if np.isclose(ratio, number / repeat, rtol=0.1):
        return "Divide by the number of calls, not of repeats."
    return "Divide each repeat's total by the number of calls it made."


@exercise("1.2", "autorange, repeat, seconds per call, median.")
def exercise_1_2(time_per_call):
    """time_per_call(function, repeat) with timeit: the check times a function that counts its
    calls and watches timeit at work. It sees the number of calls autorange() chose, and for each
    repeat the calls it made, its clock and the seconds it returned; per_call must be those
    seconds divided by the calls, `repeat` of them (3, then 4), and median their median. Extra
    calls (a warm-up) are welcome. Nothing is judged against a clock."""
    calls = {"made": 0, "timing": None, "since": 0}
    nap = np.random.default_rng(12).uniform(0.001, 0.0015)  # seconds: autorange chooses ~200 calls
    too_many = 10_000  # calls in one timeit: 10 s of naps, 50 times what autorange chooses

    def napping():
        calls["made"] += 1
        assert calls["timing"] is None or calls["made"] - calls["since"] <= too_many, (
            f"timeit(number={calls['timing']:,}) calls the function more than {too_many:,} times, "
            "longer than the check waits")
        time.sleep(nap)

    for repeat in (3, 4):  # an odd and an even number of repeats
        what = f"time_per_call(function, repeat={repeat})"
        records, patches = _watching_timeit(calls)
        with patches[0], patches[1]:
            result = attempt(what, "build a timeit.Timer(function); what does autorange() return, "
                             "and what does repeat() take?", time_per_call, napping, repeat=repeat)
        assert isinstance(result, (tuple, list)) and len(result) == 2, (
            f"{what} returns a {type(result).__name__}. Hint: return the pair (per_call, median).")
        per_call, median = result
        seconds = _as_seconds(per_call)
        assert seconds is not None, (
            f"{what}: per_call is a {type(per_call).__name__}. Hint: per_call is a list of "
            "seconds, one per repeat.")
        assert len(seconds) == repeat, (
            f"{what} gives {len(seconds)} timings. Hint: one per repeat, `repeat` of them.")
        assert any(record["chosen"] for record in records), (
            f"{what} never asks autorange(). Hint: let timeit's autorange() choose the number of "
            "calls of each repeat.")
        wall_clocks = {record["clock"] for record in records} - {timeit.default_timer}
        assert not wall_clocks, (
            f"{what} times with {', '.join(_name(clock) for clock in wall_clocks)}. Hint: let "
            "timeit time the calls with its own clock, time.perf_counter, as %timeit does "
            "(time.time is a wall clock, which can jump).")
        repeats = [record for record in records if not record["by_autorange"]]
        for value in seconds:
            match = next((record for record in repeats
                          if np.isclose(value, record["seconds"] / record["number"], rtol=1e-9,
                                        atol=0)), None)
            if match is None:
                timed = [record["seconds"] / record["number"] for record in repeats]
                assert timed, (f"{what}: per_call does not come from timeit's repeats. Hint: "
                               "time each repeat with the Timer's repeat() or timeit().")
                number = int(np.median([record["number"] for record in repeats]))
                ratio = np.median(seconds) / np.median(timed)  # 1 if per call
                raise AssertionError(
                    f"{what}: per_call is {ratio:.3g}× a repeat's seconds divided by its calls. "
                    f"Hint: {_division_hint(ratio, number, repeat)}")
            repeats.remove(match)  # each repeat counts once
            assert match["chosen"] is not None, (
                f"{what}: a repeat ran before autorange() chose the number of calls. Hint: let "
                "autorange() choose the number of calls in every repeat.")
            assert match["number"] == match["chosen"], (
                f"{what}: autorange() chose {match['chosen']} calls per repeat, a repeat made "
                f"{match['number']}. Hint: let autorange() choose the number of calls in every "
                "repeat.")
            assert match["calls"] == match["number"], (
                f"{what}: a repeat of {match['number']:,} calls called the function "
                f"{match['calls']:,} times. Hint: hand timeit the function itself, "
                "timeit.Timer(function), which calls it once per call.")
        assert isinstance(median, numbers.Real) and np.isclose(
            median, statistics.median(seconds), rtol=1e-12, atol=0), (
            f"{what}: median is not the median of per_call. Hint: the median is the middle value "
            "of the sorted timings, and for an even number of them the mean of the two middle "
            "ones; the mean and the minimum are other statistics.")


# --- Exercise 1.3: counting FLOPs ----------------------------------------------------------------


def _counted_flops(rng, n_in, n_hidden, n_out):
    """The reference: the +, * and > that forward_loops performs on a random network of these
    sizes, on numbers that count their own operations."""
    count = [0]

    class Counting(float):
        def __add__(self, other):
            count[0] += 1
            return Counting(float(self) + float(other))

        def __mul__(self, other):
            count[0] += 1
            return Counting(float(self) * float(other))

        def __gt__(self, other):
            count[0] += 1
            return float(self) > float(other)

        __radd__, __rmul__ = __add__, __mul__

    shapes = [n_in, (n_hidden, n_out), (n_in, n_hidden), n_hidden, n_out]
    coursekit.forward_loops(*(coursekit.nested_lists(rng.normal(size=s), Counting) for s in shapes))
    return count[0]


@exercise("1.3", "FLOPs of a forward pass, counted on unseen network sizes.")
def exercise_1_3(forward_flops):
    """forward_flops(n_in, n_hidden, n_out) against the operations that forward_loops performs, on
    random sizes and on edge sizes (1 unit per layer, no outputs), computed from the sizes alone."""
    rng = np.random.default_rng(13)
    hint = ("count from the sizes alone: both layers, a multiply-add as 2 FLOPs, each bias "
            "addition and each ReLU comparison.")

    def yours(sizes):
        what = f"forward_flops{tuple(sizes)}"
        with _course_network_out_of_reach("it runs the network", forward_flops):
            count = attempt(what, hint, forward_flops, *sizes)
        assert isinstance(count, numbers.Real), (
            f"{what} returns a {type(count).__name__}. Hint: return the number of FLOPs.")
        return count

    def grows_wrongly(sizes):
        """The sizes one more of which changes your count otherwise than forward_loops' count."""
        steps = {"n_in": [1, 0, 0], "n_hidden": [0, 1, 0], "n_out": [0, 0, 1]}
        return [name for name, step in steps.items()
                if yours(np.add(sizes, step).tolist()) - yours(sizes)
                != _counted_flops(rng, *np.add(sizes, step)) - _counted_flops(rng, *sizes)]

    edges = [[1, 1, 1], [7, 5, 0], [1, 12, 3], [12, 1, 5]]  # a unit per layer; no outputs
    for sizes in rng.integers(2, 30, size=(4, 3)).tolist() + edges:
        assert yours(sizes) == _counted_flops(rng, *sizes), (
            f"forward_flops{tuple(sizes)} is not what forward_loops computes; your count grows "
            f"wrongly with {' and '.join(grows_wrongly(sizes)) or 'the sizes'}. Hint: {hint}")
