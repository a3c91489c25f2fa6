"""The package itself: a light import, a complete public surface, typing shipped."""

import subprocess
import sys
from pathlib import Path

import kancat
import kancat.values


def _python(code: str) -> str:
    """What a fresh interpreter running ``code`` prints."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout


def test_import_kancat_loads_no_interpreter_client_or_hypothesis() -> None:
    code = ("import sys, kancat; from kancat import Container, Deployment, Service; "
            "print(sorted(m for m in ('yaml', 'kubernetes', 'hypothesis', 'returns') "
            "if m in sys.modules))")
    assert _python(code).strip() == "[]"


def test_emitting_and_loading_built_in_kinds_loads_no_istio_value() -> None:
    code = ("import sys; from kancat import Deployment, Container, to_yaml, load_yaml; "
            "web = Deployment.of('web', containers=[Container.of('app', image='web:1')]); "
            "load_yaml(to_yaml(web)).unwrap(); "
            "print(sorted(m for m in sys.modules if m.startswith('kancat.values.istio')))")
    assert _python(code).strip() == "[]"
    code = ("from kancat import load_yaml; print(type(load_yaml('apiVersion: "
            "security.istio.io/v1\\nkind: PeerAuthentication\\nmetadata: {name: default}"
            "').unwrap()[0]).__module__)")
    assert _python(code).strip() == "kancat.values.istio.security"


def test_every_public_name_resolves() -> None:
    for name in kancat.__all__:
        assert getattr(kancat, name) is not None, name
    assert set(kancat.__all__) <= set(dir(kancat))


def test_values_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(kancat.values) if not name.startswith("_")
              and name.isidentifier()  # pytest's assertion rewriting adds '@py_builtins'
              and not isinstance(getattr(kancat.values, name), type(sys))}
    assert set(kancat.values.__all__) == public - {"TypeAlias"}


def test_py_typed_is_shipped() -> None:
    assert (Path(kancat.__file__).parent / "py.typed").is_file()


def test_the_law_checker_comes_with_kancat_testing_and_loads_hypothesis_only_then() -> None:
    code = ("import sys, kancat.testing; before = 'hypothesis' in sys.modules; "
            "from kancat.testing import check_all_laws; "
            "print(before, 'hypothesis' in sys.modules, check_all_laws.__module__)")
    assert _python(code).split() == ["False", "True", "kancat.testing.laws"]
