"""The proxies file: malformed files are bad input with their line; each regime rule gives a precise issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from m365gov.checklist.messages import render_msg
from m365gov.checklist.proxies import ProxyCheck, check_proxies, load_proxies, parse_proxies
from m365gov.checklist.regime import ProxyRule
from m365gov.errors import InputError
from tests.unit.checklist.support import regime

PERMANENT = regime("in-person-broadcast").proxies
EMERGENCY = regime("emergency-remote").proxies
MEMBERS = {f"elu{i}@ville.fr": f"k{i}" for i in range(10)}


def _resolve(name: str) -> str | None:
    return MEMBERS.get(name.strip().casefold())


def _check(text: str, rule: ProxyRule = PERMANENT, **kw: object) -> ProxyCheck:
    return check_proxies(parse_proxies(text, file="p.csv"), rule, _resolve, **kw)  # type: ignore[arg-type]


def _codes(pc: ProxyCheck) -> list[tuple[str, tuple[int, ...]]]:
    return [(i.code, i.lines) for i in pc.issues]


def _bad(text: str) -> InputError:
    with pytest.raises(InputError) as err:
        parse_proxies(text, file="p.csv")
    assert err.value.file == "p.csv"
    return err.value


def test_a_well_formed_file_parses_with_french_headers_semicolons_and_comments() -> None:
    pf = parse_proxies("# pouvoirs\nMandant;Mandataire;Séances;Maladie;Reçu;Remarque\n"
                       "elu1@ville.fr;elu2@ville.fr;1;non;2026-12-01;\n\nelu3@ville.fr;elu4@ville.fr;4;oui;;certificat\n")
    assert [(p.line, p.giver, p.sessions, p.illness) for p in pf.proxies] == [
        (3, "elu1@ville.fr", 1, False), (5, "elu3@ville.fr", 4, True)]
    assert pf.proxies[0].received is not None and pf.proxies[1].note == "certificat"


def test_an_empty_file_is_bad_input_at_line_1() -> None:
    assert _bad("\n# nothing\n").line == 1


def test_a_missing_column_is_named_with_the_header_line() -> None:
    err = _bad("giver,holder\nelu1@ville.fr,elu2@ville.fr\n")
    assert err.line == 1 and "sessions" in err.message


def test_an_unknown_column_is_refused_with_the_known_ones() -> None:
    err = _bad("giver,holder,sessions,comment\n")
    assert err.line == 1 and "'comment'" in err.message and "note" in err.message


def test_an_empty_holder_names_its_line() -> None:
    err = _bad("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,,1\n")
    assert err.line == 3 and "holder" in err.message


@pytest.mark.parametrize("sessions", ["0", "deux", "-1", "1.5", ""])
def test_sessions_must_be_a_whole_number_from_1(sessions: str) -> None:
    err = _bad(f"giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,{sessions}\n")
    assert err.line == 2 and "sessions" in err.message


def test_a_bad_illness_flag_or_date_names_its_line() -> None:
    assert _bad("giver,holder,sessions,illness\nelu1@ville.fr,elu2@ville.fr,1,peut-être\n").line == 2
    assert _bad("giver,holder,sessions,received\nelu1@ville.fr,elu2@ville.fr,1,01/12/2026\n").line == 2


def test_too_many_cells_is_bad_input() -> None:
    assert _bad("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1,extra\n").line == 2


def test_a_missing_file_and_a_non_utf8_file_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_proxies(tmp_path / "none.csv")
    (tmp_path / "latin.csv").write_bytes("giver,holder,sessions\nél\xe9,x,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_proxies(tmp_path / "latin.csv")


def test_valid_proxies_have_no_issue() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,elu4@ville.fr,3\n")
    assert pc.issues == () and len(pc.valid) == 2


def test_a_second_proxy_for_one_holder_is_refused_under_the_permanent_regime() -> None:
    text = "giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,ELU2@ville.fr,1\n"
    pc = _check(text)
    assert _codes(pc) == [("too_many_for_holder", (3, 2, 3))]
    assert [p.line for p in pc.valid] == [2]
    assert "ligne 3" in render_msg(pc.issues[0].message, "fr") and "1 au plus" in render_msg(pc.issues[0].message, "fr")


def test_two_proxies_for_one_holder_are_allowed_under_the_emergency_regime_but_not_three() -> None:
    two = "giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,elu2@ville.fr,1\n"
    assert _check(two, EMERGENCY).issues == ()
    pc = _check(two + "elu4@ville.fr,elu2@ville.fr,1\n", EMERGENCY)
    assert _codes(pc) == [("too_many_for_holder", (4, 2, 3, 4))]


def test_a_holder_who_is_not_a_member_is_refused() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,voisin@ville.fr,1\n")
    assert _codes(pc) == [("holder_not_member", (2,))] and pc.valid == ()
    assert "voisin@ville.fr" in render_msg(pc.issues[0].message, "en")


def test_a_giver_who_is_not_a_member_is_refused() -> None:
    assert _codes(_check("giver,holder,sessions\nancien@ville.fr,elu2@ville.fr,1\n")) == [("giver_not_member", (2,))]


def test_a_giver_declared_present_is_refused() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\n", present={"k1"})
    assert _codes(pc) == [("giver_present", (2,))]


def test_a_giver_who_also_holds_a_proxy_cannot_use_it() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,elu1@ville.fr,1\n")
    assert _codes(pc) == [("giver_also_holder", (3, 2))] and [p.line for p in pc.valid] == [2]


def test_more_than_three_consecutive_sessions_is_refused_unless_illness_is_certified() -> None:
    pc = _check("giver,holder,sessions,illness\nelu1@ville.fr,elu2@ville.fr,4,non\nelu3@ville.fr,elu4@ville.fr,4,oui\n")
    assert _codes(pc) == [("too_many_sessions", (2,))] and [p.line for p in pc.valid] == [3]
    assert "4 séances consécutives, 3 au plus" in render_msg(pc.issues[0].message, "fr")


def test_three_consecutive_sessions_is_the_limit_itself() -> None:
    assert _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,3\n").issues == ()


def test_a_member_who_gives_two_proxies_is_refused_on_the_second() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu1@ville.fr,elu3@ville.fr,1\n")
    assert _codes(pc) == [("duplicate_giver", (3, 2, 3))]


def test_a_proxy_to_oneself_is_refused() -> None:
    assert _codes(_check("giver,holder,sessions\nelu1@ville.fr,elu1@ville.fr,1\n")) == [("same_person", (2,))]


def test_a_holder_announced_absent_is_refused_and_one_not_ready_is_a_warning() -> None:
    pc = _check("giver,holder,sessions\nelu1@ville.fr,elu2@ville.fr,1\nelu3@ville.fr,elu4@ville.fr,1\n",
                absent={"k2"}, not_ready={"k4"})
    assert _codes(pc) == [("holder_absent", (2,)), ("holder_not_ready", (3,))]
    assert [p.line for p in pc.valid] == [3] and [i.code for i in pc.errors] == ["holder_absent"]


def test_without_the_members_membership_is_a_warning_not_an_error() -> None:
    pc = check_proxies(parse_proxies("giver,holder,sessions\na@x.fr,b@x.fr,1\n"), PERMANENT, None)
    assert [(i.code, i.severity) for i in pc.issues] == [("members_unknown", "warning")] and len(pc.valid) == 1
