"""Wrong answers to notebook 05's exercises; tests/test_mutations.py proves that each check rejects them."""

UNBROADCAST_BODY = (
    "    while grad.ndim > len(shape):  # axes that broadcasting prepended\n"
    "        grad = grad.sum(axis=0)\n"
    "    for axis, size in enumerate(shape):  # axes of length 1 that it stretched\n"
    "        if size == 1 and grad.shape[axis] != 1:\n"
    "            grad = grad.sum(axis=axis, keepdims=True)\n"
    "    return grad\n")
TOPOLOGICAL_BODY = (
    "    if id(node) not in visited:\n"
    "        visited.add(id(node))\n"
    "        for parent, _ in node.parents:\n"
    "            topological_order(parent, order, visited)\n"
    "        order.append(node)  # after all of its parents\n"
    "    return order\n")
TOPOLOGICAL_TO_BACKWARD = (  # the text between the two solution blocks of Exercise 5.4
    "    ### END SOLUTION\n\n\n"
    "@coursekit.add_to_class(Node)\n"
    "def backward(self, grad=None):\n"
    '    """Set .grad of every node that self depends on to ∂self/∂node, in one backward pass.\n'
    '    grad: the adjoint of self, ones by default (∂self/∂self = 1)."""\n'
    "    ### BEGIN SOLUTION\n")
BACKWARD_BODY = (
    "    order = topological_order(self, [], set())\n"
    "    for node in order:\n"
    "        node.grad = None\n"
    "    self.grad = np.ones_like(self.value) if grad is None else grad\n"
    "    for node in reversed(order):  # every user of a node comes before it: its .grad is complete\n"
    "        for parent, vjp in node.parents:\n"
    "            share = vjp(node.grad)\n"
    "            parent.grad = share if parent.grad is None else parent.grad + share\n")
NAIVE_BACKWARD_BODY = (  # micrograd's first version: right numbers, but exponential cost
    "    def clear(node):\n"
    "        for parent, _ in node.parents:\n"
    "            parent.grad = None\n"
    "            clear(parent)\n"
    "\n"
    "    def send(node, grad):  # down every path from self, one share at a time\n"
    "        for parent, vjp in node.parents:\n"
    "            share = vjp(grad)\n"
    "            parent.grad = share if parent.grad is None else parent.grad + share\n"
    "            send(parent, share)\n"
    "\n"
    "    clear(self)\n"
    "    self.grad = np.ones_like(self.value) if grad is None else grad\n"
    "    send(self, self.grad)\n")
JACOBIAN_REVERSE_BODY = (
    "    pixels = Node(p)\n"
    "    scores = forward(pixels, *parameters)\n"
    "    rows = []\n"
    "    for k in range(scores.value.size):\n"
    "        scores.backward(coursekit.one_hot(scores.value.shape, k))\n"
    "        rows.append(pixels.grad)\n"
    "    return np.stack(rows)\n")
SECONDS = (
    'seconds = {"forward": measure(lambda: jacobian_forward(p, parameters64), repeat=1).median,\n'
    '           "reverse": measure(lambda: jacobian_reverse(p, parameters64), repeat=1).median}')

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
        ("stretched axes counted in shape, not shifted by the prepended axes (a reshape fails)",
         UNBROADCAST_BODY,
         "    prepended = grad.ndim - len(shape)\n"
         "    stretched = tuple(axis for axis, size in enumerate(shape) if size == 1)\n"
         "    return grad.sum(axis=tuple(range(prepended)) + stretched).reshape(shape)\n"),
        ("PyTorch's sum_to_size instead of numpy",
         UNBROADCAST_BODY, "    return torch.from_numpy(grad).sum_to_size(shape).numpy()\n"),
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
        ("shapes read with .shape, which a plain Python number lacks",
         "    return (lambda grad: unbroadcast(grad, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad, np.shape(y)))",
         "    x_shape, y_shape = x.shape, y.shape\n"
         "    return (lambda grad: unbroadcast(grad, x_shape),\n"
         "            lambda grad: unbroadcast(grad, y_shape))"),
    ],
    "5.3": [
        ("forgotten transpose in x's VJP", "lambda grad: grad @ w.T,", "lambda grad: grad @ w,"),
        ("w's VJP with the factors swapped", "else x.T @ grad", "else grad.T @ x"),
        ("x.T @ grad also for a single image x of shape (k,)",
         "np.outer(x, grad) if np.ndim(x) == 1 else x.T @ grad", "x.T @ grad"),
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
        ("the order walked forwards, from the inputs to the result",
         "    for node in reversed(order):", "    for node in order:"),
        ("preorder: a node appended before its parents",
         "        for parent, _ in node.parents:\n"
         "            topological_order(parent, order, visited)\n"
         "        order.append(node)  # after all of its parents\n",
         "        order.append(node)\n"
         "        for parent, _ in node.parents:\n"
         "            topological_order(parent, order, visited)\n"),
        ("no visited set: a node reached along two paths is listed twice",
         TOPOLOGICAL_BODY,
         "    for parent, _ in node.parents:\n"
         "        topological_order(parent, order, visited)\n"
         "    order.append(node)\n"
         "    return order\n"),
        ("micrograd's naive backward: each path's share passed down at once, no order",
         BACKWARD_BODY, NAIVE_BACKWARD_BODY),
        ("topological_order a stub, and the naive backward (right numbers, exponential cost)",
         TOPOLOGICAL_BODY + TOPOLOGICAL_TO_BACKWARD + BACKWARD_BODY,
         "    return order\n" + TOPOLOGICAL_TO_BACKWARD + NAIVE_BACKWARD_BODY),
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
        ("PyTorch's cross_entropy and backward instead of numpy",
         "    exp = np.exp(scores - scores.max(axis=1, keepdims=True))  # stable: the shift cancels\n"
         "    softmax = exp / exp.sum(axis=1, keepdims=True)\n"
         "    softmax[np.arange(len(labels)), labels] -= 1  # minus one-hot\n"
         "    return softmax / len(labels)\n",
         "    scores = torch.tensor(scores, requires_grad=True)\n"
         "    F.cross_entropy(scores, torch.as_tensor(labels)).backward()\n"
         "    return scores.grad.numpy()\n"),
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
        ("reverse mode's Jacobian written out by hand, without the engine",
         JACOBIAN_REVERSE_BODY,
         "    v, w, a, b = parameters\n    return (w * (p @ w + a > 0) @ v).T\n"),
        ("torch.func.jacrev instead of the engine",
         JACOBIAN_REVERSE_BODY,
         "    scores_of = lambda x: coursekit.forward_torch(x, *parameters.map(torch.from_numpy))\n"
         "    return torch.func.jacrev(scores_of)(torch.from_numpy(p)).numpy()\n"),
        ("reverse mode's Jacobian computed by forward mode",
         JACOBIAN_REVERSE_BODY, "    return jacobian_forward(p, parameters)\n"),
        ("forward mode's Jacobian computed by reverse mode",
         "    columns = [forward(diffType(p, coursekit.one_hot(p.shape, i)), *parameters).dvalue\n"
         "               for i in range(p.size)]\n"
         "    return np.stack(columns, axis=1)\n",
         "    return jacobian_reverse(p, parameters)\n"),
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
        ("hard-coded seconds", SECONDS, 'seconds = {"forward": 1.0, "reverse": 0.01}'),
        ("Timing objects stored, without .median", SECONDS, SECONDS.replace(".median", "")),
    ],
}
