"""The errors kancat reports.

Two kinds, kept apart on purpose:

* :class:`InvalidArgument` is a *programming* mistake in how the API is called
  (a wrong type, an unknown option). It is raised, never carried in a ``Result``.
* :class:`InvalidValue` is a *domain* failure: input that would make an invalid
  Kubernetes object. It holds every :class:`Problem` found, each naming the
  Kubernetes field path, what is wrong and how to fix it. Smart constructors and
  the loader return it inside ``returns.result.Failure``; the raising
  constructors (``X.of``, ``X(...)``) raise it.

>>> p = Problem("spec.replicas", "must be >= 0, got -1", "use 0 or more replicas")
>>> str(p)
'spec.replicas: must be >= 0, got -1 (use 0 or more replicas)'
>>> str(InvalidValue([p]))
'1 problem:\\n  spec.replicas: must be >= 0, got -1 (use 0 or more replicas)'
"""

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["FieldConflict", "InvalidArgument", "InvalidValue", "MeshConflict", "Problem",
           "join_path"]


def join_path(prefix: str, path: str) -> str:
    """Join two field paths: ``join_path("spec", "replicas") == "spec.replicas"``.

    >>> join_path("spec.containers", "[0].name")
    'spec.containers[0].name'
    >>> join_path("", "metadata.name")
    'metadata.name'
    """
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


@attrs.frozen
class Problem:
    """One thing wrong with an input, located by its Kubernetes field path.

    ``document`` and ``object`` (``Kind/name``) are filled in by the loader, so a
    problem read from a multi-document file says where it stands.
    """

    path: str
    message: str
    hint: str = ""
    document: int | None = None
    object: str | None = None

    def under(self, prefix: str) -> "Problem":
        """The same problem seen from a parent: its path gains ``prefix``."""
        return attrs.evolve(self, path=join_path(prefix, self.path))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InvalidValue(ValueError):
    """Input that cannot become a kancat value; ``problems`` lists every reason."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}:"
        return "\n  ".join([head, *(str(p) for p in self.problems)])

    def under(self, prefix: str) -> "InvalidValue":
        """The same failure seen from a parent field ``prefix``."""
        return InvalidValue(p.under(prefix) for p in self.problems)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvalidValue) and other.problems == self.problems

    def __hash__(self) -> int:
        return hash(self.problems)

    def __reduce__(self) -> tuple[type["InvalidValue"], tuple[tuple[Problem, ...]]]:
        return (InvalidValue, (self.problems,))


class InvalidArgument(TypeError):
    """The API was called the wrong way (not bad data: a bug in the caller)."""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


@attrs.frozen
class FieldConflict:
    """One field that two definitions of the same thing set differently: ``left`` is
    the value in the left operand of ``⊗``, ``right`` the value in the right one."""

    field: str
    left: object
    right: object

    def swapped(self) -> "FieldConflict":
        """The same difference seen from ``b ⊗ a``."""
        return FieldConflict(self.field, self.right, self.left)

    def __str__(self) -> str:
        return f"{self.field}: {_short(self.left)} vs {_short(self.right)}"


_SHOWN_FIELDS = 8


class MeshConflict(ValueError):
    """``a ⊗ b`` is undefined: both meshes define one service (or the control plane)
    differently. ``service`` names the service, ``None`` meaning the control plane;
    ``fields`` lists every differing field with both values (left operand first).
    When two *different* services carry different versions of one Kubernetes object,
    ``identity`` names it (``Kind/namespace/name``), ``service`` the service carrying the
    left version and ``other_service`` the one carrying the right version.

    A domain failure: ``Mesh.tensor`` returns it in ``Failure``; ``Mesh.of`` raises it.

    >>> print(MeshConflict("web", [FieldConflict("workloads[web].replicas", 3, 5)]))
    service 'web' is defined differently on the two sides of ⊗:
      workloads[web].replicas: 3 vs 5
    (make the two definitions equal, rename one of the services, or leave it out of one side)
    """

    service: str | None
    fields: tuple[FieldConflict, ...]
    identity: str | None
    other_service: str | None

    def __init__(self, service: str | None, fields: Iterable[FieldConflict], *,
                 identity: str | None = None, other_service: str | None = None) -> None:
        self.service = service
        self.fields = tuple(fields)
        self.identity = identity
        self.other_service = other_service
        super().__init__(self._render())

    def _render(self) -> str:
        if self.identity is not None:
            head = (f"{self.identity} is defined differently by service {self.service!r} and "
                    f"service {self.other_service!r} on the two sides of ⊗:")
            fix = "give the object one definition, or carry it in one service only"
        elif self.service is None:
            head = "the two meshes have different control planes:"
            fix = "use one control plane: give both meshes the same one, or None to one side"
        else:
            head = f"service {self.service!r} is defined differently on the two sides of ⊗:"
            fix = ("make the two definitions equal, rename one of the services, "
                   "or leave it out of one side")
        lines = [head, *(f"  {f}" for f in self.fields[:_SHOWN_FIELDS])]
        if len(self.fields) > _SHOWN_FIELDS:
            lines.append(f"  ... and {len(self.fields) - _SHOWN_FIELDS} more fields")
        lines.append(f"({fix})")
        return "\n".join(lines)

    def swapped(self) -> "MeshConflict":
        """The same conflict seen from ``b ⊗ a``: every field's sides exchanged."""
        if self.identity is not None:
            return MeshConflict(self.other_service, (f.swapped() for f in self.fields),
                                identity=self.identity, other_service=self.service)
        return MeshConflict(self.service, (f.swapped() for f in self.fields))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, MeshConflict) and other.service == self.service
                and other.fields == self.fields and other.identity == self.identity
                and other.other_service == self.other_service)

    def __hash__(self) -> int:
        return hash((self.service, self.fields, self.identity))

    def __reduce__(self) -> Any:
        return (_mesh_conflict, (self.service, self.fields, self.identity, self.other_service))


def _mesh_conflict(service: str | None, fields: tuple[FieldConflict, ...], identity: str | None,
                   other_service: str | None) -> MeshConflict:
    return MeshConflict(service, fields, identity=identity, other_service=other_service)
