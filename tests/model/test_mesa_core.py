"""Mesa's package ``__init__`` deferred (izsim.model.mesa_core): the model imports without the
rest of Mesa, and ``import mesa`` afterwards still gives the whole of Mesa, the same objects."""

import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _python(code: str) -> str:
    """Run ``code`` in a new interpreter (a fresh ``sys.modules``); its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\nsys.path.insert(0, {SRC!r})\n{code}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_model_imports_without_the_rest_of_mesa() -> None:
    out = _python(
        "import izsim.model.model\n"
        "print(sorted(m for m in ('scipy', 'mesa.experimental', 'mesa.batchrunner', 'tqdm')"
        " if m in sys.modules))"
    )
    assert out == "[]"


def test_the_data_collector_and_pandas_are_imported_only_when_asked_for() -> None:
    """mesa.datacollection imports pandas, which a run does not need: the model imports
    without it, and ``DataCollector`` is still importable from mesa_core, Mesa's own class."""
    out = _python(
        "import izsim.model.model\n"
        "print(sorted(m for m in ('pandas', 'mesa.datacollection') if m in sys.modules))\n"
        "from izsim.model.mesa_core import DataCollector\n"
        "from izsim.model import mesa_core\n"
        "import mesa.datacollection\n"
        "print(DataCollector is mesa.datacollection.DataCollector is mesa_core.DataCollector)"
    )
    assert out == "[]\nTrue"


def test_mesa_is_whole_when_first_asked_for_a_name() -> None:
    out = _python(
        "from izsim.model import mesa_core\n"
        "import mesa\n"
        "assert 'mesa.batchrunner' not in sys.modules\n"
        "assert mesa.Model is mesa_core.Model and mesa.Agent is mesa_core.Agent\n"
        "assert mesa.DataCollector is mesa_core.DataCollector\n"
        "from mesa import batch_run\n"
        "assert batch_run is mesa.batch_run is sys.modules['mesa.batchrunner'].batch_run\n"
        "import mesa.experimental\n"
        "print(mesa.__version__ == sys.modules['mesa'].__version__, sys.modules['mesa'] is mesa)"
    )
    assert out == "True True"


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    out = _python(
        "import izsim.model.mesa_core\n"
        "import mesa\n"
        "try:\n    mesa.no_such_name\nexcept AttributeError as e:\n    print('AttributeError')\n"
        "print(hasattr(mesa, 'space'), hasattr(izsim.model.mesa_core, 'no_such_name'))"
    )
    assert out == "AttributeError\nTrue False"


def test_nothing_is_deferred_when_mesa_was_imported_first() -> None:
    out = _python(
        "import mesa\n"
        "from izsim.model.mesa_core import Model, defer_package_init\n"
        "print(Model is mesa.Model, defer_package_init('mesa'), '__getattr__' in vars(mesa))"
    )
    assert out == "True None False"


def test_dir_of_the_deferred_package_lists_the_whole_of_it() -> None:
    out = _python(
        "from izsim.model import mesa_core\n"
        "import mesa\n"
        "names = dir(mesa)\n"
        "print('batch_run' in names, 'DataCollector' in names, names == sorted(vars(mesa)))"
    )
    assert out == "True True True"


def test_a_package_whose_init_fails_raises_its_own_error_every_time(tmp_path: Path) -> None:
    package = tmp_path / "brokenpkg"
    package.mkdir()
    (package / "__init__.py").write_text("raise RuntimeError('boom in __init__')\n")
    (package / "sub.py").write_text("VALUE = 1\n")
    out = _python(
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from izsim.model.mesa_core import defer_package_init\n"
        "pkg = defer_package_init('brokenpkg')\n"
        "from brokenpkg.sub import VALUE\n"  # a submodule imports before the __init__ runs
        "for _ in range(2):\n"
        "    try:\n        pkg.anything\n"
        "    except RuntimeError as e:\n        print(e)\n"
        "print(VALUE)"
    )
    assert out == "boom in __init__\nboom in __init__\n1"
