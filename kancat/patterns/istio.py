"""A production Istio installation as a ready value: the founding design's mesh.

:func:`production_profile` is the IstioOperator of the founding design's "multi-stage
service mesh": istiod (``pilot``) requesting 1000m CPU and 1024Mi of memory, scaled
from 2 to 5 replicas at 60% CPU; the ``istio-ingressgateway`` enabled behind a
LoadBalancer Service forwarding 80 → 8080 (``http``) and 443 → 8443 (``https``); and a
mesh configuration that keeps Envoy's outlier-detection, circuit-breaker and retry
statistics, logs every request to standard output and reports metrics to Prometheus.

>>> from kancat import to_yaml
>>> operator = production_profile()
>>> operator.components.pilot.k8s.autoscaling.cpu_utilization
60
>>> [(p.name, p.port, p.target_port) for p in operator.components.ingress_gateways[0].k8s.service_ports]
[('http', 80, 8080), ('https', 443, 8443)]
>>> print(to_yaml(operator), end="")  # doctest: +ELLIPSIS
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: production-mesh
  namespace: istio-system
spec:
  profile: default
  meshConfig:
    accessLogFile: /dev/stdout
    defaultConfig:
      proxyStatsMatcher:
        inclusionRegexps:
        - .*outlier_detection.*
        - .*circuit_breakers.*
        - .*retry.*
    defaultProviders:
      metrics:
      - prometheus
  components:
    pilot:
      k8s:
        resources:
          requests:
            cpu: 1000m
            memory: 1024Mi
        hpaSpec:
          minReplicas: 2
          maxReplicas: 5
          metrics:
          ...
    ingressGateways:
    - name: istio-ingressgateway
      enabled: true
      k8s:
        service:
          type: LoadBalancer
          ports:
          - name: http
            port: 80
            targetPort: 8080
            protocol: TCP
          - name: https
            port: 443
            targetPort: 8443
            protocol: TCP
<BLANKLINE>

The founding design names the profile ``production``, which Istio does not ship
(``istioctl`` takes a built-in profile — ``default``, ``demo``, ``minimal``, ... — or a
file, and refuses an unknown name); its figures are therefore laid over ``default``,
the profile Istio recommends for production.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Final

from kancat.values.istio.operator import (
    Autoscaling,
    GatewayComponent,
    IstioComponent,
    IstioComponents,
    IstioOperator,
    KubernetesResources,
)

__all__ = [
    "PRODUCTION_STATS_INCLUSIONS",
    "mesh_config",
    "production_profile",
]

PRODUCTION_STATS_INCLUSIONS: Final[tuple[str, ...]] = (
    ".*outlier_detection.*", ".*circuit_breakers.*", ".*retry.*")
"""The Envoy statistics a production mesh keeps beyond Istio's defaults (regular
expressions on the stat names): outlier ejections, circuit-breaker state, retries."""


def mesh_config(*, access_log_file: str | None = "/dev/stdout",
                stats_inclusion_regexps: Iterable[str] = PRODUCTION_STATS_INCLUSIONS,
                metrics_providers: Iterable[str] = ("prometheus",)) -> dict[str, Any]:
    """An IstioOperator ``meshConfig``: the access log file, the Envoy statistics kept
    (``defaultConfig.proxyStatsMatcher.inclusionRegexps``) and the default metrics
    providers; a setting left empty is left out.

    >>> mesh_config(access_log_file=None, stats_inclusion_regexps=())
    {'defaultProviders': {'metrics': ['prometheus']}}
    """
    config: dict[str, Any] = {}
    if access_log_file is not None:
        config["accessLogFile"] = access_log_file
    inclusions = list(stats_inclusion_regexps)
    if inclusions:
        config["defaultConfig"] = {"proxyStatsMatcher": {"inclusionRegexps": inclusions}}
    providers = list(metrics_providers)
    if providers:
        config["defaultProviders"] = {"metrics": providers}
    return config


def production_profile(*, name: str = "production-mesh", namespace: str = "istio-system",
                       profile: str = "default", revision: str | None = None,
                       hub: str | None = None, tag: str | None = None,
                       gateway_ports: Mapping[str, tuple[int, int]] | None = None
                       ) -> IstioOperator:
    """The founding design's production IstioOperator (see the module documentation);
    ``revision``, ``hub`` and ``tag`` choose the control plane's revision and images,
    ``gateway_ports`` replaces the ingress gateway's ports (names to ``(port, target
    port)``)."""
    pilot = IstioComponent(k8s=KubernetesResources.of(
        requests={"cpu": "1000m", "memory": "1024Mi"},
        autoscaling=Autoscaling.of(2, 5, cpu_utilization=60)))
    ingress = GatewayComponent.of(
        "istio-ingressgateway", enabled=True, service_type="LoadBalancer",
        service_ports=gateway_ports if gateway_ports is not None else {
            "http": (80, 8080), "https": (443, 8443)})
    return IstioOperator.of(name, namespace=namespace, profile=profile, revision=revision,
                            hub=hub, tag=tag, mesh_config=mesh_config(),
                            components=IstioComponents(pilot=pilot,
                                                       ingress_gateways=(ingress,)))
