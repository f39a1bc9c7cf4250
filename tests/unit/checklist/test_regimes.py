"""Council regimes are data: loaded from policies/council/, validated, refused precisely when wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from m365gov.checklist.kinds import CHECK_PARAMS
from m365gov.checklist.regime import DEFAULT_REGIME, compile_regime, find_regime, load_regime, regime_files
from m365gov.checklist.run import shipped_regime_dir
from m365gov.errors import InputError
from m365gov.pipeline import load_policy_set, shipped_policy_dir
from m365gov.schemas import load_schema
from tests.unit.checklist.support import regime, regime_doc


def _write(tmp_path: Path, doc: dict[str, Any], name: str | None = None) -> Path:
    path = tmp_path / (name or f"{doc['id']}.regime.json")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_three_shipped_regimes_load_from_data() -> None:
    files = regime_files([shipped_regime_dir()])
    assert sorted(p.name for p in files) == ["emergency-remote.regime.json", "in-person-broadcast.regime.json",
                                             "intercommunal-teleconference.regime.json"]
    loaded = {r.id: r for r in map(load_regime, files)}
    assert set(loaded) == {"emergency-remote", "in-person-broadcast", "intercommunal-teleconference"}
    assert DEFAULT_REGIME == "in-person-broadcast" and loaded[DEFAULT_REGIME].in_force


def test_the_emergency_regime_says_it_expired_on_31_july_2022_and_needs_an_emergency_text() -> None:
    r = regime("emergency-remote")
    assert not r.in_force and r.requires_emergency_text and r.valid_until is not None
    assert r.valid_until.isoformat() == "2022-07-31"
    assert "EXPIRÉ" in r.description["fr"] and "EXPIRED" in r.description["en"]
    assert (r.quorum.numerator, r.quorum.denominator, r.quorum.comparison) == (1, 3, "atLeast")
    assert r.proxies.max_per_holder == 2 and r.secret_ballot == "postpone" and r.mode == "remote"
    assert any("2020-391" in b.ref for b in r.legal_basis)


def test_the_in_person_regime_counts_members_present_not_proxies_and_allows_one_proxy() -> None:
    r = regime("in-person-broadcast")
    q = r.quorum
    assert (q.numerator, q.denominator, q.comparison, q.present, q.count_represented) == (1, 2, "moreThan",
                                                                                          "inPerson", False)
    assert (r.proxies.max_per_holder, r.proxies.max_consecutive_sessions, r.proxies.illness_extends) == (1, 3, True)
    assert r.mode == "inPerson" and "L2121-17" in " ".join(q.source)
    assert "no remote vote" in r.votes["en"].lower()


def test_the_intercommunal_regime_works_from_meeting_places_with_public_ballots_only() -> None:
    r = regime("intercommunal-teleconference")
    assert r.mode == "meetingPlaces" and r.quorum.present == "inPerson" and r.secret_ballot == "postpone"
    assert {"meeting-places", "agenda-sites", "room-agent"} <= {i.id for i in r.items}
    assert "budget primitif" in r.item("agenda-sites").title["fr"]  # type: ignore[union-attr]


def test_unconfirmed_legal_facts_are_parameters_that_say_so() -> None:
    for regime_id, name in (("emergency-remote", "countRepresented"), ("intercommunal-teleconference",
                                                                        "quorumFraction")):
        spec = regime_doc(regime_id)["parameters"][name]
        assert "unverified" in spec["description"] or "inference" in spec["description"], (regime_id, name)


def test_a_parameter_override_changes_the_rule() -> None:
    r = regime("intercommunal-teleconference", quorumFraction=[1, 3], quorumComparison="atLeast")
    assert r.quorum.threshold(33) == 11 and r.parameters["quorumFraction"].file == "m365gov.toml"


def test_every_check_kind_of_the_schema_has_settings_and_a_function() -> None:
    from m365gov.checklist.evaluate import CHECKS

    schema_kinds = set(load_schema("council-regime")["$defs"]["item"]["properties"]["check"]["enum"])
    assert schema_kinds == set(CHECK_PARAMS) == set(CHECKS)


def test_a_bad_value_in_a_regime_file_is_refused_with_file_and_pointer(tmp_path: Path) -> None:
    doc = regime_doc()
    doc["quorum"]["comparison"] = "most"
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as err:
        load_regime(path)
    assert err.value.file == str(path) and err.value.pointer == "/quorum/comparison"


def test_an_unknown_check_setting_is_refused_with_its_pointer(tmp_path: Path) -> None:
    doc = regime_doc()
    index = next(i for i, item in enumerate(doc["items"]) if item["check"] == "lobbyScope")
    doc["items"][index]["params"]["allowedScopez"] = ["invited"]
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, doc))
    assert err.value.pointer == f"/items/{index}/params/allowedScopez" and "allowedScopes" in err.value.message


def test_a_wrong_lobby_scope_value_is_refused(tmp_path: Path) -> None:
    doc = regime_doc()
    index = next(i for i, item in enumerate(doc["items"]) if item["check"] == "lobbyScope")
    doc["items"][index]["params"]["allowedScopes"] = ["invitees"]
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, doc))
    assert err.value.pointer == f"/items/{index}/params/allowedScopes" and "'invitees'" in err.value.message


def test_a_duplicate_item_id_is_refused(tmp_path: Path) -> None:
    doc = regime_doc()
    doc["items"].append(doc["items"][0])
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, doc))
    assert err.value.pointer == f"/items/{len(doc['items']) - 1}/id"


def test_a_fraction_larger_than_one_is_refused(tmp_path: Path) -> None:
    doc = regime_doc()
    doc["quorum"]["fraction"] = [3, 2]
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, doc))
    assert err.value.pointer == "/quorum/fraction"


def test_a_bad_override_is_reported_in_the_config_where_it_was_written() -> None:
    with pytest.raises(InputError) as err:
        regime("intercommunal-teleconference", quorumFraction=[0, 2])
    assert (err.value.file, err.value.pointer) == ("m365gov.toml", "/council/parameters/quorumFraction")
    with pytest.raises(InputError) as err:
        regime("in-person-broadcast", recording="sometimes")
    assert err.value.pointer == "/council/parameters/recording" and "automatic" in err.value.message


def test_an_unknown_override_is_refused_with_the_regime_s_parameters() -> None:
    with pytest.raises(InputError) as err:
        regime("in-person-broadcast", recordng="allowed")
    assert err.value.pointer == "/council/parameters/recordng" and "recording" in err.value.message


def test_a_reference_to_an_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    doc = regime_doc()
    doc["proxies"]["maxPerHolder"] = "[parameters('proxiesPerHolder')]"
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, doc))
    assert err.value.pointer == "/proxies/maxPerHolder" and "proxiesPerHolder" in err.value.message


def test_a_regime_file_must_be_named_after_its_id(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_regime(_write(tmp_path, regime_doc(), name="other.regime.json"))
    assert "in-person-broadcast.regime.json" in err.value.message and err.value.pointer == "/id"


def test_a_regime_document_is_checked_without_a_file() -> None:
    assert compile_regime(regime_doc("emergency-remote"), file=None).id == "emergency-remote"


def test_the_policy_loader_skips_regime_files_and_refuses_a_misnamed_one(tmp_path: Path) -> None:
    policies = load_policy_set([shipped_policy_dir()])
    assert all(not str(p.file).endswith(".regime.json") for p in policies.policies)
    _write(tmp_path, regime_doc(), name="council.json")
    with pytest.raises(InputError) as err:
        load_policy_set([tmp_path])
    assert "council regime" in err.value.message and err.value.pointer == "/schema"


def test_an_unknown_regime_id_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        find_regime("remote", [shipped_regime_dir()])
    assert "emergency-remote" in err.value.message and "in-person-broadcast" in err.value.message


def test_a_town_folder_of_regimes_is_searched_first(tmp_path: Path) -> None:
    doc = regime_doc()
    doc["title"]["fr"] = "Version de la ville"
    _write(tmp_path, doc)
    path = find_regime("in-person-broadcast", [tmp_path, shipped_regime_dir()])
    assert path.parent == tmp_path and load_regime(path).title["fr"] == "Version de la ville"
