"""The course website's Sphinx extension: what myst-nb and the theme do not do by themselves.

- `read_notebook`: myst-nb's reader for .ipynb files. By default it gives the student edition
  (tools/make_exercises.py's `student_edition`: no solution, no speaker notes, no course test);
  `make site EDITION=instructor` keeps the solutions and drops only those two kinds of cell.
- The `syllabus` directive: each notebook's title, what it teaches and the exercises the student
  solves, read from the notebook itself (so the home page never drifts from it), with links to its
  page and to its student version in exercises/.
- The offline assets (MathJax, the widget renderer) are copied into the build's _static/offline/.
"""

import re
from pathlib import Path

import nbformat
from docutils.statemachine import StringList
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

import offline_assets
from tools.make_exercises import EDITIONS

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = "notebooks/[0-9][0-9]_*.ipynb"
EXERCISE = re.compile(r"^## Exercise (\d+\.\d+): (.+)$", re.M)


def read_notebook(text, edition="student"):
    """A notebook as the website shows it: the student edition, or the instructor's with solutions
    (both without instructor-only cells and course tests)."""
    if edition not in EDITIONS:
        raise ConfigError(f"the site's edition is one of {sorted(EDITIONS)}, not {edition!r}")
    notebook = EDITIONS[edition](nbformat.reads(text, as_version=4))
    for cell in notebook.cells:  # a figure's alt text, where myst-nb reads it
        if "alt" in cell.metadata:
            image_options = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
            image_options["alt"] = cell.metadata.alt
    return notebook


def first_numbered_list(text):
    """The lines of the first numbered list ("1. ...", "2. ...", continuation lines) in markdown."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("1. ")), None)
    if start is None:
        return []
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def syllabus_entry(path):
    """MyST markdown for one notebook: its title as a link, what it teaches (the first numbered
    list of its introduction, the markdown before its first code cell), and its exercises."""
    cells = nbformat.read(path, as_version=4).cells
    first_code = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), len(cells))
    introduction = "\n\n".join(c.source for c in cells[:first_code] if c.cell_type == "markdown")
    title = introduction.splitlines()[0].lstrip("# ") if introduction.startswith("# ") else ""
    teaches = first_numbered_list(introduction)
    if not title or not teaches:
        raise ValueError(f"{path.name}: for the syllabus, a notebook opens with a `# title` line "
                         "and, before its first code cell, a numbered list of what it teaches")
    if not (REPO / "exercises" / path.name).is_file():
        raise ValueError(f"exercises/{path.name} is missing: run `make exercises`")
    markdown = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    exercises = "; ".join(f"{number} {text.strip()}" for number, text in EXERCISE.findall(markdown))
    lines = [f"### {{doc}}`{title} </notebooks/{path.stem}>`", "", "You will", "", *teaches, ""]
    if exercises:
        end = "" if exercises.endswith(("?", "!", ".")) else "."
        lines += [f"**Exercises:** {exercises}{end}", ""]
    download = f"{{download}}`exercises/{path.name} </exercises/{path.name}>`"
    return lines + [f"**Student notebook:** {download}", ""]


class Syllabus(SphinxDirective):
    """The course's notebooks in order, each with what it teaches and what the student builds."""

    def run(self):
        paths = sorted(REPO.glob(NOTEBOOKS))
        if not paths:
            raise self.error(f"no notebooks match {NOTEBOOKS}")
        for path in paths:  # rebuild the home page when a notebook or its student version changes
            self.env.note_dependency(str(path))
            self.env.note_dependency(str(REPO / "exercises" / path.name))
        try:
            markdown = [line for path in paths for line in syllabus_entry(path)]
        except ValueError as error:
            raise self.error(str(error)) from None
        return nested_parse_to_nodes(self.state, StringList(markdown, "syllabus"),
                                     allow_section_headings=True)


def check_assets(app):
    if app.builder.format == "html" and not offline_assets.NODE_MODULES.is_dir():
        raise ConfigError(offline_assets.missing_message())


def copy_assets(app, exception):
    if exception is None and app.builder.format == "html":
        destination = Path(app.outdir) / "_static" / "offline"
        offline_assets.copy_assets(offline_assets.GROUPS["site"], destination)


def depend_on_this_extension(app, doctree):
    app.env.note_dependency(__file__)  # every page is read again when this file changes


def setup(app):
    app.add_directive("syllabus", Syllabus)
    app.connect("doctree-read", depend_on_this_extension)
    app.connect("builder-inited", check_assets)
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
