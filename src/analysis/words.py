"""Every code a reader may meet, in words: one map for tables, sentences and charts alike.

The factors, outcomes, case columns and the multiverse's axes and values have their own maps;
``label`` reads any code through them (``CODE_LABELS``) and writes any other ``snake_case``
code with spaces. Numbers modules and charts share it, so a code reads the same everywhere.
"""

from __future__ import annotations

import re

# The events' factors in words (legends, panel labels).
FACTOR_LABELS = {
    "pressure": "pressure on Beijing",
    "tension": "Beijing-Pyongyang tension",
    "neither": "neither factor",
}
# The cases' outcomes in words (legends); a code missing here is shown with spaces.
OUTCOME_LABELS = {
    "returned": "returned to North Korea",
    "released": "released",
    "reached_south_or_third_country": "reached South Korea or a third country",
    "freed_in_china": "freed in China",
    "left_legally": "left China legally",
    "mixed": "mixed outcome",
    "died_in_custody": "died in custody",
    "unknown": "outcome unknown",
}
# The cases' coded columns in words (the subgroup chart's row labels).
CASE_COLUMN_LABELS = {
    "onset": "onset",
    "campaign": "campaign",
    "pressure_level": "pressure",
    "tension_level": "tension",
    "period": "period",
}
# The multiverse's analysis choices (``multiverse.CHOICES``) and their values in words.
CHOICE_LABELS = {
    "reference_class": "reference class",
    "shenyang_six": "2006 Shenyang six",
    "kim_visit_2018": "2018 Kim-visit arrests",
    "outcome": "outcome definition",
    "prior": "prior",
    "formulation": "formulation",
    "pressure": "pressure construct",
    "factor_rule": "factor rule",
    "coder": "coder",
}
CHOICE_VALUE_LABELS = {
    "china_decided": "decided by China",
    "plus_missions": "plus foreign missions",
    "plus_third_country": "plus third countries",
    "without_covid": "without the COVID years",
    "mission_attempt": "a mission attempt",
    "detention": "a detention",
    "in": "in",
    "out": "out",
    "strict": "strict",
    "any_non_return": "any non-return as release",
    "uniform": "uniform",
    "jeffreys": "Jeffreys",
    "base_only": "base rate only",
    "expert": "expert weights",
    "expert_centred": "expert weights, centred",
    "ridge": "ridge fit",
    "pooled": "pooled fit",
    "case_coded": "as coded per case",
    "event_detainees": "events over the detainees",
    "codebook": "codebook rule",
    "half_life_30": "half-life 30 days",
    "half_life_120": "half-life 120 days",
    "half_scale_3": "half-scale 3",
    "half_scale_12": "half-scale 12",
    "first": "first coder",
    "second": "second coder",
}
# Every code a reader may meet, in words: one map for tables and charts alike. Only the
# ``snake_case`` codes: a single word ("unknown", "detention") means other things in other columns.
CODE_LABELS = {
    code: words
    for code, words in {**CHOICE_VALUE_LABELS, **CHOICE_LABELS, **OUTCOME_LABELS}.items()
    if "_" in code
}
SNAKE_CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


def label(code: object) -> str:
    """A code in words (CODE_LABELS); any other ``snake_case`` code with spaces for its
    underscores; anything else as text."""
    text = str(code)
    return CODE_LABELS.get(text, text.replace("_", " ") if SNAKE_CODE.fullmatch(text) else text)
