"""Settings of one emulator instance that are not faults: they shape answers, not failures.

Faults (:class:`~m365gov.emulator.faults.Faults`) can be swapped while the emulator runs; these
options are fixed when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from m365gov.emulator.ids import stable_guid

EMULATOR_APP_ID = stable_guid("app:m365gov-collector")
"""The application (client) id the emulator pretends the caller has, in access-policy errors.

The emulator never looks inside the bearer token (it would be a secret in a real deployment), so
the app id quoted by "App <id> is not authorized…" comes from here instead.
"""


@dataclass(frozen=True)
class EmulatorOptions:
    """Per-instance settings.

    Attributes:
        report_link_seconds: lifetime of a usage report's pre-authenticated download URL (Microsoft:
            "a few minutes"); tests shorten it to see a link expire.
        app_id: the caller's application id quoted in application-access-policy errors.
    """

    report_link_seconds: float = 300.0
    app_id: str = EMULATOR_APP_ID

    def __post_init__(self) -> None:
        if self.report_link_seconds <= 0:
            raise ValueError("EmulatorOptions.report_link_seconds must be positive")
