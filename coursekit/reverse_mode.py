"""Measuring a reverse-mode engine (notebooks 05 and 06): what its graph keeps for the backward
pass, and how far its results are from a reference.

The functions are duck-typed: they work on the nodes of any engine whose nodes have `.value` (an
array) and `.parents` (pairs `(parent, vjp)`), such as the student's engine of notebook 05 and the
same engine run on dual arrays in notebook 06.
"""

import numpy as np


def memory_of(array):
    """The array that owns array's memory: array itself, or the array that a view (w.T) shows."""
    return array if array.base is None else array.base


def arrays_held(item, met=None):
    """Yield the numpy arrays that item holds, each once: item itself if it is an array, those
    inside its tuples, lists, sets and dicts, and those in the closures of its functions (a VJP
    keeps what it reads there). A view yields the array whose memory it shows. met: ids seen."""
    met = set() if met is None else met
    if id(item) in met:
        return
    met.add(id(item))
    if isinstance(item, np.ndarray):
        yield memory_of(item)
    elif isinstance(item, (tuple, list, set, frozenset, dict)):
        for part in item.values() if isinstance(item, dict) else item:
            yield from arrays_held(part, met)
    elif callable(item):
        for cell in getattr(item, "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # a closure variable not yet assigned holds nothing
                continue
            yield from arrays_held(contents, met)


def arrays_kept(result):
    """The arrays that result's graph keeps from the forward pass to the backward pass: every
    node's `.value` and every array that the nodes' VJPs hold, each once (by the memory it owns).
    result: the node that backward() starts from. Returns a list of arrays."""
    kept, todo, met = {}, [result], set()
    while todo:
        node = todo.pop()
        if id(node) in met:
            continue
        met.add(id(node))
        for array in arrays_held([node.value, *(vjp for _, vjp in node.parents)]):
            kept[id(array)] = array
        todo.extend(parent for parent, _ in node.parents)
    return list(kept.values())


def bytes_kept(result, leave_out=()):
    """The bytes of arrays_kept(result), without the arrays in leave_out (e.g. the parameters,
    which exist whether or not a graph keeps them)."""
    left_out = {id(memory_of(np.asarray(x))) for x in leave_out}
    return sum(array.nbytes for array in arrays_kept(result) if id(array) not in left_out)


def largest_difference(x, reference):
    """max |x − reference| / max |reference|: the distance between two arrays of the same shape,
    in units of the reference's largest entry. Unlike relative_error, entrywise, it does not
    flag an entry near 0 whose value only rounding decides."""
    x, reference = np.asarray(x), np.asarray(reference)
    if x.shape != reference.shape:
        raise ValueError(f"shapes differ: {x.shape} and {reference.shape}")
    return float(np.max(np.abs(x - reference)) / np.max(np.abs(reference)))
