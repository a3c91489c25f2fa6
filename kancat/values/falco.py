"""Falco rules as values: :class:`FalcoRule`, :class:`FalcoMacro`, :class:`FalcoList`,
:class:`RequiredEngineVersion`, and :class:`RulesFile`, the ordered items of one rules
file (Falco rules are not Kubernetes objects: they are loaded by Falco from YAML).

Each item declares its keys as the Kubernetes values do (:func:`~kancat.core.fields.wire`),
so the same checks build it and the same codec writes it
(:func:`kancat.patterns.runtime_security.to_falco_yaml`, and back with
``load_falco_yaml``). What kancat does not model of a rule (``exceptions``,
``capture``, ``override``, ...) is carried in ``extra``, its names checked against the
keys of Falco's rules schema.

A rules file checks that every macro and list a condition names exists in the file.
Falco expands list names textually and takes a bare word it does not know as a
literal, so a misspelt list silently matches nothing; a misspelt macro fails to
load. In a condition (:func:`condition_references`):

* a bare word outside parentheses of values — not a field (``proc.name``: fields have a
  dot), not an operator (``and``, ``in``, ``startswith`` ...), not a number or
  ``true``/``false``, not the value right after a comparison — names a macro;
* in the parentheses after ``in``, ``intersects`` or ``pmatch``, a bare word names a
  list when the file defines one of that name; an unknown bare word is reported as a
  missing list when it is the only item (Falco's way of writing a list reference, as
  in ``proc.name in (shell_binaries)``), and otherwise taken as a literal value, as
  Falco takes it (``evt.type in (open, openat)``).

>>> rules = RulesFile.of([
...     FalcoList.of("shells", ["bash", "sh"]),
...     FalcoMacro.of("spawned", "evt.type = execve and evt.dir = <"),
...     FalcoRule.of("Shell", desc="a shell", condition="spawned and proc.name in (shellz)",
...                  output="shell %proc.name", priority="WARNING"),
... ])
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  [2].condition: rule 'Shell' names the list 'shellz', which the file does not define (define it with FalcoList.of('shellz', [...]), or correct the name (the file has shells))
"""

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import as_result, to_frozen, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, rule
from kancat.errors import InvalidValue, Problem

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "FALCO_RULE_KEYS",
    "FalcoItem",
    "FalcoList",
    "FalcoMacro",
    "FalcoRule",
    "Priority",
    "RequiredEngineVersion",
    "RulesFile",
    "condition_references",
]

Priority: TypeAlias = Literal["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE",
                              "INFO", "INFORMATIONAL", "DEBUG"]
"""The priorities Falco's rules schema allows."""

FALCO_RULE_KEYS: Final[frozenset[str]] = frozenset({
    "required_engine_version", "required_plugin_versions", "macro", "condition", "list",
    "items", "rule", "desc", "enabled", "output", "append", "priority", "capture",
    "capture_duration", "source", "exceptions", "override", "tags", "warn_evttypes",
    "skip-if-unknown-filter"})
"""The keys Falco's rules schema allows in an item (``FalcoRule`` of
``falco_rules.schema.json``)."""


def _text(path: str, value: object) -> list[Problem]:
    what = path.rsplit(".", 1)[-1]
    if not isinstance(value, str) or not value.strip():
        return [Problem(path, f"{what} must be non-empty text, got {value!r:.40}",
                        f"write the {what} as a string")]
    return []


def _optional_text(path: str, value: object) -> list[Problem]:
    return [] if value is None else _text(path, value)


def _condition(path: str, value: object) -> list[Problem]:
    found = _optional_text(path, value)
    if not found and isinstance(value, str):
        try:
            _tokens(value)
        except ValueError as error:
            found.append(Problem(path, f"the condition does not parse: {error}",
                                 "balance the parentheses and quotes"))
    return found


def _extra_keys(extra: FrozenMap[Any], path: str, modelled: Iterable[str]) -> list[Problem]:
    """Carried keys must be keys of Falco's schema that the class does not model."""
    found = []
    allowed = FALCO_RULE_KEYS - set(modelled)
    for key in extra:
        where = f"{path}.{key}" if path else str(key)
        if key in modelled:
            found.append(Problem(where, f"{key} is a modelled field", f"set it with {key}"))
        elif key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            found.append(Problem(where, f"unknown key {key!r}",
                                 f"did you mean {close[0]!r}?" if close
                                 else "Falco's rules schema does not have it; remove it"))
    return found


def _modelled_keys(cls: type) -> tuple[str, ...]:
    return tuple(f.metadata["kancat.wire"].key for f in attrs.fields(cls)
                 if f.metadata["kancat.wire"].key)


def _upper(value: object) -> object:
    """Falco reads priorities in any case; its schema (and kancat) writes them upper."""
    return value.upper() if isinstance(value, str) else value


@attrs.frozen
class FalcoList(Value):
    """A named list of values (``- list: shell_binaries``), referenced by name from
    conditions and from other lists.

    >>> FalcoList.of("trusted_repos", ["registry.example.com/shop"]).items
    ('registry.example.com/shop',)
    """

    name: str = attrs.field(metadata=wire("list", check=_text, what="list name"))
    items: tuple[str | int, ...] = attrs.field(default=(), converter=to_tuple,
                                               metadata=wire("items", omit="never"))
    append: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("append"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _keys(self) -> list[Problem]:
        return _extra_keys(self.extra, "", _modelled_keys(FalcoList))

    @classmethod
    def of(cls, name: str, items: Iterable[str | int] = (), *,
           append: bool | None = None) -> "FalcoList":
        return cls(name, items, append=append)


@attrs.frozen
class FalcoMacro(Value):
    """A named condition (``- macro: container``), usable in other conditions.

    >>> FalcoMacro.of("container", "container.id != host").condition
    'container.id != host'
    """

    name: str = attrs.field(metadata=wire("macro", check=_text, what="macro name"))
    condition: str = attrs.field(metadata=wire("condition", check=_condition))
    append: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("append"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _keys(self) -> list[Problem]:
        return _extra_keys(self.extra, "", _modelled_keys(FalcoMacro))

    @classmethod
    def of(cls, name: str, condition: str, *, append: bool | None = None) -> "FalcoMacro":
        return cls(name, condition, append=append)


@attrs.frozen
class FalcoRule(Value):
    """A rule: when ``condition`` holds, Falco writes ``output`` at ``priority``.

    A rule that ``append``\\ s to another (or overrides it) gives only what it adds; any
    other rule needs ``desc``, ``condition``, ``output`` and ``priority``.

    >>> FalcoRule.create("Shell", condition="proc.name = bash")
    <Failure: 3 problems:
      desc: a rule needs desc (describe what the rule detects)
      output: a rule needs output (describe what the rule detects)
      priority: a rule needs priority (describe what the rule detects)>
    """

    name: str = attrs.field(metadata=wire("rule", check=_text, what="rule name"))
    desc: str | None = attrs.field(default=None, kw_only=True,
                                   metadata=wire("desc", check=_optional_text))
    condition: str | None = attrs.field(default=None, kw_only=True,
                                        metadata=wire("condition", check=_condition))
    output: str | None = attrs.field(default=None, kw_only=True,
                                     metadata=wire("output", check=_optional_text))
    priority: Priority | None = attrs.field(default=None, kw_only=True, converter=_upper,
                                            metadata=wire("priority"))
    tags: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, kw_only=True,
                                        metadata=wire("tags", what="tag"))
    enabled: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("enabled"))
    source: str | None = attrs.field(default=None, kw_only=True,
                                     metadata=wire("source", check=_optional_text))
    append: bool | None = attrs.field(default=None, kw_only=True, metadata=wire("append"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _complete(self) -> list[Problem]:
        found = _extra_keys(self.extra, "", _modelled_keys(FalcoRule))
        if self.append or "override" in self.extra:
            return found
        at = attrs.fields(FalcoRule)
        for field in (at.desc, at.condition, at.output, at.priority):
            if getattr(self, field.name) is None:
                found.append(Problem(path_of(field), f"a rule needs {path_of(field)}",
                                     "describe what the rule detects"))
        return found

    @classmethod
    def of(cls, name: str, *, desc: str | None = None, condition: str | None = None,
           output: str | None = None, priority: Priority | str | None = None,
           tags: Iterable[str] = (), enabled: bool | None = None, source: str | None = None,
           append: bool | None = None, extra: Mapping[str, Any] | None = None) -> "FalcoRule":
        return cls(name, desc=desc, condition=condition, output=output,
                   priority=priority, tags=tags,  # a priority outside the choices: checked
                   enabled=enabled, source=source, append=append, extra=extra)


@attrs.frozen
class RequiredEngineVersion(Value):
    """The oldest Falco engine that can load the file (``- required_engine_version:``).

    >>> RequiredEngineVersion("0.26.0").version
    '0.26.0'
    """

    version: str = attrs.field(metadata=wire("required_engine_version", check=rules.string))


FalcoItem: TypeAlias = FalcoRule | FalcoMacro | FalcoList | RequiredEngineVersion
"""One item of a rules file."""

ITEM_KEYS: Final[dict[str, type]] = {"rule": FalcoRule, "macro": FalcoMacro,
                                     "list": FalcoList,
                                     "required_engine_version": RequiredEngineVersion}
"""The key that says which kind of item a mapping of a rules file is."""


# --- conditions -----------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op><=|>=|!=|==|=|<|>|\(|\)|,)
    | (?P<word>[^\s()=<>!,"']+(?:\[[^\]]*\])?)
    )""", re.VERBOSE)

_OPERATORS: Final = frozenset({
    "and", "or", "not", "in", "intersects", "pmatch", "contains", "icontains", "bcontains",
    "startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "exists"})
_COMPARISONS: Final = frozenset({
    "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
    "startswith", "bstartswith", "endswith", "glob", "iglob", "regex"})
_SET_OPERATORS: Final = frozenset({"in", "intersects", "pmatch"})
_LITERAL: Final = re.compile(r"-?[0-9][0-9a-zA-Z.]*\Z|true\Z|false\Z")


def _tokens(condition: str) -> list[tuple[str, str]]:
    """``(kind, text)`` tokens of a condition: ``string``, ``op`` or ``word``."""
    found: list[tuple[str, str]] = []
    position = 0
    depth = 0
    while position < len(condition):
        if condition[position:].strip() == "":
            break
        match = _TOKEN.match(condition, position)
        if match is None or match.end() == position:
            raise ValueError(f"unexpected {condition[position:].strip()[:20]!r}")
        kind = match.lastgroup or "word"
        text = match.group(kind)
        depth += {"(": 1, ")": -1}.get(text, 0) if kind == "op" else 0
        if depth < 0:
            raise ValueError("a ')' closes nothing")
        found.append((kind, text))
        position = match.end()
    if depth:
        raise ValueError("a '(' is not closed")
    return found


def condition_references(condition: str, lists: Iterable[str] = ()
                         ) -> tuple[list[str], list[str]]:
    """The macros and the lists a condition names (see the module documentation), in
    order, each once; ``lists`` are the names the file defines as lists.

    >>> condition_references(
    ...     "container and evt.type in (open, openat) and not fd.name in (write_paths)"
    ...     " and fd.typechar='f' and evt.is_open_write=true")
    (['container'], ['write_paths'])
    >>> condition_references("proc.name in (shells, sudo)", lists=["shells"])
    ([], ['shells'])
    """
    known_lists = set(lists)
    macros: list[str] = []
    named: list[str] = []
    tokens = _tokens(condition)
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "op" or kind == "string" or text in _OPERATORS or "." in text \
                or _LITERAL.match(text):
            if text in _SET_OPERATORS and index + 1 < len(tokens) \
                    and tokens[index + 1][1] == "(":
                index = _value_list(tokens, index + 2, known_lists, named)
                continue
            if text in _COMPARISONS and index + 1 < len(tokens):
                index += 2  # the value compared with: a literal, never a macro
                continue
            index += 1
            continue
        if text not in macros:
            macros.append(text)
        index += 1
    return macros, named


def _value_list(tokens: list[tuple[str, str]], start: int, known: set[str],
                named: list[str]) -> int:
    """Read the values of ``( ... )`` from ``start``; return the index after ``)``."""
    items: list[tuple[str, str]] = []
    index = start
    while index < len(tokens) and tokens[index][1] != ")":
        if tokens[index][1] != ",":
            items.append(tokens[index])
        index += 1
    for kind, text in items:
        bare = kind == "word" and "." not in text and not _LITERAL.match(text)
        if bare and (text in known or len(items) == 1) and text not in named:
            named.append(text)
    return index + 1


# --- the file -------------------------------------------------------------------------------

def _reference_problems(items: tuple[FalcoItem, ...]) -> list[Problem]:
    lists = {item.name for item in items if isinstance(item, FalcoList)}
    macros = {item.name for item in items if isinstance(item, FalcoMacro)}
    found: list[Problem] = []
    for index, item in enumerate(items):
        if not isinstance(item, (FalcoRule, FalcoMacro)) or item.condition is None:
            continue
        what = f"rule {item.name!r}" if isinstance(item, FalcoRule) else f"macro {item.name!r}"
        named_macros, named_lists = condition_references(item.condition, lists)
        for name in named_macros:
            if name not in macros:
                found.append(_missing(index, what, "macro", name, macros, lists))
        for name in named_lists:
            if name not in lists:
                found.append(_missing(index, what, "list", name, lists, macros))
    return found


def _missing(index: int, what: str, kind: str, name: str, same: set[str],
             other: set[str]) -> Problem:
    maker = "FalcoMacro.of({!r}, '...')" if kind == "macro" else "FalcoList.of({!r}, [...])"
    hint = f"define it with {maker.format(name)}, or correct the name"
    close = difflib.get_close_matches(name, sorted(same), n=1)
    if close:
        hint += f" (the file has {close[0]})"
    elif name in other:
        hint = f"{name} is a {'list' if kind == 'macro' else 'macro'}; use it as one"
    return Problem(f"[{index}].condition", f"{what} names the {kind} {name!r}, which the "
                                           "file does not define", hint)


def _duplicate_problems(items: tuple[FalcoItem, ...]) -> list[Problem]:
    """A second definition of a name must say ``append`` (or override): otherwise
    Falco replaces the first, which is rarely meant."""
    seen: dict[tuple[type, str], int] = {}
    found: list[Problem] = []
    for index, item in enumerate(items):
        if isinstance(item, RequiredEngineVersion):
            continue
        key = (type(item), item.name)
        if key in seen and not item.append and "override" not in item.extra:
            kind = _KIND_OF[type(item)]
            found.append(Problem(f"[{index}].{kind}", f"{kind} {item.name!r} is defined "
                                                      f"again (first at [{seen[key]}])",
                                 "give it append: true to extend it, or rename it"))
        seen.setdefault(key, index)
    return found


_KIND_OF: Final[dict[type, str]] = {cls: key for key, cls in ITEM_KEYS.items()}


@attrs.frozen
class RulesFile:
    """The ordered items of one Falco rules file; every macro and list a condition
    names is defined in it, and no name is defined twice without ``append``.

    Built by its constructor, :meth:`of` or :meth:`create`, it checks its items
    (a non-item is a problem at its index).

    >>> RulesFile.of([FalcoMacro.of("container", "container.id != host")]).names()
    ('container',)
    """

    items: tuple[FalcoItem, ...] = attrs.field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidValue(problems)

    def problems(self) -> list[Problem]:
        if not isinstance(self.items, tuple):
            return [Problem("", f"a rules file is a list of items, got {self.items!r:.40}",
                            "give a list of FalcoRule, FalcoMacro and FalcoList values")]
        kinds = tuple(ITEM_KEYS.values())
        found = [Problem(f"[{index}]", f"{type(item).__name__} is not a Falco item",
                         "give FalcoRule, FalcoMacro, FalcoList or RequiredEngineVersion "
                         "values")
                 for index, item in enumerate(self.items) if not isinstance(item, kinds)]
        if found:
            return found
        return _reference_problems(self.items) + _duplicate_problems(self.items)

    @classmethod
    def of(cls, items: Iterable[FalcoItem]) -> "RulesFile":
        """The file of ``items``; raise :class:`~kancat.errors.InvalidValue` listing
        every problem, by index."""
        return cls(tuple(items))

    @classmethod
    def create(cls, items: Iterable[FalcoItem]) -> "Result[RulesFile, InvalidValue]":
        """:meth:`of`, returning ``Success(file)`` or ``Failure(InvalidValue)``."""
        return as_result(lambda: cls.of(items))

    def names(self) -> tuple[str, ...]:
        """The names the file defines, in order (rules, macros and lists)."""
        return tuple(item.name for item in self.items
                     if not isinstance(item, RequiredEngineVersion))

    def __iter__(self) -> Iterator[FalcoItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

