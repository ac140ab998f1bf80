"""Student versions: nbgrader's release of the solutions, free of them, runnable, and never overwritten
by accident."""

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO
from tools import grading, make_exercises, student_code_lines

SOLUTIONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALLOWED_ERRORS = {"NotImplementedError", "NameError", "AssertionError", "CheckFailed"}
MACHINERY = re.compile(r"\bmock\b|\bpatch\b|SimpleNamespace|TorchFunctionMode")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("exercises")
    assert make_exercises.generate(SOLUTIONS, out) == []
    return out


def test_every_solution_notebook_has_a_committed_student_version():
    assert [p.name for p in SOLUTIONS] == sorted(p.name for p in (REPO / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_committed_student_version_is_the_generators_output(solution, generated):
    committed = (REPO / "exercises" / solution.name).read_text()
    assert committed == (generated / solution.name).read_text(), (
        f"exercises/{solution.name} is stale: run `make exercises` and commit the result")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_student_version_has_no_solution_text(solution):
    student_notebook = nbformat.read(REPO / "exercises" / solution.name, as_version=4)
    student = "\n".join(cell.source for cell in student_notebook.cells)
    assert "BEGIN SOLUTION" not in student and "END SOLUTION" not in student
    assert "Speaker notes" not in student, "instructor-only cells must be removed"
    source = nbformat.read(solution, as_version=4)
    blocks = [m[0] for cell in source.cells if cell.cell_type == "code"
              for m in make_exercises.SOLUTION.finditer(cell.source)]
    assert blocks, f"{solution.name} has no exercise"
    for block in blocks:
        code = [line.strip() for line in block.splitlines()[1:-1] if line.strip()]
        assert "\n".join(code) not in "\n".join(line.strip() for line in student.splitlines())
        for line in code:
            if len(line) > 30:  # short lines such as `loss.backward()` also appear in teaching cells
                assert line not in student, f"solution line leaked into the student version: {line}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_student_version_holds_the_lesson_not_the_machinery(solution):
    """A check cell is one call into the checks package; the course's own asserts stay out of sight."""
    cells = nbformat.read(REPO / "exercises" / solution.name, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert not MACHINERY.search(cell.source), f"cell {index}: check machinery in front of students"
        if re.search(r"\bcheck\w*\.|\bassert\b", cell.source) and "YOUR CODE HERE" not in cell.source:
            assert len(lines) <= 3, f"cell {index}: a check cell of {len(lines)} lines; a check is one call"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_student_version_runs_to_its_first_exercise_and_fails_only_as_intended(solution, tmp_path):
    notebook = nbformat.read(REPO / "exercises" / solution.name, as_version=4)
    NotebookClient(notebook, timeout=600, allow_errors=True, resources={"metadata": {"path": str(REPO / "exercises")}}).execute()
    first_stub = next(i for i, cell in enumerate(notebook.cells) if "raise NotImplementedError()" in cell.source)
    errors = [(i, output.ename) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert errors, "an unanswered exercise must fail its check"
    assert errors[0][0] >= first_stub, f"cell {errors[0][0]} fails before the first exercise (cell {first_stub})"
    assert {name for _, name in errors} <= ALLOWED_ERRORS, f"unexpected errors: {errors}"


def test_edited_student_version_is_never_overwritten(tmp_path):
    out = tmp_path / "exercises"
    assert make_exercises.main(["--out", str(out), str(SOLUTIONS[0])]) == 0
    target = out / SOLUTIONS[0].name
    notebook = nbformat.read(target, as_version=4)
    notebook.cells[-1].source += "\n\nMy own notes."  # a student's edit
    nbformat.write(notebook, target)
    edited = target.read_text()

    assert make_exercises.main(["--out", str(out), str(SOLUTIONS[0])]) == 1
    assert target.read_text() == edited, "the student's work must survive"
    assert make_exercises.main(["--out", str(out), "--force", str(SOLUTIONS[0])]) == 0
    assert target.read_text() != edited and make_exercises.is_untouched(target)


def test_untouched_student_version_is_updated_when_the_solution_changes(tmp_path):
    source = tmp_path / SOLUTIONS[0].name
    shutil.copy(SOLUTIONS[0], source)
    out = tmp_path / "exercises"
    make_exercises.main(["--out", str(out), str(source)])
    notebook = nbformat.read(source, as_version=4)
    notebook.cells[0].source += "\n\nA new sentence."
    nbformat.write(notebook, source)
    assert make_exercises.main(["--out", str(out), str(source)]) == 0
    assert "A new sentence." in (out / source.name).read_text()


def test_stub_keeps_the_indent_of_the_solution():
    solution = grading.nbgrader_metadata("answer_9_1", solution=True)
    cell = nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n",
                                     metadata={"nbgrader": solution})
    stripped, _ = make_exercises.StripSolutions().preprocess_cell(cell, {}, 0)
    assert stripped.source == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    assert re.search(r"BEGIN|return x", stripped.source) is None


def test_a_solution_outside_a_solution_cell_stops_the_generator(tmp_path):
    """nbgrader refuses a solution region in a cell without solution metadata: no answer is handed
    out because someone forgot to run `python tools/grading.py mark`."""
    notebook = nbformat.read(SOLUTIONS[0], as_version=4)
    answer = next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution"))
    del answer.metadata["nbgrader"]
    nbformat.write(notebook, tmp_path / SOLUTIONS[0].name)
    with pytest.raises(RuntimeError, match="Solution region detected in a non-solution cell"):
        make_exercises.student_edition(notebook)
    assert make_exercises.main(["--out", str(tmp_path / "out"), str(tmp_path / SOLUTIONS[0].name)]) == 1
    assert not (tmp_path / "out" / SOLUTIONS[0].name).exists()


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_student_version_locks_the_checks_and_the_lesson(solution):
    """nbgrader's LockCells: a student can neither edit nor delete a check cell or the lesson's text,
    and cannot delete an answer cell (autograding restores the first two anyway)."""
    for cell in nbformat.read(REPO / "exercises" / solution.name, as_version=4).cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" or nbgrader.get("grade"):
            assert nbgrader.get("locked") and cell.metadata.get("editable") is False
        if "raise NotImplementedError()" in cell.source:
            assert nbgrader.get("solution") and cell.metadata.get("editable", True)
        if nbgrader:
            assert cell.metadata.get("deletable") is False


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_published_editions(solution):
    """The student edition keeps the lesson's outputs but no solution; the instructor's keeps it."""
    notebook = nbformat.read(solution, as_version=4)
    student, instructor = (make_exercises.EDITIONS[name](notebook) for name in ("student", "instructor"))
    hidden = make_exercises.HIDDEN_TAGS
    for edition in (student, instructor):
        assert not [cell for cell in edition.cells if hidden & set(cell.metadata.get("tags", []))]
    assert not any(make_exercises.SOLUTION.search(cell.source) for cell in student.cells)
    assert any(make_exercises.SOLUTION.search(cell.source) for cell in instructor.cells)
    assert any(cell.get("outputs") for cell in student.cells), "the lesson's outputs stay"
    assert nbformat.read(solution, as_version=4) == notebook, "the source notebook is not changed"


def test_the_readmes_table_of_student_code_lines_is_current():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- student-code-lines -->\n(.*?)\n<!-- /student-code-lines -->", readme,
                      re.S)
    assert shown, "README.md has lost its <!-- student-code-lines --> markers"
    assert shown[1].splitlines() == student_code_lines.table(), (
        "the README's table of student code lines is out of date: paste the output of "
        "`python tools/student_code_lines.py` between its markers")


def test_notebooks_00_to_05_keep_to_their_budget_of_student_code_lines():
    """Issue 19: a student's notebook holds the lesson, the exercises and one line per check."""
    lines = {path.stem: sum(student_code_lines.code_lines(path).values())
             for path in sorted((REPO / "exercises").glob("[0-9][0-9]_*.ipynb"))
             if path.name[:2] in student_code_lines.BUDGET_NOTEBOOKS}
    assert len(lines) == len(student_code_lines.BUDGET_NOTEBOOKS)
    assert sum(lines.values()) <= student_code_lines.BUDGET_LINES, lines
