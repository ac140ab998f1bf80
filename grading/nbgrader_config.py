"""nbgrader's settings for this course: the course folder is grading/ (see the README, "Grading").

`make grade SUBMISSIONS=folder` runs nbgrader's commands here; so can an instructor, from this
folder: `nbgrader generate_assignment 00_dual_numbers`, `nbgrader autograde 00_dual_numbers`, ...
The solution notebooks in ../notebooks are the source notebooks (tools/grading.py copies them into
source/<notebook>/). The pieces named here live in tools/grading.py.
"""

import sys
import warnings
from pathlib import Path

from sqlalchemy.exc import SAWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the course's tools package
from tools import grading  # noqa: E402

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "dual-numbers-to-autograd"
# nbgrader 0.9.6's gradebook under SQLAlchemy 2.1 warns that autoflush skips objects it adds
# itself a moment later; the grades are right (tests/test_grading.py), the warnings only noise.
warnings.filterwarnings("ignore", category=SAWarning)

# The student version: the solution notebook without its presenter-only cells and course tests
# (tags instructor, course-test), then nbgrader's own steps: solutions become stubs, outputs go,
# check cells and the lesson's text are locked.
c.GenerateAssignment.preprocessors = grading.generate_preprocessors()
c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = sorted(grading.HIDDEN_TAGS)

# A check cell that a student deleted is put back (and run) rather than left ungraded.
c.OverwriteCells.add_missing_cells = True

# Untrusted code: each notebook runs in its own kernel, started under an address-space limit; a
# cell that runs longer than the timeout is interrupted and the notebook goes on. Either costs the
# student that exercise, never the run. The slowest cell of a right answer (notebook 04's training)
# takes about a minute on 2 busy cores.
c.Autograde.autograde_preprocessors = grading.autograde_preprocessors()
c.Execute.timeout = 300  # seconds per cell
c.LimitedKernelManager.memory_limit = 8 * 2**30  # bytes of address space per kernel

# A check's verdict decides: a warning that the student's code prints (stderr) costs no points;
# an error (a failed check, a timeout, MemoryError) costs the exercise.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w+Warning: "

# `nbgrader export`: points per student and exercise
c.ExportApp.plugin_class = grading.ExerciseCsvExporter
