"""``[council]``: the checklist's settings, their defaults, paths and refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from m365gov.config import load_config
from m365gov.errors import InputError
from m365gov.init import EXAMPLE_CONFIG

MINIMAL = 'tenant_id = "t"\n[auth]\nmode = "managed_identity"\n'


def test_the_council_section_of_the_init_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    council = EXAMPLE_CONFIG[EXAMPLE_CONFIG.index("# [council]"):EXAMPLE_CONFIG.index("# [history]")]
    lines = [re.sub(r"^# ", "", line) for line in council.splitlines() if re.match(r"^# (\[|[A-Za-z_]+ = )", line)]
    path = tmp_path / "m365gov.toml"
    path.write_text(f'{MINIMAL}' + "\n".join(lines) + "\n", encoding="utf-8")
    c = load_config(path).council
    assert (c.regime, c.members_in_office, c.organizer) == ("in-person-broadcast", 33, "maire@ville.fr")
    assert c.proxies == tmp_path / "procurations.csv" and c.parameters == {"recording": "automatic",
                                                                           "noticeClearDays": 5}


def test_without_a_council_section_the_default_regime_applies(tmp_path: Path) -> None:
    path = tmp_path / "m365gov.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    c = load_config(path).council
    assert (c.regime, c.members_in_office, c.proxies, dict(c.parameters)) == ("in-person-broadcast", None, None, {})


def test_members_in_office_must_be_a_number(tmp_path: Path) -> None:
    path = tmp_path / "m365gov.toml"
    path.write_text(MINIMAL + '[council]\nmembers_in_office = "33"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.pointer == "/council/members_in_office"


def test_the_checklist_s_permissions_are_generated_from_what_it_reads() -> None:
    from m365gov.permissions import council_checklist_permissions

    perms = council_checklist_permissions()
    assert {"OnlineMeetings.Read.All", "Calendars.ReadBasic", "GroupMember.Read.All", "User.Read.All",
            "CallRecords.Read.All", "Reports.Read.All", "TeamworkDevice.Read.All"} <= set(perms)
    assert "Grant-CsApplicationAccessPolicy" in perms["OnlineMeetings.Read.All"][0]
