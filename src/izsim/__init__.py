"""izsim: agent-based simulation of industrial-zone development and investment in Vietnam.

The public entry point for scripts and notebooks is :func:`izsim.run.run`, which simulates one
(scenario, policy, seed) and returns a :class:`izsim.result.RunResult`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("izsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
