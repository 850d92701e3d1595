"""The dashboard page (Solara): a thin layer over :mod:`izsim.dashboard.session`.

Served by :mod:`izsim.dashboard.server`, which passes the scenario and the language in the
environment (``IZSIM_DASHBOARD_SCENARIO``, ``IZSIM_DASHBOARD_LANG``). Every action's bad
input (an :class:`izsim.errors.InputError`, a lever combination refused) is shown in the
page as a message, never as a traceback.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import solara

from izsim.dashboard.controls import Control
from izsim.dashboard.evidence import Evidence, figures, live_among, open_saved
from izsim.dashboard.session import LABELS, Session, read_scenario_name
from izsim.dashboard.views import panel_png, png, scorecard_html, zones_html
from izsim.errors import InputError
from izsim.present.language import Lang, number, policy_label, word

SCENARIO_VARIABLE = "IZSIM_DASHBOARD_SCENARIO"
LANG_VARIABLE = "IZSIM_DASHBOARD_LANG"
RUN_PAUSE = 0.4
"""Seconds between months while the run plays: slow enough for the room to follow."""
IDLE_PAUSE = 0.5
"""Seconds the paused run's thread waits for Play before it looks whether the page closed."""


def _w(key: str, lang: Lang, **fields: object) -> str:
    return word(key, lang, LABELS, **fields)


def _lever_label(control: Control, value: object, lang: Lang) -> str:
    """The lever's name with its value now (a slider shows its number only while dragged,
    and the room must read it from the back)."""
    name = word(control.name, lang, "lever_fields")
    if control.kind in ("switch", "choice"):
        return name
    unit = word(control.unit, lang, "lever_units") if control.unit else ""
    shown = "–" if value is None else number(float(value), lang)  # type: ignore[arg-type]
    return f"{name}: {shown} {unit}".rstrip()


def _message(error: Exception) -> str:
    """What the page says about a refused action: the InputError's problems as written."""
    if isinstance(error, InputError):
        return "\n".join(str(p) for p in error.problems)
    return str(error)


def _guarded(draw: Callable[[], object]) -> object:
    """``draw()``, or the message of what stopped it: saved files can hold what the figures
    cannot draw, and the page shows a message, never a traceback."""
    try:
        return draw()
    except InputError as exc:
        return _message(exc)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@solara.component
def Note(text: str, css_class: str, background: str, colour: str) -> None:
    """A message box (an error, or how the live run relates to the saved runs)."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html.escape(text).replace("\n", "<br>"),
        classes=[css_class],
        style={
            "background": background,
            "color": colour,
            "padding": "8px 12px",
            "border-radius": "4px",
            "margin": "6px 0",
            "white-space": "normal",
        },
    )


@solara.component
def LeverControl(
    control: Control, value: object, lang: Lang, locked: bool, on_set: Callable[..., None]
) -> None:
    """One lever as a slider, switch or choice; set-up levers lock once the run has begun."""
    label = _lever_label(control, value, lang)
    note = f" {_w('set_up_note', lang)}" if control.set_up and locked else ""
    disabled = control.set_up and locked
    with solara.Div(classes=["izs-lever"], style={"margin-bottom": "4px"}):
        if control.kind == "switch":
            solara.Switch(
                label=label + note,
                value=bool(value),
                on_value=lambda v: on_set(control.name, v),
                disabled=disabled,
                classes=[f"izs-lever-{control.name}"],
            )
        elif control.kind == "choice":
            solara.Select(
                label=label + note,
                values=list(control.choices),
                value=str(value),
                on_value=lambda v: on_set(control.name, v),
                disabled=disabled,
                classes=[f"izs-lever-{control.name}"],
            )
        elif control.kind == "integer":
            solara.SliderInt(
                label=label + note,
                value=int(value) if value is not None else int(control.low),
                min=int(control.low),
                max=int(control.high),
                on_value=lambda v: on_set(control.name, v),
                disabled=disabled,
            )
        else:
            solara.SliderFloat(
                label=label + note,
                value=float(value),  # type: ignore[arg-type]
                min=control.low,
                max=max(control.high, float(value)),  # type: ignore[arg-type]
                step=control.step,
                on_value=lambda v: on_set(control.name, v),
                disabled=disabled,
            )


def _set(event: threading.Event) -> threading.Event:
    """``event``, set."""
    event.set()
    return event


@solara.component
def Page() -> None:
    """The whole page: controls on the left, what the room sees on the right."""
    start_file = os.environ.get(SCENARIO_VARIABLE, "scenarios/tuyen_quang.yaml")
    lang, set_lang = solara.use_state(os.environ.get(LANG_VARIABLE, "vi"))  # type: ignore[arg-type]
    version, set_version = solara.use_state(0)
    error, set_error = solara.use_state("")
    playing, set_playing = solara.use_state(False)
    seed_text, set_seed_text = solara.use_state("1")
    folder, set_folder = solara.use_state("")
    saved, set_saved = solara.use_state(None)  # type: ignore[var-annotated]
    lock = solara.use_memo(threading.Lock, [])
    holder = solara.use_memo(
        lambda: {
            "session": Session.open(start_file),
            "playing": threading.Event(),
            "rendered": _set(threading.Event()),
        },
        [],
    )
    session: Session = holder["session"]
    # The page has shown the latest month (an effect runs once its render is done): the play
    # thread waits for it before the next month, so it never changes the state faster than
    # the page renders (reacton's "too many renders" when each pass saw a new month: a slow,
    # loaded machine rendered more slowly than RUN_PAUSE).
    solara.use_effect(lambda: holder["rendered"].set(), [version])

    def changed() -> None:
        set_version(lambda v: v + 1)

    def act(action: Callable[[], object]) -> None:
        """Do ``action``; a refusal becomes the page's message."""
        try:
            with lock:
                action()
            set_error("")
        except (InputError, ValueError) as exc:
            set_error(_message(exc))
        changed()

    def play(cancel: threading.Event) -> None:
        # One thread for the page's life: while the button says play, a month, then a pause
        # for the room; otherwise it idles. Play and Pause only flip a flag under the model's
        # lock: restarting a thread on every click changed the thread's state while the
        # click's own render ran, and now and then the renders never settled (reacton's "too
        # many renders", seen in CI). (Not cancelled intrusively: that traces every line of
        # the model, far slower.)
        while not cancel.is_set():
            # wait for Play (an event, not a poll); wake now and then to see the page closed
            if not holder["playing"].wait(IDLE_PAUSE):
                continue
            try:
                with lock:
                    moved = holder["session"].step(1) if holder["playing"].is_set() else None
            except Exception as exc:  # the thread must outlive a failed month: say it, stop
                holder["playing"].clear()
                set_playing(False)
                set_error(_message(exc))
                continue
            if moved is None:
                continue
            holder["rendered"].clear()
            changed()
            if not moved:
                holder["playing"].clear()
                set_playing(False)
                continue
            # the page shows this month before the next is stepped (or the page is closed)
            while not holder["rendered"].wait(IDLE_PAUSE) and not cancel.is_set():
                pass
            time.sleep(RUN_PAUSE)

    solara.use_thread(play, dependencies=[], intrusive_cancel=False)

    def toggle_play() -> None:
        with lock:  # no month is being stepped once this returns
            if playing:
                holder["playing"].clear()
            else:
                holder["playing"].set()
        set_playing(not playing)

    def choose_province(path: str) -> None:
        def do() -> None:
            holder["session"] = Session.open(path, seed=session.seed)

        act(do)

    def choose_seed(text: str) -> None:
        set_seed_text(text)
        try:
            seed = int(text)
        except ValueError:
            set_error(f"seed: {text!r} is not a whole number")
            return
        act(lambda: session.reset(seed=seed))

    def open_folder(text: str) -> None:
        set_folder(text)
        try:
            set_saved(open_saved(text))
            set_error("")
        except InputError as exc:
            set_saved(None)
            set_error(_message(exc))

    def toggle_lang() -> None:
        set_lang("en" if lang == "vi" else "vi")

    province = session.scenario.scenario.name
    solara.Title(_w("title", lang, province=province))
    with solara.Column(style={"padding": "8px"}):
        with solara.Row(style={"align-items": "center"}):
            solara.HTML(
                tag="h2",
                unsafe_innerHTML=html.escape(_w("title", lang, province=province)),
                classes=["izs-title"],
            )
            solara.Button(_w("language", lang), on_click=toggle_lang, classes=["izs-lang"])
        if error:
            Note(f"{_w('error', lang)}: {error}", "izs-error", "#FDECEA", "#B71C1C")
        with solara.Columns([2, 5]):  # levers need room for their names
            with solara.Column():
                Controls(session, lang, act, choose_province, choose_seed, seed_text)
                solara.Button(
                    _w("pause" if playing else "run", lang),
                    on_click=toggle_play,
                    color="primary",
                    classes=["izs-run"],
                )
                with solara.Row():
                    solara.Button(
                        _w("step_month", lang),
                        on_click=lambda: act(lambda: session.step(1)),
                        classes=["izs-month"],
                    )
                    solara.Button(
                        _w("step_year", lang),
                        on_click=lambda: act(lambda: session.step(12)),
                        classes=["izs-year"],
                    )
                    solara.Button(
                        _w("reset", lang),
                        on_click=lambda: act(lambda: session.reset()),
                        classes=["izs-reset"],
                    )
                Levers(session, lang, act, session.started, version)
            with solara.Column():
                Seen(session, lang, version)
                # the saved evidence beside the live scorecard, so a presenter can point from
                # one run to the probabilities it is one of
                with solara.Columns([1, 1]):
                    with solara.Column():
                        Score(session, lang, version)
                    with solara.Column():
                        Saved(session, lang, folder, saved, open_folder)


@solara.component
def Controls(
    session: Session,
    lang: Lang,
    act: Callable[[Callable[[], object]], None],
    choose_province: Callable[[str], None],
    choose_seed: Callable[[str], None],
    seed_text: str,
) -> None:
    """Province, package and seed."""
    provinces = {_province_name(p): str(p) for p in session.provinces()}
    solara.Select(
        label=_w("province", lang),
        values=list(provinces),
        value=_province_name(session.scenario_file),
        on_value=lambda name: choose_province(provinces[name]),
        classes=["izs-province"],
    )
    packages = session.packages()
    names = {policy_label(p, lang, p): p for p in packages}
    current = policy_label(session.policy.id, lang, session.policy.id)
    solara.Select(
        label=_w("package", lang),
        values=list(names),
        value=current if current in names else None,
        on_value=lambda label: act(lambda: session.reset(package=names[label])),
        classes=["izs-package"],
    )
    solara.InputText(_w("seed", lang), value=seed_text, on_value=choose_seed, classes=["izs-seed"])


def _province_name(path: Path) -> str:
    """The province's name in its scenario file (the file's stem if it cannot be read)."""
    try:
        return read_scenario_name(path)
    except InputError:
        return path.stem


@solara.component
def Levers(
    session: Session,
    lang: Lang,
    act: Callable[[Callable[[], object]], None],
    started: bool,
    version: int,
) -> None:
    """Every lever of the schema as a control, in the schema's order. ``started`` and
    ``version`` are passed so that the controls are drawn again when the run starts (the
    set-up levers lock) or a lever changes: the session itself is the same object."""
    controls = solara.use_memo(session.controls, [str(session.scenario_file)])

    def on_set(name: str, value: object) -> None:
        act(lambda: session.set_lever(name, value))

    solara.HTML(tag="h3", unsafe_innerHTML=_w("levers", lang))
    with solara.Column(style={"max-height": "60vh", "overflow-y": "auto"}):
        for control in controls:
            LeverControl(
                control,
                getattr(session.levers, control.name),
                lang,
                started,
                on_set,
            )


@solara.component
def Seen(session: Session, lang: Lang, version: int) -> None:
    """The month, the zones, the charts, the scorecard and the log."""
    done, total = session.months_done, session.scenario.months
    status = (
        _w("month_now", lang, month=session.month_label(), done=done, total=total)
        if done
        else _w("not_started", lang)
    )
    solara.HTML(tag="div", unsafe_innerHTML=status, classes=["izs-month-now"])
    solara.HTML(tag="h3", unsafe_innerHTML=_w("zones_title", lang))
    solara.HTML(tag="div", unsafe_innerHTML=zones_html(session, lang), classes=["izs-zones"])
    solara.HTML(tag="h3", unsafe_innerHTML=_w("charts_title", lang))
    image = solara.use_memo(lambda: _guarded(lambda: panel_png(session, lang)), [version, lang])
    if isinstance(image, str):
        Note(f"{_w('error', lang)}: {image}", "izs-error", "#FDECEA", "#B71C1C")
    else:
        solara.Image(image, width="100%", classes=["izs-charts"])  # type: ignore[arg-type]


@solara.component
def Score(session: Session, lang: Lang, version: int) -> None:
    """The running scorecard and the log of what the room changed."""
    solara.HTML(tag="h3", unsafe_innerHTML=_w("scorecard_title", lang, month=session.month_label()))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=scorecard_html(session.scorecard(lang), lang),
        classes=["izs-scorecard-box"],
    )
    solara.HTML(tag="h3", unsafe_innerHTML=_w("log_title", lang))
    lines = "\n".join(html.escape(line) for line in session.log_lines(lang))
    solara.HTML(
        tag="pre",
        unsafe_innerHTML=lines,
        classes=["izs-log"],
        style={"white-space": "pre-wrap"},  # long lever names wrap in a half-width column
    )


@solara.component
def Saved(
    session: Session,
    lang: Lang,
    folder: str,
    saved: Evidence | None,
    open_folder: Callable[[str], None],
) -> None:
    """A saved comparison, lever study or sweep beside the live run."""
    solara.HTML(tag="h3", unsafe_innerHTML=_w("saved_title", lang))
    solara.InputText(
        _w("saved_folder", lang), value=folder, on_value=open_folder, classes=["izs-folder"]
    )
    drawn = solara.use_memo(
        lambda: (
            []
            if saved is None
            else _guarded(lambda: [(t, png(f)) for t, f in figures(saved, lang)])
        ),
        [None if saved is None else str(saved.folder), lang],
    )
    if saved is None:
        return
    where = live_among(saved, session.policy.id, session.seed, session.levers_changed)
    runs = 0 if saved.results is None else len(saved.results.seeds.get(session.policy.id, []))
    Note(
        _w(where, lang, policy=session.policy.id, seed=session.seed, runs=runs),
        "izs-among",
        "#E8F0FE",
        "#0D47A1",
    )
    if isinstance(drawn, str):
        Note(f"{_w('error', lang)}: {drawn}", "izs-error", "#FDECEA", "#B71C1C")
        return
    for title, image in drawn:
        solara.HTML(tag="h4", unsafe_innerHTML=title)
        solara.Image(image, width="100%", classes=["izs-saved-figure"])
