"""coursekit is a package split by reader, and `coursekit.X` serves every helper once."""

import ast
import inspect
import subprocess
import sys

import coursekit
from checks.core import out_of_reach, patch_everywhere

MODULES = ("network", "timing", "forward_mode", "training", "display", "notebooks", "mnist")


def public_names(module):
    """The public names a module defines itself (not those it imports)."""
    tree = ast.parse(inspect.getsource(module))
    defined = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            defined.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            defined |= {node.id for target in targets for node in ast.walk(target)
                        if isinstance(node, ast.Name)}
    return {name for name in defined if not name.startswith("_")}


def test_every_helper_is_defined_once_and_served_as_coursekit_dot_name():
    homes = {}
    for name in MODULES:
        module = getattr(coursekit, name)
        for helper in public_names(module):
            assert helper not in homes, f"{helper} is defined in {homes[helper]} and in {name}"
            homes[helper] = name
            assert getattr(coursekit, helper) is getattr(module, helper), (
                f"coursekit.{helper} is not coursekit.{name}.{helper}")
    assert {"forward", "measure", "fit", "print_table", "engine_from_notebook",
            "ensure_mnist", "ForwardModeGradient"} <= set(homes)


def test_importing_coursekit_imports_neither_torch_nor_matplotlib():
    """Notebooks 00–02 never need torch (0.5 GB of memory) and only some cells plot."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, coursekit; "
         "print(sorted({'torch', 'matplotlib', 'IPython'} & set(sys.modules)))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_python_dash_m_coursekit_fetches_and_verifies_mnist(mnist_source, tmp_path):
    """`python -m coursekit` (make setup runs it) verifies MNIST into data/, from $MNIST_SOURCE."""
    import os
    done = subprocess.run([sys.executable, "-m", "coursekit"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, coursekit.SOURCE_VARIABLE: str(mnist_source)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"MNIST verified in {coursekit.DATA_DIR / 'MNIST' / 'raw'}"


def test_a_check_patches_a_helper_where_it_is_defined_as_well():
    """coursekit's own modules call coursekit.network.forward: a check that counts or refuses
    coursekit.forward must reach those calls too, under either name."""
    plain = coursekit.forward
    with patch_everywhere("coursekit.forward", "counted"):
        assert coursekit.forward == coursekit.network.forward == "counted"
    assert coursekit.forward is coursekit.network.forward is plain
    with out_of_reach("write it yourself", "coursekit.forward"):
        for where in (coursekit, coursekit.network):
            try:
                where.forward(0, 0, 0, 0, 0)
            except AssertionError as refusal:
                assert str(refusal) == "write it yourself"
            else:
                raise AssertionError(f"{where.__name__}.forward was not refused")
