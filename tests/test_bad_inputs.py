"""Bad inputs to the Python constructors: each is refused with the right field path.

Every row builds one bad value and names the exact :class:`~kancat.errors.Problem`
path and a piece of its message. Paths are relative to the value being built:
``Container.of`` reports ``ports[0].containerPort``, a ``PodTemplate``
``spec.containers[1].name``, a workload ``spec.template.spec.containers[1].name``.
"""

from collections.abc import Callable
from typing import Any

import pytest
from returns.result import Failure, Success

from kancat.errors import InvalidValue
from kancat.values import (
    ConfigMap,
    Container,
    ContainerPort,
    Deployment,
    EmptyDir,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    ImageRef,
    LabelSelector,
    LabelSelectorRequirement,
    Namespace,
    ObjectMeta,
    PersistentVolumeClaimTemplate,
    PodDisruptionBudget,
    PodTemplate,
    Probe,
    Quantity,
    Resources,
    Service,
    ServicePort,
    StatefulSet,
    TCPSocketAction,
    Volume,
    VolumeMount,
)

IMAGE = "registry.example.com/shop/web:1.4.2"


def ctr(name: str = "app", **kwargs: Any) -> Container:
    """A valid container unless ``kwargs`` make it otherwise."""
    return Container.of(name, image=IMAGE, **kwargs)


APP = ctr()
WEB = {"app": "web"}


def claim(name: str = "data") -> PersistentVolumeClaimTemplate:
    return PersistentVolumeClaimTemplate(name, Quantity.of("1Gi"))


def row(build: Callable[[], object], path: str, fragment: str, id: str) -> Any:
    return pytest.param(build, path, fragment, id=id)


BAD_INPUTS = [
    # --- names: DNS-1123 label (container, volume), subdomain (Deployment), 1035 (Service)
    row(lambda: ctr("Bad_Name!"), "name", "is not a DNS-1123 label", id="container-name-bad"),
    row(lambda: ctr("App"), "name", "is not a DNS-1123 label", id="container-name-uppercase"),
    row(lambda: ctr("-app"), "name", "is not a DNS-1123 label", id="container-name-leading-dash"),
    row(lambda: ctr("a" * 64), "name", "is 64 characters long", id="container-name-64-chars"),
    row(lambda: Container("Bad_Name!", ImageRef.of(IMAGE)), "name", "container name",
        id="container-raw-name-bad"),
    row(lambda: Volume("Bad_Vol", EmptyDir()), "name", "volume name 'Bad_Vol' is not a DNS-1123",
        id="volume-name-bad"),
    row(lambda: Volume("web.data", EmptyDir()), "name", "is not a DNS-1123 label",
        id="volume-name-dot"),
    row(lambda: Volume("v" * 64, EmptyDir()), "name", "64 characters long",
        id="volume-name-64-chars"),
    row(lambda: VolumeMount("data_dir", "/data"), "name", "volume name 'data_dir'",
        id="volume-mount-name-bad"),
    row(lambda: ObjectMeta.of("Bad_Name!"), "name", "is not a DNS-1123 subdomain",
        id="meta-name-bad"),
    row(lambda: ObjectMeta.of("a" * 254), "name", "254 characters long", id="meta-name-254-chars"),
    row(lambda: ObjectMeta.of("web", namespace="Shop"), "namespace", "is not a DNS-1123 label",
        id="meta-namespace-bad"),
    row(lambda: Deployment.of("Bad_Name!", containers=[APP]), "metadata.name", "is not a DNS-1123 subdomain", id="deployment-name-bad"),
    row(lambda: Deployment.of("a" * 254, containers=[APP], labels=WEB), "metadata.name", "254 characters long", id="deployment-name-254-chars"),
    row(lambda: Service.of("1web", selector=WEB, ports={"http": 80}), "metadata.name",
        "must start with a letter", id="service-name-digit-first"),
    row(lambda: Service.of("web.v1", selector=WEB, ports={"http": 80}), "metadata.name",
        "is not a DNS-1123 label", id="service-name-dot"),
    row(lambda: Service.of("s" * 64, selector=WEB, ports={"http": 80}), "metadata.name",
        "64 characters long", id="service-name-64-chars"),
    row(lambda: Service.of("Bad_Name!", selector=WEB, ports={"http": 80}), "metadata.name", "Bad_Name!", id="service-name-bad"),
    row(lambda: StatefulSet.of("db.v1", service_name="db", containers=[APP]), "metadata.name",
        "StatefulSet name 'db.v1' is not a DNS-1123 label", id="statefulset-name-dot"),
    row(lambda: StatefulSet.of("db", service_name="1db", containers=[APP]), "spec.serviceName",
        "must start with a letter", id="statefulset-service-name-bad"),
    row(lambda: Namespace.of("shop.v1"), "metadata.name", "namespace name 'shop.v1'",
        id="namespace-name-dot"),
    row(lambda: Namespace.of("Shop"), "metadata.name", "'Shop'", id="namespace-name-uppercase"),
    row(lambda: Namespace(ObjectMeta("shop", namespace="other")), "metadata.namespace",
        "not namespaced", id="namespace-with-namespace"),
    row(lambda: claim("Data"), "metadata.name", "claim template name 'Data'",
        id="claim-template-name-bad"),
    row(lambda: ContainerPort(80, "h" * 16), "name", "is not an IANA service name",
        id="port-name-16-chars"),
    row(lambda: ContainerPort(80, "http--alt"), "name", "is not an IANA service name",
        id="port-name-double-dash"),
    row(lambda: ContainerPort(80, "8080"), "name", "is not an IANA service name",
        id="port-name-no-letter"),
    row(lambda: ServicePort(80, name="Http"), "name", "port name 'Http' is not a DNS-1123",
        id="service-port-name-bad"),

    # --- label keys and values ------------------------------------------------------------
    row(lambda: ObjectMeta.of("web", labels={"bad key!": "x"}), "labels['bad key!']",
        "is not a qualified name", id="label-key-bad"),
    row(lambda: ObjectMeta.of("web", labels={"Example.com/app": "x"}),
        "labels['Example.com/app']", "label key prefix 'Example.com'",
        id="label-key-prefix-uppercase"),
    row(lambda: ObjectMeta.of("web", labels={"/app": "x"}), "labels['/app']", "empty prefix",
        id="label-key-empty-prefix"),
    row(lambda: ObjectMeta.of("web", labels={"k" * 64: "x"}), f"labels[{'k' * 64!r}]",
        "is not a qualified name", id="label-key-64-chars"),
    row(lambda: ObjectMeta.of("web", labels={"app": "x" * 64}), "labels['app']",
        "label value 'xxxx", id="label-value-64-chars"),
    row(lambda: ObjectMeta.of("web", labels={"app": "web app"}), "labels['app']",
        "label value 'web app' is not valid", id="label-value-space"),
    row(lambda: ObjectMeta.of("web", labels={"app": "-web"}), "labels['app']",
        "is not valid", id="label-value-leading-dash"),
    row(lambda: ObjectMeta.of("web", labels={"replicas": 3}), "labels['replicas']",
        "label value must be a string, got 3", id="label-value-int"),
    row(lambda: ObjectMeta.of("web", labels={"canary": True}), "labels['canary']",
        "label value must be a string, got True", id="label-value-bool"),
    row(lambda: ObjectMeta.of("web", annotations={"bad key!": "x"}), "annotations['bad key!']",
        "annotation key", id="annotation-key-bad"),
    row(lambda: ObjectMeta.of("web", annotations={"note": 1}), "annotations['note']",
        "annotation value must be a string", id="annotation-value-int"),
    row(lambda: PodTemplate.of([APP], labels={"app": "x" * 64}), "metadata.labels['app']",
        "is not valid", id="pod-template-label-value"),
    row(lambda: Deployment.of("web", containers=[APP], labels={"app": "x" * 64}), "metadata.labels['app']", "is not valid", id="deployment-label-value"),
    row(lambda: LabelSelector.of({"app": 3}), "matchLabels['app']", "must be a string",
        id="selector-label-value-int"),
    row(lambda: LabelSelectorRequirement("app", "In"), "values", "operator In needs values",
        id="selector-in-without-values"),
    row(lambda: LabelSelectorRequirement("app", "Matches", ["web"]), "operator",
        "operator 'Matches' is not allowed", id="selector-operator-unknown"),
    row(lambda: Service.of("web", selector={"bad key!": "web"}, ports={"http": 80}),
        "spec.selector['bad key!']", "is not a qualified name", id="service-selector-key-bad"),

    # --- ports 1..65535, integers -----------------------------------------------------------
    row(lambda: ContainerPort(0), "containerPort", "containerPort 0 is out of range",
        id="container-port-0"),
    row(lambda: ContainerPort(70000), "containerPort", "containerPort 70000 is out of range",
        id="container-port-70000"),
    row(lambda: ContainerPort("80"), "containerPort", "must be an integer, got '80'",
        id="container-port-string"),
    row(lambda: ContainerPort(True), "containerPort", "must be an integer, got True",
        id="container-port-bool"),
    row(lambda: ContainerPort(80.0), "containerPort", "must be an integer",
        id="container-port-float"),
    row(lambda: ContainerPort(80, host_port=70000), "hostPort", "hostPort 70000 is out of range",
        id="host-port-70000"),
    row(lambda: ContainerPort(80, protocol="tcp"), "protocol", "protocol 'tcp' is not allowed",
        id="container-port-protocol-lowercase"),
    row(lambda: ctr(ports={"http": 70000}), "ports[0].containerPort", "70000 is out of range",
        id="container-of-port-70000"),
    row(lambda: ctr(ports={"http": "80"}), "ports[0].containerPort",
        "must be an integer, got '80'", id="container-of-port-string"),
    row(lambda: ctr(ports={"http": 8080, "metrics": 0}), "ports[1].containerPort",
        "0 is out of range", id="container-of-second-port-0"),
    row(lambda: ServicePort(0), "port", "port 0 is out of range", id="service-port-0"),
    row(lambda: ServicePort(70000), "port", "port 70000 is out of range", id="service-port-70000"),
    row(lambda: ServicePort("80"), "port", "must be an integer, got '80'",
        id="service-port-string"),
    row(lambda: ServicePort(80, target_port=70000), "targetPort", "70000 is out of range",
        id="service-target-port-70000"),
    row(lambda: ServicePort(80, node_port=70000), "nodePort", "70000 is out of range",
        id="service-node-port-70000"),
    row(lambda: Service.of("web", selector=WEB, ports=[ServicePort(80, node_port=30080)]),
        "spec.ports[0].nodePort", "needs type NodePort", id="service-node-port-on-cluster-ip"),
    row(lambda: Service.of("web", selector=WEB, ports={"http": 70000}), "spec.ports[0].port", "70000 is out of range", id="service-of-port-70000"),

    # --- unique container names (containers and init containers together) ------------------
    row(lambda: PodTemplate.of([APP, APP]), "spec.containers[1].name",
        "duplicate container name 'app'", id="pod-template-duplicate-container"),
    row(lambda: PodTemplate.of([APP], init_containers=[ctr()]), "spec.containers[0].name",
        "duplicate container name 'app' (already used by initContainers[0])",
        id="pod-template-container-named-like-init"),
    row(lambda: PodTemplate.of([]), "spec.containers", "at least one container",
        id="pod-template-no-container"),
    row(lambda: Deployment.of("web", containers=[APP, APP]), "spec.template.spec.containers[1].name", "duplicate container name 'app'", id="deployment-duplicate-container"),
    row(lambda: Deployment.of("web", containers=[APP], init_containers=[ctr()]), "spec.template.spec.containers[0].name", "duplicate container name 'app'", id="deployment-container-named-like-init"),
    row(lambda: StatefulSet.of("db", service_name="db", containers=[APP, APP]), "spec.template.spec.containers[1].name", "duplicate container name 'app'", id="statefulset-duplicate-container"),

    # --- unique port names: in a container, in a Service; several Service ports unnamed ----
    row(lambda: ctr(ports=[ContainerPort(80, "http"), ContainerPort(81, "http")]),
        "ports[1].name", "duplicate port name 'http'", id="container-duplicate-port-name"),
    row(lambda: ctr(ports=[ContainerPort(80, "http"), ContainerPort(80, "alt")]),
        "ports[1].containerPort", "duplicate port and protocol", id="container-duplicate-port"),
    row(lambda: Service.of("web", selector=WEB,
                           ports=[ServicePort(80, name="http"), ServicePort(81, name="http")]),
        "spec.ports[1].name", "duplicate port name 'http'", id="service-duplicate-port-name"),
    row(lambda: Service.of("web", selector=WEB, ports=[ServicePort(80), ServicePort(81)]),
        "spec.ports[1].name", "a Service with several ports must name each",
        id="service-ports-unnamed"),
    row(lambda: Service.of("web", selector=WEB,
                           ports=[ServicePort(80, name="a"), ServicePort(80, name="b")]),
        "spec.ports[1].port", "duplicate port and protocol", id="service-duplicate-port"),
    row(lambda: Service.of("web", selector=WEB, ports={}), "spec.ports",
        "a Service needs at least one port", id="service-no-ports"),

    # --- volume mounts must name a declared volume (StatefulSet: or a claim template) ------
    row(lambda: Deployment.of("web", containers=[ctr(volume_mounts={"data": "/data"})]),
        "spec.template.spec.containers[0].volumeMounts[0].name", "volume 'data' is not declared",
        id="deployment-mount-undeclared"),
    row(lambda: Deployment.of("web", containers=[APP],
                              init_containers=[ctr("init", volume_mounts={"cache": "/c"})]),
        "spec.template.spec.initContainers[0].volumeMounts[0].name",
        "volume 'cache' is not declared", id="deployment-init-mount-undeclared"),
    row(lambda: StatefulSet.of("db", service_name="db", volume_claim_templates=[claim("data")],
                               containers=[ctr(volume_mounts={"logs": "/logs"})]),
        "spec.template.spec.containers[0].volumeMounts[0].name", "volume 'logs' is not declared",
        id="statefulset-mount-undeclared"),
    row(lambda: StatefulSet.of("db", service_name="db", volume_claim_templates=[claim("data")],
                               volumes=[Volume("data", EmptyDir())], containers=[APP]),
        "spec.volumeClaimTemplates[0].metadata.name", "'data' is also a pod volume",
        id="statefulset-claim-is-also-volume"),
    row(lambda: StatefulSet.of("db", service_name="db",
                               volume_claim_templates=[claim("data"), claim("data")],
                               containers=[APP]),
        "spec.volumeClaimTemplates[1].metadata.name", "duplicate claim template name",
        id="statefulset-duplicate-claim"),
    row(lambda: PodTemplate.of([APP], volumes=[Volume("a", EmptyDir()), Volume("a", EmptyDir())]),
        "spec.volumes[1].name", "duplicate volume name 'a'", id="pod-template-duplicate-volume"),
    row(lambda: ctr(volume_mounts=[VolumeMount("a", "/d"), VolumeMount("b", "/d")]),
        "volumeMounts[1].mountPath", "duplicate mountPath '/d'", id="container-duplicate-mount-path"),
    row(lambda: VolumeMount("data", ""), "mountPath", "mountPath must not be empty",
        id="mount-path-empty"),
    row(lambda: VolumeMount("data", "/a:b"), "mountPath", "contains ':'", id="mount-path-colon"),
    row(lambda: VolumeMount("data", "/a", sub_path="/abs"), "subPath", "is not relative",
        id="mount-sub-path-absolute"),
    row(lambda: VolumeMount("data", "/a", sub_path="x/../../etc"), "subPath", "is not relative",
        id="mount-sub-path-dotdot"),
    row(lambda: ctr(volume_mounts={"data": ""}), "volumeMounts[0].mountPath", "must not be empty",
        id="container-of-mount-path-empty"),

    # --- replicas: an integer >= 0 ----------------------------------------------------------
    row(lambda: Deployment.of("web", containers=[APP], replicas=-1), "spec.replicas",
        "replicas must be >= 0, got -1", id="deployment-replicas-negative"),
    row(lambda: Deployment.of("web", containers=[APP], replicas="two"), "spec.replicas",
        "replicas must be an integer, got 'two'", id="deployment-replicas-string"),
    row(lambda: Deployment.of("web", containers=[APP], replicas="3"), "spec.replicas",
        "must be an integer, got '3'", id="deployment-replicas-numeric-string"),
    row(lambda: Deployment.of("web", containers=[APP], replicas=1.5), "spec.replicas",
        "must be an integer, got 1.5", id="deployment-replicas-float"),
    row(lambda: Deployment.of("web", containers=[APP], replicas=True), "spec.replicas",
        "must be an integer, got True", id="deployment-replicas-bool"),
    row(lambda: StatefulSet.of("db", service_name="db", containers=[APP], replicas=-1),
        "spec.replicas", "must be >= 0, got -1", id="statefulset-replicas-negative"),
    row(lambda: Deployment.of("web", containers=[APP], replicas=2**31), "spec.replicas", "2147483648", id="deployment-replicas-above-int32"),

    # --- the selector must match the template labels ----------------------------------------
    row(lambda: Deployment(ObjectMeta.of("web"), template=PodTemplate.of([APP], labels=WEB),
                           selector=LabelSelector.of({"app": "other"})),
        "spec.selector", "selector does not match the template labels",
        id="deployment-selector-mismatch"),
    row(lambda: Deployment(ObjectMeta.of("web"), template=PodTemplate.of([APP], labels=WEB),
                           selector=LabelSelector.of({"app": "web", "tier": "front"})),
        "spec.selector", "does not match", id="deployment-selector-needs-more-labels"),
    row(lambda: Deployment(ObjectMeta.of("web"), template=PodTemplate.of([APP], labels=WEB),
                           selector=LabelSelector()),
        "spec.selector", "the selector is empty", id="deployment-selector-empty"),
    row(lambda: StatefulSet(ObjectMeta.of("db"),
                            template=PodTemplate.of([APP], labels={"app": "db"}),
                            selector=LabelSelector.of(WEB), service_name="db"),
        "spec.selector", "does not match", id="statefulset-selector-mismatch"),

    # --- quantities -------------------------------------------------------------------------
    row(lambda: Quantity.of("12 apples"), "", "'12 apples' is not a Kubernetes quantity",
        id="quantity-apples"),
    row(lambda: Quantity.of("1.5.5"), "", "'1.5.5' is not a Kubernetes quantity",
        id="quantity-two-dots"),
    row(lambda: Quantity.of(""), "", "is not a Kubernetes quantity", id="quantity-empty"),
    row(lambda: Quantity.of("1ki"), "", "is not a Kubernetes quantity",
        id="quantity-suffix-lowercase-ki"),
    row(lambda: Quantity.of("1e"), "", "is not a Kubernetes quantity",
        id="quantity-exponent-without-digits"),
    row(lambda: Quantity.of(True), "", "True is not a Kubernetes quantity",
        id="quantity-bool"),
    row(lambda: Quantity.of(float("nan")), "", "is not a Kubernetes quantity",
        id="quantity-nan"),
    row(lambda: Quantity("1.5.5"), "", "is not a Kubernetes quantity",
        id="quantity-raw-two-dots"),
    row(lambda: Resources.of(requests={"cpu": "12 apples"}), "requests['cpu']", "'12 apples' is not a Kubernetes quantity", id="resources-quantity-apples"),
    row(lambda: ctr(limits={"memory": "1.5.5"}), "resources.limits['memory']", "'1.5.5' is not a Kubernetes quantity", id="container-of-quantity-two-dots"),
    row(lambda: PersistentVolumeClaimTemplate("data", Quantity.of("0")),
        "spec.resources.requests.storage", "storage 0 is not positive",
        id="claim-template-storage-zero"),

    # --- requests must not exceed limits; no negative amounts ------------------------------
    row(lambda: Resources.of(requests={"cpu": "2"}, limits={"cpu": "500m"}), "requests['cpu']",
        "request 2 is above the limit 500m", id="resources-request-above-limit"),
    row(lambda: ctr(requests={"memory": "1Gi"}, limits={"memory": "512Mi"}),
        "resources.requests['memory']", "request 1Gi is above the limit 512Mi",
        id="container-of-request-above-limit"),
    row(lambda: Resources.of(requests={"cpu": "-1"}), "requests['cpu']", "-1 is negative",
        id="resources-negative"),
    row(lambda: Resources.of(limits={"bad name!": "1"}), "limits['bad name!']",
        "resource 'bad name!' is not a container resource", id="resources-name-bad"),
    row(lambda: Resources.of(requests={"cpus": "1"}), "requests['cpus']", "cpus", id="resources-name-unknown-unprefixed"),

    # --- image references -------------------------------------------------------------------
    row(lambda: ImageRef.of("Shop/Web:1.0"), "", "'Shop/Web:1.0' is not a valid image",
        id="image-uppercase"),
    row(lambda: ImageRef.of("web app:1.0"), "", "is not a valid image reference",
        id="image-space"),
    row(lambda: ImageRef.of("web@sha256:abc"), "", "'web@sha256:abc' is not a valid image",
        id="image-digest-short"),
    row(lambda: ImageRef.of("web@sha256"), "", "is not a valid image reference",
        id="image-digest-no-hex"),
    row(lambda: ImageRef.of(""), "", "is not a valid image reference", id="image-empty"),
    row(lambda: ImageRef.of("web:"), "", "is not a valid image reference",
        id="image-empty-tag"),
    row(lambda: ImageRef.of("web:" + "t" * 129), "", "is not a valid image reference",
        id="image-tag-129-chars"),
    row(lambda: ImageRef.of("web__-x:1"), "", "is not a valid image reference",
        id="image-path-bad-separator"),
    row(lambda: ImageRef.of("bad_host.example.com/web:1"), "",
        "is not a valid image reference", id="image-registry-underscore"),
    row(lambda: ImageRef.of(42), "", "image must be a string, got 42", id="image-not-string"),
    row(lambda: ImageRef(None, "Web"), "", "is not a valid image reference",
        id="image-raw-uppercase"),
    row(lambda: Container("app", "Web App:1.0"), "image", "is not a valid image reference",
        id="container-raw-image-string"),
    row(lambda: Container("app", 42), "image", "image must be a string, got 42",
        id="container-raw-image-int"),
    row(lambda: Container.of("app", image="Web:1.0"), "image", "'Web:1.0' is not a valid image reference", id="container-of-image-uppercase"),
    row(lambda: ImageRef.of("web@sha256:" + "a" * 40), "", "is not a valid image reference", id="image-sha256-digest-40-hex"),
    row(lambda: ImageRef.of("web@sha256:" + "A" * 64), "", "is not a valid image reference", id="image-sha256-digest-uppercase"),
    row(lambda: ImageRef.of("web:v\u00e9"), "", "is not a valid image reference", id="image-tag-non-ascii"),

    # --- environment variable names ---------------------------------------------------------
    row(lambda: EnvVar("caf\u00e9", "x"), "name", "environment variable name 'café' is not valid",
        id="env-name-non-ascii"),
    row(lambda: EnvVar("A=B", "x"), "name", "environment variable name 'A=B' is not valid",
        id="env-name-equals"),
    row(lambda: EnvVar("", "x"), "name", "environment variable name '' is not valid",
        id="env-name-empty"),
    row(lambda: ctr(env={"TAB\tNAME": "x"}), "env[0].name", "is not valid",
        id="container-of-env-name-control-character"),
    row(lambda: ctr(env={"OK": "1", "A=B": "x"}), "env[1].name", "'A=B' is not valid",
        id="container-of-env-name-equals"),
    row(lambda: EnvVar("PORT", 8080), "value", "value must be a string, got 8080",
        id="env-value-int"),
    row(lambda: ctr(env={"PORT": 8080}), "env[0].value", "must be a string",
        id="container-of-env-value-int"),
    row(lambda: EnvVar("POD", "x", value_from=FieldRef("metadata.name")), "valueFrom",
        "both value and valueFrom are set", id="env-value-and-value-from"),
    row(lambda: FieldRef("spec.containers"), "fieldPath", "is not supported",
        id="env-field-ref-unsupported"),

    # --- probes: named ports must exist; numbers in range -----------------------------------
    row(lambda: ctr(ports={"http": 8080}, liveness_probe=Probe(HTTPGetAction(port="metrics"))),
        "livenessProbe.httpGet.port", "probe port 'metrics' is not a port of this container",
        id="probe-named-port-missing"),
    row(lambda: ctr(readiness_probe=Probe(TCPSocketAction("http"))),
        "readinessProbe.tcpSocket.port", "probe port 'http' is not a port",
        id="probe-named-port-no-ports"),
    row(lambda: HTTPGetAction(port=70000), "port", "port 70000 is out of range",
        id="probe-http-port-70000"),
    row(lambda: HTTPGetAction(port=0), "port", "port 0 is out of range", id="probe-http-port-0"),
    row(lambda: TCPSocketAction(65536), "port", "port 65536 is out of range",
        id="probe-tcp-port-65536"),
    row(lambda: GRPCAction("grpc"), "port", "port must be an integer, got 'grpc'",
        id="probe-grpc-port-name"),
    row(lambda: HTTPGetAction(port="80"), "port", "port name '80' is not an IANA service name",
        id="probe-http-port-numeric-string"),
    row(lambda: HTTPGetAction(port=8080, path="healthz"), "path", "is not absolute",
        id="probe-http-path-relative"),
    row(lambda: HTTPGetAction(port=8080, scheme="http"), "scheme", "scheme 'http' is not allowed",
        id="probe-http-scheme-lowercase"),
    row(lambda: ExecAction([]), "command", "exec probe has no command", id="probe-exec-empty"),
    row(lambda: Probe(HTTPGetAction(8080), period_seconds=0), "periodSeconds",
        "periodSeconds must be >= 1, got 0", id="probe-period-0"),
    row(lambda: Probe(HTTPGetAction(8080), initial_delay_seconds=-1), "initialDelaySeconds",
        "must be >= 0, got -1", id="probe-initial-delay-negative"),
    row(lambda: Probe("curl localhost"), "", "handler must be an ExecAction, HTTPGetAction, TCPSocketAction or GRPCAction",
        id="probe-handler-not-a-handler"),
    row(lambda: ctr(liveness_probe=Probe(HTTPGetAction(8080), success_threshold=3)), "livenessProbe.successThreshold", "1", id="probe-liveness-success-threshold-3"),
    row(lambda: ctr(readiness_probe=Probe(HTTPGetAction(8080),
                                          termination_grace_period_seconds=5)), "readinessProbe.terminationGracePeriodSeconds", "readiness", id="probe-readiness-termination-grace"),

    # --- init containers and restartPolicy --------------------------------------------------
    row(lambda: PodTemplate.of([APP], init_containers=[
            ctr("init", readiness_probe=Probe(ExecAction(["true"])))]),
        "spec.initContainers[0].readinessProbe", "init containers run to completion",
        id="pod-template-init-probe-without-always"),
    row(lambda: Deployment.of("web", containers=[APP], init_containers=[
            ctr("init", liveness_probe=Probe(ExecAction(["true"])))]), "spec.template.spec.initContainers[0].livenessProbe", "take no probes", id="deployment-init-probe-without-always"),
    row(lambda: PodTemplate.of([ctr(restart_policy="Always")]), "spec.containers[0].restartPolicy",
        "restartPolicy is only allowed on init containers",
        id="pod-template-restart-policy-on-container"),
    row(lambda: Deployment.of("web", containers=[ctr(restart_policy="Always")]), "spec.template.spec.containers[0].restartPolicy", "only allowed on init containers", id="deployment-restart-policy-on-container"),
    row(lambda: ctr(restart_policy="OnFailure"), "restartPolicy",
        "restartPolicy 'OnFailure' is not allowed", id="container-restart-policy-bad"),
    row(lambda: ctr(image_pull_policy="always"), "imagePullPolicy", "'always' is not allowed",
        id="container-pull-policy-lowercase"),

    # --- PodDisruptionBudget ----------------------------------------------------------------
    row(lambda: PodDisruptionBudget.of("web", selector=WEB, min_available=1, max_unavailable=1),
        "spec.minAvailable", "give exactly one of minAvailable and maxUnavailable",
        id="pdb-both"),
    row(lambda: PodDisruptionBudget.of("web", selector=WEB), "spec.minAvailable",
        "give exactly one", id="pdb-neither"),
    row(lambda: PodDisruptionBudget.of("web", selector=WEB, min_available="150%"),
        "spec.minAvailable", "'150%' is neither a number nor a percentage", id="pdb-150-percent"),
    row(lambda: PodDisruptionBudget.of("web", selector=WEB, max_unavailable=-1),
        "spec.maxUnavailable", "must be >= 0, got -1", id="pdb-negative"),
    row(lambda: PodDisruptionBudget.of("web", selector=WEB, max_unavailable="half"),
        "spec.maxUnavailable", "'half' is neither", id="pdb-word"),

    # --- ConfigMap --------------------------------------------------------------------------
    row(lambda: ConfigMap.of("cfg", {"bad key": "x"}), "data['bad key']",
        "key 'bad key' is not a valid ConfigMap/Secret key", id="configmap-key-space"),
    row(lambda: ConfigMap.of("cfg", {"conf/app.yaml": "x"}), "data['conf/app.yaml']",
        "is not a valid ConfigMap/Secret key", id="configmap-key-slash"),
    row(lambda: ConfigMap.of("cfg", {"k" * 254: "x"}), f"data[{'k' * 254!r}]",
        "is not a valid ConfigMap/Secret key", id="configmap-key-254-chars"),
    row(lambda: ConfigMap(ObjectMeta.of("cfg"), data={"a": "x"}, binary_data={"a": "eA=="}),
        "binaryData['a']", "key 'a' is also in data", id="configmap-key-in-data-and-binary"),
    row(lambda: ConfigMap.of("cfg", {"..data": "x"}), "data['..data']", "..data", id="configmap-key-dotdot-prefix"),
    row(lambda: ConfigMap.of("cfg", {"port": 8080}), "data['port']", "value must be a string", id="configmap-value-int"),
    row(lambda: ConfigMap.of("Bad_Name!", {"a": "b"}), "metadata.name", "'Bad_Name!'", id="configmap-name-bad"),
]


def _render(error: InvalidValue) -> str:
    return "\n".join(f"  {p.path!r}: {p.message} ({p.hint})" for p in error.problems)


@pytest.mark.parametrize(("build", "path", "fragment"), BAD_INPUTS)
def test_bad_input_is_refused_at_its_path(build: Callable[[], object], path: str,
                                          fragment: str) -> None:
    with pytest.raises(InvalidValue) as info:
        build()
    problems = info.value.problems
    assert problems, "an InvalidValue must hold at least one problem"
    assert any(p.path == path and fragment in p.message for p in problems), (
        f"no problem at {path!r} mentioning {fragment!r}; got:\n{_render(info.value)}")
    for problem in problems:
        assert problem.message, problem
        assert problem.hint, f"problem without a hint: {problem}"


# --- good inputs next to the bad ones: the rules are not over-eager -------------------------

GOOD_INPUTS = [
    pytest.param(lambda: StatefulSet.of(
        "db", service_name="db", volume_claim_templates=[claim("data")],
        containers=[ctr("db", volume_mounts={"data": "/var/lib/postgresql"})]),
        id="statefulset-mounts-claim-template"),
    pytest.param(lambda: StatefulSet.of(
        "db", service_name="db", volume_claim_templates=[claim("data")],
        init_containers=[ctr("init", volume_mounts={"data": "/data"})], containers=[APP]),
        id="statefulset-init-mounts-claim-template"),
    pytest.param(lambda: Deployment.of(
        "web", volumes=[Volume("data", EmptyDir())],
        containers=[ctr(volume_mounts={"data": "/data"})]), id="deployment-mounts-volume"),
    pytest.param(lambda: Deployment.of("web", containers=[APP], init_containers=[
        ctr("proxy", restart_policy="Always", readiness_probe=Probe(TCPSocketAction(15021)))]),
        id="native-sidecar-with-probe"),
    pytest.param(lambda: Deployment.of("web.v1", containers=[APP], labels=WEB),
                 id="deployment-name-subdomain"),
    pytest.param(lambda: Deployment.of("a" * 253, containers=[APP], labels=WEB),
                 id="deployment-name-253-chars"),
    pytest.param(lambda: Deployment.of("web", containers=[APP], replicas=0),
                 id="deployment-replicas-0"),
    pytest.param(lambda: ctr("a" * 63), id="container-name-63-chars"),
    pytest.param(lambda: Service.of("s" * 63, selector=WEB, ports={"http": 80}),
                 id="service-name-63-chars"),
    pytest.param(lambda: Service.of("web", selector=WEB, ports=[ServicePort(80)]),
                 id="service-single-unnamed-port"),
    pytest.param(lambda: ContainerPort(65535), id="port-65535"),
    pytest.param(lambda: ContainerPort(1), id="port-1"),
    pytest.param(lambda: ObjectMeta.of("web", labels={"app.kubernetes.io/name": "x" * 63,
                                                      "empty": ""}),
                 id="labels-prefixed-key-63-char-value-empty-value"),
    pytest.param(lambda: ctr(ports={"http": 8080}, liveness_probe=Probe(HTTPGetAction("http"))),
                 id="probe-named-port-exists"),
    pytest.param(lambda: Resources.of(requests={"cpu": "500m"}, limits={"cpu": "0.5"}),
                 id="request-equal-to-limit"),
    pytest.param(lambda: PodDisruptionBudget.of("web", selector=WEB, max_unavailable="25%"),
                 id="pdb-percentage"),
    pytest.param(lambda: ConfigMap.of("cfg", {"app.yaml": "a: 1", "-_.x": ""}),
                 id="configmap-keys"),
    pytest.param(lambda: EnvVar("_a.b-c", "x"), id="env-name-punctuation"),
    pytest.param(lambda: ImageRef.of("localhost:5000/shop/web:1.0@sha256:" + "a" * 64),
                 id="image-registry-port-tag-digest"),
]


@pytest.mark.parametrize("build", GOOD_INPUTS)
def test_good_input_is_accepted(build: Callable[[], object]) -> None:
    build()


# --- the peers' checks: each of these must be refused, whatever the path --------------------

PEER_CASES = [
    pytest.param(lambda: Deployment.of("web", containers=[ctr(ports={"http": 70000})]),
                 id="port-70000"),
    pytest.param(lambda: Deployment.of("web", containers=[ctr("Bad_Name!")]),
                 id="container-Bad_Name!"),
    pytest.param(lambda: Deployment.of("Bad_Name!", containers=[APP]), id="deployment-Bad_Name!"),
    pytest.param(lambda: Deployment.of("web", containers=[APP, ctr()]),
                 id="duplicate-container-names"),
    pytest.param(lambda: Deployment.of("web", containers=[APP], replicas=-1), id="replicas--1"),
    pytest.param(lambda: Deployment.of("web", containers=[APP], replicas="two"),
                 id="replicas-two"),
]


@pytest.mark.parametrize("build", PEER_CASES)
def test_peer_cases_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidValue):
        build()


# --- every problem at once ------------------------------------------------------------------

def test_container_reports_all_problems_at_once() -> None:
    with pytest.raises(InvalidValue) as info:
        Container.of("Bad_Name!", image="web", ports={"http": 70000})
    assert [p.path for p in info.value.problems] == ["name", "ports[0].containerPort"]
    assert str(info.value).startswith("2 problems:")


def test_container_reports_problems_of_every_part() -> None:
    with pytest.raises(InvalidValue) as info:
        Container.of("app", image="web:1", env={"A=B": "x"}, ports={"http": 0},
                     volume_mounts={"Data": "/d"}, requests={"cpu": "2"}, limits={"cpu": "1"})
    assert {p.path for p in info.value.problems} == {
        "env[0].name", "ports[0].containerPort", "volumeMounts[0].name",
        "resources.requests['cpu']"}


def test_workload_reports_all_of_its_own_rules_at_once() -> None:
    template = PodTemplate.of([ctr(volume_mounts={"data": "/data"})], labels=WEB)
    with pytest.raises(InvalidValue) as info:
        Deployment(ObjectMeta.of("web"), template=template, selector=LabelSelector.of({"app": "api"}),
                   replicas=-1)
    assert [p.path for p in info.value.problems] == [
        "spec.replicas", "spec.selector", "spec.template.spec.containers[0].volumeMounts[0].name"]


def test_deployment_of_reports_all_problems_at_once() -> None:
    with pytest.raises(InvalidValue) as info:
        Deployment.of("Bad_Name!", containers=[APP, APP], replicas=-1, labels=WEB)
    paths = {p.path for p in info.value.problems}
    assert {"metadata.name", "spec.template.spec.containers[1].name", "spec.replicas"} <= paths


# --- Result-returning constructors ----------------------------------------------------------

def test_create_returns_failure_holding_invalid_value() -> None:
    result = Deployment.create("web", replicas=-1, containers=[APP])
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, InvalidValue)
    assert [p.path for p in error.problems] == ["spec.replicas"]


def test_create_returns_success_for_good_input() -> None:
    result = Deployment.create("web", replicas=3, containers=[APP])
    assert isinstance(result, Success)
    assert result.unwrap().replicas == 3
    assert result.unwrap() == Deployment.of("web", replicas=3, containers=[APP])


@pytest.mark.parametrize(("result", "ok"), [
    pytest.param(lambda: Container.create("Bad_Name!", image="web"), False, id="container-bad"),
    pytest.param(lambda: Container.create("app", image="web"), True, id="container-good"),
    pytest.param(lambda: Service.create("1web", selector=WEB, ports={"http": 80}), False,
                 id="service-bad"),
    pytest.param(lambda: Service.create("web", selector=WEB, ports={"http": 80}), True,
                 id="service-good"),
    pytest.param(lambda: StatefulSet.create("db", service_name="db", containers=[APP],
                                            replicas="two"), False, id="statefulset-bad"),
    pytest.param(lambda: StatefulSet.create("db", service_name="db", containers=[APP]), True,
                 id="statefulset-good"),
    pytest.param(lambda: Quantity.parse("12 apples"), False, id="quantity-bad"),
    pytest.param(lambda: ImageRef.parse("Web App"), False, id="image-bad"),
])
def test_other_result_constructors(result: Callable[[], object], ok: bool) -> None:
    outcome = result()
    if ok:
        assert isinstance(outcome, Success)
    else:
        assert isinstance(outcome, Failure)
        assert isinstance(outcome.failure(), InvalidValue)
