"""The built-in example: a realistic small application.

* ``web``: a Deployment whose app container writes logs to an emptyDir that an
  injected fluent-bit sidecar ships on, with its configuration from a ConfigMap;
* a ClusterIP Service in front of it;
* ``db``: the founding design's replicated PostgreSQL
  (:func:`kancat.patterns.database.postgres_cluster`): a 3-replica StatefulSet whose init
  container prepares a primary (ordinal 0) or a streaming replica (the others) with
  scripts from a ConfigMap, with probes, a volumeClaimTemplate per replica, the headless
  Service that names its pods, and a PodDisruptionBudget; its pods pass the restricted
  Pod Security level. Its passwords live in the Secret ``database-secret``, which a
  secret manager provides: the StatefulSet says so (annotation ``kancat/provided``), and
  kancat does not hold secret values in an example.

Every object it refers to is in the list or declared provided, so the checks across
objects find nothing:

>>> [f"{o.kind}/{o.name}" for o in production]
['Namespace/shop', 'ConfigMap/fluent-bit-config', 'ConfigMap/db-config', 'Deployment/web', 'Service/web', 'Service/db', 'StatefulSet/db', 'PodDisruptionBudget/db']
>>> from kancat.interpret.consistency import check_objects
>>> check_objects(production, strict=True)
[]

:data:`stack` is the founding design's whole stack, in the namespace ``store``
(``kancat emit kancat.examples:stack --kubernetes-version X.Y``):

* ``frontend``, the distributed app: 10 replicas spread over zones, preferring separate
  hosts, required on its node types;
* ``api``, the microservice with its three sidecars: logging (fluent-bit), proxy (Envoy)
  and metrics (node-exporter), with their ConfigMaps;
* ``db``, the replicated PostgreSQL, as above;
* the mesh: mTLS STRICT and Pod Security "restricted" for the namespace (its injection
  and Pod Security labels, PeerAuthentication, a DestinationRule with ISTIO_MUTUAL per
  service, and, for its one egress host, a Sidecar, a ServiceEntry and a default-deny
  NetworkPolicy), the Istio control plane (``production_profile``), and the frontend's
  traffic policies: a VirtualService with retries and a timeout, and a DestinationRule
  keeping ISTIO_MUTUAL with a connection pool and outlier detection;
* autoscaling that does not fight: a VPA (Auto) for the frontend, an HPA (CPU) for the api;
* security: every pod passes "restricted" (Istio's sidecar is injected at admission,
  by a control plane with its CNI plugin: see :func:`meshed_as_admitted`), and before
  Kubernetes 1.25 the restricted PodSecurityPolicy is added (:meth:`Stack.objects_for`).

Its objects depend on the Kubernetes version, through the general
``objects_for(kubernetes_version)`` hook of :mod:`kancat.interpret.emit`:

>>> from kancat.interpret.emit import to_manifests
>>> [m["apiVersion"] for m in to_manifests(stack, kubernetes_version="1.20")
...  if m["kind"] in ("PodDisruptionBudget", "PodSecurityPolicy")]
['policy/v1beta1', 'policy/v1beta1']
>>> check_objects(stack.objects(), strict=True)
[]

The design's Falco rules are not Kubernetes objects; :data:`falco_rules` holds them, and
``to_falco_yaml(falco_rules)`` (:mod:`kancat.patterns.runtime_security`) writes the
rules file Falco loads. :data:`CHECKOV_SKIPS` lists the checkov checks the stack does
not pass, each with its reason (``tests/test_example.py`` runs checkov with them).
"""

import attrs

from kancat.algebra.monoidal import ControlPlane, Mesh, MeshService
from kancat.algebra.policy import MeshPolicy
from kancat.patterns.database import postgres_cluster
from kancat.patterns.istio import production_profile
from kancat.patterns.istio_injection import istio_sidecar
from kancat.patterns.runtime_security import design_falco_rules, restricted_psp
from kancat.patterns.scheduling import prefer_separate_hosts, require_node_types, spread_zones
from kancat.patterns.security import restricted
from kancat.patterns.sidecars import (
    envoy,
    envoy_config,
    fluent_bit,
    fluent_bit_config,
    inject,
    node_exporter,
)
from kancat.values import (
    Container,
    Deployment,
    HTTPGetAction,
    KubeObject,
    Namespace,
    Probe,
    Service,
    StatefulSet,
)
from kancat.values.autoscaling import HorizontalPodAutoscaler, VerticalPodAutoscaler
from kancat.values.istio import (
    ConnectionPoolSettings,
    DestinationRule,
    HTTPRetry,
    HTTPRoute,
    OutlierDetection,
    TrafficPolicy,
    VirtualService,
)
from kancat.values.kinds import DEFAULT_VERSION, KubernetesVersion, parse_version

NAMESPACE = "shop"

namespace = Namespace.of(NAMESPACE, labels={"pod-security.kubernetes.io/enforce": "baseline"})

fluent_bit_settings = fluent_bit_config(namespace=NAMESPACE)

web_app = Deployment.of(
    "web",
    namespace=NAMESPACE,
    replicas=3,
    containers=[
        Container.of(
            "app",
            image="registry.example.com/shop/web:1.4.2",
            ports={"http": 8080},
            env={"LOG_DIR": "/var/log/app"},
            requests={"cpu": "250m", "memory": "256Mi"},
            limits={"cpu": "1", "memory": "512Mi"},
            liveness_probe=Probe(HTTPGetAction(port="http", path="/healthz"),
                                 initial_delay_seconds=10, period_seconds=10),
            readiness_probe=Probe(HTTPGetAction(port="http", path="/ready"), period_seconds=5),
        ),
    ],
)

# The logging sidecar is injected: the pod gains the fluent-bit container, the shared
# emptyDir mounted at /var/log/app in the app, and the ConfigMap volume.
web = inject(fluent_bit())(web_app)

web_service = Service.expose(web, port=80)

# The founding design's stateful database (§4), from the pattern: its configuration and
# scripts, the headless Service, the StatefulSet and its PodDisruptionBudget. The shop
# prepares its pods with its own init image (PostgreSQL's client tools, pg_basebackup).
database = postgres_cluster("db", namespace=NAMESPACE, secret_name="database-secret",
                            init_image="registry.example.com/shop/db-init:1.0.0")
db_config, db_service, db, db_budget = database.objects()

production: list[KubeObject] = [namespace, fluent_bit_settings, db_config, web, web_service,
                                 db_service, db, db_budget]
"""Everything, in apply order (namespace and configuration first)."""


# --- the founding design's whole stack ----------------------------------------------------

STACK_NAMESPACE = "store"
"""The stack lives in its own namespace, so it can be applied next to :data:`production`."""

ISTIO_REVISION = "1-24"


def _app_container(name: str, image: str) -> Container:
    return Container.of(
        name, image=image, ports={"http": 8080},
        env={"LOG_DIR": "/var/log/app"},
        requests={"cpu": "250m", "memory": "256Mi"}, limits={"cpu": "1", "memory": "512Mi"},
        liveness_probe=Probe(HTTPGetAction(port="http", path="/healthz"),
                             initial_delay_seconds=10, period_seconds=10),
        readiness_probe=Probe(HTTPGetAction(port="http", path="/ready"), period_seconds=5))


# Every pod of the stack is hardened to Pod Security "restricted". Istio's sidecar is
# added at admission (the namespace carries the revision label), not in the manifests:
# the injected proxy's probes and istiod's root-certificate ConfigMap belong to the
# control plane. The cluster's Istio must run with its CNI plugin, so what it injects is
# the unprivileged istio-validation, not istio-init (NET_ADMIN, root), which no
# restricted namespace admits; :func:`meshed_as_admitted` shows the pods so injected
# (they still pass "restricted": see tests/test_example.py).
_meshed = restricted()


def meshed_as_admitted(workload: Deployment | StatefulSet) -> Deployment | StatefulSet:
    """``workload`` as Istio's injector (in CNI mode) admits it into the mesh.

    >>> [c.name for c in meshed_as_admitted(frontend).template.all_containers]
    ['istio-validation', 'app', 'istio-proxy']
    """
    injected: Deployment | StatefulSet = istio_sidecar(cni=True, revision=ISTIO_REVISION)(
        workload)
    return injected

# The distributed app (§3): 10 replicas spread evenly over zones, preferring separate
# hosts, only on the node types it was sized for.
frontend = (spread_zones()
            .then(prefer_separate_hosts())
            .then(require_node_types(["m5.xlarge", "m5.2xlarge"]))
            .then(_meshed))(Deployment.of(
                "frontend", namespace=STACK_NAMESPACE, replicas=10,
                containers=[_app_container("app", "registry.example.com/store/frontend:2.1.0")]))

# The microservice (§5) with its three sidecars: logging (fluent-bit), proxy (Envoy) and
# metrics (node-exporter), each configured by a ConfigMap where it needs one.
api = (inject(fluent_bit(), envoy(service_cluster="api"), node_exporter())
       .then(_meshed))(Deployment.of(
           "api", namespace=STACK_NAMESPACE, replicas=3,
           containers=[_app_container("app", "registry.example.com/store/api:3.0.1")]))

# The stateful database (§4); its pods already pass "restricted".
store_database = postgres_cluster("db", namespace=STACK_NAMESPACE, secret_name="database-secret",
                                  init_image="registry.example.com/shop/db-init:1.0.0")
store_db_config, store_db_service, store_db, store_db_budget = store_database.objects()

# The mesh (§6): mTLS STRICT and Pod Security "restricted" for the namespace, which
# therefore gets the injection and Pod Security labels, a PeerAuthentication, and a
# DestinationRule with ISTIO_MUTUAL per service.
mesh = Mesh.of(MeshService.of(frontend, port=80), MeshService.of(api, port=80),
               MeshService("db", [_meshed(store_db)], store_db_service),
               policy=MeshPolicy.of(mtls="STRICT", pod_security="restricted",
                                    egress_hosts=["api.stripe.com"]),
               control_plane=ControlPlane.of(revision=ISTIO_REVISION))

_FRONTEND_HOST = f"frontend.{STACK_NAMESPACE}.svc.cluster.local"

# The app's traffic policies: retries and a timeout on its routes, and (refining the
# DestinationRule the mesh derives, so ISTIO_MUTUAL stays) a connection pool and
# outlier detection that ejects failing pods.
frontend_routes = VirtualService.of(
    "frontend", namespace=STACK_NAMESPACE, hosts=[_FRONTEND_HOST],
    http=[HTTPRoute.of(route=[_FRONTEND_HOST], timeout="10s",
                       retries=HTTPRetry.of(3, per_try_timeout="2s",
                                            retry_on="5xx,reset,connect-failure"))])
frontend_destination = DestinationRule.of(
    "frontend", namespace=STACK_NAMESPACE, host=_FRONTEND_HOST,
    traffic_policy=TrafficPolicy.of(
        tls="ISTIO_MUTUAL",
        connection_pool=ConnectionPoolSettings(max_connections=100,
                                               http1_max_pending_requests=100),
        outlier_detection=OutlierDetection(consecutive_5xx_errors=5, interval="30s",
                                           base_ejection_time="30s", max_ejection_percent=50)))

# Autoscaling: the frontend's requests follow its use (a VPA in Auto), and the api scales
# out on CPU (an HPA); no workload has both on one resource, so they never fight.
frontend_vpa = VerticalPodAutoscaler.of(frontend)
api_hpa = HorizontalPodAutoscaler.of(api, min_replicas=3, max_replicas=10, cpu_utilization=70)

control_plane = production_profile(revision=ISTIO_REVISION)

falco_rules = design_falco_rules(trusted_repos=["registry.example.com/"])
"""The design's Falco rules. They are not Kubernetes objects, so no ``objects()`` holds
them; write them with :func:`kancat.patterns.runtime_security.to_falco_yaml`."""


_APPLY_RANK = {"Namespace": 0, "ConfigMap": 1, "IstioOperator": 1}


_SECCOMP = "seccomp.security.alpha.kubernetes.io"

_design_psp = restricted_psp()
pod_security_policy = attrs.evolve(_design_psp, metadata=_design_psp.metadata.with_annotations({
    f"{_SECCOMP}/allowedProfileNames": "runtime/default",
    f"{_SECCOMP}/defaultProfileName": "runtime/default"}))
"""The design's restricted PodSecurityPolicy (for Kubernetes before 1.25), which also
makes pods run under the runtime's default seccomp profile (through the annotations
PodSecurityPolicy reads for it), as Pod Security "restricted" asks from 1.25 on."""


@attrs.frozen
class Stack:
    """The founding design's whole stack, whose objects depend on the Kubernetes version:
    before 1.25 it adds the restricted PodSecurityPolicy (Pod Security Admission, through
    the namespace's labels, takes over from 1.25; before it both hold). Everything else
    is the same in every version; the codec picks each kind's apiVersion.

    >>> [f"{o.kind}/{o.name}" for o in stack.objects_for("1.24")][-1]
    'PodSecurityPolicy/restricted-psp'
    >>> "PodSecurityPolicy" in {o.kind for o in stack.objects()}
    False
    """

    mesh: Mesh
    extra: tuple[KubeObject, ...]
    """Objects beside the mesh's: configuration, traffic policies, autoscalers."""

    def objects(self) -> list[KubeObject]:
        """The objects for :data:`~kancat.values.kinds.DEFAULT_VERSION`."""
        return self.objects_for(DEFAULT_VERSION)

    def objects_for(self, kubernetes_version: str | KubernetesVersion) -> list[KubeObject]:
        """The objects for ``kubernetes_version``, in apply order."""
        refined = {(o.kind, o.namespace, o.name): o for o in self.extra}
        meshed = [refined.pop((o.kind, o.namespace, o.name), o) for o in self.mesh.objects()]
        # Namespaces first, then configuration, then what uses it.
        found = sorted([*meshed, *refined.values()], key=lambda o: _APPLY_RANK.get(o.kind, 2))
        if parse_version(kubernetes_version) < (1, 25):
            found.append(pod_security_policy)
        return found


stack = Stack(mesh, (frontend_destination, control_plane, fluent_bit_config(namespace=STACK_NAMESPACE),
                     envoy_config(namespace=STACK_NAMESPACE), store_db_config, store_db_budget,
                     frontend_routes, frontend_vpa, api_hpa))
"""The founding design's whole stack (``kancat emit kancat.examples:stack``)."""

CHECKOV_SKIPS: dict[str, str] = {
    "CKV_K8S_15": "imagePullPolicy Always is a workaround for mutable tags; the stack's "
                  "images carry version tags and are pinned by digest at release "
                  "(kancat.algebra.functor.pin_digests, `kancat images --require-digest`), "
                  "so IfNotPresent pulls the same bytes without a registry round trip per pod",
    "CKV_K8S_43": "the example's images are illustrative (registry.example.com) and have no "
                  "real digests; a release pins them with pin_digests, and `kancat images "
                  "--strict --require-digest` refuses any left unpinned",
    "CKV_K8S_8": "the sidecars (Envoy, fluent-bit, node-exporter from kancat.patterns.sidecars) "
                 "have no liveness probe: their app is probed, and a sidecar that exits is "
                 "restarted by the kubelet anyway",
    "CKV_K8S_9": "the sidecars have no readiness probe: the pod's readiness is the app's, "
                 "which is probed",
    "CKV_K8S_11": "no CPU limit on the sidecars and the database: CPU limits throttle "
                  "latency-sensitive proxies and PostgreSQL under bursts; their CPU requests "
                  "(set) reserve what they need, and memory limits are set",
    "CKV_K8S_10": "the database's init container (kancat.patterns.database) runs once before "
                  "the server starts and declares no resources; the pod's scheduling is sized "
                  "by the server container's requests",
    "CKV_K8S_12": "as CKV_K8S_10, for memory requests of the database's init container",
    "CKV_K8S_13": "as CKV_K8S_10, for memory limits of the database's init container",
    "CKV_K8S_35": "the PostgreSQL image reads its passwords from environment variables "
                  "(POSTGRES_PASSWORD, from the Secret database-secret) in "
                  "kancat.patterns.database; the pattern, not the example, would move them to "
                  "files (POSTGRES_PASSWORD_FILE)",
    "CKV_K8S_40": "PostgreSQL runs as UID 999, the image's postgres user that owns its data "
                  "directory; a UID above 10000 would not own the image's files",
}
"""The checkov checks the stack does not pass, each with why (checkov's ``# checkov:skip=``
comments cannot live in generated YAML, so they are passed as ``--skip-check``)."""
