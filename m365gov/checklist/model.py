"""The vocabulary of a council checklist: item states, localisable sentences, rules and outcomes.

States are plain strings (they travel through JSON and templates), listed once here:

* ``ok`` — checked and satisfied, observed by m365gov or declared by the DSI;
* ``todo`` — someone has something to do: a declaration is missing, or a non-blocking check failed;
* ``blocking`` — a blocking check failed: the session cannot lawfully or practically go ahead as is;
* ``unknown`` — the evidence could not be read (a source failed, an access policy is missing).

Sentences are :class:`Msg` (a catalogue key and its arguments), rendered in French or English only
when the checklist document is written (:mod:`m365gov.checklist.document`), so that one evaluation
serves both languages and a test can assert on the key rather than on wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

OK: Final = "ok"
TODO: Final = "todo"
BLOCKING: Final = "blocking"
UNKNOWN: Final = "unknown"
STATES: Final = (BLOCKING, TODO, UNKNOWN, OK)
"""Item states, worst first (the order reports list them in)."""

SEVERITIES: Final = (BLOCKING, TODO)
"""What a failed item means, as a regime file says it."""

OBSERVED: Final = "observed"
DECLARED: Final = "declared"
COMPUTED: Final = "computed"
HOW: Final = (OBSERVED, DECLARED, COMPUTED)
"""How an item was decided: read from the tenant, ticked by the DSI, or computed from both (quorum)."""

Text = Mapping[str, str]
"""The same text in each language: ``{"fr": …, "en": …}`` (regime files carry both)."""


def pick(text: Text | None, lang: str) -> str:
    """``text`` in ``lang``, falling back to French (the DSI's language), then to any language."""
    if not text:
        return ""
    return text.get(lang) or text.get("fr") or next(iter(text.values()), "")


@dataclass(frozen=True)
class Msg:
    """A sentence to localise: a key of :mod:`m365gov.checklist.messages` and its arguments.

    Attributes:
        key: the catalogue key (``lobby_scope_ok``…); ``raw`` shows ``args["text"]`` as it is (an
            evidence sentence from a view, already written).
        args: values inserted into the sentence; untrusted ones (names, subjects) are escaped by
            each renderer, never here.
    """

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


def msg(key: str, **args: Any) -> Msg:
    """Shorthand: ``msg("quorum_margin", counted=18, threshold=17, margin=1)``."""
    return Msg(key, args)


def term(word: str | None) -> Msg:
    """A word of a closed vocabulary (a verdict, a status, a decision), shown in the output's language."""
    return Msg("term", {"w": word})


PASS_: Final = "pass"
FAIL_: Final = "fail"
TODO_: Final = "todo"
UNKNOWN_: Final = "unknown"


@dataclass(frozen=True)
class Outcome:
    """What one check found, before the item's severity turns it into a state.

    Attributes:
        result: ``pass``; ``fail`` (contrary evidence: the item takes its severity, ``blocking`` or
            ``todo``); ``todo`` (nothing contrary, but a person must act or confirm: always
            ``todo``); ``unknown`` (no evidence).
        how: ``observed``, ``declared`` or ``computed``.
        evidence: what was seen, one sentence each.
        remediation: what to do, one sentence (or command) each.
        reason: for ``unknown``, why (``not_configured``, ``missing_permission``, ``source_error``,
            ``not_found``).
        facts: structured values for automation (JSON output), never shown as sentences.
    """

    result: str
    how: str = OBSERVED
    evidence: tuple[Msg, ...] = ()
    remediation: tuple[Msg, ...] = ()
    reason: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


def passed(*evidence: Msg, how: str = OBSERVED, **facts: Any) -> Outcome:
    return Outcome(PASS_, how, tuple(evidence), facts=facts)


def failed(evidence: list[Msg], remediation: list[Msg] | None = None, how: str = OBSERVED, **facts: Any) -> Outcome:
    return Outcome(FAIL_, how, tuple(evidence), tuple(remediation or ()), facts=facts)


def to_do(evidence: list[Msg], remediation: list[Msg] | None = None, how: str = DECLARED, **facts: Any) -> Outcome:
    return Outcome(TODO_, how, tuple(evidence), tuple(remediation or ()), facts=facts)


def unknown(reason: str, evidence: list[Msg], remediation: list[Msg] | None = None, how: str = OBSERVED) -> Outcome:
    return Outcome(UNKNOWN_, how, tuple(evidence), tuple(remediation or ()), reason=reason)


def state_of(outcome: Outcome, severity: str) -> str:
    """The item state for an outcome: a failure takes the item's severity; the rest map directly."""
    if outcome.result == PASS_:
        return OK
    if outcome.result == FAIL_:
        return severity
    if outcome.result == TODO_:
        return TODO
    return UNKNOWN


@dataclass(frozen=True)
class ItemResult:
    """One evaluated checklist item.

    Attributes:
        id: the item's id in the regime file.
        check: how it was decided (the regime file's ``check``).
        severity: ``blocking`` or ``todo``, from the regime file.
        title / description / source: from the regime file (the rule and where it comes from).
        state: ``ok``, ``todo``, ``blocking`` or ``unknown``.
        outcome: what the check found.
    """

    id: str
    check: str
    severity: str
    title: Text
    description: Text | None
    source: tuple[str, ...]
    state: str
    outcome: Outcome
