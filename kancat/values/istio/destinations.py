"""What happens to traffic once routed: the DestinationRule, its subsets and its
TrafficPolicy — circuit breaking (connection pool), outlier detection and client TLS.

>>> rule = DestinationRule.of("reviews", host="reviews",
...                           subsets={"v1": {"version": "v1"}, "v2": {"version": "v2"}},
...                           traffic_policy=TrafficPolicy.of(tls="ISTIO_MUTUAL"))
>>> sorted(rule.subset_names)
['v1', 'v2']
>>> ClientTLSSettings.create("ISTIO_MUTUAL", credential_name="reviews-cert")
<Failure: 1 problem:
  credentialName: ISTIO_MUTUAL uses Istio's certificates, not credentialName (remove credentialName, or use mode MUTUAL)>
"""

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, to_frozen, to_str_map, to_str_tuple, to_tuple
from kancat.core.fields import carried, path_of, wire
from kancat.core.frozen import EMPTY, FrozenMap, is_mapping
from kancat.core.value import Value, finish, part, rule
from kancat.errors import Problem
from kancat.values.istio.common import (
    DESTINATION_RULE,
    SIDECAR,
    count,
    duration,
    export_namespaces,
    host,
    object_meta,
    selector_labels,
)
from kancat.values.meta import KubeObjectBase, ObjectMeta

__all__ = [
    "ClientTLSMode",
    "ClientTLSSettings",
    "ConnectionPoolSettings",
    "DestinationRule",
    "OutlierDetection",
    "Subset",
    "TrafficPolicy",
]


ClientTLSMode: TypeAlias = Literal["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]


@attrs.frozen(kw_only=True)
class ConnectionPoolSettings(Value):
    """Circuit breaking: at most ``max_connections`` TCP connections, at most
    ``http1_max_pending_requests`` requests waiting for one, ``http2_max_requests``
    requests at once, ``max_requests_per_connection`` requests on a connection.

    >>> ConnectionPoolSettings(max_connections=100, http1_max_pending_requests=10).max_connections
    100
    """

    k8s_definition: ClassVar[str] = f"{SIDECAR}/spec/inboundConnectionPool"

    max_connections: int | None = attrs.field(default=None, metadata=wire(
        "tcp.maxConnections", check=partial(count, what="maxConnections")))
    connect_timeout: str | None = attrs.field(default=None, metadata=wire(
        "tcp.connectTimeout", check=partial(duration, what="connectTimeout")))
    http1_max_pending_requests: int | None = attrs.field(default=None, metadata=wire(
        "http.http1MaxPendingRequests", check=partial(count,
                                                     what="http1MaxPendingRequests")))
    http2_max_requests: int | None = attrs.field(default=None, metadata=wire(
        "http.http2MaxRequests", check=partial(count, what="http2MaxRequests")))
    max_requests_per_connection: int | None = attrs.field(default=None, metadata=wire(
        "http.maxRequestsPerConnection", check=partial(count,
                                                      what="maxRequestsPerConnection")))
    max_retries: int | None = attrs.field(default=None, metadata=wire(
        "http.maxRetries", check=partial(count, what="maxRetries")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen(kw_only=True)
class OutlierDetection(Value):
    """Ejecting failing hosts: after ``consecutive_5xx_errors`` errors, checked every
    ``interval``, a host is ejected for ``base_ejection_time`` (times the number of
    ejections), never more than ``max_ejection_percent`` of the hosts at once."""

    k8s_definition: ClassVar[str] = f"{DESTINATION_RULE}/spec/trafficPolicy/outlierDetection"

    consecutive_5xx_errors: int | None = attrs.field(default=None, metadata=wire(
        "consecutive5xxErrors", check=partial(count, what="consecutive5xxErrors")))
    consecutive_gateway_errors: int | None = attrs.field(default=None, metadata=wire(
        "consecutiveGatewayErrors", check=partial(count, what="consecutiveGatewayErrors")))
    interval: str | None = attrs.field(default=None, metadata=wire(
        "interval", check=partial(duration, what="interval")))
    base_ejection_time: str | None = attrs.field(default=None, metadata=wire(
        "baseEjectionTime", check=partial(duration, what="baseEjectionTime")))
    max_ejection_percent: int | None = attrs.field(default=None, metadata=wire(
        "maxEjectionPercent", check=partial(rules.integer, minimum=0, maximum=100,
                                            what="maxEjectionPercent")))
    min_health_percent: int | None = attrs.field(default=None, metadata=wire(
        "minHealthPercent", check=partial(rules.integer, minimum=0, maximum=100,
                                          what="minHealthPercent")))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())


@attrs.frozen
class ClientTLSSettings(Value):
    """How the client side of a connection speaks TLS: ``ISTIO_MUTUAL`` (mesh mTLS
    with Istio's certificates), ``MUTUAL`` or ``SIMPLE`` (your own), ``DISABLE``."""

    k8s_definition: ClassVar[str] = f"{DESTINATION_RULE}/spec/trafficPolicy/tls"

    mode: ClientTLSMode | None = attrs.field(default=None, metadata=wire(
        "mode", what="TLS mode"))
    credential_name: str | None = attrs.field(default=None, kw_only=True, metadata=wire(
        "credentialName", check=partial(rules.dns_subdomain, what="credentialName")))
    sni: str | None = attrs.field(default=None, kw_only=True, metadata=wire("sni"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _istio_certificates(self) -> list[Problem]:
        if self.mode != "ISTIO_MUTUAL":
            return []
        own = [key for key in ("clientCertificate", "privateKey", "caCertificates")
               if key in self.extra] + (["credentialName"] if self.credential_name else [])
        if not own:
            return []
        return [Problem(own[0], f"ISTIO_MUTUAL uses Istio's certificates, not {own[0]}",
                        f"remove {', '.join(own)}, or use mode MUTUAL")]


@attrs.frozen(kw_only=True)
class TrafficPolicy(Value):
    """The policies for traffic to a host or subset: circuit breaking
    (``connection_pool``), ``outlier_detection`` and client ``tls``; load balancing and
    per-port settings are carried.

    >>> TrafficPolicy.of(tls="ISTIO_MUTUAL").tls.mode
    'ISTIO_MUTUAL'
    """

    k8s_definition: ClassVar[str] = f"{DESTINATION_RULE}/spec/trafficPolicy"

    connection_pool: ConnectionPoolSettings | None = attrs.field(default=None, metadata=wire(
        "connectionPool"))
    outlier_detection: OutlierDetection | None = attrs.field(default=None, metadata=wire(
        "outlierDetection"))
    tls: ClientTLSSettings | None = attrs.field(default=None, metadata=wire("tls"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen,
                                        metadata=carried())

    @classmethod
    def of(cls, *, tls: "ClientTLSMode | ClientTLSSettings | None" = None,
           connection_pool: ConnectionPoolSettings | None = None,
           outlier_detection: OutlierDetection | None = None) -> "TrafficPolicy":
        """A policy; ``tls`` may be just a mode (``"ISTIO_MUTUAL"``)."""
        collect = Collect()
        settings = part(collect, path_of(attrs.fields(cls).tls), ClientTLSSettings,
                        mode=tls) if isinstance(tls, str) else tls
        return finish(collect, cls, tls=settings, connection_pool=connection_pool,
                      outlier_detection=outlier_detection)


@attrs.frozen
class Subset(Value):
    """A named version of a host: the endpoints with ``labels``, with its own
    ``traffic_policy`` (overriding the host's)."""

    k8s_definition: ClassVar[str] = f"{DESTINATION_RULE}/spec/subsets[]"

    name: str = attrs.field(metadata=wire("name", check=partial(rules.dns_label,
                                                                 what="subset name")))
    labels: FrozenMap[str] = attrs.field(default=EMPTY, converter=to_str_map, metadata=wire(
        "labels", check=selector_labels))
    traffic_policy: TrafficPolicy | None = attrs.field(default=None, kw_only=True,
                                                       metadata=wire("trafficPolicy"))


@attrs.frozen
class DestinationRule(KubeObjectBase):
    """A ``networking.istio.io/v1`` DestinationRule: the subsets of ``host`` and the
    policies of traffic to it."""

    k8s_definition: ClassVar[str] = DESTINATION_RULE

    metadata: ObjectMeta = attrs.field(metadata=wire("metadata"))
    host: str = attrs.field(kw_only=True, metadata=wire("spec.host", check=host))
    traffic_policy: TrafficPolicy | None = attrs.field(default=None, kw_only=True,
                                                       metadata=wire("spec.trafficPolicy"))
    subsets: tuple[Subset, ...] = attrs.field(default=(), converter=to_tuple, kw_only=True,
                                              metadata=wire("spec.subsets"))
    export_to: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple,
                                             kw_only=True, metadata=wire(
                                                 "spec.exportTo",
                                                 check=export_namespaces))
    spec_extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                             metadata=carried("spec"))
    extra: FrozenMap[Any] = attrs.field(default=EMPTY, converter=to_frozen, kw_only=True,
                                        metadata=carried())

    @rule
    def _subsets(self) -> list[Problem]:
        return rules.unique(path_of(attrs.fields(DestinationRule).subsets), self.subsets,
                            lambda s: s.name, field="name", what="subset name")

    @property
    def subset_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.subsets)

    @classmethod
    def of(cls, name: str, *, host: str,
           subsets: "Mapping[str, Mapping[str, str]] | Iterable[Subset]" = (),
           traffic_policy: TrafficPolicy | None = None, namespace: str | None = None,
           export_to: Iterable[str] = (), labels: Mapping[str, str] | None = None,
           annotations: Mapping[str, str] | None = None) -> "DestinationRule":
        """The rule for ``host``; ``subsets`` may map subset names to their labels."""
        collect = Collect()
        at = attrs.fields(cls)
        subset_list = (tuple(part(collect, path_of(at.subsets, index), Subset, name=key,
                                  labels=selected)
                             for index, (key, selected) in enumerate(subsets.items()))
                       if is_mapping(subsets) else to_tuple(subsets))
        return finish(collect, cls, metadata=object_meta(collect, cls, name, namespace,
                                                         labels, annotations),
                      host=host, traffic_policy=traffic_policy, subsets=subset_list,
                      export_to=export_to)
