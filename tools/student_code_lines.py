"""How much code a student reads, per student notebook: python tools/student_code_lines.py.

Prints the README's maintainer table: the non-blank code lines of each notebook in exercises/, and
their share of lesson (code the lesson runs), exercise (cells with `# YOUR CODE HERE`) and check
(the one-line `check.exercise_...` cells). tests/test_exercises.py keeps the README's copy current.
"""

import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
KINDS = ("lesson", "exercise", "check")


def kind(source):
    if "# YOUR CODE HERE" in source:
        return "exercise"
    return "check" if source.lstrip().startswith("check.") else "lesson"


def code_lines(path):
    """{kind: non-blank code lines} of one student notebook."""
    lines = dict.fromkeys(KINDS, 0)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            lines[kind(cell.source)] += sum(1 for line in cell.source.splitlines() if line.strip())
    return lines


def table(folder=REPO / "exercises"):
    """The table as markdown lines."""
    rows = ["| student notebook | code lines | lesson | exercise | check |",
            "|---|--:|--:|--:|--:|"]
    totals = dict.fromkeys(KINDS, 0)
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        lines = code_lines(path)
        total = sum(lines.values())
        totals = {k: totals[k] + lines[k] for k in KINDS}
        rows.append(f"| `{path.stem}` | {total} | "
                    + " | ".join(f"{lines[k] / total:.0%}" for k in KINDS) + " |")
    total = sum(totals.values())
    shares = " | ".join(f"{totals[k] / total:.0%}" for k in KINDS)
    rows.append(f"| all | {total} | {shares} |")
    return rows


if __name__ == "__main__":
    print("\n".join(table(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "exercises")))
