"""A question's reference class: whose decisions (``decided_by``) and which route (onset) of past
cases it learns from, by the written rule of data/codebook.csv (questions.class_deciders and
questions.class_route).

A question of one decider draws only cases of the deciders its rule names: a Laos question
whose rule names laos never learns from China's cases. The headline's own rule, China's arrests
(``CHINA_ARRESTS``), is the rule of every question that names none. Numbers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

# The routes a rule can draw (questions.class_route, schema.CLASS_ROUTES): arrests (every
# onset but a mission entry or a legal exit, NOT_DETENTION_ONSETS), mission entries only, or
# any onset.
MISSION = "foreign_mission_entry"
# Onsets that are not an arrest: a mission entry's fate is negotiated between governments, a
# legal exit is settled by the person's papers; neither goes through the police routine.
NOT_DETENTION_ONSETS = (MISSION, "legal_exit")


@dataclass(frozen=True)
class ClassRule:
    """Which past cases a question learns from: decided_by in ``deciders``, onset on ``route``."""

    deciders: tuple[str, ...]
    route: str  # one of schema.CLASS_ROUTES (see on_route)

    def describe(self) -> str:
        """The rule in words, such as ``arrests decided by china``."""
        route = {"arrest": "arrests", "mission": "foreign-mission entries", "any": "cases"}
        return f"{route[self.route]} decided by {' or '.join(self.deciders)}"


CHINA_ARRESTS = ClassRule(("china",), "arrest")
# The name the pages have always used for the headline's class; other rules go by describe().
CLASS_NAMES = {CHINA_ARRESTS: "detentions in China"}


def class_name(rule: ClassRule) -> str:
    """The class's name on the pages: ``detentions in China`` for the headline's rule."""
    return CLASS_NAMES.get(rule, rule.describe())


def question_rule(question: Mapping[str, object]) -> ClassRule:
    """The class rule of a questions.csv row; a row without the columns has the headline's."""
    deciders = question.get("class_deciders")
    route = question.get("class_route")
    if not deciders or not isinstance(route, str) or not route:
        return CHINA_ARRESTS
    if isinstance(deciders, str):
        deciders = [part.strip() for part in deciders.split(";")]
    return ClassRule(tuple(str(d) for d in deciders), route)


def on_route(onsets: object, route: str) -> np.ndarray:
    """Whether each case's onset (a sequence of onset codes) is on ``route`` (``arrest``,
    ``mission`` or ``any``): a boolean array. Cases of unknown onset count as arrests, since
    most of them are arrests the sources describe only briefly."""
    onset = np.asarray(onsets).astype(str)
    if route == "arrest":
        return ~np.isin(onset, NOT_DETENTION_ONSETS)
    if route == "mission":
        return onset == MISSION
    if route == "any":
        return np.ones(len(onset), dtype=bool)
    raise ValueError(f"unknown class route {route!r} (expected arrest, mission or any)")


def in_class(onsets: object, deciders: object, rule: ClassRule = CHINA_ARRESTS) -> np.ndarray:
    """Whether each case is in ``rule``'s class: onset on its route and decided_by one of its
    deciders (two aligned sequences of codes); a boolean array."""
    decider = np.asarray(deciders).astype(str)
    return on_route(onsets, rule.route) & np.isin(decider, rule.deciders)
