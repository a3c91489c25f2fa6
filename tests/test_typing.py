"""The generic signatures keep their types: mypy --strict sees what a user writes."""

import os
import re
import subprocess
import sys
from pathlib import Path

from mypy import api

CODE = '''
from kancat.algebra.functor import fmap, mirror_images
from kancat.algebra.monoidal import Mesh
from kancat.patterns.sidecars import inject, fluent_bit
from kancat.values import Container, Deployment, StatefulSet

web = Deployment.of("web", containers=[Container.of("app", image="web:1")])
db: StatefulSet
reveal_type(fmap(mirror_images("m.internal"), web))
reveal_type(fmap(mirror_images("m.internal"), [web]))
reveal_type(inject(fluent_bit())(web))
reveal_type(inject(fluent_bit())(db))
reveal_type(Mesh.unit().tensor(Mesh.unit()))
reveal_type(Deployment.create("web", containers=[]))
'''


def test_revealed_types() -> None:
    stdout, stderr, status = api.run(["--strict", "--no-incremental", "-c", CODE])
    revealed = [found.removeprefix("builtins.")
                for found in re.findall(r'Revealed type is "([^"]+)"', stdout)]
    assert revealed == [
        "kancat.values.workloads.Deployment",
        "list[kancat.values.workloads.Deployment]",
        "kancat.values.workloads.Deployment",
        "kancat.values.workloads.StatefulSet",
        "returns.result.Result[kancat.algebra.monoidal.Mesh, kancat.errors.MeshConflict]",
        "returns.result.Result[kancat.values.workloads.Deployment, kancat.errors.InvalidValue]",
    ], stdout + stderr
    assert status == 0, stdout + stderr


def test_a_users_own_script_type_checks_outside_the_checkout(tmp_path: Path) -> None:
    """The installed kancat is visible to mypy (not only to Python): an editable install
    that works through an import hook would leave ``import kancat`` unresolved here."""
    script = tmp_path / "deploy.py"
    script.write_text(
        "from kancat import Container, Deployment, to_yaml\n"
        "web = Deployment.of('web', containers=[Container.of('app', image='web:1.0')])\n"
        "text: str = to_yaml(web)\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                             str(script)], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
