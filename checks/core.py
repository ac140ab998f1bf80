"""What every check shares: the ✔ line, hints instead of tracebacks, and the student's code run
with the course's own answers out of reach.

A check is a function decorated with `@exercise(label, passed)`. Inside it,
- `assert condition, "what is wrong. Hint: the rule to look at"` states one property;
- `attempt(what, hint, function, *args)` calls the student's code: an exception raised there
  becomes a failure that names what was run and the rule to look at, never a crash in the check;
- `out_of_reach(hint, *names)` keeps an answer from handing its work to the course's own copy.
Everything a check computes (references, random draws) is a local of the check function, so an
answer can neither read nor replace it.
"""

import contextlib
import functools
import pkgutil
import sys
from unittest import mock

# A check that stops on an exception it did not foresee says this; the mutation tests treat it as
# a check that crashed, not one that gave a hint.
UNFORESEEN = "the check could not finish on your answer"


class CheckFailed(AssertionError):
    """A check's verdict. IPython renders it by `_render_traceback_`: the hint, not the frames."""

    def _render_traceback_(self):
        first, *rest = str(self).splitlines() or [""]
        return [f"✘ {first}", *(f"  {line}" for line in rest)]


def describe(error):
    """'TypeError: unsupported operand ...', or the bare name of an error without a message; with
    no full stop at the end, since a sentence follows."""
    message = str(error).rstrip(". ")
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def exercise(label, passed):
    """Decorate the check of Exercise `label`; `passed` ends its ✔ line."""
    def decorate(check):
        @functools.wraps(check)
        def run(*answers, **options):
            try:
                check(*answers, **options)
            except NotImplementedError:
                raise CheckFailed(f"Exercise {label} is not answered yet: write your code where it "
                                  "says `# YOUR CODE HERE`, then run that cell and this one again."
                                  ) from None
            except AssertionError as failure:
                raise CheckFailed(f"Exercise {label}: {failure}") from None
            except Exception as error:
                raise CheckFailed(f"Exercise {label}: {UNFORESEEN} ({describe(error)}). "
                                  "Hint: run your function by hand on a small input.") from None
            print(f"✔ Exercise {label} passed: {passed}")
        run.__doc__ = check.__doc__
        return run
    return decorate


def attempt(what, hint, function, *args, **kwargs):
    """function(*args, **kwargs), the student's code; an exception there becomes a failure that says
    which call failed, how, and the rule to look at. NotImplementedError passes through: the
    exercise is not answered yet."""
    try:
        return function(*args, **kwargs)
    except (NotImplementedError, CheckFailed):
        raise
    except AssertionError as error:  # out_of_reach, or an assert in the student's own code
        raise AssertionError(f"{what}: {str(error).rstrip('. ')}. Hint: {hint}") from None
    except Exception as error:
        raise AssertionError(f"{what} fails with {describe(error)}. Hint: {hint}") from None


@contextlib.contextmanager
def out_of_reach(hint, *names, namespace=None):
    """Inside the with-block, calling any of the named functions fails with AssertionError(hint).
    A dotted name such as "coursekit.forward" or "torch.optim.SGD.step" is replaced where it lives,
    for every caller; a plain name only in `namespace` (a dict of globals)."""
    refuse = mock.Mock(side_effect=AssertionError(hint))
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(patch_everywhere(name, refuse) if "." in name
                                else mock.patch.dict(namespace, {name: refuse}))
        yield


@contextlib.contextmanager
def patch_everywhere(name, replacement):
    """mock.patch(name, replacement), and also where the object is defined, if a package
    re-exports it: "coursekit.forward" lives in coursekit.network too, where coursekit's own
    modules call it. Either name then reaches the replacement."""
    found = pkgutil.resolve_name(name)
    home = sys.modules.get(getattr(found, "__module__", None) or "")
    short = getattr(found, "__name__", None)
    defined = f"{home.__name__}.{short}" if short and getattr(home, short, None) is found else name
    with contextlib.ExitStack() as stack:
        for where in dict.fromkeys([name, defined]):
            stack.enter_context(mock.patch(where, replacement))
        yield
