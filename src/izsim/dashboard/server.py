"""Serving the dashboard on this machine, offline.

Solara's page loads its scripts, styles and fonts through the server's asset proxy
(``/_solara/cdn/…``); the ``solara-assets`` package (``solara[assets]``) puts all of them in
the proxy's cache, so the browser asks nothing of the internet. Two more settings keep the
*server* off it too: the proxy's upstream is a closed local port (an asset missing from the
cache is then an error in the log, not a download), and Solara's usage telemetry is off.
``tests/dashboard/test_browser.py`` fails if the page makes any request beyond localhost.
"""

from __future__ import annotations

import os
from pathlib import Path

from izsim.dashboard.app import LANG_VARIABLE, SCENARIO_VARIABLE

HOST = "127.0.0.1"
OFFLINE = {
    "SOLARA_APP": "izsim.dashboard.app",
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",  # closed port: nothing is fetched from outside
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
}
"""Environment of the Solara server; set before Solara is imported (it reads it then)."""


def configure(scenario: Path, lang: str) -> None:
    """Set the environment the page and Solara read."""
    os.environ.update(OFFLINE)
    os.environ[SCENARIO_VARIABLE] = str(scenario.resolve())
    os.environ[LANG_VARIABLE] = lang


def serve(scenario: Path, port: int, lang: str, on_ready: object = None) -> None:
    """Serve the dashboard of ``scenario`` at ``http://127.0.0.1:port`` until interrupted.

    Args:
        scenario: the scenario file the page opens with.
        port: the port (0: a free one).
        lang: the page's first language, ``vi`` or ``en``.
        on_ready: called with the address once the server listens.
    """
    configure(scenario, lang)
    import warnings

    import uvicorn

    # Solara warns on every page load that a cookie for an embedded page needs https; the
    # dashboard is never embedded, and the warning would fill the presenter's terminal.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    config = uvicorn.Config(
        "solara.server.starlette:app", host=HOST, port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    if callable(on_ready):
        original = server.startup

        async def startup(sockets: object = None) -> None:
            await original(sockets=sockets)  # type: ignore[arg-type]
            bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
            on_ready(f"http://{HOST}:{bound}/")

        server.startup = startup  # type: ignore[method-assign]
    server.run()
