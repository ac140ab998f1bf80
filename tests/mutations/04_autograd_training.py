"""Wrong and right answers to notebook 04's exercises; tests/test_mutations.py proves that each check
rejects every wrong one with a hint and passes every right one."""

HEAD_41 = "def sgd_step(parameters, images, labels, lr):\n    ### BEGIN SOLUTION\n"
FORWARD = "    loss = F.cross_entropy(coursekit.forward_torch(images, *parameters), labels)\n"
UPDATE = ("    with torch.no_grad():\n"
          "        for x in parameters:\n"
          "            x -= lr * x.grad\n"
          "            x.grad = None  # the next backward() starts from nothing\n")

HEAD_42 = "def accumulate_gradient(parameters, images, labels, parts):\n    ### BEGIN SOLUTION\n"
GUARD = ("        if len(part_labels) == 0:\n"
         "            continue  # more parts than images: the mean over no image would be 0/0\n")
PART_LOSS = ("        part_loss = F.cross_entropy(coursekit.forward_torch(part_images, *parameters), "
             "part_labels)\n")
SHARE = "        share = part_loss * len(part_labels) / len(labels)  # this part's share of the batch mean\n"
LOOP = ("    for part_images, part_labels in zip(images.tensor_split(parts), "
        "labels.tensor_split(parts)):\n")
PARTS = ("    batch_loss = 0.0\n" + LOOP + GUARD + PART_LOSS + SHARE
         + "        share.backward()  # adds to .grad\n"
         "        batch_loss += share.item()\n"
         "    return batch_loss\n")
SHARES = ("    shares = [F.cross_entropy(coursekit.forward_torch(x, *parameters), y) * len(y) / len(labels)\n"
          "              for x, y in zip(images.tensor_split(parts), labels.tensor_split(parts)) if len(y)]\n")

MUTATIONS = {
    "4.1": [
        ("sign error: a step uphill", "x -= lr * x.grad", "x += lr * x.grad"),
        ("gradients never reset: the second step uses the sum of two",
         "            x.grad = None  # the next backward() starts from nothing\n", ""),
        ("gradients zeroed, not reset to None", "x.grad = None  #", "x.grad.zero_()  #"),
        ("rebinding the loop variable instead of updating the leaf in place",
         "x -= lr * x.grad", "x = x - lr * x.grad"),
        ("the loss returned as a tensor", "return loss.item()", "return loss"),
        ("the loss after the step returned, not the loss the step started from",
         "    return loss.item()\n",
         "    return F.cross_entropy(coursekit.forward_torch(images, *parameters), labels).item()\n"),
        ("the summed loss, not the batch's mean", FORWARD,
         "    loss = F.cross_entropy(coursekit.forward_torch(images, *parameters), labels, "
         "reduction='sum')\n"),
        ("b left out: only the weights stepped", "for x in parameters:", "for x in parameters[:3]:"),
        ("the update in float64 'for precision': the parameters change dtype",
         "x -= lr * x.grad", "x.data = x.double() - lr * x.grad"),
        ("the batch normalized again, in place: the caller's images change", FORWARD,
         "    images.sub_(images.mean()).div_(images.std())  # normalized, to be safe\n" + FORWARD),
        ("the update outside torch.no_grad(): autograd refuses an in-place change of a leaf", UPDATE,
         "    for x in parameters:\n"
         "        x -= lr * x.grad\n"
         "        x.grad = None\n"),
        ("the whole step inside torch.no_grad(): nothing recorded for backward()",
         FORWARD + "    loss.backward()\n" + UPDATE,
         "    with torch.no_grad():\n    " + FORWARD + "        loss.backward()\n"
         "        for x in parameters:\n"
         "            x -= lr * x.grad\n"
         "            x.grad = None\n"),
        ("the forbidden library call: torch.optim.SGD does the step", UPDATE,
         "    optimizer = torch.optim.SGD(parameters, lr=lr)\n"
         "    optimizer.step()\n"
         "    optimizer.zero_grad()\n"),
        ("the forbidden library call, through a name imported before the check",
         HEAD_41 + FORWARD + "    loss.backward()\n" + UPDATE,
         "from torch.optim import SGD\n\n\n" + HEAD_41 + FORWARD + "    loss.backward()\n"
         "    optimizer = SGD(parameters, lr=lr)\n"
         "    optimizer.step()\n"
         "    optimizer.zero_grad()\n"),
        ("the original's reset, .grad.zero_(), moved to the start, where .grad is still None",
         FORWARD,
         "    for x in parameters:\n"
         "        x.grad.zero_()  # a clean start\n" + FORWARD),
        ("the learning rate hard-coded as 0.1, the first network's", "x -= lr * x.grad",
         "x -= 0.1 * x.grad"),
        ("one-hot targets made from the batch's labels: as many classes as its largest label + 1",
         FORWARD,
         "    targets = F.one_hot(labels).float()  # probabilities, as in the formula\n"
         "    loss = F.cross_entropy(coursekit.forward_torch(images, *parameters), targets)\n"),
        ("the reset before the update, which then has no gradient",
         "            x -= lr * x.grad\n"
         "            x.grad = None  # the next backward() starts from nothing\n",
         "            x.grad = None  # reset first\n"
         "            x -= lr * x.grad\n"),
    ],
    "4.2": [
        ("overwrite instead of accumulate: .grad reset before each part",
         "        share.backward()  # adds to .grad\n",
         "        for x in parameters:\n"
         "            x.grad = None  # a habit from the training loop\n"
         "        share.backward()\n"),
        ("each part's mean loss, unweighted",
         "share = part_loss * len(part_labels) / len(labels)", "share = part_loss"),
        ("every part weighted 1/parts, though the parts differ in size",
         "share = part_loss * len(part_labels) / len(labels)", "share = part_loss / parts"),
        ("no guard for empty parts: with more parts than images, a mean over no image is NaN",
         GUARD, ""),
        ("the original's .grad.zero_() before the first part, while .grad is still None",
         "    batch_loss = 0.0\n",
         "    for x in parameters:\n"
         "        x.grad.zero_()  # a clean start\n"
         "    batch_loss = 0.0\n"),
        ("the sum of the parts' means returned, not the batch's mean",
         "batch_loss += share.item()", "batch_loss += part_loss.item()"),
        ("the loss returned as a tensor", "batch_loss += share.item()",
         "batch_loss = batch_loss + share.detach()"),
        ("a gradient step as well, out of the training loop's habit", "    return batch_loss\n",
         "    with torch.no_grad():\n"
         "        for x in parameters:\n"
         "            x -= 0.1 * x.grad\n"
         "    return batch_loss\n"),
        ("the whole batch in one pass, ignoring parts",
         "zip(images.tensor_split(parts), labels.tensor_split(parts))", "[(images, labels)]"),
        ("a second forward pass per part for the loss value, its graph never used",
         "batch_loss += share.item()",
         "batch_loss += F.cross_entropy(coursekit.forward_torch(part_images, *parameters), "
         "part_labels).item() * len(part_labels) / len(labels)"),
        ("parts of `parts` images each: split(parts) in place of tensor_split(parts)",
         "zip(images.tensor_split(parts), labels.tensor_split(parts))",
         "zip(images.split(parts), labels.split(parts))"),
        ("one forward pass over the whole batch by einsum, then a backward per part of its losses",
         PARTS,
         "    v, w, a, b = parameters\n"
         "    hidden = torch.relu(torch.einsum('ni,ij->nj', images, w) + a)\n"
         "    losses = F.cross_entropy(torch.einsum('nj,jk->nk', hidden, v) + b, labels, "
         "reduction='none')\n"
         "    for part in losses.tensor_split(parts):\n"
         "        (part.sum() / len(labels)).backward(retain_graph=True)\n"
         "    return losses.mean().item()\n"),
        ("one forward pass over the whole batch, then one backward per part on its graph", PARTS,
         "    loss = F.cross_entropy(coursekit.forward_torch(images, *parameters), labels)\n"
         "    for _ in range(parts):\n"
         "        (loss / parts).backward(retain_graph=True)\n"
         "    return loss.item()\n"),
        ("one forward pass over the whole batch, per-image losses, backward on slices of them", PARTS,
         "    scores = coursekit.forward_torch(images, *parameters)\n"
         "    losses = F.cross_entropy(scores, labels, reduction='none')\n"
         "    for part in losses.tensor_split(parts):\n"
         "        (part.sum() / len(labels)).backward(retain_graph=True)\n"
         "    return losses.mean().item()\n"),
        ("forward passes per part, but one backward on the sum: every part's graph at once", PARTS,
         SHARES + "    total = sum(shares)\n"
         "    total.backward()\n"
         "    return total.item()\n"),
        ("all forward passes first, then a backward per part: every part's graph at once", PARTS,
         SHARES + "    for share in shares:\n"
         "        share.backward()\n"
         "    return sum(share.item() for share in shares)\n"),
    ],
}

ACCEPTED = {
    "4.1": [
        ("the update as add_ with alpha", "x -= lr * x.grad", "x.add_(x.grad, alpha=-lr)"),
        ("torch.autograd.grad instead of backward(): .grad is never filled",
         "    loss.backward()\n" + UPDATE,
         "    gradients = torch.autograd.grad(loss, parameters)\n"
         "    with torch.no_grad():\n"
         "        for x, gradient in zip(parameters, gradients):\n"
         "            x.sub_(lr * gradient)\n"),
        ("forward_torch imported by name", HEAD_41 + FORWARD,
         "from coursekit import forward_torch\n\n\n" + HEAD_41
         + "    loss = F.cross_entropy(forward_torch(images, *parameters), labels)\n"),
        ("the network written out, and the loss as nll_loss of log_softmax",
         FORWARD,
         "    v, w, a, b = parameters\n"
         "    log_probabilities = F.log_softmax(torch.relu(images @ w + a) @ v + b, dim=1)\n"
         "    loss = F.nll_loss(log_probabilities, labels)\n"),
        ("the update through .data, outside torch.no_grad()", UPDATE,
         "    for x in parameters:\n"
         "        x.data -= lr * x.grad.data\n"
         "        x.grad = None\n"),
        ("a warm-up pass under torch.no_grad() first, and a loop over the named fields",
         FORWARD + "    loss.backward()\n" + UPDATE,
         "    with torch.no_grad():\n"
         "        coursekit.forward_torch(images, *parameters)  # a warm-up, not recorded\n"
         + FORWARD + "    loss.backward()\n"
         "    with torch.no_grad():\n"
         "        for name in parameters._fields:\n"
         "            x = getattr(parameters, name)\n"
         "            x -= lr * x.grad\n"
         "            x.grad = None\n"),
    ],
    "4.2": [
        ("summed losses over n: an empty part adds 0 by itself", GUARD + PART_LOSS + SHARE,
         "        share = F.cross_entropy(coursekit.forward_torch(part_images, *parameters), "
         "part_labels,\n"
         "                                reduction='sum') / len(labels)\n"),
        ("parts of ⌈n / parts⌉ images by split(), and forward_torch imported by name",
         HEAD_42 + "    batch_loss = 0.0\n" + LOOP + GUARD + PART_LOSS,
         "from coursekit import forward_torch\n\n\n" + HEAD_42
         + "    size = -(-len(labels) // parts)  # ⌈n / parts⌉ images in a part\n"
         "    batch_loss = 0.0\n"
         "    for part_images, part_labels in zip(images.split(size), labels.split(size)):\n"
         "        part_loss = F.cross_entropy(forward_torch(part_images, *parameters), part_labels)\n"),
        ("index tensors for the parts (copies, not views), and torch.autograd.backward",
         LOOP + GUARD + PART_LOSS + SHARE + "        share.backward()  # adds to .grad\n",
         "    for rows in torch.arange(len(labels)).tensor_split(parts):\n"
         "        if len(rows) == 0:\n"
         "            continue\n"
         "        part_images, part_labels = images[rows], labels[rows]\n"
         + PART_LOSS + SHARE + "        torch.autograd.backward(share)\n"),
        ("the network written out, transposed: (w.T @ x.T).T, and ReLU as a mask",
         PART_LOSS,
         "        v, w, a, b = parameters\n"
         "        z = (w.T @ part_images.T).T + a\n"
         "        hidden = z * (z > 0).to(z.dtype)  # ReLU\n"
         "        part_loss = F.cross_entropy(hidden @ v + b, part_labels)\n"),
        ("the returned loss from one more pass over the whole batch, unrecorded",
         "    return batch_loss\n",
         "    with torch.no_grad():  # not recorded: no graph kept\n"
         "        return F.cross_entropy(coursekit.forward_torch(images, *parameters), labels).item()\n"),
    ],
}
