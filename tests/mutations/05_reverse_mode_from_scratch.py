"""Wrong and right answers to notebook 05's exercises; tests/test_mutations.py proves that each check
rejects every wrong one with a hint and passes every right one."""

UNBROADCAST_BODY = (
    "    while grad.ndim > len(shape):  # axes that broadcasting prepended\n"
    "        grad = grad.sum(axis=0)\n"
    "    for axis, size in enumerate(shape):  # axes of length 1 that it stretched\n"
    "        if size == 1 and grad.shape[axis] != 1:\n"
    "            grad = grad.sum(axis=axis, keepdims=True)\n"
    "    return grad\n")
ADD_BODY = (
    "    return (lambda grad: unbroadcast(grad, np.shape(x)),\n"
    "            lambda grad: unbroadcast(grad, np.shape(y)))\n")
MUL_BODY = (
    "    return (lambda grad: unbroadcast(grad * y, np.shape(x)),\n"
    "            lambda grad: unbroadcast(grad * x, np.shape(y)))\n")
MATMUL_BODY = (
    "    return (lambda grad: grad @ w.T,\n"
    "            lambda grad: np.outer(x, grad) if np.ndim(x) == 1 else x.T @ grad)\n")
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
    '    """Set .grad of every node that self depends on to ∂self/∂node; grad: self\'s adjoint '
    '(ones)."""\n'
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
SOFTMAX_BODY = (
    "    exp = np.exp(scores - scores.max(axis=1, keepdims=True))  # stable: the shift cancels\n"
    "    softmax = exp / exp.sum(axis=1, keepdims=True)\n"
    "    softmax[np.arange(len(labels)), labels] -= 1  # minus one-hot\n"
    "    return softmax / len(labels)\n")
JACOBIAN_FORWARD_BODY = (
    "    columns = [forward(diffType(p, coursekit.one_hot(p.shape, i)), *parameters).dvalue\n"
    "               for i in range(p.size)]\n"
    "    return np.stack(columns, axis=1)\n")
JACOBIAN_REVERSE_BODY = (
    "    pixels = Node(p)\n"
    "    scores = forward(pixels, *parameters)\n"
    "    rows = []\n"
    "    for k in range(scores.value.size):\n"
    "        scores.backward(coursekit.one_hot(scores.value.shape, k))\n"
    "        rows.append(pixels.grad)\n"
    "    return np.stack(rows)\n")
FORWARD_TO_REVERSE = (  # the text between the two solution blocks of Exercise 5.6
    "\n\ndef jacobian_reverse(p, parameters):\n"
    '    """∂o/∂p by reverse mode: one backward pass per score. Returns shape (scores, pixels)."""\n'
    "    ### BEGIN SOLUTION\n")
PASSES_BODY = (
    "    n_outputs, n_inputs = jacobian_shape\n"
    '    return {"forward": n_inputs, "reverse": n_outputs}\n')
CHEAPER_BODY = (
    "    passes = passes_per_mode(jacobian_shape)\n"
    "    return min(passes, key=passes.get)\n")
TIME_BODY = (
    "    return {mode: measure(lambda: jacobian(p, parameters), repeat=1)\n"
    "            for mode, jacobian in jacobians.items()}\n")

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
        ("float32 lost: prepended axes summed in float64",
         "grad = grad.sum(axis=0)", "grad = grad.sum(axis=0, dtype=np.float64)"),
    ],
    "5.2": [
        ("mul: each operand times itself instead of the other factor",
         MUL_BODY,
         "    return (lambda grad: unbroadcast(grad * x, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad * y, np.shape(y)))\n"),
        ("mul without unbroadcast", MUL_BODY,
         "    return (lambda grad: grad * y,\n            lambda grad: grad * x)\n"),
        ("add without unbroadcast", ADD_BODY,
         "    return (lambda grad: grad,\n            lambda grad: grad)\n"),
        ("shapes read with .shape, which a plain Python number lacks", ADD_BODY,
         "    x_shape, y_shape = x.shape, y.shape\n"
         "    return (lambda grad: unbroadcast(grad, x_shape),\n"
         "            lambda grad: unbroadcast(grad, y_shape))\n"),
        ("add: the adjoint split in halves between the operands", ADD_BODY,
         "    return (lambda grad: unbroadcast(grad / 2, np.shape(x)),\n"
         "            lambda grad: unbroadcast(grad / 2, np.shape(y)))\n"),
        ("mul: the adjoint scaled in place, changing the caller's array", MUL_BODY,
         "    def vjp_x(grad):\n"
         "        grad *= y\n"
         "        return unbroadcast(grad, np.shape(x))\n"
         "    return (vjp_x, lambda grad: unbroadcast(grad * x, np.shape(y)))\n"),
        ("mul: operands turned into float64 arrays, so float32 is lost", MUL_BODY,
         "    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)\n" + MUL_BODY),
    ],
    "5.3": [
        ("forgotten transpose in x's VJP", "lambda grad: grad @ w.T,", "lambda grad: grad @ w,"),
        ("w's VJP with the factors swapped", "else x.T @ grad", "else grad.T @ x"),
        ("x.T @ grad also for a single image x of shape (k,)",
         "np.outer(x, grad) if np.ndim(x) == 1 else x.T @ grad", "x.T @ grad"),
        ("np.outer also for a batch, which flattens it",
         "np.outer(x, grad) if np.ndim(x) == 1 else x.T @ grad", "np.outer(x, grad)"),
        ("ReLU's mask includes the kink x = 0", "grad * (x > 0)", "grad * (x >= 0)"),
        ("ReLU's mask taken from the adjoint instead of the input", "grad * (x > 0)",
         "grad * (grad > 0)"),
        ("ReLU's VJP by the sign of x, which gives -1 for negatives", "grad * (x > 0)",
         "grad * np.sign(x)"),
        ("ReLU's mask in float64, so float32 is lost", "grad * (x > 0)",
         "grad * (x > 0).astype(np.float64)"),
        ("ReLU's VJP blocks the adjoint in place, changing the caller's array",
         "    return (lambda grad: grad * (x > 0),)\n",
         "    def vjp(grad):\n"
         "        grad[x <= 0] = 0\n"
         "        return grad\n"
         "    return (vjp,)\n"),
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
        ("visited asked only before appending: each node listed once, every path walked "
         "(exponential time)",
         TOPOLOGICAL_BODY,
         "    for parent, _ in node.parents:\n"
         "        topological_order(parent, order, visited)\n"
         "    if id(node) not in visited:\n"
         "        visited.add(id(node))\n"
         "        order.append(node)\n"
         "    return order\n"),
        ("micrograd's naive backward: each path's share passed down at once, no order",
         BACKWARD_BODY, NAIVE_BACKWARD_BODY),
        ("topological_order a stub, and the naive backward (right numbers, exponential cost)",
         TOPOLOGICAL_BODY + TOPOLOGICAL_TO_BACKWARD + BACKWARD_BODY,
         "    return order\n" + TOPOLOGICAL_TO_BACKWARD + NAIVE_BACKWARD_BODY),
        ("`grad or ones`: an array has no truth value",
         "self.grad = np.ones_like(self.value) if grad is None else grad",
         "self.grad = grad or np.ones_like(self.value)"),
        ("the default adjoint in float64, whatever the result's dtype",
         "np.ones_like(self.value)", "np.ones(np.shape(self.value))"),
        ("only the parents of the result are cleared, not the whole graph",
         "    for node in order:\n        node.grad = None\n",
         "    for parent, _ in self.parents:\n        parent.grad = None\n"),
    ],
    "5.5": [
        ("softmax without subtracting the one-hot",
         "    softmax[np.arange(len(labels)), labels] -= 1  # minus one-hot\n", ""),
        ("the 1/n of the mean forgotten", "return softmax / len(labels)", "return softmax"),
        ("divided by the number of classes instead of n", "return softmax / len(labels)",
         "return softmax / scores.shape[1]"),
        ("softmax normalized over the batch axis", "exp.sum(axis=1, keepdims=True)",
         "exp.sum(axis=0, keepdims=True)"),
        ("softmax without subtracting the maximum (overflows)",
         "np.exp(scores - scores.max(axis=1, keepdims=True))", "np.exp(scores)"),
        ("one-hot subtracted in whole columns", "softmax[np.arange(len(labels)), labels] -= 1",
         "softmax[:, labels] -= 1"),
        ("the maximum subtracted in place, changing the caller's scores",
         "    exp = np.exp(scores - scores.max(axis=1, keepdims=True))  # stable: the shift cancels\n",
         "    scores -= scores.max(axis=1, keepdims=True)  # stable: the shift cancels\n"
         "    exp = np.exp(scores)\n"),
        ("ten classes hard-coded in the one-hot", SOFTMAX_BODY,
         "    exp = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
         "    softmax = exp / exp.sum(axis=1, keepdims=True)\n"
         "    return (softmax - np.eye(10)[labels]) / len(labels)\n"),
        ("softmax in float64, so float32 is lost",
         "np.exp(scores - scores.max(axis=1, keepdims=True))",
         "np.exp(scores.astype(np.float64) - scores.max(axis=1, keepdims=True))"),
        ("PyTorch's cross_entropy and backward instead of numpy", SOFTMAX_BODY,
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
         JACOBIAN_FORWARD_BODY, "    return jacobian_reverse(p, parameters)\n"),
        ("reverse mode records a forward pass for every row",
         JACOBIAN_REVERSE_BODY,
         "    rows = []\n"
         "    for k in range(forward(p, *parameters).size):\n"
         "        pixels = Node(p)\n"
         "        scores = forward(pixels, *parameters)\n"
         "        scores.backward(coursekit.one_hot(scores.value.shape, k))\n"
         "        rows.append(pixels.grad)\n"
         "    return np.stack(rows)\n"),
        ("reverse mode makes the parameters nodes too",
         "    scores = forward(pixels, *parameters)\n",
         "    scores = forward(pixels, *[Node(x) for x in parameters])\n"),
        ("reverse mode reads each row before its backward pass",
         "        scores.backward(coursekit.one_hot(scores.value.shape, k))\n"
         "        rows.append(pixels.grad)\n",
         "        rows.append(pixels.grad)\n"
         "        scores.backward(coursekit.one_hot(scores.value.shape, k))\n"),
    ],
    "5.7": [
        ("passes swapped", PASSES_BODY,
         "    n_outputs, n_inputs = jacobian_shape\n"
         '    return {"forward": n_outputs, "reverse": n_inputs}\n'),
        ("passes of the course's Jacobian hard-coded", PASSES_BODY,
         '    return {"forward": 784, "reverse": 10}\n'),
        ("the mode with more passes named cheaper", CHEAPER_BODY,
         "    passes = passes_per_mode(jacobian_shape)\n"
         "    return max(passes, key=passes.get)\n"),
        ("reverse mode named cheaper whatever the shape", CHEAPER_BODY, '    return "reverse"\n'),
        ("timings stored under each other's names", TIME_BODY,
         '    return {"forward": measure(lambda: jacobians["reverse"](p, parameters), repeat=1),\n'
         '            "reverse": measure(lambda: jacobians["forward"](p, parameters), repeat=1)}\n'),
        ("the same function timed twice", TIME_BODY,
         '    timing = measure(lambda: jacobians["forward"](p, parameters), repeat=1)\n'
         '    return {"forward": timing, "reverse": timing}\n'),
        ("hard-coded seconds", TIME_BODY, '    return {"forward": 1.0, "reverse": 0.01}\n'),
        ("medians returned instead of the Timings", TIME_BODY,
         "    return {mode: measure(lambda: jacobian(p, parameters), repeat=1).median\n"
         "            for mode, jacobian in jacobians.items()}\n"),
        ("the notebook's own functions timed, not those it is given", TIME_BODY,
         '    return {"forward": measure(lambda: jacobian_forward(p, parameters), repeat=1),\n'
         '            "reverse": measure(lambda: jacobian_reverse(p, parameters), repeat=1)}\n'),
    ],
}

ACCEPTED = {
    "5.1": [
        ("one sum over a tuple of axes, then a reshape", UNBROADCAST_BODY,
         "    prepended = grad.ndim - len(shape)\n"
         "    stretched = tuple(prepended + axis for axis, size in enumerate(shape)\n"
         "                      if size == 1 and grad.shape[prepended + axis] != 1)\n"
         "    summed = np.sum(grad, axis=tuple(range(prepended)) + stretched, keepdims=True)\n"
         "    return summed.reshape(shape)\n"),
        ("np.add.reduce in a loop over the axes from the left, after a harmless copy",
         UNBROADCAST_BODY,
         "    grad = np.array(grad)\n"
         "    for _ in range(grad.ndim - len(shape)):\n"
         "        grad = np.add.reduce(grad, axis=0)\n"
         "    for axis in range(len(shape)):\n"
         "        if shape[axis] == 1 < grad.shape[axis]:\n"
         "            grad = np.add.reduce(grad, axis=axis, keepdims=True)\n"
         "    return grad\n"),
    ],
    "5.2": [
        ("named functions, and lists instead of tuples", ADD_BODY,
         "    def vjp_x(grad):\n"
         "        return unbroadcast(grad, np.shape(x))\n"
         "\n"
         "    def vjp_y(grad):\n"
         "        return unbroadcast(grad, np.shape(y))\n"
         "\n"
         "    return [vjp_x, vjp_y]\n"),
        ("np.multiply, and the shapes read once", MUL_BODY,
         "    x_shape, y_shape = np.shape(x), np.shape(y)\n"
         "    return (lambda grad: unbroadcast(np.multiply(grad, y), x_shape),\n"
         "            lambda grad: unbroadcast(np.multiply(x, grad), y_shape))\n"),
    ],
    "5.3": [
        ("np.matmul with atleast_2d instead of np.outer, np.where for the gate", MATMUL_BODY,
         "    return (lambda grad: np.matmul(grad, np.swapaxes(w, 0, 1)),\n"
         "            lambda grad: np.atleast_2d(x).T @ np.atleast_2d(grad))\n"),
        ("ReLU's gate by np.where", "    return (lambda grad: grad * (x > 0),)\n",
         "    mask = x > 0\n"
         "    return (lambda grad: np.where(mask, grad, 0),)\n"),
        ("w's VJP by tensordot over the batch axis, if any",
         "np.outer(x, grad) if np.ndim(x) == 1 else x.T @ grad",
         "np.tensordot(x, grad, axes=(list(range(np.ndim(x) - 1)),) * 2)"),
    ],
    "5.4": [
        ("an iterative depth-first search with an explicit stack", TOPOLOGICAL_BODY,
         "    stack = [(node, False)]\n"
         "    while stack:\n"
         "        current, expanded = stack.pop()\n"
         "        if expanded:\n"
         "            order.append(current)\n"
         "        elif id(current) not in visited:\n"
         "            visited.add(id(current))\n"
         "            stack.append((current, True))\n"
         "            stack.extend((parent, False) for parent, _ in current.parents)\n"
         "    return order\n"),
        ("adjoints gathered in a dict by id, each first share copied, then added in place",
         BACKWARD_BODY,
         "    order = topological_order(self, order=[], visited=set())\n"
         "    adjoints = {id(self): np.ones_like(self.value) if grad is None else grad}\n"
         "    for node in reversed(order):\n"
         "        node.grad = adjoints.get(id(node))\n"
         "        for parent, vjp in node.parents:\n"
         "            share = vjp(node.grad)\n"
         "            if id(parent) in adjoints:\n"
         "                adjoints[id(parent)] += share\n"
         "            else:\n"
         "                adjoints[id(parent)] = np.array(share)\n"),
    ],
    "5.5": [
        ("the softmax from the log-softmax, and an eye for the one-hot", SOFTMAX_BODY,
         "    n, classes = scores.shape\n"
         "    shifted = scores - np.max(scores, axis=1, keepdims=True)\n"
         "    log_softmax = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))\n"
         "    one_hot = np.eye(classes, dtype=scores.dtype)[labels]\n"
         "    return (np.exp(log_softmax) - one_hot) / n\n"),
        ("a copy for the gradient, the label's entries by put_along_axis", SOFTMAX_BODY,
         "    exp = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
         "    gradient = (exp / exp.sum(axis=1, keepdims=True)).copy()\n"
         "    picked = np.take_along_axis(gradient, labels[:, None], axis=1)\n"
         "    np.put_along_axis(gradient, labels[:, None], picked - 1, axis=1)\n"
         "    return gradient / scores.shape[0]\n"),
    ],
    "5.6": [
        ("columns from the rows of np.eye, stacked by column_stack", JACOBIAN_FORWARD_BODY,
         "    tangents = np.eye(p.size).reshape(p.size, *p.shape)\n"
         "    columns = []\n"
         "    for tangent in tangents:\n"
         "        columns.append(forward(diffType(p, tangent), *parameters).dvalue)\n"
         "    return np.column_stack(columns)\n"),
        ("a preallocated Jacobian, rows by np.eye, and a harmless shape query first",
         JACOBIAN_REVERSE_BODY,
         "    n_scores = forward(p, *parameters).size  # plain arrays: no graph\n"
         "    pixels = Node(p)\n"
         "    scores = forward(pixels, *parameters)\n"
         "    jacobian = np.empty((n_scores, p.size))\n"
         "    for k, seed in enumerate(np.eye(n_scores)):\n"
         "        scores.backward(seed)\n"
         "        jacobian[k] = pixels.grad\n"
         "    return jacobian\n"),
        ("the pixels as a batch of one image, shape (1, pixels), in both modes",
         JACOBIAN_FORWARD_BODY + "    ### END SOLUTION\n" + FORWARD_TO_REVERSE + JACOBIAN_REVERSE_BODY,
         "    row = p[np.newaxis]  # a batch of one image\n"
         "    columns = [forward(diffType(row, coursekit.one_hot(row.shape, (0, i))), *parameters)\n"
         "               .dvalue[0] for i in range(p.size)]\n"
         "    return np.stack(columns, axis=1)\n"
         "    ### END SOLUTION\n" + FORWARD_TO_REVERSE +
         "    pixels = Node(p[np.newaxis])\n"
         "    scores = forward(pixels, *parameters)\n"
         "    rows = []\n"
         "    for k in range(scores.value.shape[1]):\n"
         "        scores.backward(coursekit.one_hot(scores.value.shape, (0, k)))\n"
         "        rows.append(pixels.grad[0])\n"
         "    return np.stack(rows)\n"),
    ],
    "5.7": [
        ("the counts unpacked by zip, the choice by an if", PASSES_BODY + "    ### END SOLUTION\n"
         "\n\ndef cheaper_mode(jacobian_shape):\n"
         '    """The mode, "forward" or "reverse", that needs fewer passes for this Jacobian."""\n'
         "    ### BEGIN SOLUTION\n" + CHEAPER_BODY,
         '    return dict(zip(("reverse", "forward"), jacobian_shape))\n'
         "    ### END SOLUTION\n"
         "\n\ndef cheaper_mode(jacobian_shape):\n"
         '    """The mode, "forward" or "reverse", that needs fewer passes for this Jacobian."""\n'
         "    ### BEGIN SOLUTION\n"
         "    rows, columns = jacobian_shape\n"
         '    return "reverse" if rows < columns else "forward"\n'),
        ("a loop, coursekit.measure with three repeats, after a warm-up call", TIME_BODY,
         "    timings = {}\n"
         "    for mode in jacobians:\n"
         "        jacobians[mode](p, parameters)  # warm-up\n"
         "        timings[mode] = coursekit.measure(lambda: jacobians[mode](p, parameters), repeat=3)\n"
         "    return timings\n"),
    ],
}
