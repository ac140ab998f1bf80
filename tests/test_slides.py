"""Every notebook presents as slides (RISE) and exports as reveal.js slides and HTML handouts."""

import nbformat
import pytest
from nbconvert import HTMLExporter, SlidesExporter

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_slide_metadata(path):
    notebook = nbformat.read(path, as_version=4)
    types = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    assert all(t in SLIDE_TYPES for t in types), f"cells without slide metadata: {[i for i, t in enumerate(types) if t not in SLIDE_TYPES]}"
    assert types[0] == "slide", "a notebook opens with a title slide"
    assert types.count("slide") >= 5, "a talk needs more than a handful of slides"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_course_tests_and_checks_stay_off_the_slides(path):
    """The course's own asserts are skipped in slideshows, and a check is never a fragment."""
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if "course-test" in cell.metadata.get("tags", []):
            assert slide_type == "skip", f"cell {index}: a course-test cell must be skipped on slides"
        if cell.cell_type == "code" and cell.source.lstrip().startswith("check."):
            assert slide_type != "fragment", f"cell {index}: a check cell is not a fragment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    """A cell that draws a figure says in words what it shows (cell metadata `alt`), for screen
    readers; the site and the handouts write it into the image's alt attribute."""
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            assert len(cell.metadata.get("alt", "")) >= 20, f"cell {index}: a figure without alt text"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slides_and_html_export(path):
    notebook = nbformat.read(path, as_version=4)
    slides, _ = SlidesExporter().from_notebook_node(notebook)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert "reveal" in slides and notebook.cells[0].source.splitlines()[0].lstrip("# ") in html
