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
def test_slides_and_html_export(path):
    notebook = nbformat.read(path, as_version=4)
    slides, _ = SlidesExporter().from_notebook_node(notebook)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert "reveal" in slides and notebook.cells[0].source.splitlines()[0].lstrip("# ") in html
