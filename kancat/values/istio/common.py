"""What the Istio values share: the names of their definitions in the generated field
table, the field rules the CRD schemas cannot state (durations, percentages, hosts,
gateway names, workload selectors, counts), and the metadata of an ``of`` constructor.

The rules :func:`duration`, :func:`percentage`, :func:`host` and
:func:`namespaced_host` are public for values of other modules (as the rules of
:mod:`kancat.core.rules` are), but not names of :mod:`kancat.values`.

>>> host_list("spec.hosts", ("reviews", "*.example.com", "Bad_Host"))[0].path
'spec.hosts[2]'
"""

import re
from functools import partial
from typing import Final

from kancat.core import rules
from kancat.core.frozen import is_mapping
from kancat.errors import Problem
from kancat.values.meta import object_meta

__all__ = [
    "AUTHORIZATION_POLICY",
    "DESTINATION_RULE",
    "GATEWAY",
    "PEER_AUTHENTICATION",
    "SERVICE_ENTRY",
    "SIDECAR",
    "VIRTUAL_SERVICE",
    "count",
    "duration",
    "each",
    "export_namespaces",
    "gateway_list",
    "host",
    "host_list",
    "namespaced_host",
    "namespaced_host_list",
    "object_meta",
    "percentage",
    "selector_labels",
    "show",
    "string_list",
]

# The definitions of the generated field table (scripts/gen_istio_fields.py): named by
# the path that first reaches them in the CRD schemas.
VIRTUAL_SERVICE: Final = "istio.networking.v1.VirtualService"
DESTINATION_RULE: Final = "istio.networking.v1.DestinationRule"
GATEWAY: Final = "istio.networking.v1.Gateway"
SERVICE_ENTRY: Final = "istio.networking.v1.ServiceEntry"
SIDECAR: Final = "istio.networking.v1.Sidecar"
PEER_AUTHENTICATION: Final = "istio.security.v1.PeerAuthentication"
AUTHORIZATION_POLICY: Final = "istio.security.v1.AuthorizationPolicy"

_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)")
_DURATION = re.compile(rf"(?:{_DURATION_PART.pattern})+\Z")
_SECONDS: Final = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                   "h": 3600.0}
_LONGEST: Final = 315_576_000_000.0  # the largest protobuf Duration, in seconds
_LABEL: Final = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_HOST = re.compile(rf"(\*|(\*\.)?{_LABEL}(\.{_LABEL})*)\Z")


def show(value: object) -> str:
    """``value`` as a problem quotes it: its repr, cut to 60 characters.

    >>> show("x" * 100)[-5:]
    'xx...'
    """
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def each(path: str, value: object, *, item: rules.Check, what: str,
         hint: str) -> list[Problem]:
    """The problems of a list field: that it is not a list (``what`` names the list,
    ``hint`` says what to write); else those ``item`` finds in each item, at
    ``path[index]``. The sibling of :func:`kancat.core.rules.entries` for lists.

    >>> [p.path for p in each("ports", ("80", 1), item=rules.string, what="ports",
    ...                       hint="write a list")]
    ['ports[1]']
    >>> each("ports", "80", item=rules.string, what="ports", hint="write a list")[0].message
    "ports must be a list, got '80'"
    """
    if not isinstance(value, tuple):
        return [Problem(path, f"{what} must be a list, got {show(value)}", hint)]
    found: list[Problem] = []
    for index, entry in enumerate(value):
        found += item(f"{path}[{index}]", entry)
    return found


def duration(path: str, value: object, *, what: str = "duration") -> list[Problem]:
    """An Istio duration: a number and a unit, repeated (``"100ms"``, ``"5s"``,
    ``"1m30s"``, ``"1h"``), at least 1ms (Istio's CEL rule) and at most a protobuf
    Duration's range.

    >>> duration("timeout", "1m30s"), [p.message for p in duration("timeout", "5")]
    ([], ["duration '5' is not a duration"])
    >>> [p.message for p in duration("interval", "0s", what="interval")]
    ["interval '0s' is shorter than 1ms"]
    """
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {show(value)}",
                        "write a duration such as '5s' (quoted)")]
    if not _DURATION.match(value):
        return [Problem(path, f"{what} {value!r} is not a duration",
                        "write a number and a unit (ms, s, m or h), e.g. '100ms', '5s', "
                        "'1m', '1h'")]
    seconds = sum(float(number) * _SECONDS[unit]
                  for number, unit in _DURATION_PART.findall(value))
    if seconds < 0.001:
        return [Problem(path, f"{what} {value!r} is shorter than 1ms",
                        "Istio takes durations of 1ms or more")]
    if seconds > _LONGEST:
        return [Problem(path, f"{what} {value!r} is too long",
                        "use at most 315576000000s (10000 years)")]
    return []


def percentage(path: str, value: object, *, what: str = "percentage") -> list[Problem]:
    """A percentage: a number from 0 to 100 (fractions allowed: ``0.5``).

    >>> [p.message for p in percentage("mirrorPercentage.value", 120)]
    ['percentage 120 is not between 0 and 100']
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [Problem(path, f"{what} must be a number, got {show(value)}",
                        "write a number from 0 to 100 without quotes")]
    if not 0 <= value <= 100:  # NaN fails this too
        return [Problem(path, f"{what} {value} is not between 0 and 100",
                        "use a number from 0 to 100")]
    return []


def count(path: str, value: object, *, what: str) -> list[Problem]:
    """A count Istio keeps in an int32: 0 to 2³¹−1.

    >>> [p.message for p in count("attempts", -1, what="attempts")]
    ['attempts must be >= 0, got -1']
    """
    return rules.integer(path, value, minimum=0, maximum=2**31 - 1, what=what)


def host(path: str, value: object, *, what: str = "host",
         wildcard: bool = True) -> list[Problem]:
    """A host as Istio names services: a short name (``reviews``), a fully qualified
    one (``reviews.default.svc.cluster.local``), a wildcard domain
    (``*.example.com``) or, when ``wildcard``, ``*`` alone.

    >>> host("hosts[0]", "*.example.com"), [p.message for p in host("host", "Bad_Host")]
    ([], ["host 'Bad_Host' is not a DNS name or wildcard"])
    """
    if not isinstance(value, str):
        return [Problem(path, f"{what} must be a string, got {show(value)}", "quote it")]
    if len(value) > 253 or not _HOST.match(value):
        return [Problem(path, f"{what} {show(value)} is not a DNS name or wildcard",
                        "write a service name such as 'reviews' or "
                        "'reviews.shop.svc.cluster.local', or a wildcard such as "
                        "'*.example.com'")]
    if value == "*" and not wildcard:
        return [Problem(path, f"{what} cannot be '*' here",
                        "name the hosts, or use a wildcard domain such as '*.example.com'")]
    return []


def host_list(path: str, value: object, *, wildcard: bool = True) -> list[Problem]:
    """A list of :func:`host` (``*`` among them only when ``wildcard``).

    >>> [p.message for p in host_list("spec.hosts", ("*",), wildcard=False)]
    ["host cannot be '*' here"]
    """
    return each(path, value, item=partial(host, wildcard=wildcard), what="hosts",
                hint="write a list of hosts")


def namespaced_host(path: str, value: object, *, required: bool = False) -> list[Problem]:
    """``namespace/host`` (``required``) or, where the namespace may be left out, just
    ``host``. The namespace is a name, ``*`` (every namespace), ``.`` (the object's own)
    or ``~`` (none).

    >>> namespaced_host("hosts[0]", "istio-system/*", required=True)
    []
    >>> [p.message for p in namespaced_host("hosts[0]", "reviews", required=True)]
    ["host 'reviews' names no namespace"]
    """
    if not isinstance(value, str):
        return [Problem(path, f"host must be a string, got {show(value)}", "quote it")]
    namespace, slash, name = value.rpartition("/")
    if not slash:
        if required:
            return [Problem(path, f"host {value!r} names no namespace",
                            "write namespace/host, e.g. './*', 'istio-system/*' or "
                            "'shop/reviews.shop.svc.cluster.local'")]
        return host(path, value)
    found: list[Problem] = []
    if namespace not in ("*", ".", "~"):
        found += rules.dns_label(path, namespace, what="host namespace")
    return found + host(path, name)


def namespaced_host_list(path: str, value: object, *, required: bool = False) -> list[Problem]:
    """A list of :func:`namespaced_host`.

    >>> namespaced_host_list("hosts", ("./*", "shop/reviews"), required=True)
    []
    """
    return each(path, value, item=partial(namespaced_host, required=required),
                what="hosts", hint="write a list of hosts")


def _gateway(path: str, value: object) -> list[Problem]:
    """``mesh`` (the sidecars) or a Gateway, ``[namespace/]name``."""
    if not isinstance(value, str):
        return [Problem(path, f"gateway must be a string, got {show(value)}", "quote it")]
    if value == "mesh":
        return []
    namespace, slash, name = value.rpartition("/")
    found = rules.dns_label(path, namespace, what="gateway namespace") if slash else []
    return found + rules.dns_subdomain(path, name, what="gateway name")


def gateway_list(path: str, value: object) -> list[Problem]:
    """The gateways a VirtualService applies at: ``mesh`` (the sidecars) or Gateways,
    ``[namespace/]name``.

    >>> gateway_list("spec.gateways", ("mesh", "istio-system/public"))
    []
    """
    return each(path, value, item=_gateway, what="gateways",
                hint="write a list of gateway names")


def string_list(path: str, value: object, *, what: str = "item",
                plural: str | None = None) -> list[Problem]:
    """A list of strings, each a ``what`` (the list ``plural``, by default ``what``
    and an s).

    >>> [p.message for p in string_list("spec.addresses", ("10.0.0.1", 7),
    ...                                 what="address", plural="addresses")]
    ['address must be a string, got 7']
    """
    return each(path, value, item=partial(rules.string, what=what),
                what=plural or f"{what}s", hint="write a list of strings")


export_namespaces: Final = partial(string_list, what="exportTo", plural="exportTo")
"""The rule of ``exportTo``: the namespaces an object is visible in (``.``, ``*``,
names)."""


def selector_labels(path: str, value: object) -> list[Problem]:
    """Workload selector labels: label rules, and no '*' (Istio's CEL rule).

    >>> selector_labels("selector", {"app": "web"})
    []
    >>> [p.message for p in selector_labels("selector", {"app": "web*"})]
    ["label value 'web*' is not valid"]
    """
    found = rules.labels(path, value)  # type: ignore[arg-type]
    if not found and is_mapping(value):
        for key, item in value.items():
            if isinstance(item, str) and "*" in item:
                found.append(Problem(f"{path}[{key!r}]", f"label value {item!r} holds '*'",
                                     "a workload selector matches label values exactly"))
    return found


