"""my-work/: the student's own copies survive course updates, and bad input loses nothing.

Every test works on a temporary course: real solution notebooks, their student versions written by
tools/make_exercises.py, and a my-work/ that tools/my_work.py keeps.
"""

import errno
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from tools import make_exercises, my_work

SOLUTIONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EDITED, UNTOUCHED = "02_forward_mode.ipynb", "00_dual_numbers.ipynb"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # root reads and writes despite permissions


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns(".*"))
    sources = sorted((course / "notebooks").glob("*.ipynb"))
    assert make_exercises.generate(sources, course / "exercises") == []
    return course


@pytest.fixture
def course(generated, tmp_path):
    """A fresh copy of the temporary course; my-work/ not yet there."""
    shutil.copytree(generated, tmp_path / "course")
    return tmp_path / "course"


def sync(course, capsys):
    """Run tools/my_work.py on the course: (exit status, stdout, stderr)."""
    status = my_work.main(["--exercises", str(course / "exercises"),
                           "--work", str(course / "my-work")])
    out, err = capsys.readouterr()
    return status, out, err


def files(folder):
    """Every file below folder (hidden ones too), with its bytes and modification time."""
    return {path.relative_to(folder): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def same(course, name):
    """The student's copy of a notebook is byte for byte the course's current version."""
    return (course / "my-work" / name).read_bytes() == (course / "exercises" / name).read_bytes()


def change_course(course, name, sentence="A sentence the instructor added."):
    """The instructor edits a solution notebook's markdown and regenerates its student version."""
    source = course / "notebooks" / name
    notebook = nbformat.read(source, as_version=4)
    markdown = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    markdown.source += f"\n\n{sentence}"
    nbformat.write(notebook, source)
    assert make_exercises.generate([source], course / "exercises") == []


def answer(path):
    """A student writes in their copy, as JupyterLab saves it."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("My own notes on this notebook."))
    nbformat.write(notebook, path)
    return path.read_bytes()


def test_first_run_seeds_every_exercise(course, capsys):
    status, out, _ = sync(course, capsys)
    assert status == 0 and "Seeded" in out
    exercises = sorted(path.name for path in (course / "exercises").glob("*.ipynb"))
    assert exercises == [path.name for path in SOLUTIONS]
    assert sorted(path.name for path in (course / "my-work").glob("*.ipynb")) == exercises
    for name in exercises:
        copy = course / "my-work" / name
        assert copy.read_bytes() == (course / "exercises" / name).read_bytes()
        assert make_exercises.is_untouched(copy)


def test_second_run_changes_nothing(course, capsys):
    sync(course, capsys)
    answer(course / "my-work" / EDITED)
    before = files(course)
    status, out, _ = sync(course, capsys)
    assert status == 0 and "up to date" in out
    assert files(course) == before, "a run without a course update must write nothing"


def test_students_edit_survives_an_update_and_the_new_version_lies_beside_it(course, capsys):
    sync(course, capsys)
    edited = answer(course / "my-work" / EDITED)
    (course / "my-work" / "scratch.py").write_text("print('mine')\n")
    change_course(course, EDITED)
    change_course(course, UNTOUCHED)

    status, out, _ = sync(course, capsys)
    assert status == 0
    assert (course / "my-work" / EDITED).read_bytes() == edited, "the student's work must stay"
    new = course / "my-work" / EDITED.replace(".ipynb", ".new.ipynb")
    assert new.read_bytes() == (course / "exercises" / EDITED).read_bytes()
    assert "A sentence the instructor added." in new.read_text()
    assert f"new version of {EDITED}" in out and "nbdiff-web" in out and new.name in out
    assert same(course, UNTOUCHED)
    assert f"Updated my-work/{UNTOUCHED}" in out.replace(str(course) + "/", "")
    assert (course / "my-work" / "scratch.py").read_text() == "print('mine')\n"

    before = files(course)
    assert sync(course, capsys)[1].endswith(f"up to date with the course ({len(SOLUTIONS)} notebooks).\n")
    assert files(course) == before, "the same new version must not be offered twice"


def course_changes(base, new):
    """The cells that differ between two notebooks, by nbdime's diff: [(operation, cell index)]."""
    from nbdime import diff_notebooks
    cells = next(entry for entry in diff_notebooks(nbformat.read(base, as_version=4),
                                                   nbformat.read(new, as_version=4))
                 if entry["key"] == "cells")
    return [(entry["op"], entry["key"]) for entry in cells["diff"]]


def test_what_the_course_changed_is_shown_apart_from_the_students_edits(course, capsys):
    sync(course, capsys)
    handed = (course / "my-work" / EDITED).read_bytes()
    answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    status, out, _ = sync(course, capsys)
    lines = out.splitlines()
    command = lines[lines.index("  what the course changed, alone:") + 1].split()
    base = Path.cwd() / command[1]  # shown relative to the current folder where inside it
    new = course / "my-work" / EDITED.replace(".ipynb", ".new.ipynb")
    assert status == 0 and base.read_bytes() == handed, "the base is the version the student got"
    assert course_changes(base, new) == [("patch", 0)], "one changed cell: the course's change alone"
    assert len(course_changes(course / "my-work" / EDITED, new)) == 2, "the student's edit shows too"


def test_the_version_handed_out_is_found_in_git_when_my_work_lost_it(course, capsys):
    def git(*args):
        subprocess.run(["git", "-C", str(course), *args], check=True, capture_output=True)
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1", "--allow-empty")
    git("add", "exercises")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    sync(course, capsys)
    handed = (course / "my-work" / EDITED).read_bytes()
    answer(course / "my-work" / EDITED)
    shutil.rmtree(course / "my-work" / ".course")  # a my-work/ from before the folder existed
    change_course(course, EDITED)
    out = sync(course, capsys)[1]
    kept = (course / "my-work" / ".course").glob(f"{Path(EDITED).stem}.*.ipynb")  # and the new one
    assert handed in [path.read_bytes() for path in kept] and "what the course changed, alone" in out


def test_a_start_page_is_written_once_and_never_overwritten(course, capsys):
    out = sync(course, capsys)[1]
    start = course / "my-work" / "START-HERE.md"
    assert "START-HERE.md" in out and "00_dual_numbers.ipynb" in start.read_text()
    start.write_text("my own notes\n")
    sync(course, capsys)
    assert start.read_text() == "my own notes\n"


def test_a_read_new_version_is_not_offered_again_but_a_newer_one_is(course, capsys):
    sync(course, capsys)
    edited = answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    sync(course, capsys)
    new = course / "my-work" / EDITED.replace(".ipynb", ".new.ipynb")
    new.unlink()  # read, merged by hand, deleted

    assert "up to date" in sync(course, capsys)[1] and not new.exists()
    change_course(course, EDITED, "A second correction.")
    assert new.name in sync(course, capsys)[1]
    assert "A second correction." in new.read_text()
    assert (course / "my-work" / EDITED).read_bytes() == edited


def test_a_lost_record_of_versions_offers_nothing_twice(course, capsys):
    sync(course, capsys)
    answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    sync(course, capsys)
    (course / "my-work" / ".course-versions.json").unlink()
    before = files(course / "my-work")

    assert "up to date" in sync(course, capsys)[1]
    after = files(course / "my-work")
    assert after.pop(Path(".course-versions.json")) and after == before, "the .new.ipynb changed"


def test_adopting_the_new_version_makes_it_the_students_copy(course, capsys):
    sync(course, capsys)
    answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    sync(course, capsys)
    new = course / "my-work" / EDITED.replace(".ipynb", ".new.ipynb")
    new.replace(course / "my-work" / EDITED)  # the student takes the course's version
    (course / "my-work" / ".course-versions.json").unlink()  # even without the record of versions

    assert "up to date" in sync(course, capsys)[1] and not new.exists()


def test_an_edited_new_version_is_left_alone(course, capsys):
    sync(course, capsys)
    answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    sync(course, capsys)
    new = course / "my-work" / EDITED.replace(".ipynb", ".new.ipynb")
    written_in = answer(new)
    change_course(course, EDITED, "A second correction.")

    status, out, _ = sync(course, capsys)
    assert status == 0 and "holds your changes" in out
    assert new.read_bytes() == written_in
    new.rename(course / "my-work" / "my-notes.ipynb")  # as the message asks
    assert new.name in sync(course, capsys)[1] and "A second correction." in new.read_text()
    assert (course / "my-work" / "my-notes.ipynb").read_bytes() == written_in


def test_a_deleted_notebook_comes_back(course, capsys):
    sync(course, capsys)
    edited = answer(course / "my-work" / UNTOUCHED)
    (course / "my-work" / EDITED).unlink()

    status, out, _ = sync(course, capsys)
    assert status == 0 and f"Copied my-work/{EDITED}" in out.replace(str(course) + "/", "")
    assert same(course, EDITED)
    assert (course / "my-work" / UNTOUCHED).read_bytes() == edited


def test_work_done_in_exercises_before_my_work_existed_is_carried_over(course, capsys):
    committed = (course / "exercises" / EDITED).read_bytes()
    worked_in = answer(course / "exercises" / EDITED)  # the old way: answers in a tracked file

    status, out, _ = sync(course, capsys)
    assert status == 0 and "git checkout -- " in out and EDITED in out
    assert (course / "my-work" / EDITED).read_bytes() == worked_in
    (course / "exercises" / EDITED).write_bytes(committed)  # git checkout -- exercises
    change_course(course, EDITED)  # git pull
    assert "new version of" in sync(course, capsys)[1]
    assert (course / "my-work" / EDITED).read_bytes() == worked_in


def test_a_missing_exercises_folder_is_a_clear_error_and_loses_nothing(course, capsys):
    sync(course, capsys)
    answer(course / "my-work" / EDITED)
    before = files(course / "my-work")
    shutil.rmtree(course / "exercises")

    status, out, err = sync(course, capsys)
    assert status == 1 and "exercises/ is missing" in err and "git checkout" in err and out == ""
    assert files(course / "my-work") == before
    shutil.rmtree(course / "my-work")
    assert sync(course, capsys)[0] == 1 and not (course / "my-work").exists()


def test_an_unreadable_exercise_is_a_clear_error_and_nothing_is_copied(course, capsys):
    broken = course / "exercises" / EDITED
    broken.write_bytes(broken.read_bytes()[:1000])  # truncated, as an interrupted copy leaves it

    status, _, err = sync(course, capsys)
    assert status == 1 and EDITED in err and "not a readable notebook" in err
    assert not (course / "my-work").exists(), "nothing may be copied from a broken course"


@pytest.mark.skipif(AS_ROOT, reason="root reads a folder whatever its permissions")
def test_an_unreadable_exercises_folder_is_a_clear_error(course, capsys):
    (course / "exercises").chmod(0)
    try:
        status, _, err = sync(course, capsys)
    finally:
        (course / "exercises").chmod(0o755)
    assert status == 1 and "cannot read" in err and "Permission denied" in err
    assert not (course / "my-work").exists()


def test_a_read_only_exercises_folder_is_only_read(course, capsys):
    before = files(course / "exercises")
    (course / "exercises").chmod(0o555)
    try:
        status, out, _ = sync(course, capsys)
    finally:
        (course / "exercises").chmod(0o755)
    assert status == 0 and "Seeded" in out
    assert files(course / "exercises") == before


def test_a_my_work_that_is_not_a_folder_is_a_clear_error(course, capsys):
    (course / "my-work").write_text("a file of the student's, by chance named my-work\n")
    status, _, err = sync(course, capsys)
    assert status == 1 and "not a folder" in err
    assert (course / "my-work").read_text() == "a file of the student's, by chance named my-work\n"


def test_a_failed_write_is_a_clear_error_and_leaves_no_half_file(course, capsys, monkeypatch):
    sync(course, capsys)
    edited = answer(course / "my-work" / EDITED)
    (course / "my-work" / UNTOUCHED).unlink()
    change_course(course, EDITED)

    def disk_full(self, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    monkeypatch.setattr(Path, "replace", disk_full)
    status, _, err = sync(course, capsys)
    assert status == 1 and "No space left on device" in err and "was overwritten" in err
    monkeypatch.undo()
    assert (course / "my-work" / EDITED).read_bytes() == edited
    assert not list((course / "my-work").glob(".*.partial")), "a failed write left a partial file"
    assert sync(course, capsys)[0] == 0 and (course / "my-work" / UNTOUCHED).exists()


@pytest.mark.skipif(AS_ROOT, reason="root writes into a folder whatever its permissions")
def test_a_read_only_my_work_is_a_clear_error_and_loses_nothing(course, capsys):
    sync(course, capsys)
    edited = answer(course / "my-work" / EDITED)
    change_course(course, EDITED)
    (course / "my-work").chmod(0o555)
    try:
        status, _, err = sync(course, capsys)
    finally:
        (course / "my-work").chmod(0o755)
    assert status == 1 and "Permission denied" in err
    assert (course / "my-work" / EDITED).read_bytes() == edited


def test_my_work_is_ignored_by_git():
    assert "my-work/" in (REPO / ".gitignore").read_text().splitlines()
