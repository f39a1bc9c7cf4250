"""The closed vocabularies of statuses and reasons (DESIGN.md, "Statuses").

They are plain string constants rather than Enums because they travel through JSON files, policies
and templates as strings; the tuples below are the single place that lists the allowed values.
"""

from __future__ import annotations

from typing import Final

# Finding statuses: every (policy, resource) pair ends in exactly one.
PASS: Final = "pass"
FAIL: Final = "fail"
WAIVED: Final = "waived"
NOT_EVALUATED: Final = "not_evaluated"
FINDING_STATUSES: Final = (PASS, FAIL, WAIVED, NOT_EVALUATED)

# Reasons a finding is not evaluated.
MISSING_PERMISSION: Final = "missing_permission"
SOURCE_ERROR: Final = "source_error"
NOT_CONFIGURED: Final = "not_configured"
BETA_UNAVAILABLE: Final = "beta_unavailable"
CONCEALED_NAMES: Final = "concealed_names"
NOT_APPLICABLE: Final = "not_applicable"
NOT_EVALUATED_REASONS: Final = (
    MISSING_PERMISSION,
    SOURCE_ERROR,
    NOT_CONFIGURED,
    BETA_UNAVAILABLE,
    CONCEALED_NAMES,
    NOT_APPLICABLE,
)
# Reasons that do not make evidence "incomplete" for exit code 3: the run did not need the data
# (the source was not configured) or the rule does not apply to this tenant.
BENIGN_REASONS: Final = frozenset({NOT_APPLICABLE, NOT_CONFIGURED})

# Source (snapshot section) statuses.
SRC_OK: Final = "ok"
SRC_MISSING_PERMISSION: Final = "missing_permission"
SRC_NOT_CONFIGURED: Final = "not_configured"
SRC_BETA_UNAVAILABLE: Final = "beta_unavailable"
SRC_THROTTLED: Final = "throttled"
SRC_ERROR: Final = "error"
SRC_CONCEALED_NAMES: Final = "concealed_names"
SOURCE_STATUSES: Final = (
    SRC_OK,
    SRC_MISSING_PERMISSION,
    SRC_NOT_CONFIGURED,
    SRC_BETA_UNAVAILABLE,
    SRC_THROTTLED,
    SRC_ERROR,
    SRC_CONCEALED_NAMES,
)

# How a failed source turns into a not-evaluated reason.
REASON_FOR_SOURCE_STATUS: Final = {
    SRC_MISSING_PERMISSION: MISSING_PERMISSION,
    SRC_NOT_CONFIGURED: NOT_CONFIGURED,
    SRC_BETA_UNAVAILABLE: BETA_UNAVAILABLE,
    SRC_THROTTLED: SOURCE_ERROR,
    SRC_ERROR: SOURCE_ERROR,
    SRC_CONCEALED_NAMES: CONCEALED_NAMES,
}

SEVERITIES: Final = ("info", "low", "medium", "high", "critical")


def severity_rank(severity: str) -> int:
    """Order severities so that ``--fail-on`` can compare them."""
    return SEVERITIES.index(severity)
