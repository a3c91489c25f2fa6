"""Who may talk to whom: PeerAuthentication (the mTLS mode workloads accept) and
AuthorizationPolicy (which requests they allow, deny, audit or hand to a provider).

>>> PeerAuthentication.create("ports", mode="STRICT", port_level_mtls={8080: "PERMISSIVE"})
<Failure: 1 problem:
  spec.portLevelMtls: portLevelMtls applies only to selected workloads (give a selector (matchLabels), or set the mode for all ports)>
>>> policy = AuthorizationPolicy.of("web", namespace="shop", selector={"app": "web"},
...                                 rules=[AuthorizationRule.of(ports=[8080])])
>>> policy.rules[0].to[0].operation.ports
('8080',)
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Final, Literal, TypeAlias, get_args

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.istio.common import (
    AUTHORIZATION_POLICY,
    PEER_AUTHENTICATION,
    each,
    object_meta,
    selector_labels,
    show,
    string_list,
)
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "AuthorizationAction",
    "AuthorizationCondition",
    "AuthorizationFrom",
    "AuthorizationOperation",
    "AuthorizationPolicy",
    "AuthorizationRule",
    "AuthorizationSource",
    "AuthorizationTo",
    "MutualTLSMode",
    "PeerAuthentication",
]


MutualTLSMode: TypeAlias = Literal["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]
_MTLS_MODES: Final = get_args(MutualTLSMode)


def _port_level_mtls(path: str, value: object) -> list[Problem]:
    """Port numbers (as keys) to ``{mode: ...}``."""
    if not is_mapping(value):
        return [Problem(path, f"portLevelMtls must be a mapping, got {show(value)}",
                        "map port numbers to {mode: STRICT}")]
    found: list[Problem] = []
    for key, item in value.items():
        where = f"{path}[{key!r}]"
        number = int(key) if isinstance(key, str) and key.isdigit() else key
        found += rules.port_number(where, number, what="portLevelMtls port")
        mode = item.get("mode") if is_mapping(item) else item
        if mode not in _MTLS_MODES:
            found.append(Problem(f"{where}.mode", f"mTLS mode {show(mode)} is not allowed",
                                 "use one of " + ", ".join(_MTLS_MODES)))
        elif is_mapping(item):
            found += [Problem(f"{where}.{other}", f"unknown field '{other}'",
                              "a port's mTLS setting has only mode")
                      for other in item if other != "mode"]
    return found


@attrs.frozen
class PeerAuthentication(KubeObjectBase):
    """A ``security.istio.io/v1`` PeerAuthentication: the mTLS ``mode`` workloads
    accept — mesh-wide (in the root namespace, no selector), for a namespace, or for
    the workloads ``selector`` picks — and per port (``port_level_mtls``, which needs a
    selector).

    >>> PeerAuthentication.of("default", namespace="istio-system", mode="STRICT").mode
    'STRICT'
    """

    k8s_definition: ClassVar[str] = PEER_AUTHENTICATION

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector.matchLabels",
                                                         check=selector_labels))
    mode: MutualTLSMode | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.mtls.mode", what="mTLS mode"))
    port_level_mtls: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                                  kw_only=True, metadata=wire(
                                                      "spec.portLevelMtls",
                                                      check=_port_level_mtls))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _ports_need_selector(self) -> list[Problem]:
        if not self.port_level_mtls or self.selector:
            return []
        return [Problem(path_of(attrs.fields(PeerAuthentication).port_level_mtls),
                        "portLevelMtls applies only to selected workloads",
                        "give a selector (matchLabels), or set the mode for all ports")]

    @classmethod
    def of(cls, name: str = "default", *, namespace: str | None = None,
           mode: MutualTLSMode = "STRICT", selector: Mapping[str, str] | None = None,
           port_level_mtls: Mapping[int, MutualTLSMode] | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "PeerAuthentication":
        """``mode`` for the namespace (mesh-wide in the root namespace), or for the
        workloads ``selector`` picks; ``port_level_mtls`` maps ports to modes."""
        collect = Collect()
        ports = {str(port): {"mode": port_mode}
                 for port, port_mode in (port_level_mtls or {}).items()}
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      selector=selector or EMPTY, mode=mode, port_level_mtls=ports)


# --- AuthorizationPolicy -----------------------------------------------------------------------

AuthorizationAction: TypeAlias = Literal["ALLOW", "DENY", "AUDIT", "CUSTOM"]

_strings_of = partial(string_list, what="value")


@attrs.frozen(kw_only=True)
class AuthorizationSource(Value):
    """Who makes a request: ``principals`` (``cluster.local/ns/shop/sa/web``),
    ``namespaces``, ``ip_blocks``, ``request_principals``; the negations are carried."""

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]/from[]/source"

    principals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              metadata=wire("principals", check=_strings_of))
    request_principals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                                      metadata=wire("requestPrincipals",
                                                                    check=_strings_of))
    namespaces: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              metadata=wire("namespaces", check=_strings_of))
    ip_blocks: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             metadata=wire("ipBlocks", check=_strings_of))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


def _port_string(path: str, value: object) -> list[Problem]:
    """A port number written as a string, as Istio writes the ports of an operation."""
    if not isinstance(value, str) or not value.isdigit():
        return [Problem(path, f"port {show(value)} is not a port number in quotes",
                        "write the number as a string, e.g. '8080'")]
    return rules.port_number(path, int(value))


_port_strings = partial(each, item=_port_string, what="ports",
                        hint="write a list of port numbers, quoted")


@attrs.frozen(kw_only=True)
class AuthorizationOperation(Value):
    """What a request does: its ``hosts``, ``ports`` (strings, as Istio writes them),
    ``methods`` and ``paths``; the negations are carried."""

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]/to[]/operation"

    hosts: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("hosts", check=_strings_of))
    ports: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("ports", check=_port_strings))
    methods: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                           metadata=wire("methods", check=_strings_of))
    paths: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                         metadata=wire("paths", check=_strings_of))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class AuthorizationFrom(Value):
    """One ``from`` item of a rule: a source."""

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]/from[]"

    source: AuthorizationSource = attrs.field(metadata=wire("source"))


@attrs.frozen
class AuthorizationTo(Value):
    """One ``to`` item of a rule: an operation."""

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]/to[]"

    operation: AuthorizationOperation = attrs.field(metadata=wire("operation"))


@attrs.frozen
class AuthorizationCondition(Value):
    """A ``when`` condition: the request attribute ``key`` has one of ``values`` (and
    none of ``not_values``)."""

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]/when[]"

    key: str = attrs.field(metadata=wire("key", check=partial(rules.string, what="key",
                                                               empty=False)))
    values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                          metadata=wire("values", check=_strings_of))
    not_values: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                              kw_only=True, metadata=wire(
                                                  "notValues", check=_strings_of))


@attrs.frozen(kw_only=True)
class AuthorizationRule(Value):
    """A rule: requests ``from_`` any of the sources, ``to`` any of the operations,
    ``when`` all conditions hold (an empty part matches everything).

    >>> AuthorizationRule.of(principals=["cluster.local/ns/shop/sa/web"],
    ...                      methods=["GET"]).to[0].operation.methods
    ('GET',)
    """

    k8s_definition: ClassVar[str] = f"{AUTHORIZATION_POLICY}/spec/rules[]"

    from_: tuple[AuthorizationFrom, ...] = attrs.field(default=(), converter=to_tuple,
                                                       metadata=wire("from"))
    to: tuple[AuthorizationTo, ...] = attrs.field(default=(), converter=to_tuple,
                                                  metadata=wire("to"))
    when: tuple[AuthorizationCondition, ...] = attrs.field(default=(), converter=to_tuple,
                                                           metadata=wire("when"))

    @classmethod
    def of(cls, *, principals: Iterable[str] = (), namespaces: Iterable[str] = (),
           methods: Iterable[str] = (), paths: Iterable[str] = (),
           ports: Iterable[int | str] = ()) -> "AuthorizationRule":
        """One source (``principals``, ``namespaces``) and one operation (``methods``,
        ``paths``, ``ports``); leave a side empty to match everything on it."""
        collect = Collect()
        at = attrs.fields(cls)
        who = {"principals": to_str_tuple(principals), "namespaces": to_str_tuple(namespaces)}
        what = {"methods": to_str_tuple(methods), "paths": to_str_tuple(paths),
                "ports": tuple(str(port) for port in ports)}  # Istio writes ports as strings
        sources = (AuthorizationFrom(part(collect, f"{path_of(at.from_, 0)}.source",
                                          AuthorizationSource, **who)),) \
            if any(who.values()) else ()
        operations = (AuthorizationTo(part(collect, f"{path_of(at.to, 0)}.operation",
                                           AuthorizationOperation, **what)),) \
            if any(what.values()) else ()
        return finish(collect, cls, from_=sources, to=operations)


@attrs.frozen
class AuthorizationPolicy(KubeObjectBase):
    """A ``security.istio.io/v1`` AuthorizationPolicy: requests to the workloads
    ``selector`` picks (every workload of the namespace when empty) matching any of
    ``rules`` get ``action`` (ALLOW by default; CUSTOM hands them to the extension
    ``provider``). An ALLOW policy without rules allows nothing: it denies every
    request."""

    k8s_definition: ClassVar[str] = AUTHORIZATION_POLICY

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector.matchLabels",
                                                         check=selector_labels))
    action: AuthorizationAction | None = attrs.field(default=None, kw_only=True,
                                                     metadata=wire("spec.action"))
    provider: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "spec.provider.name", check=partial(rules.string, what="provider", empty=False)))
    rules: tuple[AuthorizationRule, ...] = attrs.field(default=(), converter=to_tuple,
                                                       kw_only=True,
                                                       metadata=wire("spec.rules"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _custom(self) -> list[Problem]:
        where = path_of(attrs.fields(AuthorizationPolicy).provider)
        if self.action == "CUSTOM" and self.provider is None:
            return [Problem(where, "a CUSTOM policy names its provider",
                            "give the name of an extension provider of the mesh")]
        if self.action != "CUSTOM" and self.provider is not None:
            return [Problem(where, "only a CUSTOM policy has a provider",
                            "set action CUSTOM, or remove the provider")]
        return []

    @classmethod
    def of(cls, name: str, *, namespace: str | None = None,
           action: AuthorizationAction = "ALLOW", rules: Iterable[AuthorizationRule] = (),
           selector: Mapping[str, str] | None = None, provider: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "AuthorizationPolicy":
        """A policy for the workloads ``selector`` picks (all of the namespace when
        ``None``)."""
        collect = Collect()
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      selector=selector or EMPTY, action=action, rules=rules,
                      provider=provider)

    @classmethod
    def deny_all(cls, name: str = "deny-all", *,
                 namespace: str | None = None) -> "AuthorizationPolicy":
        """Allow nothing: an ALLOW policy without rules (Istio's way to deny all)."""
        return cls.of(name, namespace=namespace, action="ALLOW")
