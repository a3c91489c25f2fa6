"""Field rules shared by every value, as Kubernetes' own API validation states them.

Each rule returns the problems it finds (empty when the input is fine), so a
constructor can report *all* problems at once. The regular expressions are those
of ``k8s.io/apimachinery/pkg/util/validation``.
"""

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kancat.core.frozen import FrozenMap, is_mapping
from kancat.errors import InvalidValue, Problem

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z"
)
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
# At most 15 (checked apart), at least one letter, no leading, trailing or double '-'.
_IANA_SVC_NAME = re.compile(r"(?=[a-z0-9-]*[a-z])[a-z0-9]+(-[a-z0-9]+)*\Z")
_ENV_VAR_NAME = re.compile(r"[ -<>-~]+\Z")  # printable ASCII but '=' (Kubernetes 1.32+)
_C_IDENTIFIER_ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")  # before 1.32
_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def raise_if(problems: Sequence[Problem]) -> None:
    """Raise :class:`InvalidValue` when ``problems`` is not empty."""
    if problems:
        raise InvalidValue(problems)


@functools.lru_cache(maxsize=8192)
def _is_dns_label(value: str) -> bool:
    return len(value) <= 63 and _DNS1123_LABEL.match(value) is not None


@functools.lru_cache(maxsize=8192)
def _is_dns_subdomain(value: str) -> bool:
    return len(value) <= 253 and _DNS1123_SUBDOMAIN.match(value) is not None


def dns_label(path: str, value: object, *, what: str = "name") -> list[Problem]:
    """An RFC 1123 label: lowercase alphanumerics and '-', at most 63 characters."""
    if type(value) is str and _is_dns_label(value):
        return []
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {_show(value)}", "quote it")]
    if len(value) > 63:
        return [Problem(path, f"{what} {value[:20]!r}... is {len(value)} characters long",
                        "use at most 63 characters")]
    if not _DNS1123_LABEL.match(value):
        return [Problem(path, f"{what} {_show(value)} is not a DNS-1123 label",
                        "use lowercase letters, digits and '-', starting and ending "
                        "with a letter or digit (e.g. 'my-name')")]
    return []


def dns1035_label(path: str, value: object, *, what: str = "name") -> list[Problem]:
    """An RFC 1035 label (Service names): like a DNS-1123 label but starting with a letter."""
    found = dns_label(path, value, what=what)
    if found:
        return found
    assert isinstance(value, str)
    if not _DNS1035_LABEL.match(value):
        return [Problem(path, f"{what} {_show(value)} must start with a letter",
                        "start the name with a lowercase letter (a DNS-1035 label)")]
    return []


def dns_subdomain(path: str, value: object, *, what: str = "name") -> list[Problem]:
    """An RFC 1123 subdomain: dot-separated labels, at most 253 characters."""
    if type(value) is str and _is_dns_subdomain(value):
        return []
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {_show(value)}", "quote it")]
    if len(value) > 253:
        return [Problem(path, f"{what} is {len(value)} characters long",
                        "use at most 253 characters")]
    if not _DNS1123_SUBDOMAIN.match(value):
        return [Problem(path, f"{what} {_show(value)} is not a DNS-1123 subdomain",
                        "use lowercase letters, digits, '-' and '.', starting and ending "
                        "with a letter or digit (e.g. 'web.example')")]
    return []


def qualified_name(path: str, key: object, *, what: str) -> list[Problem]:
    """A label or annotation key: ``[prefix/]name``, prefix a DNS subdomain."""
    if not isinstance(key, str):
        return [Problem(path, f"{what} key must be a string, got {_show(key)}", "quote it")]
    prefix, slash, name = key.rpartition("/")
    found: list[Problem] = []
    if slash:
        if not prefix:
            found.append(Problem(path, f"{what} key {key!r} has an empty prefix",
                                 "write 'prefix/name' or just 'name'"))
        else:
            found += dns_subdomain(path, prefix, what=f"{what} key prefix")
    if not name or len(name) > 63 or not _QUALIFIED_NAME.match(name):
        found.append(Problem(path, f"{what} key {_show(key)} is not a qualified name",
                             "use at most 63 alphanumerics, '-', '_' or '.', starting and "
                             "ending with an alphanumeric, optionally after 'prefix/'"))
    return found


def _known_valid(valid: Callable[[FrozenMap[Any]], bool], value: FrozenMap[Any]) -> bool:
    """``valid(value)``, remembered; a map that cannot be hashed (a list inside) is
    checked afresh by the caller."""
    try:
        return valid(value)
    except TypeError:
        return False


@functools.lru_cache(maxsize=4096)
def _valid_labels(value: FrozenMap[Any]) -> bool:
    return not _label_problems("", value)


def labels(path: str, value: Mapping[Any, Any]) -> list[Problem]:
    """Label keys are qualified names; values at most 63 characters of ``[-A-Za-z0-9_.]``.

    The same label maps recur in metadata, selectors and templates: a frozen map
    found valid once is not checked again.
    """
    if not is_mapping(value):
        return _label_problems(path, value)
    if not value or (type(value) is FrozenMap and _known_valid(_valid_labels, value)):
        return []
    return _label_problems(path, value)


Check = Callable[[str, Any], list[Problem]]
"""A rule for one item: ``(path, value) -> problems``."""


def entries(path: str, value: object, *, key: Check, item: Check, what: str,
            hint: str = "write key: value pairs", sensitive: bool = False) -> list[Problem]:
    """The problems of a mapping field: that it is not a mapping; else those ``key``
    finds in each key and ``item`` in each value, at ``path[key]``. ``sensitive``
    (a Secret's data) names only the type of what is not a mapping.

    >>> for problem in entries("data", {"a.txt": "x", "b c": 1}, key=config_key,
    ...                        item=string, what="data"):
    ...     print(problem.path, problem.message)
    data['b c'] key 'b c' is not a valid ConfigMap/Secret key
    data['b c'] value must be a string, got 1
    """
    if not is_mapping(value):
        shown = type(value).__name__ if sensitive else _show(value)
        return [Problem(path, f"{what} must be a mapping, got {shown}", hint)]
    found: list[Problem] = []
    for name, entry in value.items():
        problems = key("", name) + item("", entry)  # paths are built only for a problem
        if problems:
            at = f"{path}[{name!r}]" if isinstance(name, str) else path
            found += [p.under(at) for p in problems]
    return found


def string(path: str, value: object, *, what: str = "value", hint: str = "quote it",
           empty: bool = True, sensitive: bool = False) -> list[Problem]:
    """A string, not empty unless ``empty`` (``sensitive``: name only the type of what
    is not a string)."""
    if not isinstance(value, str):
        shown = type(value).__name__ if sensitive else _show(value)
        return [Problem(path, f"{what} must be a string, got {shown}", hint)]
    if not empty and not value:
        return [Problem(path, f"{what} must not be empty", f"give a {what}")]
    return []


def _label_value(path: str, value: object) -> list[Problem]:
    if not isinstance(value, str):
        return string(path, value, what="label value", hint="quote it: label values are strings")
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        return [Problem(path, f"label value {_show(value)} is not valid",
                        "use at most 63 alphanumerics, '-', '_' or '.', starting and ending "
                        "with an alphanumeric (or empty)")]
    return []


def _label_problems(path: str, value: object) -> list[Problem]:
    return entries(path, value, key=functools.partial(qualified_name, what="label"), item=_label_value,
                   what="labels")


@functools.lru_cache(maxsize=4096)
def _valid_annotations(value: FrozenMap[Any]) -> bool:
    return not _annotation_problems("", value)


def annotations(path: str, value: Mapping[Any, Any]) -> list[Problem]:
    """Annotation keys are qualified names; values any string; 256 KiB in total.

    Like labels, a frozen map found valid once is not checked again (an injected
    pod's annotations recur on every pod the same injection made).
    """
    if type(value) is FrozenMap and (not value or _known_valid(_valid_annotations, value)):
        return []
    return _annotation_problems(path, value)


def _annotation_problems(path: str, value: object) -> list[Problem]:
    found = entries(path, value, key=functools.partial(qualified_name, what="annotation"),
                    item=functools.partial(string, what="annotation value",
                                 hint="quote it: annotation values are strings"),
                    what="annotations")
    if is_mapping(value):
        total = sum(len(str(key)) + len(text) for key, text in value.items()
                    if isinstance(text, str))
        if total > 256 * 1024:
            found.append(Problem(path, f"annotations total {total} bytes",
                                 "keep all annotations under 256 KiB together"))
    return found


def port_number(path: str, value: object, *, what: str = "port") -> list[Problem]:
    """A TCP/UDP port number, 1 to 65535 (and an int, not a string or bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [Problem(path, f"{what} must be an integer, got {_show(value)}",
                        "write a number from 1 to 65535")]
    if not 1 <= value <= 65535:
        return [Problem(path, f"{what} {value} is out of range",
                        "use a number from 1 to 65535")]
    return []


def port_name(path: str, value: object) -> list[Problem]:
    """An IANA service name: at most 15 of ``[-a-z0-9]``, a letter, no '--', no edge '-'."""
    if not isinstance(value, str):
        return [Problem(path, f"port name must be a string, got {_show(value)}", "quote it")]
    fix = ("use at most 15 lowercase letters, digits and '-', with at least one letter "
           "and no leading, trailing or double '-' (e.g. 'http')")
    if len(value) > 15 or not _IANA_SVC_NAME.match(value):
        return [Problem(path, f"port name {_show(value)} is not an IANA service name", fix)]
    return []


def int_or_port_name(path: str, value: object) -> list[Problem]:
    """A port given as a number (1–65535) or as a named port."""
    if isinstance(value, str):
        return port_name(path, value)
    return port_number(path, value)


def env_var_name(path: str, value: object) -> list[Problem]:
    """Kubernetes 1.32 (RelaxedEnvironmentVariableValidation, on by default) takes any
    printable ASCII but '='; :func:`portable_env_var_name` is the older, stricter rule."""
    if not isinstance(value, str) or not _ENV_VAR_NAME.match(value):
        return [Problem(path, f"environment variable name {_show(value)} is not valid",
                        "use printable ASCII characters other than '=' "
                        "(e.g. 'LOG_LEVEL')")]
    return []


def portable_env_var_name(path: str, value: str) -> list[Problem]:
    """The rule of Kubernetes before 1.32: ``[-._a-zA-Z][-._a-zA-Z0-9]*``."""
    if not _C_IDENTIFIER_ENV_VAR_NAME.match(value):
        return [Problem(path, f"environment variable name {value!r} needs Kubernetes 1.32+",
                        "use letters, digits, '_', '-' and '.', not starting with a digit, "
                        "or target Kubernetes 1.32 or newer")]
    return []


def config_key(path: str, value: object) -> list[Problem]:
    """A ConfigMap/Secret key: a file name in the mounted volume, so not '.', '..' nor
    starting with '..' (the kubelet's atomic-writer uses those)."""
    if (not isinstance(value, str) or len(value) > 253 or not _CONFIG_MAP_KEY.match(value)
            or value == "." or value.startswith("..")):
        return [Problem(path, f"key {_show(value)} is not a valid ConfigMap/Secret key",
                        "use at most 253 letters, digits, '-', '_' or '.', other than '.' "
                        "and not starting with '..'")]
    return []


STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def resource_name(path: str, value: object) -> list[Problem]:
    """A container resource: cpu, memory, ephemeral-storage, hugepages-<size>, or an
    extended resource with a domain prefix (e.g. ``nvidia.com/gpu``)."""
    if isinstance(value, str) and (value in STANDARD_CONTAINER_RESOURCES
                                   or value.startswith("hugepages-")):
        return []
    if isinstance(value, str) and "/" in value:
        found = qualified_name(path, value, what="resource")
        if not found and value.split("/")[0].endswith("kubernetes.io"):
            found.append(Problem(path, f"resource {value!r} uses a reserved prefix",
                                 "extended resources use your own domain, e.g. example.com/gpu"))
        return found
    return [Problem(path, f"resource {_show(value)} is not a container resource",
                    "use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended "
                    "resource such as example.com/gpu")]


def integer(path: str, value: object, *, minimum: int | None = None,
            maximum: int | None = None, what: str = "value") -> list[Problem]:
    """An int (never a bool or a string such as ``"two"``) within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [Problem(path, f"{what} must be an integer, got {_show(value)}",
                        "write a whole number without quotes")]
    if minimum is not None and value < minimum:
        return [Problem(path, f"{what} must be >= {minimum}, got {value}",
                        f"use {minimum} or more")]
    if maximum is not None and value > maximum:
        return [Problem(path, f"{what} must be <= {maximum}, got {value}",
                        f"use {maximum} or less")]
    return []


def optional_integer(path: str, value: object, **bounds: Any) -> list[Problem]:
    return [] if value is None else integer(path, value, **bounds)


def boolean(path: str, value: object, *, what: str = "value") -> list[Problem]:
    if value is not None and not isinstance(value, bool):
        return [Problem(path, f"{what} must be true or false, got {_show(value)}",
                        "write true or false without quotes")]
    return []


def unique(path: "str | Callable[[], str]", items: Sequence[object],
           key: Callable[[Any], object], *, field: str, what: str) -> list[Problem]:
    """Report each later duplicate of ``key(item)`` at ``path[i].field`` (``path`` may
    be a function giving it, called only when there is a duplicate)."""
    if len(items) < 2:
        return []
    seen: dict[object, int] = {}
    found: list[Problem] = []
    for index, item in enumerate(items):
        value = key(item)
        if value is None:
            continue
        if value in seen:
            where = path if isinstance(path, str) else path()
            found.append(Problem(f"{where}[{index}].{field}",
                                 f"duplicate {what} {value!r} (also at {where}[{seen[value]}])",
                                 f"give each {what} a different value"))
        else:
            seen[value] = index
    return found
