import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import nbformat
import pytest

import coursekit

REPO = Path(__file__).resolve().parents[1]


def mnist_sources():
    """Where tests may take MNIST from, without the network: $MNIST_SOURCE, ../shared/mnist beside the
    checkout, or the copy that the set-up (make test) has already verified into data/MNIST/raw."""
    named = os.environ.get(coursekit.SOURCE_VARIABLE)
    return [Path(named)] if named else [REPO.parent / "shared" / "mnist", coursekit.DATA_DIR / "MNIST" / "raw"]


def is_complete(folder):
    return all((folder / f"{name}.gz").is_file() or (folder / name).is_file() for name in coursekit.MNIST_MD5)


@pytest.fixture(scope="session")
def mnist_source():
    """A folder holding the four MNIST IDX files, gzipped or not (tests never download)."""
    source = next((folder for folder in mnist_sources() if is_complete(folder)), None)
    if source is None:
        pytest.fail(f"No complete MNIST folder in {', '.join(map(str, mnist_sources()))}: run `make test` "
                    f"(its set-up fetches and verifies MNIST) or set {coursekit.SOURCE_VARIABLE}.")
    return source


# --- Real-browser tests: Playwright driving Debian's chromium, against a JupyterLab of their own ----

BROWSER_REQUIRED = "COURSE_REQUIRE_BROWSER"  # CI sets it to 1: no chromium is then a failure, not a skip
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless as root too, and quiet offline: without the background-networking flags chromium keeps
# trying to reach Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
BROWSER_TIMEOUT_MS = 90_000  # for every wait on a condition: a loaded 2-core machine is slow, never stuck
SERVER_START_SECONDS = 180  # make present and make lab set up, trust the notebooks, then start it


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: a real-browser test (Playwright and chromium); "
                                       "leave them out with -m 'not browser'")


PHASE_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that a fixture can tell whether its test failed."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


BROWSER_SKIPPED = []  # why the browser tests were skipped, for the summary at the end


def pytest_terminal_summary(terminalreporter):
    """Say at the end, where everyone sees it, that the browser tests were skipped and how to run them."""
    if BROWSER_SKIPPED:
        terminalreporter.write_sep("-", "real-browser tests skipped")
        terminalreporter.write_line(BROWSER_SKIPPED[0])


def find_chromium():
    """$CHROMIUM if set, else the first Chromium or Chrome on the PATH; None if there is none."""
    named = os.environ.get("CHROMIUM")
    if named:
        return Path(named) if Path(named).is_file() else None
    found = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    return Path(found) if found else None


@pytest.fixture(scope="session")
def browser():
    """A headless chromium under Playwright. Without chromium the browser tests are skipped, with a
    message saying how to get it, unless $COURSE_REQUIRE_BROWSER is set (CI), which makes it a failure.
    Playwright's own browser download is not used: it needs the network."""
    chromium = find_chromium()
    if chromium is None:
        message = ("no chromium: the browser tests need it. Install it (Debian/Ubuntu: `sudo apt-get "
                   "install chromium`), or set $CHROMIUM to a Chromium or Chrome binary (macOS: "
                   "\"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\").")
        if os.environ.get(BROWSER_REQUIRED):
            pytest.fail(message + f" ${BROWSER_REQUIRED} is set, so this is a failure, not a skip.")
        BROWSER_SKIPPED.append(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots():
    """build/screenshots/ (git-ignored): every browser test leaves a picture of each step there."""
    folder = REPO / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class JupyterLab(NamedTuple):
    """A running JupyterLab server of the tests."""
    root: Path  # the folder it serves: tests put copies of notebooks here, never work on the course's own
    base: str  # http://127.0.0.1:PORT
    token: str
    log: Path

    def url(self, path):
        """The page at path ("lab/tree/x.ipynb", "rise/x.ipynb"), with the token. JupyterLab pages open
        with a fresh workspace (?reset), so that one test's open tabs never show up in the next."""
        reset = "reset&" if path.startswith("lab") else ""
        return f"{self.base}/{path}?{reset}token={self.token}"

    def api(self, method, path):
        """Call the server's REST API; the answer's JSON, or None."""
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def add(self, notebook, folder, clear_outputs=False):
        """Copy a notebook into a folder of the served one, with clear_outputs as if never run.
        Returns its path for URLs ("folder/name.ipynb")."""
        target = self.root / folder / notebook.name
        target.parent.mkdir(exist_ok=True)
        if clear_outputs:
            copy = nbformat.read(notebook, as_version=4)
            for cell in copy.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            copy.metadata.pop("widgets", None)
            nbformat.write(copy, target)
        else:
            shutil.copyfile(notebook, target)
        return target.relative_to(self.root).as_posix()

    def shut_down_kernels(self):
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            self.api("DELETE", f"kernels/{kernel['id']}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_serving(lab):
    try:
        return lab.api("GET", "status") is not None
    except (OSError, ValueError):  # not listening yet, or not answering in JSON yet
        return False


def private_environment(home):
    """os.environ with the user's own Jupyter configuration, settings, workspaces, data (notebook
    signatures) and IPython profile replaced by empty folders in home: the course's environment, this
    venv's JupyterLab, extensions and settings overrides, is what is tested."""
    private = {"JUPYTER_CONFIG_DIR": "config", "JUPYTERLAB_SETTINGS_DIR": "user-settings",
               "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTER_RUNTIME_DIR": "runtime",
               "JUPYTER_DATA_DIR": "data", "IPYTHONDIR": "ipython"}
    return {**os.environ, **{name: str(home / folder) for name, folder in private.items()}}


def new_lab(root, home):
    """A JupyterLab to start: root is the folder it will serve, its log goes to home."""
    return JupyterLab(root, f"http://127.0.0.1:{free_port()}", secrets.token_hex(16), home / "jupyterlab.log")


def lab_options(lab):
    """The command-line options that put a JupyterLab on lab's port and token, without a browser."""
    return ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={lab.base.rsplit(':', 1)[1]}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={lab.token}"]


@contextlib.contextmanager
def running_server(lab, command, cwd, environment):
    """Run command (a JupyterLab, or make starting one) until it serves lab; stop it, kernels and
    child processes included, on leaving."""
    with open(lab.log, "wb") as log:
        # a session of its own, so that stop_server can end make and the JupyterLab it started
        server = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not is_serving(lab):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start (exit code {server.poll()}); its log ends:\n"
                            f"{lab.log_tail()}")
            time.sleep(0.25)
        yield lab
    finally:
        stop_server(server, lab)


@pytest.fixture(scope="session")
def jupyter_lab_server(browser, tmp_path_factory):
    """JupyterLab as `make lab` starts it (this venv's JupyterLab, extensions and settings overrides),
    on a free port with a generated token, serving a temporary folder, with the user's own Jupyter
    files kept out (private_environment). Shut down, kernels included, when the tests end."""
    home = tmp_path_factory.mktemp("jupyter")
    (root := home / "root").mkdir()
    lab = new_lab(root, home)
    command = [sys.executable, "-m", "jupyterlab", *lab_options(lab), f"--ServerApp.root_dir={root}",
               "--ServerApp.allow_root=True"]
    with running_server(lab, command, root, private_environment(home)):
        yield lab


VENV_READY = REPO / ".venv" / ".ready"  # the Makefile's mark of a complete venv
MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")  # set when the tests run under make


@pytest.fixture
def make_lab(browser, mnist_source, tmp_path):
    """start(target, root, **variables) runs `make target` in the repository as a person does, with
    LAB_ARGS putting its JupyterLab on a free port with a generated token and no browser, and waits
    until it serves root (the folder that make target serves, set through variables). The venv is
    taken as it is (make never reinstalls it under the running tests), MNIST from mnist_source, and
    the user's own Jupyter files are kept out. Every server started is stopped after the test."""
    if not VENV_READY.is_file():
        pytest.fail(f"{VENV_READY.relative_to(REPO)} is missing: run `make setup` before the browser tests")
    environment = {name: value for name, value in private_environment(tmp_path).items() if name not in MAKE_STATE}
    environment[coursekit.SOURCE_VARIABLE] = str(mnist_source)
    with contextlib.ExitStack() as servers:
        def start(target, root, **variables):
            home = Path(tempfile.mkdtemp(dir=tmp_path, prefix=f"make-{target}-"))
            lab = new_lab(root, home)
            command = ["make", f"--assume-old={VENV_READY.relative_to(REPO)}", target,
                       f"LAB_ARGS={shlex.join(lab_options(lab))}", *(f"{name}={value}" for name, value in variables.items())]
            return servers.enter_context(running_server(lab, command, REPO, environment))
        yield start


@pytest.fixture
def jupyter_lab(jupyter_lab_server):
    """The tests' JupyterLab, for one test: the kernels it started are shut down after it."""
    yield jupyter_lab_server
    jupyter_lab_server.shut_down_kernels()


def stop_server(server, lab):
    """Shut JupyterLab down through its API (it stops its kernels), else terminate the processes of
    its session (make and its children too), else kill them."""
    with contextlib.suppress(OSError, ValueError):
        lab.api("POST", "shutdown")
    for stop in (None, signal.SIGTERM, signal.SIGKILL):
        if stop is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, stop)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
            return


class BrowserTab(NamedTuple):
    """One page in a fresh browser context, what went wrong in it, and a camera."""
    page: Any  # playwright.sync_api.Page
    console_errors: list  # texts of console.error messages and uncaught exceptions
    failed_requests: list  # URLs that could not be loaded (no network, or not there)
    shoot: Any  # shoot("label") saves build/screenshots/<test>-<n>-<label>.png
    requests: list  # the URL of every request the page (and its frames) made

    def remote_requests(self):
        """Requests that left this machine (web fonts, CDNs): the course works offline."""
        return [url for url in self.requests if urlsplit(url).scheme in ("http", "https")
                and urlsplit(url).hostname not in ("127.0.0.1", "localhost")]


@pytest.fixture
def tab(browser, screenshots, request):
    """A new page (1280×900, fresh cookies and storage). Each shoot(label) saves a numbered screenshot;
    a failing test also leaves its last picture, <test>-failed.png."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    errors, failed, requests = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    name = request.node.name.removeprefix("test_")
    for old in screenshots.glob(f"{name}-*.png"):
        old.unlink()
    shots = iter(range(1, 100))

    def shoot(label):
        page.screenshot(path=screenshots / f"{name}-{next(shots):02d}-{label}.png")

    yield BrowserTab(page, errors, failed, shoot, requests)
    report = request.node.stash.get(PHASE_REPORTS, {}).get("call")
    if report is not None and report.failed:
        with contextlib.suppress(Exception):  # the picture must not hide the failure
            page.screenshot(path=screenshots / f"{name}-failed.png")
    context.close()
