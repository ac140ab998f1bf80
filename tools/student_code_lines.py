"""How much code a student reads, per student notebook: python tools/student_code_lines.py.

Prints the README's maintainer table: the non-blank code lines of each notebook in exercises/, and
their share of lesson (code the lesson runs), exercise (cells with `# YOUR CODE HERE`) and check
(the one-line `check.exercise_...` cells). tests/test_exercises.py keeps the README's copy current,
and holds notebooks 00–05 to the budget that issue 19 set for them: 1,100 lines together (they held
2,052 then; notebook 06 came later).
"""

import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
KINDS = ("lesson", "exercise", "check")
BUDGET_NOTEBOOKS, BUDGET_LINES = ("00", "01", "02", "03", "04", "05"), 1100


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
    """The table as markdown lines: one row per notebook, then notebooks 00–05 (the budget's),
    then all of them."""
    rows = ["| student notebook | code lines | lesson | exercise | check |",
            "|---|--:|--:|--:|--:|"]
    counted = {path.stem: code_lines(path) for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}

    def row(name, lines):
        total = sum(lines.values())
        return (f"| {name} | {total} | "
                + " | ".join(f"{lines[k] / total:.0%}" for k in KINDS) + " |")

    def summed(stems):
        return {k: sum(counted[stem][k] for stem in stems) for k in KINDS}

    rows += [row(f"`{stem}`", lines) for stem, lines in counted.items()]
    budgeted = [stem for stem in counted if stem[:2] in BUDGET_NOTEBOOKS]
    rows.append(row(f"00–05 (budget {BUDGET_LINES:,})", summed(budgeted)))
    rows.append(row("all", summed(counted)))
    return rows


if __name__ == "__main__":
    print("\n".join(table(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "exercises")))
