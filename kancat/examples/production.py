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
"""

from kancat.patterns.database import postgres_cluster
from kancat.patterns.sidecars import fluent_bit, fluent_bit_config, inject
from kancat.values import (
    Container,
    Deployment,
    HTTPGetAction,
    KubeObject,
    Namespace,
    Probe,
    Service,
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

# The founding design's stateful database (§4), from the pattern: its configuration and
# scripts, the headless Service, the StatefulSet and its PodDisruptionBudget. The shop
# prepares its pods with its own init image (PostgreSQL's client tools, pg_basebackup).
database = postgres_cluster("db", namespace=NAMESPACE, secret_name="database-secret",
                            init_image="registry.example.com/shop/db-init:1.0.0")
db_config, db_service, db, db_budget = database.objects()

production: list[KubeObject] = [namespace, fluent_bit_settings, db_config, web, web_service,
                                 db_service, db, db_budget]
"""Everything, in apply order (namespace and configuration first)."""
