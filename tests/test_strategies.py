"""kancat.testing.strategies: its public surface, its argument checks, its registry, the
Hypothesis plugin (``st.from_type``), and ``import kancat`` staying free of Hypothesis."""

import base64
import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from kancat.errors import InvalidArgument
from kancat.testing import strategies
from kancat.testing.strategies._draw import choices, draws, registry
from kancat.values import Container, ImageRef, OpaqueObject, Secret
from kancat.values.container import Protocol
from kancat.values.kinds import DEFAULT_VERSION, KINDS, kind_called

SUBMODULES: list[ModuleType] = [
    importlib.import_module(f"{strategies.__name__}.{info.name}")
    for info in pkgutil.iter_modules(strategies.__path__) if not info.name.startswith("_")]


def test_all_lists_exactly_the_public_callables() -> None:
    defined = {name for name, item in vars(strategies).items()
               if not name.startswith("_") and callable(item)
               and getattr(item, "__module__", "").startswith(strategies.__name__ + ".")}
    assert set(strategies.__all__) == defined
    assert len(strategies.__all__) == len(set(strategies.__all__))
    assert strategies.__all__ == sorted(strategies.__all__)


@pytest.mark.parametrize("module", SUBMODULES, ids=lambda m: m.__name__.rpartition(".")[2])
def test_each_module_exports_its_public_strategies(module: ModuleType) -> None:
    defined = {name for name, item in vars(module).items()
               if not name.startswith("_") and inspect.isfunction(item)
               and item.__module__ == module.__name__}
    assert set(module.__all__) == defined
    assert set(module.__all__) <= set(strategies.__all__)
    for name in module.__all__:
        assert getattr(strategies, name) is getattr(module, name)


def test_the_modules_together_export_everything() -> None:
    exported = [name for module in SUBMODULES for name in module.__all__]
    assert sorted(exported) == strategies.__all__


@pytest.mark.parametrize("name", strategies.__all__)
def test_every_strategy_takes_keyword_options_only_and_documents_an_example(name: str) -> None:
    function = getattr(strategies, name)
    for parameter in inspect.signature(function).parameters.values():
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, parameter
    assert ">>>" in (function.__doc__ or ""), f"{name} has no example"


BAD_ARGUMENTS: list[tuple[Callable[..., Any], dict[str, Any], str]] = [
    (strategies.quantities, {"kind": "gpu"}, "kind"),
    (strategies.quantities, {"kind": None}, "kind"),
    (strategies.probes, {"kind": "sometimes"}, "kind"),
    (strategies.probes, {"port_names": "http"}, "port_names"),
    (strategies.probes, {"port_names": ["HTTP"]}, "port_names"),
    (strategies.dns_labels, {"max_size": 0}, "max_size"),
    (strategies.dns_labels, {"max_size": 64}, "max_size"),
    (strategies.dns_labels, {"max_size": True}, "max_size"),
    (strategies.dns_labels, {"start_with_letter": "yes"}, "start_with_letter"),
    (strategies.dns_subdomains, {"max_labels": 0}, "max_labels"),
    (strategies.label_maps, {"min_size": 3, "max_size": 1}, "max_size"),
    (strategies.label_maps, {"min_size": -1}, "min_size"),
    (strategies.annotation_maps, {"max_size": "2"}, "max_size"),
    (strategies.containers, {"volume_names": "data"}, "volume_names"),
    (strategies.containers, {"volume_names": ["Data_1"]}, "volume_names"),
    (strategies.containers, {"native_sidecar": 1}, "native_sidecar"),
    (strategies.containers, {"native_sidecar": True, "init": True}, "init"),
    (strategies.volume_mounts, {"volume_names": []}, "volume_names"),
    (strategies.volumes, {"name": "Not A Name"}, "name"),
    (strategies.pod_templates, {"labels": ["app"]}, "labels"),
    (strategies.pod_templates, {"labels": {"app": "not valid!"}}, "labels"),
    (strategies.pod_templates, {"claim_names": "data"}, "claim_names"),
    (strategies.label_selectors, {"allow_empty": None}, "allow_empty"),
    (strategies.persistent_volume_claim_templates, {"name": ""}, "name"),
    (strategies.mesh_services, {"names": []}, "names"),
    (strategies.mesh_services, {"names": ["9lives"]}, "names"),
    (strategies.meshes, {"max_services": 9}, "max_services"),
    (strategies.sidecar_specs, {"native": "yes"}, "native"),
]


@pytest.mark.parametrize(("function", "options", "argument"), BAD_ARGUMENTS,
                         ids=[f"{f.__name__}-{a}-{o[a]!r}" for f, o, a in BAD_ARGUMENTS])
def test_bad_arguments_raise_invalid_argument_naming_them(
        function: Callable[..., Any], options: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        function(**options)
    message = str(raised.value)
    assert f"{function.__name__}({argument}=" in message
    assert repr(options[argument]) in message
    assert argument in message.split(":", 1)[1], "the fix should say what to pass"


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="kinds"):
        strategies.quantities(kinds="cpu")  # type: ignore[call-arg]


# --- the registry -----------------------------------------------------------------------------

REGISTERED = sorted(registry(), key=lambda cls: cls.__name__)
NO_SHRINKING = settings(phases=(Phase.generate,), database=None, max_examples=500)


def test_the_registry_draws_every_modelled_kind() -> None:
    modelled = [row.value for row in KINDS if row.value is not None]
    assert modelled, "the kinds table has modelled kinds"
    missing = [cls.__name__ for cls in modelled if cls not in registry()]
    assert missing == []


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.__name__)
def test_registered_strategies_are_public_and_draw_their_class(cls: type) -> None:
    function = registry()[cls]
    assert getattr(strategies, function.__name__) is function
    assert isinstance(find(function(), lambda value: True, settings=NO_SHRINKING), cls)


def test_a_class_is_drawn_by_one_strategy_only() -> None:
    with pytest.raises(InvalidArgument, match="already"):
        draws(Container)(strategies.containers)


def test_a_registered_strategy_needs_no_options() -> None:
    def needs_a_name(*, name: str) -> Any:
        return st.just(name)

    with pytest.raises(InvalidArgument, match="needs name"):
        draws(ModuleType)(needs_a_name)
    assert ModuleType not in registry()


@pytest.mark.parametrize("kind", [row for row in KINDS if row.value is not None
                                  and row.served(DEFAULT_VERSION)],
                         ids=lambda row: row.name)
def test_kube_objects_draw_every_modelled_kind(kind: Any) -> None:
    # one kind of some twenty (and the carried ones) per draw: look long enough that a
    # kind the strategy reaches is found every time, stopping at the first
    found = find(strategies.kube_objects(), lambda obj: type(obj) is kind.value,
                 settings=settings(NO_SHRINKING, max_examples=3000))
    assert found.kind == kind.name


@settings(max_examples=50, database=None)
@given(strategies.opaque_objects())
def test_opaque_objects_are_of_kinds_kancat_carries_whole(obj: OpaqueObject) -> None:
    row = kind_called(obj.kind)
    assert row is not None and row.value is None
    assert obj.api_version in row.api_versions


@pytest.mark.parametrize("cls", REGISTERED, ids=lambda cls: cls.__name__)
def test_from_type_draws_valid_values(cls: type) -> None:
    """The entry point registered the registry's strategies: ``pip install -e .``
    declares it."""
    @settings(max_examples=10, database=None)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        assert type(value) is cls

    check()


def test_from_type_leaves_unregistered_kancat_types_to_hypothesis() -> None:
    from kancat.values import EmptyDir

    assert EmptyDir not in registry()
    assert isinstance(find(st.from_type(EmptyDir), lambda value: True), EmptyDir)


# --- fixed choices come from the value layer's Literal aliases ---------------------------------

def test_choices_read_the_literal_alias() -> None:
    assert choices(Protocol) == typing.get_args(Protocol)
    assert choices(Protocol | None) == typing.get_args(Protocol)
    with pytest.raises(InvalidArgument):
        choices(str)


@settings(max_examples=100, database=None)
@given(strategies.secrets())
def test_secrets_hold_base64_data_and_the_keys_of_their_type(secret: Secret) -> None:
    for value in secret.data.values():
        base64.b64decode(value, validate=True)
    keys = set(secret.data) | set(secret.string_data)
    if secret.type == "kubernetes.io/tls":
        assert {"tls.crt", "tls.key"} <= keys
    if secret.type == "kubernetes.io/basic-auth":
        assert keys & {"username", "password"}


@pytest.mark.parametrize("kind", ["kubernetes.io/tls", "kubernetes.io/basic-auth",
                                  "kubernetes.io/dockerconfigjson", "Opaque", None])
def test_secrets_draw_built_in_types(kind: str | None) -> None:
    def of_kind(secret: Secret) -> bool:
        return secret.type == kind

    assert find(strategies.secrets(), of_kind, settings=NO_SHRINKING).type == kind


@settings(max_examples=20, database=None)
@given(st.from_type(Container))
def test_from_type_container(container: Container) -> None:
    assert isinstance(container, Container)
    assert isinstance(container.image, ImageRef)
    names = {p.name for p in container.ports if p.name}
    for probe in (container.liveness_probe, container.readiness_probe,
                  container.startup_probe):
        if probe is not None and isinstance(probe.port, str):
            assert probe.port in names


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                            capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.strip()


def test_import_kancat_does_not_import_hypothesis() -> None:
    assert _run("""
        import sys
        import kancat
        import kancat.testing
        print(sorted(m for m in sys.modules if m.split(".")[0] == "hypothesis"))
    """) == "[]"


def test_import_hypothesis_does_not_import_the_strategies() -> None:
    assert _run("""
        import sys
        import hypothesis
        import hypothesis.strategies as st
        from kancat.values import Container
        print("kancat.testing.strategies" in sys.modules)
        st.from_type(Container).example()
        print("kancat.testing.strategies" in sys.modules)
    """).split() == ["False", "True"]


def test_strategies_module_imports_hypothesis() -> None:
    assert _run("""
        import sys
        import kancat.testing.strategies
        print("hypothesis" in sys.modules)
    """) == "True"


def test_strategies_without_hypothesis_says_how_to_install_it() -> None:
    out = _run("""
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        try:
            import kancat.testing.strategies
        except ImportError as error:
            print(error)
    """)
    assert out == "kancat.testing needs Hypothesis: pip install 'kancat[testing]'"


def test_kancat_testing_reaches_strategies_lazily() -> None:
    assert _run("""
        import kancat.testing
        print(kancat.testing.strategies.deployments.__name__)
    """) == "deployments"
