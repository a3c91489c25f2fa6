"""The built-in example: a realistic small application.

* ``web``: a Deployment whose app container writes logs to an emptyDir that an
  injected fluent-bit sidecar ships on, with its configuration from a ConfigMap;
* a ClusterIP Service in front of it;
* ``db``: a 3-replica StatefulSet database with an init container, probes, a
  volumeClaimTemplate per replica, and the headless Service that names its pods.

>>> [f"{o.kind}/{o.name}" for o in production]
['Namespace/shop', 'ConfigMap/fluent-bit-config', 'Deployment/web', 'Service/web', 'Service/db', 'StatefulSet/db']
"""

from kancat.patterns.sidecars import fluent_bit, fluent_bit_config, inject
from kancat.values import (
    ConfigMapVolume,
    Container,
    Deployment,
    EnvVar,
    ExecAction,
    HTTPGetAction,
    KubeObject,
    Namespace,
    PersistentVolumeClaimTemplate,
    Probe,
    Quantity,
    SecretKeyRef,
    Service,
    StatefulSet,
    Volume,
)

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

INIT_SCRIPT = """\
set -eu
if [ "${HOSTNAME##*-}" = "0" ]; then
  /scripts/init-primary.sh
else
  /scripts/init-secondary.sh
fi
"""

db_service = Service.headless("db", selector={"app": "db"}, ports={"postgres": 5432},
                              namespace=NAMESPACE)

db = StatefulSet.of(
    "db",
    namespace=NAMESPACE,
    service_name="db",
    replicas=3,
    init_containers=[
        Container.of("init-database", image="registry.example.com/shop/db-init:1.0.0",
                     command=["sh", "-c", INIT_SCRIPT],
                     volume_mounts={"data": "/var/lib/postgresql/data",
                                    "init-scripts": "/scripts"}),
    ],
    containers=[
        Container.of(
            "database",
            image="postgres:16.4",
            ports={"postgres": 5432},
            env=[EnvVar("PGDATA", "/var/lib/postgresql/data/pgdata"),
                 EnvVar("POSTGRES_PASSWORD",
                        value_from=SecretKeyRef("database-secret", "password")),
                 EnvVar("REPLICATION_USER",
                        value_from=SecretKeyRef("database-secret", "replication-user"))],
            volume_mounts={"data": "/var/lib/postgresql/data"},
            requests={"cpu": "500m", "memory": "1Gi"},
            limits={"memory": "2Gi"},
            liveness_probe=Probe(ExecAction(("sh", "-c", "pg_isready -U postgres")),
                                 initial_delay_seconds=30, period_seconds=10),
            readiness_probe=Probe(ExecAction(("sh", "-c", "pg_isready -U postgres && "
                                                          "psql -U postgres -c 'SELECT 1'")),
                                  initial_delay_seconds=5, period_seconds=5),
        ),
    ],
    volumes=[Volume("init-scripts", ConfigMapVolume("db-init-scripts", default_mode=0o755))],
    volume_claim_templates=[
        PersistentVolumeClaimTemplate("data", "100Gi", storage_class_name="fast-ssd"),
    ],
)

production: list[KubeObject] = [namespace, fluent_bit_settings, web, web_service, db_service, db]
"""Everything, in apply order (namespace and configuration first)."""
