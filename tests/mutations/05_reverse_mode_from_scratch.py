"""Wrong answers to notebook 05's exercises; tests/test_mutations.py proves that each check rejects them."""

MUTATIONS = {
    "5.1": [
        ("stretched axes of length 1 left unsummed",
         "    for axis, size in enumerate(shape):  # axes of length 1 that it stretched\n"
         "        if size == 1 and grad.shape[axis] != 1:\n"
         "            grad = grad.sum(axis=axis, keepdims=True)\n",
         ""),
        ("prepended axes summed over the last axis instead of the first",
         "grad = grad.sum(axis=0)", "grad = grad.sum(axis=-1)"),
        ("keepdims forgotten", "grad.sum(axis=axis, keepdims=True)", "grad.sum(axis=axis)"),
        ("mean instead of sum", "grad = grad.sum(axis=0)", "grad = grad.mean(axis=0)"),
    ],
    "5.2": [
        ("mul: each operand times itself instead of the other factor",
         "(lambda grad: unbroadcast(grad * y, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad * x, np.shape(y)))",
         "(lambda grad: unbroadcast(grad * x, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad * y, np.shape(y)))"),
        ("mul without unbroadcast",
         "(lambda grad: unbroadcast(grad * y, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad * x, np.shape(y)))",
         "(lambda grad: grad * y,\n            lambda grad: grad * x)"),
        ("add without unbroadcast",
         "(lambda grad: unbroadcast(grad, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad, np.shape(y)))",
         "(lambda grad: grad,\n            lambda grad: grad)"),
    ],
    "5.3": [
        ("forgotten transpose in x's VJP", "lambda grad: grad @ w.T,", "lambda grad: grad @ w,"),
        ("w's VJP with the factors swapped", "else x.T @ grad", "else grad.T @ x"),
        ("ReLU's mask includes the kink x = 0", "grad * (x > 0)", "grad * (x >= 0)"),
        ("ReLU's mask taken from the adjoint instead of the input", "grad * (x > 0)", "grad * (grad > 0)"),
    ],
    "5.4": [
        ("overwrite instead of accumulate",
         "parent.grad = share if parent.grad is None else parent.grad + share",
         "parent.grad = share"),
        ("accumulate in place, changing arrays that other nodes share",
         "parent.grad = share if parent.grad is None else parent.grad + share",
         "if parent.grad is None:\n                parent.grad = share\n"
         "            else:\n                parent.grad += share"),
        ("no topological order: nodes in the order they are discovered from the result",
         "        for parent, _ in node.parents:\n"
         "            topological_order(parent, order, visited)\n"
         "        order.append(node)  # after all of its parents\n",
         "        order.insert(0, node)  # before its parents\n"
         "        for parent, _ in node.parents:\n"
         "            topological_order(parent, order, visited)\n"),
        ("no fresh start: a second call adds to the first call's gradients",
         "    for node in order:\n        node.grad = None\n", ""),
    ],
    "5.5": [
        ("softmax without subtracting the one-hot",
         "    softmax[np.arange(len(labels)), labels] -= 1  # minus one-hot\n", ""),
        ("the 1/n of the mean forgotten", "return softmax / len(labels)", "return softmax"),
        ("softmax normalized over the batch axis", "exp.sum(axis=1, keepdims=True)",
         "exp.sum(axis=0, keepdims=True)"),
        ("softmax without subtracting the maximum (overflows)",
         "np.exp(scores - scores.max(axis=1, keepdims=True))", "np.exp(scores)"),
        ("one-hot subtracted in whole columns", "softmax[np.arange(len(labels)), labels] -= 1",
         "softmax[:, labels] -= 1"),
    ],
    "5.6": [
        ("forward mode's Jacobian transposed", "return np.stack(columns, axis=1)",
         "return np.stack(columns)"),
        ("forward mode seeds every pixel at once", "diffType(p, coursekit.one_hot(p.shape, i))",
         "diffType(p, np.ones_like(p))"),
        ("reverse mode seeds all scores at once",
         "scores.backward(coursekit.one_hot(scores.value.shape, k))", "scores.backward()"),
        ("reverse mode's rows stacked as columns", "return np.stack(rows)",
         "return np.stack(rows, axis=1)"),
    ],
    "5.7": [
        ("timing comparison reversed", "cheaper = min(seconds, key=seconds.get)",
         "cheaper = max(seconds, key=seconds.get)"),
        ("passes swapped", 'passes = {"forward": J.shape[1], "reverse": J.shape[0]}',
         'passes = {"forward": J.shape[0], "reverse": J.shape[1]}'),
        ("timings stored under each other's names",
         '{"forward": measure(lambda: jacobian_forward(p, parameters64), repeat=1).median,\n'
         '           "reverse": measure(lambda: jacobian_reverse(p, parameters64), repeat=1).median}',
         '{"reverse": measure(lambda: jacobian_forward(p, parameters64), repeat=1).median,\n'
         '           "forward": measure(lambda: jacobian_reverse(p, parameters64), repeat=1).median}'),
        ("the same function timed twice",
         '"reverse": measure(lambda: jacobian_reverse(p, parameters64), repeat=1).median}',
         '"reverse": measure(lambda: jacobian_forward(p, parameters64), repeat=1).median}'),
    ],
}
