"""coursekit's network helpers agree with each other and with autograd."""

import functools
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

import coursekit
from diffType import diffType


@pytest.fixture
def small_network():
    rng = np.random.default_rng(5)
    v, w, a, b = rng.normal(size=(9, 10)), rng.normal(size=(12, 9)), rng.normal(size=9), rng.normal(size=10)
    return rng.random(12), v, w, a, b


def test_the_three_forward_passes_agree(small_network):
    p, v, w, a, b = small_network
    reference = coursekit.forward(p, v, w, a, b)
    loops = coursekit.forward_loops(*(coursekit.nested_lists(x, float) for x in small_network))
    as_torch = coursekit.forward_torch(*(torch.from_numpy(x) for x in small_network))
    np.testing.assert_allclose(loops, reference, rtol=1e-13)
    np.testing.assert_allclose(as_torch.numpy(), reference, rtol=1e-13)
    assert coursekit.nested_lists(np.eye(2), diffType)[1][1].value == 1.0


def test_forward_mode_gradient_equals_autograd_in_every_entry(small_network):
    p, *parameters = (torch.from_numpy(x) for x in small_network)
    parameters = coursekit.Parameters(*parameters)
    loss = functools.partial(coursekit.cross_entropy_loss, p, 6)
    budget = 7 * 12 * 9 * 8 + 100  # 7 tangents of w (12×9 float64): chunks end mid-tensor
    forward_mode = coursekit.ForwardModeGradient(loss, parameters, memory_budget=budget)
    assert [forward_mode.chunk_size(name) for name in "vwab"] == [8, 7, 9, 10]
    gradient = forward_mode.gradient()

    leaves = parameters.map(lambda x: x.clone().requires_grad_())
    loss(*leaves).backward()
    for computed, leaf in zip(gradient, leaves):
        torch.testing.assert_close(computed, leaf.grad, rtol=1e-12, atol=1e-14)
    partial = forward_mode.partials("w", [3, 50, 107])
    torch.testing.assert_close(partial, leaves.w.grad.reshape(-1)[[3, 50, 107]], rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="do not fit a chunk of 7"):
        forward_mode.partials("w", range(8))
    assert forward_mode._buffer.count_nonzero() == 0, "the tangent buffer is all zeros between chunks"
    assert forward_mode._buffer.numel() * 8 <= budget
    with pytest.raises(ValueError, match="more than the memory budget"):
        coursekit.ForwardModeGradient(loss, parameters, memory_budget=100).chunk_size("w")


def test_chunks_are_sized_from_the_memory_budget():
    assert coursekit.tangent_memory_budget("cpu") == coursekit.CPU_TANGENT_BYTES
    one_tangent_of_w = 784 * 784 * 4  # float32
    assert coursekit.CPU_TANGENT_BYTES // one_tangent_of_w >= 32, "the cost model needs chunks"
    if torch.cuda.is_available():
        free, _ = torch.cuda.mem_get_info()
        assert 0 < coursekit.tangent_memory_budget("cuda") <= free


def test_on_one_core_restores_the_threads():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    threads, blas = torch.get_num_threads(), blas_threads()
    with coursekit.on_one_core():
        assert torch.get_num_threads() == 1 and blas_threads() == {1}
    assert torch.get_num_threads() == threads and blas_threads() == blas
    for_good = coursekit.on_one_core()  # a notebook calls it once, for the rest of the session
    assert torch.get_num_threads() == 1 and blas_threads() == {1}
    for_good.__exit__(None, None, None)
    assert torch.get_num_threads() == threads


def test_cost_model_and_training_time():
    model = coursekit.CostModel.through(16, 0.005, 32, 0.007)
    assert model.per_tangent == pytest.approx(0.002 / 16) and model.fixed == pytest.approx(0.003)
    assert model(64) == pytest.approx(0.011)
    assert coursekit.training_time(2.0) == (2.0, 120_000.0, 120_000_000.0)
    minibatches = coursekit.training_time(0.5, batch_size=256)  # ⌈60,000 / 256⌉ = 235 steps
    assert minibatches == (0.5, 117.5, 117_500.0)
    assert coursekit.training_time(1.0, batch_size=10, images=95, epochs=3).epochs == 30.0


def test_batched_jvp_cost_fits_a_positive_line(small_network):
    p, *parameters = (torch.from_numpy(x).float() for x in small_network)
    parameters = coursekit.Parameters(*parameters)
    loss = functools.partial(coursekit.cross_entropy_loss, p, 6)
    forward_mode = coursekit.ForwardModeGradient(loss, parameters, memory_budget=64 * 12 * 9 * 4)
    model, fastest = coursekit.batched_jvp_cost(forward_mode, repeat=2)
    assert isinstance(model, coursekit.CostModel) and np.isfinite(model).all()
    assert list(fastest) == [8, 32, 64] and all(0 < t < 1 for t in fastest.values())
    with pytest.raises(ValueError, match="chunks of several sizes"):
        coursekit.batched_jvp_cost(coursekit.ForwardModeGradient(loss, parameters, 3 * 12 * 9 * 4))


@pytest.mark.parametrize("only_seeded", [False, True])
def test_vectorized_forward_mode_seeds_one_entry(small_network, only_seeded):
    p, *parameters = small_network
    parameters = coursekit.Parameters(*parameters)
    o, seconds = coursekit.vectorized_forward_mode(diffType, p, parameters, "w", (4, 3), only_seeded)
    tangent = np.zeros_like(parameters.w)
    tangent[4, 3] = 1.0
    reference = coursekit.forward(p, *parameters._replace(w=diffType(parameters.w, tangent)))
    np.testing.assert_allclose(o.dvalue, reference.dvalue, rtol=1e-13, atol=1e-15)
    assert 0 < seconds < 1


def test_measure_and_units():
    timing = coursekit.measure(lambda: sum(range(100)), repeat=3, min_seconds=0.01)
    assert timing.best <= timing.median <= timing.worst and timing.calls >= 1
    assert "per call" in str(timing)
    durations = (2e-9, 3e-6, 0.004, 5, 90, 7200, 3 * 86400, 4e9, 1.6e13, 0)
    assert [coursekit.format_duration(t) for t in durations] == [
        "2 ns", "3 µs", "4 ms", "5 s", "1.5 min", "2 h", "3 days", "127 years", "507,000 years", "0 ns"]
    assert coursekit.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert coursekit.relative_error(1.0, 3.0) == 0.5


def test_parameters_unpack_in_forward_order_and_map():
    parameters = coursekit.uniform_parameters(seed=3, n_in=5, n_hidden=4, n_out=2)
    assert [x.shape for x in parameters] == [(4, 2), (5, 4), (4,), (2,)]
    as_torch = parameters.map(torch.from_numpy)
    assert isinstance(as_torch, coursekit.Parameters) and as_torch.w.shape == (5, 4)
    p = np.ones(5)
    np.testing.assert_allclose(coursekit.forward_torch(torch.from_numpy(p), *as_torch).numpy(),
                               coursekit.forward(p, *parameters), rtol=1e-13)
    he = coursekit.he_parameters(seed=0, device="cpu")
    assert all(x.is_leaf and x.requires_grad and x.dtype == torch.float32 for x in he)
    assert abs(he.w.std().item() - (2 / 784) ** 0.5) < 1e-3 and he.a.abs().sum() == 0


def test_print_table_lines_up_a_markdown_table(capsys):
    coursekit.print_table(["method", "time"], [["scalar", "1.2 s"], ["vectorized diffType", "157 µs"]])
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["| method              |   time |",
                     "| :------------------ | -----: |",
                     "| scalar              |  1.2 s |",
                     "| vectorized diffType | 157 µs |"]


def test_one_hot_and_add_to_class():
    np.testing.assert_array_equal(coursekit.one_hot((2, 3), (1, 2)), [[0, 0, 0], [0, 0, 1.0]])

    class Number:
        pass

    @coursekit.add_to_class(Number)
    def double(self):
        return 2

    assert Number().double() == 2


@pytest.mark.parametrize("name, index", [("v", (3, 1)), ("w", (2, 4)), ("a", 5), ("b", 0)])
def test_scalar_forward_mode_seeds_one_entry(small_network, name, index):
    p, *parameters = small_network
    parameters = coursekit.Parameters(*parameters)
    run = coursekit.scalar_forward_mode(diffType, p, parameters, name, index)
    tangents = parameters.map(np.zeros_like)
    getattr(tangents, name)[index] = 1.0
    dual = coursekit.forward(p, *(diffType(x, t) for x, t in zip(parameters, tangents)))
    np.testing.assert_allclose([o.dvalue for o in run.outputs], dual.dvalue, rtol=1e-13, atol=1e-15)
    assert run.build_seconds > 0 and run.pass_seconds > 0


# --- Training (notebook 04) ---------------------------------------------------------------------

def tiny_mnist(seed=0, sizes=(600, 200, 200)):
    """MNISTSplits of noisy uint8 'images' whose label k lights up pixels 50k to 50k + 49:
    learnable in a few epochs, in milliseconds."""
    generator = torch.Generator().manual_seed(seed)

    def split(n):
        labels = torch.randint(0, 10, (n,), generator=generator)
        images = torch.randint(0, 128, (n, 784), dtype=torch.uint8, generator=generator)
        lit = labels[:, None] * 50 + torch.arange(50)
        images.scatter_(1, lit, 255)
        return coursekit.Split(images, labels)

    return coursekit.MNISTSplits(*map(split, sizes))


def test_mnist_tensors_keep_uint8_and_hold_out_the_last_training_images(tmp_path, mnist_source):
    arrays = coursekit.mnist_arrays(tmp_path, source=mnist_source, download=False)
    data = coursekit.mnist_tensors("cpu", root=tmp_path)
    assert [len(split.labels) for split in data] == [50_000, 10_000, 10_000]
    assert all(split.images.dtype == torch.uint8 and split.images.shape[1] == 784 for split in data)
    assert np.array_equal(data.validation.images.numpy(), arrays.train_images[50_000:])
    assert np.array_equal(data.train.labels.numpy(), arrays.train_labels[:50_000])
    assert np.array_equal(data.test.images.numpy(), arrays.test_images)
    counts = torch.bincount(data.train.images.flatten(), minlength=256).double()
    values = torch.arange(256, dtype=torch.float64)
    mean = (counts * values).sum() / counts.sum()
    std = ((counts * (values - mean) ** 2).sum() / counts.sum()).sqrt()
    assert abs(mean - coursekit.PIXEL_MEAN) < 0.01 and abs(std - coursekit.PIXEL_STD) < 0.01
    batch = coursekit.normalize(data.train.images[:5000])
    assert batch.dtype == torch.float32 and abs(batch.mean()) < 0.05 and abs(batch.std() - 1) < 0.05
    with pytest.raises(TypeError, match="uint8"):
        coursekit.normalize(batch)  # already normalized
    for wrong in (0, 60_000, -1):
        with pytest.raises(ValueError, match="validation_size"):
            coursekit.mnist_tensors("cpu", validation_size=wrong, root=tmp_path)


def test_shuffled_batches_cover_every_image_once_in_a_seeded_order():
    split = tiny_mnist().train
    batches = list(coursekit.shuffled_batches(split, 256, torch.Generator().manual_seed(1)))
    assert [len(labels) for _, labels in batches] == [256, 256, 88]
    images = torch.cat([images for images, _ in batches])
    assert sorted(map(tuple, images.tolist())) == sorted(map(tuple, split.images.tolist()))
    again = next(coursekit.shuffled_batches(split, 256, torch.Generator().manual_seed(1)))
    assert torch.equal(again[0], batches[0][0]) and not torch.equal(batches[0][0], split.images[:256])


def test_fit_epoch_steps_once_per_batch_and_reports_the_epochs_mean_loss():
    data = tiny_mnist()
    parameters = coursekit.he_parameters(seed=0, device="cpu", n_hidden=16)
    optimizer = torch.optim.SGD(parameters, lr=0.0)  # lr 0: the parameters stay as they are
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    batches = list(coursekit.shuffled_batches(data.train, 128, torch.Generator().manual_seed(0)))
    loss, accuracy, seconds = coursekit.fit_epoch(parameters, optimizer, schedule, batches)
    assert schedule.last_epoch == len(batches) == 5 and seconds > 0
    scores = coursekit.forward_torch(coursekit.normalize(data.train.images), *parameters)
    expected = torch.nn.functional.cross_entropy(scores, data.train.labels,
                                                 label_smoothing=coursekit.LABEL_SMOOTHING)
    assert abs(loss - expected.item()) < 1e-5
    assert accuracy == coursekit.accuracy(parameters, data.train)
    in_batches = coursekit.predict_scores(parameters, data.train.images, batch_size=77)
    torch.testing.assert_close(in_batches, scores.detach(), rtol=1e-5, atol=1e-5)
    assert all(x.grad is not None for x in parameters)


def test_training_times_cpu_time_on_the_cpu_and_wall_time_on_a_gpu(monkeypatch):
    import types

    assert coursekit.training_clock("cpu") is coursekit.training.time.process_time
    assert coursekit.training_clock(torch.device("cuda")) is coursekit.training.time.perf_counter
    ticks = {"process_time": iter(range(0, 100, 3)), "perf_counter": iter(range(0, 1000, 50))}
    monkeypatch.setattr(coursekit.training, "time", types.SimpleNamespace(
        **{name: functools.partial(next, counter) for name, counter in ticks.items()}))
    data = tiny_mnist()
    parameters = coursekit.he_parameters(seed=0, device="cpu", n_hidden=8)
    optimizer = torch.optim.SGD(parameters, lr=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    batches = coursekit.shuffled_batches(data.train, 128, torch.Generator().manual_seed(0))
    *_, seconds = coursekit.fit_epoch(parameters, optimizer, schedule, batches)
    assert seconds == 3  # one tick of the CPU clock, none of the wall clock


def test_fit_learns_and_returns_a_copy_of_the_best_validation_epochs_parameters():
    data = tiny_mnist()
    parameters = coursekit.he_parameters(seed=0, device="cpu", n_hidden=32)
    history, chosen = coursekit.fit(parameters, data, epochs=4, batch_size=32, max_lr=1e-2)
    assert [epoch.epoch for epoch in history] == [1, 2, 3, 4]
    assert history[-1].validation_accuracy > 0.9 > history[0].train_accuracy
    assert all(epoch.seconds > 0 for epoch in history)
    best = max(history, key=lambda epoch: epoch.validation_accuracy)  # the first of the best
    assert isinstance(chosen, coursekit.Parameters) and not any(x.requires_grad for x in chosen)
    assert coursekit.accuracy(chosen, data.validation) == best.validation_accuracy
    assert coursekit.accuracy(parameters, data.validation) == history[-1].validation_accuracy
    with torch.no_grad():
        parameters.w.zero_()  # the chosen parameters are a copy
    assert chosen.w.abs().sum() > 0
    again, _ = coursekit.fit(coursekit.he_parameters(seed=0, device="cpu", n_hidden=32), data,
                             epochs=4, batch_size=32, max_lr=1e-2)
    assert [epoch.loss for epoch in again] == [epoch.loss for epoch in history]  # seeded


def test_fit_chooses_the_first_of_equally_good_epochs(monkeypatch):
    data, parameters = tiny_mnist(), coursekit.he_parameters(seed=0, device="cpu", n_hidden=8)
    validation = iter([0.5, 0.9, 0.9, 0.7])  # epochs 2 and 3 tie
    monkeypatch.setattr(coursekit.training, "accuracy", lambda parameters, split: next(validation))
    snapshots = []
    monkeypatch.setattr(coursekit.training, "Parameters", lambda *xs: snapshots.append(xs) or len(snapshots))
    _, chosen = coursekit.fit(parameters, data, epochs=4, batch_size=200)
    assert chosen == 2 == len(snapshots)  # copies after epochs 1 and 2 only


def test_measure_in_turns_keeps_each_functions_best_seconds_per_call_timed_in_turns(monkeypatch):
    """A fake clock that only the timed functions advance: each costs a known number of seconds
    per call, the first two calls of "slow" cost 10 times as much (a warm-up, or a busy machine),
    and the functions must take turns."""
    import types

    now, turns = [0.0], []
    monkeypatch.setattr(coursekit.timing, "time", types.SimpleNamespace(process_time=lambda: now[0],
                                                                 perf_counter=lambda: now[0]))

    def costs(name, seconds, warm_up=0):
        def call():
            now[0] += seconds * (10 if turns.count(name) < warm_up else 1)
            turns.append(name)
        return call

    best = coursekit.measure_in_turns({"fast": costs("fast", 1e-4), "slow": costs("slow", 3e-3, 2)},
                                      rounds=3, seconds_per_turn=0.02)
    assert best == pytest.approx({"fast": 1e-4, "slow": 3e-3}, rel=1e-9)
    blocks = [name for i, name in enumerate(turns) if i == 0 or turns[i - 1] != name]
    assert blocks == ["fast", "slow"] * 4  # doubling the calls per turn, then 3 rounds in turns


def test_progress_bar_is_a_widget_or_text(monkeypatch, capsys):
    monkeypatch.setenv(coursekit.PROGRESS_VARIABLE, "text")
    assert list(coursekit.progress_bar(range(3), desc="steps")) == [0, 1, 2]
    assert "steps: 100%" in capsys.readouterr().out  # stdout: a slideshow shows it
    monkeypatch.delenv(coursekit.PROGRESS_VARIABLE)
    from tqdm.auto import tqdm
    assert isinstance(coursekit.progress_bar(range(3), disable=True), tqdm)


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA GPU"))])
def test_forward_mode_gradient_equals_reverse_mode_on_each_device(small_network, device):
    """Notebook 03's GPU cell in small: the label comes from the CPU; tangents, gradient and memory
    budget (a quarter of a GPU's free memory) belong to the device; the tangent buffer holds the
    largest chunk, not the whole budget."""
    p, *parameters = (torch.from_numpy(x).to(device) for x in small_network)
    parameters = coursekit.Parameters(*parameters)
    loss = functools.partial(coursekit.cross_entropy_loss, p, torch.tensor(6))  # label on the CPU
    forward_mode = coursekit.ForwardModeGradient(loss, parameters)  # the device's own budget
    if device == "cuda":
        assert 0 < forward_mode.memory_budget <= torch.cuda.mem_get_info()[0]
    gradient = forward_mode.gradient()
    leaves = parameters.map(lambda x: x.clone().requires_grad_())
    loss(*leaves).backward()
    for computed, leaf in zip(gradient, leaves):
        assert computed.device == leaf.device
        torch.testing.assert_close(computed, leaf.grad, rtol=1e-12, atol=1e-14)
    assert forward_mode._buffer.numel() == (12 * 9) ** 2, "w's 108 tangents of 108 entries"
    assert forward_mode.chunk_seconds("w", 3) > 0
    del forward_mode, gradient
    if device == "cuda":
        torch.cuda.empty_cache()


def test_parameters_numpy_copies_detached_tensors():
    he = coursekit.he_parameters(seed=0, device="cpu")
    as64, as32 = he.numpy(), he.numpy(np.float32)
    assert [x.dtype for x in as64] == [np.float64] * 4 and as32.w.dtype == np.float32
    np.testing.assert_array_equal(as32.w, he.w.detach().numpy())
    as32.w[0, 0] = 99.0  # a copy: the tensor is untouched
    assert he.w[0, 0].item() != 99.0


def test_power_of_ten_prints_a_bound():
    assert [coursekit.power_of_ten(x) for x in (1e-13, 1e-9, 1e-12, 100.0)] == [
        "10⁻¹³", "10⁻⁹", "10⁻¹²", "10²"]


# --- Notebook 06 runs the engine that the student built in notebook 05 -----------------------------

ENGINE_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_reverse_mode_from_scratch.ipynb"


def engine_notebook_with(tmp_path, change):
    """A copy of notebook 05 with change(cells) applied, in tmp_path; returns its path."""
    notebook = nbformat.read(ENGINE_NOTEBOOK, as_version=4)
    change(notebook.cells)
    path = tmp_path / ENGINE_NOTEBOOK.name
    nbformat.write(notebook, path)
    return path


def cell_defining(cells, name):
    return next(cell for cell in cells if cell.cell_type == "code" and f"def {name}(" in cell.source)


def test_the_engine_of_notebook_05_gives_torchs_gradient_in_float64():
    engine = coursekit.engine_from_notebook(ENGINE_NOTEBOOK)
    rng = np.random.default_rng(6)
    images, labels = rng.random((5, 784)), rng.integers(0, 10, 5)
    parameters = coursekit.he_parameters(seed=1, device="cpu").numpy()
    nodes = [engine.Node(x) for x in parameters]
    engine.cross_entropy(coursekit.forward(images, *nodes), labels).backward()
    leaves = parameters.map(lambda x: torch.tensor(x, requires_grad=True))
    torch.nn.functional.cross_entropy(coursekit.forward_torch(torch.from_numpy(images), *leaves),
                                      torch.from_numpy(labels)).backward()
    for node, leaf in zip(nodes, leaves):
        assert node.grad.dtype == np.float64
        np.testing.assert_allclose(node.grad, leaf.grad.numpy(), rtol=1e-10, atol=1e-13)
    assert engine.__file__ == str(ENGINE_NOTEBOOK)


def test_the_engine_runs_its_tagged_cells_and_the_imports_only(tmp_path):
    def add_cells_that_must_not_run(cells):
        cells.insert(1, nbformat.v4.new_code_cell("import math\nraise SystemExit('an untagged cell ran')"))
        cells.append(nbformat.v4.new_code_cell("raise SystemExit('an untagged cell ran')"))

    engine = coursekit.engine_from_notebook(engine_notebook_with(tmp_path, add_cells_that_must_not_run))
    assert engine.math.pi > 3 and callable(engine.backward) and not hasattr(engine, "mnist")


def test_a_missing_notebook_says_where_it_belongs(tmp_path):
    with pytest.raises(FileNotFoundError, match="must sit beside it as 05_reverse_mode_from_scratch"):
        coursekit.engine_from_notebook(tmp_path / ENGINE_NOTEBOOK.name)


def test_a_notebook_without_engine_cells_is_refused(tmp_path):
    def untag(cells):
        for cell in cells:
            cell.metadata.pop("tags", None)

    with pytest.raises(RuntimeError, match="no cell tagged 'engine'"):
        coursekit.engine_from_notebook(engine_notebook_with(tmp_path, untag))


@pytest.mark.parametrize("name, exercise", [("unbroadcast", "5.1"), ("matmul_vjps", "5.3"),
                                            ("topological_order", "5.4"), ("cross_entropy_grad", "5.5")])
def test_an_unanswered_exercise_is_named(tmp_path, name, exercise):
    from tools.make_exercises import StripSolutions

    def unanswer(cells):
        StripSolutions().preprocess_cell(cell_defining(cells, name), {}, 0)

    with pytest.raises(NotImplementedError, match=rf"Exercise {exercise} \(cell \d+\) of 05_\w+\.ipynb is not answered"):
        coursekit.engine_from_notebook(engine_notebook_with(tmp_path, unanswer))


def test_the_student_version_names_its_first_unanswered_exercise(tmp_path):
    from tools.make_exercises import student_version
    nbformat.write(student_version(ENGINE_NOTEBOOK), tmp_path / ENGINE_NOTEBOOK.name)
    with pytest.raises(NotImplementedError, match=r"Exercise 5\.\d \(cell \d+\) .* not answered yet"):
        coursekit.engine_from_notebook(tmp_path / ENGINE_NOTEBOOK.name)


def test_a_failing_cell_or_rule_is_named(tmp_path):
    def break_a_cell(cells):
        cell_defining(cells, "apply").source += "\nundefined_name"

    with pytest.raises(RuntimeError, match=r"fails in cell \d+ of 05_\w+\.ipynb, with NameError.*"
                                           r"Run the checks of notebook 05"):
        coursekit.engine_from_notebook(engine_notebook_with(tmp_path, break_a_cell))

    def break_a_rule(cells):  # the rule fails when the backward pass runs it
        cell = cell_defining(cells, "relu_vjps")
        cell.source = cell.source.replace("### BEGIN SOLUTION",
                                          "### BEGIN SOLUTION\n    return (lambda grad: grad * mask,)")

    with pytest.raises(RuntimeError, match=r"fails in Exercise 5\.3 \(cell \d+\) .* NameError.*"
                                           r"Run that exercise's check"):
        coursekit.engine_from_notebook(engine_notebook_with(tmp_path, break_a_rule))

    def break_the_syntax(cells):
        cell_defining(cells, "unbroadcast").source += "\n    )"

    with pytest.raises(RuntimeError, match=r"fails in Exercise 5\.1 \(cell \d+\) .* SyntaxError"):
        coursekit.engine_from_notebook(engine_notebook_with(tmp_path, break_the_syntax))


# --- notebooks 00–03: the forward-mode gradient on a device, and the display helpers ---

def test_time_forward_mode_gradient_on_the_cpu_equals_reverse_mode():
    parameters = coursekit.uniform_parameters(seed=3, n_in=6, n_hidden=5, n_out=3)
    p, label = np.random.default_rng(3).random(6), 2
    timed = coursekit.time_forward_mode_gradient("cpu", p, label, parameters)
    leaves = parameters.map(lambda x: torch.as_tensor(x, dtype=torch.float32)).leaves()
    coursekit.cross_entropy_loss(torch.as_tensor(p, dtype=torch.float32), label,
                                 *leaves).backward()
    for partials, leaf in zip(timed.gradient, leaves):
        assert partials.device.type == "cpu" and partials.dtype == torch.float32
        assert partials.shape == leaf.shape
        assert torch.allclose(partials, leaf.grad, rtol=1e-5, atol=1e-6)
    assert timed.seconds > 0 and timed.chunk_size == 30  # capped: one tangent per entry of w


def test_the_tables_of_notebooks_00_to_03(capsys):
    coursekit.print_durations(["what", "a", "b"], {"two": (1.5, 2e-3), "one": (60.0, 1e-9)})
    coursekit.print_duration_pairs(["part", "plain", "dual", "dual / plain"],
                                   {("x", "plain"): 1e-3, ("x", "dual"): 3e-3},
                                   columns=("plain", "dual"))
    coursekit.print_times_against(["name", "time", "× plain"], {"slow": 2.0, "fast": 0.011}, 0.01)
    coursekit.print_derivative_checks({"f": (1.0, 2.0, 1e-16, 1e-11), "g": (0.5, 1.0, 1e-10, 1e-5)})
    coursekit.print_arrays({"a": np.array([1 / 3]), "longer": np.array([2.0])}, precision=2)
    coursekit.print_lines_containing(coursekit.display, "def verdict")
    out = capsys.readouterr().out
    assert "| two  | 1.5 s | 2 ms |" in out and "| one  | 1 min | 1 ns |" in out
    assert "| x    |  1 ms | 3 ms |         3.0× |" in out
    assert "| slow |   2 s |     200 |" in out and "| fast | 11 ms |     1.1 |" in out
    assert "| f    |   1 |                 2 |" in out and out.count("✗") == 2
    assert "a:      [0.33]" in out and "longer: [2.]" in out
    assert "def verdict(holds):" in out


def test_the_precision_table_puts_each_precision_in_its_column_whatever_the_dict_order(capsys):
    coursekit.print_precision_speeds({"float32": 4e9, "float64": 2e9},
                                     {"float32": 16e9, "float64": 8e9})
    out = capsys.readouterr().out
    assert "| one image                    |     2.0 |     4.0 |              2.0× |" in out
    assert "| 512² matmul (the peak)       |     8.0 |    16.0 |              2.0× |" in out


def test_the_figures_of_notebooks_00_to_03_draw(monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda: None)
    xs = np.linspace(0, 1, 5)
    coursekit.plot_function_and_derivative(xs, xs**2, 2 * xs, 2 * xs, "x²")
    coursekit.show_image(np.random.default_rng(0).random(784))
    coursekit.plot_repeats(np.full(4, 1e-4), {"minimum": 1e-4, "median": 1e-4, "mean": 1e-4})
    coursekit.plot_speeds({"one": 1e9, "two": 2e9, "three": 3e9, "four": 4e9, "five": 5e9})
    times = coursekit.training_time(1.0)
    coursekit.plot_training_times({"forward: x": times, "reverse: y": times})
    assert len(plt.get_fignums()) == 5
    plt.close("all")


def test_forward_mode_seconds_times_a_whole_chunk_and_counts_the_chunks(small_network, monkeypatch):
    p, *parameters = (torch.from_numpy(x) for x in small_network)
    parameters = coursekit.Parameters(*parameters)
    loss = functools.partial(coursekit.cross_entropy_loss, p, 6)
    timed = []

    def fake_measure_in_turns(functions):  # 2 s a call, and the call is a whole chunk of w
        timed.append(functions["chunk"]())
        return {"chunk": 2.0}

    monkeypatch.setattr(coursekit.forward_mode, "measure_in_turns", fake_measure_in_turns)
    budget = 7 * 12 * 9 * 8 + 100  # chunks of 8, 7, 9 and 10 tangents of v, w, a and b
    seconds = coursekit.forward_mode_seconds(loss, parameters, memory_budget=budget)
    assert timed[0].shape == (7,)  # the partial derivatives of w's first 7 entries
    assert seconds.chunks == 90 // 8 + 1 + 108 // 7 + 1 + 1 + 1 == 30
    assert seconds == (30 * 2.0, 30, 7, 2.0 / 7, "w")
    assert str(seconds) == "30 chunks × 2 s for a whole chunk of 7 tangents of w (286 ms a tangent)"
    assert coursekit.forward_mode_seconds(loss, parameters, "v", budget).chunk_size == 8


def test_pixel_statistics_count_by_value_and_unit_interval_gives_the_originals_inputs():
    images = torch.randint(0, 256, (50, 784), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    mean, std = coursekit.pixel_statistics(images)
    pixels = images.double()
    assert abs(mean - pixels.mean().item()) < 1e-9 and abs(std - pixels.std(correction=0).item()) < 1e-9
    assert isinstance(mean, float) and isinstance(std, float)
    inputs = coursekit.unit_interval(images)
    assert inputs.dtype == torch.float32 and inputs.min() >= 0 and inputs.max() <= 1
    torch.testing.assert_close(inputs * 255, images.float())
    parameters = coursekit.he_parameters(seed=0, device="cpu", n_hidden=8)
    torch.testing.assert_close(
        coursekit.predict_scores(parameters, images, batch_size=7, to_inputs=coursekit.unit_interval),
        coursekit.forward_torch(inputs, *parameters).detach())
    torch.testing.assert_close(coursekit.predict_scores(parameters, images),  # normalize by default
                               coursekit.forward_torch(coursekit.normalize(images), *parameters).detach())


def test_the_tables_and_figures_of_notebook_04_draw(monkeypatch, capsys):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda: None)
    data = tiny_mnist()
    history = [coursekit.Epoch(1, 0.9, 0.8, 0.85, 2.5), coursekit.Epoch(2, 0.6, 0.9, 0.95, 2.25)]
    coursekit.print_splits(data)
    coursekit.print_history(history)
    out = capsys.readouterr().out
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in out.splitlines()]
    assert rows[2] == ["train", "600", "0.5 MB", "1.9 MB"]
    assert rows[-1] == ["2", "0.6000", "90.00%", "95.00%", "2.2"]
    coursekit.plot_softmax({"uniform": torch.tensor([2e4] * 9 + [2.1e4]), "he": torch.zeros(10)}, 6,
                           ylabel="softmax")
    coursekit.plot_softmax({"after": np.arange(10.0)}, 6, image=np.zeros(784))
    coursekit.plot_learning_curves(history, smoothing_floor=0.5, chosen_epoch=2)
    coursekit.plot_confusion_matrix(np.diag(np.arange(10)) + 1)
    coursekit.plot_misclassified(data.test.images, data.test.labels, data.test.labels, torch.arange(16))
    figures = [plt.figure(number) for number in plt.get_fignums()]
    assert len(figures) == 5 and [len(figure.axes) for figure in figures[:2]] == [2, 2]
    bars = [bar.get_height() for bar in figures[0].axes[0].patches]
    assert bars[9] == 1.0 and sum(bars) == 1.0  # a saturated softmax: no overflow
    assert len(figures[4].axes) == 16 and figures[4].axes[0].get_title() == f"#0: {int(data.test.labels[0])} → {int(data.test.labels[0])}"
    plt.close("all")


# --- notebooks 05–06: measuring a reverse-mode engine, numpy training, their tables and figures ---

def test_arrays_kept_counts_values_and_closures_once_and_views_as_their_owner():
    class Node:  # the duck type of any engine's node: .value and .parents, pairs (parent, vjp)
        def __init__(self, value, parents=()):
            self.value, self.parents = value, parents

    x, w = Node(np.ones(3)), Node(np.ones((3, 2)))
    w_t, extra = w.value.T, np.zeros(5)  # w.T: a view of w's memory
    held = ({"inside": [extra]},)  # arrays inside containers in a closure count too
    y = Node(x.value @ w.value, ((x, lambda grad: grad @ w_t),
                                 (w, lambda grad: np.outer(x.value, grad))))
    loss = Node(np.array(1.0), ((y, lambda grad: grad * len(held)),))
    kept = coursekit.arrays_kept(loss)
    assert sorted(a.nbytes for a in kept) == [8, 16, 24, 40, 48]  # each array once, w.T as w
    assert coursekit.bytes_kept(loss) == 8 + 16 + 24 + 40 + 48
    assert coursekit.bytes_kept(loss, leave_out=[w.value, x.value]) == 8 + 16 + 40


def test_arrays_kept_of_the_engine_of_notebook_05_grows_with_the_batch():
    engine = coursekit.engine_from_notebook(ENGINE_NOTEBOOK)
    parameters = coursekit.he_parameters(seed=0, device="cpu").numpy(np.float32)
    rng = np.random.default_rng(0)

    def kept(n):
        images = rng.random((n, 784), dtype=np.float32)
        loss = engine.cross_entropy(coursekit.forward(images, *map(engine.Node, parameters)),
                                    rng.integers(0, 10, n))
        return coursekit.bytes_kept(loss, leave_out=parameters)

    assert [kept(n) for n in (1, 8)] == [4 * (4 * 784 + 3 * 10) * n + 4 for n in (1, 8)]


def test_largest_difference_is_in_units_of_the_largest_reference_entry():
    assert coursekit.largest_difference([1.0, 2.5], [1.0, 2.0]) == 0.25
    with pytest.raises(ValueError, match="shapes differ"):
        coursekit.largest_difference(np.zeros(3), np.zeros((1, 3)))


def test_normalized_pixels_match_normalize_for_pytorch():
    images = np.arange(256, dtype=np.uint8).reshape(2, 128)
    inputs = coursekit.normalized_pixels(images)
    assert inputs.dtype == np.float32 and inputs.shape == (2, 128)
    np.testing.assert_allclose(inputs, coursekit.normalize(torch.from_numpy(images)).numpy(),
                               atol=1e-6)  # float32 rounding: in place there, by a table here
    assert coursekit.normalized_pixels(images, np.float64).dtype == np.float64


def test_fit_numpy_calls_the_step_once_per_batch_and_keeps_the_best_epoch(monkeypatch):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (40, 784), dtype=np.uint8), rng.integers(0, 10, 40)
    parameters = coursekit.Parameters(*(rng.normal(size=s).astype(np.float32)
                                        for s in [(784, 10), (784, 784), (784,), (10,)]))
    seen = []

    def step(parameters, inputs, batch_labels, lr):
        seen.append((inputs.dtype, len(inputs), lr))
        parameters.b[:] += 1.0  # changes the arrays in place, as an SGD step does
        return 2.0

    accuracies = iter([0.5, 0.75, 0.25])
    monkeypatch.setattr(coursekit.training, "numpy_accuracy", lambda *args: next(accuracies))
    history, chosen = coursekit.fit_numpy(step, parameters, (images, labels), (images, labels),
                                          epochs=3, lr=0.1, batch_size=10)
    assert seen == [(np.float32, 10, 0.1)] * 12  # 4 batches of 10 in each of 3 epochs
    assert [row.epoch for row in history] == [1, 2, 3] and history[0].loss == 2.0
    assert [row.validation_accuracy for row in history] == [0.5, 0.75, 0.25]
    np.testing.assert_allclose(chosen.b, parameters.b - 4.0)  # a copy after epoch 2, the best
    assert chosen.b is not parameters.b


def test_numpy_accuracy_counts_the_highest_scores_that_are_labels():
    parameters = coursekit.Parameters(np.eye(784, 10, dtype=np.float32),
                                      np.eye(784, dtype=np.float32),
                                      np.full(784, 10.0, dtype=np.float32),
                                      np.zeros(10, dtype=np.float32))
    images = np.zeros((3, 784), dtype=np.uint8)
    images[0, 3] = images[1, 7] = images[2, 1] = 255  # the highest score: that pixel's class
    assert coursekit.numpy_accuracy(parameters, images, np.array([3, 7, 2]), batch_size=2) == 2 / 3


def test_tables_and_figures_of_notebooks_05_and_06(capsys, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda: plt.close("all"))
    assert coursekit.bound_verdict(1e-13, 1e-12) == "below 10⁻¹² ✓"
    assert coursekit.bound_verdict(1e-11, 1e-12) == "not below 10⁻¹² ✗"
    ratios = coursekit.report_timings("", {"a": {"x": 2.0, "y": 1.0}}, ratio=("x", "y"))
    assert ratios == {"a": 2.0} and "x / y" in capsys.readouterr().out
    differences = coursekit.report_differences("against", np.ones(2), {"r": (np.ones(2), 1e-12)})
    assert differences == {"r": 0.0} and "below 10⁻¹² ✓" in capsys.readouterr().out
    first = coursekit.report_first_reaching(1.0, {"c": [(0, 0.0, 2.0), (5, 1.5, 0.5)]}, "to")
    assert first == {"c": (5, 1.5, 0.5)}
    coursekit.print_pairs(["", "a", "b", ""], {"r": (1.0, -1.0)}, lambda a, b: "✓")
    coursekit.print_numpy_history([coursekit.NumpyEpoch(1, 0.5, 0.9, 2.0)])
    assert "+1 " in capsys.readouterr().out
    coursekit.plot_bytes_kept([1, 2], {"plain": [10, 20]}, parameter_bytes=15)
    coursekit.plot_loss_curves({"SGD": [(0, 0.0, 2.0), (10, 0.1, 1.0)]})
