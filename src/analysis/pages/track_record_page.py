"""The track record's page (``reports/track_record.html``): every question of the gallery, its
forecast, its outcome and its scores, each linked to its own report, and the scores against the
base rate alone and an uninformed 0.5. Renders text only; ``analysis.pages.report`` writes it."""

from __future__ import annotations

import html

import pandas as pd

from analysis.engine.track_record import MODEL, SCORED


def _cell(value: object, digits: int = 3) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.{digits}f}"
    return html.escape(str(value))


def render(
    table: pd.DataFrame, totals: pd.DataFrame, links: dict[str, str], figure: str | None = None
) -> str:
    """The page as HTML. ``links`` maps a question_id to its report's index page (relative);
    a question without one is listed unlinked. ``figure`` is the reliability diagram's SVG
    (relative), or None when no bin holds both outcomes."""
    head = ("<tr><th>question</th><th>decider</th><th>as of</th><th>ledger row</th>"
            "<th>forecast P(release)</th><th>base rate</th><th>outcome</th><th>Brier</th>"
            "<th>log score</th><th>Brier, base rate</th><th>log, base rate</th></tr>")  # fmt: skip
    rows = []
    for row in table.itertuples():
        name = html.escape(row.case_label)
        link = links.get(row.question_id)
        label = f'<a href="{html.escape(link)}">{name}</a>' if link else name
        outcome = {"resolved_yes": "release", "resolved_no": "return"}.get(row.status, row.status)
        rows.append(
            f"<tr><td>{label}</td><td>{_cell(row.decided_by)}</td><td>{row.as_of}</td>"
            f"<td>{_cell(row.forecast_id)}</td><td>{_cell(row.forecast)}</td>"
            f"<td>{_cell(row.base_rate)}</td><td>{_cell(outcome)}</td>"
            f"<td>{_cell(row.brier_forecast)}</td><td>{_cell(row.log_forecast)}</td>"
            f"<td>{_cell(row.brier_base_rate)}</td><td>{_cell(row.log_base_rate)}</td></tr>"
        )
    sums = "".join(
        f"<tr><td>{html.escape(r.label)}</td><td>{r.questions}</td><td>{r.releases}</td>"
        f"<td>{_cell(r.brier)}</td><td>{_cell(r.log)}</td></tr>"
        for r in totals.itertuples()
    )
    scored = ", ".join(SCORED.values())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Track record: every question scored together</title></head><body>"
        "<h1>Track record: every question scored together</h1>"
        f"<p>Model: {MODEL}. Each forecast is the question's latest row in the frozen ledger "
        "(data/forecasts.csv), made from the cases resolved before its as-of date. Resolved "
        f"questions are scored by the Brier score (lower is better) and the natural-log score "
        f"(higher is better) beside {scored}. Open and annulled questions are listed, not "
        "scored. The resolved questions' forecasts were made after their outcomes were known, "
        "from the record as of their dates (retrodictions in the ledger); only the open "
        "question is a forecast made before its outcome.</p>"
        f"<table>{head}{''.join(rows)}</table>"
        "<h2>Mean scores over the resolved questions</h2>"
        "<table><tr><th>forecast</th><th>questions</th><th>releases</th><th>Brier</th>"
        f"<th>log score</th></tr>{sums}</table>"
        f"{_figure_html(figure)}"
        '<p><a href="index.html">Back to the main report</a></p></body></html>\n'
    )


def _figure_html(figure: str | None) -> str:
    if figure is None:
        return (
            "<p>No reliability diagram: no bin of forecasts holds both outcomes, and a bin "
            "of one outcome only shows no calibration.</p>"
        )
    return (
        f"<h2>Reliability of the ledger's forecasts ({html.escape(MODEL)})</h2>"
        f'<img src="{html.escape(figure)}" alt="Reliability diagram of the ledger forecasts">'
    )
