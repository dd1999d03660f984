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
# Which pressure a pressure event is: over detained North Koreans, or on Beijing over North Korea.
PRESSURE_KINDS = ("detainees", "general")
DIRECTIONS = ("up", "down", "none")
EVENT_TYPES = (
    "detention", "appeal", "statement", "status_report", "weapons_test", "sanction",
    "trade_measure", "summit", "phone_call", "visit", "public_pressure", "deployment",
    "leadership_change", "killing", "agreement", "repatriation", "release", "other",
)  # fmt: skip
CAMEO_CODES = (
    "010", "012", "020", "0253", "030", "036", "040", "041", "042", "043", "046", "057",
    "080", "084", "0841", "100", "111", "112", "120", "130", "138", "141", "150", "160", "163",
    "173", "174", "186",
)  # fmt: skip
ACTOR_TYPES = ("person", "organisation", "government_body", "state", "group", "agreement")
STANCES = ("return", "release", "none_on_record")
ONSETS = (
    "police_check", "raid", "foreign_mission_entry", "legal_exit",
    "third_country_handover", "border_arrest", "battlefield_capture", "unknown",
)  # fmt: skip
# The question's two outcomes are reached_south_or_third_country and returned; the others are
# kept apart so that no count silently merges a release inside China with a way out.
OUTCOMES = (
    "returned", "reached_south_or_third_country", "freed_in_china", "left_legally",
    "died_in_custody", "mixed", "unknown",
)  # fmt: skip
# Whose decision a case's outcome was: the state that held the people when it was decided. A third
# country is named (those on record so far; other_country for the rest), also when it sends people
# on through China under its own arrangement (China only lets them transit).
DECIDERS = (
    "china", "laos", "vietnam", "thailand", "russia", "mongolia", "other_country", "unknown",
)  # fmt: skip
# The deciders other than China that a case can name (the class rule's third countries).
THIRD_COUNTRIES = tuple(d for d in DECIDERS if d not in ("china", "unknown"))
BOOLEANS = ("true", "false")
CLASS_ROUTES = ("arrest", "mission", "any")  # analysis.record.classes.on_route
# A question's status, and the status column of the frozen ledger (data/forecasts.csv).
RESOLUTION_STATUSES = ("open", "resolved_yes", "resolved_no", "annulled")
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
    # id, text, date, category, integer, number, boolean, code, id_list, url_list, text_list,
    # category_list (a list whose items come from `allowed`)
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
        name,
        "id",
        pattern=r"[a-z][a-z0-9_]*",
        expected="lower-case letters, digits and _, starting with a letter",
    )


def _sources() -> tuple[Column, Column]:
    return (
        Column("source_urls", "url_list"),
        Column("source_publishers", "text_list"),
    )


# One kind per source URL, in the same order; the validator pairs it with source_urls.
SOURCE_KINDS_COLUMN = Column("source_kinds", "category_list", allowed=SOURCE_KINDS)

# The same id rule as cases.csv's case_id, for events that belong to a case.
CASE_ID_PATTERN = r"\d{4}_[a-z0-9_]+"
CASE_ID_EXPECTED = "a four-digit year, _ and lower-case words"

EVENT_ID_PATTERN = r"E([0-9]{3}|[1-9][0-9]{3,})"
EVENT_ID_EXPECTED = "E followed by three digits, or more without a leading zero (E001, E1000)"

EVENTS = TableSchema(
    name="events",
    id_column="event_id",
    columns=(
        Column("event_id", "id", pattern=EVENT_ID_PATTERN, expected=EVENT_ID_EXPECTED),
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
        Column("target_ids", "id_list", required=False),
        Column("pressure_kind", "category", required=False, allowed=PRESSURE_KINDS),
        Column(
            "episode", "id", required=False, pattern=EVENT_ID_PATTERN, expected=EVENT_ID_EXPECTED
        ),
        Column("case_id", "id", required=False, pattern=CASE_ID_PATTERN, expected=CASE_ID_EXPECTED),
        Column("in_article", "boolean"),
        Column("location", "text"),
        *_sources(),
        SOURCE_KINDS_COLUMN,
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
        SOURCE_KINDS_COLUMN,
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
        ),
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
        SOURCE_KINDS_COLUMN,
        Column("disagreement", "text", required=False),
        Column(
            "part_of",
            "id",
            required=False,
            pattern=r"\d{4}_[a-z0-9_]+",
            expected="the case_id of another case",
        ),
        Column("decided_by", "category", allowed=DECIDERS),
        # A code (text), not an integer: the loader types integer columns as int64, which has no
        # empty value, and this level is empty for undated outcomes.
        Column("tension_decision_level", "code", required=False, allowed=("0", "1", "2")),
        Column("tension_decision_rationale", "text", required=False),
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
        SOURCE_KINDS_COLUMN,
        # How and when the question resolves, from outside the project's own tables.
        Column("close_date", "date"),
        Column("resolve_by", "date"),
        Column("resolution_source_urls", "url_list"),
        Column("split_group_rule", "text"),
        Column("annulment_rule", "text"),
        Column("resolution_status", "category", allowed=RESOLUTION_STATUSES),
        Column("resolution_note", "text"),
        # Whose decision the question asks about, and the reference class it learns from
        # (analysis.record.classes): the deciders whose cases enter and the route (onset) drawn.
        Column("decided_by", "category", allowed=DECIDERS),
        Column("class_deciders", "category_list", allowed=DECIDERS),
        Column("class_route", "category", allowed=CLASS_ROUTES),
    ),
)

TABLES: tuple[TableSchema, ...] = (ACTORS, EVENTS, CASES, SCENARIOS, WEIGHTS)

# Published aggregate counts (data/counts.csv) and yearly arrivals in South Korea
# (data/arrivals.csv): the evidence that is not selected by news attention, one case at a time.
MEASURES = ("detained", "returned", "still_held", "released", "reached_south_or_third_country")
# How a count's source words its number: exact (low = high), at_least / more_than (a floor,
# high empty), about (a round figure, low = high), range (low < high).
VALUE_QUALIFIERS = ("exact", "at_least", "more_than", "about", "range")
PUBLISHED_PRECISIONS = ("day", "month", "year")
# The Ministry of Unification's yearly series the record covers: every year needs a row.
ARRIVAL_YEARS = range(2001, 2026)


def _graded_sources(required: bool = True) -> tuple[Column, Column, Column]:
    return (
        Column("source_urls", "url_list", required=required),
        Column("source_publishers", "text_list", required=required),
        Column("source_kinds", "category_list", required=required, allowed=SOURCE_KINDS),
    )


COUNTS = TableSchema(
    name="counts",
    id_column="count_id",
    columns=(
        Column(
            "count_id",
            "id",
            pattern=r"\d{4}_[a-z0-9_]+",
            expected="the four-digit year of publication, _ and lower-case words",
        ),
        Column("publisher", "text"),
        Column("published_date", "date"),
        Column("date_precision", "category", allowed=PUBLISHED_PRECISIONS),
        Column("period_start", "date", required=False),
        Column("as_of_date", "date"),
        Column("measure", "category", allowed=MEASURES),
        Column("value_low", "integer", minimum=0),
        Column("value_high", "integer", required=False, minimum=0),
        Column("value_qualifier", "category", allowed=VALUE_QUALIFIERS),
        Column("scope", "text"),
        Column("part_of", "id_list", required=False),
        *_graded_sources(),
        Column("disagreement", "text", required=False),
    ),
)

ARRIVALS = TableSchema(
    name="arrivals",
    id_column="year",
    columns=(
        Column("year", "integer", minimum=ARRIVAL_YEARS[0], maximum=ARRIVAL_YEARS[-1]),
        Column("arrivals", "integer", required=False, minimum=0),
        Column("men", "integer", required=False, minimum=0),
        Column("women", "integer", required=False, minimum=0),
        *_graded_sources(required=False),
        Column("disagreement", "text", required=False),
    ),
)

# The blind second coding of the cases (data/second_coding.csv): a coder who saw only the
# codebook's rules and the sources, never the outcomes or the first coding. cases.csv holds the
# first coding; the model can run on either.
SECOND_CODING = TableSchema(
    name="second_coding",
    id_column="case_id",
    columns=(
        Column("case_id", "id", pattern=r"\d{4}_[a-z0-9_]+", expected="a case_id from cases.csv"),
        Column("onset", "category", allowed=ONSETS),
        Column("pressure_level", "integer", minimum=0, maximum=2),
        Column("pressure_rationale", "text"),
        Column("tension_level", "integer", minimum=0, maximum=2),
        # A code (text), as in cases.csv: empty where no decision is on record.
        Column("tension_decision_level", "code", required=False, allowed=("0", "1", "2")),
        Column("tension_rationale", "text"),
        Column("sources_used", "url_list"),
    ),
)

TABLES = (*TABLES, COUNTS, ARRIVALS, SECOND_CODING, QUESTIONS)

# Measured series nobody in the project coded (data/unga_votes.csv, trade.csv, contacts.csv,
# unsc_votes.csv): the thesis is tested on them as well as on the coded tension and pressure.
UNGA_ISSUES = ("me", "nu", "di", "hr", "co", "ec")
VOTES = ("yes", "no", "abstain")
# The annual trade series the record covers: every year needs a row, an unsourced one empty.
TRADE_YEARS = range(2004, 2026)
CONTACT_LEVELS = ("leader", "foreign_minister")
UNSC_OUTCOMES = ("adopted", "vetoed", "not_adopted")

# The Voeten-Strezhnev-Bailey roll calls, as copied from /work/shared/data (see data/README.md).
UNGA_VOTES = TableSchema(
    name="unga_votes",
    id_column="rcid",
    columns=(
        Column("rcid", "integer", minimum=1),
        Column("session", "integer", minimum=1, maximum=200),
        Column("date", "date"),
        Column("unres", "text", required=False),
        Column("importantvote", "code", required=False, allowed=("0", "1")),
        Column("issues", "category_list", required=False, allowed=UNGA_ISSUES),
        Column("short", "text", required=False),
        Column("china_vote", "category", required=False, allowed=VOTES),
        Column("dprk_vote", "category", required=False, allowed=VOTES),
        Column("rok_vote", "category", required=False, allowed=VOTES),
    ),
)

TRADE = TableSchema(
    name="trade",
    id_column="year",
    columns=(
        Column("year", "integer", minimum=TRADE_YEARS[0], maximum=TRADE_YEARS[-1]),
        Column("total_usd_million", "number", required=False, minimum=0.0, maximum=100000.0),
        Column("reported_by", "text", required=False),
        Column("published_date", "date", required=False),
        Column("published_precision", "category", required=False, allowed=PUBLISHED_PRECISIONS),
        *_graded_sources(required=False),
        Column("note", "text", required=False),
    ),
)

CONTACTS = TableSchema(
    name="contacts",
    id_column="contact_id",
    columns=(
        Column(
            "contact_id", "id", pattern=r"C[0-9]{3}", expected="C followed by three digits (C001)"
        ),
        Column("date", "date"),
        Column("date_precision", "category", allowed=PUBLISHED_PRECISIONS),
        Column("level", "category", allowed=CONTACT_LEVELS),
        Column("location", "text"),
        Column("description", "text"),
        *_graded_sources(),
    ),
)

UNSC_VOTES = TableSchema(
    name="unsc_votes",
    id_column="resolution",
    columns=(
        Column(
            "resolution",
            "id",
            pattern=r"[0-9]{4}|draft_[0-9]{4}_[0-9]{2}",
            expected="a resolution number (1718) or draft_YYYY_MM for a draft not adopted",
        ),
        Column("date", "date"),
        Column("outcome", "category", allowed=UNSC_OUTCOMES),
        Column("china_vote", "category", allowed=VOTES),
        Column("description", "text"),
        *_graded_sources(),
    ),
)

MEASURED_TABLES = (UNGA_VOTES, TRADE, CONTACTS, UNSC_VOTES)
TABLES = (*TABLES, *MEASURED_TABLES)
# The frozen ledger (data/forecasts.csv): one row per published forecast, append-only, checked
# by ``analysis.engine.ledger.check_frozen`` (its hash chain) rather than loaded with the
# tables above.
FORECASTS = TableSchema(
    name="forecasts",
    id_column="forecast_id",
    columns=(
        Column("forecast_id", "id", pattern=r"F\d{3,}", expected="F followed by digits"),
        Column("made_on", "date"),
        Column(
            "question_id",
            "id",
            pattern=r"[a-z0-9][a-z0-9_]*",
            expected="a question_id of questions.csv",
        ),
        Column("probability", "number", minimum=0.0, maximum=1.0),
        Column("interval_low", "number", minimum=0.0, maximum=1.0),
        Column("interval_high", "number", minimum=0.0, maximum=1.0),
        Column("rule", "text"),
        Column("code_commit", "id", pattern=r"[0-9a-f]{40}", expected="a 40-digit git commit"),
        Column("data_sha256", "id", pattern=r"[0-9a-f]{64}", expected="64 hex digits"),
        Column("resolve_by", "date"),
        Column("status", "category", allowed=RESOLUTION_STATUSES),
        Column("resolution_source", "url_list"),
        Column("previous_row_sha256", "id", pattern=r"[0-9a-f]{64}", expected="64 hex digits"),
        Column("row_sha256", "id", pattern=r"[0-9a-f]{64}", expected="64 hex digits"),
    ),
)

# The as-of tables (analysis.record.asof): the publication date of every source URL the cases use
# (data/source_dates.csv), and the coding redone from the sources dated before each decision
# only (data/second_coding_asof.csv, the same columns as second_coding). Checked by validate
# when present, not loaded with TABLES: no model reads them yet.
SOURCE_DATE_PRECISIONS = ("day", "month", "year", "unknown")
SOURCE_DATE_BASES = ("url", "page", "unknown")
SOURCE_DATES = TableSchema(
    name="source_dates",
    id_column="url",
    columns=(
        Column("url", "url_list"),
        Column("published_date", "date", required=False),
        Column("date_precision", "category", allowed=SOURCE_DATE_PRECISIONS),
        Column("date_basis", "category", allowed=SOURCE_DATE_BASES),
        Column("date_note", "text", required=False),
    ),
)
SECOND_CODING_ASOF = TableSchema(
    name="second_coding_asof", id_column="case_id", columns=SECOND_CODING.columns
)
ASOF_TABLES = (SOURCE_DATES, SECOND_CODING_ASOF)

# Every table the codebook documents: the loaded ones, the as-of ones and the frozen ledger.
DOCUMENTED_TABLES = (*TABLES, *ASOF_TABLES, FORECASTS)

# The data dictionary itself (data/codebook.csv): read and checked like every table, since the
# report reads it too. Not one of TABLES: it documents them (and the frozen ledger), and no
# model reads it.
CODEBOOK_TYPES = (
    "boolean", "category", "category list", "code", "date", "id", "id list", "integer",
    "number", "text", "text list", "url list",
)  # fmt: skip
CODEBOOK = TableSchema(
    name="codebook",
    id_column="column",
    columns=(
        Column("table", "category", allowed=tuple(schema.name for schema in DOCUMENTED_TABLES)),
        _slug_id("column"),
        Column("type", "category", allowed=CODEBOOK_TYPES),
        Column("required", "category", allowed=("yes", "no")),
        Column("allowed_values", "text", required=False),
        Column("meaning", "text"),
    ),
)
