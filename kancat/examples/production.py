"""The built-in example: a realistic small application.

* ``web``: a Deployment whose app container writes logs to an emptyDir that an
  injected fluent-bit sidecar ships on, with its configuration from a ConfigMap;
* a ClusterIP Service in front of it;
* ``db``: a 3-replica StatefulSet database whose init container prepares a primary
  (ordinal 0) or a replica (the others) with scripts from a ConfigMap, with probes, a
  volumeClaimTemplate per replica, and the headless Service that names its pods. Its
  passwords live in the Secret ``database-secret``, which a secret manager provides:
  the StatefulSet says so (annotation ``kancat/provided``), and kancat does not hold
  secret values in an example.

Every object it refers to is in the list or declared provided, so the checks across
objects find nothing:

>>> [f"{o.kind}/{o.name}" for o in production]
['Namespace/shop', 'ConfigMap/fluent-bit-config', 'ConfigMap/db-init-scripts', 'Deployment/web', 'Service/web', 'Service/db', 'StatefulSet/db']
>>> from kancat.interpret.consistency import check_objects
>>> check_objects(production, strict=True)
[]
"""

from kancat.patterns.sidecars import fluent_bit, fluent_bit_config, inject
from kancat.values import (
    ConfigMap,
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
    SecretKeyRef,
    Service,
    StatefulSet,
    Volume,
)
from kancat.values.meta import PROVIDED

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

DATA = "/var/lib/postgresql/data"

init_scripts = ConfigMap.of("db-init-scripts", namespace=NAMESPACE, data={
    "init-primary.sh": f"""\
#!/bin/sh
# Ordinal 0 starts as the primary: an empty data directory, initialised by postgres.
set -eu
mkdir -p {DATA}/pgdata
echo primary > {DATA}/role
""",
    "init-secondary.sh": f"""\
#!/bin/sh
# The other ordinals start as replicas of db-0, streaming from it.
set -eu
if [ ! -s {DATA}/pgdata/PG_VERSION ]; then
  pg_basebackup -h db-0.db -U "$REPLICATION_USER" -D {DATA}/pgdata -R -X stream
fi
echo replica > {DATA}/role
""",
})

db_service = Service.headless("db", selector={"app": "db"}, ports={"postgres": 5432},
                              namespace=NAMESPACE)

_replication = [EnvVar("REPLICATION_USER",
                       value_from=SecretKeyRef("database-secret", "replication-user")),
                EnvVar("PGPASSWORD",
                       value_from=SecretKeyRef("database-secret", "replication-password"))]

db = StatefulSet.of(
    "db",
    namespace=NAMESPACE,
    service_name="db",
    replicas=3,
    annotations={PROVIDED: "Secret/database-secret"},
    init_containers=[
        Container.of("init-database", image="registry.example.com/shop/db-init:1.0.0",
                     command=["sh", "-c", INIT_SCRIPT], env=_replication,
                     volume_mounts={"data": DATA, "init-scripts": "/scripts"}),
    ],
    containers=[
        Container.of(
            "database",
            image="postgres:16.4",
            ports={"postgres": 5432},
            env=[EnvVar("PGDATA", f"{DATA}/pgdata"),
                 EnvVar("POSTGRES_PASSWORD",
                        value_from=SecretKeyRef("database-secret", "password")),
                 _replication[0]],
            volume_mounts={"data": DATA},
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

production: list[KubeObject] = [namespace, fluent_bit_settings, init_scripts, web, web_service,
                                 db_service, db]
"""Everything, in apply order (namespace and configuration first)."""
