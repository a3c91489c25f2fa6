"""Image scanning: every image a set of values runs, and a CI workflow that scans them.

:func:`images_of` finds every image reference of any set of kancat values — the
containers, init containers and sidecars of every pod kind of the kinds table, and
the containers found in objects kancat carries whole — each once, sorted, with where
it is used. :func:`unpinned` picks those whose content can change under the same
reference, by the rule ``kancat check`` warns with
(:func:`~kancat.interpret.consistency.unpinned_reason`), or, stricter, every one
without a digest. :func:`trivy_workflow` turns the images into a GitHub Actions
workflow scanning each with Trivy (the founding design's "Container Image Scanning",
with its actions pinned by version rather than ``@master``).

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="registry.example.com/shop/web:1.4.2"),
...     Container.of("log", image="fluent/fluent-bit")])
>>> for image in images_of(web):
...     print(image, "<-", ", ".join(map(str, image.uses)))
fluent/fluent-bit <- Deployment/web container log
registry.example.com/shop/web:1.4.2 <- Deployment/web container app
>>> [(str(image), image.unpinned_reason()) for image in unpinned(images_of(web))]
[('fluent/fluent-bit', 'it has no tag')]
>>> workflow = trivy_workflow(web)
>>> workflow.document()["jobs"]["scan"]["strategy"]["matrix"]["include"][1]["image"]
'registry.example.com/shop/web:1.4.2'
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from kancat.core.collect import as_result
from kancat.core.fields import path_of
from kancat.errors import InvalidValue, Problem, join_path
from kancat.interpret.consistency import identity, unpinned_reason
from kancat.interpret.emit import Emittable, dump_yaml, objects_of
from kancat.values import Container, OpaqueObject, PodTemplate
from kancat.values.image import ImageRef
from kancat.values.kinds import pod_of, pod_path

if TYPE_CHECKING:
    from returns.result import Result

__all__ = [
    "SEVERITIES",
    "ImageUse",
    "TrivyWorkflow",
    "UsedImage",
    "images_of",
    "trivy_workflow",
    "unpinned",
]

SEVERITIES: Final[tuple[str, ...]] = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
"""Trivy's severities, gravest first (the order the workflow lists them in)."""


# --- which images ---------------------------------------------------------------------------

@attrs.frozen(order=True)
class ImageUse:
    """One place an image is used: the object (``Kind/namespace/name``), the container,
    and the field path of the image in the object's manifest."""

    object: str
    container: str
    path: str

    def __str__(self) -> str:
        return f"{self.object} container {self.container}"


@attrs.frozen
class UsedImage:
    """An image reference and every place it is used (sorted)."""

    image: ImageRef
    uses: tuple[ImageUse, ...]

    def __str__(self) -> str:
        return str(self.image)

    def unpinned_reason(self, *, require_digest: bool = False) -> str | None:
        """Why the image is not pinned, or ``None``. By default the rule of
        ``kancat check`` (no tag or ``:latest``, and no digest); with
        ``require_digest`` also a version tag without a digest, since a tag can be
        pushed again.

        >>> use = ImageUse("Pod/web", "app", "spec.containers[0].image")
        >>> UsedImage(ImageRef.of("nginx:1.27.3"), (use,)).unpinned_reason(
        ...     require_digest=True)
        'it has a tag but no digest, and a tag can be pushed again'
        """
        why = unpinned_reason(self.image)
        if why is None and require_digest and self.image.digest is None:
            why = "it has a tag but no digest, and a tag can be pushed again"
        return why


def images_of(target: Emittable) -> tuple[UsedImage, ...]:
    """Every image ``target`` (a value, a list of values, or something with
    ``objects()``, as for ``to_yaml``) refers to, each once, sorted by reference.

    The pods are found through the kinds table (:func:`~kancat.values.kinds.pod_of`),
    so every pod kind — Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
    CronJob — counts, with init containers and injected sidecars. The kinds the
    table carries whole have no pods; an object of a kind kancat does not know (a
    custom resource such as an Argo Rollout) is searched for ``containers``,
    ``initContainers`` and ``ephemeralContainers`` lists anywhere in it, so that its
    images are not silently left out. Raises :class:`InvalidValue` for an image in
    such an object that is not a valid reference.

    >>> from kancat.values import Container, CronJob
    >>> nightly = CronJob.of("nightly", schedule="0 3 * * *", containers=[
    ...     Container.of("run", image="busybox:1.37")])
    >>> [(str(use), use.path) for image in images_of(nightly) for use in image.uses]
    [('CronJob/nightly container run', 'spec.jobTemplate.spec.template.spec.containers[0].image')]
    """
    found: dict[str, list[ImageUse]] = {}
    refs: dict[str, ImageRef] = {}
    problems: list[Problem] = []
    for index, value in enumerate(objects_of(target)):
        where = identity(value)
        for path, container, image in _images_in(value):
            if isinstance(image, str):
                try:
                    image = ImageRef.of(image)
                except InvalidValue as error:
                    problems.extend(Problem(path, p.message, p.hint, index + 1, where)
                                    for p in error.problems)
                    continue
            refs[str(image)] = image
            found.setdefault(str(image), []).append(ImageUse(where, container, path))
    if problems:
        raise InvalidValue(problems)
    return tuple(UsedImage(refs[text], tuple(sorted(set(found[text]))))
                 for text in sorted(found))


def unpinned(images: Sequence[UsedImage], *,
             require_digest: bool = False) -> tuple[UsedImage, ...]:
    """The images that are not pinned (see :meth:`UsedImage.unpinned_reason`).

    >>> from kancat.values import Container, Pod
    >>> pod = Pod.of("web", containers=[Container.of("app", image="nginx:1.27.3")])
    >>> unpinned(images_of(pod)), [str(i) for i in unpinned(images_of(pod),
    ...                                                      require_digest=True)]
    ((), ['nginx:1.27.3'])
    """
    return tuple(image for image in images
                 if image.unpinned_reason(require_digest=require_digest) is not None)


_Found = tuple[str, str, ImageRef | str]  # (path in the object, container, image)
_CONTAINER_LISTS: Final = ("initContainers", "containers", "ephemeralContainers")


def _images_in(value: Any) -> Iterator[_Found]:
    pod = pod_of(value)
    if pod is not None:
        where = pod_path(value)
        at, image_field = attrs.fields(PodTemplate), attrs.fields(Container).image
        for field, group in ((at.init_containers, pod.init_containers),
                             (at.containers, pod.containers)):
            for index, container in enumerate(group):
                yield (join_path(where, path_of(field, index, image_field)), container.name,
                       container.image)
    elif isinstance(value, OpaqueObject):
        yield from _carried_images(value.document, "")


def _carried_images(node: Any, path: str) -> Iterator[_Found]:
    """The images of the container lists anywhere in a carried document."""
    if isinstance(node, Mapping):
        for key, item in node.items():
            below = join_path(path, str(key))
            if key in _CONTAINER_LISTS and isinstance(item, Sequence) \
                    and not isinstance(item, str):
                for index, container in enumerate(item):
                    if isinstance(container, Mapping) and isinstance(container.get("image"),
                                                                     str):
                        yield (f"{below}[{index}].image", str(container.get("name", "")),
                               container["image"])
            else:
                yield from _carried_images(item, below)
    elif isinstance(node, Sequence) and not isinstance(node, str):
        for index, item in enumerate(node):
            yield from _carried_images(item, f"{path}[{index}]")


# --- the workflow ----------------------------------------------------------------------------

# A release tag (v4, v4.2.2, 0.28.0) or a full commit SHA: a branch (master, main) would
# run whatever is pushed to it next.
_PINNED_VERSION = re.compile(r"v?[0-9]+(\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?\Z|[0-9a-f]{40}\Z")
_BRANCH = re.compile(r"[A-Za-z0-9._/-]+\Z")

TRIVY_ACTION: Final = "aquasecurity/trivy-action"
UPLOAD_SARIF_ACTION: Final = "github/codeql-action/upload-sarif"
CHECKOUT_ACTION: Final = "actions/checkout"


def _to_tuple(value: Any) -> Any:
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, Sequence) else value


def _to_images(value: Any) -> Any:
    if isinstance(value, str | UsedImage | ImageRef):
        value = (value,)
    if not isinstance(value, Sequence):
        return value
    return tuple(str(item) if isinstance(item, UsedImage | ImageRef) else item
                 for item in value)


@attrs.frozen
class TrivyWorkflow:
    """A GitHub Actions workflow scanning images with Trivy: one job, a matrix entry
    per image (so each is scanned even when another fails), each writing its own SARIF
    file and uploading it under its own category (code scanning keeps one result set
    per category, so one shared category would keep only the last image's).

    Each scan fails its job on a finding of ``severities`` (``exit-code: 1``); the
    upload runs ``if: always()``, so the findings reach the Security tab exactly when
    the scan fails. The actions are pinned by version (a release tag or a commit
    SHA); a branch such as ``master`` is refused. The token gets only what the jobs
    need: ``contents: read`` (checkout), ``security-events: write`` (the upload) and
    ``actions: read`` (which the upload needs in private repositories). Equal
    workflows give byte-identical YAML.

    >>> TrivyWorkflow.create(["nginx:1.27.3"], trivy_action_version="master",
    ...                      severities=["HIGH", "SEVERE"])
    <Failure: 2 problems:
      trivy_action_version: aquasecurity/trivy-action@master is not pinned by version (give a release tag such as 0.28.0, or a commit SHA)
      severities: 'SEVERE' is not a Trivy severity (use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN)>
    >>> for line in TrivyWorkflow.of(["nginx:1.27.3"]).to_yaml().splitlines()[:6]:
    ...     print(line)
    name: Security Scan
    'on':
      push:
        branches:
        - main
      workflow_dispatch: {}
    """

    images: tuple[str, ...] = attrs.field(converter=_to_images)
    name: str = attrs.field(default="Security Scan", kw_only=True)
    trivy_action_version: str = attrs.field(default="0.28.0", kw_only=True)
    upload_sarif_version: str = attrs.field(default="v3.28.0", kw_only=True)
    checkout_version: str = attrs.field(default="v4.2.2", kw_only=True)
    severities: tuple[str, ...] = attrs.field(default=("CRITICAL", "HIGH"), kw_only=True,
                                              converter=_to_tuple)
    branches: tuple[str, ...] = attrs.field(default=("main",), kw_only=True,
                                            converter=_to_tuple)

    def __attrs_post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise InvalidValue(problems)

    @classmethod
    def of(cls, images: Any, **settings: Any) -> "TrivyWorkflow":
        """The workflow scanning ``images`` (references, :class:`UsedImage` or
        :class:`ImageRef`); raises :class:`InvalidValue` listing every problem."""
        return cls(images, **settings)

    @classmethod
    def create(cls, images: Any, **settings: Any) -> "Result[TrivyWorkflow, InvalidValue]":
        """:meth:`of`, returning ``Success(workflow)`` or ``Failure(InvalidValue)``."""
        return as_result(lambda: cls.of(images, **settings))

    def _problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not isinstance(self.images, tuple):
            found.append(Problem("images", f"images must be a list of image references, got "
                                           f"{self.images!r:.60}", "e.g. ['nginx:1.27.3']"))
        elif not self.images:
            found.append(Problem("images", "there are no images to scan",
                                 "give the values whose images the workflow scans"))
        else:
            for index, text in enumerate(self.images):
                try:
                    ImageRef.of(text)
                except InvalidValue as error:
                    found.extend(Problem(f"images[{index}]", p.message, p.hint)
                                 for p in error.problems)
            if len(set(self.images)) != len(self.images):
                found.append(Problem("images", "an image is given twice",
                                     "give each image once (images_of deduplicates)"))
        if not isinstance(self.name, str) or not self.name.strip():
            found.append(Problem("name", f"the workflow name must be a non-empty string, "
                                         f"got {self.name!r}", "e.g. 'Security Scan'"))
        for field, action, example in (("trivy_action_version", TRIVY_ACTION, "0.28.0"),
                                       ("upload_sarif_version", UPLOAD_SARIF_ACTION,
                                        "v3.28.0"),
                                       ("checkout_version", CHECKOUT_ACTION, "v4.2.2")):
            version = getattr(self, field)
            if not isinstance(version, str) or not _PINNED_VERSION.match(version):
                found.append(Problem(field, f"{action}@{version} is not pinned by version",
                                     f"give a release tag such as {example}, or a commit "
                                     "SHA"))
        if not isinstance(self.severities, tuple) or not self.severities:
            found.append(Problem("severities", "no severity is given",
                                 "give e.g. ('CRITICAL', 'HIGH')"))
        else:
            found.extend(Problem("severities", f"{severity!r} is not a Trivy severity",
                                 "use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN")
                         for severity in self.severities if severity not in SEVERITIES)
        if not isinstance(self.branches, tuple) or not self.branches or not all(
                isinstance(b, str) and _BRANCH.match(b) for b in self.branches):
            found.append(Problem("branches", f"the branches must be branch names, got "
                                             f"{self.branches!r}", "e.g. ('main',)"))
        return found

    def document(self) -> dict[str, Any]:
        """The workflow as a JSON-like dict (the keys in the order they are written)."""
        severity = ",".join(s for s in SEVERITIES if s in self.severities)
        include = [{"image": image, "sarif": f"trivy-{index:03d}-{_slug(image)}.sarif",
                    "category": f"trivy:{image}"}
                   for index, image in enumerate(self.images, start=1)]
        return {
            "name": self.name,
            "on": {"push": {"branches": list(self.branches)}, "workflow_dispatch": {}},
            "permissions": {"actions": "read", "contents": "read",
                            "security-events": "write"},
            "jobs": {"scan": {
                "name": "Scan ${{ matrix.image }}",
                "runs-on": "ubuntu-latest",
                "timeout-minutes": 30,
                "strategy": {"fail-fast": False, "matrix": {"include": include}},
                "steps": [
                    {"uses": f"{CHECKOUT_ACTION}@{self.checkout_version}"},
                    {"name": "Run Trivy vulnerability scanner",
                     "uses": f"{TRIVY_ACTION}@{self.trivy_action_version}",
                     "with": {"image-ref": "${{ matrix.image }}", "format": "sarif",
                              "output": "${{ matrix.sarif }}", "severity": severity,
                              "exit-code": "1"}},
                    {"name": "Upload Trivy results to GitHub Security",
                     "if": "always()",
                     "uses": f"{UPLOAD_SARIF_ACTION}@{self.upload_sarif_version}",
                     "with": {"sarif_file": "${{ matrix.sarif }}",
                              "category": "${{ matrix.category }}"}},
                ],
            }},
        }

    def to_yaml(self) -> str:
        """The workflow file (``.github/workflows/security-scan.yaml``)."""
        return dump_yaml([self.document()])


def _slug(image: str) -> str:
    """A file-name-safe form of an image reference (made unique by its number)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", image.partition("@")[0])[:80].strip("-.")


def trivy_workflow(target: Emittable, **settings: Any) -> TrivyWorkflow:
    """The Trivy workflow scanning every image of ``target`` (see :func:`images_of`);
    ``settings`` are those of :class:`TrivyWorkflow` (``name``,
    ``trivy_action_version``, ``upload_sarif_version``, ``checkout_version``,
    ``severities``, ``branches``). Raises :class:`InvalidValue` listing every problem
    (a target without images is one).

    >>> from kancat.values import Container, Pod
    >>> pod = Pod.of("web", containers=[Container.of("app", image="nginx:1.27.3")])
    >>> trivy_workflow(pod) == trivy_workflow([pod, pod])
    True
    """
    return TrivyWorkflow.of(images_of(target), **settings)
