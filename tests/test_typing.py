"""The generic signatures keep their types: mypy --strict sees what a user writes."""

import re

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
