"""Write the student versions of the solution notebooks: python tools/make_exercises.py [--force].

`--edition student --out DIR` writes instead the edition that the site and the handouts publish:
the same notebooks with their outputs, except the outputs of the exercise cells; `--edition
instructor` keeps the solutions. Neither holds instructor cells or course tests.

For every notebooks/NN_*.ipynb it writes exercises/NN_*.ipynb (same file name) in which
- the code between `### BEGIN SOLUTION` and `### END SOLUTION` becomes `# YOUR CODE HERE` /
  `raise NotImplementedError()` at the same indent (nbgrader's markers and replacement),
- cells tagged `instructor` (speaker notes, presenter-only cells) and `course-test` (asserts that
  hold the prose to a measurement: the course's own tests, run by nbval) are removed,
- outputs and execution counts are cleared.

It never overwrites a student's work: each file records the SHA-256 of what the generator wrote,
and a file whose content no longer matches (someone edited or ran it) is left alone, with a
message, unless --force is given.
"""

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor, TagRemovePreprocessor

REPO = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$",
                      re.M | re.S)
STUB = "{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()"
INSTRUCTOR_TAG = "instructor"
COURSE_TEST_TAG = "course-test"  # also skipped on slides (slide_type "skip") and left off the site
HIDDEN_TAGS = {INSTRUCTOR_TAG, COURSE_TEST_TAG}
RECORD = "exercise_generator"  # notebook metadata key holding the source and the hash


class StripSolutions(Preprocessor):
    """Replace each marked solution block with a stub at the block's indent, and drop what the
    solution cell printed (it could reveal the answer)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and SOLUTION.search(cell.source):
            cell.source = SOLUTION.sub(lambda m: STUB.format(indent=m[1]), cell.source)
            cell.outputs, cell.execution_count = [], None
        return cell, resources


def instructor_edition(notebook):
    """A copy of a solution notebook without its instructor cells and course tests."""
    remove = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    return remove.preprocess(nbformat.from_dict(notebook), {})[0]


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


def student_version(source_path):
    notebook, _ = ClearOutputPreprocessor().preprocess(
        student_edition(nbformat.read(source_path, as_version=4)), {})
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
    refused = []
    for source in sources:
        target = out_dir / source.name
        text = nbformat.writes(student_version(source))
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
    refused = generate(sources, args.out, args.force)
    for path in refused:
        print(f"refused to overwrite {path}: it differs from what the generator last wrote, so it "
              "holds someone's work. Move it aside, or run again with --force to replace it.",
              file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
