"""Grade the course with nbgrader: the solution notebooks are nbgrader source notebooks.

    python tools/grading.py mark [NOTEBOOK ...]  # set notebooks/' nbgrader metadata (idempotent)
    python tools/grading.py grade FOLDER         # autograde FOLDER/<student>/<notebook>.ipynb

`mark` gives every notebook the metadata nbgrader reads (what its "Create Assignment" toolbar
writes), derived from what the course already marks:
- a solution cell (code between `### BEGIN SOLUTION` and `### END SOLUTION`) is an autograded
  answer: grade_id `answer_N_M`, after the exercise that the next check cell names;
- a check cell (the one line `check.exercise_N_M(...)`) is an autograder test, locked: grade_id
  `exercise_N_M`, 1 point (points an instructor gave it stay);
- a markdown cell of the lesson is read-only (locked): grade_id `cell-<the cell's id>`.
Cells tagged instructor or course-test get none: nbgrader never hands them out.

`grade` (`make grade SUBMISSIONS=folder`) runs nbgrader's own commands on the course folder
grading/, whose nbgrader_config.py holds every setting: `nbgrader generate_assignment` (the
assignments and the gradebook), `nbgrader autograde` (each notebook in a kernel with a time limit
per cell and a memory limit: `LimitedExecute`), `nbgrader generate_feedback` (one HTML page per
student and notebook) and `nbgrader export` (points per student and exercise:
`ExerciseCsvExporter`). Only what nbgrader has no command for is done here: taking the submissions
from folder/<student>/<notebook>.ipynb, and starting each run from a fresh gradebook.
"""

import argparse
import copy
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbgrader.api import MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import ExportPlugin
from nbgrader.preprocessors import Execute
from traitlets import Integer
from traitlets.config.loader import PyFileConfigLoader

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "grading"  # the nbgrader course folder: nbgrader_config.py, and what grading writes
NOTEBOOKS = REPO / "notebooks"
INSTRUCTOR_TAG = "instructor"
COURSE_TEST_TAG = "course-test"  # also skipped on slides (slide_type "skip") and left off the site
HIDDEN_TAGS = {INSTRUCTOR_TAG, COURSE_TEST_TAG}  # never handed out, so never graded
SOLUTION_BEGIN = "### BEGIN SOLUTION"
CHECK = re.compile(r"check\.exercise_(\d+)_(\d+)\(.*\)")  # the whole source of a check cell
SCHEMA_VERSION = 3  # nbgrader's cell metadata format


# --- The metadata ---------------------------------------------------------------------------

def nbgrader_metadata(grade_id, *, solution=False, grade=False, locked=False, points=None):
    """A cell's `nbgrader` metadata, with the keys nbgrader's own toolbar writes."""
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked,
                "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        metadata["points"] = points
    return metadata


def hidden(cell):
    return bool(HIDDEN_TAGS & set(cell.metadata.get("tags", [])))


def is_check(cell):
    return cell.cell_type == "code" and CHECK.fullmatch(cell.source.strip()) is not None


def is_solution(cell):
    return cell.cell_type == "code" and SOLUTION_BEGIN in cell.source


def exercise_of(cell):
    """'N_M' of a check cell."""
    return "_".join(CHECK.fullmatch(cell.source.strip()).groups())


def wanted_metadata(notebook):
    """{cell index: the nbgrader metadata that cell should carry}; every other cell carries none."""
    wanted, answers = {}, []  # answers: solution cells waiting for their check cell
    for index, cell in enumerate(notebook.cells):
        if hidden(cell):
            continue
        if is_solution(cell):
            answers.append(index)
        elif is_check(cell):
            if not answers:
                raise ValueError(f"cell {index} checks exercise {exercise_of(cell)}, but no "
                                 "solution cell comes before it")
            label = exercise_of(cell)
            for number, answer in enumerate(answers, start=1):
                suffix = "" if number == 1 else f"_{number}"
                wanted[answer] = nbgrader_metadata(f"answer_{label}{suffix}", solution=True)
            answers = []
            points = cell.metadata.get("nbgrader", {}).get("points", 1)
            wanted[index] = nbgrader_metadata(f"exercise_{label}", grade=True, locked=True,
                                              points=points)
        elif cell.cell_type == "markdown":
            wanted[index] = nbgrader_metadata(f"cell-{cell.id}", locked=True)
    if answers:
        raise ValueError(f"solution cell {answers[0]} is followed by no check cell")
    return wanted


def mark(notebook):
    """Give a notebook's cells the nbgrader metadata they should carry, in place; True if any
    changed. Marking twice changes nothing the second time."""
    wanted, changed = wanted_metadata(notebook), False
    for index, cell in enumerate(notebook.cells):
        metadata = wanted.get(index)
        if metadata is None and "nbgrader" in cell.metadata:
            del cell.metadata["nbgrader"]
            changed = True
        elif metadata is not None and cell.metadata.get("nbgrader") != metadata:
            cell.metadata["nbgrader"] = metadata
            changed = True
    return changed


def mark_files(paths):
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if mark(notebook):
            nbformat.write(notebook, path)
            print(f"marked {path}")


# --- nbgrader's settings for this course (grading/nbgrader_config.py uses these) -------------

# The kernel's command, run under the memory limit. Threads are few and fixed (a grading machine
# with many cores would otherwise give each library a thread per core, each reserving address space)
# and GPUs are hidden (CUDA reserves address space by the gigabyte): the limit means the same on
# every machine.
KERNEL_ENVIRONMENT = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
                      "MALLOC_ARENA_MAX": "2", "CUDA_VISIBLE_DEVICES": ""}
LAUNCH_UNDER_LIMIT = f"""\
import os, resource, sys
os.environ.update({KERNEL_ENVIRONMENT!r})
limit = int(sys.argv[1])
try:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ValueError, OSError) as error:  # a system without this limit (macOS): grade without it
    print(f"grading kernel: no memory limit ({{error}})", file=sys.stderr)
os.execvp(sys.argv[2], sys.argv[2:])
"""


class LimitedKernelManager(AsyncKernelManager):
    """Starts the kernel with an address-space limit (RLIMIT_AS), set before Python starts: an
    allocation beyond it fails with MemoryError in that cell, and the kernel goes on."""

    memory_limit = Integer(8 * 2**30, help="the kernel's address space limit in bytes; a kernel "
                           "that imports PyTorch reserves about 4.7 GB").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-c", LAUNCH_UNDER_LIMIT, str(self.memory_limit), *command]


class LimitedExecute(Execute):
    """nbgrader's Execute (time limit per cell, interrupt, go on) in a LimitedKernelManager."""

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(**kwargs)


def autograde_preprocessors():
    """nbgrader's autograding steps, its Execute replaced by LimitedExecute."""
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    return [LimitedExecute if step is Execute else step for step in default]


def generate_preprocessors():
    """nbgrader's steps that make a student version, after removing the hidden cells."""
    from nbconvert.preprocessors import TagRemovePreprocessor
    return [TagRemovePreprocessor, *GenerateAssignment.class_traits()["preprocessors"].default()]


def exercise_label(grade_id):
    """'0.1' for 'exercise_0_1'."""
    return grade_id.removeprefix("exercise_").replace("_", ".")


class ExerciseCsvExporter(ExportPlugin):
    """`nbgrader export` of points per student and exercise: one row each, with the exercise's
    maximum. A notebook a student did not submit scores 0 in every exercise."""

    def export(self, gradebook):
        rows = []
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            for notebook in sorted(assignment.notebooks, key=lambda n: n.name):
                cells = sorted(notebook.grade_cells,
                               key=lambda c: [int(n) for n in re.findall(r"\d+", c.name)])
                for student in sorted(gradebook.students, key=lambda s: s.id):
                    try:
                        submitted = gradebook.find_submission_notebook(
                            notebook.name, assignment.name, student.id)
                        scores = {grade.name: grade.score for grade in submitted.grades}
                    except MissingEntry:
                        scores = {}
                    rows += [(student.id, notebook.name, exercise_label(cell.name),
                              points(scores.get(cell.name, 0.0)), points(cell.max_score))
                             for cell in cells]
        destination = self.to or "grades.csv"
        with open(destination, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["student", "notebook", "exercise", "points", "max_points"])
            writer.writerows(rows)
        self.log.info("Points per student and exercise in %s", destination)


def points(score):
    return "" if score is None else f"{score:g}"


def course_config(course=COURSE):
    """The course's nbgrader settings, as nbgrader reads them."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def release(source_path, config=None):
    """The student version of a solution notebook, as `nbgrader generate_assignment` writes it
    (here without a gradebook): a NotebookNode."""
    config = copy.deepcopy(config) if config else course_config()
    config.GenerateAssignment.no_database = True  # as `nbgrader generate_assignment --no-db`
    config.SaveCells.enabled = False
    config.Application.log_level = "WARN"
    with tempfile.TemporaryDirectory() as root:
        assignment = Path(source_path).stem
        folder = Path(root, "source", assignment)
        folder.mkdir(parents=True)
        shutil.copy(source_path, folder / Path(source_path).name)
        coursedir = CourseDirectory(config=config, root=root, assignment_id=assignment)
        GenerateAssignment(coursedir=coursedir, config=config).start()
        return nbformat.read(Path(root, "release", assignment, Path(source_path).name),
                             as_version=4)


# --- make grade -------------------------------------------------------------------------------

DERIVED = ["source", "release", "submitted", "autograded", "feedback", "gradebook.db",
           "grades.csv"]  # what a grading run writes in the course folder, all of it rebuilt


def find_submissions(folder, assignments):
    """({(student, notebook stem): path} for folder/<student>/<notebook>.ipynb, [other notebooks
    there]); hidden folders (.ipynb_checkpoints) are passed over."""
    found, skipped = {}, []
    for path in sorted(Path(folder).rglob("*.ipynb")):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts):
            continue
        if len(parts) == 2 and path.stem in assignments:
            found[parts[0], path.stem] = path
        else:
            skipped.append(path)
    return found, skipped


def nbgrader(course, *arguments, timeout=None):
    """Run one nbgrader command on the course folder, with grading/nbgrader_config.py; True if it
    succeeded within `timeout` seconds (None: however long it takes)."""
    command = [sys.executable, "-m", "nbgrader", *arguments, f"--CourseDirectory.root={course}"]
    # nbgrader runs `alembic` (its database migrations) by name: this venv's, even when not active
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    print("$ nbgrader " + " ".join(arguments), flush=True)
    start = time.monotonic()
    try:
        finished = subprocess.run(command, cwd=COURSE, env={**os.environ, "PATH": path},
                                  timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"nbgrader {arguments[0]} ran past {timeout} s and was stopped", file=sys.stderr)
        return False
    print(f"  ({time.monotonic() - start:.0f} s)", flush=True)
    return finished.returncode == 0


def grade(submissions, course=COURSE, sources=NOTEBOOKS, options=(), command_timeout=None):
    """Autograde every submission: points per student and exercise in course/grades.csv, feedback
    in course/feedback/<student>/<notebook>/<notebook>.html. Returns the nbgrader commands that
    failed; every command runs regardless (a student's broken file costs that student alone)."""
    course = Path(course).resolve()
    assignments = {path.stem: path for path in sorted(Path(sources).glob("[0-9][0-9]_*.ipynb"))}
    found, skipped = find_submissions(submissions, assignments)
    for path in skipped:
        print(f"skipped {path}: not <student>/<course notebook>.ipynb", file=sys.stderr)
    if not found:
        raise SystemExit(f"no submissions in {submissions}: expected "
                         f"{submissions}/<student>/<notebook>.ipynb, <notebook> one of "
                         f"{', '.join(assignments)}")
    for name in DERIVED:  # a fresh gradebook: every run grades the submissions as they are now
        path = course / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    graded = sorted({stem for _, stem in found})
    for stem in graded:
        (course / "source" / stem).mkdir(parents=True)
        shutil.copy(assignments[stem], course / "source" / stem)
    for (student, stem), path in found.items():
        (course / "submitted" / student / stem).mkdir(parents=True)
        shutil.copy(path, course / "submitted" / student / stem / f"{stem}.ipynb")
    steps = [("generate_assignment", stem) for stem in graded]
    steps += [step for stem in graded for step in (("autograde", stem, *options),
                                                   ("generate_feedback", stem))]
    steps.append(("export", f"--to={course / 'grades.csv'}"))
    return [" ".join(step[:2]) for step in steps
            if not nbgrader(course, *step, timeout=command_timeout)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    marking = commands.add_parser("mark", help="set the nbgrader metadata of solution notebooks")
    marking.add_argument("notebooks", nargs="*", type=Path,
                         help="solution notebooks (default: notebooks/NN_*.ipynb)")
    grading = commands.add_parser("grade", help="autograde FOLDER/<student>/<notebook>.ipynb")
    grading.add_argument("submissions", type=Path)
    grading.add_argument("--course", type=Path, default=COURSE, help="nbgrader course folder")
    grading.add_argument("--timeout", type=int, help="seconds per cell (default: in the config)")
    grading.add_argument("--memory-limit", type=int, help="bytes per kernel (default: config)")
    args = parser.parse_args(argv)
    if args.command == "mark":
        mark_files(args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
        return 0
    options = ([f"--Execute.timeout={args.timeout}"] if args.timeout else []) + (
        [f"--LimitedKernelManager.memory_limit={args.memory_limit}"] if args.memory_limit else [])
    failed = grade(args.submissions, args.course, options=options)
    print(f"points per student and exercise: {args.course / 'grades.csv'}\n"
          f"feedback: {args.course / 'feedback'}/<student>/<notebook>/<notebook>.html")
    if failed:
        print(f"failed (see above): nbgrader {'; nbgrader '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
