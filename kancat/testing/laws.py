"""Law checking for users' own instances: one pytest test per law.

kancat declares each theory's laws beside its operations
(:data:`~kancat.algebra.theories.JOIN_SEMILATTICE_LAWS`,
:data:`~kancat.algebra.theories.COMMUTATIVE_MONOID_LAWS`, ...). This module runs
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

>>> from kancat.algebra.policy import MTLSMode
>>> from hypothesis import strategies as st
>>> check_join_laws(st.sampled_from(MTLSMode), MTLSMode.join, MTLSMode.leq,
...                 MTLSMode.bottom())
>>> check_join_laws(st.sampled_from(MTLSMode), min, MTLSMode.leq, MTLSMode.top(),
...                 derandomize=True)  # the meet posing as a join
Traceback (most recent call last):
...
AssertionError: laws broken:
  order (a ≤ b ⇔ a ⊔ b == b) fails...
"""

import inspect
import re
import sys
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

import kancat.testing._hypothesis  # noqa: F401  (first: names the extra if missing)

# isort: split
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from kancat.algebra.functor import SlotMap
from kancat.algebra.natural import TRANSFORMATION_LAWS, Transformation
from kancat.algebra.theories import (
    COMMUTATIVE_MONOID_LAWS,
    DIFFERENCE_LAWS,
    JOIN_SEMILATTICE_LAWS,
    Law,
    MonoidOps,
    Same,
    SemilatticeOps,
)
from kancat.core.diff import differences
from kancat.errors import InvalidArgument

__all__ = ["MARKER", "TRANSFORMATION_LAWS", "check_all_laws", "check_join_laws", "check_law",
           "check_monoid_laws", "laws_of"]

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
        outcome = law.holds(ops, a, b, c)
        if not outcome:  # raised, not asserted: pytest would rewrite (and indent) the text
            raise AssertionError(_failure(law, {"a": a, "b": b, "c": c}, outcome))

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


def check_all_laws(subject: "type | Transformation", *,
                   values: SearchStrategy[Any] | None = None,
                   slot_maps: SearchStrategy[SlotMap] | None = None,
                   use_settings: settings | None = None,
                   into: dict[str, Any] | None = None) -> None:
    """Add one test per law of ``subject`` to the calling module (``test_<name>_<law>``),
    or to the namespace ``into``.

    ``subject`` is a type declaring a theory (a join-semilattice or a commutative
    monoid, see :func:`laws_of`), or a :class:`~kancat.algebra.natural.Transformation`
    (your own pod transformation, e.g. a hardening step or a sidecar injection), whose
    laws are :data:`TRANSFORMATION_LAWS`. ``values`` draws the instances (for a type,
    default ``st.from_type(kind)``, which works for kancat's own types through its
    Hypothesis entry point; for a transformation, default workloads). ``slot_maps``
    draws the slot maps naturality is claimed for (default: the maps that keep mount
    paths, for which kancat's injections are natural). Call it at module level::

        check_all_laws(MyPolicy, values=my_policies())
        check_all_laws(inject(logging()) .then(my_hardening))
    """
    caller = inspect.currentframe()
    module = into if into is not None else (
        caller.f_back.f_globals if caller is not None and caller.f_back else {})
    if isinstance(subject, Transformation):
        _add_transformation_laws(module, subject, values, slot_maps, use_settings)
        return
    if not isinstance(subject, type):
        raise InvalidArgument(f"check_all_laws(subject={subject!r:.60}): give a class (e.g. "
                              "check_all_laws(MeshPolicy)) or a Transformation")
    laws, ops = laws_of(subject)
    drawn = values if values is not None else st.from_type(subject)
    for law in laws:
        _add(module, f"test_{subject.__name__}_{law.name}",
             f"{subject.__name__}: {law.name}, {law.formula}",
             _law_test(law, ops, drawn, use_settings=use_settings))


def _add(module: dict[str, Any], name: str, doc: str, test: Callable[[], None]) -> None:
    test.__name__ = test.__qualname__ = name
    test.__doc__ = doc
    module[name] = _marked(test)


def _add_transformation_laws(module: dict[str, Any], t: Transformation,
                             values: SearchStrategy[Any] | None,
                             slot_maps: SearchStrategy[SlotMap] | None,
                             use_settings: settings | None) -> None:
    from kancat.testing import strategies

    drawn: dict[str, SearchStrategy[Any]] = {
        "workload": values if values is not None else st.one_of(strategies.deployments(),
                                                                strategies.statefulsets()),
        "slot_map": (slot_maps if slot_maps is not None
                     else strategies.mount_preserving_slot_maps()),
        "mesh": strategies.meshes(max_services=2),
    }
    label = re.sub(r"\W+", "_", t.name).strip("_") or "identity"
    for law in TRANSFORMATION_LAWS:
        _add(module, f"test_{label}_{law.name}", f"{t.name}: {law.name}, {law.formula}",
             _law_test(law, t, *(drawn[kind] for kind in law.takes),
                       use_settings=use_settings))


def _law_test(law: Law[Any], ops: Any, *drawn: SearchStrategy[Any],
              use_settings: settings | None) -> Callable[[], None]:
    """A test drawing ``law.takes`` (or three values when ``drawn`` is one strategy)."""
    arguments = drawn * 3 if len(drawn) == 1 and law.takes == ("value",) * 3 else drawn

    def check(values: tuple[Any, ...]) -> None:
        a, b, c = (*values, None, None, None)[:3]
        outcome = law.holds(ops, a, b, c)
        if not outcome:  # raised, not asserted: pytest would rewrite (and indent) the text
            raise AssertionError(_failure(law, dict(zip(law.takes, values, strict=False)),
                                          outcome))

    # @given takes no *args: one test function per arity.
    if len(arguments) == 1:
        @given(arguments[0])
        def test(a: Any) -> None:
            check((a,))
    elif len(arguments) == 2:
        @given(arguments[0], arguments[1])
        def test(a: Any, b: Any) -> None:
            check((a, b))
    else:
        @given(*arguments)
        def test(a: Any, b: Any, c: Any) -> None:
            check((a, b, c))

    return use_settings(test) if use_settings is not None else test


_SHOWN = 240


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} characters)"


def _failure(law: Law[Any], drawn: dict[str, Any], outcome: object) -> str:
    """A failing law, readable: where the two sides first differ, then the drawn values
    cut short (a full repr of a workload runs to kilobytes on one line)."""
    lines = [f"{law.name} ({law.formula}) fails"]
    if isinstance(outcome, Same):
        found = differences(outcome.left, outcome.right)
        first = found[0]
        more = f" (and {len(found) - 1} more fields)" if len(found) > 1 else ""
        lines.append(f"the two sides first differ at {first.field}{more}:")
        lines.append(f"  left:  {_short(first.left)}")
        lines.append(f"  right: {_short(first.right)}")
    lines += [f"{name} = {_short(value)}" for name, value in drawn.items()]
    return "\n".join(lines)


def _marked(test: Callable[[], None]) -> Callable[[], None]:
    pytest = sys.modules.get("pytest")
    if pytest is None:
        return test
    marked: Callable[[], None] = pytest.mark.kancat_laws(test)
    return marked
