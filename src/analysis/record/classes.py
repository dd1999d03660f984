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

# The routes a rule can draw (questions.class_route, schema.CLASS_ROUTES): arrests (every
# onset but a mission entry or a legal exit, history.NOT_DETENTION_ONSETS), mission entries
# only, or any onset.
MISSION = "foreign_mission_entry"


@dataclass(frozen=True)
class ClassRule:
    """Which past cases a question learns from: decided_by in ``deciders``, onset on ``route``."""

    deciders: tuple[str, ...]
    route: str  # one of ROUTES

    def describe(self) -> str:
        """The rule in words, such as ``arrests decided by china``."""
        route = {"arrest": "arrests", "mission": "foreign-mission entries", "any": "cases"}
        return f"{route[self.route]} decided by {' or '.join(self.deciders)}"


CHINA_ARRESTS = ClassRule(("china",), "arrest")


def question_rule(question: Mapping[str, object]) -> ClassRule:
    """The class rule of a questions.csv row; a row without the columns has the headline's."""
    deciders = question.get("class_deciders")
    route = question.get("class_route")
    if not deciders or not isinstance(route, str) or not route:
        return CHINA_ARRESTS
    if isinstance(deciders, str):
        deciders = [part.strip() for part in deciders.split(";")]
    return ClassRule(tuple(str(d) for d in deciders), route)
