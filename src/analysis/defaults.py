"""Defaults shared by the model, the case and the command line: the seed, the draws, the case.

Imports nothing, so that ``python -m analysis --help`` can show them without loading the model.
"""

SEED = 20170424  # the date of HRW's appeal, so every run draws the same numbers
DEFAULT_DRAWS = 20_000  # Monte Carlo error on a 10th percentile is then about 0.003
DEFAULT_CASE = "2017_shenyang_eight"  # the question every command and notebook takes by default
