"""izsim: agent-based simulation of industrial-zone development and investment in Vietnam.

The public entry point for scripts and notebooks is :func:`izsim.run.run`, which simulates one
(scenario, policy, seed) and returns a :class:`izsim.result.RunResult`.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``izsim.__version__``, read from the installed metadata when first asked for.

    Reading it at import would cost every command ``importlib.metadata`` (tens of ms), which
    ``izsim --help`` does not need.
    """
    if name != "__version__":
        raise AttributeError(f"module 'izsim' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("izsim")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
