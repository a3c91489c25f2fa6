"""The ``kancat`` command line, run in-process through ``main`` (and once as ``python -m``)."""

import io
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import kancat
from kancat.cli import main
from tests.manifests import deployment_yaml

DATA = Path(__file__).parent / "data" / "cli"
PRODUCTION_KINDS = ["Namespace", "ConfigMap", "ConfigMap", "Deployment", "Service", "Service",
                    "StatefulSet", "PodDisruptionBudget"]


def write_target(directory: Path, name: str, source: str) -> str:
    """Write a Python target file; return its path as the command line takes it."""
    path = directory / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return str(path)


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[Path]:
    """A directory of target files: values, a sibling import, and broken modules."""
    write_target(tmp_path, "budgets.py", """
        from kancat import PodDisruptionBudget

        def budget():
            return PodDisruptionBudget.of("web", selector={"app": "web"}, min_available=1)
        """)
    write_target(tmp_path, "app.py", """
        from budgets import budget  # a sibling module: the file's directory is on sys.path
        from kancat import Container, Deployment

        pdb = budget()
        with_sidecar = Deployment.of(
            "web",
            containers=[Container.of("app", image="web:1.0")],
            init_containers=[Container.of("proxy", image="proxy:1.0", restart_policy="Always")],
        )

        class Bundle:
            def objects(self):
                return [pdb, with_sidecar]

        bundle = Bundle()
        number = 3

        class Namespaced:
            inner = [pdb]
        """)
    write_target(tmp_path, "boom.py", 'raise RuntimeError("no configuration found")\n')
    write_target(tmp_path, "invalid.py", """
        from kancat import Container

        app = Container.of("Bad_Name", image="web:1.0")
        """)
    yield tmp_path
    for name in ("budgets", "cli_target_by_name"):  # imported by name: forget them
        sys.modules.pop(name, None)


# --- emit -----------------------------------------------------------------------------------

def test_emit_default_example_as_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit"]) == 0
    out, err = capsys.readouterr()
    documents = list(yaml.safe_load_all(out))
    assert [d["kind"] for d in documents] == PRODUCTION_KINDS
    assert documents[0]["metadata"]["name"] == "shop"
    assert err == ""


def test_emit_named_default_target_is_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    main(["emit"])
    default = capsys.readouterr().out
    assert main(["emit", "kancat.examples:production"]) == 0
    assert capsys.readouterr().out == default


def test_emit_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kind"] == "List"
    assert [item["kind"] for item in document["items"]] == PRODUCTION_KINDS


def test_emit_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "manifests"
    assert main(["emit", "-o", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    written = [Path(line) for line in err.splitlines()]
    assert len(written) == len(PRODUCTION_KINDS) + 1
    assert all(path.is_file() for path in written)
    assert written[-1].name == "kustomization.yaml"
    kustomization = yaml.safe_load((out_dir / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(p.name for p in written[:-1])
    kinds = [yaml.safe_load(p.read_text())["kind"] for p in written[:-1]]
    assert kinds == PRODUCTION_KINDS

    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH: the directory was written but not built")
    built = subprocess.run([kubectl, "kustomize", str(out_dir)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert built.returncode == 0, built.stderr
    assert sorted(d["kind"] for d in yaml.safe_load_all(built.stdout)) == sorted(PRODUCTION_KINDS)


def test_emit_for_an_old_kubernetes_version(targets: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = f"{targets / 'app.py'}:pdb"
    assert main(["emit", target, "--kubernetes-version", "1.20"]) == 0
    (old,) = yaml.safe_load_all(capsys.readouterr().out)
    assert (old["apiVersion"], old["kind"]) == ("policy/v1beta1", "PodDisruptionBudget")
    assert main(["emit", target, "--kubernetes-version", "1.21"]) == 0
    (new,) = yaml.safe_load_all(capsys.readouterr().out)
    assert new["apiVersion"] == "policy/v1"


def test_emit_an_object_with_objects_and_a_nested_attribute(
        targets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", f"{targets / 'app.py'}:bundle"]) == 0
    kinds = [d["kind"] for d in yaml.safe_load_all(capsys.readouterr().out)]
    assert kinds == ["PodDisruptionBudget", "Deployment"]
    assert main(["emit", f"{targets / 'app.py'}:Namespaced.inner"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["kind"] == "PodDisruptionBudget"


def test_emit_a_module_by_name_from_sys_path(targets: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (targets / "cli_target_by_name.py").write_text(
        "from kancat import Namespace\nns = Namespace.of('by-name')\n", encoding="utf-8")
    monkeypatch.chdir(targets)  # the current directory is searched, as with python -m
    monkeypatch.delitem(sys.modules, "cli_target_by_name", raising=False)
    assert main(["emit", "cli_target_by_name:ns"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["metadata"]["name"] == "by-name"


@pytest.mark.parametrize("to_directory", [False, True])
def test_emit_an_invalid_value_exits_1_and_writes_nothing(
        targets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        to_directory: bool) -> None:
    out_dir = tmp_path / "never"
    args = ["emit", f"{targets / 'app.py'}:with_sidecar", "--kubernetes-version", "1.28"]
    if to_directory:
        args += ["-o", str(out_dir)]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert not out_dir.exists()
    first = err.splitlines()[0]
    assert first == ("Deployment/web: spec.template.spec.initContainers[0].restartPolicy: "
                     "native sidecars (restartPolicy: Always) need Kubernetes 1.29 or newer, "
                     "not 1.28 (target Kubernetes 1.29+ or run the sidecar as a regular "
                     "container)")
    assert "Traceback" not in err


def test_emit_the_sidecar_for_a_new_enough_version(targets: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", f"{targets / 'app.py'}:with_sidecar",
                 "--kubernetes-version", "1.29"]) == 0
    (deployment,) = yaml.safe_load_all(capsys.readouterr().out)
    init = deployment["spec"]["template"]["spec"]["initContainers"]
    assert init[0]["restartPolicy"] == "Always"


def test_an_invalid_value_raised_while_importing_exits_1(
        targets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = f"{targets / 'invalid.py'}:app"
    assert main(["emit", target]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("name: container name 'Bad_Name' is not a DNS-1123 label (")
    assert f"raised at {targets / 'invalid.py'}:4" in lines[-1]
    assert "Traceback" not in err


@pytest.mark.parametrize(("target", "message"), [
    ("kancat.examples", "kancat: bad target 'kancat.examples': write package.module:attribute"),
    ("kancat.examples:", "kancat: bad target"),
    ("not a module:x", "is neither a module name"),
    ("kancat_no_such_module_xyz:value",
     "kancat: cannot import kancat_no_such_module_xyz:value: no module named "
     "'kancat_no_such_module_xyz'"),
    ("kancat.examples:missing",
     "kancat: cannot import kancat.examples:missing: module 'kancat.examples' has no "
     "attribute 'missing'"),
    ("kancat:__version__", "cannot emit str"),
])
def test_emit_target_errors_exit_2(capsys: pytest.CaptureFixture[str], target: str,
                                   message: str) -> None:
    assert main(["emit", target]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("name", "message"), [
    ("app.py:missing", "has no attribute 'missing'"),
    ("app.py:number", "cannot be emitted: cannot emit int"),
    ("boom.py:anything", "RuntimeError: no configuration found (raised at "),
    ("absent.py:value", "absent.py: no such file"),
])
def test_emit_file_target_errors_exit_2(targets: Path, capsys: pytest.CaptureFixture[str],
                                        name: str, message: str) -> None:
    assert main(["emit", str(targets / name)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("kancat: ")
    assert message in err
    assert len(err.splitlines()) == 1  # one clean line, no traceback


def test_import_error_reports_the_exception_type(targets: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = f"{targets / 'boom.py'}:x"
    assert main(["emit", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kancat: cannot import {target}: RuntimeError: no configuration found")


def test_a_missing_dependency_of_the_target_is_an_import_error(
        targets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_target(targets, "needs.py", "import kancat_absent_dependency\n")
    assert main(["emit", f"{path}:x"]) == 2
    assert ("ModuleNotFoundError: No module named 'kancat_absent_dependency'"
            in capsys.readouterr().err)


@pytest.mark.parametrize("version", ["1.5", "abc", "2.0"])
def test_emit_bad_kubernetes_version_exits_2(capsys: pytest.CaptureFixture[str],
                                             version: str) -> None:
    assert main(["emit", "--kubernetes-version", version]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"kancat: kubernetes_version {version!r}")


def test_emit_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_emit_to_a_path_that_is_a_file_exits_2(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["emit", "-o", str(blocker)]) == 2
    assert capsys.readouterr().err.startswith(f"kancat: cannot write {blocker}: ")


# --- top level --------------------------------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"kancat {kancat.__version__}"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: kancat")
    assert "emit" in err and "check" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emit", "--help"]) == 0
    assert "TARGET" in capsys.readouterr().out


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply"]) == 2
    assert "invalid choice: 'apply'" in capsys.readouterr().err


def test_python_dash_m_kancat(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kancat", "emit"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert [d["kind"] for d in yaml.safe_load_all(done.stdout)] == PRODUCTION_KINDS


# --- check ------------------------------------------------------------------------------------

def test_check_a_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DATA / "valid.yaml")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "ok: 3 objects in 1 file\n"


def test_check_reports_every_problem_with_file_and_document(
        capsys: pytest.CaptureFixture[str]) -> None:
    name = str(DATA / "invalid.yaml")
    assert main(["check", name]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{name}:1: Deployment/web: spec.replicaz: unknown field 'replicaz' "
        "(did you mean 'replicas'?)",
        f"{name}:1: Deployment/web: spec.template.spec.containers[0].ports[0].containerPort: "
        "containerPort 70000 is out of range (use a number from 1 to 65535)",
        f"{name}:2: StatefulSet/db: spec.template.spec.containers[0].name: container name "
        "'Bad_Name' is not a DNS-1123 label (use lowercase letters, digits and '-', starting "
        "and ending with a letter or digit (e.g. 'my-name'))",
    ]
    assert err == "3 problems in 1 file\n"


def test_check_malformed_yaml_is_a_problem(capsys: pytest.CaptureFixture[str]) -> None:
    name = str(DATA / "malformed.yaml")
    assert main(["check", name]) == 1
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith(f"{name}:1: (document): malformed YAML: line 6, column 1: ")
    assert "Traceback" not in out + err
    assert err == "1 problem in 1 file\n"


def test_check_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "absent.yaml")
    assert main(["check", missing]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"kancat: cannot read {missing}: No such file or directory",
                                "1 file unreadable"]


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", None])
def test_check_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        content: bytes | None) -> None:
    path = tmp_path / "input.yaml"
    if content is None:
        path.mkdir()  # a directory without manifests
    else:
        path.write_bytes(content)  # not UTF-8
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"kancat: cannot read {path}: ")


def test_check_standard_input(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((DATA / "invalid.yaml").read_text()))
    assert main(["check", "-"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("<stdin>:1: Deployment/web: spec.replicaz: unknown field")
    assert lines[2].startswith("<stdin>:2: StatefulSet/db: ")
    assert err == "3 problems in 1 file\n"


def test_check_valid_standard_input(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((DATA / "valid.yaml").read_text()))
    assert main(["check", "-"]) == 0
    assert capsys.readouterr() == ("", "ok: 3 objects in 1 file\n")


def test_check_several_files_with_one_bad(capsys: pytest.CaptureFixture[str]) -> None:
    valid, invalid = str(DATA / "valid.yaml"), str(DATA / "invalid.yaml")
    assert main(["check", valid, invalid]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    assert all(line.startswith(f"{invalid}:") for line in out.splitlines())
    assert err == "3 problems in 1 of 2 files\n"


def test_check_the_same_file_twice_reports_every_object_given_twice(
        capsys: pytest.CaptureFixture[str]) -> None:
    valid = str(DATA / "valid.yaml")
    assert main(["check", valid, valid]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[1] == (
        f"{valid}:2: Deployment/web: metadata.name: Deployment/shop/web is given twice "
        f"(also {valid}:2) (give each object once; rename one of them if both are meant)")
    assert len(out.splitlines()) == 3
    assert err == "3 problems in 2 files\n"


def test_check_goes_on_past_an_unreadable_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    missing, invalid = str(tmp_path / "absent.yaml"), str(DATA / "invalid.yaml")
    assert main(["check", missing, invalid]) == 2  # unreadable input wins over problems
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    assert err.splitlines() == [f"kancat: cannot read {missing}: No such file or directory",
                                "3 problems in 1 file; 1 file unreadable"]


def test_check_recursive_alias_is_a_problem_not_a_crash(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("apiVersion: v1\nkind: X\na: &a [*a]\n"))
    assert main(["check", "-"]) == 1
    assert capsys.readouterr().out.startswith(
        "<stdin>:1: (document): malformed YAML: line 3, column 4: found a recursive alias")


def test_check_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "the following arguments are required: PATH" in capsys.readouterr().err


# --- the objects of one input, checked together -----------------------------------------------

TWO_SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 8080}]}
"""


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_check_two_different_objects_with_one_identity(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    _stdin(monkeypatch, TWO_SERVICES)
    assert main(["check", "-"]) == 1
    out, _ = capsys.readouterr()
    assert out == ("<stdin>:2: Service/web: metadata.name: Service/shop/web is given twice "
                   "(also <stdin>:1) (give each object once; rename one of them if both are "
                   "meant)\n")


@pytest.mark.parametrize(("document", "expected"), [
    pytest.param("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n",
                 "<stdin>:1: Deploymnet/web: kind: apps/v1 has no kind 'Deploymnet' "
                 "(did you mean 'Deployment'?)", id="misspelled-kind"),
    pytest.param("apiVersion: v1\nkind: Deployment\nmetadata: {name: web}\n",
                 "<stdin>:1: Deployment/web: apiVersion: Kubernetes does not serve Deployment "
                 "as v1 (use apiVersion: apps/v1)", id="kind-of-another-group"),
    pytest.param("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n",
                 "<stdin>:1: Ingress/web: apiVersion: Kubernetes does not serve Ingress as "
                 "extensions/v1beta1 (use apiVersion: networking.k8s.io/v1)",
                 id="removed-version"),
])
def test_check_names_a_kind_kubernetes_does_not_serve(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        document: str, expected: str) -> None:
    _stdin(monkeypatch, document)
    assert main(["check", "-"]) == 1
    assert capsys.readouterr().out.splitlines() == [expected]


def test_custom_resources_pass_unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
                        "spec: {anything: 1}\n")
    assert main(["check", "-"]) == 0


def test_check_reads_kancat_own_output_directory_and_kustomization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "manifests"
    assert main(["emit", "-o", str(out_dir)]) == 0
    capsys.readouterr()
    for path in (out_dir, out_dir / "kustomization.yaml"):
        assert main(["check", "--strict", str(path)]) == 0
        n = len(PRODUCTION_KINDS)
        assert capsys.readouterr().err == f"ok: {n} objects in {n} files\n"


def test_check_a_directory_without_kustomization_reads_every_manifest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text((DATA / "valid.yaml").read_text(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a manifest", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\n",
        encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().err == "ok: 4 objects in 2 files\n"


UNPINNED = deployment_yaml("""
    containers: [{name: app, image: "nginx:latest"}]
    volumes: [{name: keys, secret: {secretName: tls}}]
""")


def test_warnings_go_to_standard_error_and_strict_makes_them_problems(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, UNPINNED)
    assert main(["check", "-"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "<stdin>:1: warning: Deployment/web: spec.template.spec.volumes[0].secret.secretName: "
        "Secret 'tls' is not among these objects (add the Secret, or declare it provided "
        "elsewhere (annotation kancat/provided: Secret/tls))",
        "<stdin>:1: warning: Deployment/web: spec.template.spec.containers[0].image: image "
        "'nginx:latest' is not pinned: its tag is latest (give a version tag, e.g. "
        "nginx:1.27.3, or a digest)",
        "ok: 1 object in 1 file"]
    _stdin(monkeypatch, UNPINNED)
    assert main(["check", "--strict", "--provided", "Secret/tls", "-"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "<stdin>:1: Deployment/web: spec.template.spec.containers[0].image: image "
        "'nginx:latest' is not pinned: its tag is latest (give a version tag, e.g. "
        "nginx:1.27.3, or a digest)"]


def test_emit_refuses_two_objects_with_one_identity_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_target(tmp_path, "twice.py", """
        from kancat.patterns.sidecars import envoy_config
        configs = [envoy_config(), envoy_config(app_port=9000)]
        """)
    out_dir = tmp_path / "out"
    for extra in ([], ["-o", str(out_dir)]):
        assert main(["emit", f"{target}:configs", *extra]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.splitlines()[0] == (
            "ConfigMap/envoy-config: metadata.name: ConfigMap/envoy-config is given twice "
            "(also object 1) (give each object once; rename one of them if both are meant)")
    assert not out_dir.exists()


def test_emit_into_the_same_directory_again_removes_what_is_no_longer_emitted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write_target(tmp_path, "first.py", """
        from kancat import Namespace
        objects = [Namespace.of("a"), Namespace.of("b")]
        only_a = [Namespace.of("a")]
        """)
    out_dir = tmp_path / "out"
    (out_dir / "notes").mkdir(parents=True)
    (out_dir / "README.md").write_text("mine", encoding="utf-8")
    assert main(["emit", f"{first}:objects", "-o", str(out_dir)]) == 0
    assert main(["emit", f"{first}:only_a", "-o", str(out_dir)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "README.md", "kustomization.yaml", "namespace-a.yaml", "notes"]
