"""Labels in French and English for every human-facing renderer.

French is the DSI's language and the council's; English is kept for the wider Microsoft ecosystem.
Only labels live here: policy titles and remediations are data (in the policy files).
"""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "m365gov audit",
        "tenant": "tenant",
        "collected": "collected",
        "sources": "Sources",
        "summary": "Summary",
        "area": "area",
        "pass": "pass",
        "fail": "fail",
        "waived": "waived",
        "not_evaluated": "not evaluated",
        "observed": "observed",
        "expected": "expected",
        "remediation": "remediation",
        "reason": "reason",
        "and_more": "… and {n} more",
        "waivers": "Waivers",
        "expired": "expired",
        "stale": "stale (the resource now passes)",
        "unused": "unused (matches no finding)",
        "no_findings": "no findings",
        "residency": "Residency",
        "teams": "Teams rollout",
        "devices": "Camera and microphone readiness",
        "keys": "Customer Key",
        "council": "Council",
        "population": "population",
        "severity": "severity",
        "policy": "policy",
        "resource": "resource",
        "status": "status",
        "waiver_by": "waived by {who} until {until}: {reason}",
    },
    "fr": {
        "title": "Audit m365gov",
        "tenant": "locataire",
        "collected": "collecte",
        "sources": "Sources",
        "summary": "Synthèse",
        "area": "domaine",
        "pass": "conforme",
        "fail": "non conforme",
        "waived": "dérogation",
        "not_evaluated": "non évalué",
        "observed": "constaté",
        "expected": "attendu",
        "remediation": "correction",
        "reason": "motif",
        "and_more": "… et {n} de plus",
        "waivers": "Dérogations",
        "expired": "expirées",
        "stale": "caduques (la ressource est désormais conforme)",
        "unused": "sans objet (aucun constat concerné)",
        "no_findings": "aucun constat",
        "residency": "Résidence des données",
        "teams": "Déploiement de Teams",
        "devices": "Caméras et micros",
        "keys": "Clés client (Customer Key)",
        "council": "Conseil municipal",
        "population": "population",
        "severity": "gravité",
        "policy": "règle",
        "resource": "ressource",
        "status": "statut",
        "waiver_by": "dérogation de {who} jusqu'au {until} : {reason}",
    },
}

AREA_ORDER: Final = ("residency", "teams", "devices", "keys", "council")


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])
