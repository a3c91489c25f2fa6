"""Bad input never becomes a value, and never a traceback: every public constructor of
``kancat.values`` — the class itself, ``X.of`` and ``X.create`` — given values of the
wrong type anywhere returns a value or reports problems (``InvalidValue``; a
``Failure`` from ``create``), whatever it is given.
"""

import inspect
from typing import Any, Unpack, get_args, get_origin, get_type_hints

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

import kancat.values
from kancat.core.value import Value
from kancat.errors import InvalidValue
from kancat.testing.strategies._draw import strategy_for
from kancat.values import Container, EmptyDir, FrozenMap, ImageRef, ObjectMeta, Quantity

CLASSES = sorted((item for name in kancat.values.__all__
                  if isinstance(item := getattr(kancat.values, name), type)
                  and issubclass(item, Value) and attrs.has(item)),
                 key=lambda cls: cls.__name__)

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
    st.binary(max_size=4), st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
    st.tuples(st.integers(), st.none()),
    st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.text(max_size=3),
                                                   st.none()), max_size=3),
    st.just(FrozenMap({"a": (1, 2)})), st.just(object()), st.just(EmptyDir()),
    st.just(ObjectMeta("x")), st.just(ImageRef.of("web:1")), st.just(Quantity.of("1")),
    st.just(Container.of("app", image="web:1")),
)


def _ids(cls: type) -> str:
    return cls.__name__


def _outcome(build: Any) -> None:
    try:
        build()
    except InvalidValue as error:
        assert error.problems, "an InvalidValue names at least one problem"
        assert all(p.message and p.hint for p in error.problems), error


@pytest.mark.parametrize("cls", CLASSES, ids=_ids)
@given(data=st.data())
def test_the_class_itself_given_wrong_types_everywhere(cls: type, data: st.DataObject) -> None:
    fields = [f for f in attrs.fields(cls) if f.init]
    given = {f.alias: data.draw(JUNK, label=f.name) for f in fields}
    _outcome(lambda: cls(**given))


@pytest.mark.parametrize("cls", [c for c in CLASSES if strategy_for(c) is not None],
                         ids=_ids)
@given(data=st.data())
def test_one_wrong_field_in_a_valid_value(cls: type, data: st.DataObject) -> None:
    valid = data.draw(strategy_for(cls), label="valid")  # type: ignore[arg-type]
    field = data.draw(st.sampled_from([f for f in attrs.fields(cls) if f.init]), label="field")
    _outcome(lambda: attrs.evolve(valid, **{field.alias: data.draw(JUNK, label="junk")}))


def _parameters(function: Any) -> list[inspect.Parameter]:
    """The parameters of ``function``, those of an ``**options: Unpack[SomeTypedDict]``
    spelled out as optional keywords."""
    found = []
    for p in inspect.signature(function).parameters.values():
        if p.kind is p.VAR_KEYWORD and get_origin(p.annotation) is Unpack:
            found += [inspect.Parameter(key, p.KEYWORD_ONLY, default=None)
                      for key in get_type_hints(get_args(p.annotation)[0])]
        elif p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            found.append(p)
    return found


@pytest.mark.parametrize("cls", [c for c in CLASSES if _parameters(c.of)], ids=_ids)
@given(data=st.data())
def test_of_and_create_given_wrong_types(cls: type, data: st.DataObject) -> None:
    parameters = _parameters(cls.of)
    chosen = data.draw(st.lists(st.sampled_from(parameters), unique_by=lambda p: p.name),
                       label="wrong ones")
    names = {p.name for p in chosen}
    # The parameters left alone keep their defaults; those without one get junk too.
    given = {p.name: data.draw(JUNK, label=p.name) for p in parameters
             if p.name in names or p.default is inspect.Parameter.empty}
    _outcome(lambda: cls.of(**given))
    result = cls.create(**given)
    assert isinstance(result, Success | Failure)
    if isinstance(result, Failure):
        assert isinstance(result.failure(), InvalidValue)
