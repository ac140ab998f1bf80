"""The course's exercise checks: one module per notebook, one function per exercise.

A notebook imports its module once (`from checks import dual_numbers as check`); each check cell
is then one line that hands the student's objects over explicitly, `check.exercise_0_1(Dual)`. It
prints a fixed ✔ line when every property holds. Otherwise it stops with `CheckFailed`, which
IPython shows as its hint alone, without a traceback through this package. `check.exercise_0_1??`
shows what a check tests.

The shared machinery is in `checks.core`.
"""

from checks.core import CheckFailed

__all__ = ["CheckFailed"]
