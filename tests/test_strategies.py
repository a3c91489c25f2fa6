"""kancat.testing.strategies: its public surface, its argument checks, the Hypothesis
plugin (``st.from_type``), and ``import kancat`` staying free of Hypothesis."""

import inspect
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kancat.errors import InvalidArgument
from kancat.testing import strategies
from kancat.values import (
    ConfigMap,
    Container,
    Deployment,
    ImageRef,
    Namespace,
    NetworkPolicy,
    PodDisruptionBudget,
    PodTemplate,
    Quantity,
    Service,
    StatefulSet,
)


def test_all_lists_exactly_the_public_callables() -> None:
    defined = {name for name, item in vars(strategies).items()
               if not name.startswith("_") and callable(item)
               and getattr(item, "__module__", None) == strategies.__name__}
    assert set(strategies.__all__) == defined
    assert len(strategies.__all__) == len(set(strategies.__all__))
    assert strategies.__all__ == sorted(strategies.__all__)


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


@pytest.mark.parametrize("kind", [Container, Deployment, StatefulSet, Service, ConfigMap,
                                  Namespace, PodDisruptionBudget, NetworkPolicy, PodTemplate,
                                  ImageRef, Quantity])
def test_from_type_draws_valid_values(kind: type) -> None:
    """The entry point registered strategies: ``pip install -e .`` declares it."""
    @settings(max_examples=10, database=None)
    @given(st.from_type(kind))
    def check(value: Any) -> None:
        assert type(value) is kind

    check()


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
