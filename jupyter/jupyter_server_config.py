"""Jupyter server settings for everyone using this venv: `make setup` copies this file to
.venv/etc/jupyter/, where every `jupyter lab` of the venv reads it (make lab, make present, tests).

RISE's optional stylesheets, served empty when they are missing. jupyterlab-rise 0.43.1 links two
stylesheets into every slideshow, `rise.css` and `<notebook>.css` beside the notebook, and no
setting turns that off; without the files the browser logs two 404s and two refused stylesheets on
every slideshow. A real file of either name is served as it is: an instructor can style slides.
"""

import os

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import AuthenticatedFileHandler
from tornado import web

EMPTY_STYLESHEET = "/* RISE's optional stylesheet: there is none, so the server sends this */\n"


def is_missing_rise_stylesheet(root, path):
    """Whether path (under /files/) is rise.css or <notebook>.css beside a notebook, and missing."""
    path = os.path.normpath(path)
    folder, name = os.path.split(path)
    stem, extension = os.path.splitext(name)
    if extension != ".css" or path.startswith("..") or os.path.exists(os.path.join(root, path)):
        return False
    return name == "rise.css" or os.path.isfile(os.path.join(root, folder, f"{stem}.ipynb"))


class FilesWithRiseStylesheets(AuthenticatedFileHandler):
    """/files/ as JupyterLab serves it, and an empty stylesheet for RISE's missing optional ones."""

    @web.authenticated
    @authorized
    def get(self, path, **kwargs):
        if not is_missing_rise_stylesheet(self.root, path):
            return super().get(path, **kwargs)
        self.check_xsrf_cookie()
        self.set_header("Content-Type", "text/css; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(EMPTY_STYLESHEET)


c = get_config()  # noqa: F821 (traitlets defines it when it runs this file)
c.FileContentsManager.files_handler_class = FilesWithRiseStylesheets
