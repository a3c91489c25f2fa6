"""The generator scripts of ``scripts/``, loaded as modules for the tests that check the
tables they write are up to date (the scripts folder is no package)."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module named ``name`` (importing it runs nothing)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_table_is_up_to_date(script: ModuleType, table: Path) -> None:
    """The table the loaded ``script`` builds is the committed ``table``, to the letter."""
    built = script.build()
    text = table.read_text(encoding="utf-8")
    assert built == json.loads(text), f"run: .venv/bin/python scripts/{script.__name__}.py"
    assert script.render(built) == text
