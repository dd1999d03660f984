"""Covariates as of the forecast day: each case's sources dated before its decision, and the
blind coding packet a coder gets from them.

The forecast day of a case is the day before its decision: the day before its outcome window
opens, or, where no decision is on record, the last day of the month after its detention (the
codebook's rule for ``second_coding.pressure_level``). A source is kept when the last day its
publication date allows (``data/source_dates.csv``: a day, the month's or the year's last day)
is on or before the forecast day; a source of unknown date is left out, since it may be later.
A packet holds the codebook's coding rules, a neutral id, the detention date and the kept
sources only: no outcome, no outcome or decision date, no title, no earlier coding.

The as-of tables (``source_dates.csv``, ``second_coding_asof.csv``) are checked here with the
project's one-line errors. Numbers and text only: nothing here writes a file.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from analysis.data.schema import SECOND_CODING_ASOF

# Where no decision is on record, the sources count up to a month after the detention.
NO_DECISION_WINDOW = pd.DateOffset(months=1)
# Status of a (case, source) pair: kept for the packet, or why it is left out.
KEPT, AFTER, UNDATED, NO_DAY = "kept", "on_or_after_decision", "undated", "no_forecast_day"
STATUSES = (KEPT, AFTER, UNDATED, NO_DAY)
# The codebook rows a coder needs, (table, column): the first coding's rules. Its rule for
# tension at the decision counts from the outcome's date, which a packet withholds, so that one
# is TENSION_AS_OF_RULE instead.
RULE_ROWS = (
    ("cases", "onset"),
    ("cases", "pressure_level"),
    ("cases", "tension_level"),
)
# A case_id quoted in a rule (the onset rule names its one battlefield capture) is cut: a
# packet names no case.
QUOTED_CASE_ID = re.compile(r" \(\d{4}_[a-z0-9_]+\)")
# The first coding's rules, applied to what was public on the forecast day. The decision date
# is withheld, so the six months of tension_decision_level are counted back from the latest
# source in the packet, the last day the coder can see.
AS_OF_RULE = (
    "As of the forecast day: the sources listed are those published on or before it; the day "
    "itself is withheld and falls after every one of them. Code pressure_level from what these "
    "sources show was public by then, and nothing later."
)
TENSION_AS_OF_RULE = (
    "Beijing-Pyongyang tension in the six months before the decision, by the levels and rule "
    "of tension_level. The decision's date is withheld: count the six months back from the "
    "latest listed source's date. Code it for every packet (it is left empty afterwards where "
    "no decision is on record)."
)
# What the coder is asked to return, one CSV row per packet.
CODER_COLUMNS = (
    "packet_id",
    "onset",
    "pressure_level",
    "pressure_rationale",
    "tension_level",
    "tension_decision_level",
    "tension_rationale",
    "sources_used",
)


def source_latest_day(dates: pd.DataFrame) -> pd.Series:
    """The last day each source's publication date allows (NaT when unknown), by url."""
    start = pd.to_datetime(dates["published_date"])
    precision = dates["date_precision"].astype(str)
    latest = start.mask(precision == "month", start + pd.offsets.MonthEnd(0))
    latest = latest.mask(precision == "year", start + pd.offsets.YearEnd(0))
    latest = latest.mask(precision == "unknown")
    return pd.Series(latest.to_numpy(), index=dates["url"].to_numpy())


def forecast_days(cases: pd.DataFrame) -> pd.Series:
    """Each case's forecast day (the last day a kept source may carry), by case_id: the day
    before the outcome window opens, else the detention window's last day plus one month;
    NaT when neither the outcome nor the detention is dated."""
    decided = cases["outcome_precision"].astype(str) != "unknown"
    before_decision = pd.to_datetime(cases["outcome_date"]) - pd.Timedelta(days=1)
    month_after = pd.to_datetime(cases["detained_latest"]) + NO_DECISION_WINDOW
    days = before_decision.where(decided, month_after)
    return pd.Series(days.to_numpy(), index=cases["case_id"].to_numpy())


def case_sources(cases: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """One row per (case_id, url): the first coding's source_urls, then the second coder's
    sources_used not already among them, in that order."""
    used = dict(zip(second["case_id"], second["sources_used"], strict=True))
    rows = []
    for case_id, urls in zip(cases["case_id"], cases["source_urls"], strict=True):
        for url in dict.fromkeys((*urls, *used.get(case_id, ()))):
            rows.append((case_id, url))
    return pd.DataFrame(rows, columns=["case_id", "url"])


def filter_sources(
    cases: pd.DataFrame, second: pd.DataFrame, source_dates: pd.DataFrame
) -> pd.DataFrame:
    """Every (case, source) pair with its status: kept (dated on or before the forecast day),
    on_or_after_decision (its date may fall after: an imprecise date straddling the day is
    left out), undated, or no_forecast_day (the case has none). Columns: case_id, url,
    published_date, date_precision, latest_day, forecast_day, status."""
    pairs = case_sources(cases, second)
    dated = source_dates.set_index("url")
    latest = source_latest_day(source_dates)
    pairs["published_date"] = pairs["url"].map(dated["published_date"])
    pairs["date_precision"] = pairs["url"].map(dated["date_precision"].astype(str))
    pairs["latest_day"] = pairs["url"].map(latest)
    pairs["forecast_day"] = pairs["case_id"].map(forecast_days(cases))
    pairs["status"] = np.select(
        [
            pairs["forecast_day"].isna(),
            pairs["latest_day"].isna(),
            pairs["latest_day"] <= pairs["forecast_day"],
        ],
        [NO_DAY, UNDATED, KEPT],
        default=AFTER,
    )
    return pairs


def filter_summary(filtered: pd.DataFrame) -> pd.DataFrame:
    """One row per case: how many of its sources each status holds, and whether it gets a
    packet (at least one kept source)."""
    counts = pd.crosstab(filtered["case_id"], filtered["status"]).reindex(
        columns=list(STATUSES), fill_value=0
    )
    counts = counts.reindex(list(dict.fromkeys(filtered["case_id"])))
    counts["packet"] = counts[KEPT] > 0
    return counts.rename_axis(columns=None).reset_index()


def describe_filter(filtered: pd.DataFrame, source_dates: pd.DataFrame) -> str:
    """The filter in one sentence: distinct sources dated and undated, pairs kept and left
    out (by reason), and the cases that get a packet."""
    used = source_dates[source_dates["url"].isin(filtered["url"])]
    undated = int((used["date_precision"].astype(str) == "unknown").sum())
    status = filtered["status"].value_counts()
    summary = filter_summary(filtered)
    return (
        f"{len(used)} distinct sources: {len(used) - undated} dated, {undated} of unknown date. "
        f"Of {len(filtered)} case-source pairs, {status.get(KEPT, 0)} are dated on or before "
        f"the forecast day and kept; left out: {status.get(AFTER, 0)} that may be later, "
        f"{status.get(UNDATED, 0)} of unknown date, {status.get(NO_DAY, 0)} of cases with no "
        f"forecast day. {int(summary['packet'].sum())} of {len(summary)} cases keep at least "
        "one source and get a packet."
    )


def neutral_id(case_id: str) -> str:
    """A packet's id: P and 8 hex digits of the case_id's SHA-256, so a coder sees neither
    the year nor the place of the id, and the coding maps back without a key file."""
    return "P" + hashlib.sha256(case_id.encode("utf-8")).hexdigest()[:8]


def coding_rules(codebook: pd.DataFrame) -> str:
    """The RULE_ROWS' meanings from the codebook, one paragraph each, and the as-of rules."""
    rows = codebook.assign(table=codebook["table"].astype(str)).set_index(["table", "column"])
    lines = [
        f"{column}: {QUOTED_CASE_ID.sub('', rows.loc[(table, column), 'meaning'])}"
        for table, column in RULE_ROWS
    ]
    return "\n\n".join(
        [*lines, f"As of: {AS_OF_RULE}", f"tension_decision_level: {TENSION_AS_OF_RULE}"]
    )


def _day(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def coding_packet(case: pd.Series, kept: pd.DataFrame, rules: str) -> str:
    """The packet of one case (a row of cases): its neutral id, detention date and precision,
    the rules and its kept sources (rows of filter_sources) with their dates; nothing else."""
    detained = _day(case["detained_date"]) or "not on record"
    end = _day(case["detained_date_end"])
    window = f" to {end}" if end else ""
    sources = [
        f"- {row.url} (published {_day(row.published_date)}, precision {row.date_precision})"
        for row in kept.itertuples()
    ]
    return "\n".join(
        [
            f"Coding packet {neutral_id(case['case_id'])}",
            f"Detention: {detained}{window} (precision {case['detained_precision']})",
            "",
            "Code onset, pressure_level, tension_level and tension_decision_level by these rules:",
            "",
            rules,
            "",
            f"Sources ({len(sources)}):",
            *sources,
            "",
        ]
    )


def coding_packets(
    cases: pd.DataFrame, filtered: pd.DataFrame, codebook: pd.DataFrame
) -> dict[str, str]:
    """Packet text by neutral id, for every case that keeps at least one source."""
    rules = coding_rules(codebook)
    kept = filtered[filtered["status"] == KEPT]
    return {
        neutral_id(case["case_id"]): coding_packet(case, group, rules)
        for _, case in cases.iterrows()
        if not (group := kept[kept["case_id"] == case["case_id"]]).empty
    }


def coder_instructions() -> str:
    """What the blind coder reads beside the packets: what to read, what never, what to return."""
    return "\n".join(
        [
            "Each file P*.txt is one case: its coding rules, its detention date and its sources.",
            "Read each listed source (look the page up by its address with the search tool) and",
            "code the case by the rules in its packet. Read only the listed sources: do not look",
            "for the case's outcome, for later reports of it, or for any other coding of it.",
            "Return one CSV row per packet with the columns:",
            ",".join(CODER_COLUMNS),
            "onset, pressure_level (0-2), tension_level (0-2) and tension_decision_level (0-2) by",
            "the rules; a one-line rationale each for pressure and for tension; sources_used: the",
            "listed URLs you relied on, separated by ; (at least one).",
            "",
        ]
    )


def asof_coding(coded: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The coder's rows (CODER_COLUMNS, one per packet) as second_coding_asof rows, in the
    order of ``cases``: packet ids mapped back to case_ids, tension_decision_level emptied
    where no decision is on record (as the codebook has it)."""
    case_of = {neutral_id(case_id): case_id for case_id in cases["case_id"]}
    unknown = sorted(set(coded["packet_id"]) - set(case_of))
    if unknown:
        raise ValueError(f"packet ids of no case (got {unknown[:3]}, expected ids of packets)")
    frame = coded.assign(case_id=coded["packet_id"].map(case_of))
    undecided = set(cases.loc[cases["outcome_precision"].astype(str) == "unknown", "case_id"])
    frame["tension_decision_level"] = (
        frame["tension_decision_level"].astype(str).where(~frame["case_id"].isin(undecided), "")
    )
    order = {case_id: index for index, case_id in enumerate(cases["case_id"])}
    frame = frame.sort_values("case_id", key=lambda ids: ids.map(order))
    return frame[list(SECOND_CODING_ASOF.column_names)].reset_index(drop=True)
