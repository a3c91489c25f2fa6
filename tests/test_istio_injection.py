"""Istio sidecar injection (``kancat.patterns.istio_injection``) and ``kancat inject``.

The expected outputs in ``tests/data/istio/*.injected.yaml`` are kancat's own: each was
written by kancat and checked field by field against Istio's golden files for the same
inputs (``pkg/kube/inject/testdata/inject/hello-probes.yaml.injected``,
``native-sidecar.yaml.injected``, ``cronjob.yaml.injected`` and ``hello.yaml.cni.injected``
of istio/istio), apart from what differs on purpose: the proxy image (a pinned
``istio/proxyv2`` release instead of the test hub's ``:latest``), the ports' ``protocol:
TCP`` (kancat always declares it), the ``resourceFieldRef`` divisor ``"1"`` of the newest
template, and kancat's own key order. Every injected manifest passes the validators.
"""

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kancat.algebra.functor import fmap, mirror_images
from kancat.algebra.natural import Transformation
from kancat.cli import main
from kancat.core.frozen import thaw
from kancat.errors import InvalidValue
from kancat.interpret.emit import to_manifests, to_yaml
from kancat.interpret.load import load_yaml
from kancat.patterns.istio_injection import (
    STATUS_ANNOTATION,
    Workload,
    inject_istio_pod,
    istio_sidecar,
)
from kancat.values import (
    Container,
    Deployment,
    HTTPGetAction,
    PodTemplate,
    Probe,
    Service,
    StatefulSet,
    TCPSocketAction,
)
from tests.validators import validate_manifest

DATA = Path(__file__).parent / "data" / "istio"

GOLDEN = [  # input, command-line flags, expected output
    ("hello.yaml", [], "hello.injected.yaml"),
    ("hello-probes.yaml", [], "hello-probes.injected.yaml"),
    ("native-sidecar.yaml", ["--native-sidecar"], "native-sidecar.injected.yaml"),
    ("hello.yaml", ["--cni"], "hello.cni.injected.yaml"),
]


def _load(name: str) -> list[Any]:
    return list(load_yaml((DATA / name).read_text(encoding="utf-8")).unwrap())


def _pod(manifest: dict[str, Any]) -> dict[str, Any]:
    template: dict[str, Any] = manifest["spec"]["template"]
    return template


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def _containers(pod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in pod["spec"].get("initContainers", []) + pod["spec"]["containers"]}


def _injection(flags: list[str]) -> Transformation:
    return istio_sidecar(native="--native-sidecar" in flags, cni="--cni" in flags)


def _injected(name: str, flags: list[str]) -> list[Any]:
    return list(_injection(flags)(_load(name)))


# --- golden files ---------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "flags", "expected"), GOLDEN,
                         ids=[e for _, _, e in GOLDEN])
def test_injection_writes_the_expected_manifest(source: str, flags: list[str],
                                                expected: str) -> None:
    injected = _injected(source, flags)
    assert to_yaml(injected) == (DATA / expected).read_text(encoding="utf-8")
    for manifest in to_manifests(injected):
        validate_manifest(manifest)


@pytest.mark.parametrize(("source", "flags", "expected"), GOLDEN,
                         ids=[e for _, _, e in GOLDEN])
def test_injection_is_idempotent_on_the_golden_inputs(source: str, flags: list[str],
                                                      expected: str) -> None:
    inject = _injection(flags)
    once = inject(_load(source))
    assert inject(once) == once
    # ... and loading the written manifest back and injecting again changes nothing
    assert inject(_load(expected)) == _load(expected)


def test_the_hello_deployment_gets_what_istio_gives_it() -> None:
    (manifest,) = to_manifests(_injected("hello.yaml", []))
    pod = _pod(manifest)
    assert json.loads(pod["metadata"]["annotations"][STATUS_ANNOTATION]) == {
        "initContainers": ["istio-init"], "containers": ["istio-proxy"],
        "volumes": ["workload-socket", "credential-socket", "workload-certs", "istio-envoy",
                    "istio-data", "istio-podinfo", "istio-token", "istiod-ca-cert",
                    "istio-ca-crl"],
        "imagePullSecrets": None, "revision": "default"}
    assert [c["name"] for c in pod["spec"]["containers"]] == ["hello", "istio-proxy"]
    containers = _containers(pod)
    init, proxy = containers["istio-init"], containers["istio-proxy"]
    assert init["args"] == ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337",
                            "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d",
                            "15090,15021,15020", "--log_output_level=default:info"]
    assert init["securityContext"]["capabilities"] == {"add": ["NET_ADMIN", "NET_RAW"],
                                                       "drop": ["ALL"]}
    assert init["securityContext"]["runAsUser"] == 0
    env = _env(proxy)
    assert env["ISTIO_META_POD_PORTS"] == (
        '[\n    {"name":"http","containerPort":80,"protocol":"TCP"}\n]')
    assert env["ISTIO_META_WORKLOAD_NAME"] == "hello"
    assert env["ISTIO_META_OWNER"] == (
        "kubernetes://apis/apps/v1/namespaces/default/deployments/hello")
    assert env["CA_ADDR"] == "istiod.istio-system.svc:15012"
    assert proxy["readinessProbe"]["httpGet"] == {"path": "/healthz/ready", "port": 15021}
    assert proxy["resources"] == {"limits": {"cpu": "2", "memory": "1Gi"},
                                  "requests": {"cpu": "100m", "memory": "128Mi"}}
    assert proxy["securityContext"]["runAsUser"] == 1337
    assert pod["metadata"]["labels"]["service.istio.io/canonical-name"] == "hello"
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == "15020"


def test_probes_are_taken_over_by_the_agent() -> None:
    (manifest,) = to_manifests(_injected("hello-probes.yaml", []))
    containers = _containers(_pod(manifest))
    hello, world = containers["hello"], containers["world"]
    assert hello["livenessProbe"]["httpGet"] == {"path": "/app-health/hello/livez",
                                                 "port": 15020}
    assert hello["readinessProbe"]["httpGet"]["scheme"] == "HTTP"  # the agent speaks HTTPS
    assert world["startupProbe"] == {"httpGet": {"path": "/app-health/world/startupz",
                                                 "port": 15020}, "failureThreshold": 30}
    assert world["readinessProbe"] == {"exec": {"command": ["cat", "/tmp/healthy"]}}
    assert hello["lifecycle"]["postStart"] == {
        "httpGet": {"path": "/app-lifecycle/hello/poststartz", "port": 15020}}
    probers = json.loads(_env(containers["istio-proxy"])["ISTIO_KUBE_APP_PROBERS"])
    assert probers == {
        "/app-health/hello/livez": {"httpGet": {"path": "/live", "port": 80}},
        "/app-health/hello/readyz": {"httpGet": {"port": 3333, "scheme": "HTTPS"},
                                     "timeoutSeconds": 5},
        "/app-health/world/livez": {"grpc": {"port": 90, "service": None}},
        "/app-health/world/startupz": {"tcpSocket": {"port": 90}},
        "/app-lifecycle/hello/poststartz": {"tcpSocket": {"port": 93}},
        "/app-lifecycle/hello/prestopz": {"httpGet": {"port": 91}}}
    assert _env(containers["istio-proxy"])["ISTIO_META_OWNER"].endswith(
        "/namespaces/shop/deployments/hello")


def test_native_mode_places_the_proxy_among_the_init_containers() -> None:
    (manifest,) = to_manifests(_injected("native-sidecar.yaml", ["--native-sidecar"]))
    pod = _pod(manifest)
    assert [(c["name"], c.get("restartPolicy")) for c in pod["spec"]["initContainers"]] == [
        ("istio-init", None), ("istio-proxy", "Always"), ("other-sidecar", "Always")]
    proxy = _containers(pod)["istio-proxy"]
    assert proxy["lifecycle"]["preStop"]["exec"]["command"] == [
        "pilot-agent", "request", "--debug-port=15020", "POST", "drain"]
    assert _env(proxy)["ISTIO_KUBE_APP_PROBERS"] == (
        '{"/app-health/other-sidecar/readyz":{"httpGet":{"port":3333}}}')
    assert json.loads(pod["metadata"]["annotations"][STATUS_ANNOTATION])["containers"] is None


def test_cni_mode_has_no_privileged_init_container() -> None:
    (manifest,) = to_manifests(_injected("hello.yaml", ["--cni"]))
    pod = _pod(manifest)
    injected = [c for c in pod["spec"]["initContainers"] + pod["spec"]["containers"]
                if c["name"].startswith("istio-")]
    assert [c["name"] for c in injected] == ["istio-validation", "istio-proxy"]
    for container in injected:
        security = container["securityContext"]
        assert not security.get("capabilities", {}).get("add"), container["name"]
        assert security.get("runAsUser") != 0 and not security.get("privileged")
        assert security.get("allowPrivilegeEscalation") is False
    validation = _containers(pod)["istio-validation"]
    assert validation["args"][-2:] == ["--run-validation", "--skip-rule-apply"]
    annotations = pod["metadata"]["annotations"]
    assert {k: annotations[k] for k in annotations if k.startswith("traffic.")} == {
        "traffic.sidecar.istio.io/includeOutboundIPRanges": "*",
        "traffic.sidecar.istio.io/includeInboundPorts": "*",
        "traffic.sidecar.istio.io/excludeInboundPorts": "15020"}


def test_pods_istio_leaves_alone_come_back_unchanged() -> None:
    objects = _load("skipped.yaml")
    assert istio_sidecar()(objects) == objects
    assert istio_sidecar(native=True, cni=True)(objects) == objects


# --- options and per-pod annotations -------------------------------------------------------------

def _web(annotations: dict[str, str] | None = None, **pod: Any) -> Deployment:
    return Deployment.of("web", namespace="shop", containers=[
        Container.of("app", image="registry.example.com/shop/web:1.4.2",
                     ports={"http": 8080},
                     readiness_probe=Probe(HTTPGetAction("http", path="/ready")),
                     liveness_probe=Probe(TCPSocketAction(8080)))],
        pod_annotations=annotations, **pod)


def _proxy(web: Any) -> Container:
    pod: PodTemplate = web.template
    return next(c for c in pod.all_containers if c.name == "istio-proxy")


def test_revision_hub_and_tag() -> None:
    web = istio_sidecar(revision="canary", hub="registry.example.com/istio",
                        tag="1.27.3")(_web())
    proxy = _proxy(web)
    assert str(proxy.image) == "registry.example.com/istio/proxyv2:1.27.3"
    env = {e.name: e.value for e in proxy.env}
    assert env["CA_ADDR"] == "istiod-canary.istio-system.svc:15012"
    assert web.template.annotations["istio.io/rev"] == "canary"
    assert json.loads(web.template.annotations[STATUS_ANNOTATION])["revision"] == "canary"


def test_annotations_override_resources_image_and_traffic() -> None:
    web = istio_sidecar()(_web({
        "sidecar.istio.io/proxyCPU": "250m", "sidecar.istio.io/proxyMemoryLimit": "512Mi",
        "sidecar.istio.io/proxyImage": "registry.example.com/mesh/proxy:7",
        "traffic.sidecar.istio.io/excludeInboundPorts": "9090",
        "traffic.sidecar.istio.io/excludeOutboundPorts": "5432",
        "traffic.sidecar.istio.io/includeOutboundIPRanges": "10.0.0.0/8",
        "status.sidecar.istio.io/port": "15999",
        "readiness.status.sidecar.istio.io/periodSeconds": "5",
    }))
    proxy = _proxy(web)
    assert {k: str(v) for k, v in proxy.resources.requests.items()} == {"cpu": "250m"}
    assert {k: str(v) for k, v in proxy.resources.limits.items()} == {"memory": "512Mi"}
    assert str(proxy.image) == "registry.example.com/mesh/proxy:7"
    assert proxy.readiness_probe is not None and proxy.readiness_probe.period_seconds == 5
    init = web.template.init_containers[0]
    assert init.args[init.args.index("-d") + 1] == "15090,15021,9090,15999"
    assert init.args[init.args.index("-i") + 1] == "10.0.0.0/8"
    assert init.args[init.args.index("-o") + 1] == "5432"
    app = web.template.containers[0]
    assert app.readiness_probe is not None
    assert app.readiness_probe.handler == HTTPGetAction(15999, path="/app-health/app/readyz")
    assert "--debug-port=15999" not in " ".join(proxy.args)  # not native: no drain hook


def test_only_an_include_list_narrows_the_recorded_probes_as_in_istio() -> None:
    excluded = istio_sidecar()(_web({"traffic.sidecar.istio.io/excludeInboundPorts": "8080"}))
    plain = istio_sidecar()(_web())
    assert excluded.template.containers[0] == plain.template.containers[0]
    env = {e.name: e.value for e in _proxy(excluded).env}
    assert env["ISTIO_KUBE_APP_PROBERS"] == {
        e.name: e.value for e in _proxy(plain).env}["ISTIO_KUBE_APP_PROBERS"]
    included = istio_sidecar()(_web({"traffic.sidecar.istio.io/includeInboundPorts": "9090"}))
    app = included.template.containers[0]
    assert app.readiness_probe is not None
    assert app.readiness_probe.handler == HTTPGetAction(15020, path="/app-health/app/readyz")
    assert "ISTIO_KUBE_APP_PROBERS" not in {e.name for e in _proxy(included).env}
    assert istio_sidecar()(included) == included


def test_the_pods_own_prometheus_settings_move_to_the_proxy_and_back() -> None:
    own = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}
    web = istio_sidecar()(_web(own))
    assert {k: v for k, v in web.template.annotations.items() if "prometheus" in k} == {
        "prometheus.io/port": "15020", "prometheus.io/path": "/stats/prometheus",
        "prometheus.io/scrape": "true"}
    env = {e.name: e.value for e in _proxy(web).env}
    assert env["ISTIO_PROMETHEUS_ANNOTATIONS"] == '{"scrape":"true","path":"","port":"9090"}'
    assert istio_sidecar()(web) == web
    opted_out = istio_sidecar()(_web({"prometheus.io/scrape": "false"}))
    assert opted_out.template.annotations.get("prometheus.io/port") is None


def test_network_cluster_and_native_annotation() -> None:
    web = istio_sidecar(cluster_id="east", network="net-1")(_web(
        {"sidecar.istio.io/nativeSidecar": "true"}))
    names = [e.name for e in _proxy(web).env]
    assert names[names.index("TRUST_DOMAIN") + 1:] == [
        "ISTIO_META_CLUSTER_ID", "ISTIO_META_NETWORK", "ISTIO_KUBE_APP_PROBERS"]
    assert web.template.labels["topology.istio.io/network"] == "net-1"
    assert web.template.init_containers[1].name == "istio-proxy"  # the annotation wins


def test_proxy_config_holds_the_app_until_the_proxy_starts() -> None:
    # As Istio's hello-probes-proxyHoldApplication-ProxyConfig golden file: the proxy
    # first, waited for after start, and the configuration in PROXY_CONFIG.
    config = '{ "holdApplicationUntilProxyStarts": true }'
    web = istio_sidecar()(_web({"proxy.istio.io/config": config}))
    proxy = web.template.containers[0]
    assert [c.name for c in web.template.containers] == ["istio-proxy", "app"]
    assert thaw(proxy.extra["lifecycle"]) == {
        "postStart": {"exec": {"command": ["pilot-agent", "wait"]}}}
    env = {e.name: e.value for e in proxy.env}
    assert env["PROXY_CONFIG"] == '{"holdApplicationUntilProxyStarts":true}\n'
    assert istio_sidecar()(web) == web
    metadata = istio_sidecar(native=True)(_web({"proxy.istio.io/config": (
        "proxyMetadata:\n  ISTIO_META_DNS_CAPTURE: 'true'\n  B: '2'\n")}))
    init, proxy = metadata.template.init_containers[:2]
    assert [(e.name, e.value) for e in init.env] == [("B", "2"),
                                                      ("ISTIO_META_DNS_CAPTURE", "true")]
    names = [e.name for e in proxy.env]
    assert names[names.index("TRUST_DOMAIN") + 1:][:2] == ["B", "ISTIO_META_DNS_CAPTURE"]
    assert set(proxy.extra["lifecycle"]) == {"preStop"}
    with pytest.raises(InvalidValue, match="is not a proxy configuration"):
        istio_sidecar()(_web({"proxy.istio.io/config": "[1, 2]"}))


def test_tproxy_interception_from_the_proxy_config() -> None:
    # As Istio's hello-tproxy golden file (native mode).
    web = istio_sidecar(native=True)(_web({"proxy.istio.io/config": "interceptionMode: TPROXY"}))
    init, proxy = web.template.init_containers[:2]
    assert init.args[init.args.index("-m") + 1] == "TPROXY"
    env = {e.name: e.value for e in proxy.env}
    assert env["PROXY_CONFIG"] == '{"interceptionMode":"TPROXY"}\n'
    assert env["ISTIO_META_INTERCEPTION_MODE"] == "TPROXY"
    security = proxy.security_context
    assert security is not None and security.capabilities is not None
    assert (security.capabilities.add, security.run_as_user, security.run_as_non_root,
            security.run_as_group) == (("NET_ADMIN",), 0, False, 1337)


def test_interception_none_injects_no_init_container() -> None:
    web = istio_sidecar()(_web({"sidecar.istio.io/interceptionMode": "NONE"}))
    assert web.template.init_containers == ()
    assert json.loads(web.template.annotations[STATUS_ANNOTATION])["initContainers"] is None


def test_malformed_annotations_are_problems_at_their_paths() -> None:
    with pytest.raises(InvalidValue) as raised:
        istio_sidecar()(_web({"sidecar.istio.io/proxyCPU": "lots",
                              "status.sidecar.istio.io/port": "http",
                              "sidecar.istio.io/interceptionMode": "MAGIC"}))
    paths = [p.path for p in raised.value.problems]
    prefix = "spec.template.metadata.annotations"
    assert paths == [f"{prefix}['sidecar.istio.io/interceptionMode']",
                     f"{prefix}['status.sidecar.istio.io/port']",
                     f"{prefix}['sidecar.istio.io/proxyCPU']"]
    assert {p.object for p in raised.value.problems} == {"Deployment/web"}


def test_traffic_annotations_are_checked_as_istio_checks_them() -> None:
    with pytest.raises(InvalidValue) as raised:
        istio_sidecar()(_web({"traffic.sidecar.istio.io/includeOutboundIPRanges": "10.0.0.1",
                              "traffic.sidecar.istio.io/excludeOutboundPorts": "5432,http",
                              "traffic.sidecar.istio.io/includeInboundPorts": "*",
                              "status.sidecar.istio.io/port": "0"}))
    assert [(p.path.rsplit("[", 1)[1], p.message) for p in raised.value.problems] == [
        ("'status.sidecar.istio.io/port']", "'0' is not a whole number from 1 to 65535"),
        ("'traffic.sidecar.istio.io/includeOutboundIPRanges']",
         "'10.0.0.1' is not a CIDR range"),
        ("'traffic.sidecar.istio.io/excludeOutboundPorts']", "'http' is not a port")]


def test_a_pod_declaring_its_own_proxy_is_refused() -> None:
    web = Deployment.of("web", containers=[
        Container.of("app", image="web:1.0"), Container.of("istio-proxy", image="proxy:1")])
    with pytest.raises(InvalidValue, match="its own 'istio-proxy'"):
        istio_sidecar()(web)


def test_bad_options_are_refused_at_once() -> None:
    with pytest.raises(InvalidValue) as raised:
        istio_sidecar(native="yes", tag="", cluster_id="")  # type: ignore[arg-type]
    assert [p.path for p in raised.value.problems] == ["native", "tag", "cluster_id"]


def test_a_bare_pod_template_has_no_owner_and_a_system_namespace_is_skipped() -> None:
    pod = PodTemplate.of([Container.of("app", image="web:1.0")], labels={"app": "web"})
    options = istio_sidecar().steps[0].options  # type: ignore[attr-defined]
    injected = inject_istio_pod(pod, options)
    names = {e.name for e in next(c for c in injected.containers
                                  if c.name == "istio-proxy").env}
    assert "ISTIO_META_WORKLOAD_NAME" not in names and "ISTIO_META_OWNER" not in names
    system = Workload("coredns", "kube-system", "apps/v1", "Deployment")
    assert inject_istio_pod(pod, options, workload=system) is pod


def test_statefulsets_and_lists_and_composition_keep_the_workload() -> None:
    db = StatefulSet.of("db", service_name="db", containers=[
        Container.of("postgres", image="postgres:16.4", ports={"pg": 5432})])
    service = Service.of("db", selector={"app": "db"}, ports={"pg": 5432})
    inject = istio_sidecar()
    label = Transformation.of(lambda pod: pod, name="label")
    then_mirror = label.then(inject).then(istio_sidecar().fmap(mirror_images("mirror.internal")))
    injected_db, same_service = then_mirror([db, service])
    assert same_service == service
    env = {e.name: e.value for e in _proxy(injected_db).env}
    assert str(env["ISTIO_META_OWNER"]).endswith("/statefulsets/db")
    assert str(_proxy(injected_db).image).startswith("mirror.internal/")
    for manifest in to_manifests([injected_db, service]):
        validate_manifest(manifest)


def test_mirroring_commutes_with_injection() -> None:
    mirror = mirror_images("mirror.internal")
    web = _web()
    inject = istio_sidecar()
    assert inject.fmap(mirror)(fmap(mirror, web)) == fmap(mirror, inject(web))


def test_a_broken_status_annotation_is_a_problem() -> None:
    with pytest.raises(InvalidValue, match="not what Istio writes"):
        istio_sidecar()(_web({STATUS_ANNOTATION: "{not json"}))


# --- the command line ------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "flags", "expected"), GOLDEN,
                         ids=[e for _, _, e in GOLDEN])
def test_kancat_inject_writes_the_expected_yaml(source: str, flags: list[str], expected: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inject", "-f", str(DATA / source), *flags]) == 0
    assert capsys.readouterr().out == (DATA / expected).read_text(encoding="utf-8")


def test_kancat_inject_reads_standard_input_and_leaves_other_objects_alone(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "skipped.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["inject"]) == 0
    out = capsys.readouterr().out
    assert list(yaml.safe_load_all(out)) == to_manifests(_load("skipped.yaml"))


def test_kancat_inject_reports_bad_input_like_check_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "hello.yaml").read_text(encoding="utf-8").replace(
        "containerPort: 80", "containerPort: 70000"), encoding="utf-8")
    assert main(["inject", "-f", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(
        f"{bad}:1: Deployment/hello: spec.template.spec.containers[0].ports[0]."
        "containerPort: containerPort 70000 is out of range")
    assert "apiVersion" not in captured.out
    assert main(["check", str(bad)]) == 1
    assert capsys.readouterr().out == captured.out


def test_kancat_inject_refuses_a_pod_it_cannot_inject(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "hello.yaml").read_text(encoding="utf-8").replace(
        "  template:\n    metadata:\n", "  template:\n    metadata:\n      annotations:\n"
        "        sidecar.istio.io/proxyMemory: much\n"),
        encoding="utf-8")
    assert main(["inject", "-f", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Deployment/hello: spec.template.metadata.annotations" \
           "['sidecar.istio.io/proxyMemory']" in captured.err


def test_kancat_inject_native_sidecars_need_kubernetes_1_29(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inject", "-f", str(DATA / "hello.yaml"), "--native-sidecar",
                 "--kubernetes-version", "1.28"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "restartPolicy" in captured.err


@pytest.mark.parametrize("arguments", [["--revision", "Bad_Rev"],
                                       ["--kubernetes-version", "2.0"],
                                       ["-f", "/nonexistent/kancat.yaml"]])
def test_kancat_inject_usage_errors_exit_2(arguments: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inject", *arguments]) == 2
    assert capsys.readouterr().out == ""


def test_the_injected_revision_validates_for_every_flag_combination() -> None:
    for native in (False, True):
        for cni in (False, True):
            injected = istio_sidecar(native=native, cni=cni, revision="stable")(
                _load("hello-probes.yaml"))
            for manifest in to_manifests(injected):
                validate_manifest(manifest)


def test_kancat_inject_reaches_pods_and_cron_jobs_through_the_kinds_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Istio's native-sidecar.yaml is a Pod, its cronjob.yaml a CronJob; their golden
    # files name the owners below (Istio writes the CronJob's labels on its job
    # template, kancat on the pod template, where the webhook writes them).
    source = tmp_path / "kinds.yaml"
    source.write_text("""\
apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  initContainers:
  - name: other-sidecar
    restartPolicy: Always
    readinessProbe:
      httpGet:
        port: 3333
    image: registry.example.com/google-samples/hello-go-gke:1.0
    ports:
    - name: http
      containerPort: 80
  containers:
  - name: hello
    image: registry.example.com/google-samples/hello-go-gke:1.0
    ports:
    - name: http
      containerPort: 80
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hellocron
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: registry.example.com/library/busybox:1.36
            args: [/bin/sh, -c, date; echo Hello from the Kubernetes cluster]
""", encoding="utf-8")
    assert main(["inject", "-f", str(source), "--native-sidecar"]) == 0
    pod, cron = yaml.safe_load_all(capsys.readouterr().out)
    for manifest in (pod, cron):
        validate_manifest(manifest)
    proxy = _containers(pod)["istio-proxy"]
    assert _env(proxy)["ISTIO_META_OWNER"] == "kubernetes://apis/v1/namespaces/default/pods/hello"
    assert _env(proxy)["ISTIO_KUBE_APP_PROBERS"] == (
        '{"/app-health/other-sidecar/readyz":{"httpGet":{"port":3333}}}')
    assert pod["metadata"]["labels"]["service.istio.io/canonical-name"] == "hello"
    cron_pod = cron["spec"]["jobTemplate"]["spec"]["template"]
    cron_proxy = _containers(cron_pod)["istio-proxy"]
    assert _env(cron_proxy)["ISTIO_META_OWNER"] == (
        "kubernetes://apis/batch/v1/namespaces/default/cronjobs/hellocron")
    assert _env(cron_proxy)["ISTIO_META_POD_PORTS"] == "[\n]"
    assert cron_pod["metadata"]["labels"]["service.istio.io/canonical-name"] == "hellocron"
    assert [c["name"] for c in cron_pod["spec"]["initContainers"]] == ["istio-init",
                                                                       "istio-proxy"]
