"""Settings of one emulator instance that are not faults: they shape answers, not failures.

Faults (:class:`~m365gov.emulator.faults.Faults`) can be swapped while the emulator runs; these
options are fixed when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
        nested_link_form: how ``sessions@odata.nextLink`` / ``participants_v2@odata.nextLink`` are
            written: ``plain`` (``…/v1.0/communications/callRecords('id')/sessions?…``, a link that
            works when followed) or ``documented`` (``…/v1.0/$metadata#communications/…``, exactly
            as Microsoft's example prints it; a client must rewrite it before following it).
    """

    report_link_seconds: float = 300.0
    app_id: str = EMULATOR_APP_ID
    nested_link_form: Literal["plain", "documented"] = "plain"

    def __post_init__(self) -> None:
        if self.report_link_seconds <= 0:
            raise ValueError("EmulatorOptions.report_link_seconds must be positive")
        if self.nested_link_form not in ("plain", "documented"):
            raise ValueError("EmulatorOptions.nested_link_form must be 'plain' or 'documented'")
