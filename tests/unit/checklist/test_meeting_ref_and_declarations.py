"""What --meeting names (and who organises it), and the declarations file."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from m365gov.checklist.declarations import check_session, parse_declarations
from m365gov.checklist.lookup import access_policy_commands
from m365gov.checklist.meeting_ref import parse_meeting_ref
from m365gov.errors import InputError
from tests.unit.checklist.support import JOIN_URL, MAYOR_ID, declared, regime


def test_a_classic_join_url_carries_the_organizer() -> None:
    ref = parse_meeting_ref(JOIN_URL)
    assert (ref.kind, ref.organizer_id, ref.tenant_id) == ("joinUrl", MAYOR_ID, "11111111-1111-4111-8111-111111111111")
    assert not ref.needs_organizer and ref.value == JOIN_URL


def test_a_short_link_needs_the_organizer_and_never_keeps_its_passcode() -> None:
    ref = parse_meeting_ref("https://teams.microsoft.com/meet/7584491617450?p=9hrNWa")
    assert (ref.kind, ref.value, ref.organizer_id) == ("shortLink", "7584491617450", None)
    assert ref.needs_organizer and "9hrNWa" not in ref.display and ref.display.endswith("?p=…")


def test_a_graph_meeting_id_is_decoded_to_its_organizer() -> None:
    raw = base64.b64encode(f"1*{MAYOR_ID}*0**19:meeting_abc@thread.v2".encode()).decode()
    ref = parse_meeting_ref(raw)
    assert (ref.kind, ref.organizer_id, ref.value) == ("meetingId", MAYOR_ID, raw)


def test_the_numeric_meeting_id_of_an_invitation_is_accepted_with_spaces() -> None:
    ref = parse_meeting_ref("758 449 161 745 0")
    assert (ref.kind, ref.value, ref.organizer_id) == ("joinMeetingId", "7584491617450", None)


@pytest.mark.parametrize("text", ["", "conseil de jeudi", "http://teams.microsoft.com/l/meetup-join/x",
                                  "https://example.org/meeting/1", "1234"])
def test_anything_else_is_bad_input_that_says_what_is_expected(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_meeting_ref(text)
    assert "--meeting" in err.value.message


def test_the_access_policy_commands_are_filled_in() -> None:
    new, grant = access_policy_commands("app-id-1", MAYOR_ID)
    assert new.startswith('New-CsApplicationAccessPolicy -Identity m365gov-policy -AppIds "app-id-1"')
    assert grant == f'Grant-CsApplicationAccessPolicy -PolicyName m365gov-policy -Identity "{MAYOR_ID}"'


def test_a_declarations_file_is_read_with_its_dates() -> None:
    d = parse_declarations(declared(convocation={"sentOn": "2026-11-26", "statesFormat": True},
                                    secretary="elu9@ville.fr", absent=["ELU4@ville.fr"],
                                    items={"rehearsal": {"done": True, "on": "2026-12-02", "by": "DSI"}}),
                           regime(), file="d.json")
    assert d.session == date(2026, 12, 3) and d.convocation is not None
    assert d.convocation["sentOn"] == date(2026, 11, 26) and d.absent == frozenset({"elu4@ville.fr"})
    assert d.item("rehearsal") is not None and d.item("rehearsal").by == "DSI"  # type: ignore[union-attr]


def test_a_declaration_for_an_unknown_item_is_refused_with_its_pointer() -> None:
    with pytest.raises(InputError) as err:
        parse_declarations(declared(items={"rehersal": {"done": True}}), regime(), file="d.json")
    assert (err.value.file, err.value.pointer) == ("d.json", "/items/rehersal") and "rehearsal" in err.value.message


def test_an_observed_item_cannot_be_declared() -> None:
    with pytest.raises(InputError) as err:
        parse_declarations(declared(items={"lobby-dial-in": {"done": True}}), regime(), file="d.json")
    assert "m365gov observes it" in err.value.message


def test_a_declarable_observed_item_can_be_declared() -> None:
    d = parse_declarations(declared(items={"member-contacts": {"done": True, "note": "liste papier"}}), regime(),
                           file="d.json")
    assert d.item("member-contacts") is not None


def test_a_bad_date_is_refused_with_its_pointer() -> None:
    with pytest.raises(InputError) as err:
        parse_declarations(declared(convocation={"sentOn": "2026-02-30"}), regime(), file="d.json")
    assert err.value.pointer == "/convocation/sentOn"


def test_a_declarations_file_needs_its_schema_and_session() -> None:
    with pytest.raises(InputError) as err:
        parse_declarations({"schema": "m365gov/council-declarations@1"}, regime(), file="d.json")
    assert "session" in err.value.message


def test_a_file_kept_from_another_session_is_refused() -> None:
    d = parse_declarations(declared(), regime(), file="d.json")
    check_session(d, date(2026, 12, 3))
    with pytest.raises(InputError) as err:
        check_session(d, date(2027, 1, 14))
    assert err.value.pointer == "/session" and "2027-01-14" in err.value.message
