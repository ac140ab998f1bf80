"""Keep a student's own copies of the exercises in my-work/: python tools/my_work.py.

`make lab` runs this, then opens JupyterLab in my-work/. The folder is git-ignored, so a student's
answers never sit in a tracked file and `git pull` always works.

- The first run copies every notebook of exercises/ into my-work/. Later runs copy only the
  notebooks missing there (a deleted one comes back). Other files in my-work/ are never touched.
- The course changed a notebook when its version in exercises/ carries another hash than the one
  recorded in the student's copy (tools/make_exercises.py records the SHA-256 of what it wrote).
  - If the student never changed their copy (it still matches its own recorded hash), the copy is
    updated in place: nothing of theirs is in it.
  - Otherwise the copy stays byte-identical and the new version goes beside it, as
    NAME.new.ipynb, to be compared with nbdime's `nbdiff-web`. Two comparisons are offered: the
    student's copy against the new version (their edits and the course's changes together), and
    what the course changed alone: the version the student was handed against the new one.
- my-work/.course/ keeps every version handed out, by hash, for that second comparison; for a copy
  handed out before that folder existed, the version is looked up in git's history of exercises/.
- my-work/START-HERE.md, written once if missing, tells a student where to begin.
- my-work/.course-versions.json remembers which version of each notebook was handed out, so a
  .new.ipynb that the student has read and deleted is not offered again; only a newer one is.
- Every write goes to a temporary file that is then renamed: a failure never leaves half a notebook.
  Bad input (no exercises/, an unreadable notebook there, a my-work/ that cannot be written) stops
  the run with a message and exit status 1, and loses nothing.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat

if __package__:  # imported as tools.my_work (the tests)
    from .make_exercises import RECORD, content_hash
else:  # run as a script: python tools/my_work.py
    from make_exercises import RECORD, content_hash

REPO = Path(__file__).resolve().parents[1]
VERSIONS = ".course-versions.json"  # in my-work/: notebook name -> hash of the version handed out
HANDED_OUT = ".course"  # in my-work/: every version handed out, as NAME.HASH.ipynb
START_HERE = "START-HERE.md"
START_HERE_TEXT = """# Start here

These notebooks are your own copies of the course's exercises: nobody else's update overwrites them.

1. Open `00_dual_numbers.ipynb` and work through the notebooks in order (00, 01, 02, ...).
2. Read, predict, then run each cell (Shift+Enter). Where a cell says `# YOUR CODE HERE`, write your
   answer in place of `raise NotImplementedError()`.
3. The cell after an exercise checks it. It prints a ✔ line, or a hint that names the rule to
   look at. `check.exercise_0_1??` shows what a check tests.
4. Stuck? The derivation follows each check, for when you are stuck or done.

When the course changes a notebook you have worked in, its new version appears beside yours as
`NAME.new.ipynb`, and `make lab` prints how to compare them.
"""
NOT_A_NOTEBOOK = (ValueError, TypeError, AttributeError, KeyError, nbformat.ValidationError)


class MyWorkError(Exception):
    """Bad input, explained for the student; nothing was overwritten."""


class Exercise(NamedTuple):
    path: Path
    data: bytes  # copied byte for byte, so that a fresh copy matches its recorded hash
    version: str  # the hash the generator recorded in it
    edited: bool  # the file in exercises/ differs from what the generator wrote


def shown(path):
    """A path as the student would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def recorded_version(notebook):
    """(the hash the generator recorded in a notebook, whether its content still matches it)"""
    recorded = notebook.metadata.get(RECORD, {}).get("sha256")
    return recorded, recorded == content_hash(notebook)


def read_exercise(path):
    data = path.read_bytes()
    try:
        version, untouched = recorded_version(nbformat.reads(data.decode(), as_version=4))
    except NOT_A_NOTEBOOK as error:
        raise MyWorkError(f"{shown(path)} is not a readable notebook ({error}). Restore it with "
                          f"`git checkout -- {shown(path)}`. Nothing was copied.") from error
    if version is None:
        raise MyWorkError(f"{shown(path)} was not written by tools/make_exercises.py (it records "
                          "no hash), so its updates cannot be told apart. Nothing was copied.")
    return Exercise(path, data, version, edited=not untouched)


def read_exercises(folder):
    """Every notebook of exercises/, read and checked before anything is written."""
    if not folder.is_dir():
        raise MyWorkError(f"{shown(folder)}/ is missing: run this in the course's folder, or "
                          f"restore it with `git checkout -- {folder.name}`. Nothing was copied.")
    try:
        paths = sorted(path for path in folder.iterdir()
                       if path.suffix == ".ipynb" and not path.name.startswith("."))
        exercises = [read_exercise(path) for path in paths]
    except OSError as error:
        raise MyWorkError(f"cannot read {shown(error.filename or folder)}: {error.strerror}. "
                          "Nothing was copied.") from error
    if not exercises:
        raise MyWorkError(f"{shown(folder)}/ holds no notebooks. Nothing was copied.")
    return exercises


def copy_version(path):
    """(the version a file in my-work/ was copied from, whether it is still exactly that version);
    a file that is not a readable notebook counts as the student's own."""
    try:
        return recorded_version(nbformat.read(path, as_version=4))
    except (OSError, *NOT_A_NOTEBOOK):
        return None, False


def write_atomically(path, data):
    """Write a temporary file beside path, then rename it: path is never half written."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def archived(work, name, version):
    """Where my-work/.course/ keeps the version `version` of notebook `name`."""
    return work / HANDED_OUT / f"{Path(name).stem}.{version[:16]}.ipynb"


def from_git(exercises_folder, name, version):
    """The bytes of exercises/NAME as it was when the generator recorded `version`, from git's
    history (the last 200 commits that changed it), or None."""
    def git(*args):
        return subprocess.run(["git", "-C", str(exercises_folder), *args], capture_output=True,
                              timeout=60, check=True).stdout
    try:
        commits = git("log", "-n", "200", "--format=%H", "--", name).decode().split()
        for commit in commits:
            data = git("show", f"{commit}:./{name}")
            if recorded_version(nbformat.reads(data.decode(), as_version=4))[0] == version:
                return data
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError, *NOT_A_NOTEBOOK):
        pass
    return None


def handed_out(exercises_folder, work, name, version):
    """The version of notebook `name` that the student was handed, as a file in my-work/.course/,
    or None where neither that folder nor git still holds it."""
    path = archived(work, name, version)
    if not path.exists() and version and (data := from_git(exercises_folder, name, version)):
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, data)
    return path if path.exists() else None


def plan(exercise, work, given):
    """What one notebook of work/ needs: (action, the file it concerns), or None if up to date."""
    copy = work / exercise.path.name
    new = copy.with_suffix(".new.ipynb")
    if not copy.exists():
        return "copied", copy
    recorded, untouched = copy_version(copy)
    if exercise.version in (recorded, given.get(copy.name)):
        return None  # the course has not changed it since this student got it
    if untouched:
        return "updated", copy  # nothing of the student's is in it
    if new.exists() and new.read_bytes() == exercise.data:
        return "kept", new  # offered on an earlier run, and still there
    if new.exists() and not copy_version(new)[1]:
        return "blocked", new  # the student has written in the .new.ipynb: leave it alone
    return "offered", new


def read_versions(work):
    try:
        given = json.loads((work / VERSIONS).read_text())
    except (OSError, ValueError):
        return {}  # first run, or lost: the hashes recorded in the copies still tell most of it
    return given if isinstance(given, dict) else {}


def sync(exercises_folder, work):
    """Bring work/ up to date with exercises/; return the exercises, [(exercise, action, path)]."""
    exercises = read_exercises(exercises_folder)
    if work.exists() and not work.is_dir():
        raise MyWorkError(f"{shown(work)} is a file, not a folder: rename it, then run this again.")
    try:
        work.mkdir(parents=True, exist_ok=True)
        given = read_versions(work)
        changes = [(exercise, *change) for exercise in exercises
                   if (change := plan(exercise, work, given))]
        bases = {exercise.path.name: handed_out(exercises_folder, work, exercise.path.name,
                                                copy_version(work / exercise.path.name)[0])
                 for exercise, action, _ in changes if action in ("offered", "kept")}
        for exercise, action, path in changes:
            if action in ("copied", "updated", "offered"):
                write_atomically(path, exercise.data)
            if action != "blocked":
                given[exercise.path.name] = exercise.version
                keep = archived(work, exercise.path.name, exercise.version)
                if not keep.exists():
                    keep.parent.mkdir(exist_ok=True)
                    write_atomically(keep, exercise.data)
        if not (work / START_HERE).exists():
            write_atomically(work / START_HERE, START_HERE_TEXT.encode())
        if given != read_versions(work):
            write_atomically(work / VERSIONS, json.dumps(given, indent=1, sort_keys=True).encode())
    except OSError as error:
        raise MyWorkError(f"could not update {shown(error.filename or work)}: {error.strerror}. "
                          f"None of your files in {shown(work)}/ was overwritten.") from error
    return exercises, [(exercise, action, path, bases.get(exercise.path.name))
                       for exercise, action, path in changes]


def report(exercises, changes, work):
    """What to tell the student: one line per change."""
    nbdiff = Path(sys.executable).with_name("nbdiff-web")
    nbdiff = shown(nbdiff) if nbdiff.exists() else "nbdiff-web"
    lines = [f"note: {shown(e.path)} holds changes, which `git pull` may refuse to overwrite. Work "
             f"in {shown(work)}/ instead; once your copy there has all you need, run: "
             f"git checkout -- {shown(e.path)}" for e in exercises if e.edited]
    if [action for _, action, _, _ in changes] == ["copied"] * len(exercises):
        return lines + [f"Seeded {shown(work)}/ with {len(exercises)} notebooks from "
                        f"{shown(exercises[0].path.parent)}/: your own copies. git ignores this "
                        "folder, so `git pull` never touches your answers. Begin with "
                        f"{shown(work / START_HERE)}."]
    for exercise, action, path, base in changes:
        name, copy, path = exercise.path.name, shown(work / exercise.path.name), shown(path)
        changed = (f"\n  what the course changed, alone:\n    {nbdiff} {shown(base)} {path}"
                   if base else "")
        lines += {
            "copied": [f"Copied {copy} (it was missing)."],
            "updated": [f"Updated {copy} to the course's new version (you had not changed it)."],
            "offered": [f"The course has a new version of {name}: it is in {path}, beside your "
                        f"copy, which is unchanged. Compare them:{changed}\n"
                        "  your copy against it (your edits show too):\n"
                        f"    {nbdiff} {copy} {path}"],
            "blocked": [f"The course has a new version of {name}, but {path} holds your changes, "
                        "so it was left alone: rename it, then run this again."],
            "kept": [],
        }[action]
    return lines or [f"{shown(work)}/ is up to date with the course ({len(exercises)} notebooks)."]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exercises", type=Path, default=REPO / "exercises",
                        help="the course's student versions (default: exercises/)")
    parser.add_argument("--work", type=Path, default=REPO / "my-work",
                        help="the student's own copies (default: my-work/)")
    args = parser.parse_args(argv)
    try:
        print("\n".join(report(*sync(args.exercises, args.work), args.work)))
    except MyWorkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
