"""Sensitivity of the scenario model: what moves P(release), and where release leads.

Answers three questions about ``analysis.scenarios``' model. How much does each factor add
(``ablation``: each switched off, on common draws)? Which input moves the forecast most across
its 80% range (``tornado``)? Which region of (pressure, tension) makes release more likely than
return (``probability_plane``, with ``share_release_more_likely`` for the share of Monte Carlo
draws that agree)? Probabilities in [0, 1]; numbers only (the charts are in
``analysis.charts.model``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import factors
from analysis.model import (
    DEFAULT_DRAWS,
    SEED,
    ScenarioModel,
    Seed,
    draw_parameters,
    logit,
    release_probability,
    summarise,
)


def ablation(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    draws: int = DEFAULT_DRAWS,
    seed: Seed = SEED,
) -> pd.DataFrame:
    """P(release) with each factor switched off (its level set to 0), on common draws.

    Rows: full model, pressure off, tension off, both off (= the base rate). Columns: variant,
    pressure, tension, p_release (central), median, interval_low, interval_high (80%).
    """
    parameters = draw_parameters(model, draws, seed)
    variants = (
        ("full model", pressure, tension),
        ("pressure off", 0.0, tension),
        ("tension off", pressure, 0.0),
        ("both off (base rate)", 0.0, 0.0),
    )
    rows = []
    for label, p_level, t_level in variants:
        p_draws = release_probability(
            parameters["base_rate"].to_numpy(), p_level, t_level,
            parameters["w_pressure"].to_numpy(), parameters["w_tension"].to_numpy(),
        )  # fmt: skip
        summary = summarise(p_draws)
        rows.append(
            {
                "variant": label,
                "pressure": p_level,
                "tension": t_level,
                "p_release": float(model.p_release(p_level, t_level)),
                "median": summary["median"],
                "interval_low": summary["low"],
                "interval_high": summary["high"],
            }
        )
    return pd.DataFrame(rows)


def tornado(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    events: pd.DataFrame | None = None,
    as_of: factors.DateLike | None = None,
    half_lives: tuple[float, float] = (30.0, 120.0),
) -> pd.DataFrame:
    """One-at-a-time swings of P(release) as each input moves across its 80% range.

    Inputs: the base rate (its 80% Beta interval), each weight (its 80% range), and, when
    ``events`` and ``as_of`` are given, the factor rule's half-life (``half_lives`` days, both
    levels recomputed). Others stay central. Columns: input, low_setting, high_setting, p_low,
    p_high (P(release) in [0, 1] at each setting), swing (|p_high - p_low|); widest first.
    """
    central = {"base_rate": model.base_rate, "pressure": pressure, "tension": tension}
    central |= {weight.name: weight.mean for weight in model.weights}
    moves: list[tuple[str, str, str, dict[str, float], dict[str, float]]] = [
        (
            "base rate",
            f"{model.base_low:.2f}",
            f"{model.base_high:.2f}",
            {"base_rate": model.base_low},
            {"base_rate": model.base_high},
        ),
    ]
    for weight in model.weights:
        low, high = weight.low, weight.high
        moves.append(
            (f"{weight.name} (weight)", f"{low:+.2f}", f"{high:+.2f}",
             {weight.name: low}, {weight.name: high})
        )  # fmt: skip
    if events is not None and as_of is not None:
        settings = []
        for half_life in half_lives:
            levels = factors.factor_levels(events, as_of, half_life_days=half_life)
            settings.append({"pressure": levels.pressure, "tension": levels.tension})
        moves.append(
            (
                "factor half-life (days)",
                f"{half_lives[0]:g}",
                f"{half_lives[1]:g}",
                settings[0],
                settings[1],
            )
        )
    rows = []
    for label, low_text, high_text, low_change, high_change in moves:
        p_low = float(release_probability(**{**central, **low_change}))
        p_high = float(release_probability(**{**central, **high_change}))
        rows.append(
            {
                "input": label,
                "low_setting": low_text,
                "high_setting": high_text,
                "p_low": p_low,
                "p_high": p_high,
                "swing": abs(p_high - p_low),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def probability_plane(model: ScenarioModel, resolution: int = 101) -> pd.DataFrame:
    """Central P(release) on a grid over pressure x tension in [0, 1]^2, tidy.

    Columns: pressure, tension, p_release (in [0, 1]), release_more_likely (p_release > 0.5).
    """
    grid = np.linspace(0.0, 1.0, resolution)
    pressure, tension = np.meshgrid(grid, grid)
    p = model.p_release(pressure, tension)
    return pd.DataFrame(
        {
            "pressure": pressure.ravel(),
            "tension": tension.ravel(),
            "p_release": p.ravel(),
            "release_more_likely": p.ravel() > 0.5,
        }
    )


def share_release_more_likely(
    model: ScenarioModel, resolution: int = 41, draws: int = DEFAULT_DRAWS, seed: Seed = SEED
) -> np.ndarray:
    """Share of draws in which P(release) > 0.5, on a resolution x resolution grid (tension rows).

    The boundary's uncertainty: where the share is near 0.5 the draws disagree on which
    outcome is more likely. Computed in chunks of draws so memory stays small.
    """
    parameters = draw_parameters(model, draws, seed)
    grid = np.linspace(0.0, 1.0, resolution)
    # P(release) > 0.5 exactly when the log-odds are positive, so no expit is needed.
    base = logit(parameters["base_rate"].to_numpy())
    w_pressure = parameters["w_pressure"].to_numpy()
    w_tension = parameters["w_tension"].to_numpy()
    ahead = np.zeros((resolution, resolution))
    for start in range(0, draws, 2_000):
        chunk = slice(start, start + 2_000)
        log_odds = (
            base[chunk, None, None]
            + w_pressure[chunk, None, None] * grid[None, None, :]
            + w_tension[chunk, None, None] * grid[None, :, None]
        )
        ahead += (log_odds > 0).sum(axis=0)
    return ahead / draws
