"""Law checking for users' own instances: one pytest test per law.

kancat declares each theory's laws beside its operations
(:data:`~kancat.algebra.lattice.JOIN_SEMILATTICE_LAWS`,
:data:`~kancat.algebra.lattice.COMMUTATIVE_MONOID_LAWS`, ...). This module runs
them with Hypothesis:

* :func:`check_all_laws` adds one test per law of a type to the calling test
  module, as ``returns.contrib.hypothesis.laws.check_all_laws`` does — write one
  line per type in your suite;
* :func:`check_law`, :func:`check_join_laws` and :func:`check_monoid_laws` run laws
  on operations given as plain functions, so a deliberately broken instance can be
  run through the very same checks (and must fail them).

Every generated test carries the ``kancat_laws`` pytest marker (registered by
kancat's pytest plugin): ``pytest -m kancat_laws`` runs only the law tests,
``pytest -m "not kancat_laws"`` skips them.

>>> from kancat.algebra.lattice import MTLSMode
>>> from hypothesis import strategies as st
>>> check_join_laws(st.sampled_from(MTLSMode), MTLSMode.join, MTLSMode.leq,
...                 MTLSMode.bottom())
>>> check_join_laws(st.sampled_from(MTLSMode), min, MTLSMode.leq, MTLSMode.top(),
...                 derandomize=True)  # the meet posing as a join
Traceback (most recent call last):
...
AssertionError: laws broken:
  order (a ≤ b ⇔ a ⊔ b == b) fails at ...
"""

import inspect
import sys
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

try:
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as error:  # an optional dependency: the "testing" extra
    raise ImportError("kancat.testing needs Hypothesis: pip install 'kancat[testing]'") from error

from kancat.algebra.lattice import (
    COMMUTATIVE_MONOID_LAWS,
    DIFFERENCE_LAWS,
    JOIN_SEMILATTICE_LAWS,
    Law,
    MonoidOps,
    SemilatticeOps,
)
from kancat.errors import InvalidArgument

__all__ = ["MARKER", "check_all_laws", "check_join_laws", "check_law", "check_monoid_laws",
           "laws_of"]

MARKER = "kancat_laws"
"""The pytest marker every generated law test carries."""

_T = TypeVar("_T")


def check_law(law: Law[Any], ops: Any, values: SearchStrategy[Any], *,
              derandomize: bool = False) -> None:
    """Run one law on triples drawn from ``values``; raise AssertionError on a failure.

    ``derandomize=True`` is for broken instances: the same examples on every run,
    and the first counterexample raised as found (no shrinking), since only *that*
    the law fails is asserted.
    """
    @given(values, values, values)
    def law_holds(a: Any, b: Any, c: Any) -> None:
        assert law.holds(ops, a, b, c), (
            f"{law.name} ({law.formula}) fails at a={a!r}, b={b!r}, c={c!r}")

    if derandomize:
        law_holds = settings(database=None, derandomize=True, report_multiple_bugs=False,
                             phases=(Phase.explicit, Phase.generate))(law_holds)
    law_holds()


def _check_all(laws: Iterable[Law[Any]], ops: Any, values: SearchStrategy[Any],
               only: Collection[str] | None, derandomize: bool) -> None:
    selected = [law for law in laws if only is None or law.name in only]
    if not selected:
        raise InvalidArgument(f"only={only!r} names no law; the laws are "
                              + ", ".join(law.name for law in laws))
    failures: list[str] = []
    for law in selected:
        try:
            check_law(law, ops, values, derandomize=derandomize)
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    if failures:
        raise AssertionError("laws broken:\n  " + "\n  ".join(failures))


def check_join_laws(values: SearchStrategy[_T], join: Callable[[_T, _T], _T],
                    leq: Callable[[_T, _T], bool], bottom: _T, *,
                    difference: Callable[[_T, _T], _T] | None = None,
                    only: Collection[str] | None = None, derandomize: bool = False) -> None:
    """The join-semilattice laws (and the difference law, given a ``difference``);
    raises AssertionError naming every law that fails."""
    laws = JOIN_SEMILATTICE_LAWS + (DIFFERENCE_LAWS if difference is not None else ())
    _check_all(laws, SemilatticeOps(join, leq, bottom, difference), values, only, derandomize)


def check_monoid_laws(values: SearchStrategy[_T], combine: Callable[[_T, _T], _T],
                      empty: _T, *, only: Collection[str] | None = None,
                      derandomize: bool = False) -> None:
    """The commutative-monoid laws; raises AssertionError naming every law that fails."""
    _check_all(COMMUTATIVE_MONOID_LAWS, MonoidOps(combine, empty), values, only, derandomize)


def laws_of(kind: type) -> tuple[tuple[Law[Any], ...], Any]:
    """The laws a type claims, and the operations to check them with.

    A type with ``join``, ``leq`` and a ``bottom()`` classmethod is a join-semilattice
    (with ``difference``, a co-Heyting one too); a type with ``combine`` and an
    ``empty()`` classmethod is a commutative monoid.
    """
    theory: Any = kind  # the protocol is checked by hasattr: its methods are untyped here
    if all(hasattr(kind, name) for name in ("join", "leq", "bottom")):
        difference = getattr(kind, "difference", None)
        laws = JOIN_SEMILATTICE_LAWS + (DIFFERENCE_LAWS if difference is not None else ())
        return laws, SemilatticeOps(theory.join, theory.leq, theory.bottom(), difference)
    if all(hasattr(kind, name) for name in ("combine", "empty")):
        return COMMUTATIVE_MONOID_LAWS, MonoidOps(theory.combine, theory.empty())
    raise InvalidArgument(
        f"check_all_laws({kind.__name__}): {kind.__name__} declares no kancat theory; give a "
        "type with join/leq/bottom() (a join-semilattice) or combine/empty() (a commutative "
        "monoid)")


def check_all_laws(kind: type, *, values: SearchStrategy[Any] | None = None,
                   use_settings: settings | None = None) -> None:
    """Add one test per law of ``kind`` to the calling module (``test_<Kind>_<law>``).

    ``values`` draws the instances (default: ``st.from_type(kind)``, which works for
    kancat's own types through its Hypothesis entry point). Call it at module level
    in a test file::

        check_all_laws(MyPolicy, values=my_policies())
    """
    if not isinstance(kind, type):
        raise InvalidArgument(f"check_all_laws(kind={kind!r}): kind must be a class; pass the "
                              "type itself, e.g. check_all_laws(MeshPolicy)")
    laws, ops = laws_of(kind)
    drawn = values if values is not None else st.from_type(kind)
    caller = inspect.currentframe()
    module = caller.f_back.f_globals if caller is not None and caller.f_back else {}
    for law in laws:
        test = _law_test(law, ops, drawn, use_settings)
        test.__name__ = f"test_{kind.__name__}_{law.name}"
        test.__qualname__ = test.__name__
        test.__doc__ = f"{kind.__name__}: {law.name}, {law.formula}"
        module[test.__name__] = _marked(test)


def _law_test(law: Law[Any], ops: Any, values: SearchStrategy[Any],
              use_settings: settings | None) -> Callable[[], None]:
    @given(values, values, values)
    def test(a: Any, b: Any, c: Any) -> None:
        assert law.holds(ops, a, b, c), (
            f"{law.name} ({law.formula}) fails at a={a!r}, b={b!r}, c={c!r}")

    return use_settings(test) if use_settings is not None else test


def _marked(test: Callable[[], None]) -> Callable[[], None]:
    pytest = sys.modules.get("pytest")
    if pytest is None:
        return test
    marked: Callable[[], None] = pytest.mark.kancat_laws(test)
    return marked
