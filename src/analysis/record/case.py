"""The case's facts, derived once: which question, day 0, days held, the claims' windows and
the last status.

A question is a row of ``data/questions.csv``: the case it is about (a row of cases.csv), the
forecast date (``as_of``), the two timing claims it tests with their windows (the seed
commentary's "about two weeks" and HRW's "two months") and how it resolves. Nothing about a
case is dated in code. Every other module takes a ``CaseFacts`` rather than deriving these
again:

* day 0 (``detained``) is the middle of the case's dated detention window (``detained_mid`` in
  cases.csv); every "days since detention" counts from it;
* ``days_held`` runs from day 0 to the forecast date;
* the last status is the latest case event of event_type ``status_report`` (else the latest
  case event; with no case event on record, the forecast date itself);
* the record's as-of date is the latest ``date_latest`` in the events table, never the clock.

Numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.tables import Dataset
from analysis.defaults import DEFAULT_CASE
from analysis.record.classes import ClassRule, question_rule
from analysis.text import excerpt
from analysis.words import OUTCOME_LABELS

# The two claims a question tests, by the prefix of their columns in questions.csv.
WINDOW_KEYS = ("article", "hrw")
WINDOW_SOURCES = {"article": "article", "hrw": "HRW"}


class UnknownCaseError(ValueError):
    """No question for the case asked, or a question naming a case or scenario not on file."""


def question_row(questions: pd.DataFrame, case: str = DEFAULT_CASE) -> pd.Series:
    """The question whose question_id (else whose case_id) is ``case``; ValueError if none."""
    for column in ("question_id", "case_id"):
        rows = questions[questions[column].astype(str) == case]
        if not rows.empty:
            return rows.iloc[0]
    known = ", ".join(questions["question_id"].astype(str))
    raise UnknownCaseError(
        f"no question for case {excerpt(case)} in questions.csv (expected one of {known})"
    )


def case_events(events: pd.DataFrame, case_id: str, focal_case_id: str) -> pd.DataFrame:
    """The case-scope events of one case: by ``case_id`` when events.csv has that column; in a
    table without it every case-scope event belongs to ``focal_case_id`` (the case of the first
    question, whose story the table tells)."""
    case = events[events["scope"].astype(str) == "case"]
    if "case_id" in events.columns:
        return case[case["case_id"].astype(str) == case_id]
    return case if case_id == focal_case_id else case.iloc[0:0]


def last_status_event(events: pd.DataFrame) -> pd.Series | None:
    """The latest of ``events`` of event_type ``status_report``, else the latest; None if empty."""
    if events.empty:
        return None
    reports = events[events["event_type"] == "status_report"]
    pool = reports if not reports.empty else events
    return pool.sort_values(["date_latest", "event_id"]).iloc[-1]


@dataclass(frozen=True)
class CaseFacts:
    """One question's case, its dates and its claims, each derived here once.

    ``detained`` is day 0; ``as_of`` the forecast date; ``days_held`` whole days between them;
    ``last_status`` the last day the record says where the group is; ``record_as_of`` the
    latest date in the events table. ``windows`` has one row per claim: window (article, hrw),
    source, label, phrase, claim, start (day 0), end, days_since_detention, max_days (the
    longest delay that still agrees with the claim's wording). ``rule`` is the question's
    reference class by its written rule (``classes.question_rule``).
    """

    question: pd.Series
    case: pd.Series
    events: pd.DataFrame
    detained: pd.Timestamp
    as_of: pd.Timestamp
    days_held: int
    last_status: pd.Timestamp
    last_status_event: pd.Series | None
    record_as_of: pd.Timestamp
    windows: pd.DataFrame
    rule: ClassRule

    @property
    def case_id(self) -> str:
        """The case's id in cases.csv."""
        return str(self.case["case_id"])

    @property
    def label(self) -> str:
        """The group's short name, such as Shenyang eight."""
        return str(self.question["case_label"])

    @property
    def outcome_day(self) -> pd.Timestamp | None:
        """The first day of the case's outcome in cases.csv, or None where the record has no
        outcome for it (then what follows the last status report is unknown)."""
        day = self.case["outcome_date"]
        if str(self.case["outcome"]) == "unknown" or pd.isna(day):
            return None
        return pd.Timestamp(day)

    @property
    def held_until(self) -> pd.Timestamp:
        """The detention's last day as the charts shade it: the outcome's day on record, or
        without one the last status report."""
        return self.last_status if self.outcome_day is None else self.outcome_day

    @property
    def outcome_note(self) -> str:
        """The outcome on record in words, dated as precisely as cases.csv dates it (such as
        ``returned to North Korea, 28 May 2013``), or ``outcome not on record``."""
        day = self.outcome_day
        if day is None:
            return "outcome not on record"
        precision = str(self.case["outcome_precision"])
        when = {"month": f"{day:%b %Y}", "year": f"{day:%Y}"}.get(
            precision, f"{day.day} {day:%b %Y}"
        )
        if precision == "approximate":
            when = f"about {when}"
        return f"{OUTCOME_LABELS[str(self.case['outcome'])]}, {when}"

    @property
    def scenario_id(self) -> str:
        """The scenario that is this question's forecast: the one it names, else its own id."""
        named = self.question["scenario_id"]
        return str(named) if isinstance(named, str) and named else str(self.question["question_id"])

    @property
    def timing_claims(self) -> list[tuple[str, str, int]]:
        """(claim, source, limit in days) for ``history.claims_table``."""
        return [(w.claim, w.source, int(w.max_days)) for w in self.windows.itertuples()]

    @property
    def benchmarks(self) -> list[tuple[str, int]]:
        """(label, limit in days) for ``delays.delay_summary``: the claims, then days held."""
        rows = []
        for w in self.windows.itertuples():
            extra = f" (up to {w.max_days} days)" if w.max_days != w.days_since_detention else ""
            rows.append((f"{w.source}: {w.phrase}{extra}", int(w.max_days)))
        held = f"{self.label}: held so far at {self.question['as_of_label']}"
        return [*rows, (held, self.days_held)]


def _windows(question: pd.Series, detained: pd.Timestamp) -> pd.DataFrame:
    rows = []
    for key in WINDOW_KEYS:
        days = int(question[f"{key}_window_days"])
        most = question.get(f"{key}_window_max_days", days)
        rows.append(
            {
                "window": key,
                "source": WINDOW_SOURCES[key],
                "label": str(question[f"{key}_window_label"]),
                "phrase": str(question[f"{key}_window_phrase"]),
                "claim": str(question[f"{key}_claim"]),
                "start": detained,
                "end": detained + pd.Timedelta(days=days),
                "days_since_detention": days,
                "max_days": int(most) if pd.notna(most) else days,
            }
        )
    return pd.DataFrame(rows)


def case_facts(dataset: Dataset, case: str = DEFAULT_CASE) -> CaseFacts:
    """The facts of the question ``case`` (a question_id or case_id of questions.csv).

    Raises UnknownCaseError (a ValueError) when there is no such question, or when it names a
    case or scenario the other tables lack (validate refuses such a question; this guards a
    Dataset built some other way).
    """
    question = question_row(dataset.questions, case)
    rows = dataset.cases[dataset.cases["case_id"].astype(str) == str(question["case_id"])]
    if rows.empty:
        raise UnknownCaseError(
            f"question {question['question_id']!r} names case {question['case_id']!r}, "
            "which is not in cases.csv (expected one of its case_ids)"
        )
    named = question["scenario_id"]
    if named and named not in set(dataset.scenarios["scenario_id"].astype(str)):
        raise UnknownCaseError(
            f"question {question['question_id']!r} names scenario {named!r}, which is not in "
            "scenarios.csv (expected one of its scenario_ids, or empty)"
        )
    row = rows.iloc[0]
    detained = pd.Timestamp(row["detained_mid"]).normalize()
    as_of = pd.Timestamp(question["as_of"])
    focal = str(dataset.questions["case_id"].iloc[0])
    events = case_events(dataset.events, str(row["case_id"]), focal)
    last = last_status_event(events)
    return CaseFacts(
        question=question,
        case=row,
        events=events,
        detained=detained,
        as_of=as_of,
        days_held=int((as_of - detained).days),
        last_status=pd.Timestamp(last["date_latest"]) if last is not None else as_of,
        last_status_event=last,
        record_as_of=dataset.events["date_latest"].max(),
        windows=_windows(question, detained),
        rule=question_rule(question),
    )


def forecast_day(cases: pd.DataFrame) -> pd.Series:
    """The day each past case would have been forecast (its day 0): the first day of its
    detention (``detained_date``), or for a case without one, the first day of its outcome."""
    return cases["detained_date"].fillna(cases["outcome_date"])
