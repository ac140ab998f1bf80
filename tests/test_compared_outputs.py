"""Strict nbval compares stored outputs on every student's machine: they must not print round-off.

Float round-off differs between machines (SIMD paths of exp and sin, BLAS kernels, thread counts,
summation order, array alignment). A cell that nbval compares may print an error only as an
asserted bound ("below 1e-13 ✓") and floats with at most 6 significant digits; anything else goes
in a cell tagged `nbval-ignore-output`, which asserts its bounds instead.
"""

import re

import nbformat
import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORED = {"nbval-ignore-output", "nbval-skip"}
SCIENTIFIC = re.compile(r"(?<![\w.])[-+]?(\d+(?:\.\d+)?)e([-+]?\d+)", re.IGNORECASE)
BOUND = re.compile(r"(?:below|under|than|within|at most|<|≤|<=)\s*$")  # "error below 1e-13 ✓" is a bound
DECIMAL = re.compile(r"(?<![\w.])[-+]?(\d+\.\d+)(?![\w.])")


def is_compared(cell):
    """True if strict nbval compares this code cell's outputs."""
    tags = set(cell.metadata.get("tags", []))
    markers = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP")
    return cell.cell_type == "code" and not tags & IGNORED and not cell.source.startswith(markers)


def shown_text(output):
    """What a compared output prints: stream text and the text/plain of results."""
    if output.output_type == "stream":
        return output.text
    return output.get("data", {}).get("text/plain", "")


def roundoff_in(text):
    """The numbers in text whose last digits are round-off, each with the reason."""
    for match in SCIENTIFIC.finditer(text):
        mantissa, exponent = float(match[1]), int(match[2])
        if BOUND.search(text[max(0, match.start() - 12):match.start()]):
            continue  # a fixed bound that the cell asserts, not a measured value
        if mantissa == 0:
            yield match[0], "a printed zero in scientific notation (an error that happened to round to 0)"
        elif exponent <= -11:
            yield match[0], f"an exponent of {exponent}: round-off-sized"
    for match in DECIMAL.finditer(text):
        significant = match[1].replace(".", "").lstrip("0")
        if len(significant) >= 10:
            yield match[0], f"{len(significant)} significant digits: the last ones differ between machines"


def findings(notebook):
    """(cell index, number, reason) for every round-off number in a compared output."""
    return [(index, number, reason)
            for index, cell in enumerate(notebook.cells) if is_compared(cell)
            for output in cell.get("outputs", [])
            for number, reason in roundoff_in(shown_text(output))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_compared_outputs_print_no_roundoff(path):
    found = findings(nbformat.read(path, as_version=4))
    assert not found, "\n".join(
        [f"{path.name}: nbval compares outputs that print round-off (show a bound that is asserted, "
         "at most 6 significant digits, or tag the cell nbval-ignore-output and assert):"]
        + [f"  cell {index}: {number!r}: {reason}" for index, number, reason in found])


@pytest.mark.parametrize("text, flagged", [
    ("relative error 9e-17", True), ("relative error 0e+00", True), ("difference 0.0e+00", True),
    ("largest |engine - torch| = 5.6E-17", True), ("root 2.094551481542", True),
    ("sin(1) = 0.8414709848078965", True), ("-0.0000000001234567891", True),
    ("relative error below 1e-13 ✓", False), ("|error| < 1e-15", False), ("at most 1e-12", False),
    ("h = 1e-6", False), ("2e-10 (finite difference)", False),
    ("o = 18743.3", False), ("623,290 parameters", False), ("0.019458623", False), ("cell 12.5 s", False),
    ("version 2.14.1", False), ("1,234,567,890 FLOPs", False),
])
def test_the_scanner_flags_exactly_roundoff(text, flagged):
    assert bool(list(roundoff_in(text))) == flagged, text


def test_one_planted_roundoff_number_fails_with_notebook_cell_and_number():
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if is_compared(cell) and cell.outputs)
    before = findings(notebook)
    notebook.cells[index].outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                                text="relative error 2.2e-16\n"))
    assert sorted(findings(notebook)) == sorted(before + [(index, "2.2e-16", "an exponent of -16: round-off-sized")])
    notebook.cells[index].metadata["tags"] = ["nbval-ignore-output"]  # an ignored cell may print it
    assert all(found[0] != index for found in findings(notebook))
