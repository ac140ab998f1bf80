"""Wrong answers to notebook 04's exercises; tests/test_mutations.py proves each check rejects them."""

MUTATIONS = {
    "4.1": [
        ("sign error: a step uphill", "x -= lr * x.grad", "x += lr * x.grad"),
        ("gradients never reset: the second step uses the sum of two",
         "            x.grad = None  # the next backward() starts from nothing\n", ""),
        ("rebinding the loop variable instead of updating the leaf in place",
         "x -= lr * x.grad", "x = x - lr * x.grad"),
        ("the loss returned as a tensor", "return loss.item()", "return loss"),
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
    ],
}
