"""The founding design's platform setup script ("Complete Container Orchestration
Setup") as an ordered plan value with two interpreters.

:func:`platform_bootstrap` returns a :class:`BootstrapPlan` whose steps, in order, are

1. ``istio`` — the control plane from kancat's own IstioOperator
   (:func:`kancat.patterns.istio.production_profile`), installed by ``istioctl`` of the
   pinned Istio version;
2. ``namespace`` — the application namespace, labelled for sidecar injection
   (``istio-injection: enabled``);
3. ``falco`` — Falco from its Helm chart, with gRPC and gRPC output enabled;
4. ``gatekeeper`` — OPA Gatekeeper from its Helm chart;
5. ``monitoring`` — kube-prometheus-stack (Prometheus and Grafana);
6. ``cert-manager`` — which the Jaeger operator's admission webhook needs for its
   certificate (the design's script leaves it out, and the operator does not start
   without it);
7. ``tracing`` — the Jaeger operator from its Helm chart.

A step is declarative (:class:`Manifests`: objects applied with ``kubectl apply``),
the IstioOperator handed to ``istioctl`` (:class:`IstioInstall`), or a chart
(:class:`HelmRelease`: ``helm upgrade --install`` of a pinned chart version). Every
version is a parameter (:class:`Versions`, with defaults), pinned in the plan.

The two interpreters:

* ``plan.objects()`` — the manifests of the plan (the IstioOperator and the labelled
  Namespace), so ``to_yaml(plan)`` emits them, schema-valid;
* ``plan.script()`` — a ``bash`` script (``set -euo pipefail``) running every step:
  every value shell-quoted, every command idempotent (``helm repo add
  --force-update``, ``helm upgrade --install``, ``kubectl apply``, ``istioctl install``
  of a declared operator), the manifests written from kancat's own YAML through quoted
  heredocs. Equal plans give byte-identical scripts.

Where it departs from the founding design's script, it is to pin what the design left
floating: charts by version (the design installs whatever is newest), Gatekeeper and
the Jaeger operator from their charts (the design applies manifests from a branch
and from ``master``), and Falco's gRPC output under the key its current charts read
(``falco.grpc_output.enabled``; the design's ``grpcOutput`` is the old chart's).

>>> plan = platform_bootstrap(Versions(istio="1.24.2"))
>>> [step.name for step in plan.steps]
['istio', 'namespace', 'falco', 'gatekeeper', 'monitoring', 'cert-manager', 'tracing']
>>> [f"{o.kind}/{o.name}" for o in plan.objects()]
['IstioOperator/production-mesh', 'Namespace/production']
>>> script = plan.script()
>>> script.splitlines()[:2]
['#!/usr/bin/env bash', 'set -euo pipefail']
>>> script == platform_bootstrap(Versions(istio="1.24.2")).script()  # deterministic
True
>>> [line for line in script.splitlines() if line.startswith("helm upgrade")][0]
'helm upgrade --install falco falcosecurity/falco --version 4.17.2 --namespace falco --create-namespace --wait --set falco.grpc.enabled=true --set falco.grpc_output.enabled=true'
"""

import re
import shlex
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from kancat.core import rules
from kancat.core.collect import as_result, check_types, to_tuple
from kancat.core.frozen import EMPTY, FrozenMap
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import KubeObject, KubeObjectBase, Namespace, OpaqueObject
from kancat.values.istio.operator import IstioOperator
from kancat.values.kinds import DEFAULT_VERSION, KubernetesVersion

if TYPE_CHECKING:  # returns is imported only where a Result is made
    from returns.result import Result

__all__ = [
    "BootstrapPlan",
    "HelmRelease",
    "IstioInstall",
    "Manifests",
    "Step",
    "Versions",
    "platform_bootstrap",
]

_VERSION = re.compile(r"v?[0-9]+(\.[0-9]+){1,2}([-+][0-9A-Za-z.-]+)?\Z")
_REPO_URL = re.compile(r"https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?\Z")
_SET_KEY = re.compile(r"[A-Za-z0-9_.\[\]-]+\Z")
HEREDOC_END: Final = "KANCAT_MANIFESTS"
"""The delimiter of the script's heredocs (quoted, so nothing in the YAML expands)."""


def _version_problems(path: str, value: object) -> list[Problem]:
    if isinstance(value, str) and _VERSION.match(value):
        return []
    return [Problem(path, f"{value!r} is not a version",
                    "give a pinned version such as 1.24.2 (no ranges, no 'latest')")]


@attrs.frozen(kw_only=True)
class Versions:
    """The pinned version of every component (each a parameter of the plan).

    >>> Versions(falco="4.17.2").falco
    '4.17.2'
    >>> Versions.create(istio="latest", gatekeeper="3.x")
    <Failure: 2 problems:
      istio: 'latest' is not a version (give a pinned version such as 1.24.2 (no ranges, no 'latest'))
      gatekeeper: '3.x' is not a version (give a pinned version such as 1.24.2 (no ranges, no 'latest'))>
    """

    istio: str = "1.24.2"
    """Istio (and the ``istioctl`` downloaded to install it)."""
    falco: str = "4.17.2"
    """The ``falcosecurity/falco`` chart."""
    gatekeeper: str = "3.18.2"
    """The ``gatekeeper/gatekeeper`` chart."""
    kube_prometheus_stack: str = "67.9.0"
    """The ``prometheus-community/kube-prometheus-stack`` chart."""
    cert_manager: str = "v1.16.2"
    """The ``jetstack/cert-manager`` chart (the Jaeger operator's webhook needs it)."""
    jaeger_operator: str = "2.57.0"
    """The ``jaegertracing/jaeger-operator`` chart."""

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        for field in attrs.fields(Versions):
            found += _version_problems(field.name, getattr(self, field.name))
        rules.raise_if(found)

    @classmethod
    def of(cls, **versions: str) -> "Versions":
        """The versions given by keyword, the defaults for the others."""
        return cls(**versions)

    @classmethod
    def create(cls, **versions: str) -> "Result[Versions, InvalidValue]":
        """:meth:`of` as a ``Result``."""
        return as_result(lambda: cls.of(**versions))


def _name_problems(path: str, value: object, what: str) -> list[Problem]:
    return rules.dns_label(path, value, what=what)


def _objects(items: Iterable[Any]) -> tuple[KubeObject, ...]:
    return to_tuple(items)


@attrs.frozen
class Manifests:
    """A declarative step: ``objects`` applied with ``kubectl apply`` (idempotent).

    >>> Manifests("namespace", [Namespace.of("shop")]).objects[0].name
    'shop'
    """

    name: str
    objects: tuple[KubeObject, ...] = attrs.field(converter=_objects)

    def __attrs_post_init__(self) -> None:
        check_types("objects", self.objects, (KubeObjectBase, OpaqueObject))
        found = _name_problems("name", self.name, "step name")
        if not self.objects:
            found.append(Problem("objects", "a manifests step applies no objects",
                                 "give at least one object, or leave the step out"))
        rules.raise_if(found)

    @classmethod
    def of(cls, name: str, objects: Iterable[KubeObject]) -> "Manifests":
        """The same as the constructor."""
        return cls(name, objects)

    @classmethod
    def create(cls, name: str, objects: Iterable[KubeObject]
               ) -> "Result[Manifests, InvalidValue]":
        """:meth:`of` as a ``Result``."""
        return as_result(lambda: cls.of(name, objects))

    def commands(self, yaml: str) -> list[str]:
        """The script lines: the objects' YAML applied through a quoted heredoc."""
        return [f"kubectl apply -f - <<'{HEREDOC_END}'", *_heredoc(yaml)]


@attrs.frozen
class IstioInstall:
    """Istio's control plane: ``istioctl`` of ``version`` installs ``operator``.

    The script downloads that release of Istio (the design's ``downloadIstio``, pinned
    by ``ISTIO_VERSION``) unless it is already in the working directory, writes the
    IstioOperator to a temporary file, and runs ``istioctl install -y -f`` on it, which
    reconciles to the same control plane however often it runs.

    >>> from kancat.patterns.istio import production_profile
    >>> IstioInstall("istio", production_profile(), "1.24.2").operator.name
    'production-mesh'
    """

    name: str
    operator: IstioOperator
    version: str

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.operator, IstioOperator):
            raise InvalidArgument(f"operator must be an IstioOperator, got "
                                  f"{type(self.operator).__name__} {self.operator!r:.60}")
        found = _name_problems("name", self.name, "step name")
        found += _version_problems("version", self.version)
        rules.raise_if(found)

    @classmethod
    def of(cls, name: str, operator: IstioOperator, version: str) -> "IstioInstall":
        """The same as the constructor."""
        return cls(name, operator, version)

    @classmethod
    def create(cls, name: str, operator: IstioOperator, version: str
               ) -> "Result[IstioInstall, InvalidValue]":
        """:meth:`of` as a ``Result``."""
        return as_result(lambda: cls.of(name, operator, version))

    @property
    def objects(self) -> tuple[KubeObject, ...]:
        """The IstioOperator (declarative: it is what ``istioctl`` installs)."""
        return (self.operator,)

    def commands(self, yaml: str) -> list[str]:
        """The script lines: fetch ``istioctl``, write the operator, install it."""
        version = shlex.quote(self.version)
        directory = shlex.quote(f"istio-{self.version}")
        return [
            f"if [ ! -x {directory}/bin/istioctl ]; then",
            f"  curl -fsSL https://istio.io/downloadIstio | ISTIO_VERSION={version} sh -",
            "fi",
            'istio_operator="$(mktemp)"',
            "trap 'rm -f \"$istio_operator\"' EXIT",
            f"cat >\"$istio_operator\" <<'{HEREDOC_END}'",
            *_heredoc(yaml),
            f"{directory}/bin/istioctl install -y -f \"$istio_operator\"",
        ]


def _settings(values: Mapping[str, str] | Iterable[tuple[str, str]] | None
              ) -> FrozenMap[str]:
    if values is None:
        return EMPTY
    pairs = values.items() if isinstance(values, Mapping) else values
    return FrozenMap({str(k): v for k, v in pairs})


@attrs.frozen(kw_only=True)
class HelmRelease:
    """An imperative step: the chart ``repository_name/chart`` at ``version``
    installed or upgraded as ``release`` in ``namespace`` (``helm upgrade --install``,
    the namespace created when missing), each of ``settings`` a ``--set``.

    >>> HelmRelease.create(name="x", release="x", chart="x", repository_name="x",
    ...                    repository_url="http://insecure.example", version="1",
    ...                    namespace="x")
    <Failure: 2 problems:
      repository_url: 'http://insecure.example' is not an https URL (give the chart repository's https address)
      version: '1' is not a version (give a pinned version such as 1.24.2 (no ranges, no 'latest'))>
    """

    name: str
    release: str
    chart: str
    repository_name: str
    repository_url: str
    version: str
    namespace: str
    settings: FrozenMap[str] = attrs.field(default=EMPTY, converter=_settings)

    def __attrs_post_init__(self) -> None:
        found = _name_problems("name", self.name, "step name")
        found += rules.dns_label("release", self.release, what="release name")
        found += rules.dns_label("chart", self.chart, what="chart name")
        found += rules.dns_label("repository_name", self.repository_name,
                                 what="repository name")
        if not isinstance(self.repository_url, str) or not _REPO_URL.match(
                self.repository_url):
            found.append(Problem("repository_url", f"{self.repository_url!r} is not an https "
                                 "URL", "give the chart repository's https address"))
        found += _version_problems("version", self.version)
        found += rules.dns_label("namespace", self.namespace, what="namespace")
        for key, value in self.settings.items():
            if not _SET_KEY.match(key):
                found.append(Problem(f"settings[{key!r}]", f"{key!r} is not a chart value "
                                     "path", "write a dotted path such as falco.grpc.enabled"))
            if not isinstance(value, str):
                found.append(Problem(f"settings[{key!r}]", f"the value must be a string, got "
                                     f"{value!r}", "quote it, e.g. 'true'"))
        rules.raise_if(found)

    @classmethod
    def of(cls, **fields: Any) -> "HelmRelease":
        """The same as the constructor (every field by keyword)."""
        return cls(**fields)

    @classmethod
    def create(cls, **fields: Any) -> "Result[HelmRelease, InvalidValue]":
        """:meth:`of` as a ``Result``."""
        return as_result(lambda: cls.of(**fields))

    @property
    def objects(self) -> tuple[KubeObject, ...]:
        """None: a chart's objects are Helm's to render."""
        return ()

    def commands(self, yaml: str = "") -> list[str]:
        """The script lines: add the repository, install or upgrade the release."""
        q = shlex.quote
        install = ["helm", "upgrade", "--install", self.release,
                   f"{self.repository_name}/{self.chart}", "--version", self.version,
                   "--namespace", self.namespace, "--create-namespace", "--wait"]
        for key, value in self.settings.items():
            install += ["--set", f"{key}={value}"]
        command = " ".join(q(part) for part in install)
        # A quoted value holding $ or ` is literal on purpose: say so to shellcheck,
        # which otherwise suspects an expansion meant to happen.
        literal = ["# shellcheck disable=SC2016  # literal $ or ` in a quoted value"] \
            if any(c in v for v in self.settings.values() for c in "$`") else []
        return [f"helm repo add --force-update {q(self.repository_name)} "
                f"{q(self.repository_url)}", *literal, command]


Step: TypeAlias = Manifests | IstioInstall | HelmRelease
"""One step of a plan."""


def _heredoc(yaml: str) -> list[str]:
    lines = yaml.rstrip("\n").split("\n")
    if HEREDOC_END in lines:
        raise InvalidArgument(f"the YAML holds a line {HEREDOC_END!r}, which would end the "
                              "heredoc early")
    return [*lines, HEREDOC_END]


@attrs.frozen
class BootstrapPlan:
    """An ordered plan of steps with unique names; see the module documentation.

    >>> namespace = Manifests("namespace", [Namespace.of("shop")])
    >>> BootstrapPlan.create([namespace, namespace])
    <Failure: 1 problem:
      steps[1].name: duplicate step name 'namespace' (also at steps[0]) (give each step name a different value)>
    """

    steps: tuple[Step, ...] = attrs.field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check_types("steps", self.steps, (Manifests, IstioInstall, HelmRelease))
        rules.raise_if(rules.unique("steps", self.steps, lambda s: s.name, field="name",
                                    what="step name"))

    @classmethod
    def of(cls, steps: Iterable[Step]) -> "BootstrapPlan":
        """The same as the constructor."""
        return cls(steps)

    @classmethod
    def create(cls, steps: Iterable[Step]) -> "Result[BootstrapPlan, InvalidValue]":
        """:meth:`of` as a ``Result``."""
        return as_result(lambda: cls.of(steps))

    def step(self, name: str) -> Step:
        """The step called ``name``."""
        for step in self.steps:
            if step.name == name:
                return step
        raise InvalidArgument(f"no step {name!r} in the plan (it has: "
                              f"{', '.join(s.name for s in self.steps)})")

    def objects(self) -> tuple[KubeObject, ...]:
        """The manifests of the declarative steps, in plan order (``to_yaml(plan)``)."""
        return tuple(o for step in self.steps for o in step.objects)

    def script(self, *,
               kubernetes_version: str | KubernetesVersion = DEFAULT_VERSION) -> str:
        """The plan as a ``bash`` script (see the module documentation); the manifests
        are kancat's YAML for ``kubernetes_version``. It first checks that the tools
        its steps run are installed."""
        from kancat.interpret.emit import to_yaml

        tools = ["curl"] if any(isinstance(s, IstioInstall) for s in self.steps) else []
        tools += ["kubectl"] if any(isinstance(s, Manifests) for s in self.steps) else []
        tools += ["helm"] if any(isinstance(s, HelmRelease) for s in self.steps) else []
        lines = ["#!/usr/bin/env bash", "set -euo pipefail", "",
                 "# The platform bootstrap kancat wrote from a plan: every command is",
                 "# idempotent, so running it again converges on the same platform."]
        if tools:
            lines += ["", 'require() { command -v "$1" >/dev/null || { echo "bootstrap needs $1" '
                      '>&2; exit 1; }; }', *(f"require {tool}" for tool in tools)]
        for number, step in enumerate(self.steps, 1):
            yaml = to_yaml(list(step.objects), kubernetes_version=kubernetes_version) \
                if step.objects else ""
            lines += ["", f"# {number}. {step.name}", *step.commands(yaml)]
        return "\n".join(lines) + "\n"


def platform_bootstrap(versions: Versions | None = None, *,
                       app_namespace: str = "production",
                       operator: IstioOperator | None = None) -> BootstrapPlan:
    """The founding design's setup as a plan: ``versions`` pins every component,
    ``app_namespace`` is labelled for sidecar injection, ``operator`` (default
    :func:`~kancat.patterns.istio.production_profile`) is the control plane.

    >>> plan = platform_bootstrap(Versions(kube_prometheus_stack="66.0.0"),
    ...                           app_namespace="shop")
    >>> dict(plan.step("namespace").objects[0].metadata.labels)
    {'istio-injection': 'enabled'}
    >>> "--version 66.0.0" in plan.script()
    True
    >>> platform_bootstrap(app_namespace="Shop")
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      app_namespace: ...
    """
    from kancat.patterns.istio import production_profile

    pinned = versions if versions is not None else Versions()
    if not isinstance(pinned, Versions):
        raise InvalidArgument(f"versions must be Versions, got {type(pinned).__name__}")
    problems = rules.dns_label("app_namespace", app_namespace, what="namespace name")
    if problems:
        raise InvalidValue(problems)
    control_plane = operator if operator is not None else production_profile()
    return BootstrapPlan([
        IstioInstall("istio", control_plane, pinned.istio),
        Manifests("namespace", [Namespace.of(app_namespace,
                                             labels={"istio-injection": "enabled"})]),
        HelmRelease(name="falco", release="falco", chart="falco",
                    repository_name="falcosecurity",
                    repository_url="https://falcosecurity.github.io/charts",
                    version=pinned.falco, namespace="falco",
                    settings={"falco.grpc.enabled": "true",
                              "falco.grpc_output.enabled": "true"}),
        HelmRelease(name="gatekeeper", release="gatekeeper", chart="gatekeeper",
                    repository_name="gatekeeper",
                    repository_url="https://open-policy-agent.github.io/gatekeeper/charts",
                    version=pinned.gatekeeper, namespace="gatekeeper-system"),
        HelmRelease(name="monitoring", release="prometheus", chart="kube-prometheus-stack",
                    repository_name="prometheus-community",
                    repository_url="https://prometheus-community.github.io/helm-charts",
                    version=pinned.kube_prometheus_stack, namespace="monitoring"),
        HelmRelease(name="cert-manager", release="cert-manager", chart="cert-manager",
                    repository_name="jetstack", repository_url="https://charts.jetstack.io",
                    version=pinned.cert_manager, namespace="cert-manager",
                    settings={"crds.enabled": "true"}),
        HelmRelease(name="tracing", release="jaeger-operator", chart="jaeger-operator",
                    repository_name="jaegertracing",
                    repository_url="https://jaegertracing.github.io/helm-charts",
                    version=pinned.jaeger_operator, namespace="observability"),
    ])
