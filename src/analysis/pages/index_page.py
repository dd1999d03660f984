"""The report's front page (``index.html``) as text: the bottom line first, the scenario table,
a static what-if that works offline, the charts with alt text and captions, and the events with
their sources. Text from the tables is HTML-escaped.

Returns text only; ``analysis.pages.report`` writes the page.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from analysis.data.tables import Dataset
from analysis.engine.headline import WHAT_IF, Headline, Signpost
from analysis.pages import provenance
from analysis.record import timeline
from analysis.record.case import CaseFacts
from analysis.record.outcomes import RELEASE
from analysis.record.summary import source_coverage
from analysis.words import OUTCOME_LABELS

SCENARIO_TABLE = "scenario_table.csv"
# A notebook page whose key (``render_index``'s ``pages``) starts with this is listed unlinked.
NO_LINK = "no-link:"
# The report's figures in the order the index shows them; captions take the question's facts.
WHAT_IF_CAPTION = "What-if (the article's argument), not the headline: "
FIGURE_CAPTIONS = {
    "case_timeline": "The case day by day: events in the lane of their first actor, the time "
    "the group is known to have been held, and the expected-return windows ({article} per the "
    "article, {hrw} per HRW). Numbered markers are keyed in the table below.",
    "context_timeline": "The case in its period: events that raised or lowered pressure on "
    "Beijing and Beijing-Pyongyang tension, by strength; close events of one strength are "
    "merged into one marker with a count.",
    "headline_specifications": "Headline: the central chance of release under each of the "
    "question's specifications, sorted, with its 80% interval; the dashed line is the "
    "headline.",
    "headline_build_up": "Headline: how the number is built from the base rate, one analysis "
    "choice opened at a time (each step is the mean over the specifications opened so far).",
    "scenarios_timing": "Headline: the chance of a return by each day since detention, from "
    "the headline's chance of an eventual return, under each law of the timing multiverse "
    "(the fit to the cases known on {as_of}, when a return was known by then, and laws with "
    "medians of a week, two months and six months); dashed and dotted, the same given the "
    "group was still held on the forecast date and at the last report on record.",
    "backtest_reliability": "How well the forecasts would have done: every formulation (and a "
    "low constant chosen with hindsight), "
    "forecasting in time each past case resolved by {as_of}, against what happened; each bin's "
    "share of releases with its 80% Clopper-Pearson interval, and the cases per bin. The title "
    "says how many cases and releases were scored.",
    "measured_series": "Data, no model: the measured China-DPRK series nobody here coded (UN "
    "General Assembly vote agreement, trade, high-level contacts, Security Council votes), each "
    "as of its day, and the cases by outcome and route.",
    "factors": "The two factor levels the what-if reads, computed from the events, with the "
    "detention and the forecast date.",
    "scenarios_waterfall": WHAT_IF_CAPTION + "from the base rate to the expert-weight "
    "forecast for the case as of {as_of}: how much each factor moves the chance of release.",
    "scenarios_plane": WHAT_IF_CAPTION + "the expert-weight model's chance of release for "
    "every mix of pressure and tension (colour scale fitted to the range the map spans), with "
    "the past cases and the named scenarios; a thick line would mark even odds, drawn only "
    "where the model reaches them.",
    "scenarios_tornado": WHAT_IF_CAPTION + "how far each input of the expert-weight model, "
    "moved across its 80% range, moves its forecast; each bar's ends are labelled in the "
    "input's own unit.",
}
# What each chart shows, for readers who cannot see it (the figures' alt text).
FIGURE_ALT = {
    "case_timeline": "Timeline of the case over {case_span}: one row per actor group with "
    "the case's events as markers, two bars for the expected-return windows, and the "
    "detention period shaded: up to the outcome on record, a line on its day, or where the "
    "outcome is not on record, up to the last status report, the time after it hatched.",
    "context_timeline": "Three stacked panels over {period}, one per factor, with the events "
    "of the period drawn at their strength; the detention was in {detained}.",
    "headline_specifications": "A rising curve of central estimates, one per specification, "
    "inside a shaded band of their intervals, with a dashed line at the headline.",
    "headline_build_up": "Horizontal waterfall bars: the base rate, then each analysis "
    "choice's step up or down, ending at the headline.",
    "factors": "Two lines over {period}: the pressure and tension levels computed from the "
    "events, with the detention ({detained}) and the forecast date marked.",
    "scenarios_waterfall": "What-if waterfall bars: the base rate of release, the push of "
    "pressure and of tension, and the resulting what-if forecast.",
    "scenarios_plane": "What-if: a square map of the chance of release, low pressure and "
    "tension at the bottom left, higher towards the top right, with the past cases and the "
    "named scenarios as markers.",
    "scenarios_tornado": "What-if: horizontal bars, widest on top, showing how far the chance "
    "of release moves as each input goes from the low to the high end of its 80% range.",
    "scenarios_timing": "Rising curves of the chance of a return by each day since detention, "
    "one per timing law, levelling off at the headline's chance of an eventual return, with "
    "vertical lines at the article's and HRW's expected windows.",
    "backtest_reliability": "A reliability diagram: markers for each formulation's bins of "
    "forecasts against the observed share of releases, with tall interval bars, a dashed "
    "diagonal for perfect calibration, and below it bars counting the cases in each bin.",
    "measured_series": "Four stacked lines over 2001 to 2025 (UN vote agreement, ending in "
    "2020; trade; contacts; sanctions votes) above a strip of the cases, one row per route: "
    "the releases sit on the mission-entry row, almost all before 2010.",
}


def _cell(value: object) -> str:
    """One table cell's text: numbers with two decimals, everything else as text."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table_html(frame: pd.DataFrame, raw_html: tuple[str, ...] = ()) -> str:
    """An HTML table of ``frame`` with every cell escaped, except the columns ``raw_html``
    (already built from escaped parts)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{v if column in raw_html else html.escape(_cell(v))}</td>"
            for column, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def figure_caption(stem: str, facts: CaseFacts) -> str:
    """The caption of the report's figure ``stem``, with the question's dates and windows."""
    phrases = dict(zip(facts.windows["window"], facts.windows["phrase"], strict=True))
    as_of = f"{facts.as_of.day} {facts.as_of:%B %Y}"
    return FIGURE_CAPTIONS.get(stem, stem).format(as_of=as_of, **phrases)


def figure_alt(stem: str, events: pd.DataFrame, facts: CaseFacts) -> str:
    """The alt text of the report's figure ``stem``, with the question's own dates and the
    spans its charts are drawn over (``timeline.case_window``, ``case_period`` for the
    context chart, ``factor_period`` for the factor chart)."""
    period = (
        timeline.factor_period(facts) if stem == "factors" else timeline.case_period(events, facts)
    )
    return FIGURE_ALT.get(stem, stem).format(
        case_span=timeline.month_span(*timeline.case_window(facts)),
        period=f"{period[0].year} to {period[1].year}",
        detained=f"{facts.detained:%B %Y}",
    )


def base_rate_text(releases: int, cases: int) -> str:
    """A base rate that reads right: "2 of 17 releases; with a uniform prior, 0.16"."""
    noun = "release" if cases == 1 else "releases"
    return f"{releases} of {cases} {noun}; with a uniform prior, {(releases + 1) / (cases + 2):.2f}"


def source_links(urls: tuple[str, ...], publishers: tuple[str, ...]) -> str:
    """Links to an event's sources, named by publisher; only http and https addresses become
    links (anything else is shown as text), each opening with ``rel="noopener"``."""
    links = []
    for number, url in enumerate(urls):
        name = publishers[number] if number < len(publishers) else url
        if urlsplit(url).scheme in ("http", "https"):
            links.append(
                f'<a href="{html.escape(url)}" rel="noopener noreferrer">{html.escape(name)}</a>'
            )
        else:
            links.append(html.escape(f"{name} ({url})"))
    return "; ".join(links)


def chance_in_words(p: float) -> str:
    """A probability (0-1) as odds a reader can picture: "about 1 in 8", "about 7 in 10"."""
    if p < 0.01:
        return "less than 1 in 100"
    if p > 0.99:
        return "more than 99 in 100"
    if p < 0.5:
        return f"about 1 in {round(1 / p)}"
    return f"about {round(10 * p)} in 10"


# Plain words for a probability (0-1), from the upper bound of its band: the IPCC's calibrated
# language, simplified.
LIKELIHOOD_WORDS = ((0.1, "very unlikely"), (0.33, "unlikely"), (0.66, "about as likely as not"),
                    (0.9, "likely"), (1.01, "very likely"))  # fmt: skip


def likelihood_word(p: float) -> str:
    """The plain word for ``p``: "unlikely" for 0.13, "likely" for 0.8 (LIKELIHOOD_WORDS)."""
    return next(word for bound, word in LIKELIHOOD_WORDS if p < bound)


def _plain_class(reference_class: str) -> str:
    """The reference class without its technical aside in brackets."""
    return reference_class.split(" (", 1)[0]


def quotable_sentence(headline: Headline, label: str) -> str:
    """The one sentence a reporter can quote: the chance in words and numbers, as of when, on
    what evidence. Plain text (the caller escapes it)."""
    release = OUTCOME_LABELS[RELEASE].replace("reached", "reach")
    k, n = headline.base_releases, headline.base_cases
    releases = "none" if k == 0 else f"{k}"
    return (
        f"As of {_day_in_words(headline.as_of)}, the chance that China lets the {label} "
        f"{release} rather than return them to North Korea is {chance_in_words(headline.p_release)}"
        f" ({headline.p_release:.0%}): {likelihood_word(headline.p_release)}. The estimate "
        f"rests on the {n} earlier {_plain_class(headline.reference_class)} whose outcome was "
        f"known by then; {releases} of them ended in release."
    )


def how_sure(headline: Headline) -> str:
    """The "how sure" line, from the width of the 80% interval. Plain text."""
    width = headline.high - headline.low
    sure = "not very" if width > 0.25 else "fairly" if width > 0.1 else "quite"
    cases = "case is" if headline.base_cases == 1 else "cases are"
    return (
        f"How sure: {sure}. The chance could be anywhere from {headline.low:.0%} to "
        f"{headline.high:.0%} (an 80% range): only {headline.base_cases} comparable past "
        f"{cases} on record."
    )


def _signpost_html(signpost: Signpost) -> str:
    shift = ""
    if signpost.shift is not None and signpost.shift == signpost.shift:
        points = round(100 * signpost.shift)
        shift = f" (in the article's model, {points:+d} percentage points)"
    return (
        f"<li>{html.escape(signpost.news)}: {html.escape(signpost.direction)}{shift} "
        f'<span class="basis">({html.escape(signpost.basis)})</span></li>'
    )


def _day_in_words(iso: str) -> str:
    """``2017-04-24`` as "24 April 2017" (any other text is returned as it is)."""
    try:
        day = pd.Timestamp(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def render_bottom_line(headline: Headline, label: str) -> str:
    """The index page's boxed bottom line, in plain words: the quotable sentence, how sure,
    what is on record about the fate and what would change it; the technical detail is one
    click down (``render_method``). Every text is escaped."""
    signposts = "".join(_signpost_html(each) for each in headline.signposts)
    change = f"<p>What would change it:</p><ul>{signposts}</ul>" if signposts else ""
    return f"""<section class="bottom-line" id="bottom-line" aria-labelledby="bottom-line-title">
<h2 id="bottom-line-title">Bottom line</h2>
<p class="headline-number" id="quotable">{html.escape(quotable_sentence(headline, label))}</p>
<p>{html.escape(how_sure(headline))}</p>
<p>{html.escape(headline.outcome_status)}</p>
{change}<p class="basis"><a href="#method">How the number is made: the method</a></p>
</section>"""


def render_method(headline: Headline) -> str:
    """The method section's opening: the forecast with two decimals and its interval, the
    specifications' spread, the base rate, the backtest's verdict and the rule. Escaped."""
    spread = ""
    if headline.n_specifications > 1:
        spread = (
            f" It pools the question's {headline.n_specifications:,} specifications "
            f"(effective number {headline.effective_specifications:.0f}); the weighted 1-99% "
            f"range of their central estimates is {headline.spec_low:.2f} to "
            f"{headline.spec_high:.2f}."
        )
    grid = ""
    if headline.n_grid > headline.n_specifications:
        grid = (
            f'<p class="basis">The whole grid of {headline.n_grid:,} specifications, other '
            "outcome definitions and reference classes included, spans "
            f"{headline.grid_low:.2f} to {headline.grid_high:.2f}: the grid's min-max, not the "
            "answer's range.</p>"
        )
    base = base_rate_text(headline.base_releases, headline.base_cases)
    return f"""<p><strong>As of {html.escape(_day_in_words(headline.as_of))}: a
{headline.p_release:.2f} chance of release</strong>, and so {1 - headline.p_release:.2f} of a
return; 80% interval {headline.low:.2f} to {headline.high:.2f}.{spread}</p>
<p>It rests on {html.escape(headline.reference_class)}: {html.escape(base)}.</p>
<p>{html.escape(headline.weighting_reason)}</p>
<p>Backtest: {html.escape(headline.backtest_verdict)}</p>{grid}
<p class="basis">How the number is chosen: {html.escape(headline.rule)}</p>"""


WHATIF_SCRIPT = """
(function () {
  var grid = JSON.parse(document.getElementById("whatif-data").textContent);
  var names = ["pressure", "tension", "w_pressure", "w_tension"];
  var inputs = names.map(function (name) { return document.getElementById("whatif-" + name); });
  function show() {
    var at = inputs.map(function (input) { return Number(input.value); });
    inputs.forEach(function (input, i) {
      var values = i < 2 ? grid.levels : grid.weights;
      document.getElementById("whatif-" + names[i] + "-value").textContent =
        values[at[i]].toFixed(2);
    });
    var p = grid.percent_release[at[0]][at[1]][at[2]][at[3]] / 100;
    document.getElementById("whatif-probability").textContent = p.toFixed(2);
    document.getElementById("whatif-return").textContent = (1 - p).toFixed(2);
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
})();
"""


def render_whatif(grid: dict[str, object]) -> str:
    """The static what-if: four range sliders reading the precomputed grid; inline data and
    script only, so it works from a file with no server and no network."""
    start = grid["start"]
    sliders = []
    for i, (name, text) in enumerate(
        (
            ("pressure", "pressure on Beijing (0-1)"),
            ("tension", "Beijing-Pyongyang tension (0-1)"),
            ("w_pressure", "weight of pressure (log-odds per unit)"),
            ("w_tension", "weight of tension (log-odds per unit)"),
        )
    ):
        values = grid["levels"] if i < 2 else grid["weights"]
        sliders.append(
            f'<label for="whatif-{name}">{text}: <output id="whatif-{name}-value"></output>'
            f'</label><input type="range" id="whatif-{name}" min="0" max="{len(values) - 1}" '
            f'step="1" value="{start[i]}">'
        )
    data = json.dumps(grid, separators=(",", ":")).replace("</", "<\\/")
    return f"""<section class="whatif" id="whatif">
<h2>What-if (the article's argument): move the inputs</h2>
<p>The article's argument as a model: the expert-weight model's central chance of release
(base rate {grid["base_rate"]:.2f}), precomputed for every combination of these settings on
steps of 0.10, starting at the grid point nearest the case's scenario. It is one specification,
not the bottom line's mixture, so its number can differ from the bottom line's. It works
offline, with no server.</p>
<div class="sliders">{"".join(sliders)}</div>
<p class="whatif-readout">P(release) = <strong id="whatif-probability"></strong>;
P(return) = <span id="whatif-return"></span></p>
<script type="application/json" id="whatif-data">{data}</script>
<script>{WHATIF_SCRIPT}</script>
</section>"""


def data_dates(dataset: Dataset) -> str:
    """How recent the data are, in words: the events' last date and the past cases' last date."""
    events_end = dataset.events["date_latest"].max()
    case_dates = pd.concat([dataset.cases["detained_latest"], dataset.cases["outcome_latest"]])
    cases_end = case_dates.max()
    return (
        f"the events of the case and its context run to {events_end.day} {events_end:%B %Y}; "
        f"the table of past cases runs to {cases_end.day} {cases_end:%B %Y}."
    )


def page_banner(dataset: Dataset, facts: CaseFacts) -> str:
    """Every page's provenance banner: the question, the forecast date and the data's dates."""
    return provenance.banner_html(
        str(facts.question["question"]),
        f"{facts.as_of.day} {facts.as_of:%B %Y}",
        data_dates(dataset),
    )


def _event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The case's events for the index page: when, what, and links to their sources."""
    from analysis.record.summary import date_label

    case = events[events["scope"] == "case"].sort_values(["date", "date_latest", "event_id"])
    return pd.DataFrame(
        {
            "when": [date_label(row) for _, row in case.iterrows()],
            "event": case["title"].astype(str).to_numpy(),
            "what happened": case["description"].astype(str).to_numpy(),
            "sources": [
                source_links(tuple(urls), tuple(names))
                for urls, names in zip(case["source_urls"], case["source_publishers"], strict=True)
            ],
        }
    )


def scenario_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The scenario table for a reader: labels, not ids; two decimals; the base rate in words."""
    return pd.DataFrame(
        {
            "model": [WHAT_IF] * len(table),
            "scenario": table["label"].astype(str).to_numpy(),
            "description": table["description"].astype(str).to_numpy(),
            "base rate": [
                base_rate_text(int(k), int(n))
                for k, n in zip(table["releases_counted"], table["cases_counted"], strict=True)
            ],
            "pressure": table["pressure"].astype(float).to_numpy(),
            "tension": table["tension"].astype(float).to_numpy(),
            "P(release)": table["p_release"].astype(float).to_numpy(),
            "80% interval of P(release)": [
                f"{low:.2f} to {high:.2f}"
                for low, high in zip(table["interval_low"], table["interval_high"], strict=True)
            ],
        }
    )


def _figure_html(
    path: Path, events: pd.DataFrame, facts: CaseFacts, marker_key: pd.DataFrame
) -> str:
    stem = path.stem
    key = ""
    if stem == "case_timeline" and len(marker_key):
        key = (
            '<details open class="marker-key"><summary>Key to the numbered markers</summary>'
            f"{_table_html(marker_key)}</details>"
        )
    return (
        f'<figure id="figure-{html.escape(stem)}"><img src="figures/{html.escape(path.name)}" '
        f'alt="{html.escape(figure_alt(stem, events, facts))}">'
        f"<figcaption>{html.escape(figure_caption(stem, facts))}</figcaption>{key}</figure>"
    )


# The figures a reader can use, on the front page; the technical ones in the method section.
FRONT_FIGURES = ("case_timeline", "scenarios_timing", "factors", "context_timeline")
METHOD_FIGURES = ("headline_build_up", "headline_specifications", "backtest_reliability",
                  "scenarios_waterfall", "scenarios_plane", "scenarios_tornado")  # fmt: skip

INDEX_CSS = (
    """
body { font-family: sans-serif; max-width: 70rem; margin: 0 auto 2rem; padding: 0 1rem;
       line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
figure { margin: 1.5rem 0; }
img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9rem; }
.bottom-line { border: 2px solid #0072B2; border-radius: 4px; padding: 0.5rem 1.2rem;
               background: #f4f9fd; margin: 1.5rem 0; }
.bottom-line h2 { margin-top: 0.5rem; }
.headline-number { font-size: 1.25rem; }
.basis { color: #555; font-size: 0.9rem; }
.method { border-top: 2px solid #0072B2; margin-top: 2.5rem; }
.whatif { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 1.2rem; }
.sliders { display: grid; grid-template-columns: max-content 16rem; gap: 0.4rem 1rem;
           align-items: center; }
.whatif-readout { font-size: 1.15rem; }
"""
    + provenance.PROVENANCE_CSS
)


def _question_links_html(links: dict[str, str]) -> str:
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(folder)}/index.html">{html.escape(name)}</a></li>'
        for folder, name in links.items()
    )
    return f"<h2>Other questions' reports</h2><ul>{items}</ul>"


def _track_record_html(page: str | None) -> str:
    if not page:
        return ""
    return (
        f'<p><a href="{html.escape(page)}">Track record: every question of the gallery, '
        "its forecast, outcome and score</a></p>"
    )


def render_index(
    dataset: Dataset,
    facts: CaseFacts,
    scenario_table: pd.DataFrame,
    figures: list[Path],
    pages: dict[str, str],
    headline: Headline,
    whatif: dict[str, object],
    marker_key: pd.DataFrame,
    footer: str,
    question_links: dict[str, str] | None = None,
    track_record: str | None = None,
) -> str:
    """The report's front page: the provenance banner, the bottom line in plain words, the
    question once, the charts a reader can use, the events, and the method one click down;
    ``pages`` maps each notebook page's link (relative to the page; NO_LINK + a name for a page
    listed without a link) to its title; ``footer`` (``provenance.footer_html``) closes it;
    ``question_links`` maps a folder (relative to the page) to the name of another question's
    report, or ".." to the main report, each a link; ``track_record`` names the track
    record's page to link (the main report's), or None. Every text from the data is escaped."""
    shown = {p.stem: p for p in figures if p.suffix == ".svg" and p.parent.name == "figures"}

    def figures_html(stems: tuple[str, ...]) -> str:
        return "".join(
            _figure_html(shown[s], dataset.events, facts, marker_key) for s in stems if s in shown
        )

    title = html.escape(str(facts.question["title"]))
    page_links = "".join(
        f"<li>{html.escape(name)}</li>"
        if link.startswith(NO_LINK)
        else f'<li><a href="{html.escape(link)}">{html.escape(name)}</a></li>'
        for link, name in pages.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{INDEX_CSS}</style>
</head>
<body>
{page_banner(dataset, facts)}
<h1>{title}</h1>
{render_bottom_line(headline, facts.label)}
<h2>The question</h2>
<p>{html.escape(str(facts.question["summary"]))}</p>
<p>Resolution: {html.escape(str(facts.question["resolution"]))}</p>

<h2>Key charts</h2>
<p>Each caption says which model a chart comes from: "Headline" charts are the bottom line's,
"What-if (the article's argument)" charts are the expert-weight model's; the rest are data.</p>
{figures_html(FRONT_FIGURES)}

<h2>The case, event by event</h2>
{_table_html(_event_table(facts.events), raw_html=("sources",))}

{_question_links_html(question_links or {})}{_track_record_html(track_record)}
<h2>Notebooks</h2>
<ol>{page_links}</ol>
<p>The notebooks' sliders need a running Jupyter kernel (<code>make lab</code>); on these pages
use the <a href="#whatif">what-if in the method section</a>, which works offline.</p>

<section class="method" id="method" aria-labelledby="method-title">
<h2 id="method-title">Method: how the number is made</h2>
{render_method(headline)}
{figures_html(METHOD_FIGURES[:3])}

<h3>Scenarios, what-if (the article's argument): the chance of release under the expert
weights</h3>
{_table_html(scenario_table)}
<p>Every row of this table is the what-if (the article's argument), not the headline: the
expert-weight model at the central value of every input; the interval runs from the 10th
to the 90th percentile of the Monte Carlo draws. The base rate counts the releases among past
detentions with a one-way outcome known by the scenario's date; with a uniform prior it is
(releases + 1) / (cases + 2). The full table, with the median of the draws, is in
<a href="{SCENARIO_TABLE}">{SCENARIO_TABLE}</a>.</p>

{render_whatif(whatif)}
{figures_html(METHOD_FIGURES[3:])}
</section>

<h2>Where the data come from</h2>
{_table_html(source_coverage(dataset))}
<p>Every row of the sourced tables cites at least one public page; the columns are documented
in <code>data/codebook.csv</code>. Rows were written in the project's own words.</p>
{footer}
</body>
</html>
"""
