"""``izsim dashboard``: the model in a browser for a workshop room.

:mod:`izsim.dashboard.session` holds what the page shows and does (the live run, its levers,
steps and log; saved results beside it) and is tested without a browser;
:mod:`izsim.dashboard.app` is the thin Solara page over it; :mod:`izsim.dashboard.server`
starts the page offline.
"""
