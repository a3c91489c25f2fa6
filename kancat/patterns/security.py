"""Pod hardening: :func:`restricted`, a natural transformation that makes pods pass the
restricted Pod Security Standard, and the checker and namespace labels it is judged by
(:func:`pod_security_problems`, :func:`pod_security_labels`, re-exported from
:mod:`kancat.values.pod_security`).

>>> from kancat.values import Container, Deployment
>>> web = Deployment.of("web", containers=[
...     Container.of("app", image="shop/web:1.4.2", ports={"http": 8080})])
>>> len(pod_security_problems(web.template, "restricted"))
4
>>> hardened = restricted()(web)
>>> pod_security_problems(hardened.template, "restricted")
[]
>>> context = hardened.template.containers[0].security_context
>>> context.allow_privilege_escalation, context.capabilities.drop, context.read_only_root_filesystem
(False, ('ALL',), True)
>>> pod = hardened.template.security_context
>>> pod.run_as_non_root, pod.run_as_user, pod.seccomp_profile.type
(True, 10001, 'RuntimeDefault')
>>> hardened.template.automount_service_account_token
False
>>> restricted()(hardened) == hardened                                  # idempotent
True

What :func:`restricted` sets, and what it refuses
-------------------------------------------------

It **sets** what the restricted level asks of a pod and that an application does not
depend on in any way Kubernetes can see:

* on every container and init container: ``allowPrivilegeEscalation: false``;
  ``capabilities.drop`` gains ``ALL`` (the drops it has stay; so does an added
  ``NET_BIND_SERVICE``); ``runAsNonRoot: false`` becomes ``true``; ``runAsUser: 0``
  becomes ``run_as_user``; ``readOnlyRootFilesystem: true`` (unless
  ``read_only_root_filesystem=False``);
* on the pod: ``runAsNonRoot: true``; ``runAsUser: run_as_user`` where the pod sets none
  or 0 (a pod's own non-root user is kept: the image's files may belong to it); seccomp
  ``RuntimeDefault`` where the pod sets no profile (a ``Localhost`` profile is kept);
  ``automountServiceAccountToken: false`` (``automount_service_account_token=True``
  mounts the token; ``None`` leaves the pod's own setting). Containers inherit the pod's
  user, ``runAsNonRoot`` and seccomp profile unless they set their own.

It **refuses** — raises :class:`~kancat.errors.InvalidValue`, every problem at its path,
with the fix — what a pod asks for on purpose and cannot lose without breaking: every
baseline violation (host namespaces, privileged containers, capabilities outside the
baseline set, hostPath volumes, host ports, probe hosts, AppArmor, SELinux, /proc mount,
seccomp ``Unconfined``, unsafe sysctls, Windows HostProcess), an added capability other
than ``NET_BIND_SERVICE``, a volume type the restricted level does not allow, a
violation in an ephemeral container (carried as data, which it does not edit), and a
Windows pod (whose security context has none of these Linux fields). Taking any of them
away would change what the application can do without anyone having asked:

>>> from kancat.values import ContainerPort
>>> node_agent = Deployment.of("agent", containers=[Container.of(
...     "agent", image="shop/agent:2.0", ports=[ContainerPort(9100, "metrics", host_port=9100)])])
>>> restricted()(node_agent)
Traceback (most recent call last):
...
kancat.errors.InvalidValue: 1 problem:
  spec.template.spec.containers[0].ports[0].hostPort: baseline: hostPort 9100 is not allowed (remove hostPort and reach the pod through a Service)

So for every pod it accepts, ``pod_security_problems(restricted()(pod), "restricted")``
is empty.

Laws
----

* **Idempotent**: ``restricted()(restricted()(x)) == restricted()(x)``.
* **Natural** for the slot maps that leave alone what it reads and writes: the
  ``securityContext``, probes and carried fields (``lifecycle``) in the ``settings``
  slot, and the host ports in the ``ports`` slot — whatever their ``image``, ``env`` and
  ``volumes`` components: ``restricted()(fmap(f, x)) == fmap(f, restricted()(x))`` for
  ``mirror_images``, ``pin_digests``, ``set_env``, ``set_resources`` and every map
  :func:`kancat.testing.strategies.slot_maps` draws (where ``x`` is refused, both sides
  raise). A map that edits security contexts is outside the class: resetting them
  after hardening undoes it.
* **Composition with injection.** ``inject(s).then(restricted())`` hardens the sidecars
  with the app, is idempotent, and its pods pass the restricted level. In the other
  order the sidecars come in as the spec has them (injection puts the spec's container
  in place of one of the same name), so harden the spec first, with the container part
  of :func:`restricted`, :func:`harden_containers`::

      restricted().then(inject(fmap(harden_containers(), s)))  ==  inject(s).then(restricted())

  for every spec restricted() accepts (its containers, volumes and annotations break
  none of the refused controls), by the naturality of injection: hardening containers
  is a slot map that keeps mounts.

>>> from kancat.algebra.functor import fmap
>>> from kancat.patterns.sidecars import fluent_bit, inject
>>> first_inject = inject(fluent_bit()).then(restricted())
>>> first_restrict = restricted().then(inject(fmap(harden_containers(), fluent_bit())))
>>> first_inject(web) == first_restrict(web)
True
>>> pod_security_problems(first_inject(web).template, "restricted")
[]
"""

from typing import Any, Final

import attrs

from kancat.algebra.functor import ContainerSettings, SlotMap, fmap, map_settings
from kancat.algebra.natural import Transformation
from kancat.core.frozen import is_mapping
from kancat.errors import InvalidValue, Problem
from kancat.values import (
    Capabilities,
    PodSecurityContext,
    PodTemplate,
    SeccompProfile,
    SecurityContext,
)
from kancat.values.pod_security import (
    pod_security_labels,
    pod_security_problems,
    pod_security_violations,
)

__all__ = [
    "DEFAULT_RUN_AS_USER",
    "Hardening",
    "harden_containers",
    "pod_security_labels",
    "pod_security_problems",
    "restricted",
]

DEFAULT_RUN_AS_USER: Final = 10001
"""The user :func:`restricted` runs a pod as when it names none (or root): not 0, and
at least 10000, above the users of the host's own accounts."""

_MAX_ID = 2**31 - 1
_RUNTIME_DEFAULT: Final = SeccompProfile("RuntimeDefault")

# The controls of the restricted level that restricted() satisfies by setting a field;
# every other violation is refused (see the module documentation).
_SET: Final = frozenset({"allowPrivilegeEscalation", "runAsNonRoot", "runAsUser",
                         "seccompProfile_restricted", "dropCapabilities"})
_EPHEMERAL = "spec.ephemeralContainers["


def _parameter_problems(run_as_user: object, automount: object,
                        read_only: object) -> list[Problem]:
    found: list[Problem] = []
    if run_as_user is not None and (isinstance(run_as_user, bool) or not isinstance(
            run_as_user, int) or not 1 <= run_as_user <= _MAX_ID):
        found.append(Problem("run_as_user", f"run_as_user must be a non-root user ID, got "
                                            f"{run_as_user!r:.60}",
                             f"give a number from 1 to {_MAX_ID} (e.g. {DEFAULT_RUN_AS_USER}), "
                             "or None to keep the image's user"))
    if automount is not None and not isinstance(automount, bool):
        found.append(Problem("automount_service_account_token",
                             f"automount_service_account_token must be True, False or None, "
                             f"got {automount!r:.60}",
                             "pass False (no token), True (mount it) or None (as the pod has it)"))
    if not isinstance(read_only, bool):
        found.append(Problem("read_only_root_filesystem",
                             f"read_only_root_filesystem must be True or False, got "
                             f"{read_only!r:.60}", "pass True or False"))
    return found


@attrs.frozen
class _HardenContainer:
    """The settings map of :func:`harden_containers` (a value, so equal parameters make
    equal maps)."""

    run_as_user: int | None
    read_only_root_filesystem: bool

    def __call__(self, settings: ContainerSettings) -> ContainerSettings:
        context = settings.security_context or SecurityContext()
        capabilities = context.capabilities or Capabilities()
        drop = capabilities.drop if "ALL" in capabilities.drop else (*capabilities.drop, "ALL")
        changes: dict[str, Any] = {"allow_privilege_escalation": False,
                                   "capabilities": attrs.evolve(capabilities, drop=drop)}
        if context.run_as_non_root is False:
            changes["run_as_non_root"] = True
        if context.run_as_user == 0:
            changes["run_as_user"] = self.run_as_user
        if self.read_only_root_filesystem:
            changes["read_only_root_filesystem"] = True
        return attrs.evolve(settings, security_context=attrs.evolve(context, **changes))


def harden_containers(*, run_as_user: int | None = DEFAULT_RUN_AS_USER,
                      read_only_root_filesystem: bool = True) -> SlotMap:
    """The container part of :func:`restricted`, as a slot map (``settings`` only): what
    it sets on every container (see the module documentation), and nothing on the pod.
    Use it on what does not pass through :func:`restricted` — a sidecar spec injected
    after it (``fmap(harden_containers(), spec)``).

    It refuses nothing: a container it cannot harden stays as it is in that respect (an
    added ``SYS_ADMIN`` stays), and a privileged one cannot be made to refuse privilege
    escalation (:func:`~kancat.algebra.functor.fmap` raises).

    >>> from kancat.values import Container
    >>> app = fmap(harden_containers(), Container.of("app", image="shop/web:1.4.2"))
    >>> app.security_context.allow_privilege_escalation, app.security_context.capabilities.drop
    (False, ('ALL',))
    """
    problems = _parameter_problems(run_as_user, None, read_only_root_filesystem)
    if problems:
        raise InvalidValue(problems)
    return map_settings(_HardenContainer(run_as_user, read_only_root_filesystem))


@attrs.frozen
class Hardening:
    """The step of a :class:`~kancat.algebra.natural.Transformation` that
    :func:`restricted` makes: ``on_pod`` hardens one pod template.

    >>> from kancat.values import Container
    >>> step = restricted(run_as_user=20000).steps[0]
    >>> step
    Hardening(run_as_user=20000, automount_service_account_token=False, read_only_root_filesystem=True)
    >>> step.on_pod(PodTemplate.of([Container.of("app", image="shop/web:1.4.2")])
    ...             ).security_context.run_as_user
    20000
    """

    run_as_user: int | None
    automount_service_account_token: bool | None
    read_only_root_filesystem: bool

    @property
    def name(self) -> str:
        return "restricted"

    @property
    def containers(self) -> SlotMap:
        """What the step does to each container (:func:`harden_containers`)."""
        return map_settings(_HardenContainer(self.run_as_user, self.read_only_root_filesystem))

    def on_pod(self, pod: PodTemplate) -> PodTemplate:
        """``pod`` hardened; raises :class:`~kancat.errors.InvalidValue` (paths in the pod
        template) for what it refuses."""
        refused = [problem for control, problem in pod_security_violations(pod, "restricted")
                   if control not in _SET or problem.path.startswith(_EPHEMERAL)]
        operating_system = pod.spec_extra.get("os")
        if is_mapping(operating_system) and operating_system.get("name") == "windows":
            refused.append(Problem("spec.os.name", "restricted() hardens Linux pods; this pod "
                                                   "runs on Windows",
                                   "set the Windows pod's securityContext yourself "
                                   "(runAsNonRoot, windowsOptions.runAsUserName)"))
        if refused:
            raise InvalidValue(refused)
        context = pod.security_context or PodSecurityContext()
        changes: dict[str, Any] = {"run_as_non_root": True}
        if context.run_as_user in (None, 0):
            changes["run_as_user"] = self.run_as_user
        if context.seccomp_profile is None:
            changes["seccomp_profile"] = _RUNTIME_DEFAULT
        pod_changes: dict[str, Any] = {"security_context": attrs.evolve(context, **changes)}
        if self.automount_service_account_token is not None:
            pod_changes["automount_service_account_token"] = (
                self.automount_service_account_token)
        hardened = attrs.evolve(fmap(self.containers, pod), **pod_changes)
        left = pod_security_problems(hardened, "restricted")
        if left:  # what setting cannot reach (none, for the controls above): never hidden
            raise InvalidValue(left)
        return hardened


def restricted(*, run_as_user: int | None = DEFAULT_RUN_AS_USER,
               automount_service_account_token: bool | None = False,
               read_only_root_filesystem: bool = True) -> Transformation:
    """The transformation hardening every pod it is applied to for the restricted Pod
    Security level — it sets what the level asks and refuses what a pod cannot lose (see
    the module documentation), so that ``pod_security_problems(pod, "restricted")`` is
    empty for every pod it returns.

    Natural for the slot maps that leave security contexts, probes, carried container
    fields and host ports alone (every image, env and mount edit); idempotent; composes
    with sidecar injection as the module documentation states.

    ``run_as_user``: the user for a pod that names none, or root (``None``: keep the
    image's user, which must then be numeric and not 0 for the pod to start).
    ``automount_service_account_token``: ``False`` (no API token in the pod), ``True``,
    or ``None`` to keep the pod's own setting. ``read_only_root_filesystem=False`` for
    an application that writes outside its volumes.

    >>> from kancat.values import Container, PodTemplate
    >>> pod = restricted(run_as_user=None, automount_service_account_token=None)(
    ...     PodTemplate.of([Container.of("app", image="shop/web:1.4.2")]))
    >>> pod.security_context.run_as_user, pod.automount_service_account_token
    (None, None)
    >>> restricted(run_as_user=0)
    Traceback (most recent call last):
    ...
    kancat.errors.InvalidValue: 1 problem:
      run_as_user: run_as_user must be a non-root user ID, got 0 (give a number from 1 to 2147483647 (e.g. 10001), or None to keep the image's user)
    """
    problems = _parameter_problems(run_as_user, automount_service_account_token,
                                   read_only_root_filesystem)
    if problems:
        raise InvalidValue(problems)
    return Transformation((Hardening(run_as_user, automount_service_account_token,
                                     read_only_root_filesystem),))
