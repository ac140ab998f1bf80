"""Instructors grade with nbgrader: the solution notebooks are nbgrader source notebooks, and
`make grade` (tools/grading.py) autogrades submissions with the course's own checks.

Three fake submissions of notebook 00 go through nbgrader's autograde: one fully right (it also
hands in notebook 01), one with wrong answers to two exercises, and one that edits a check cell to
print ✔, deletes another, loops forever in one exercise and allocates 10 GB in another. Only the
points, the cells' outputs and the files written are judged, never how long anything took: the
per-cell time limit is what stops the loop, and a generous limit per nbgrader command is what
keeps a hung run from hanging the tests.
"""

import csv
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.nbgraderformat import MetadataValidator

from conftest import REPO
from tools import grading, make_exercises

SOLUTIONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIRST, SECOND = "00_dual_numbers", "01_forward_pass"
CELL_TIMEOUT = 60  # seconds per cell while grading here: 10x the slowest cell of these notebooks
COMMAND_TIMEOUT = 1200  # seconds per nbgrader command, only against a run that hangs
TEN_GB = 10 * 10**9


def nbgrader_cells(notebook, key):
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get(key)]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_solution_notebook_is_an_nbgrader_source_notebook(solution):
    notebook = nbformat.read(solution, as_version=4)
    MetadataValidator().validate_nb(notebook)  # nbgrader's own check: ids unique, points given
    assert not grading.mark(nbformat.from_dict(notebook)), (
        f"{solution.name} lacks its nbgrader metadata: run `python tools/grading.py mark`")
    shown = [cell for cell in notebook.cells if not grading.hidden(cell)]
    checks = [cell for cell in shown if grading.is_check(cell)]
    assert checks, f"{solution.name} has no check cell"
    for cell in checks:
        assert cell.metadata.nbgrader == grading.nbgrader_metadata(
            f"exercise_{grading.exercise_of(cell)}", grade=True, locked=True,
            points=cell.metadata.nbgrader["points"])
        assert cell.metadata.nbgrader["points"] > 0
    for cell in shown:
        if grading.is_solution(cell):
            assert cell.metadata.nbgrader["solution"] and not cell.metadata.nbgrader["grade"]
            assert cell.metadata.nbgrader["grade_id"].startswith("answer_")
        elif cell.cell_type == "markdown":
            assert cell.metadata.nbgrader == grading.nbgrader_metadata(f"cell-{cell.id}",
                                                                       locked=True)
        elif not grading.is_check(cell):
            assert "nbgrader" not in cell.metadata, "lesson code stays the student's to try out"
    assert not any("nbgrader" in cell.metadata for cell in notebook.cells if grading.hidden(cell))


def test_marking_follows_the_cells_and_keeps_an_instructors_points():
    cell = nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Write f."),
        cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"),
        cell("def g(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"),
        cell("check.exercise_7_1(f, g)"),
        cell("print('lesson code')"),
        nbformat.v4.new_markdown_cell("Notes.", metadata={"tags": ["instructor"]}),
    ])
    assert grading.mark(notebook) and not grading.mark(notebook), "marking twice changes nothing"
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells]
    assert ids == [f"cell-{notebook.cells[0].id}", "answer_7_1", "answer_7_1_2", "exercise_7_1",
                   None, None]
    notebook.cells[3].metadata.nbgrader["points"] = 3  # the instructor weighs this exercise
    notebook.cells[4].metadata["nbgrader"] = {"grade": True}  # metadata the cell no longer earns
    assert grading.mark(notebook)
    assert notebook.cells[3].metadata.nbgrader["points"] == 3
    assert "nbgrader" not in notebook.cells[4].metadata
    notebook.cells.append(cell("def h():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"))
    with pytest.raises(ValueError, match="followed by no check cell"):
        grading.mark(notebook)


def test_the_grading_kernel_runs_under_the_memory_limit():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0], "
        "os.environ['OMP_NUM_THREADS'], repr(os.environ['CUDA_VISIBLE_DEVICES']))")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    client = NotebookClient(notebook, timeout=600, kernel_manager_class=grading.LimitedKernelManager)
    client.execute()
    limit = grading.LimitedKernelManager().memory_limit
    assert notebook.cells[0].outputs[0].text.split() == [str(limit), "2", "''"]


def test_only_course_notebooks_in_student_folders_are_graded(tmp_path):
    for path in ["ada/00_dual_numbers.ipynb", "ada/scratch.ipynb", "00_dual_numbers.ipynb",
                 ".ipynb_checkpoints/00_dual_numbers.ipynb"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}")
    found, skipped = grading.find_submissions(tmp_path, {FIRST, SECOND})
    assert found == {("ada", FIRST): tmp_path / "ada" / f"{FIRST}.ipynb"}
    assert sorted(p.name for p in skipped) == [f"{FIRST}.ipynb", "scratch.ipynb"]
    with pytest.raises(SystemExit, match="no submissions"):
        grading.grade(tmp_path / "ada" / "empty", course=tmp_path / "course")


# --- Three fake submissions, autograded ------------------------------------------------------

def right_answers(stem):
    """{grade_id of a solution cell: the solution as a student types it (without the markers)}"""
    source = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: "\n".join(
        line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line
        and "### END SOLUTION" not in line) for cell in nbgrader_cells(source, "solution")}


def submission(stem, changes=None):
    """The student version handed out, every exercise answered right except `changes`:
    {grade_id: the cell's new source, or None to delete the cell}."""
    notebook = nbformat.read(REPO / "exercises" / f"{stem}.ipynb", as_version=4)
    sources = {**right_answers(stem), **(changes or {})}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    notebook.cells = [cell for cell in notebook.cells if cell.source is not None]
    return notebook


STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
SUBMISSIONS = {
    ("right", FIRST): {},
    ("right", SECOND): {},
    ("wrong", FIRST): {  # two wrong answers that a student could well write
        "answer_0_4": "def partial_derivative(f, point, index):\n"
                      "    inputs = [diffType(x, 1.0) for x in point]  # every input seeded\n"
                      "    return f(*inputs).dvalue",
        "answer_0_5": "def softplus(x):\n"
                      "    return diffType(np.log(1 + np.exp(x.value)), x.dvalue / (1 + np.exp(-x.value)))",
    },
    ("tampered", FIRST): {
        "answer_0_4": "def partial_derivative(f, point, index):\n    while True:  # never returns\n"
                      "        pass",
        "answer_0_5": "def softplus(x):\n"
                      f"    hoard = np.ones({TEN_GB}, dtype=np.uint8)  # 10 GB, then the right answer\n"
                      "    value = np.logaddexp(0.0, x.value)\n"
                      "    return diffType(value, np.exp(x.value - value) * x.dvalue)",
        "answer_0_6": f"def newton(f, x0, tolerance=1e-12, max_steps=50):\n{STUB}",
        "exercise_0_6": "print(\"✔ Exercise 0.6 passed: Newton's method with f′ from forward mode\")",
        "exercise_0_3": None,  # deleted: it comes back, and passes on the right answer above it
    },
}
ZEROS = {("wrong", FIRST): {"0.4", "0.5"}, ("tampered", FIRST): {"0.4", "0.5", "0.6"}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course folder after `tools/grading.py grade` of the three submissions."""
    submissions, course = tmp_path_factory.mktemp("submissions"), tmp_path_factory.mktemp("course")
    for (student, stem), changes in SUBMISSIONS.items():
        (submissions / student).mkdir(exist_ok=True)
        nbformat.write(submission(stem, changes), submissions / student / f"{stem}.ipynb")
    failed = grading.grade(submissions, course=course, options=[f"--Execute.timeout={CELL_TIMEOUT}"],
                           command_timeout=COMMAND_TIMEOUT)
    assert failed == [], "every nbgrader command finishes, whatever the students' code does"
    return course


def expected_points(stem, student):
    source = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    handed_in = (student, stem) in SUBMISSIONS
    return {(student, stem, grading.exercise_label(cell.metadata.nbgrader["grade_id"])):
            (cell.metadata.nbgrader["points"] if handed_in and grading.exercise_label(
                cell.metadata.nbgrader["grade_id"]) not in ZEROS.get((student, stem), ()) else 0,
             cell.metadata.nbgrader["points"])
            for cell in nbgrader_cells(source, "grade")}


def test_autograding_gives_exactly_the_expected_points(graded):
    with open(graded / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    points = {(row["student"], row["notebook"], row["exercise"]):
              (float(row["points"]), float(row["max_points"])) for row in rows}
    expected = {}
    for student in ("right", "tampered", "wrong"):
        for stem in (FIRST, SECOND):
            expected.update(expected_points(stem, student))
    assert points == expected
    assert len(rows) == len(points), "one row per student and exercise"


def autograded_cells(course, student, stem):
    notebook = nbformat.read(course / "autograded" / student / stem / f"{stem}.ipynb", as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: cell for cell in notebook.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})}


def outputs(cell):
    return "\n".join(output.get("text", "") or f"{output.get('ename')}: {output.get('evalue')}"
                     for output in cell.outputs)


def test_an_edited_check_is_restored_from_the_source_and_scores_0(graded):
    cells = autograded_cells(graded, "tampered", FIRST)
    assert cells["exercise_0_6"].source == "check.exercise_0_6(newton)"
    assert "Exercise 0.6 is not answered yet" in outputs(cells["exercise_0_6"])
    assert "✔" not in outputs(cells["exercise_0_6"])
    restored = cells["exercise_0_3"]  # deleted by the student, put back by nbgrader
    assert restored.source.endswith("\ncheck.exercise_0_3(Dual, sin, exp, log, relu)")
    assert "✔ Exercise 0.3 passed" in outputs(restored)


def test_an_endless_loop_and_a_10_GB_allocation_cost_only_their_exercise(graded):
    cells = autograded_cells(graded, "tampered", FIRST)
    assert "CellTimeoutError" in outputs(cells["exercise_0_4"]), "interrupted at the time limit"
    assert "MemoryError" in outputs(cells["exercise_0_5"]), "refused by the memory limit"
    # the same kernel then ran the next check: neither stopped the notebook
    assert "Exercise 0.6" in outputs(cells["exercise_0_6"])
    for label in ("0_1", "0_2"):
        assert f"✔ Exercise {label.replace('_', '.')} passed" in outputs(cells[f"exercise_{label}"])


def test_a_wrong_answer_fails_with_the_checks_hint(graded):
    cells = autograded_cells(graded, "wrong", FIRST)
    for label in ("0_4", "0_5"):
        assert re.search(r"Exercise 0\.\d: .*Hint", outputs(cells[f"exercise_{label}"]), re.S)


def test_each_student_gets_a_feedback_page_per_notebook(graded):
    pages = sorted(path.relative_to(graded / "feedback").as_posix()
                   for path in (graded / "feedback").rglob("*.html"))
    assert pages == sorted(f"{student}/{stem}/{stem}.html" for student, stem in SUBMISSIONS)
    page = (graded / "feedback" / "tampered" / FIRST / f"{FIRST}.html").read_text()
    assert "Exercise 0.6 is not answered yet" in page and "Score" in page


def test_the_student_versions_are_what_nbgrader_generate_assignment_releases(graded):
    """exercises/ is nbgrader's release; the generator adds its record and drops widget state."""
    for stem in (FIRST, SECOND):
        released = nbformat.read(graded / "release" / stem / f"{stem}.ipynb", as_version=4)
        handed_out = nbformat.read(REPO / "exercises" / f"{stem}.ipynb", as_version=4)
        handed_out.metadata.pop(make_exercises.RECORD)
        released.metadata.pop("widgets", None)
        assert handed_out == released
