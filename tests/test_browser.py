"""What people see: a student in JupyterLab, an instructor in a RISE slideshow, in a real browser.

Playwright drives Debian's chromium against a JupyterLab server of the tests' own, which serves copies
of the notebooks from a temporary folder (conftest.py: `browser`, `jupyter_lab`, `tab`). Without
chromium these tests are skipped with a message that says how to get it, unless
$COURSE_REQUIRE_BROWSER is set (CI), which turns the skip into a failure. Every step leaves a
screenshot in build/screenshots/. Waits are on conditions, never fixed sleeps.
"""

import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import BROWSER_TIMEOUT_MS, REPO

pytestmark = pytest.mark.browser

RUN_ALL_MS = 600_000  # notebook 04 runs in ~40 s on 2 idle cores; on a loaded machine, many times that
CELLS = ".jp-Notebook .jp-Notebook-cell"
KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
STDERR = "application/vnd.jupyter.stderr"  # JupyterLab shows tracebacks and warnings with this type

# The state of every cell, as JupyterLab shows it: its prompt ("[3]:" once run, "[*]:" while running)
# and the text of its stderr outputs (tracebacks and warnings).
CELL_STATES = """() => [...document.querySelectorAll('.jp-Notebook .jp-Notebook-cell')].map(cell => ({
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputPrompt')?.textContent ?? '').trim(),
    stderr: [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="%s"]')].map(o => o.textContent),
}))""" % STDERR

# True once the kernel is idle and every code cell in [start, stop) has run, or one wrote to stderr
CELLS_DONE = """([start, stop]) => {
    const cells = (%s)().slice(start, stop).filter(cell => cell.code);
    const idle = document.querySelector("%s") !== null;
    const ran = cells.every(cell => /^\\[\\d+\\]:$/.test(cell.prompt));
    return idle && (ran || cells.some(cell => cell.stderr.length));
}""" % (CELL_STATES, KERNEL_IDLE)


def notebook(folder, number):
    """The course's notebook NN_*.ipynb in folder (exercises/ or notebooks/)."""
    matches = sorted((REPO / folder).glob(f"{number}_*.ipynb"))
    assert len(matches) == 1, f"expected one {folder}/{number}_*.ipynb, found {matches}"
    return matches[0]


def open_notebook(tab, lab, name):
    """Open a notebook of the test server in JupyterLab; wait until it shows all its cells (JupyterLab
    adds them a few at a time) and its kernel is idle."""
    cells = len(nbformat.read(lab.root / name, as_version=4).cells)
    tab.page.goto(lab.url(f"lab/tree/{name}"))
    tab.page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length === n",
                               arg=[CELLS, cells], polling=250)
    tab.page.locator(KERNEL_IDLE).wait_for()


def wait_for_cells(tab, start, stop, timeout=None):
    """Wait until cells [start, stop) have run or one wrote to stderr; fail on any stderr output."""
    try:
        tab.page.wait_for_function(CELLS_DONE, arg=[start, stop], timeout=timeout, polling=250)
    except PlaywrightTimeout:
        states = tab.page.evaluate(CELL_STATES)
        waiting = next((i for i in range(start, stop)
                        if states[i]["code"] and not re.fullmatch(r"\[\d+\]:", states[i]["prompt"])), None)
        if waiting is None:
            raise AssertionError(f"cells {start} to {stop - 1} ran, but the kernel stayed busy") from None
        cell = tab.page.locator(CELLS).nth(waiting)
        raise AssertionError(
            f"cells {start} to {stop - 1} did not finish in time: cell {waiting} shows {states[waiting]['prompt']}"
            f"\n{editor_text(cell)}\nIts output so far: {cell.locator('.jp-OutputArea').all_text_contents()}"
        ) from None
    states = tab.page.evaluate(CELL_STATES)[start:stop]
    errors = [f"cell {start + i}: {text}" for i, state in enumerate(states) for text in state["stderr"]]
    assert not errors, "stderr output (a traceback or warning) in JupyterLab:\n" + "\n".join(errors)
    return states


def show(locator):
    """Scroll an element to the middle of the window for a screenshot. JupyterLab sizes the cells
    outside the window by estimate, so the element moves once they render: scroll until it stays."""
    locator.evaluate("""async element => {
        let top = null;
        for (let attempt = 0; attempt < 20 && element.getBoundingClientRect().top !== top; attempt++) {
            top = element.getBoundingClientRect().top;
            element.scrollIntoView({block: "center"});
            await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        }
    }""")


def editor_text(cell):
    """The code in a cell's editor, line by line as CodeMirror holds it."""
    return cell.locator(".cm-content").evaluate(
        "content => [...content.querySelectorAll('.cm-line')].map(line => line.textContent).join('\\n')")


def type_code(tab, cell, code):
    """Replace a cell's code by typing it key by key, as a person does. JupyterLab indents a new line
    itself; Shift+Home selects that indent, so that each line is typed with its own."""
    cell.locator(".cm-content").click()
    keyboard = tab.page.keyboard
    keyboard.press("Control+a")
    for number, line in enumerate(code.split("\n")):
        if number:
            keyboard.press("Enter")
            keyboard.press("Shift+Home")
        if line:
            keyboard.type(line)
    assert editor_text(cell) == code, "the typed code differs from the solution (editor auto-completion?)"


def code_cells(nb):
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def first_exercise(nb, marker):
    """(cell index of the first exercise, cell index of its check: the next code cell)."""
    code = code_cells(nb)
    exercise = next(i for i in code if marker in nb.cells[i].source)
    return exercise, next(i for i in code if i > exercise)


def solution_answer(source):
    """A solution cell as a student answers it: the code between the solution markers kept, the
    marker lines dropped."""
    block = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*$", re.M | re.S)
    return block.sub(lambda match: match[1].rstrip("\n"), source)


def test_student_answers_first_exercise_of_notebook_00(jupyter_lab, tab):
    """A student opens exercises/00 in JupyterLab, runs it up to the first exercise (no error), types
    the answer into the exercise cell, runs the check and sees its ✔ line."""
    student_path, solution_path = notebook("exercises", "00"), notebook("notebooks", "00")
    student, solution = (nbformat.read(path, as_version=4) for path in (student_path, solution_path))
    exercise, check = first_exercise(student, "# YOUR CODE HERE")
    solution_cell, solution_check = first_exercise(solution, "### BEGIN SOLUTION")
    assert student.cells[check].source == solution.cells[solution_check].source, \
        "the first exercise's check differs between exercises/ and notebooks/: run `make exercises`"
    answer = solution_answer(solution.cells[solution_cell].source)
    # A check cell calls checks.<module>.exercise_N_M, which prints "✔ Exercise N.M passed: ..."
    passed = re.search(r"\bexercise_(\d+)_(\d+)\(", student.cells[check].source)
    assert passed, f"the check cell calls no check.exercise_N_M: {student.cells[check].source!r}"
    passed_line = f"✔ Exercise {passed[1]}.{passed[2]} passed"

    page = tab.page
    open_notebook(tab, jupyter_lab, jupyter_lab.add(student_path, "student"))
    tab.shoot("opened")
    cells = page.locator(CELLS)
    assert page.locator(".jp-Notebook mjx-container").count() > 0, "no rendered math in the notebook"
    assert page.locator(".jp-Notebook mjx-merror").count() == 0, "a formula failed to render"

    cells.nth(0).locator(".jp-InputPrompt").click()  # select the first cell, in command mode
    for _ in range(exercise):
        page.keyboard.press("Shift+Enter")  # run the cell, go to the next: as a student works through
    wait_for_cells(tab, 0, exercise)
    show(cells.nth(exercise))
    tab.shoot("ran-up-to-exercise")

    type_code(tab, cells.nth(exercise), answer)
    tab.shoot("answer-typed")
    page.keyboard.press("Shift+Enter")  # the answer
    page.keyboard.press("Shift+Enter")  # its check
    wait_for_cells(tab, exercise, check + 1)
    output = cells.nth(check).locator(".jp-OutputArea-output")
    show(output.last)
    tab.shoot("check-passed")
    printed = output.all_inner_texts()
    assert any(line.startswith(passed_line) for text in printed for line in text.splitlines()), \
        f"the check did not print its ✔ line; its output: {printed}"

    news = page.get_by_text("official Jupyter news")
    assert news.count() == 0, "JupyterLab asks about Jupyter news: run `make setup` (settings overrides)"
    assert tab.console_errors == [], f"JupyterLab logged errors: {tab.console_errors}"


def test_solution_notebook_04_runs_all_with_widget_and_plots(jupyter_lab, tab):
    """Notebook 04, run top to bottom from JupyterLab's Run menu: the tqdm training bar renders as a
    widget and reaches its end, every plot appears, and no cell writes a traceback or warning."""
    path = notebook("notebooks", "04")
    committed = nbformat.read(path, as_version=4)
    plots = sum("image/png" in output.get("data", {}) for cell in committed.cells
                if cell.cell_type == "code" for output in cell.outputs)
    assert plots > 0, f"{path.name} has no stored plots: commit it executed (make notebooks)"

    page = tab.page
    open_notebook(tab, jupyter_lab, jupyter_lab.add(path, "solutions", clear_outputs=True))
    tab.shoot("opened")
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    bars = page.locator(".jp-OutputArea-output .widget-hprogress")
    page.wait_for_function(  # training has started, or a cell failed before it
        "selector => document.querySelector(selector)", timeout=RUN_ALL_MS, polling=250,
        arg=f".jp-OutputArea-output .widget-hprogress, [data-mime-type='{STDERR}']")
    if bars.count():
        show(bars.first)
        tab.shoot("training")
    wait_for_cells(tab, 0, len(committed.cells), timeout=RUN_ALL_MS)

    assert bars.count() >= 1, "no progress-bar widget in the outputs"
    assert page.get_by_text("Error displaying widget").count() == 0
    bar = bars.first.locator("xpath=..")  # tqdm's widget: description, bar, "n/total [time, rate]"
    show(bar)
    tab.shoot("training-bar")
    done = re.search(r"\b(\d+)/(\d+)\b", bar.inner_text())
    assert done and done[1] == done[2], f"the training bar did not reach its end: {bar.inner_text()!r}"

    images = page.locator(".jp-OutputArea-output[data-mime-type='image/png'] img")
    assert images.count() == plots, f"{images.count()} plots shown, the committed notebook has {plots}"
    assert all(image.evaluate("img => img.complete && img.naturalWidth > 0") for image in images.all())
    show(images.last)
    tab.shoot("plots")
    assert tab.console_errors == [], f"JupyterLab logged errors: {tab.console_errors}"


# The RISE slideshow app (jupyterlab-rise 0.43.1, built on JupyterLab 4.3) logs these on every
# notebook, an empty one included; none comes from the course:
KNOWN_RISE_ERRORS = [
    # ipywidgets' manager needs @jupyterlab/console, which RISE's app does not share, so it does not
    # load and widgets do not render in slideshows (jupyterlab-contrib/rise issues 119 and 126)
    r"Shared module @jupyterlab/console doesn't exist in shared scope",
    # a recursion in the design tokens of RISE's own bundle (@jupyter/web-components); harmless
    r"Maximum call stack size exceeded",
]
# What `make setup` installs into the venv for RISE (and JupyterLab): reveal.js's white theme, whose
# fonts come with RISE (the default theme, "simple", asks Google Fonts for its own), and a server that
# answers RISE's optional rise.css and <notebook>.css with an empty stylesheet where there is none.
VENV_SETTINGS = {"jupyter/overrides.json": "share/jupyter/lab/settings/overrides.json",
                 "jupyter/jupyter_server_config.py": "etc/jupyter/jupyter_server_config.py"}


def assert_venv_settings():
    """The venv running the tests (and its JupyterLab) has the course's settings, as they are now."""
    stale = [source for source, installed in VENV_SETTINGS.items()
             if not (Path(sys.prefix) / installed).is_file()
             or (Path(sys.prefix) / installed).read_bytes() != (REPO / source).read_bytes()]
    assert not stale, f"{', '.join(stale)} not installed in {sys.prefix} as they are: run `make setup`"


def assert_clean_slideshow(tab):
    """Only RISE's own known errors in the console, every request answered, none off this machine."""
    assert unexpected(tab.console_errors, KNOWN_RISE_ERRORS) == []
    assert tab.failed_requests == [], f"requests that failed: {tab.failed_requests}"
    assert tab.remote_requests() == [], \
        f"requests to other hosts (web fonts of a reveal.js theme?): {tab.remote_requests()}"

# Where a slideshow is: the horizontal slide, the vertical slide in it, and how many fragments show
SLIDESHOW_POSITION = """() => {
    const slides = [...document.querySelectorAll('.reveal .slides > section')];
    const h = slides.findIndex(slide => slide.classList.contains('present'));
    const v = h < 0 ? -1 : [...slides[h].querySelectorAll(':scope > section')]
        .findIndex(slide => slide.classList.contains('present'));
    return [h, v, document.querySelectorAll('.reveal .fragment.visible').length];
}"""


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def slide_positions(nb):
    """The slides and subslides of a notebook, in order, as RISE builds them from the cells' slide
    metadata: (slide, subslide in it, its cells). The first cell shown opens a slide, whatever its
    type; fragments and "-" add to the current one; "skip" and "notes" cells are not shown."""
    positions = []
    for cell in nb.cells:
        kind = slide_type(cell)
        if kind in ("skip", "notes"):
            continue
        if not positions or kind == "slide":
            positions.append((positions[-1][0] + 1 if positions else 0, 0, [cell]))
        elif kind == "subslide":
            positions.append((positions[-1][0], positions[-1][1] + 1, [cell]))
        else:
            positions[-1][2].append(cell)
    return positions


def slide_counts(nb):
    """(slides, slides + subslides), as RISE builds them from the cells' slide metadata."""
    positions = slide_positions(nb)
    return len({slide for slide, _, _ in positions}), len(positions)


def has_math(cell):
    return cell.cell_type == "markdown" and re.search(r"\$[^$]+\$", cell.source) is not None


def wait_for_math(tab, nb):
    """Wait until MathJax has typeset every markdown cell with math that the slideshow shows (it
    typesets after the slides are built); fail on a formula that did not render."""
    math_cells = sum(has_math(cell) for cell in nb.cells if slide_type(cell) not in ("skip", "notes"))
    tab.page.wait_for_function(
        "n => [...document.querySelectorAll('.reveal .jp-MarkdownCell')].filter("
        "cell => cell.querySelector('mjx-container')).length >= n", arg=math_cells, polling=250)
    assert tab.page.locator(".reveal mjx-merror").count() == 0, "a formula failed to render"


def unexpected(texts, known):
    return [text for text in texts if not any(re.search(pattern, text) for pattern in known)]


def open_slideshow(tab, lab, name):
    tab.page.goto(lab.url(f"rise/{name}"))
    tab.page.locator(".reveal .slides > section.present").wait_for()


def press(tab, key):
    """Press a key in the slideshow and wait until it has moved (a slide or a fragment)."""
    before = tab.page.evaluate(SLIDESHOW_POSITION)
    tab.page.keyboard.press(key)
    tab.page.wait_for_function(
        f"before => JSON.stringify(({SLIDESHOW_POSITION})()) !== JSON.stringify(before)", arg=before, polling=100)
    return tab.page.evaluate(SLIDESHOW_POSITION)


def test_instructor_presents_notebook_04_with_rise(jupyter_lab, tab):
    """RISE presents notebook 04: one slide per slide cell, subslides inside them, rendered math, and
    the arrow keys move from slide to slide. The console shows only RISE's own known errors."""
    assert_venv_settings()
    path = notebook("notebooks", "04")
    nb = nbformat.read(path, as_version=4)
    slides, vertical = slide_counts(nb)

    page = tab.page
    open_slideshow(tab, jupyter_lab, jupyter_lab.add(path, "instructor"))
    assert page.locator(".reveal .slides > section").count() == slides
    assert page.locator(".reveal .slides > section > section").count() == vertical
    wait_for_math(tab, nb)
    tab.shoot("first-slide")

    position = [0, 0, 0]
    assert page.evaluate(SLIDESHOW_POSITION)[0] == 0
    for _ in range(50):  # ArrowRight shows the slide's fragments one by one, then the next slide
        position = press(tab, "ArrowRight")
        if position[0] > 0:
            break
    assert position[:2] == [1, 0], f"ArrowRight did not reach the second slide: {position}"
    tab.shoot("second-slide")
    for _ in range(50):
        position = press(tab, "ArrowLeft")
        if position[0] == 0:
            break
    assert position[0] == 0, f"ArrowLeft did not go back to the first slide: {position}"
    tab.shoot("back-to-first-slide")

    assert_clean_slideshow(tab)


KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}  # of made-up notebooks
SLIDE_VIEW = {"width": 1280, "height": 720}  # a 720p projector, RISE's whole window

# The slideshow's slides: for each slide, the id and the number of fragments of each of its subslides
DECK = """() => [...document.querySelectorAll('.reveal .slides > section')].map(slide =>
    [...slide.querySelectorAll(':scope > section')].map(sub => [sub.id, sub.querySelectorAll('.fragment').length]))"""

# Show a subslide with all its fragments: reveal.js reads the position from the URL (#/id/fragment)
SHOW_SLIDE = "([id, fragments]) => { location.hash = fragments ? `#/${id}/${fragments - 1}` : `#/${id}`; }"

# A shown slide's size once it has settled: present with all its fragments, its images loaded, and
# the same layout over three animation frames in a row (code editors and math settle after the slide
# appears); false until then. RISE's scroll option makes a slide taller than the window a scroll box
# (shownHeight < height). cut: code or output lines wider than their cell, scrolled at its edge.
SETTLED_SLIDE = """id => {
    const slide = document.getElementById(id);
    if (!slide?.classList.contains('present') || slide.querySelector('.fragment:not(.visible)')
        || [...slide.querySelectorAll('img')].some(image => !image.complete)) return false;
    const box = slide.getBoundingClientRect();
    const size = {height: slide.scrollHeight, shownHeight: slide.clientHeight, top: Math.round(box.top),
        width: slide.scrollWidth, shownWidth: slide.clientWidth, left: Math.round(box.left),
        cut: [...slide.querySelectorAll('.cm-scroller, .jp-OutputArea-output pre')]
            .filter(element => element.scrollWidth > element.clientWidth + 1).length};
    const key = id + JSON.stringify(size);
    window.settledSlide = {key, frames: window.settledSlide?.key === key ? window.settledSlide.frames + 1 : 0};
    return window.settledSlide.frames >= 3 && size;
}"""


def misfits(size):
    """How a settled slide (SETTLED_SLIDE) does not fit the view, in words; empty when it fits."""
    problems = []
    room = SLIDE_VIEW["height"] - max(size["top"], 0)
    if size["shownHeight"] < size["height"]:  # RISE made it a scroll box
        room = min(room, size["shownHeight"])
    if size["height"] > room + 1 or size["top"] < 0:
        problems.append(f"{size['height']} px tall, room for {room}")
    if size["width"] > size["shownWidth"] + 1 or size["left"] < 0 \
            or size["left"] + size["width"] > SLIDE_VIEW["width"] + 1:
        problems.append(f"{size['width']} px wide, room for {SLIDE_VIEW['width']}")
    if size["cut"]:
        problems.append(f"{size['cut']} code or output block(s) cut at the right edge")
    return problems


def show_settled_slide(tab, slide_id, fragments, tries=3):
    """Show a subslide with all its fragments and return its settled size (SETTLED_SLIDE). On a
    loaded machine reveal.js now and then misses a change of the URL while it is still laying out
    the last slide: ask again, up to `tries` times, each with a share of the usual timeout."""
    for attempt in range(1, tries + 1):
        tab.page.evaluate(SHOW_SLIDE, [slide_id, fragments])
        try:
            return tab.page.wait_for_function(SETTLED_SLIDE, arg=slide_id, polling="raf",
                                              timeout=BROWSER_TIMEOUT_MS / 2).json_value()
        except PlaywrightTimeout:
            if attempt == tries:
                raise


def first_line(cells):
    return next((line.strip() for line in cells[0].source.splitlines() if line.strip()), "(empty cell)")[:80]


def walk_slides(tab, lab, name):
    """Present the notebook `name` of the test server in RISE and show each of its slides and subslides
    in turn with all its fragments, through reveal.js's URL (#/slide-id/fragment). For each, in order:
    (slide, subslide, its cells, how it does not fit the view: misfits). The page is left blank and
    the notebook's kernel stopped at the end."""
    nb = nbformat.read(lab.root / name, as_version=4)
    positions = slide_positions(nb)
    open_slideshow(tab, lab, name)
    wait_for_math(tab, nb)
    deck = tab.page.evaluate(DECK)
    expected = [sum(slide == h for slide, _, _ in positions) for h in range(positions[-1][0] + 1)]
    assert [len(subslides) for subslides in deck] == expected, \
        f"{name}: RISE built other slides than its cells' slide metadata says"
    walked = []
    for (h, v, cells), (slide_id, fragments) in zip(positions, [sub for subs in deck for sub in subs]):
        size = show_settled_slide(tab, slide_id, fragments)
        walked.append((h, v, cells, misfits(size)))
        if walked[-1][3]:
            tab.shoot(f"{Path(name).stem[:2]}-slide-{h}.{v}")
    tab.page.goto("about:blank")  # leave the slideshow, then stop its kernel
    lab.shut_down_kernels()
    return walked


def misfit_control():
    """A notebook whose slides test the measure: one fits, one is too tall, one has a line too wide."""
    def slide(cell, kind="slide"):
        cell.metadata["slideshow"] = {"slide_type": kind}
        return cell
    new_markdown, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC, "rise": {"scroll": True}}, cells=[
        slide(new_markdown("# Fits\n\nA few words.")),
        slide(new_markdown("## Too tall")), slide(new_code("\n".join(f"x{i} = {i}" for i in range(60))), "-"),
        slide(new_markdown("## Too wide")), slide(new_code("x = " + " + ".join(["1"] * 120)), "fragment"),
    ])


def test_every_slide_fits_a_720p_screen(jupyter_lab, tab):
    """Every slide and subslide of every solution notebook, presented by RISE at 1280×720 with all its
    fragments shown, fits the window: no scrolling down, nothing cut at the right (issue 19 §5). The
    failure lists every slide that does not fit: notebook, slide.subslide (as RISE numbers them, from
    0), its size and the first line of its first cell, with a screenshot of each in build/screenshots/.
    One page walks all notebooks; a control notebook first proves that the measure sees a misfit."""
    assert_venv_settings()
    tab.page.set_viewport_size(SLIDE_VIEW)
    nbformat.write(misfit_control(), jupyter_lab.root / "control.ipynb")
    control = [problems for _, _, _, problems in walk_slides(tab, jupyter_lab, "control.ipynb")]
    assert [bool(problems) for problems in control] == [False, True, True], f"the control slides: {control}"
    assert "tall" in control[1][0] and "cut at the right" in control[2][-1], f"the control slides: {control}"

    misfitting, slides = [], 0
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        walked = walk_slides(tab, jupyter_lab, jupyter_lab.add(path, "fit"))
        misfitting += [f"{path.name} slide {h}.{v}: {'; '.join(problems)}: {first_line(cells)!r}"
                       for h, v, cells, problems in walked if problems]
        slides += len(walked)

    assert_clean_slideshow(tab)
    assert not misfitting, (
        f"{len(misfitting)} of {slides} slides do not fit {SLIDE_VIEW['width']}×{SLIDE_VIEW['height']}"
        " (split them: a new slide or subslide; pictures in build/screenshots/):\n" + "\n".join(misfitting))


PROGRESS_DEMO = '''\
%env COURSE_PROGRESS=text
import time
import coursekit

bar = coursekit.progress_bar(total=30, desc="training", unit="step")
for step in range(30):
    time.sleep(0.1)
    bar.update()
bar.close()'''


def test_progress_shows_as_text_in_rise(jupyter_lab, tab):
    """Widgets do not render in a RISE slideshow (see KNOWN_RISE_ERRORS): a tqdm widget shows its
    first state, 0%, as plain text and never moves. With COURSE_PROGRESS=text, coursekit's progress
    bar is text instead, one line updated in place while it runs, and complete at the end."""
    slide = {"slideshow": {"slide_type": "slide"}}
    demo = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    demo.cells = [nbformat.v4.new_markdown_cell("# Training, live", metadata=slide),
                  nbformat.v4.new_code_cell(PROGRESS_DEMO, metadata=slide)]
    nbformat.write(demo, jupyter_lab.root / "progress_demo.ipynb")

    page = tab.page
    open_slideshow(tab, jupyter_lab, "progress_demo.ipynb")
    press(tab, "ArrowRight")
    code = page.locator(".reveal .jp-CodeCell").first
    code.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")  # run the cell and stay on it
    output = code.locator(".jp-OutputArea-output")
    page.wait_for_function(  # a bar on its way (proof that it updates while the cell runs), or an error
        "([cell, stderr]) => /training:\\s+\\d+%.*\\b([1-9]|[12]\\d)\\/30\\b/.test(cell.innerText)"
        " || cell.querySelector(stderr) !== null", arg=[code.element_handle(), f"[data-mime-type='{STDERR}']"],
        polling=50)
    errors = code.locator(f"[data-mime-type='{STDERR}']").all_text_contents()
    assert not errors, ("the progress demo failed in RISE (it needs coursekit.progress_bar, which "
                        f"reads $COURSE_PROGRESS): {errors}")
    tab.shoot("progress-running")
    page.wait_for_function("cell => /\\b30\\/30\\b/.test(cell.innerText)", arg=code.element_handle(),
                           polling=250)
    tab.shoot("progress-done")
    lines = [line for text in output.all_inner_texts() for line in text.splitlines() if "training" in line]
    assert len(lines) == 1, f"the bar should be one line updated in place, not {lines}"
    assert code.locator(".jupyter-widgets").count() == 0


def make_command_line(lab):
    """The `jupyter lab` command line that make echoed into the server's log before running it."""
    return next((line for line in lab.log.read_text(errors="replace").splitlines()
                 if re.search(r"\bjupyter lab\b", line) and "--no-browser" in line), "")


def test_make_present_renders_a_slide_on_alt_r(make_lab, tab, tmp_path):
    """`make present`, as an instructor runs it (issue 22 §1), on a copy of notebooks/ (PRESENT=),
    because rendering saves the notebook: JupyterLab starts as the user running it, root included
    (--allow-root), the notebooks are trusted, and in a notebook Alt+R, the shortcut the README
    gives, renders it as a RISE slideshow beside it: its first slide, in reveal.js's white theme,
    with no request leaving this machine and no 404."""
    assert_venv_settings()
    solutions = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", solutions, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    lab = make_lab("present", solutions, PRESENT=solutions)
    command = make_command_line(lab)
    assert ("--allow-root" in command) == (os.getuid() == 0), f"make present ran: {command}"
    assert "COURSE_PROGRESS=text" in command, f"progress bars are widgets, which RISE cannot show: {command}"

    page = tab.page
    name = notebook("notebooks", "00").name
    open_notebook(tab, lab, name)
    page.locator(CELLS).first.locator(".jp-InputPrompt").click()  # select the cell: command mode
    page.keyboard.press("Alt+r")
    slideshow = page.frame_locator("iframe[src*='/rise/']")
    first_slide = slideshow.locator(".reveal .slides > section.present")
    first_slide.locator(".jp-MarkdownCell h1").wait_for()
    tab.shoot("rendered-with-alt-r")
    heading = nbformat.read(solutions / name, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    assert first_slide.locator(".jp-MarkdownCell h1").inner_text().casefold() == heading.casefold()
    assert "theme-white" in slideshow.locator("body").get_attribute("class")
    assert "is not trusted" not in lab.log.read_text(errors="replace")
    assert_clean_slideshow(tab)


def test_make_lab_opens_my_work(make_lab, tab, tmp_path):
    """`make lab`, as a student runs it, with MY_WORK= a new folder: the exercises are copied there
    and trusted, and JupyterLab starts on them as the user running it, root included (--allow-root,
    issue 22 §4); a notebook opens with all its cells and an idle kernel, and the server finds it
    trusted (issue 22 §7)."""
    work = tmp_path / "my-work"
    lab = make_lab("lab", work, MY_WORK=work)
    command = make_command_line(lab)
    assert ("--allow-root" in command) == (os.getuid() == 0), f"make lab ran: {command}"
    open_notebook(tab, lab, notebook("exercises", "00").name)
    tab.shoot("opened")
    assert sorted(path.name for path in work.glob("*.ipynb")) == \
        sorted(path.name for path in (REPO / "exercises").glob("*.ipynb"))
    assert "is not trusted" not in lab.log.read_text(errors="replace")
    assert tab.console_errors == [], f"JupyterLab logged errors: {tab.console_errors}"
