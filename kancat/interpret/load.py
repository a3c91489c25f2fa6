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
1 Deployment/web spec.replicas: replicas must be >= 0, got -1 (use 0 or more)
1 Deployment/web spec.template.spec.containers[0].ports[0].containerPort: containerPort 70000 is out of range (use a number from 1 to 65535)
"""

import operator
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import yaml
from returns.result import Failure, Result, Success

from kancat.codec.decode import decode_object
from kancat.errors import InvalidValue, Problem
from kancat.values import KubeObject

__all__ = ["load_documents", "load_manifest", "load_yaml"]


# --- YAML ----------------------------------------------------------------------------------

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc]  # PyYAML's loaders are untyped
    """YAML 1.1 as the API server reads it: timestamps stay strings (as in JSON), and a
    key given twice in one mapping is an error (the API server's strict decoding
    rejects it; PyYAML alone would silently keep the last value).

    The libyaml parser calls back into Python for every node: the implicit tag of each
    scalar is resolved once per distinct text, and the path resolvers (kancat
    registers none) are C builtins that do nothing.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.resolve = self._resolve
        self.descend_resolver = operator.is_  # (parent, index) -> ignored
        self.ascend_resolver = tuple  # () -> ignored

    def _resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _SCALAR_TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_SCALAR_TAGS) < 65536:  # the tag depends only on the text: safe to keep
                _SCALAR_TAGS[key] = tag
        return tag

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


    def construct_document(self, node: Any) -> Any:
        # Most documents are plain maps, lists and scalars: build them in one walk, and
        # leave anything else (merge keys, explicit tags, complex keys) to PyYAML's
        # constructor, which would build the same data from plain nodes, more slowly.
        try:
            return _plain(node, self)
        except _NotPlain:
            return super().construct_document(node)


class _NotPlain(Exception):
    """A node the quick walk leaves to PyYAML's constructor."""


_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map",
                    "tag:yaml.org,2002:seq")
_PLAIN_SCALARS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"})


def _plain(node: Any, loader: Any) -> Any:
    """The data of a document made of plain nodes (what PyYAML's safe constructor
    builds from them: its scalar constructors convert the scalars that are not text),
    a key given twice refused; raises :class:`_NotPlain` for anything else."""
    kind = node.__class__
    if kind is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag not in _PLAIN_SCALARS:
            raise _NotPlain
        return loader.yaml_constructors[tag](loader, node)
    if kind is yaml.MappingNode and node.tag == _MAP:
        result: dict[Any, Any] = {}
        seen: set[str] = set()  # by text, as construct_mapping: 1 and "1" are one JSON key
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag not in _PLAIN_SCALARS:
                raise _NotPlain
            text = key_node.value
            if text in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {text!r}", key_node.start_mark)
            seen.add(text)
            result[_plain(key_node, loader)] = _plain(value_node, loader)
        return result
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain(item, loader) for item in node.value]
    raise _NotPlain


_SCALAR_TAGS: dict[tuple[str, Any], str] = {}

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
    value, problems = decode_object(document)
    if problems or value is None:
        return Failure(InvalidValue(problems or [
            Problem("", "the object could not be loaded", "see the other problems")]))
    return Success(value)
