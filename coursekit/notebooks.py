"""Code that spans notebook cells: methods added one cell at a time, and notebook 05's engine
loaded from the student's own notebook for notebook 06."""

from pathlib import Path

import numpy as np

from .network import forward


def add_to_class(Class):
    """Add the decorated function to Class as a method (d2l's add_to_class): a class can then be
    written one cell, and one rule, at a time."""
    def register(method):
        setattr(Class, method.__name__, method)
        return method
    return register


ENGINE_TAG = "engine"  # notebook 05's cells that define the reverse-mode engine carry this tag


def engine_from_notebook(path):
    """The reverse-mode engine that a notebook defines (notebook 05's Node, apply, rules, backward
    and loss), as a module: notebook 06 runs the student's own engine, not a copy of the course's.

    It runs the notebook's import statements (the top-level `import` lines of its code cells), then
    the source of each cell tagged `engine`, in order, in a fresh module, and never the other
    cells. Then it takes one gradient on a tiny network, so that an exercise left unanswered shows
    at once. A missing notebook raises FileNotFoundError; an unanswered exercise,
    NotImplementedError; a cell or a rule that fails, RuntimeError; each names what to finish."""
    import ast
    import json
    import linecache
    import re
    import traceback
    import types
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not there: notebook 06 runs your reverse-mode engine "
                                f"from notebook 05, which must sit beside it as {path.name}.")
    cells = [{**cell, "source": "".join(cell["source"])}  # nbformat keeps lines in a list
             for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    engine = [index for index, cell in enumerate(cells)
              if cell["cell_type"] == "code" and ENGINE_TAG in cell["metadata"].get("tags", [])]
    if not engine:
        raise RuntimeError(f"{path.name} has no cell tagged {ENGINE_TAG!r}: notebook 06 needs the "
                           "course's notebook 05, whose tags mark the cells of its engine.")
    exercise, exercise_of = "the given code", {}  # cell index: the exercise that it answers
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            exercise = (re.search(r"Exercise \d+\.\d+", cell["source"]) or [exercise])[0]
        elif re.search(r"### BEGIN SOLUTION|raise NotImplementedError\(\)", cell["source"]):
            exercise_of[index] = exercise
    imports = [statement for cell in cells if cell["cell_type"] == "code"
               for statement in _top_level_statements(cell["source"])
               if isinstance(statement, (ast.Import, ast.ImportFrom))]
    module = types.ModuleType(path.stem, f"The reverse-mode engine of {path.name}")
    module.__file__ = str(path)
    cell_of = {}  # the file name that tracebacks show for a cell's code: the cell's index
    running = []  # the cell being run, while the cells run

    def run(source, index):
        name = f"<{path.name}, cell {index}>"
        cell_of[name], running[:] = index, [index]
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)  # for tracebacks
        exec(compile(source, name, "exec"), module.__dict__)

    def blame(error):
        """(the exercise, or else the cell, whose code raised error; whether it is an exercise)"""
        cells_met = running + [cell_of[frame.f_code.co_filename] for frame, _ in
                               traceback.walk_tb(error.__traceback__)
                               if frame.f_code.co_filename in cell_of]
        answers = [i for i in reversed(cells_met) if i in exercise_of]  # the innermost first
        if answers:
            return f"{exercise_of[answers[0]]} (cell {answers[0]}) of {path.name}", True
        return (f"cell {cells_met[-1]} of {path.name}" if cells_met else path.name), False

    try:
        run(ast.unparse(ast.Module(imports, type_ignores=[])), "imports")
        for index in engine:
            run(cells[index]["source"], index)
        running.clear()
        _tiny_gradient(module)
    except NotImplementedError as error:
        raise NotImplementedError(
            f"{blame(error)[0]} is not answered yet, and notebook 06 runs your engine: finish "
            "that exercise, run its check, save notebook 05, then run this cell again.") from None
    except Exception as error:
        where, is_exercise = blame(error)
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        checks = "that exercise's check" if is_exercise else "the checks of notebook 05"
        raise RuntimeError(
            f"your engine fails in {where}, with {what}. Run {checks}, fix what it says, save "
            "the notebook, then run this cell again.") from None
    return module


def _top_level_statements(source):
    """The statements of a cell's code; none for code that does not parse (IPython magics)."""
    import ast
    try:
        return ast.parse(source).body
    except SyntaxError:
        return []


def _tiny_gradient(engine):
    """The gradient of the loss of a 3-4-2 network for two images with an engine: it uses every
    rule of the course's network (its VJPs run in the backward pass), or fails."""
    rng = np.random.default_rng(0)
    images = rng.normal(size=(2, 3))
    nodes = [engine.Node(rng.normal(size=shape)) for shape in ((4, 2), (3, 4), (4,), (2,))]
    engine.cross_entropy(forward(images, *nodes), np.array([0, 1])).backward()
    return [node.grad for node in nodes]
