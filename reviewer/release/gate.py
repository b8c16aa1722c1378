"""The do-no-harm release gate: every rule runs, every failing reason is kept."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.release.facts import ReleaseFacts
from reviewer.release.rules import RULES, Reason
from reviewer.release.settings import ReleaseSettings


@dataclass(frozen=True)
class GateResult:
    reasons: tuple[Reason, ...]
    checked: tuple[str, ...]  # every rule that ran, passing or not

    @property
    def passed(self) -> bool:
        return not self.reasons

    def failing(self, rule: str) -> Reason | None:
        return next((r for r in self.reasons if r.rule == rule), None)


def run_gate(facts: ReleaseFacts, settings: ReleaseSettings) -> GateResult:
    reasons = []
    names = []
    for rule in RULES:
        names.append(rule.__name__.removesuffix("_rule"))
        reason = rule(facts, settings)
        if reason is not None:
            reasons.append(reason)
    return GateResult(tuple(reasons), tuple(names))
