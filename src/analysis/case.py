"""The case's fixed reference points: statements of the article and of HRW, not table data."""

from __future__ import annotations

import pandas as pd

# The Monday of the article's "On Monday, Human Rights Watch asked China...": HRW's appeal and
# the Foreign Ministry briefing the commentary reacts to, so what its readers knew.
ARTICLE_DATE = pd.Timestamp("2017-04-24")
# The article: "returned to North Korea in about two weeks" (days since detention).
ARTICLE_RETURN_DAYS = 14
# HRW (SCMP, 24 April 2017): "most repatriations happen two months after detention" (days).
HRW_RETURN_DAYS = 61
# The case this project forecasts: a row of data/cases.csv whose outcome is unknown.
FOCAL_CASE_ID = "2017_shenyang_eight"
