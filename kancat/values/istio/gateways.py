"""The edge of the mesh: the Gateway, its servers, their ports and TLS settings.
:class:`IstioPort` serves ServiceEntries too (:mod:`kancat.values.istio.egress`).

>>> gateway = Gateway.of("public", namespace="shop", servers=[
...     Server(IstioPort(443, "https", "HTTPS"), ["shop.example.com"],
...            tls=ServerTLSSettings(mode="SIMPLE", credential_name="shop-cert"))])
>>> gateway.selector["istio"]
'ingressgateway'
>>> Server.create(IstioPort(443, "https", "HTTPS"), ["shop.example.com"])
<Failure: 1 problem:
  tls: a HTTPS server needs its TLS settings (give tls with a mode (e.g. SIMPLE and a credentialName))>
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.core.value import Value, finish, rule
from kancat.errors import Problem
from kancat.values.istio.common import (
    GATEWAY,
    SERVICE_ENTRY,
    namespaced_host_list,
    object_meta,
    selector_labels,
    show,
)
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "Gateway",
    "IstioPort",
    "Server",
    "ServerTLSMode",
    "ServerTLSSettings",
]


_PROTOCOLS: Final = ("HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "REDIS",
                     "MYSQL", "TCP", "TLS", "UDP")
"""The protocols Istio names (case does not matter to it)."""


def _protocol(path: str, value: object) -> list[Problem]:
    if isinstance(value, str) and value.upper() in _PROTOCOLS:
        return []
    return [Problem(path, f"protocol {show(value)} is not one Istio knows",
                    "use one of " + ", ".join(_PROTOCOLS))]


@attrs.frozen
class IstioPort(Value):
    """A port of a Gateway server or a ServiceEntry: ``number``, ``name``,
    ``protocol`` (HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS) and, for a ServiceEntry,
    the ``target_port`` of its endpoints.

    >>> IstioPort(443, "https", "HTTPS").protocol
    'HTTPS'
    """

    k8s_definition: ClassVar[str] = f"{SERVICE_ENTRY}/spec/ports[]"

    number: int = attrs.field(metadata=wire("number", check=rules.port_number))
    name: str = attrs.field(metadata=wire("name", check=partial(rules.string,
                                                                 what="port name",
                                                                 empty=False)))
    protocol: str | None = attrs.field(default=None, metadata=wire("protocol",
                                                                   check=_protocol))
    target_port: int | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "targetPort", check=partial(rules.port_number, what="targetPort")))


ServerTLSMode: TypeAlias = Literal["PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH",
                                   "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"]


@attrs.frozen(kw_only=True)
class ServerTLSSettings(Value):
    """How a Gateway server terminates TLS: ``mode`` and the Secret
    (``credential_name``) holding its certificate; ``https_redirect`` for a plain HTTP
    server that sends clients to HTTPS."""

    k8s_definition: ClassVar[str] = f"{GATEWAY}/spec/servers[]/tls"

    mode: ServerTLSMode | None = attrs.field(default=None, metadata=wire("mode",
                                                                         what="TLS mode"))
    credential_name: str | None = attrs.field(default=None, metadata=wire(
        "credentialName", check=partial(rules.dns_subdomain, what="credentialName")))
    https_redirect: bool | None = attrs.field(default=None, metadata=wire("httpsRedirect"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @rule
    def _certificate(self) -> list[Problem]:
        if self.mode not in ("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL") or \
                self.credential_name is not None or \
                {"credentialNames", "tlsCertificates", "serverCertificate"} & set(self.extra):
            return []
        return [Problem(path_of(attrs.fields(ServerTLSSettings).credential_name),
                        f"a {self.mode} server needs its certificate",
                        "give credentialName: the Secret holding the certificate and key")]


@attrs.frozen
class Server(Value):
    """A server of a Gateway: the ``port`` it listens on and the ``hosts`` it serves
    (``host`` or ``namespace/host``), with ``tls`` for HTTPS and TLS ports."""

    k8s_definition: ClassVar[str] = f"{GATEWAY}/spec/servers[]"

    port: IstioPort = attrs.field(metadata=wire("port"))
    hosts: tuple[str, ...] = attrs.field(converter=to_str_tuple, metadata=wire(
        "hosts", check=namespaced_host_list))
    tls: ServerTLSSettings | None = attrs.field(default=None, kw_only=True,
                                                metadata=wire("tls"))
    name: str | None = attrs.field(default=None, kw_only=True, metadata=wire("name"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _served(self) -> list[Problem]:
        at = attrs.fields(Server)
        found: list[Problem] = []
        if not self.hosts:
            found.append(Problem(path_of(at.hosts), "a server serves at least one host",
                                 "list the hosts, e.g. '*.example.com' or '*'"))
        if self.port.protocol is None:
            found.append(Problem(path_of(at.port, attrs.fields(IstioPort).protocol),
                                 "a Gateway port needs a protocol",
                                 "give HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS"))
        elif self.port.protocol.upper() in ("HTTPS", "TLS") and (
                self.tls is None or self.tls.mode is None):
            found.append(Problem(path_of(at.tls), f"a {self.port.protocol} server needs "
                                                  "its TLS settings",
                                 "give tls with a mode (e.g. SIMPLE and a credentialName)"))
        return found


@attrs.frozen
class Gateway(KubeObjectBase):
    """A ``networking.istio.io/v1`` Gateway: the ``servers`` of the gateway pods that
    ``selector`` picks (``{"istio": "ingressgateway"}``)."""

    k8s_definition: ClassVar[str] = GATEWAY

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    selector: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, kw_only=True,
                                           metadata=wire("spec.selector",
                                                         check=selector_labels))
    servers: tuple[Server, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.servers"))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _servers(self) -> list[Problem]:
        at = attrs.fields(Gateway)
        if not self.servers:
            return [Problem(path_of(at.servers), "a Gateway needs at least one server",
                            "add a server with a port and hosts")]
        # Several servers may share a port (told apart by host, or by SNI): only their
        # names must differ.
        return rules.unique(path_of(at.servers), self.servers, lambda s: s.name,
                            field="name", what="server name")

    @classmethod
    def of(cls, name: str, *, servers: Iterable[Server],
           selector: Mapping[str, str] | None = None, namespace: str | None = None,
           labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "Gateway":
        """A Gateway on the pods ``selector`` picks (by default Istio's ingress
        gateway, ``istio: ingressgateway``)."""
        collect = Collect()
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      selector={"istio": "ingressgateway"} if selector is None else selector,
                      servers=servers)
