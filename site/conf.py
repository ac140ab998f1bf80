"""Sphinx configuration of the course website: `make site` builds it into build/site/, offline.

Sources: site/index.md (the home page, with the syllabus) and the executed solution notebooks in
notebooks/, shown with their stored outputs, never executed here. The source folder is the
repository root (`sphinx-build -c site . build/site`): the notebooks are read where they are, and
the pages keep the repository's paths (notebooks/00_dual_numbers.html). build/site/index.html
leads to the home page, site/index.html.
"""

import os
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
sys.path[:0] = [str(SITE), str(SITE.parent)]  # course_site.py here; tools/ has the instructor tag
from course_site import NOTEBOOKS  # importable once the path is set

project = "From Dual Numbers to Autograd"
author = "The course authors"
copyright = "the course authors. Code: MIT License; text: CC BY 4.0"

extensions = ["myst_nb", "sphinx.ext.githubpages", "course_site"]  # githubpages: .nojekyll
root_doc = "site/index"
include_patterns = ["site/index.md", NOTEBOOKS]
exclude_patterns = [".*", "build", "data", "site/node_modules", "**/.ipynb_checkpoints"]

# Notebooks: their committed outputs, as the student edition (no solutions) unless
# `make site EDITION=instructor` (COURSE_EDITION) asks for the solutions
nb_execution_mode = "off"
edition = os.environ.get("COURSE_EDITION") or "student"
nb_custom_formats = {".ipynb": ["course_site.read_notebook", {"edition": edition}, False]}
myst_enable_extensions = ["dollarmath", "amsmath"]  # the notebooks' $...$ and $$...$$ math
myst_heading_anchors = 3

# Offline: local copies of MathJax and the widget renderer (course_site.py puts them in _static)
mathjax_path = "offline/mathjax/tex-mml-chtml.js"
nb_ipywidgets_js = {"offline/requirejs/require.js": {}, "widgets_offline.js": {},
                    "offline/html-manager/embed-amd.js": {}}
html_static_path = ["_static"]

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {"home_page_in_toc": True, "use_download_button": False, "show_toc_level": 2}
html_copy_source = False  # students download the exercise notebooks, linked from the syllabus
html_show_sourcelink = False
templates_path = ["_templates"]
html_additional_pages = {"index": "redirect.html"}  # the site's root leads to the home page
