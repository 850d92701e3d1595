"""Mesa's ``Model``, ``Agent`` and ``DataCollector``, without importing the rest of Mesa.

Importing any part of a package runs the package's ``__init__`` first, and Mesa 3.3's imports
all of Mesa: ``mesa.experimental`` (whose continuous space imports SciPy's spatial module,
about 0.18 s), the batch runner (tqdm, asyncio, multiprocessing), the discrete spaces. A
whole ``izsim run`` of Tuyên Quang took about 1.15 s, of which ``import mesa`` was 0.64 s;
the model needs three classes, whose modules import only numpy (and pandas, for the data
collector).

``DataCollector`` is imported when first asked for (a module ``__getattr__``): its module
imports pandas (about 0.14 s), which ``izsim run`` does not otherwise need; the model makes
its data collector only when a notebook or ``mesa.batch_run`` uses it.

So before importing them, :func:`defer_package_init` puts Mesa's package into
``sys.modules`` as the import system would, but without running its ``__init__``: its
submodules import as usual. The first time anything asks the package itself for a name
(``mesa.batch_run``, ``from mesa import DataCollector``, ``mesa.__version__``), its
``__init__`` runs, in that same module object, and the name is returned. So ``import mesa``
in a notebook or a test still gives the whole of Mesa, the same objects (``mesa.Model`` is
this module's ``Model``), only later. If Mesa was imported before izsim, nothing is deferred.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING

_lock = threading.Lock()


def defer_package_init(name: str) -> ModuleType | None:
    """Put package ``name`` into ``sys.modules`` with its ``__init__`` not yet run.

    The ``__init__`` runs when a name the package does not have yet is first asked of it
    (PEP 562 module ``__getattr__``); its submodules can be imported before that.

    Returns:
        The package's module object, or None when nothing was deferred: the package is
        imported already, or is not an ordinary package (then the normal import applies).
    """
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return None
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def initialise() -> None:
        with _lock:
            if package.__dict__.get("__getattr__") is __getattr__:
                del package.__dict__["__getattr__"], package.__dict__["__dir__"]
                try:
                    loader.exec_module(package)  # the package's __init__, in this module
                except BaseException:
                    # The hooks go back, so that the next access runs the __init__ again and
                    # raises its own error rather than a bare AttributeError.
                    package.__getattr__ = __getattr__  # type: ignore[method-assign]
                    package.__dir__ = __dir__  # type: ignore[method-assign]
                    raise

    def __getattr__(attr: str) -> object:  # noqa: N807 (the name PEP 562 looks up)
        initialise()
        return getattr(package, attr)

    def __dir__() -> list[str]:  # noqa: N807 (PEP 562: dir() of the package lists all of it)
        initialise()
        return sorted(package.__dict__)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    package.__dir__ = __dir__  # type: ignore[method-assign]
    sys.modules[name] = package
    return package


defer_package_init("mesa")

# mesa.model first: at import it looks itself up with inspect.stack(), whose cost grows with
# the modules imported so far.
from mesa.model import Model  # noqa: E402 (after the deferral, or mesa/__init__ runs)

# isort: split
from mesa.agent import Agent  # noqa: E402

if TYPE_CHECKING:
    from mesa.datacollection import DataCollector

__all__ = ["Agent", "DataCollector", "Model", "defer_package_init"]


def __getattr__(name: str) -> object:
    """``DataCollector``, imported on first use (PEP 562): mesa.datacollection imports pandas.

    Raises:
        AttributeError: any other name this module does not have.
    """
    if name == "DataCollector":
        from mesa.datacollection import DataCollector

        globals()["DataCollector"] = DataCollector  # asked once; then an ordinary name
        return DataCollector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
