"""The course website (`make site`) and the handouts (`make handouts`) in a real browser, offline.

Both are built once per session with the Makefile's own commands. Every page is opened in a browser
that can reach nothing but this machine: the website through a local web server (as GitHub Pages
would serve build/site/), the handouts as files. Any other request is aborted and fails the test,
and so does any request for a file that is not there. Screenshots go to build/screenshots/.
"""

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import html
import json
import nbformat
import pytest

from conftest import BROWSER_REQUIRED, BROWSER_TIMEOUT_MS, REPO
from tools.make_exercises import SOLUTION, student_edition

pytestmark = pytest.mark.browser

BUILD = REPO / "build"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
INSTRUCTOR_TAG = "instructor"


@pytest.fixture(scope="session")
def builds(browser):
    """`make site handouts`, once per session, with the Python environment that runs the tests.
    (It asks for the browser first, so that a machine without chromium skips before building.)"""
    if not (REPO / "site" / "node_modules" / ".installed").is_file() and not shutil.which("npm"):
        message = ("the website and handout tests need Node.js and npm, to install the pinned "
                   "MathJax and reveal.js once (Debian/Ubuntu: `sudo apt-get install npm`)")
        if os.environ.get(BROWSER_REQUIRED):
            pytest.fail(message)
        pytest.skip(message)
    command = ["make", "--no-print-directory", "-j2", "-o", ".venv/.ready",  # set-up done already
               f"BIN={Path(sys.executable).parent}", "site", "handouts"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return BUILD


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(builds):
    """build/site/ served at http://127.0.0.1:<free port>/, as a static host would serve it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=builds / "site"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


class OfflinePage:
    """A browser page that can reach only this machine (the local server, files, data: URLs).
    It records every other request (aborted), every failed request and every uncaught script error."""

    LOCAL = ("http://127.0.0.1:", "file://", "data:", "blob:")

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(BROWSER_TIMEOUT_MS)  # a loaded machine is slow, not stuck
        self.page = self.context.new_page()
        self.external, self.failed, self.errors = [], [], []
        self.page.route("**/*", self.route)
        self.page.on("requestfailed", lambda request: self.failed.append(f"{request.url} ({request.failure})"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def route(self, route):
        if route.request.url.startswith(self.LOCAL):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def assert_offline(self):
        assert not self.external, f"the page asked the network for {self.external}"
        assert not self.failed, f"requests failed: {self.failed}"
        assert not self.errors, f"script errors: {self.errors}"


@pytest.fixture
def offline(browser):
    offline = OfflinePage(browser)
    yield offline
    offline.context.close()


def plain_phrase(markdown):
    """The longest run of plain text (letters, spaces, commas; 30 characters or more) in markdown:
    text that a browser shows as it is written."""
    return max(re.findall(r"[A-Za-z][A-Za-z ,]{29,}", markdown), key=len).strip()


def assert_no_speaker_notes(text, cells):
    """The text a browser shows holds the notebook's markdown, but none of its instructor cells."""
    def tagged(cell):
        return INSTRUCTOR_TAG in cell.metadata.get("tags", [])
    shown = [cell for cell in cells if cell.cell_type == "markdown" and not tagged(cell)]
    assert plain_phrase(shown[-1].source) in text  # so the check below can see a markdown cell
    shown_notes = [plain_phrase(cell.source) for cell in cells if tagged(cell) and plain_phrase(cell.source) in text]
    assert not shown_notes, f"speaker notes are shown: {shown_notes}"


def wait_for_mathjax3(page):
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")


def wait_for_mathjax2(page):
    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue")
    page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")


def assert_progress_bar_complete(page):
    """A stored tqdm bar (ipywidgets) is rendered from the widget state, at its final 100%."""
    bar = page.locator(".widget-hbox", has=page.locator(".widget-hprogress")).first
    bar.wait_for()
    bar.scroll_into_view_if_needed()
    assert "100%" in bar.inner_text()


def test_home_page_has_the_syllabus_and_the_student_notebooks(offline, site_url, screenshots):
    page = offline.open(site_url)  # the site's root leads to the home page
    assert page.url.endswith("/site/index.html")
    entries = page.locator("section#syllabus h3")
    assert entries.count() == len(NOTEBOOKS)
    for entry, path in zip(entries.all(), NOTEBOOKS):
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
        assert entry.inner_text().strip().rstrip("#").strip() == title
        assert entry.locator("a.reference").get_attribute("href").endswith(f"notebooks/{path.stem}.html")
    downloads = page.locator("section#syllabus a.download")
    assert downloads.count() == len(NOTEBOOKS)
    for link, path in zip(downloads.all(), NOTEBOOKS):  # each links the student version itself
        response = page.request.get(urljoin(page.url, link.get_attribute("href")))
        assert response.ok and response.body() == (REPO / "exercises" / path.name).read_bytes()
    wait_for_mathjax3(page)
    assert page.locator("section#syllabus mjx-container").count() > 0
    page.screenshot(path=screenshots / "site-home.png")
    offline.assert_offline()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_page_shows_outputs_and_math_but_no_speaker_notes(offline, site_url, screenshots, path):
    notebook = student_edition(nbformat.read(path, as_version=4))
    cells = notebook.cells
    page = offline.open(f"{site_url}notebooks/{path.stem}.html")
    wait_for_mathjax3(page)
    assert page.locator(".math mjx-container").count() > 0
    assert page.locator(".math:not(:has(mjx-container))").count() == 0, "math left as TeX"
    assert page.locator("mjx-merror").count() == 0, "MathJax could not typeset some math"

    figures = sum("image/png" in output.get("data", {}) for cell in cells for output in cell.get("outputs", []))
    images = page.locator(".cell_output img")
    assert images.count() == figures
    assert all(image.evaluate("img => img.complete && img.naturalWidth > 0") for image in images.all())
    alts = [cell.metadata.alt for cell in cells for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]
    assert [image.get_attribute("alt") for image in images.all()] == alts, "figures without alt text"

    assert_no_speaker_notes(page.locator("main").inner_text(), cells)
    page.screenshot(path=screenshots / f"site-{path.stem}.png")
    if figures:
        images.first.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"site-{path.stem}-figure.png")
    if "widgets" in notebook.metadata:  # stored widgets render offline
        assert_progress_bar_complete(page)
        page.screenshot(path=screenshots / f"site-{path.stem}-widget.png")
    offline.assert_offline()


def solution_lines(path):
    """The solution's code lines long enough to be its own (short ones also appear in lessons)."""
    cells = nbformat.read(path, as_version=4).cells
    return {line.strip() for cell in cells if cell.cell_type == "code"
            for match in SOLUTION.finditer(cell.source) for line in match[0].splitlines()
            if len(line.strip()) > 30 and "SOLUTION" not in line}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_published_pages_are_the_student_edition(builds, path):
    """The site, the slides and the HTML handouts hold no solution code by default. (A lesson may
    show, after an exercise's check, the course's own version of it, as notebook 01 shows
    coursekit.measure: students see that output when they run the lesson, so it is published.)"""
    assert solution_lines(path), f"{path.name}: no solution to look for"
    lesson_outputs = json.dumps([cell.get("outputs", []) for cell in
                                 student_edition(nbformat.read(path, as_version=4)).cells])
    for page in (builds / "site" / "notebooks" / f"{path.stem}.html",
                 builds / "slides" / f"{path.stem}.slides.html", builds / "html" / f"{path.stem}.html"):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        leaked = sorted(line for line in solution_lines(path)
                        if line in text and json.dumps(line)[1:-1] not in lesson_outputs)
        assert not leaked and "BEGIN SOLUTION" not in text, f"{page.name} shows the solution: {leaked[:3]}"
        assert "YOUR CODE HERE" in text, f"{page.name} does not show the exercises as students get them"


def test_search_finds_dual_numbers(offline, site_url, screenshots):
    page = offline.open(f"{site_url}search.html?q=dual+number")
    page.wait_for_selector("ul.search li a")
    results = [link.get_attribute("href") for link in page.locator("ul.search li > a").all()]
    assert any("notebooks/00_dual_numbers.html" in result for result in results), results
    page.screenshot(path=screenshots / "site-search.png")
    offline.assert_offline()


def test_slides_present_offline(offline, builds, screenshots):
    page = offline.open((builds / "slides" / f"{NOTEBOOKS[0].stem}.slides.html").as_uri())
    page.wait_for_selector(".reveal.ready")
    assert page.locator(".reveal .slides > section").count() > 5
    wait_for_mathjax2(page)
    assert page.locator(".MathJax_CHTML").count() > 0 and page.locator(".MathJax_Error").count() == 0
    page.screenshot(path=screenshots / "slides-title.png")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash.startsWith('#/1')")
    page.screenshot(path=screenshots / "slides-second.png")
    offline.assert_offline()


def test_html_handout_works_offline_without_speaker_notes(offline, builds, screenshots):
    with_widgets = [path for path in NOTEBOOKS if "widgets" in nbformat.read(path, as_version=4).metadata]
    path = (with_widgets or NOTEBOOKS)[0]
    page = offline.open((builds / "html" / f"{path.stem}.html").as_uri())
    wait_for_mathjax2(page)
    assert page.locator(".MathJax_CHTML").count() > 0 and page.locator(".MathJax_Error").count() == 0
    if with_widgets:
        assert_progress_bar_complete(page)  # rendered by the local copy of the widget renderer
    assert_no_speaker_notes(page.locator("body").inner_text(), nbformat.read(path, as_version=4).cells)
    page.screenshot(path=screenshots / f"html-{path.stem}.png")
    offline.assert_offline()
