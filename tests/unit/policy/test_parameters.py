"""Parameters: declarations, references, defaults and per-tenant overrides from the config file."""

from __future__ import annotations

from typing import Any

import pytest

from m365gov.errors import InputError
from m365gov.policy import PolicySet

from .support import load


def error(**members: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load(**members)
    return info.value


def policy_set(**members: Any) -> PolicySet:
    return PolicySet((load(**members),))


def test_parameters_are_substituted_with_their_defaults() -> None:
    (cp,) = policy_set().compile()
    assert cp.parameters == {"allowed": ["FR"]}
    assert cp.assert_.to_json() == {"field": "usageLocation", "in": ["FR"]}


def test_an_override_replaces_the_default() -> None:
    (cp,) = policy_set().compile(overrides={"RES-003": {"allowed": ["FR", "MC"]}}, config_file="m365gov.toml")
    assert cp.parameters == {"allowed": ["FR", "MC"]}
    assert cp.assert_.describe() == 'usageLocation in ["FR", "MC"]'


def test_default_of_the_wrong_type_is_refused() -> None:
    err = error(parameters={"allowed": {"type": "array", "default": "FR"}})
    assert err.pointer == "/parameters/allowed/default"


@pytest.mark.parametrize(
    ("type_", "default"),
    [("integer", 1.5), ("integer", True), ("number", "1"), ("boolean", 0), ("object", []), ("string", None)],
)
def test_defaults_are_checked_against_json_types(type_: str, default: Any) -> None:
    err = error(
        parameters={"allowed": {"type": type_, "default": default}}, **{"assert": {"field": "score", "exists": True}}
    )
    assert err.pointer == "/parameters/allowed/default"


def test_default_outside_allowed_values_is_refused() -> None:
    err = error(parameters={"allowed": {"type": "array", "default": ["FR"], "allowedValues": [["FRA"]]}})
    assert err.pointer == "/parameters/allowed/default"


def test_unknown_parameter_reference_points_at_the_value() -> None:
    err = error(**{"assert": {"field": "usageLocation", "in": "[parameters('alowed')]"}})
    assert err.pointer == "/assert/in"
    assert "did you mean 'allowed'" in err.message


def test_malformed_parameter_reference_is_refused() -> None:
    err = error(**{"assert": {"field": "usageLocation", "in": "[parameters(allowed)]"}})
    assert err.pointer == "/assert/in"


def test_parameter_of_the_wrong_type_for_the_operator_is_refused_at_the_condition() -> None:
    err = error(
        parameters={"allowed": {"type": "string", "default": "FR"}},
        **{"assert": {"field": "usageLocation", "in": "[parameters('allowed')]"}},
    )
    assert err.pointer == "/assert/in"
    assert "array" in err.message


def test_override_for_an_unknown_policy_is_refused() -> None:
    with pytest.raises(InputError) as info:
        policy_set().compile(overrides={"RES-999": {"allowed": ["FR"]}}, config_file="m365gov.toml")
    assert (info.value.file, info.value.pointer) == ("m365gov.toml", "/parameters/RES-999")


def test_override_of_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(InputError) as info:
        policy_set().compile(overrides={"RES-003": {"alowed": ["FR"]}}, config_file="m365gov.toml")
    assert (info.value.file, info.value.pointer) == ("m365gov.toml", "/parameters/RES-003/alowed")


def test_override_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(InputError) as info:
        policy_set().compile(overrides={"RES-003": {"allowed": "FR"}}, config_file="m365gov.toml")
    assert (info.value.file, info.value.pointer) == ("m365gov.toml", "/parameters/RES-003/allowed")
    assert "array" in info.value.message


def test_override_outside_allowed_values_is_refused() -> None:
    ps = policy_set(
        parameters={"allowed": {"type": "array", "default": ["FR"], "allowedValues": [["FR"], ["FR", "MC"]]}}
    )
    ps.compile(overrides={"RES-003": {"allowed": ["FR", "MC"]}}, config_file="c.toml")
    with pytest.raises(InputError) as info:
        ps.compile(overrides={"RES-003": {"allowed": ["BE"]}}, config_file="c.toml")
    assert info.value.pointer == "/parameters/RES-003/allowed"


def test_an_override_that_breaks_a_condition_is_reported_in_the_config() -> None:
    ps = policy_set(
        parameters={"pattern": {"type": "string", "default": "[A-Z]{2}"}},
        **{"assert": {"field": "usageLocation", "match": "[parameters('pattern')]"}},
    )
    with pytest.raises(InputError) as info:
        ps.compile(overrides={"RES-003": {"pattern": "[A-Z"}}, config_file="c.toml")
    assert (info.value.file, info.value.pointer) == ("c.toml", "/parameters/RES-003/pattern")
    assert "/assert/match" in info.value.message


def test_threshold_may_be_a_parameter_overridden_per_tenant() -> None:
    ps = policy_set(
        parameters={"allowed": {"type": "array", "default": ["FR"]}, "target": {"type": "number", "default": 0.9}},
        threshold={"minPassRatio": "[parameters('target')]"},
    )
    assert ps.compile()[0].min_pass_ratio == 0.9
    assert ps.compile(overrides={"RES-003": {"target": 0.5}})[0].min_pass_ratio == 0.5
    with pytest.raises(InputError) as info:
        ps.compile(overrides={"RES-003": {"target": 1.5}}, config_file="c.toml")
    assert info.value.pointer == "/parameters/RES-003/target"


def test_literal_threshold_out_of_range_is_a_schema_error() -> None:
    assert error(threshold={"minPassRatio": 1.5}).pointer == "/threshold/minPassRatio"


def test_disabled_policies_are_not_compiled() -> None:
    assert policy_set().compile(disabled={"RES-003"}) == []


def test_policies_disabled_in_their_file_are_not_compiled() -> None:
    assert policy_set(enabled=False).compile() == []


def test_overrides_of_a_disabled_policy_are_still_checked() -> None:
    with pytest.raises(InputError):
        policy_set().compile(overrides={"RES-003": {"allowed": 3}}, disabled={"RES-003"}, config_file="c.toml")


def test_disabling_an_unknown_policy_is_refused() -> None:
    with pytest.raises(InputError) as info:
        policy_set().compile(disabled={"RES-042"}, config_file="c.toml")
    assert info.value.file == "c.toml"
    assert "RES-042" in info.value.message
