"""Quorum arithmetic, exactly as the regime file states it.

A quorum rule is a fraction of the members in office and a comparison, both data:

* ``{"fraction": [1, 3], "comparison": "atLeast"}`` — "one third of the members in office": reached
  when the members counted are at least n/3, so the threshold is ⌈n/3⌉ (33 → 11, exactly one third;
  35 → 12);
* ``{"fraction": [1, 2], "comparison": "moreThan"}`` — "a majority of the members in office": more
  than n/2, so ⌊n/2⌋ + 1 (33 → 17; 34 → 18; 35 → 18).

Integer arithmetic only: a float would make "exactly one third" depend on rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from m365gov.checklist.model import Text

AT_LEAST: Final = "atLeast"
MORE_THAN: Final = "moreThan"
COMPARISONS: Final = (AT_LEAST, MORE_THAN)
REMOTE_READY: Final = "remoteReady"
IN_PERSON: Final = "inPerson"


@dataclass(frozen=True)
class QuorumRule:
    """A regime's quorum.

    Attributes:
        numerator / denominator: the fraction of the members in office.
        comparison: ``atLeast`` (counted ≥ n·p/q) or ``moreThan`` (counted > n·p/q).
        present: who counts as present: ``remoteReady`` (members ready to connect) or ``inPerson``
            (members expected in the room or rooms).
        count_represented: members represented by a valid proxy count too.
        warn_margin: a projected margin below this is a to-do (one departure may lose quorum).
        source: where the rule comes from.
        description: the rule in words, in each language.
    """

    numerator: int
    denominator: int
    comparison: str
    present: str
    count_represented: bool
    warn_margin: int
    source: tuple[str, ...]
    description: Text

    def threshold(self, in_office: int) -> int:
        """The fewest members counted that reach quorum among ``in_office`` members."""
        if in_office < 0:
            raise ValueError("members in office cannot be negative")
        product = in_office * self.numerator
        if self.comparison == AT_LEAST:
            return -(-product // self.denominator)  # ceil without floats
        return product // self.denominator + 1

    def formula(self, in_office: int) -> str:
        """The computation, for people: ``⌈33 × 1/3⌉ = 11`` or ``⌊33 × 1/2⌋ + 1 = 17``."""
        frac = f"{self.numerator}/{self.denominator}"
        if self.comparison == AT_LEAST:
            return f"⌈{in_office} × {frac}⌉ = {self.threshold(in_office)}"
        return f"⌊{in_office} × {frac}⌋ + 1 = {self.threshold(in_office)}"


@dataclass(frozen=True)
class QuorumProjection:
    """Members expected to count against the threshold, before the session.

    Attributes:
        in_office: members in office (``[council] members_in_office``, else the group's size).
        in_office_source: ``config`` or ``group``.
        threshold: :meth:`QuorumRule.threshold` of ``in_office``.
        formula: how the threshold was computed.
        present: members projected present (ready to connect, or expected in the room).
        represented: absent members represented by a valid proxy (counted only if the rule says so).
        undecided: members whose readiness could not be judged (remote regimes): not counted.
        counted: what is compared with the threshold.
        margin: ``counted - threshold``; negative means quorum is not reached.
    """

    in_office: int
    in_office_source: str
    threshold: int
    formula: str
    present: int
    represented: int
    undecided: int
    counted: int
    margin: int

    @property
    def reached(self) -> bool:
        return self.margin >= 0


def project(rule: QuorumRule, in_office: int, in_office_source: str, present: int, represented: int,
            undecided: int = 0) -> QuorumProjection:
    """Compare the members counted with the rule's threshold (pure)."""
    counted = present + (represented if rule.count_represented else 0)
    threshold = rule.threshold(in_office)
    return QuorumProjection(
        in_office=in_office,
        in_office_source=in_office_source,
        threshold=threshold,
        formula=rule.formula(in_office),
        present=present,
        represented=represented,
        undecided=undecided,
        counted=counted,
        margin=counted - threshold,
    )
