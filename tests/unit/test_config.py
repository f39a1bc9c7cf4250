"""The configuration file: what it accepts, what it refuses, and how precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from m365gov.config import load_config
from m365gov.errors import InputError
from m365gov.init import EXAMPLE_CONFIG, write_example_config


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m365gov.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_example_written_by_init_is_a_valid_config(tmp_path: Path) -> None:
    path = tmp_path / "m365gov.toml"
    write_example_config(path)
    config = load_config(path)
    assert config.auth.mode == "certificate" and config.graph.base_url == "https://graph.microsoft.com/v1.0"


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant_id = 'mine'\n")
    with pytest.raises(InputError, match="--force"):
        write_example_config(path)
    assert path.read_text() == "tenant_id = 'mine'\n"
    write_example_config(path, force=True)
    assert path.read_text() == EXAMPLE_CONFIG


def test_relative_paths_resolve_against_the_config_directory(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'tenant_id = "t"\n[auth]\nmode = "certificate"\nclient_id = "c"\ncertificate_path = "app.pem"\n'
        '[waivers]\nfile = "waivers.json"\n',
    )
    config = load_config(path)
    assert config.auth.certificate_path == tmp_path / "app.pem"
    assert config.waivers_file == tmp_path / "waivers.json"


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[graph\nendpoint = "global"\n')
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.line == 2 and err.value.file == str(path) and "invalid TOML" in err.value.message


def test_an_unknown_key_is_refused_with_its_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[graph]\nendpont = "global"\n')
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.pointer == "/graph" and "endpont" in err.value.message


def test_a_missing_tenant_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tenant_id"):
        load_config(_write(tmp_path, "[graph]\nendpoint = 'global'\n"))


def test_a_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[collect]\nconcurrency = "eight"\n')
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.pointer == "/collect/concurrency" and "expected integer" in err.value.message


def test_plain_http_is_only_allowed_on_loopback(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[graph]\nendpoint = "http://graph.example/v1.0"\n')
    with pytest.raises(InputError, match=r"127\.0\.0\.1"):
        load_config(path)


def test_the_emulator_credential_is_refused_for_a_real_endpoint(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[auth]\nmode = "emulator"\n')
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.pointer == "/auth/mode"


@pytest.mark.parametrize(
    ("endpoint", "base", "scope"),
    [
        ("global", "https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/.default"),
        ("usgov", "https://graph.microsoft.us/v1.0", "https://graph.microsoft.us/.default"),
        ("china", "https://microsoftgraph.chinacloudapi.cn/v1.0", "https://microsoftgraph.chinacloudapi.cn/.default"),
        (
            "https://graph.sovereign.example/v1.0/",
            "https://graph.sovereign.example/v1.0",
            "https://graph.sovereign.example/.default",
        ),
        ("http://127.0.0.1:8765/v1.0", "http://127.0.0.1:8765/v1.0", "https://graph.microsoft.com/.default"),
    ],
)
def test_each_endpoint_gives_its_base_url_and_scope(tmp_path: Path, endpoint: str, base: str, scope: str) -> None:
    config = load_config(
        _write(tmp_path, f'tenant_id = "t"\n[graph]\nendpoint = "{endpoint}"\n[auth]\nmode = "managed_identity"\n')
    )
    assert (config.graph.base_url, config.graph.scope) == (base, scope)


def test_a_certificate_mode_without_a_client_id_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[auth]\nmode = "certificate"\ncertificate_path = "a.pem"\n')
    with pytest.raises(InputError, match="client_id"):
        load_config(path)


def test_a_missing_file_suggests_init(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="m365gov init"):
        load_config(tmp_path / "absent.toml")


def test_teams_sections_are_read_and_paths_resolve_against_the_config(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'tenant_id = "t"\n[auth]\nmode = "client_secret"\nclient_id = "c"\n'
        '[reports]\nperiod = "D90"\n[inventory]\ncsv = "inv.csv"\n'
        '[council]\ngroup_id = "6a0e4b0c-2f3d-4c5e-8a9b-0c1d2e3f4a5b"\nchamber_device = "Salle du conseil"\n'
        "[history]\n",
    )
    config = load_config(path)
    assert config.teams.report_period == "D90"
    assert config.teams.inventory_csv == tmp_path / "inv.csv"
    assert config.teams.council_group_id == "6a0e4b0c-2f3d-4c5e-8a9b-0c1d2e3f4a5b"
    assert config.teams.chamber_device == "Salle du conseil"
    assert config.history_dir == tmp_path / "reports" / "history"


def test_without_a_history_table_no_history_is_kept(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, 'tenant_id = "t"\n[auth]\nmode = "client_secret"\nclient_id = "c"\n'))
    assert config.history_dir is None and config.teams.report_period == "D30"


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('[reports]\nperiod = "D31"\n', "/reports/period"),
        ('[council]\ngroup_id = "conseil"\n', "/council/group_id"),
        ("[inventory]\n", "/inventory"),
    ],
)
def test_bad_teams_settings_name_their_key(tmp_path: Path, text: str, pointer: str) -> None:
    path = _write(tmp_path, 'tenant_id = "t"\n[auth]\nmode = "client_secret"\nclient_id = "c"\n' + text)
    with pytest.raises(InputError) as err:
        load_config(path)
    assert err.value.pointer == pointer and err.value.file == str(path)
