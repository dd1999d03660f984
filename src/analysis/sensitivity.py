"""Sensitivity of the scenario model: what moves P(release), and where release leads.

Answers three questions about ``analysis.scenarios``' model. How much does each factor add
(``ablation``: each switched off, on common draws)? Which input moves the forecast most across
its 80% range (``tornado``)? Which region of (pressure, tension) makes release more likely than
return (``probability_plane``, with ``share_release_more_likely`` for the share of Monte Carlo
draws that agree, and ``plot_plane``)? Probabilities in [0, 1]; returns data or Figures.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import factors
from analysis.scenarios import (
    DEFAULT_DRAWS,
    SEED,
    Z_INTERVAL,
    ScenarioModel,
    Seed,
    draw_parameters,
    logit,
    release_probability,
    summarise,
)
from analysis.style import OKABE_ITO, OUTCOME_COLORS

SCENARIO_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


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

    Inputs: the base rate (its 80% Beta interval), each weight (mean -+ 1.28 sd), and, when
    ``events`` and ``as_of`` are given, the factor rule's half-life (``half_lives`` days, both
    levels recomputed). Others stay central. Columns: input, low_setting, high_setting, p_low,
    p_high (P(release) in [0, 1] at each setting), swing (|p_high - p_low|); widest first.
    """
    central = dict(
        base_rate=model.base_rate, pressure=pressure, tension=tension,
        w_pressure=model.w_pressure, w_tension=model.w_tension,
    )  # fmt: skip
    moves: list[tuple[str, str, str, dict[str, float], dict[str, float]]] = [
        (
            "base rate",
            f"{model.base_low:.2f}",
            f"{model.base_high:.2f}",
            {"base_rate": model.base_low},
            {"base_rate": model.base_high},
        ),
    ]
    for name, mean, sd in (
        ("w_pressure", model.w_pressure, model.sd_pressure),
        ("w_tension", model.w_tension, model.sd_tension),
    ):
        low, high = mean - Z_INTERVAL * sd, mean + Z_INTERVAL * sd
        moves.append((f"{name} (weight)", f"{low:+.2f}", f"{high:+.2f}", {name: low}, {name: high}))
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


def plot_tornado(table: pd.DataFrame, central: float, title: str | None = None) -> Figure:
    """Tornado chart of a tornado table around the central P(release)."""
    rows = table.iloc[::-1].reset_index(drop=True)  # widest at the top
    figure, ax = plt.subplots(figsize=(7.0, 1.4 + 0.55 * len(rows)), layout="constrained")
    y = np.arange(len(rows))
    for i, row in rows.iterrows():
        for value, setting, colour, hatch in (
            (row["p_low"], row["low_setting"], OKABE_ITO["orange"], "xx"),
            (row["p_high"], row["high_setting"], OKABE_ITO["sky_blue"], ""),
        ):
            ax.barh(
                i, value - central, left=central, height=0.55, color=colour, hatch=hatch,
                edgecolor="#333333", linewidth=0.5,
            )  # fmt: skip
            ax.annotate(
                f"{setting}", xy=(value, i), xytext=(3 if value >= central else -3, 0),
                textcoords="offset points", va="center",
                ha="left" if value >= central else "right", fontsize=7,
            )  # fmt: skip
    ax.axvline(central, color=OKABE_ITO["black"], linewidth=1)
    ax.set_yticks(y, rows["input"].tolist())
    lows = min(rows["p_low"].min(), rows["p_high"].min(), central)
    highs = max(rows["p_low"].max(), rows["p_high"].max(), central)
    pad = max(0.06, 0.15 * (highs - lows))
    ax.set_xlim(max(0.0, lows - pad), min(1.0, highs + pad))
    ax.set_xlabel(f"P(release) (central {central:.2f}; each input at its 80% range)")
    ax.legend(
        handles=[
            Patch(facecolor=OKABE_ITO["orange"], hatch="xx", edgecolor="#333333", label="low end"),
            Patch(facecolor=OKABE_ITO["sky_blue"], edgecolor="#333333", label="high end"),
        ],
        loc="lower right", fontsize=8,
    )  # fmt: skip
    ax.set_title(title or "What moves P(release) most", fontsize=10)
    return figure


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


def plot_plane(
    model: ScenarioModel,
    levels: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    seed: Seed = SEED,
) -> Figure:
    """Map of P(release) over (pressure, tension), the 0.5 contour marked, scenarios on top.

    The dashed and dotted lines show where a quarter and three quarters of the Monte Carlo
    draws put release ahead (the boundary's uncertainty). Where the 0.5 contour or those lines
    fall outside the square, the title says which outcome leads everywhere, and the legend
    gives the range of the share of draws instead; nothing is drawn that is not there.
    Historical cases (coded levels / 2,
    jittered) show where the evidence lies. Pass the model's reference class as ``cases``
    (``model_cases``), so the points are the cases the base rate comes from.
    """
    resolution = 101
    plane = probability_plane(model, resolution)
    grid = np.linspace(0.0, 1.0, resolution)
    p = plane["p_release"].to_numpy().reshape(resolution, resolution)
    figure, ax = plt.subplots(figsize=(6.6, 5.4), layout="constrained")
    filled = ax.contourf(
        grid, grid, p, levels=np.linspace(0, 1, 11), cmap="cividis", vmin=0, vmax=1
    )
    lines = ax.contour(
        grid, grid, p, levels=[0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9], colors="white",
        linewidths=0.5, alpha=0.7,
    )  # fmt: skip
    ax.clabel(lines, fmt="%.1f", fontsize=7)
    legend = []
    if p.min() < 0.5 < p.max():
        ax.contour(grid, grid, p, levels=[0.5], colors="black", linewidths=2.2)
        legend.append(
            Line2D([], [], color="black", linewidth=2.2, label="central P(release) = 0.5")
        )
        title = "Where release becomes more likely than return"
    else:
        # No boundary to draw: say which outcome leads on the whole square, and by how much.
        side = "Release" if p.min() >= 0.5 else "Return"
        title = (
            f"{side} ahead on the whole plane: central P(release) {p.min():.2f} to {p.max():.2f}"
        )
    coarse = np.linspace(0.0, 1.0, 41)
    share = share_release_more_likely(model, 41, seed=seed)
    share_lines = 0
    for level, style in ((0.25, "--"), (0.75, ":")):
        if share.min() < level < share.max():
            ax.contour(coarse, coarse, share, levels=[level], colors="black", linewidths=1.2,
                       linestyles=style)  # fmt: skip
            legend.append(
                Line2D([], [], color="black", linewidth=1.2, linestyle=style,
                       label=f"{level:.0%} of draws put release ahead")
            )  # fmt: skip
            share_lines += 1
    if not share_lines:  # neither line falls inside the square: give the range instead
        legend.append(
            Line2D([], [], linestyle="",
                   label=f"{share.min():.0%} to {share.max():.0%} of draws put release ahead")
        )  # fmt: skip
    if cases is not None:
        rng = np.random.default_rng(0)  # jitter only, fixed so the picture never changes
        for outcome, marker in (("released", "o"), ("returned", "s"), ("mixed", "D")):
            rows = cases[cases["outcome"].astype(str) == outcome]
            if rows.empty:
                continue
            # Jitter so cases with the same coded levels stay visible; kept inside the square.
            jitter = rng.uniform(-0.04, 0.04, size=(len(rows), 2))
            x = np.clip(rows["pressure_level"].to_numpy() / 2 + jitter[:, 0], 0.015, 0.985)
            y = np.clip(rows["tension_level"].to_numpy() / 2 + jitter[:, 1], 0.015, 0.985)
            ax.scatter(
                x, y, marker=marker, s=24, facecolor="white", edgecolor=OUTCOME_COLORS[outcome],
                linewidths=1.4, zorder=3,
            )  # fmt: skip
            legend.append(
                Line2D([], [], linestyle="", marker=marker, markerfacecolor="white",
                       markeredgecolor=OUTCOME_COLORS[outcome], label=f"case {outcome}")
            )  # fmt: skip
    if levels is not None:
        for i, row in enumerate(levels.itertuples(index=False)):
            marker = SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)]
            ax.scatter(
                row.pressure, row.tension, marker=marker, s=90, color="white",
                edgecolor="black", linewidths=1.6, zorder=4, clip_on=False,
            )  # fmt: skip
            legend.append(
                Line2D([], [], linestyle="", marker=marker, markersize=8, markeredgewidth=1.6,
                       markerfacecolor="white", markeredgecolor="black", label=row.label)
            )  # fmt: skip
    colourbar = figure.colorbar(filled, ax=ax, shrink=0.8)
    colourbar.set_label("central P(release)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("international pressure (0-1)")
    ax.set_ylabel("Beijing-Pyongyang tension (0-1)")
    ax.set_title(title, fontsize=10)
    figure.legend(handles=legend, loc="outside lower center", ncols=3, fontsize=7)
    return figure
