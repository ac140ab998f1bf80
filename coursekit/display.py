"""What the notebooks show: durations, tables, source code and progress bars."""

import inspect
import os
import sys

import numpy as np

SECONDS_PER_YEAR = 365.25 * 86400


DURATION_UNITS = (("years", SECONDS_PER_YEAR), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1),
                  ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))


def format_duration(seconds):
    """A duration in the unit a person would use (ns to years), with three significant digits."""
    unit, size = next(((unit, size) for unit, size in DURATION_UNITS if abs(seconds) >= size),
                      DURATION_UNITS[-1])
    value = float(f"{seconds / size:.3g}")
    return f"{value:,.0f} {unit}" if abs(value) >= 1000 else f"{value:g} {unit}"


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(bound):
    """"10⁻¹³" for 1e-13: how the notebooks print a bound that they assert, so that it reads as a
    bound and is never taken for a round-off error that was measured."""
    return "10" + str(round(np.log10(bound))).translate(SUPERSCRIPTS)


def print_table(headers, rows):
    """Print rows as a Markdown table with aligned columns: first column left, the others right.
    Readable in a notebook, a terminal and a README alike; format numbers before passing them."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]

    def line(row):
        padded = [cell.ljust(width) if column == 0 else cell.rjust(width)
                  for column, (cell, width) in enumerate(zip(row, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = [":" + "-" * (widths[0] - 1)] + ["-" * (width - 1) + ":" for width in widths[1:]]
    print("\n".join([line(cells[0]), line(rule)] + [line(row) for row in cells[1:]]))


PROGRESS_VARIABLE = "COURSE_PROGRESS"  # "text": progress bars as text, e.g. for RISE slideshows


def progress_bar(iterable=None, **options):
    """tqdm's progress bar: a widget in JupyterLab; with $COURSE_PROGRESS=text, a line of text
    updated in place. RISE slideshows render no widgets (jupyterlab-rise 0.43.1), and a kernel
    cannot tell whether JupyterLab or a slideshow shows its output: hence the switch."""
    if os.environ.get(PROGRESS_VARIABLE) == "text":
        from tqdm.std import tqdm
        return tqdm(iterable, file=sys.stdout, **options)
    from tqdm.auto import tqdm
    return tqdm(iterable, **options)


def show_source(obj):
    """Display an object's source code in a notebook, so that a notebook can show library code."""
    from IPython.display import Markdown
    return Markdown(f"```python\n{inspect.getsource(obj)}```")


# --- Figures and tables of notebooks 00–03 ------------------------------------------------------

# --- end of notebooks 00–03 ---------------------------------------------------------------------


# --- Figures and tables of notebook 04 ----------------------------------------------------------

# --- end of notebook 04 -------------------------------------------------------------------------


# --- Figures and tables of notebooks 05–06 ------------------------------------------------------

# --- end of notebooks 05–06 ---------------------------------------------------------------------
