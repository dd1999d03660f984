"""The question's two outcomes, mapped once: every count, fit and chart reads them from here.

The question (data/questions.csv): will China return the group to North Korea (``RETURN``) or
let it reach South Korea or a third country (``RELEASE``)? Every other outcome of cases.csv
(freed in China, left legally, died in custody, mixed, unknown) counts as neither by default.
Imports nothing, so that the lowest layers (``analysis.record.durations``) can use it.
"""

from __future__ import annotations

RELEASE = "reached_south_or_third_country"
RETURN = "returned"
# Not a release in the question's sense (nobody reached the South or a third country), but not a
# return either: the multiverse's "any non-return" outcome definition counts them as releases.
NON_RETURNS = ("freed_in_china", "left_legally")
# Outcomes that count as neither by default, besides mixed and unknown (counted on their own).
OTHER_OUTCOMES = (*NON_RETURNS, "died_in_custody")
# Every outcome, releases first, in the order tables and charts list them.
OUTCOME_ORDER = (RELEASE, *NON_RETURNS, "mixed", "died_in_custody", RETURN, "unknown")
# The two outcome definitions the multiverse compares: outcomes counted as a release.
STRICT = (RELEASE,)
ANY_NON_RETURN = (RELEASE, *NON_RETURNS)
