"""What the page shows, made without a browser: the figures as PNG (drawn by the figures
module, :mod:`izsim.present`), the province's zones as a schematic and the running scorecard
as HTML. The Solara page (:mod:`izsim.dashboard.app`) only places them.
"""

from __future__ import annotations

import html
import io

from matplotlib.figure import Figure

from izsim.dashboard.session import LABELS, ScoreRow, Session, ZoneView
from izsim.present.language import Lang, word
from izsim.present.panel import run_panel
from izsim.present.style import settle, styled
from izsim.present.timeline import PLANT_LOOK, STAGE_COLOURS

SCREEN_DPI = 100
"""Resolution of the figures in the page: a projector shows about this; the 200 dpi of the
reports would triple the drawing time for nothing the room can see."""
DARK_STAGES = ("building", "operating")  # white text on these stage colours
STATUS_COLOURS = {
    "met": "#009E73",
    "missed": "#D55E00",
    "pending": "#777777",
    "no_value": "#777777",
    "not_modelled": "#AAAAAA",
}


def png(fig: Figure, dpi: int = SCREEN_DPI) -> bytes:
    """``fig`` as PNG bytes for the page, its layout settled as the reports settle it."""
    settle(fig)
    raw = io.BytesIO()
    with styled():
        fig.savefig(raw, format="png", dpi=dpi)
    return raw.getvalue()


def panel_png(session: Session, lang: Lang) -> bytes:
    """The live run's indicators against the plan (:func:`izsim.present.panel.run_panel`)."""
    return png(run_panel(session.results(), lang=lang))


def _e(text: object) -> str:
    return html.escape(str(text))


def zone_card(zone: ZoneView, lang: Lang) -> str:
    """One zone: its stage as the card's colour, its occupancy as a bar, its plant below."""
    background = STAGE_COLOURS[zone.stage]
    colour = "#FFFFFF" if zone.stage in DARK_STAGES else "#000000"
    plant = PLANT_LOOK.get(zone.plant, {"facecolor": "#FFFFFF", "edgecolor": "#999999"})
    occupied = max(0.0, min(100.0, zone.occupancy_pct))
    dropped = f" · {_e(word('dropped', lang, LABELS))}" if zone.dropped else ""
    return (
        f'<div class="izs-zone" data-zone="{_e(zone.key)}" data-stage="{_e(zone.stage)}"'
        f' style="background:{background};color:{colour};border:1px solid #555;'
        'border-radius:4px;padding:4px 6px;margin:3px;width:180px;font-size:13px">'
        f'<div style="font-weight:600">{_e(zone.name)}</div>'
        f"<div>{_e(word(zone.stage, lang, 'stages'))}{dropped}</div>"
        '<div style="background:#FFFFFF;height:6px;border:1px solid #999;margin:3px 0">'
        f'<div style="background:#E69F00;height:100%;width:{occupied:.0f}%"></div></div>'
        f"<div>{occupied:.0f}% {_e(word('occupancy', lang, LABELS))}</div>"
        f'<div style="background:{plant["facecolor"]};border:2px solid {plant["edgecolor"]};'
        "color:#000;background-clip:padding-box;border-radius:3px;padding:0 4px;"
        f'margin-top:2px;font-size:12px">{_e(word(zone.plant, lang, "plants"))}</div>'
        "</div>"
    )


def zones_html(session: Session, lang: Lang) -> str:
    """The province's zones by region (district), each a coloured card, with a legend."""
    legend = " ".join(
        f'<span style="background:{colour};color:{"#FFF" if stage in DARK_STAGES else "#000"};'
        f'padding:1px 6px;border:1px solid #555;border-radius:3px">'
        f"{_e(word(stage, lang, 'stages'))}</span>"
        for stage, colour in STAGE_COLOURS.items()
    )
    parts = [f'<div class="izs-legend" style="margin-bottom:6px">{legend}</div>']
    parts.append('<div style="display:flex;flex-wrap:wrap;align-items:flex-start">')
    for region, zones in session.zones_by_region(lang).items():
        cards = "".join(zone_card(zone, lang) for zone in zones)
        parts.append(
            '<div class="izs-region" style="border:1px dashed #888;border-radius:6px;'
            'margin:4px;padding:4px">'
            f'<div style="font-weight:700;margin:2px 4px">{_e(region)}</div>'
            f'<div style="display:flex;flex-wrap:wrap">{cards}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def scorecard_html(rows: list[ScoreRow], lang: Lang) -> str:
    """The running scorecard as a table: target, status (coloured), value."""
    head = "".join(
        f'<th style="text-align:left;padding:2px 8px">{_e(word(k, lang, LABELS))}</th>'
        for k in ("target", "status", "value")
    )
    body = "".join(
        f'<tr class="izs-score" data-status="{_e(row.status)}">'
        f'<td style="padding:2px 8px">{_e(row.text)}</td>'
        f'<td style="padding:2px 8px;color:{STATUS_COLOURS[row.status]};font-weight:600">'
        f"{_e(word(row.status, lang, LABELS))}</td>"
        f'<td style="padding:2px 8px">{_e(row.value)}</td></tr>'
        for row in rows
    )
    return (
        '<table class="izs-scorecard" style="border-collapse:collapse;font-size:14px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
