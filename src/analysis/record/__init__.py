"""The record's numbers: the cases and their reference classes, the two codings, the events'
factor levels, durations, intervals and the claims tested on them. No forecast, no drawing."""
