"""checks.core: what every exercise check shares."""

import numpy as np
import pytest

import coursekit
from checks.core import UNFORESEEN, CheckFailed, attempt, exercise, out_of_reach


@exercise("9.9", "a demonstration")
def exercise_9_9(double):
    result = attempt("double(2)", "twice a number is the number added to itself", double, 2)
    assert result == 4, f"double(2) gives {result}. Hint: twice a number"


def test_a_right_answer_prints_the_fixed_line(capsys):
    exercise_9_9(lambda x: x + x)
    assert capsys.readouterr().out == "✔ Exercise 9.9 passed: a demonstration\n"


@pytest.mark.parametrize("answer, says", [
    (lambda x: x * 3, "Exercise 9.9: double(2) gives 6. Hint: twice a number"),
    (lambda x: x / 0, "Exercise 9.9: double(2) fails with ZeroDivisionError: division by zero. "
                      "Hint: twice a number is the number added to itself"),
])
def test_a_wrong_answer_or_its_exception_becomes_a_hint(answer, says):
    with pytest.raises(CheckFailed) as failure:
        exercise_9_9(answer)
    # (pytest's assertion rewriting adds the compared values to an assert's message in this file)
    first, *rest = failure.value._render_traceback_()
    assert str(failure.value).startswith(says) and first.startswith(f"✘ {says}")
    assert all(line.startswith("  ") for line in rest), "the hint alone, no frames"


def test_an_unanswered_exercise_says_so():
    def unanswered(x):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="Exercise 9.9 is not answered yet"):
        exercise_9_9(unanswered)


def test_a_crash_inside_the_check_is_told_apart_from_a_hint():
    @exercise("9.8", "never")
    def broken(answer):
        return {}["missing"]
    with pytest.raises(CheckFailed, match=UNFORESEEN):
        broken(None)


def test_out_of_reach_refuses_the_named_functions_inside_the_block_only():
    namespace = {"helper": lambda: "works"}
    with out_of_reach("write it yourself", "coursekit.forward", "helper", namespace=namespace):
        with pytest.raises(AssertionError, match="write it yourself"):
            coursekit.forward(None, None, None, None, None)
        with pytest.raises(AssertionError, match="write it yourself"):
            namespace["helper"]()
    assert namespace["helper"]() == "works" and coursekit.forward(np.ones(1), *[np.ones((1, 1))] * 2,
                                                                  np.ones(1), np.ones(1)) == 3.0
