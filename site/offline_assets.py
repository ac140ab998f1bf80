"""Web assets that the course website and the handouts load from local copies, to work offline.

npm installs the pinned packages of site/package-lock.json into site/node_modules (`make site` and
`make handouts` run `npm ci` when it is missing). This module copies what a build needs from there:
the Sphinx extension course_site.py copies the "site" group into the website's _static/offline/;
`python site/offline_assets.py build/vendor handouts` copies the "handouts" group beside
build/slides/ and build/html/, which load it by relative URLs (../vendor/...), so that build/ can be
copied as a whole.
"""

import shutil
import sys
from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"

# name in the build: (folder in node_modules, what of it the pages load; globs allowed)
ASSETS = {
    # MathJax 3 for the website (Sphinx 9 also speaks MathJax 4, whose fonts are a separate package)
    "mathjax": ("mathjax/es5", ["*"]),
    # MathJax 2.7, which nbconvert's templates configure (MathJax.Hub): what its URL
    # `MathJax.js?config=TeX-AMS_CHTML-full,Safe` loads, TeX in, CommonHTML out, with its fonts
    "mathjax2": ("mathjax2", ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                              "extensions", "jax/element", "jax/input/TeX", "jax/output/CommonHTML",
                              "fonts/HTML-CSS/TeX/woff", "fonts/HTML-CSS/TeX/otf"]),
    "reveal.js": ("reveal.js", ["dist", "plugin/notes"]),  # what nbconvert's reveal template loads
    "requirejs": ("requirejs", ["require.js"]),  # nbconvert loads reveal.js and the widgets with it
    "jquery": ("jquery/dist", ["jquery.min.js"]),  # nbconvert's reveal template sizes long slides
    # the renderer of stored widget state (notebook 04's progress bar), with its icon fonts
    "html-manager": ("@jupyter-widgets/html-manager/dist", ["embed-amd.js", "*.woff2", "*.woff"]),
}
GROUPS = {"site": ["mathjax", "requirejs", "html-manager"],
          "handouts": ["mathjax2", "reveal.js", "requirejs", "jquery", "html-manager"]}


def missing_message():
    return (f"{NODE_MODULES} is missing or incomplete: `make site` and `make handouts` install the "
            "pinned web assets there with `npm ci --prefix site` (Node.js and npm are needed).")


def copy_assets(names, destination):
    """Copy the named assets into destination/<name>/, keeping their paths inside the package."""
    for name in names:
        package, members = ASSETS[name]
        root = NODE_MODULES / package
        matches = [sorted(root.glob(member)) for member in members]
        if not all(matches):
            raise FileNotFoundError(missing_message())
        for match in (path for paths in matches for path in paths):
            for source in [match] if match.is_file() else match.rglob("*"):
                target = Path(destination) / name / source.relative_to(root)
                if source.is_file() and not is_copy(target, source):  # copy only what changed
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)


def is_copy(target, source):
    """True if target is a copy of source that copy2 made (same size and modification time)."""
    if not target.is_file():
        return False
    a, b = target.stat(), source.stat()
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in GROUPS:
        sys.exit(f"usage: python {sys.argv[0]} DESTINATION {{{','.join(GROUPS)}}}")
    try:
        copy_assets(GROUPS[sys.argv[2]], sys.argv[1])
    except FileNotFoundError as error:
        sys.exit(str(error))
