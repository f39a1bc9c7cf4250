"""The demo town's council session: its ``[council]`` config, proxies and declarations, and its checklist.

``m365gov demo`` ends by writing the checklist of the town's next session (the emulator's council
meeting) next to the audit report. What the secretariat would have on file a few days before is
written beside it, so that the checklist shows ticked, to-do and blocking items side by side:

* ``procurations.csv`` — three written proxies; one councillor holds two of them, which the permanent
  regime refuses (one proxy per holder, L2121-20), and one covers four sessions under a certified
  illness, which is allowed;
* ``declarations-conseil.json`` — the convocation sent seven days before (in time, stating the
  broadcast), the session secretary (a councillor the meeting does not make a presenter), an
  announced absence, the broadcast's address (not yet checked) and the minutes organised; the
  rehearsal is not declared yet.

The meeting itself keeps the emulator's seeded imperfections (phone callers bypass the lobby,
recording not automatic) and the chamber's camera is disconnected: blocking items, on purpose.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.jsonio import atomic_write_text, dumps
from m365gov.timeutil import PARIS

if TYPE_CHECKING:
    from m365gov.checklist.run import CouncilChecklist
    from m365gov.config import Config
    from m365gov.emulator import Tenant
    from m365gov.snapshot.model import Snapshot

PROXIES_FILE = "procurations.csv"
DECLARATIONS_FILE = "declarations-conseil.json"
BROADCAST_URL = "https://www.saint-aubin-sur-loire.fr/conseil-municipal/en-direct"


def _upn(tenant: Tenant, rank: int) -> str:
    user = tenant.user(tenant.council_member_ids[rank])
    assert user is not None
    return str(user["userPrincipalName"])


def write_demo_council_files(tenant: Tenant, out_dir: Path) -> tuple[Path, Path]:
    """Write the demo's proxies and declarations files; return their paths."""
    holder, other_holder = _upn(tenant, 12), _upn(tenant, 20)
    proxies = out_dir / PROXIES_FILE
    atomic_write_text(proxies, "\n".join([
        "# Pouvoirs reçus par le secrétariat pour la prochaine séance (démonstration m365gov)",
        "mandant;mandataire;seances;maladie;recu;remarque",
        f"{_upn(tenant, 25)};{holder};1;non;{_day(tenant, -3)};",
        f"{_upn(tenant, 27)};{holder};1;non;{_day(tenant, -2)};",
        f"{_upn(tenant, 30)};{other_holder};4;oui;{_day(tenant, -20)};certificat médical",
    ]) + "\n")
    declarations = out_dir / DECLARATIONS_FILE
    atomic_write_text(declarations, dumps({
        "schema": "m365gov/council-declarations@1",
        "$comment": "Ce que la DSI et le secrétariat déclarent pour la séance (démonstration m365gov).",
        "session": _day(tenant, 0),
        "convocation": {"sentOn": _day(tenant, -7), "electronic": True, "statesFormat": True,
                        "explanatoryNote": True, "timestamped": False},
        "secretary": _upn(tenant, 9),
        "broadcast": {"url": BROADCAST_URL, "note": "flux YouTube de la ville, à vérifier la veille"},
        "absent": [_upn(tenant, 31)],
        "items": {"minutes": {"done": True, "on": _day(tenant, -10), "by": "Secrétariat général",
                              "note": "liste des délibérations en ligne sous 7 jours ; enregistrement conservé 1 an"}},
    }))
    return proxies, declarations


def _day(tenant: Tenant, days: int) -> str:
    start = tenant.council_meeting.start.astimezone(PARIS)
    return (start + timedelta(days=days)).date().isoformat()


def demo_council_config(tenant: Tenant, proxies: Path, declarations: Path) -> dict[str, Any]:
    """The ``[council]`` section of the demo's configuration."""
    from m365gov.emulator.rooms import CHAMBER_NAME

    return {
        "group_id": tenant.council_group_id,
        "chamber_device": CHAMBER_NAME,
        "regime": "in-person-broadcast",
        "members_in_office": len(tenant.council_member_ids),
        "organizer": tenant.council_meeting.organizer_upn,
        "proxies": str(proxies.resolve()),
        "declarations": str(declarations.resolve()),
    }


def run_demo_checklist(config: Config, credential: Any, tenant: Tenant, snapshot: Snapshot,
                       out_dir: Path) -> tuple[CouncilChecklist, list[Path]]:
    """The checklist of the town's next session (French), written as Markdown, HTML and JSON."""
    from m365gov.checklist.outputs import FORMATS, write_checklist
    from m365gov.checklist.run import CouncilRequest, build_checklist, find_meeting, read_inputs

    inputs = read_inputs(config, CouncilRequest(meeting=tenant.council_meeting.join_web_url))
    result = build_checklist(config, inputs, snapshot, find_meeting(config, credential, inputs), lang="fr")
    return result, write_checklist(result.document, FORMATS, out_dir)
