"""Wrong answers to notebook 04's exercises; tests/test_mutations.py proves each check rejects them."""

UPDATE = ("    with torch.no_grad():\n"
          "        for x in parameters:\n"
          "            x -= lr * x.grad\n"
          "            x.grad = None  # the next backward() starts from nothing\n")
FORWARD = "    loss = F.cross_entropy(coursekit.forward_torch(images, *parameters), labels)\n"
PARTS = (
    "    batch_loss = 0.0\n"
    "    for part_images, part_labels in zip(images.tensor_split(parts), labels.tensor_split(parts)):\n"
    "        part_loss = F.cross_entropy(coursekit.forward_torch(part_images, *parameters), part_labels)\n"
    "        share = part_loss * len(part_labels) / len(labels)  # this part's share of the batch mean\n"
    "        share.backward()  # adds to .grad\n"
    "        batch_loss += share.item()\n"
    "    return batch_loss\n")
SHARES = ("    shares = [F.cross_entropy(coursekit.forward_torch(x, *parameters), y) * len(y) / len(labels)\n"
          "              for x, y in zip(images.tensor_split(parts), labels.tensor_split(parts))]\n")

MUTATIONS = {
    "4.1": [
        ("sign error: a step uphill", "x -= lr * x.grad", "x += lr * x.grad"),
        ("gradients never reset: the second step uses the sum of two",
         "            x.grad = None  # the next backward() starts from nothing\n", ""),
        ("rebinding the loop variable instead of updating the leaf in place",
         "x -= lr * x.grad", "x = x - lr * x.grad"),
        ("the loss returned as a tensor", "return loss.item()", "return loss"),
        ("the forbidden library call: torch.optim.SGD does the step", UPDATE,
         "    optimizer = torch.optim.SGD(parameters, lr=lr)\n"
         "    optimizer.step()\n"
         "    optimizer.zero_grad()\n"),
        ("the forbidden library call, through a name imported before the check",
         "def sgd_step(parameters, images, labels, lr):\n    ### BEGIN SOLUTION\n" + FORWARD
         + "    loss.backward()\n" + UPDATE,
         "from torch.optim import SGD\n\n\n"
         "def sgd_step(parameters, images, labels, lr):\n    ### BEGIN SOLUTION\n" + FORWARD
         + "    loss.backward()\n"
         "    optimizer = SGD(parameters, lr=lr)\n"
         "    optimizer.step()\n"
         "    optimizer.zero_grad()\n"),
        ("the original's reset, .grad.zero_(), moved to the start, where .grad is still None",
         FORWARD,
         "    for x in parameters:\n"
         "        x.grad.zero_()  # a clean start\n" + FORWARD),
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
        ("the whole batch in one pass, ignoring parts",
         "zip(images.tensor_split(parts), labels.tensor_split(parts))", "[(images, labels)]"),
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
