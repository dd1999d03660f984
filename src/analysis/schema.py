"""Declarations of the data tables: columns, kinds and allowed values.

`data/codebook.csv` documents the same columns for readers; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DATE_PRECISIONS = ("day", "month", "year", "approximate", "range")
# Historical cases may have no date at all; events always have one.
CASE_DATE_PRECISIONS = (*DATE_PRECISIONS, "unknown")
# Precisions whose window is given explicitly by a date_end column.
WINDOW_PRECISIONS = ("approximate", "range")

FACTORS = ("pressure", "tension", "neither")
DIRECTIONS = ("up", "down", "none")
EVENT_TYPES = (
    "detention", "appeal", "statement", "status_report", "weapons_test", "sanction",
    "trade_measure", "summit", "phone_call", "visit", "public_pressure", "deployment",
    "leadership_change", "killing", "agreement", "repatriation", "release", "other",
)  # fmt: skip
CAMEO_CODES = (
    "010", "012", "020", "0253", "030", "036", "040", "041", "042", "043", "046", "057",
    "080", "084", "0841", "100", "111", "112", "120", "130", "138", "150", "160", "163",
    "173", "174", "186",
)  # fmt: skip
ACTOR_TYPES = ("person", "organisation", "government_body", "state", "group", "agreement")
STANCES = ("return", "release", "none_on_record")
ONSETS = (
    "police_check", "raid", "foreign_mission_entry", "legal_exit",
    "third_country_handover", "border_arrest", "unknown",
)  # fmt: skip
OUTCOMES = ("returned", "released", "mixed", "unknown")
BOOLEANS = ("true", "false")
# The kind of each source URL, parallel to source_urls: how much a row can rest on it.
# newspaper includes broadcasters' news sites; blog_or_aggregator includes wikis and forums.
SOURCE_KINDS = (
    "official_document", "wire_agency", "newspaper", "ngo_report", "specialist_outlet",
    "blog_or_aggregator", "state_media",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One CSV column: its kind decides how a cell is parsed and checked."""

    name: str
    # id, text, date, category, integer, number, boolean, code, id_list, url_list, text_list
    kind: str
    required: bool = True
    allowed: tuple[str, ...] = ()
    pattern: str | None = None  # regular expression a whole id must match
    expected: str = ""  # how the error message describes a valid value
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table: its file name, its columns in order and the column holding its ids."""

    name: str
    columns: tuple[Column, ...]
    id_column: str
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return self.columns[self.column_names.index(name)]


def _slug_id(name: str) -> Column:
    return Column(
        name, "id", pattern=r"[a-z][a-z0-9_]*",
        expected="lower-case letters, digits and _, starting with a letter",
    )  # fmt: skip


def _sources() -> tuple[Column, Column]:
    return (
        Column("source_urls", "url_list"),
        Column("source_publishers", "text_list"),
    )


EVENTS = TableSchema(
    name="events",
    id_column="event_id",
    columns=(
        Column("event_id", "id", pattern=r"E\d{3}", expected="E followed by three digits"),
        Column("date", "date"),
        Column("date_end", "date", required=False),
        Column("date_precision", "category", allowed=DATE_PRECISIONS),
        Column("scope", "category", allowed=("case", "context")),
        Column("title", "text", max_length=60),
        Column("description", "text"),
        Column("actor_ids", "id_list"),
        Column("event_type", "category", allowed=EVENT_TYPES),
        Column("cameo_code", "code", required=False, allowed=CAMEO_CODES),
        Column("factor", "category", allowed=FACTORS),
        Column("direction", "category", allowed=DIRECTIONS),
        Column("intensity", "integer", minimum=0, maximum=3),
        Column("in_article", "boolean"),
        Column("location", "text"),
        *_sources(),
        Column("disagreement", "text", required=False),
    ),
)

ACTORS = TableSchema(
    name="actors",
    id_column="actor_id",
    columns=(
        _slug_id("actor_id"),
        Column("name", "text"),
        Column("actor_type", "category", allowed=ACTOR_TYPES),
        Column("country", "id", pattern=r"[A-Z]{3}", expected="ISO 3166-1 alpha-3 code or INT"),
        Column("lane", "text"),
        Column("role", "text"),
        Column("stance", "category", allowed=STANCES),
        *_sources(),
    ),
)

CASES = TableSchema(
    name="cases",
    id_column="case_id",
    columns=(
        Column(
            "case_id",
            "id",
            pattern=r"\d{4}_[a-z0-9_]+",
            expected="a four-digit year, _ and lower-case words",
        ),  # fmt: skip
        Column("title", "text", max_length=60),
        Column("detained_date", "date", required=False),
        Column("detained_date_end", "date", required=False),
        Column("detained_precision", "category", allowed=CASE_DATE_PRECISIONS),
        Column("location", "text"),
        Column("group_size_low", "integer", minimum=1),
        Column("group_size_high", "integer", minimum=1),
        Column("onset", "category", allowed=ONSETS),
        Column("outcome", "category", allowed=OUTCOMES),
        Column("outcome_date", "date", required=False),
        Column("outcome_date_end", "date", required=False),
        Column("outcome_precision", "category", allowed=CASE_DATE_PRECISIONS),
        Column("campaign", "boolean"),
        Column("campaign_by", "text", required=False),
        Column("pressure_level", "integer", minimum=0, maximum=2),
        Column("pressure_rationale", "text"),
        Column("tension_level", "integer", minimum=0, maximum=2),
        Column("tension_rationale", "text"),
        *_sources(),
        Column("disagreement", "text", required=False),
    ),
)

SCENARIOS = TableSchema(
    name="scenarios",
    id_column="scenario_id",
    columns=(
        _slug_id("scenario_id"),
        Column("label", "text", max_length=40),
        Column("description", "text"),
        Column("pressure", "number", required=False, minimum=0.0, maximum=1.0),
        Column("tension", "number", required=False, minimum=0.0, maximum=1.0),
        Column("as_of", "date", required=False),
        Column("rationale", "text"),
    ),
)

WEIGHTS = TableSchema(
    name="weights",
    id_column="parameter",
    columns=(
        Column("parameter", "category", allowed=("w_pressure", "w_tension")),
        Column("mean", "number", minimum=-10.0, maximum=10.0),
        Column("sd", "number", minimum=0.0, maximum=10.0),
        Column("rationale", "text"),
    ),
)

# One row per forecast question: the case it is about and the case's fixed facts, so that
# nothing about a case is dated in code. A question's case must be in cases.csv and its
# scenario (when given) in scenarios.csv.
QUESTIONS = TableSchema(
    name="questions",
    id_column="question_id",
    columns=(
        Column(
            "question_id",
            "id",
            pattern=r"[a-z0-9][a-z0-9_]*",
            expected="lower-case letters, digits and _",
        ),
        Column("case_id", "id", pattern=r"\d{4}_[a-z0-9_]+", expected="a case_id of cases.csv"),
        Column("case_label", "text", max_length=40),
        Column("title", "text", max_length=90),
        Column("question", "text"),
        Column("summary", "text"),
        Column("as_of", "date"),
        Column("as_of_precision", "category", allowed=DATE_PRECISIONS),
        Column("as_of_label", "text", max_length=40),
        Column("as_of_basis", "text"),
        Column(
            "scenario_id",
            "id",
            required=False,
            pattern=r"[a-z][a-z0-9_]*",
            expected="a scenario_id of scenarios.csv, or empty",
        ),
        Column("article_window_label", "text", max_length=60),
        Column("article_window_phrase", "text", max_length=40),
        Column("article_claim", "text", max_length=60),
        Column("article_window_days", "integer", minimum=1, maximum=3650),
        Column("article_window_max_days", "integer", minimum=1, maximum=3650),
        Column("hrw_window_label", "text", max_length=60),
        Column("hrw_window_phrase", "text", max_length=40),
        Column("hrw_claim", "text", max_length=60),
        Column("hrw_window_days", "integer", minimum=1, maximum=3650),
        Column("resolution", "text"),
        *_sources(),
    ),
)

TABLES: tuple[TableSchema, ...] = (ACTORS, EVENTS, CASES, SCENARIOS, WEIGHTS, QUESTIONS)
