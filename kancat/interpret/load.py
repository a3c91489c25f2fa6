"""Kubernetes YAML → kancat values, through the same validation as the constructors.

Every problem in every document is reported (with its document number, ``Kind/name``
and field path), and nothing is returned unless all documents are valid. Fields that
kancat does not model are carried in the values' ``extra`` maps and emitted again,
so ``emit(load(y))`` equals ``y``; kinds kancat does not model load as
:class:`~kancat.values.OpaqueObject`. Fields Kubernetes itself does not know (a typo
such as ``replicaz``) are problems, because the API server rejects them.

>>> result = load_yaml('''
... apiVersion: apps/v1
... kind: Deployment
... metadata: {name: web}
... spec:
...   replicas: -1
...   selector: {matchLabels: {app: web}}
...   template:
...     metadata: {labels: {app: web}}
...     spec:
...       containers: [{name: app, image: web, ports: [{containerPort: 70000}]}]
... ''')
>>> for problem in result.failure().problems:
...     print(problem.document, problem.object, problem)
1 Deployment/web spec.template.spec.containers[0].ports[0].containerPort: containerPort 70000 is out of range (use a number from 1 to 65535)
1 Deployment/web spec.replicas: replicas must be >= 0, got -1 (use 0 or more)
"""

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, TypeVar

import attrs
import yaml
from returns.result import Failure, Result, Success

from kancat.errors import InvalidValue, Problem
from kancat.interpret._fields import unknown_fields
from kancat.values import (
    Capabilities,
    ConfigMap,
    ConfigMapKeyRef,
    ConfigMapProjection,
    ConfigMapVolume,
    Container,
    ContainerPort,
    Deployment,
    DownwardAPIFile,
    DownwardAPIProjection,
    DownwardAPIVolume,
    EmptyDir,
    EnvVar,
    ExecAction,
    FieldRef,
    GRPCAction,
    HTTPGetAction,
    ImageRef,
    IPBlock,
    KeyToPath,
    KubeObject,
    LabelSelector,
    LabelSelectorRequirement,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    NetworkPolicyRule,
    ObjectMeta,
    OpaqueObject,
    OtherEnvSource,
    OtherProjection,
    OtherVolumeSource,
    PersistentVolumeClaimTemplate,
    PersistentVolumeClaimVolume,
    PodDisruptionBudget,
    PodSecurityContext,
    PodTemplate,
    Probe,
    ProjectedVolume,
    Quantity,
    Resources,
    SeccompProfile,
    SecretKeyRef,
    SecretProjection,
    SecretVolume,
    SecurityContext,
    Service,
    ServiceAccountTokenProjection,
    ServicePort,
    StatefulSet,
    TCPSocketAction,
    Toleration,
    TopologySpreadConstraint,
    Volume,
    VolumeMount,
)
from kancat.values._base import Collect
from kancat.values._frozen import EMPTY, FrozenMap, freeze
from kancat.values.pod import duplicate_container_names, pod_field_problems

__all__ = ["load_documents", "load_manifest", "load_yaml"]

_T = TypeVar("_T")


# --- YAML ----------------------------------------------------------------------------------

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc]  # PyYAML's loaders are untyped
    """YAML 1.1 as the API server reads it: timestamps stay strings (as in JSON), and a
    key given twice in one mapping is an error (the API server's strict decoding
    rejects it; PyYAML alone would silently keep the last value)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found duplicate key {key_node.value!r}", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_value(loader: Any, node: Any) -> str:
    # A bare '=' is YAML 1.1's "value" tag; Kubernetes reads it as the string "=".
    return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:value", _construct_value)

MAX_EXPANDED_NODES = 1_000_000
"""Aliases may repeat a node, but a document may not expand beyond this many nodes."""


class _AliasCheckingLoader(_Loader):
    """For texts with anchors: refuse recursive aliases and alias bombs before
    constructing anything (a few hundred bytes of nested aliases can otherwise
    expand to billions of nodes)."""

    def construct_document(self, node: Any) -> Any:
        _expanded_size(node)
        return super().construct_document(node)


def _expanded_size(root: Any) -> int:
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise yaml.constructor.ConstructorError(
                None, None, "found a recursive alias (a node that contains itself)",
                node.start_mark)
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        on_path.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise yaml.constructor.ConstructorError(
                None, None, f"aliases expand the document beyond {MAX_EXPANDED_NODES} nodes",
                node.start_mark)
        sizes[key] = total
        return total

    return size(root)


def load_yaml(text: str | bytes) -> Result[tuple[KubeObject, ...], InvalidValue]:
    """Load every document of a multi-document YAML (or JSON) text.

    Malformed YAML is a problem at the document where it stands, not an exception.
    """
    if _looks_like_json(text):
        try:
            parsed = _load_json(text)
        except _NotKubernetesJSON as error:
            return Failure(InvalidValue([Problem("", f"malformed JSON: {error}",
                                                 "give each key once, and only finite numbers",
                                                 document=1)]))
        if parsed is not None:
            return load_documents([parsed])
    documents: list[Any] = []
    anchored = ("&" in text) if isinstance(text, str) else (b"&" in text)
    try:
        for document in yaml.load_all(text, Loader=_AliasCheckingLoader if anchored else _Loader):
            documents.append(document)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        return Failure(InvalidValue([Problem(
            "", f"malformed YAML: {where}{reason}",
            "fix the YAML syntax (indentation, quoting, ':' after keys)",
            document=len(documents) + 1)]))
    except RecursionError:
        return Failure(InvalidValue([Problem(
            "", "the YAML nests too deeply", "flatten the document",
            document=len(documents) + 1)]))
    except (UnicodeDecodeError, ValueError, TypeError) as error:
        return Failure(InvalidValue([Problem("", f"unreadable input: {error}",
                                             "give UTF-8 YAML or JSON text", document=1)]))
    return load_documents(documents)


def _looks_like_json(text: str | bytes) -> bool:
    start = text.lstrip()[:1]
    return start in ("{", "[", b"{", b"[")


class _NotKubernetesJSON(Exception):
    """Valid-looking JSON that the API server would still refuse."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _NotKubernetesJSON(f"found duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _NotKubernetesJSON(f"{name} is not a JSON number")


def _load_json(text: str | bytes) -> Any:
    """JSON read as JSON: YAML readers reject some characters and escapes (control
    characters, surrogate pairs) that JSON, and the API server, accept. ``None`` when
    the text is not JSON after all (flow-style YAML such as ``{a: 1}``), which is then
    read as YAML."""
    import json

    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        return None


def load_documents(documents: Iterable[Any]) -> Result[tuple[KubeObject, ...], InvalidValue]:
    """Load already-parsed documents (dicts); ``None`` documents are skipped and
    ``kind: List`` documents are expanded."""
    objects: list[KubeObject] = []
    problems: list[Problem] = []
    for number, document in enumerate(documents, start=1):
        if document is None:
            continue
        if _is_list(document):
            items = document.get("items")
            if not isinstance(items, list):
                problems.append(Problem("items", "a List needs a list of items",
                                        "put the objects under items:", number, "List"))
                continue
            for index, item in enumerate(items):
                _load_into(item, number, f"items[{index}]", objects, problems)
        else:
            _load_into(document, number, "", objects, problems)
    if problems:
        return Failure(InvalidValue(problems))
    return Success(tuple(objects))


def _is_list(document: Any) -> bool:
    return (isinstance(document, Mapping) and document.get("kind") == "List"
            and document.get("apiVersion") == "v1")


def _load_into(document: Any, number: int, prefix: str, objects: list[KubeObject],
               problems: list[Problem]) -> None:
    result = load_manifest(document)
    if isinstance(result, Success):
        objects.append(result.unwrap())
        return
    label = _label(document)
    problems.extend(attrs.evolve(p.under(prefix) if prefix else p, document=number,
                                 object=label) for p in result.failure().problems)


def _label(document: Any) -> str:
    if not isinstance(document, Mapping):
        return "?"
    metadata = document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return f"{document.get('kind') or '?'}/{name or '?'}"


def load_manifest(document: Any) -> Result[KubeObject, InvalidValue]:
    """Load one manifest dict into a value (all problems, or the value)."""
    if not isinstance(document, Mapping):
        return Failure(InvalidValue([Problem(
            "", f"a Kubernetes object must be a mapping, got {type(document).__name__}",
            "give apiVersion, kind, metadata and the kind's fields")]))
    collect = Collect()
    found = unknown_fields(document)
    collect.problems.extend(found)
    api_version, kind = document.get("apiVersion"), document.get("kind")
    parser = (_PARSERS.get((api_version, kind))
              if isinstance(api_version, str) and isinstance(kind, str) else None)
    if parser is None:
        value: KubeObject | None = collect.take("", lambda: OpaqueObject(freeze(document)))
    else:
        root = _Object(document, "", collect)
        root.used.update(("apiVersion", "kind"))
        value = parser(root)
    if collect.problems or value is None:
        return Failure(InvalidValue(collect.problems or [
            Problem("", "the object could not be loaded", "see the other problems")]))
    return Success(value)


# --- reading mappings with shape checks -----------------------------------------------------

def _check_finite(value: Any, path: str, collect: Collect) -> None:
    """NaN and infinities have no JSON form: the API server cannot take them."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            collect.problem(path, f"{value} is not a finite number", "write a finite number")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_finite(item, f"{path}.{key}", collect)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, f"{path}[{index}]", collect)


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Object:
    """One mapping being read: typed getters that report shape problems, and the
    fields left over (carried as ``extra``)."""

    __slots__ = ("c", "data", "path", "used")

    def __init__(self, data: Mapping[str, Any], path: str, collect: Collect) -> None:
        self.data = data
        self.path = path
        self.c = collect
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        return _at(self.path, key)

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.raw(key)
        if value is None:
            if required:
                self.c.problem(self.at(key), f"{key} is required", f"give {key}")
            return None
        if not isinstance(value, str):
            self.c.problem(self.at(key), f"{key} must be a string, got {value!r:.40}",
                           "quote the value")
            return None
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        items = self.items(key)
        good = []
        for path, item in items:
            if isinstance(item, str):
                good.append(item)
            else:
                self.c.problem(path, f"must be a string, got {item!r:.40}", "quote the value")
        return tuple(good)

    def obj(self, key: str, *, required: bool = False) -> "_Object | None":
        value = self.raw(key)
        if value is None:
            if required:
                self.c.problem(self.at(key), f"{key} is required", f"give {key}")
            return None
        if not isinstance(value, Mapping):
            self.c.problem(self.at(key), f"{key} must be a mapping, got "
                                         f"{type(value).__name__}", "write key: value pairs")
            return None
        return _Object(value, self.at(key), self.c)

    def items(self, key: str) -> list[tuple[str, Any]]:
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.c.problem(self.at(key), f"{key} must be a list, got {type(value).__name__}",
                           "write a list ('- item' lines)")
            return []
        return [(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]

    def objs(self, key: str) -> list["_Object | None"]:
        out: list[_Object | None] = []
        for path, item in self.items(key):
            if isinstance(item, Mapping):
                out.append(_Object(item, path, self.c))
            else:
                self.c.problem(path, f"must be a mapping, got {type(item).__name__}",
                               "write key: value pairs")
                out.append(None)
        return out

    def strings(self, key: str) -> FrozenMap[str]:
        """A string-to-string map (labels, annotations, selectors, data)."""
        value = self.raw(key)
        if value is None:
            return EMPTY
        if not isinstance(value, Mapping):
            self.c.problem(self.at(key), f"{key} must be a mapping, got {type(value).__name__}",
                           "write key: value pairs")
            return EMPTY
        good: dict[str, str] = {}
        for k, v in value.items():
            if isinstance(k, str) and isinstance(v, str):
                good[k] = v
            else:
                self.c.problem(f"{self.at(key)}[{k!r}]",
                               f"key and value must be strings, got {k!r:.30}: {v!r:.30}",
                               "quote the value (e.g. 'true', '1')")
        return FrozenMap(good)

    def rest(self) -> FrozenMap[Any]:
        """The fields not read: carried untouched."""
        left = {k: v for k, v in self.data.items() if k not in self.used}
        if not left:
            return EMPTY
        for key, value in left.items():
            _check_finite(value, self.at(key), self.c)
        result: FrozenMap[Any] = freeze(left)
        return result

    def take(self, build: Callable[[], _T], key: str = "") -> _T | None:
        return self.c.take(self.at(key) if key else self.path, build)


# --- parts ----------------------------------------------------------------------------------

def _meta(o: _Object | None) -> ObjectMeta | None:
    if o is None:
        return None
    name = o.text("name")
    namespace = o.text("namespace")
    labels, annotations = o.strings("labels"), o.strings("annotations")
    extra = o.rest()
    if name is None:
        if "generateName" in o.data:
            o.c.problem(o.at("name"), "generateName is not supported",
                        "give the object a fixed metadata.name (declarative apply needs it)")
        else:
            o.c.problem(o.at("name"), "metadata.name is required", "give the object a name")
        return None
    return o.take(lambda: ObjectMeta(name, namespace, labels, annotations, extra))


def _selector(o: _Object | None) -> LabelSelector | None:
    if o is None:
        return None
    labels = o.strings("matchLabels")
    expressions = [_requirement(e) for e in o.objs("matchExpressions")]
    o.rest()
    if any(e is None for e in expressions):
        return None
    return o.take(lambda: LabelSelector(labels, expressions))


def _requirement(o: _Object | None) -> LabelSelectorRequirement | None:
    if o is None:
        return None
    key, operator, values = o.text("key", required=True), o.text("operator", required=True), \
        o.texts("values")
    if key is None or operator is None:
        return None
    return o.take(lambda: LabelSelectorRequirement(key, operator, values))


def _container_port(o: _Object | None) -> ContainerPort | None:
    if o is None:
        return None
    port = o.raw("containerPort")
    name, protocol = o.raw("name"), o.raw("protocol")
    host_port = o.raw("hostPort")
    extra = o.rest()
    if port is None:
        o.c.problem(o.at("containerPort"), "containerPort is required",
                    "give the port number the container listens on")
        return None
    return o.take(lambda: ContainerPort(port, name, protocol if protocol is not None else "TCP",
                                        host_port, extra))


def _key_ref(o: _Object | None, kind: type[Any]) -> Any:
    if o is None:
        return None
    name, key, optional = o.raw("name"), o.raw("key"), o.raw("optional")
    leftover = o.rest()
    if leftover:
        return OtherEnvSource({("secretKeyRef" if kind is SecretKeyRef else "configMapKeyRef"):
                               {**o.data}})
    return o.take(lambda: kind(name, key, optional))


def _field_ref(o: _Object | None) -> FieldRef | None:
    if o is None:
        return None
    path, api = o.raw("fieldPath"), o.raw("apiVersion")
    o.rest()
    return o.take(lambda: FieldRef(path, api))


def _env(o: _Object | None) -> EnvVar | None:
    if o is None:
        return None
    name, value = o.raw("name"), o.raw("value")
    source_obj = o.obj("valueFrom")
    o.rest()
    source: Any = None
    if source_obj is not None:
        keys = [k for k in ("secretKeyRef", "configMapKeyRef", "fieldRef") if k in
                source_obj.data]
        if len(source_obj.data) == 1 and keys == ["secretKeyRef"]:
            source = _key_ref(source_obj.obj("secretKeyRef"), SecretKeyRef)
        elif len(source_obj.data) == 1 and keys == ["configMapKeyRef"]:
            source = _key_ref(source_obj.obj("configMapKeyRef"), ConfigMapKeyRef)
        elif len(source_obj.data) == 1 and keys == ["fieldRef"]:
            field = source_obj.obj("fieldRef")
            source = _field_ref(field) if field is not None else None
            if field is not None and set(field.data) - {"fieldPath", "apiVersion"}:
                source = OtherEnvSource(source_obj.data)
        else:
            source = o.take(lambda: OtherEnvSource(source_obj.data), "valueFrom")
        if source is None:
            return None
    return o.take(lambda: EnvVar(name, value, source))


def _mount(o: _Object | None) -> VolumeMount | None:
    if o is None:
        return None
    name, path = o.raw("name"), o.raw("mountPath")
    read_only, sub_path = o.raw("readOnly"), o.raw("subPath")
    extra = o.rest()
    return o.take(lambda: VolumeMount(name, path, read_only, sub_path, extra))


_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _probe(o: _Object | None) -> Probe | None:
    if o is None:
        return None
    present = [k for k in _HANDLERS if o.data.get(k) is not None]
    if len(present) != 1:
        o.c.problem(o.path, f"a probe needs exactly one handler, found {len(present)}",
                    "give one of exec, httpGet, tcpSocket, grpc")
        return None
    handler_obj = o.obj(present[0])
    timings = {name: o.raw(key) for name, key in (
        ("initial_delay_seconds", "initialDelaySeconds"), ("period_seconds", "periodSeconds"),
        ("timeout_seconds", "timeoutSeconds"), ("success_threshold", "successThreshold"),
        ("failure_threshold", "failureThreshold"),
        ("termination_grace_period_seconds", "terminationGracePeriodSeconds"))}
    if handler_obj is None:
        return None
    h = handler_obj
    handler: Any
    if present[0] == "exec":
        command = h.texts("command")
        handler = h.take(lambda: ExecAction(command))
    elif present[0] == "httpGet":
        port, path, scheme, host = h.raw("port"), h.raw("path"), h.raw("scheme"), h.raw("host")
        headers = tuple(freeze(x) for _, x in h.items("httpHeaders"))
        handler = h.take(lambda: HTTPGetAction(port, path, scheme, host, headers))
    elif present[0] == "tcpSocket":
        port, host = h.raw("port"), h.raw("host")
        handler = h.take(lambda: TCPSocketAction(port, host))
    else:
        port, service = h.raw("port"), h.raw("service")
        handler = h.take(lambda: GRPCAction(port, service))
    # Every field Kubernetes 1.32 knows on a probe and its handler is modelled: anything
    # left over is an unknown field, which the field check has reported already.
    h.rest()
    o.rest()
    if handler is None:
        return None
    return o.take(lambda: Probe(handler, **timings))


def _resources(o: _Object | None) -> Resources | None:
    if o is None:
        return Resources()
    tables: dict[str, dict[str, Quantity]] = {}
    ok = True
    for key in ("requests", "limits"):
        raw = o.raw(key)
        table: dict[str, Quantity] = {}
        if isinstance(raw, Mapping):
            for name, amount in raw.items():
                parsed = Quantity.parse(amount)
                if isinstance(parsed, Failure):
                    o.c.problem(f"{o.at(key)}[{name!r}]",
                                f"{amount!r} is not a Kubernetes quantity",
                                "write a number with an optional suffix such as 100m, 0.5, "
                                "128Mi or 1G")
                    ok = False
                else:
                    table[str(name)] = parsed.unwrap()
        elif raw is not None:
            o.c.problem(o.at(key), f"{key} must be a mapping", "write e.g. cpu: 100m")
            ok = False
        tables[key] = table
    extra = o.rest()
    if not ok:
        return None
    return o.take(lambda: Resources(tables["requests"], tables["limits"], extra))


def _seccomp(o: _Object | None) -> SeccompProfile | None:
    if o is None:
        return None
    kind, profile = o.raw("type"), o.raw("localhostProfile")
    o.rest()
    return o.take(lambda: SeccompProfile(kind, profile))


def _security(o: _Object | None) -> SecurityContext | None:
    if o is None:
        return None
    caps_obj = o.obj("capabilities")
    caps = None
    if caps_obj is not None:
        add, drop = caps_obj.texts("add"), caps_obj.texts("drop")
        caps_obj.rest()
        caps = Capabilities(add, drop)
    seccomp_obj = o.obj("seccompProfile")
    seccomp = _seccomp(seccomp_obj)
    if seccomp_obj is not None and seccomp is None:
        return None
    fields = {name: o.raw(key) for name, key in (
        ("run_as_user", "runAsUser"), ("run_as_group", "runAsGroup"),
        ("run_as_non_root", "runAsNonRoot"),
        ("read_only_root_filesystem", "readOnlyRootFilesystem"),
        ("allow_privilege_escalation", "allowPrivilegeEscalation"),
        ("privileged", "privileged"))}
    extra = o.rest()
    return o.take(lambda: SecurityContext(**fields, capabilities=caps, seccomp_profile=seccomp,
                                          extra=extra))


def _container(o: _Object | None) -> Container | None:
    if o is None:
        return None
    name = o.raw("name")
    image_text = o.raw("image")
    image = None
    if image_text is None:
        o.c.problem(o.at("image"), "image is required",
                    "give the image to run, e.g. registry.example.com/shop/web:1.4.2")
    else:
        image = o.take(lambda: ImageRef.of(image_text) if isinstance(image_text, str)
                       else ImageRef.of(str(image_text)), "image")
        if image is not None and not isinstance(image_text, str):
            o.c.problem(o.at("image"), "image must be a string", "quote the image reference")
            image = None
    command, args = o.texts("command"), o.texts("args")
    env = [_env(e) for e in o.objs("env")]
    ports = [_container_port(p) for p in o.objs("ports")]
    mounts = [_mount(m) for m in o.objs("volumeMounts")]
    resources_obj = o.obj("resources")
    resources = _resources(resources_obj)
    probes = {}
    for key, field in (("livenessProbe", "liveness_probe"),
                       ("readinessProbe", "readiness_probe"),
                       ("startupProbe", "startup_probe")):
        probe_obj = o.obj(key)
        probes[field] = _probe(probe_obj)
        if probe_obj is not None and probes[field] is None:
            image = None  # mark as failed
    security_obj = o.obj("securityContext")
    security = _security(security_obj)
    pull, working_dir, restart = o.raw("imagePullPolicy"), o.raw("workingDir"), o.raw(
        "restartPolicy")
    extra = o.rest()
    parts: list[Any] = [*env, *ports, *mounts]
    if (image is None or resources is None or any(p is None for p in parts)
            or (security_obj is not None and security is None)):
        # Still report the container's own name rule.
        from kancat.values import _check

        o.c.problems.extend(p.under(o.path) for p in _check.dns_label(
            "name", name, what="container name"))
        return None
    return o.take(lambda: Container(
        name, image, command, args, env, ports, mounts, resources, probes["liveness_probe"],
        probes["readiness_probe"], probes["startup_probe"], security, pull, working_dir,
        restart, extra))


def _key_to_paths(o: _Object) -> tuple[KeyToPath, ...] | None:
    items = []
    for item in o.objs("items"):
        if item is None:
            return None
        key, path, mode = item.raw("key"), item.raw("path"), item.raw("mode")
        item.rest()
        built = item.take(lambda k=key, p=path, m=mode: KeyToPath(k, p, m))  # type: ignore[misc]
        if built is None:
            return None
        items.append(built)
    return tuple(items)


def _downward_files(o: _Object) -> tuple[DownwardAPIFile, ...] | None:
    files = []
    for item in o.objs("items"):
        if item is None:
            return None
        path, mode = item.raw("path"), item.raw("mode")
        field_obj = item.obj("fieldRef")
        field = _field_ref(field_obj)
        if field_obj is not None and field is None:
            return None
        resource = item.raw("resourceFieldRef")
        item.rest()
        built = item.take(lambda p=path, f=field, r=resource, m=mode:  # type: ignore[misc]
                          DownwardAPIFile(p, f, freeze(r) if r is not None else None, m))
        if built is None:
            return None
        files.append(built)
    return tuple(files)


def _volume_source(o: _Object, key: str) -> Any:
    s = o.obj(key)
    if s is None:
        return None
    if key == "emptyDir":
        medium, size = s.raw("medium"), s.raw("sizeLimit")
        leftover = s.rest()
        if leftover:
            return s.take(lambda: OtherVolumeSource({key: s.data}))
        quantity = None
        if size is not None:
            quantity = s.take(lambda: Quantity.of(size), "sizeLimit")
            if quantity is None:
                return None
        return s.take(lambda: EmptyDir(medium, quantity))
    if key in ("configMap", "secret"):
        name = s.raw("name" if key == "configMap" else "secretName")
        mode, optional = s.raw("defaultMode"), s.raw("optional")
        items = _key_to_paths(s)
        if s.rest() or items is None:
            return None if items is None else s.take(lambda: OtherVolumeSource({key: s.data}))
        kind: Any = ConfigMapVolume if key == "configMap" else SecretVolume
        return s.take(lambda: kind(name, items, mode, optional))
    if key == "persistentVolumeClaim":
        claim, read_only = s.raw("claimName"), s.raw("readOnly")
        s.rest()
        return s.take(lambda: PersistentVolumeClaimVolume(claim, read_only))
    if key == "downwardAPI":
        mode = s.raw("defaultMode")
        found_files = _downward_files(s)
        s.rest()
        if found_files is None:
            return None
        return s.take(lambda: DownwardAPIVolume(found_files, mode))
    assert key == "projected"
    mode = s.raw("defaultMode")
    sources: list[Any] = []
    for p in s.objs("sources"):
        if p is None or len(p.data) != 1:
            if p is not None:
                p.c.problem(p.path, "a projection needs exactly one source",
                            "give one of serviceAccountToken, configMap, secret, downwardAPI")
            return None
        (kind_key,) = p.data
        body = p.obj(kind_key)
        if body is None:
            return None
        if kind_key == "serviceAccountToken":
            path, audience, seconds = body.raw("path"), body.raw("audience"), body.raw(
                "expirationSeconds")
            body.rest()
            built: Any = body.take(partial(ServiceAccountTokenProjection, path, audience, seconds))
        elif kind_key in ("configMap", "secret"):
            name, optional = body.raw("name"), body.raw("optional")
            items = _key_to_paths(body)
            if items is None:
                return None
            if body.rest():
                built = OtherProjection(p.data)
            else:
                cls: Any = ConfigMapProjection if kind_key == "configMap" else SecretProjection
                built = body.take(partial(cls, name, items, optional))
        elif kind_key == "downwardAPI":
            files = _downward_files(body)
            if files is None:
                return None
            built = OtherProjection(p.data) if body.rest() else DownwardAPIProjection(files)
        else:
            body.rest()
            built = OtherProjection(p.data)
        if built is None:
            return None
        sources.append(built)
    s.rest()
    return s.take(lambda: ProjectedVolume(sources, mode))


_VOLUME_SOURCES = ("emptyDir", "configMap", "secret", "persistentVolumeClaim", "projected",
                   "downwardAPI")


def _volume(o: _Object | None) -> Volume | None:
    if o is None:
        return None
    name = o.raw("name")
    keys = [k for k in o.data if k != "name"]
    if len(keys) != 1:
        o.c.problem(o.path, f"a volume needs exactly one source, found {len(keys)}",
                    "give one of emptyDir, configMap, secret, persistentVolumeClaim, "
                    "projected, downwardAPI, ...")
        return None
    (key,) = keys
    if key in _VOLUME_SOURCES:
        source = _volume_source(o, key)
    else:
        o.raw(key)
        source = o.take(lambda: OtherVolumeSource({key: o.data[key]}))
    o.rest()
    if source is None:
        return None
    return o.take(lambda: Volume(name, source))


def _pod_security(o: _Object | None) -> PodSecurityContext | None:
    if o is None:
        return None
    seccomp_obj = o.obj("seccompProfile")
    seccomp = _seccomp(seccomp_obj)
    if seccomp_obj is not None and seccomp is None:
        return None
    groups = [g for _, g in o.items("supplementalGroups")]
    fields = {name: o.raw(key) for name, key in (
        ("run_as_user", "runAsUser"), ("run_as_group", "runAsGroup"),
        ("run_as_non_root", "runAsNonRoot"), ("fs_group", "fsGroup"))}
    extra = o.rest()
    return o.take(lambda: PodSecurityContext(**fields, supplemental_groups=groups,
                                             seccomp_profile=seccomp, extra=extra))


def _toleration(o: _Object | None) -> Toleration | None:
    if o is None:
        return None
    fields = {name: o.raw(key) for name, key in (
        ("key", "key"), ("operator", "operator"), ("value", "value"), ("effect", "effect"),
        ("toleration_seconds", "tolerationSeconds"))}
    o.rest()
    return o.take(lambda: Toleration(**fields))


def _spread(o: _Object | None) -> TopologySpreadConstraint | None:
    if o is None:
        return None
    skew, key, when = o.raw("maxSkew"), o.raw("topologyKey"), o.raw("whenUnsatisfiable")
    selector_obj = o.obj("labelSelector")
    selector = _selector(selector_obj)
    if selector_obj is not None and selector is None:
        return None
    extra = o.rest()
    return o.take(lambda: TopologySpreadConstraint(skew, key, when, selector, extra))


def _name_of(spec: _Object, key: str) -> list[object]:
    items = spec.data.get(key)
    if not isinstance(items, list):
        return []
    return [item.get("name") if isinstance(item, Mapping) else None for item in items]


def _template(o: _Object | None) -> PodTemplate | None:
    if o is None:
        return None
    meta = o.obj("metadata")
    labels = meta.strings("labels") if meta else EMPTY
    annotations = meta.strings("annotations") if meta else EMPTY
    meta_extra = meta.rest() if meta else EMPTY
    spec = o.obj("spec", required=True)
    o.rest()
    if spec is None:
        return None
    init = [_container(c) for c in spec.objs("initContainers")]
    containers = [_container(c) for c in spec.objs("containers")]
    volumes = [_volume(v) for v in spec.objs("volumes")]
    security_obj = spec.obj("securityContext")
    security = _pod_security(security_obj)
    tolerations = [_toleration(t) for t in spec.objs("tolerations")]
    spreads = [_spread(t) for t in spec.objs("topologySpreadConstraints")]
    node_selector = spec.strings("nodeSelector")
    affinity = spec.raw("affinity")
    if affinity is not None and not isinstance(affinity, Mapping):
        o.c.problem(spec.at("affinity"), "affinity must be a mapping", "write key: value pairs")
        affinity = None
    fields = {name: spec.raw(key) for name, key in (
        ("service_account_name", "serviceAccountName"),
        ("automount_service_account_token", "automountServiceAccountToken"),
        ("host_network", "hostNetwork"),
        ("termination_grace_period_seconds", "terminationGracePeriodSeconds"))}
    extra = spec.rest()
    if (None in containers or None in init or None in volumes or None in tolerations
            or None in spreads or (security_obj is not None and security is None)):
        # The pod's own rules still run, and unique names on the names as written.
        names = [_name_of(spec, "containers"), _name_of(spec, "initContainers")]
        o.c.problems.extend(p.under(o.path) for p in [
            *pod_field_problems(labels, annotations, **fields, node_selector=node_selector),
            *duplicate_container_names(*names)])
        return None
    return o.take(lambda: PodTemplate(
        containers, init, volumes, labels, annotations, security_context=security,
        node_selector=node_selector, affinity=freeze(affinity) if affinity else EMPTY,
        tolerations=tolerations, topology_spread_constraints=spreads, extra=extra,
        metadata_extra=meta_extra, **fields))


# --- kinds ----------------------------------------------------------------------------------

def _workload_parts(o: _Object) -> tuple[ObjectMeta | None, _Object | None]:
    meta = _meta(o.obj("metadata", required=True))
    return meta, o.obj("spec", required=True)


def _deployment(o: _Object) -> Deployment | None:
    meta, spec = _workload_parts(o)
    extra = o.rest()
    if spec is None:
        return None
    replicas = spec.raw("replicas")
    selector = _selector(spec.obj("selector", required=True))
    template = _template(spec.obj("template", required=True))
    spec_extra = spec.rest()
    if meta is None or selector is None or template is None:
        _replicas_rule(o.c, replicas)
        return None
    return o.take(lambda: Deployment(meta, template, selector, replicas, spec_extra, extra))


def _replicas_rule(collect: Collect, replicas: Any) -> None:
    """``replicas`` is checked even when another part of the workload failed."""
    from kancat.values import _check

    if replicas is not None:
        collect.problems.extend(_check.integer("spec.replicas", replicas, minimum=0,
                                               maximum=2**31 - 1, what="replicas"))


def _claim(o: _Object | None) -> PersistentVolumeClaimTemplate | None:
    if o is None:
        return None
    meta = o.obj("metadata", required=True)
    spec = o.obj("spec", required=True)
    extra = o.rest()
    if meta is None or spec is None:
        return None
    name = meta.raw("name")
    labels = meta.strings("labels")
    meta_extra = meta.rest()
    modes = spec.texts("accessModes")
    storage_class = spec.raw("storageClassName")
    resources = spec.obj("resources", required=True)
    storage: Quantity | None = None
    resources_extra: dict[str, Any] = {}
    if resources is not None:
        requests = resources.obj("requests", required=True)
        if requests is not None:
            amount = requests.raw("storage")
            if amount is None:
                o.c.problem(requests.at("storage"), "storage is required",
                            "request a size such as 10Gi")
            else:
                storage = requests.take(lambda: Quantity.of(amount), "storage")
            if requests.rest():
                resources_extra = {"requests": dict(requests.data)}
        leftover = resources.rest()
        if leftover:
            resources_extra = {**resources.data}
    spec_extra: dict[str, Any] = dict(spec.rest())
    if storage is None:
        return None
    if resources_extra:
        # Limits or other resources beside requests.storage: keep them whole.
        spec_extra["resources"] = freeze(resources_extra)
    return o.take(lambda: PersistentVolumeClaimTemplate(
        name, storage, modes, storage_class, labels, spec_extra, meta_extra, extra))


def _statefulset(o: _Object) -> StatefulSet | None:
    meta, spec = _workload_parts(o)
    extra = o.rest()
    if spec is None:
        return None
    replicas, service_name = spec.raw("replicas"), spec.raw("serviceName")
    selector = _selector(spec.obj("selector", required=True))
    template = _template(spec.obj("template", required=True))
    claims = [_claim(c) for c in spec.objs("volumeClaimTemplates")]
    spec_extra = spec.rest()
    if meta is None or selector is None or template is None or None in claims:
        _replicas_rule(o.c, replicas)
        return None
    return o.take(lambda: StatefulSet(meta, template, selector, service_name, replicas,
                                      claims, spec_extra, extra))


def _service_port(o: _Object | None) -> ServicePort | None:
    if o is None:
        return None
    fields = {name: o.raw(key) for name, key in (
        ("port", "port"), ("target_port", "targetPort"), ("name", "name"),
        ("node_port", "nodePort"), ("app_protocol", "appProtocol"))}
    protocol = o.raw("protocol")
    o.rest()
    if fields["port"] is None:
        o.c.problem(o.at("port"), "port is required", "give the port number to expose")
        return None
    return o.take(lambda: ServicePort(**fields, protocol=protocol or "TCP"))


def _service(o: _Object) -> Service | None:
    meta = _meta(o.obj("metadata", required=True))
    spec = o.obj("spec")
    extra = o.rest()
    if spec is None:
        spec = _Object({}, "spec", o.c)
    ports = [_service_port(p) for p in spec.objs("ports")]
    selector = spec.strings("selector")
    kind, cluster_ip = spec.raw("type"), spec.raw("clusterIP")
    spec_extra = spec.rest()
    if meta is None or None in ports:
        return None
    return o.take(lambda: Service(meta, ports, selector, kind, cluster_ip, spec_extra, extra))


def _configmap(o: _Object) -> ConfigMap | None:
    meta = _meta(o.obj("metadata", required=True))
    data, binary = o.strings("data"), o.strings("binaryData")
    immutable = o.raw("immutable")
    extra = o.rest()
    if meta is None:
        return None
    return o.take(lambda: ConfigMap(meta, data, binary, immutable, extra))


def _namespace(o: _Object) -> Namespace | None:
    meta = _meta(o.obj("metadata", required=True))
    spec = o.obj("spec")
    spec_data = spec.rest() if spec is not None else EMPTY
    extra = o.rest()
    if meta is None:
        return None
    return o.take(lambda: Namespace(meta, spec_data, extra))


def _pdb(o: _Object) -> PodDisruptionBudget | None:
    meta = _meta(o.obj("metadata", required=True))
    spec = o.obj("spec", required=True)
    extra = o.rest()
    if spec is None:
        return None
    selector = _selector(spec.obj("selector", required=True))
    low, high = spec.raw("minAvailable"), spec.raw("maxUnavailable")
    spec_extra = spec.rest()
    if meta is None or selector is None:
        return None
    return o.take(lambda: PodDisruptionBudget(meta, selector, low, high, spec_extra, extra))


def _peer(o: _Object | None) -> NetworkPolicyPeer | None:
    if o is None:
        return None
    pods_obj, namespaces_obj = o.obj("podSelector"), o.obj("namespaceSelector")
    pods, namespaces = _selector(pods_obj), _selector(namespaces_obj)
    block_obj = o.obj("ipBlock")
    block = None
    if block_obj is not None:
        cidr, excepts = block_obj.raw("cidr"), block_obj.texts("except")
        block_obj.rest()
        block = block_obj.take(lambda: IPBlock(cidr, excepts))
        if block is None:
            return None
    o.rest()
    if (pods_obj is not None and pods is None) or (namespaces_obj is not None
                                                   and namespaces is None):
        return None
    return o.take(lambda: NetworkPolicyPeer(pods, namespaces, block))


def _policy_port(o: _Object | None) -> NetworkPolicyPort | None:
    if o is None:
        return None
    protocol, port, end = o.raw("protocol"), o.raw("port"), o.raw("endPort")
    o.rest()
    return o.take(lambda: NetworkPolicyPort(protocol, port, end))


def _rules(spec: _Object, key: str, peers_key: str) -> list[NetworkPolicyRule | None]:
    rules: list[NetworkPolicyRule | None] = []
    for r in spec.objs(key):
        if r is None:
            rules.append(None)
            continue
        peers = [_peer(p) for p in r.objs(peers_key)]
        ports = [_policy_port(p) for p in r.objs("ports")]
        r.rest()
        rules.append(None if None in peers or None in ports
                     else NetworkPolicyRule(peers, ports))
    return rules


def _network_policy(o: _Object) -> NetworkPolicy | None:
    meta = _meta(o.obj("metadata", required=True))
    spec = o.obj("spec", required=True)
    extra = o.rest()
    if spec is None:
        return None
    selector_obj = spec.obj("podSelector")
    selector = _selector(selector_obj) if selector_obj is not None else LabelSelector()
    types = spec.texts("policyTypes")
    ingress, egress = _rules(spec, "ingress", "from"), _rules(spec, "egress", "to")
    spec_extra = spec.rest()
    if meta is None or selector is None or None in ingress or None in egress:
        return None
    return o.take(lambda: NetworkPolicy(meta, selector, types, ingress, egress, spec_extra,
                                        extra))


_PARSERS: dict[tuple[str, str], Callable[[_Object], KubeObject | None]] = {
    ("apps/v1", "Deployment"): _deployment,
    ("apps/v1", "StatefulSet"): _statefulset,
    ("v1", "Service"): _service,
    ("v1", "ConfigMap"): _configmap,
    ("v1", "Namespace"): _namespace,
    ("policy/v1", "PodDisruptionBudget"): _pdb,
    ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy,
}
