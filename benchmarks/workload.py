"""The workload every benchmark here measures: N Deployment + Service pairs.

Each Deployment ``app-<i>`` has 2 replicas and an app container (image
``registry.example.com/shop/app-<i>:1.0.<i>``, port 8080 ``http``, one env var, CPU
and memory requests, an HTTP liveness probe) into which the fluent-bit logging sidecar
is injected (:func:`kancat.patterns.sidecars.fluent_bit`); each Service exposes port 80
to ``http``.

* :func:`kancat_program` writes them as a kancat user does: values, injection, ``to_yaml``;
* :func:`baseline_program` writes the same manifests as literal dicts dumped with
  PyYAML's libyaml ``CSafeDumper`` — no validation, no values: the lower bound.

Both run as whole processes (``python benchmarks/workload.py kancat|baseline N``): the
baseline process imports only PyYAML. :func:`check_equivalent` proves the two write the
same documents.
"""

import sys
from typing import Any

SIDECAR_IMAGE = "fluent/fluent-bit:3.2.4"
STATUS = ('{"containers":["log-forwarder"],"initContainers":[],"mounts":["/var/log/app"],'
          '"volumes":["fluent-bit-config","logs"]}')


def _image(i: int) -> str:
    return f"registry.example.com/shop/app-{i}:1.0.{i}"


def kancat_objects(n: int) -> list[Any]:
    """The N pairs as kancat values (every value validated as it is built)."""
    from kancat import Container, Deployment, Probe, Service
    from kancat.patterns.sidecars import fluent_bit, inject
    from kancat.values import HTTPGetAction

    add_logging = inject(fluent_bit())
    values: list[Any] = []
    for i in range(n):
        app = Container.of("app", image=_image(i), ports={"http": 8080},
                           env={"LOG_LEVEL": "info"},
                           requests={"cpu": "100m", "memory": "128Mi"},
                           liveness_probe=Probe(HTTPGetAction("http", path="/healthz"),
                                                period_seconds=10))
        web = add_logging(Deployment.of(f"app-{i}", replicas=2, containers=[app]))
        values += [web, Service.expose(web, port=80)]
    return values


def kancat_program(n: int) -> str:
    """What a kancat user's program does: build, inject, emit."""
    from kancat import to_yaml

    return to_yaml(kancat_objects(n))


def baseline_documents(n: int) -> list[dict[str, Any]]:
    """The same manifests, written by hand as literal dicts."""
    docs: list[dict[str, Any]] = []
    for i in range(n):
        name = f"app-{i}"
        docs.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name},
                                 "annotations": {"kancat/sidecars": STATUS}},
                    "spec": {
                        "containers": [
                            {"name": "app", "image": _image(i),
                             "ports": [{"containerPort": 8080, "name": "http",
                                        "protocol": "TCP"}],
                             "env": [{"name": "LOG_LEVEL", "value": "info"}],
                             "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                             "volumeMounts": [{"name": "logs", "mountPath": "/var/log/app"}],
                             "livenessProbe": {"httpGet": {"path": "/healthz",
                                                           "port": "http"},
                                               "periodSeconds": 10}},
                            {"name": "log-forwarder", "image": SIDECAR_IMAGE,
                             "env": [{"name": "FLUENT_ELASTICSEARCH_HOST",
                                      "value": "elasticsearch.logging.svc.cluster.local"},
                                     {"name": "FLUENT_ELASTICSEARCH_PORT", "value": "9200"}],
                             "resources": {"limits": {"memory": "128Mi"},
                                           "requests": {"cpu": "50m", "memory": "64Mi"}},
                             "volumeMounts": [
                                 {"name": "logs", "mountPath": "/var/log/app",
                                  "readOnly": True},
                                 {"name": "fluent-bit-config",
                                  "mountPath": "/fluent-bit/etc/", "readOnly": True}]},
                        ],
                        "volumes": [{"name": "fluent-bit-config",
                                     "configMap": {"name": "fluent-bit-config"}},
                                    {"name": "logs", "emptyDir": {}}],
                    },
                },
            },
        })
        docs.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"selector": {"app": name},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http",
                                "protocol": "TCP"}]},
        })
    return docs


def baseline_program(n: int) -> str:
    import yaml

    text: str = yaml.dump_all(baseline_documents(n), Dumper=yaml.CSafeDumper, sort_keys=False)
    return text


def check_equivalent(n: int = 50) -> str:
    """Both programs write the same documents (raises SystemExit naming the first that
    differs)."""
    import yaml

    ours = list(yaml.safe_load_all(kancat_program(n)))
    theirs = list(yaml.safe_load_all(baseline_program(n)))
    for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if a != b:
            raise SystemExit(f"document {index} differs:\nkancat:   {a}\nbaseline: {b}")
    return f"equivalent: kancat and the baseline write the same {len(ours)} documents"


if __name__ == "__main__":
    program = {"kancat": kancat_program, "baseline": baseline_program}[sys.argv[1]]
    sys.stdout.write(program(int(sys.argv[2])))
