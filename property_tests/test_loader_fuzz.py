"""The loader's only outcomes: ``Success`` or ``Failure(InvalidValue)``, never an exception.

Fed with arbitrary text and bytes, arbitrary JSON-like data (as YAML and as JSON),
Kubernetes-looking documents with arbitrary contents, and valid manifests with one
random change, ``load_yaml`` must return a ``Result``; every problem of a failure
has a string path and a non-empty message.
"""

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from kancat.errors import InvalidValue
from kancat.interpret.emit import to_manifests, to_yaml
from kancat.interpret.load import load_documents, load_manifest, load_yaml
from kancat.testing import strategies as ks

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children,
                                                            max_size=4)


JSON_VALUES = st.recursive(SCALARS, _containers, max_leaves=16)
# Without NaN, which equals nothing (not even itself), so values holding it never
# compare equal after a round trip.
FINITE_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=12), _containers, max_leaves=16)

MODELLED = [("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("v1", "Service"),
            ("v1", "ConfigMap"), ("v1", "Namespace"), ("policy/v1", "PodDisruptionBudget"),
            ("networking.k8s.io/v1", "NetworkPolicy"), ("v1", "List"), ("v1", "Secret")]
FIELD_NAMES = st.sampled_from((
    "metadata", "name", "spec", "template", "containers", "initContainers", "image", "ports",
    "containerPort", "selector", "matchLabels", "matchExpressions", "volumes", "emptyDir",
    "volumeMounts", "env", "valueFrom", "resources", "requests", "limits", "livenessProbe",
    "httpGet", "port", "targetPort", "data", "binaryData", "items", "replicas", "labels",
    "volumeClaimTemplates", "ingress", "from", "ipBlock", "minAvailable", "projected",
    "sources", "securityContext", "capabilities", "tolerations", "affinity"))


def _kubeish(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=3) | st.dictionaries(
        FIELD_NAMES | st.text(max_size=6), children, max_size=4)


KUBEISH_VALUES = st.recursive(SCALARS, _kubeish, max_leaves=24)


@st.composite
def kubeish_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A document of a kind kancat models, with arbitrary contents."""
    api_version, kind = draw(st.sampled_from(MODELLED))
    document: dict[str, Any] = {"apiVersion": api_version, "kind": kind}
    document.update(draw(st.dictionaries(FIELD_NAMES, KUBEISH_VALUES, max_size=4)))
    return document


def check_outcome(result: Result[Any, Any]) -> None:
    """The documented outcome: a tuple of values, or problems that say where and what."""
    assert isinstance(result, (Success, Failure)), result
    if isinstance(result, Success):
        assert isinstance(result.unwrap(), tuple)
        return
    error = result.failure()
    assert isinstance(error, InvalidValue), error
    assert error.problems
    for problem in error.problems:
        assert isinstance(problem.path, str), problem
        assert isinstance(problem.message, str) and problem.message, problem
        assert problem.document is None or isinstance(problem.document, int), problem


# Inputs once found to make the loader raise (or known to be hard for YAML loaders).
@example("&a {x: *a}")  # a mapping that contains itself
@example("&a [*a]")
@example("apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a, labels: *m}")
@example("? [a, b]\n: c")
@example("!!python/object/apply:os.system [echo]")
@example("\ufeffapiVersion: v1")
@example("{1: 2, '1': 3, null: 4, [1]: 5}")
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    check_outcome(load_yaml(text))


@example(b"\xff\xfe\x00")
@example(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xe9}")
@given(st.binary())
def test_arbitrary_bytes(data: bytes) -> None:
    check_outcome(load_yaml(data))


@given(JSON_VALUES)
def test_arbitrary_json_like_values(value: Any) -> None:
    check_outcome(load_documents([value]))
    check_outcome(load_yaml(yaml.safe_dump(value)))
    check_outcome(load_yaml(json.dumps(value)))


@given(st.lists(kubeish_documents(), min_size=1, max_size=3))
def test_kubernetes_looking_documents(documents: list[dict[str, Any]]) -> None:
    check_outcome(load_documents(documents))
    check_outcome(load_yaml(yaml.safe_dump_all(documents)))
    check_outcome(load_yaml(json.dumps(documents[0])))


def _positions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a nested value (dict keys and list indexes)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _positions(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _positions(item, (*path, index))


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated_manifests(draw: st.DrawFn, values: st.SearchStrategy[Any] = JSON_VALUES) -> Any:
    """An emitted manifest with one change: a value replaced by arbitrary data (drawn
    from ``values``), a key or list item deleted, or a key added."""
    manifest = to_manifests(draw(ks.kube_objects()))[0]
    path = draw(st.sampled_from(list(_positions(manifest))))
    action = draw(st.sampled_from(("replace", "delete", "add")))
    if not path:
        return draw(values) if action == "replace" else manifest
    parent = _parent(manifest, path)
    target = parent[path[-1]]
    if action == "replace":
        parent[path[-1]] = draw(values)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(target, dict):
        target[draw(FIELD_NAMES | st.text(max_size=8))] = draw(values)
    elif isinstance(target, list):
        target.insert(draw(st.integers(0, len(target))), draw(values))
    else:
        parent[path[-1]] = [target, draw(values)]
    return manifest


# Found by this test: an unhashable apiVersion or kind, a Namespace spec that is not
# a mapping.
@example({"apiVersion": [], "kind": "ConfigMap", "metadata": {"name": "a"}})
@example({"apiVersion": "v1", "kind": {"a": 1}, "metadata": {"name": "a"}})
@example({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}, "spec": True})
@example({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}, "spec": [1]})
@given(mutated_manifests())
def test_mutated_manifests(manifest: Any) -> None:
    check_outcome(load_documents([manifest]))
    check_outcome(load_yaml(yaml.safe_dump(manifest)))
    check_outcome(load_yaml(json.dumps(manifest)))


@given(mutated_manifests(FINITE_JSON_VALUES))
def test_what_loads_emits_and_loads_again(manifest: Any) -> None:
    """A manifest the loader accepts emits again, and that loads to the same values."""
    loaded = load_documents([manifest])
    if isinstance(loaded, Success):
        values = loaded.unwrap()
        assert load_yaml(to_yaml(values)) == Success(values)
        for value, emitted in zip(values, to_manifests(values), strict=True):
            assert load_manifest(emitted) == Success(value)


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still loading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_alias_bomb_loads_in_bounded_time() -> None:
    """YAML aliases share one node; a loader that copies them grows exponentially
    ("billion laughs"). 650 bytes here stand for 10**9 strings."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n" + "\n".join(lines)
    with _time_limit(5):
        result = load_yaml(text)
    check_outcome(result)
