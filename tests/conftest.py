import os
from pathlib import Path

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


# --- Real-browser tests: Playwright driving Debian's chromium --------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
BROWSER_REQUIRED = "COURSE_REQUIRE_BROWSER"  # CI sets it to 1: no chromium is then a failure, not a skip
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """A headless chromium under Playwright. Without chromium the browser tests are skipped, with a
    message saying how to get it, unless $COURSE_REQUIRE_BROWSER is set (CI), which makes it a failure."""
    if not CHROMIUM.is_file():
        message = (f"no chromium at {CHROMIUM}: the browser tests need it. Install it (Debian/Ubuntu: "
                   "`sudo apt-get install chromium`) or point $CHROMIUM at a Chromium or Chrome binary.")
        if os.environ.get(BROWSER_REQUIRED):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots():
    """build/screenshots/ (git-ignored): every browser test leaves a picture of each step there."""
    folder = REPO / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
