"""The founding design's stateful database (§4 "Stateful Container Patterns") as a
value: a streaming-replicated PostgreSQL cluster.

:func:`postgres_cluster` builds a :class:`PostgresCluster` holding every object the
database needs, in apply order:

* a ConfigMap with the server configuration (``postgresql.conf``, ``pg_hba.conf``) and
  the initialisation scripts;
* the headless Service that gives every pod a stable DNS name (``<name>-0.<name>``) and
  governs the StatefulSet;
* the StatefulSet: an init container that reads the pod's ordinal from its host name and
  prepares a primary (ordinal 0: an empty data directory, which the image initialises and
  gives a replication user) or a replica (the others: ``pg_basebackup`` from the primary's
  stable name, streaming from it afterwards); ``REPLICATION_MODE`` as the founding design
  writes it (``master-slave``: one primary, streaming replicas); the replication user and
  password from ``secretKeyRef``; data and config mounts; ``pg_isready`` liveness and
  readiness probes; a ``ReadWriteOnce`` claim per replica;
* a PodDisruptionBudget letting one replica go at a time (``policy/v1``; ``policy/v1beta1``
  when emitting for Kubernetes < 1.21).

The Secret is **provided, not emitted**: kancat holds no secret values, so the
StatefulSet declares ``Secret/<secret_name>`` provided (annotation ``kancat/provided``)
and the checks across objects know to expect it. It needs the keys of
:data:`SECRET_KEYS`.

The pods pass the restricted Pod Security level: they run as the image's ``postgres``
user (999) with their files' group, a read-only root file system (the socket directory
and ``/tmp`` are emptyDirs), no privilege escalation, no capabilities, seccomp
``RuntimeDefault`` — the hardening of :func:`kancat.patterns.security.restricted`.

>>> from kancat.interpret.emit import to_yaml
>>> from kancat.patterns.security import pod_security_problems
>>> cluster = postgres_cluster(namespace="data")
>>> [f"{o.kind}/{o.name}" for o in cluster.objects()]
['ConfigMap/postgres-config', 'Service/postgres', 'StatefulSet/postgres', 'PodDisruptionBudget/postgres']
>>> pod_security_problems(cluster.stateful_set.template, "restricted")
[]
>>> [line for line in to_yaml(cluster, kubernetes_version="1.20").splitlines()
...  if line.startswith("apiVersion")]
['apiVersion: v1', 'apiVersion: v1', 'apiVersion: apps/v1', 'apiVersion: policy/v1beta1']
>>> postgres_cluster("Bad_Name", replicas=0, storage="lots")
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 3 problems:
  name: database name 'Bad_Name' is not a DNS-1123 label (...)
  replicas: a database cluster needs at least one replica, got 0 (use 1 for a primary alone, 3 for the founding design's primary and two replicas)
  storage: 'lots' is not a Kubernetes quantity (write a number with an optional suffix such as 100m, 0.5, 128Mi or 1G)
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import Collect, as_result
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import (
    Capabilities,
    ConfigMap,
    ConfigMapVolume,
    Container,
    EmptyDir,
    EnvVar,
    ExecAction,
    FieldRef,
    ImageRef,
    KeyToPath,
    PersistentVolumeClaimTemplate,
    PodDisruptionBudget,
    PodSecurityContext,
    Probe,
    Quantity,
    SeccompProfile,
    SecretKeyRef,
    SecurityContext,
    Service,
    StatefulSet,
    Volume,
)
from kancat.values.meta import PROVIDED

if TYPE_CHECKING:  # returns is imported only where a Result is made
    from returns.result import Result

    from kancat.algebra.functor import SlotMap
    from kancat.algebra.natural import Transformation

__all__ = [
    "DEFAULT_IMAGE",
    "POSTGRES_USER_ID",
    "SECRET_KEYS",
    "PostgresCluster",
    "ReplicationMode",
    "postgres_cluster",
]

DEFAULT_IMAGE: Final = "postgres:16.4"
"""The image of the database (and, unless another is given, of the init container, which
needs ``pg_basebackup``)."""

POSTGRES_USER_ID: Final = 999
"""The ``postgres`` user and group of the official image: the pods run as it, so the data
directory the image initialises belongs to the user that serves it."""

SECRET_KEYS: Final = ("password", "replication-user", "replication-password")
"""The keys the provided Secret needs: the superuser's password, and the replication
user's name and password."""

ReplicationMode: TypeAlias = Literal["master-slave", "primary-replica"]
"""``REPLICATION_MODE``: the founding design's ``master-slave``, or the same topology in
PostgreSQL's own words."""

DATA_DIR: Final = "/var/lib/postgresql/data"
PGDATA: Final = f"{DATA_DIR}/pgdata"  # below the mount: a volume's root may hold lost+found
CONFIG_DIR: Final = "/etc/postgresql"
SCRIPTS_DIR: Final = "/scripts"
INITDB_DIR: Final = "/docker-entrypoint-initdb.d"
PORT: Final = 5432

# The init container's choice, as the founding design writes it: the StatefulSet names
# its pods <name>-<ordinal>, and ordinal 0 is the primary. The pod's name comes from the
# downward API (POD_NAME), not from HOSTNAME, which POSIX sh does not promise.
CHOOSE_ROLE: Final = """\
set -eu
if [ "${POD_NAME##*-}" = "0" ]; then
  sh /scripts/init-primary.sh
else
  sh /scripts/init-secondary.sh
fi
"""

INIT_PRIMARY: Final = """\
#!/bin/sh
# Ordinal 0 is the primary: an empty data directory, which the image initialises (and
# then runs create-replication-user.sh) on first start.
set -eu
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA"
"""

INIT_SECONDARY: Final = """\
#!/bin/sh
# The other ordinals are replicas: a base backup of the primary, then streaming from it
# (-R writes standby.signal and the connection to the primary).
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  rm -rf "${PGDATA:?}"
  pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream
  chmod 0700 "$PGDATA"
fi
"""

CREATE_REPLICATION_USER: Final = """\
#!/bin/sh
# Run by the image once, when it initialises the primary's data directory.
set -eu
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \\
  --set user="$REPLICATION_USER" --set password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
SQL
"""

POSTGRESQL_CONF: Final = f"""\
listen_addresses = '*'
port = {PORT}
hba_file = '{CONFIG_DIR}/pg_hba.conf'
unix_socket_directories = '/var/run/postgresql'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
"""

PG_HBA_CONF: Final = """\
# TYPE  DATABASE     USER  ADDRESS  METHOD
local   all          all            trust
host    replication  all   all      scram-sha-256
host    all          all   all      scram-sha-256
"""

_SCRIPTS: Final = {"init-primary.sh": INIT_PRIMARY, "init-secondary.sh": INIT_SECONDARY,
                   "create-replication-user.sh": CREATE_REPLICATION_USER}
_CONFIG_FILES: Final = {"postgresql.conf": POSTGRESQL_CONF, "pg_hba.conf": PG_HBA_CONF}


def _selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


@attrs.frozen
class PostgresCluster:
    """Every object of a replicated PostgreSQL database, whose parts agree: the Service
    is headless and governs the StatefulSet, the Service and the PodDisruptionBudget
    select its pods, its pods mount the ConfigMap, and all are in one namespace.
    ``objects()`` lists them in apply order, so ``to_yaml(cluster)`` emits them.

    Build it with :func:`postgres_cluster` (or :meth:`of`, the same; :meth:`create`
    returns a ``Result``); the constructor takes finished parts and refuses parts that
    disagree, each problem at its path:

    >>> cluster = postgres_cluster("db")
    >>> PostgresCluster(cluster.config, Service.headless("db", selector={"app": "web"},
    ...                 ports={"postgres": 5432}), cluster.stateful_set,
    ...                 cluster.disruption_budget)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      service.spec.selector: the selector {'app': 'web'} does not select the database's pods (labels {'app': 'db'}) (select the pod labels, e.g. app: db)
    """

    config: ConfigMap
    service: Service
    stateful_set: StatefulSet
    disruption_budget: PodDisruptionBudget

    def __attrs_post_init__(self) -> None:
        for field, kind in (("config", ConfigMap), ("service", Service),
                            ("stateful_set", StatefulSet),
                            ("disruption_budget", PodDisruptionBudget)):
            given = getattr(self, field)
            if not isinstance(given, kind):
                raise InvalidArgument(f"{field} must be a {kind.__name__}, got "
                                      f"{type(given).__name__} {given!r:.60}")
        rules.raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Where the parts disagree (empty for every cluster that exists)."""
        found: list[Problem] = []
        workload, service, budget = self.stateful_set, self.service, self.disruption_budget
        labels = workload.template.labels
        shown = ", ".join(f"{k}: {v}" for k, v in labels.items())
        namespace = workload.metadata.namespace
        for field, part in (("config", self.config), ("service", service),
                            ("disruption_budget", budget)):
            if part.metadata.namespace != namespace:
                found.append(Problem(f"{field}.metadata.namespace",
                                     f"namespace {part.metadata.namespace!r} differs from the "
                                     f"StatefulSet's {namespace!r}",
                                     "put every object of the database in one namespace"))
        if workload.service_name != service.name:
            found.append(Problem("stateful_set.spec.serviceName",
                                 f"the StatefulSet is governed by {workload.service_name!r}, "
                                 f"but the Service is {service.name!r}",
                                 "name the headless Service in serviceName"))
        if not service.is_headless:
            found.append(Problem("service.spec.clusterIP",
                                 "the governing Service is not headless, so the pods get no "
                                 "stable DNS names and replicas cannot find the primary",
                                 "set clusterIP: None (Service.headless)"))
        if not service.selector or not _selects(service.selector, labels):
            found.append(Problem("service.spec.selector",
                                 f"the selector {dict(service.selector)!r} does not select the "
                                 f"database's pods (labels {dict(labels)!r})",
                                 f"select the pod labels, e.g. {shown}"))
        if budget.selector.is_empty or not budget.selector.matches(labels):
            found.append(Problem("disruption_budget.spec.selector",
                                 "the PodDisruptionBudget does not select the database's pods "
                                 f"(labels {dict(labels)!r})",
                                 f"select the pod labels, e.g. {shown}"))
        mounted = {v.source.name for v in workload.template.volumes
                   if isinstance(v.source, ConfigMapVolume)}
        if self.config.name not in mounted:
            found.append(Problem("stateful_set.spec.template.spec.volumes",
                                 f"no volume of the pods mounts the ConfigMap "
                                 f"{self.config.name!r}",
                                 "mount its scripts and configuration (postgres_cluster does)"))
        missing = [key for key in (*_SCRIPTS, *_CONFIG_FILES) if key not in self.config.data]
        if missing:
            found.append(Problem("config.data", f"the ConfigMap lacks {', '.join(missing)}",
                                 "keep the scripts and configuration postgres_cluster writes"))
        return found

    def objects(self) -> tuple[ConfigMap, Service, StatefulSet, PodDisruptionBudget]:
        """The objects in apply order: configuration, Service, StatefulSet, budget."""
        return (self.config, self.service, self.stateful_set, self.disruption_budget)

    def fmap(self, f: "SlotMap") -> "PostgresCluster":
        """Map every container of the database's pods by ``f`` (``fmap(f, cluster)``
        does the same): an image mirror, a pinned digest, an env setting. The other
        objects have no containers and stay as they are.

        >>> from kancat.algebra.functor import fmap, mirror_images
        >>> mirrored = fmap(mirror_images("mirror.internal"), postgres_cluster("db"))
        >>> str(mirrored.stateful_set.template.containers[0].image)
        'mirror.internal/library/postgres:16.4'
        """
        from kancat.algebra.functor import fmap

        try:
            mapped = fmap(f, self.stateful_set)
        except InvalidValue as error:
            raise error.under("stateful_set") from None
        return attrs.evolve(self, stateful_set=mapped)

    def transform(self, t: "Transformation") -> "PostgresCluster":
        """Apply the pod transformation ``t`` (sidecar injection, hardening) to the
        database's pods; the result is checked like every cluster (a transformation
        that relabels the pods away from their Service is refused).

        >>> from kancat.patterns.istio_injection import istio_sidecar
        >>> meshed = postgres_cluster("db").transform(istio_sidecar(cni=True))
        >>> [c.name for c in meshed.stateful_set.template.all_containers]
        ['istio-validation', 'init-database', 'database', 'istio-proxy']
        """
        try:
            moved = t(self.stateful_set)
        except InvalidValue as error:  # seen from the cluster: under its field
            raise error.under("stateful_set") from None
        return attrs.evolve(self, stateful_set=moved)

    @property
    def name(self) -> str:
        """The database's name: its StatefulSet's, Service's and pods' prefix."""
        return self.stateful_set.name

    @property
    def primary_host(self) -> str:
        """The stable DNS name of the primary (ordinal 0) inside the cluster.

        >>> postgres_cluster("db", namespace="shop").primary_host
        'db-0.db.shop.svc'
        """
        host = f"{self.name}-0.{self.service.name}"
        namespace = self.stateful_set.metadata.namespace
        return f"{host}.{namespace}.svc" if namespace else host

    @classmethod
    def of(cls, name: str = "postgres", **options: Any) -> "PostgresCluster":
        """The same as :func:`postgres_cluster`."""
        return postgres_cluster(name, **options)

    @classmethod
    def create(cls, name: str = "postgres", **options: Any
               ) -> "Result[PostgresCluster, InvalidValue]":
        """:func:`postgres_cluster` as a ``Result``.

        >>> PostgresCluster.create("db", storage="-5Gi")
        <Failure: 1 problem:
          storage: storage -5Gi is not positive (request a size such as 10Gi)>
        """
        return as_result(lambda: postgres_cluster(name, **options))


def _image_problems(path: str, image: object) -> list[Problem]:
    try:
        ImageRef.of(image)  # type: ignore[arg-type]  # checked here
    except InvalidValue as error:
        return [p.under(path) for p in error.problems]
    return []


def _parameter_problems(name: object, namespace: object, image: object, init_image: object,
                        replicas: object, storage_class: object, storage: object,
                        secret_name: object, replication_mode: object) -> list[Problem]:
    found = rules.dns1035_label("name", name, what="database name")
    if namespace is not None:
        found += rules.dns_label("namespace", namespace, what="namespace")
    found += _image_problems("image", image)
    if init_image is not None:
        found += _image_problems("init_image", init_image)
    if isinstance(replicas, bool) or not isinstance(replicas, int):
        found.append(Problem("replicas", f"replicas must be a whole number, got {replicas!r}",
                             "use 3 for a primary and two replicas"))
    elif replicas < 1:
        found.append(Problem("replicas", f"a database cluster needs at least one replica, got "
                             f"{replicas}", "use 1 for a primary alone, 3 for the founding "
                             "design's primary and two replicas"))
    if storage_class is not None:
        found += rules.dns_subdomain("storage_class", storage_class, what="storage class name")
    try:
        amount = Quantity.of(storage)  # type: ignore[arg-type]  # checked here
        if amount.amount <= 0:
            found.append(Problem("storage", f"storage {amount} is not positive",
                                 "request a size such as 10Gi"))
    except InvalidValue as error:
        found.extend(p.under("storage") for p in error.problems)
    if secret_name is not None:
        found += rules.dns_subdomain("secret_name", secret_name, what="Secret name")
    if replication_mode not in ("master-slave", "primary-replica"):
        found.append(Problem("replication_mode", f"unknown replication mode "
                             f"{replication_mode!r}", "use 'master-slave' or "
                             "'primary-replica'"))
    return found


def postgres_cluster(name: str = "postgres", *, namespace: str | None = None,
                     replicas: int = 3, image: str = DEFAULT_IMAGE,
                     init_image: str | None = None, storage_class: str | None = "fast-ssd",
                     storage: str = "100Gi", secret_name: str | None = None,
                     replication_mode: ReplicationMode = "master-slave",
                     requests: Mapping[str, str] | None = None,
                     limits: Mapping[str, str] | None = None) -> PostgresCluster:
    """A replicated PostgreSQL cluster: ``replicas`` pods, ordinal 0 the primary (see the
    module documentation).

    ``image`` serves the database; ``init_image`` (default: ``image``) prepares each
    pod and needs ``pg_basebackup``. ``storage_class`` and ``storage`` size each
    replica's ``ReadWriteOnce`` claim (the founding design's ``fast-ssd`` and 100Gi;
    ``storage_class=None`` takes the cluster's default class). ``secret_name`` (default
    ``<name>-credentials``) is the provided Secret with :data:`SECRET_KEYS`.
    ``requests`` and ``limits`` are the database container's resources (default: 500m
    CPU and 1Gi memory requested, 2Gi memory at most).

    Raises :class:`~kancat.errors.InvalidValue` listing every problem: of the parameters
    by their names, of the objects by their fields.

    >>> cluster = postgres_cluster("orders", namespace="shop", storage="20Gi")
    >>> database = cluster.stateful_set.template.containers[0]
    >>> [(e.name, e.value or e.value_from.key) for e in database.env][1:]
    [('POSTGRES_PASSWORD', 'password'), ('REPLICATION_MODE', 'master-slave'), ('REPLICATION_USER', 'replication-user'), ('REPLICATION_PASSWORD', 'replication-password')]
    >>> claim = cluster.stateful_set.volume_claim_templates[0]
    >>> claim.access_modes, claim.storage_class_name, str(claim.storage)
    (('ReadWriteOnce',), 'fast-ssd', '20Gi')
    >>> cluster.stateful_set.metadata.annotations["kancat/provided"]
    'Secret/orders-credentials'
    >>> cluster.disruption_budget.max_unavailable
    1
    """
    problems = _parameter_problems(name, namespace, image, init_image, replicas,
                                   storage_class, storage, secret_name, replication_mode)
    if problems:
        raise InvalidValue(problems)
    secret = secret_name if secret_name is not None else f"{name}-credentials"
    labels = {"app": name}
    collect = Collect()
    config = collect.take("config", lambda: ConfigMap.of(
        f"{name}-config", {**_CONFIG_FILES, **_SCRIPTS}, namespace=namespace, labels=labels))
    service = collect.take("service", lambda: Service.headless(
        name, selector=labels, ports={"postgres": PORT}, namespace=namespace, labels=labels))
    primary = f"{name}-0.{name}" + (f".{namespace}.svc" if namespace else "")
    workload = _stateful_set(
        collect, name, namespace=namespace, replicas=replicas, image=image,
        init_image=init_image or image, storage_class=storage_class, storage=storage,
        secret=secret, config=f"{name}-config", primary=primary,
        replication_mode=replication_mode, requests=requests, limits=limits)
    budget = collect.take("disruption_budget", lambda: PodDisruptionBudget.of(
        name, selector=labels, max_unavailable=1, namespace=namespace, labels=labels))
    collect.raise_if_any()
    assert config is not None and service is not None and workload is not None
    assert budget is not None
    return PostgresCluster(config, service, workload, budget)


def _secret(secret: str) -> Callable[[str, str], EnvVar]:
    return lambda variable, key: EnvVar(variable, value_from=SecretKeyRef(secret, key))


def _stateful_set(collect: Collect, name: str, *, namespace: str | None, replicas: int,
                  image: str, init_image: str, storage_class: str | None, storage: str,
                  secret: str, config: str, primary: str, replication_mode: str,
                  requests: Mapping[str, str] | None,
                  limits: Mapping[str, str] | None) -> StatefulSet | None:
    """The StatefulSet; what the parameters could not be checked for alone (the
    resources) is a problem at its field, gathered in ``collect``."""
    from_secret = _secret(secret)
    context = SecurityContext(allow_privilege_escalation=False, read_only_root_filesystem=True,
                              capabilities=Capabilities(drop=("ALL",)))
    pod = "stateful_set.spec.template.spec"
    prepare = Container.of(
        "init-database", image=init_image, command=["sh", "-c", CHOOSE_ROLE],
        env=[EnvVar("PGDATA", PGDATA), EnvVar("PRIMARY_HOST", primary),
             EnvVar("POD_NAME", value_from=FieldRef("metadata.name")),
             from_secret("REPLICATION_USER", "replication-user"),
             from_secret("PGPASSWORD", "replication-password")],
        volume_mounts={"data": DATA_DIR, "init-scripts": SCRIPTS_DIR, "tmp": "/tmp"},
        security_context=context)
    ready = "pg_isready -U postgres"
    database = collect.take(f"{pod}.containers[0]", lambda: Container.of(
        "database", image=image, args=["-c", f"config_file={CONFIG_DIR}/postgresql.conf"],
        ports={"postgres": PORT},
        env=[EnvVar("PGDATA", PGDATA), from_secret("POSTGRES_PASSWORD", "password"),
             EnvVar("REPLICATION_MODE", replication_mode),
             from_secret("REPLICATION_USER", "replication-user"),
             from_secret("REPLICATION_PASSWORD", "replication-password")],
        volume_mounts={"data": DATA_DIR, "config": CONFIG_DIR, "initdb": INITDB_DIR,
                       "run": "/var/run/postgresql", "tmp": "/tmp"},
        requests=requests if requests is not None else {"cpu": "500m", "memory": "1Gi"},
        limits=limits if limits is not None else {"memory": "2Gi"},
        liveness_probe=Probe(ExecAction(("sh", "-c", ready)),
                             initial_delay_seconds=30, period_seconds=10),
        readiness_probe=Probe(ExecAction(("sh", "-c", f"{ready} && psql -U postgres -c "
                                                      "'SELECT 1'")),
                              initial_delay_seconds=5, period_seconds=5),
        security_context=context))
    if database is None:
        return None
    volumes = [
        Volume("init-scripts", ConfigMapVolume(config, items=(
            KeyToPath("init-primary.sh", "init-primary.sh"),
            KeyToPath("init-secondary.sh", "init-secondary.sh")))),
        Volume("config", ConfigMapVolume(config, items=(
            KeyToPath("postgresql.conf", "postgresql.conf"),
            KeyToPath("pg_hba.conf", "pg_hba.conf")))),
        Volume("initdb", ConfigMapVolume(config, items=(
            KeyToPath("create-replication-user.sh", "create-replication-user.sh",
                      mode=0o555),))),
        Volume("run", EmptyDir()),
        Volume("tmp", EmptyDir()),
    ]
    return collect.take("stateful_set", lambda: StatefulSet.of(
        name, namespace=namespace, service_name=name, replicas=replicas,
        labels={"app": name}, annotations={PROVIDED: f"Secret/{secret}"},
        init_containers=[prepare], containers=[database], volumes=volumes,
        automount_service_account_token=False,
        security_context=PodSecurityContext(
            run_as_non_root=True, run_as_user=POSTGRES_USER_ID, run_as_group=POSTGRES_USER_ID,
            fs_group=POSTGRES_USER_ID, seccomp_profile=SeccompProfile("RuntimeDefault")),
        volume_claim_templates=[PersistentVolumeClaimTemplate(
            "data", storage, storage_class_name=storage_class)]))
