"""Write the student versions of the solution notebooks: python tools/make_exercises.py [--force].

`--edition student --out DIR` writes instead the edition that the site and the handouts publish:
the same notebooks with their outputs, except the outputs of the exercise cells; `--edition
instructor` keeps the solutions. Neither holds instructor cells or course tests.

For every notebooks/NN_*.ipynb it writes exercises/NN_*.ipynb (same file name): the student
version that `nbgrader generate_assignment` makes with the course's settings
(grading/nbgrader_config.py; tools/grading.py's `release` runs it):
- cells tagged `instructor` (speaker notes, presenter-only cells) and `course-test` (asserts that
  hold the prose to a measurement: the course's own tests, run by nbval) are removed,
- the code between `### BEGIN SOLUTION` and `### END SOLUTION` becomes `# YOUR CODE HERE` /
  `raise NotImplementedError()` at the same indent,
- outputs and execution counts are cleared; check cells and the lesson's text are locked.
What nbgrader has no part in is done here: the stored widget state goes (it belongs to the executed
solution), and each file records the SHA-256 of what was written. So the generator never
overwrites a student's work: a file whose content no longer matches its record (someone edited or
ran it) is left alone, with a message, unless --force is given; tools/my_work.py relies on the
same record.
"""

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import TagRemovePreprocessor
from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import ClearSolutions

if __package__:  # imported as tools.make_exercises (the tests, the site)
    from . import grading
else:  # run as a script, or imported by one: python tools/make_exercises.py
    import grading

REPO = Path(__file__).resolve().parents[1]
# A solution region (nbgrader's markers); ClearSolutions replaces it with its stub
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$",
                      re.M | re.S)
INSTRUCTOR_TAG, COURSE_TEST_TAG = grading.INSTRUCTOR_TAG, grading.COURSE_TEST_TAG
HIDDEN_TAGS = grading.HIDDEN_TAGS
RECORD = "exercise_generator"  # notebook metadata key holding the source and the hash


def instructor_edition(notebook):
    """A copy of a solution notebook without its instructor cells and course tests."""
    remove = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    return remove.preprocess(nbformat.from_dict(notebook), {})[0]


class StripSolutions(ClearSolutions):
    """nbgrader's ClearSolutions (each solution region becomes its stub, at the region's indent;
    a solution region outside a cell marked as a solution stops it), which also drops what a
    solution cell printed (it could give the answer away), and works on a cell on its own."""

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, {"language": "python", **resources}, index)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.outputs, cell.execution_count = [], None
        return cell, resources


def student_edition(notebook):
    """The published student edition of a solution notebook (a copy): the lesson and its outputs,
    the exercises as the student gets them, no solution, no instructor cell, no course test."""
    return StripSolutions().preprocess(instructor_edition(notebook), {})[0]


EDITIONS = {"student": student_edition, "instructor": instructor_edition}


def content_hash(notebook):
    """SHA-256 of the notebook as nbformat writes it, without the hash itself."""
    copy = nbformat.from_dict(notebook)
    copy.metadata.pop(RECORD, None)
    return hashlib.sha256(nbformat.writes(copy).encode()).hexdigest()


def student_version(source_path, config=None):
    notebook = grading.release(source_path, config)
    notebook.metadata.pop("widgets", None)  # stored widget state belongs to the executed solution
    notebook.metadata[RECORD] = {"source": f"notebooks/{source_path.name}"}
    notebook.metadata[RECORD]["sha256"] = content_hash(notebook)
    return notebook


def is_untouched(path):
    """True if the file at path is exactly what the generator wrote last time."""
    notebook = nbformat.read(path, as_version=4)
    return notebook.metadata.get(RECORD, {}).get("sha256") == content_hash(notebook)


def generate(sources, out_dir, force=False):
    """Write student versions; return the files left alone because they were edited."""
    out_dir.mkdir(parents=True, exist_ok=True)
    refused, config = [], grading.course_config()
    for source in sources:
        target = out_dir / source.name
        text = nbformat.writes(student_version(source, config))
        if target.exists() and target.read_text() == text:
            continue
        if target.exists() and not force and not is_untouched(target):
            refused.append(target)
            continue
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text)
        partial.replace(target)  # atomic: a crash never leaves half a notebook
        print(f"wrote {target}")
    return refused


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="solution notebooks (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=REPO / "exercises",
                        help="folder for the student versions")
    parser.add_argument("--force", action="store_true",
                        help="overwrite student versions even if they were edited")
    parser.add_argument("--edition", choices=sorted(EDITIONS),
                        help="write this published edition (with outputs) instead")
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.edition:
        args.out.mkdir(parents=True, exist_ok=True)
        for source in sources:
            edition = EDITIONS[args.edition](nbformat.read(source, as_version=4))
            nbformat.write(edition, args.out / source.name)
        return 0
    try:
        refused = generate(sources, args.out, args.force)
    except NbGraderException as error:  # nbgrader has logged which cell and why
        print(f"nbgrader could not make a student version: {error}", file=sys.stderr)
        return 1
    for path in refused:
        print(f"refused to overwrite {path}: it differs from what the generator last wrote, so it "
              "holds someone's work. Move it aside, or run again with --force to replace it.",
              file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
