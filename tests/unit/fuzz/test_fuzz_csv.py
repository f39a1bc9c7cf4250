"""The DSI's CSV files, random or mutated: rows and line-numbered errors, or one precise refusal.

Spreadsheet exports arrive with ``;`` or ``,``, a BOM or none, Windows-1252 accents, stray quotes,
cells shifted by a separator inside a value, truncated lines. Whatever the bytes, a CSV loader gives
either what it could read (each row and each rejected row with its line number) or its own error
type naming the file and the line — never a traceback.

Loaders under test are listed in :data:`CSV_LOADERS`, each with the well-formed file its mutations
start from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m365gov.checklist.proxies import ProxiesFile, load_proxies, parse_proxies
from m365gov.collect.base import SourceUnavailable
from m365gov.collect.inventory import Inventory, InventoryFileError, parse_inventory, read_inventory
from m365gov.emulator import generate_tenant
from m365gov.errors import InputError

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class CsvLoader:
    """One CSV loader under fuzz.

    Attributes:
        parse: bytes → a result; raises only ``error`` (with a ``line`` attribute) on a file it refuses.
        check: asserts what a result must satisfy (every row and row error carries a line of the file).
        error: the loader's refusal type.
        read_file: the loader as a source or command reads a file: must refuse with ``path:line``.
        valid: a well-formed file to mutate.
    """

    parse: Callable[[bytes], object]
    check: Callable[[object, bytes], None]
    error: type[Exception]
    read_file: Callable[[Path], object]
    valid: bytes


def _check_inventory(result: object, data: bytes) -> None:
    assert isinstance(result, Inventory)
    lines = max(1, data.count(b"\n") + data.count(b"\r") + 1)
    for row in result.rows:
        assert isinstance(row["line"], int) and 2 <= row["line"] <= lines, row
        assert "@" in row["userPrincipalName"]
    for err in result.errors:
        assert isinstance(err["line"], int) and 1 <= err["line"] <= lines and err["message"], err


def _read_inventory_file(path: Path) -> object:
    try:
        return read_inventory(path)
    except SourceUnavailable as exc:
        assert exc.status == "error" and exc.detail.startswith(f"{path}:")
        return exc


INVENTORY = CsvLoader(
    parse=parse_inventory,
    check=_check_inventory,
    error=InventoryFileError,
    read_file=_read_inventory_file,
    valid=generate_tenant(users=80).inventory_csv().encode("utf-8"),
)

def _demo_proxies() -> bytes:
    import tempfile

    from m365gov.demo_council import write_demo_council_files

    with tempfile.TemporaryDirectory() as tmp:
        proxies, _ = write_demo_council_files(generate_tenant(users=80), Path(tmp))
        return proxies.read_bytes()


def _parse_proxies(data: bytes) -> object:
    """The proxies loader on bytes, as :func:`load_proxies` reads a file (UTF-8 or refused at line 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the proxies file is not UTF-8 text", file="procurations.csv", line=1) from None
    return parse_proxies(text, file="procurations.csv")


def _check_proxies(result: object, data: bytes) -> None:
    assert isinstance(result, ProxiesFile)
    lines = max(1, data.count(b"\n") + data.count(b"\r") + 1)
    for proxy in result.proxies:
        assert 2 <= proxy.line <= lines and proxy.giver and proxy.holder and proxy.sessions >= 1, proxy


def _read_proxies_file(path: Path) -> object:
    try:
        return load_proxies(path)
    except InputError as exc:
        assert exc.file == str(path) and str(exc).startswith(str(path))
        return exc


PROXIES = CsvLoader(
    parse=_parse_proxies,
    check=_check_proxies,
    error=InputError,
    read_file=_read_proxies_file,
    valid=_demo_proxies(),
)

CSV_LOADERS: dict[str, CsvLoader] = {"inventory": INVENTORY, "proxies": PROXIES}

# -- inputs -------------------------------------------------------------------------------------------

CELL_TEXT = st.text(alphabet=st.sampled_from(list("aé@.;,\"'\t =+-x1oOnN/ \r\n\x00\ufeffçÉ")), max_size=12)
csv_like = st.lists(st.lists(CELL_TEXT, max_size=8), max_size=8).flatmap(
    lambda rows: st.sampled_from([";", ",", "\t"]).map(lambda sep: "\n".join(sep.join(r) for r in rows))
).flatmap(lambda text: st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]).map(
    lambda enc: text.encode(enc, errors="replace")))


@st.composite
def mutated_lines(draw: st.DrawFn, valid: bytes) -> bytes:
    """A well-formed file with lines dropped, doubled, swapped, cut short or salted with separators,
    quotes and bytes that are not UTF-8."""
    lines = valid.split(b"\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "cut", "salt", "header"]))
        if action == "drop":
            del lines[i]
        elif action == "double":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(min_value=0, max_value=max(0, len(lines[i]) - 1)))]
        elif action == "salt":
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            salt = draw(st.sampled_from([b";", b",", b'"', b'""', b"\r", b"\xe9", b"\xff\xfe", b"\x00", b"\t"]))
            lines[i] = lines[i][:at] + salt + lines[i][at:]
        else:
            lines[0] = draw(st.sampled_from([b"", b"upn;camera", b"email,webcam", b"\xef\xbb\xbfUPN;Cam\xe9ra"]))
    return b"\n".join(lines)


def _parse_cleanly(loader: CsvLoader, data: bytes) -> None:
    try:
        result = loader.parse(data)
    except loader.error as exc:
        line = getattr(exc, "line", None)
        assert isinstance(line, int) and line >= 1 and str(exc), exc
    else:
        loader.check(result, data)


# -- properties ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CSV_LOADERS))
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_are_read_or_refused_with_a_line(name: str, data: bytes) -> None:
    _parse_cleanly(CSV_LOADERS[name], data)


@pytest.mark.parametrize("name", sorted(CSV_LOADERS))
@FUZZ
@given(data=csv_like)
def test_random_csv_is_read_or_refused_with_a_line(name: str, data: bytes) -> None:
    _parse_cleanly(CSV_LOADERS[name], data)


@pytest.mark.parametrize("name", sorted(CSV_LOADERS))
@FUZZ
@given(data=st.data())
def test_a_mutated_export_is_read_or_refused_with_a_line(name: str, data: st.DataObject) -> None:
    loader = CSV_LOADERS[name]
    _parse_cleanly(loader, data.draw(mutated_lines(loader.valid)))


@pytest.mark.parametrize("name", sorted(CSV_LOADERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_file_that_cannot_be_used_names_itself_and_its_line(
    name: str, data: st.DataObject, tmp_path: Path
) -> None:
    loader = CSV_LOADERS[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data.draw(mutated_lines(loader.valid) | st.binary(max_size=200)))
    loader.read_file(path)


def test_the_files_used_as_seeds_are_read() -> None:
    """(The demo town's inventory has a seeded bad row on purpose: rows and an error, not a refusal.)"""
    for name, loader in CSV_LOADERS.items():
        result = loader.parse(loader.valid)
        loader.check(result, loader.valid)
        assert getattr(result, "rows", None) or getattr(result, "proxies", None), name
