"""Council regimes as data: ``policies/council/*.regime.json``, checked and compiled.

A regime file holds the legal frame of one kind of session (quorum, proxies, votes, the items of the
checklist with their sources). Nothing legal lives in Python: the code only knows *how* to check
(:mod:`m365gov.checklist.kinds`). Loading is strict, like policies: the shipped JSON Schema first,
then parameters, check settings and cross-references, each problem reported with its file and JSON
pointer (exit 2).

Why the ``.regime.json`` suffix: the policy loader reads every ``*.json`` under ``policies/`` as a
policy; it skips files with this suffix (:data:`m365gov.policy.loader.REGIME_SUFFIX`), and refuses a
regime document under another name, so that neither loader silently takes the other's files.

Parameters: a value written ``"[parameters('name')]"`` is replaced by the parameter's default or by
the config's ``[council.parameters]`` override. A bad override is reported where it was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from m365gov.checklist.kinds import CHECK_PARAMS
from m365gov.checklist.model import Text
from m365gov.checklist.quorum import COMPARISONS, QuorumRule
from m365gov.errors import InputError, json_pointer
from m365gov.jsonio import read_json
from m365gov.policy.loader import REGIME_SUFFIX
from m365gov.policy.parameters import ParameterSpec, ParamValue, param_ref, parse_parameters
from m365gov.schemas import validate

REGIME_SCHEMA_ID: Final = "m365gov/council-regime@1"
DEFAULT_REGIME: Final = "in-person-broadcast"
"""The permanent regime: an in-person session broadcast on Teams (council.md §1)."""


@dataclass(frozen=True)
class LegalRef:
    """A text the regime rests on: its name, what it says, how sure we are, where to read it."""

    ref: str
    summary: Text
    confidence: str
    url: str | None = None


@dataclass(frozen=True)
class ReadyRule:
    """What makes a member ready to take part remotely (readiness-view verdicts).

    Attributes:
        teams_licence: an enabled Teams service plan is required.
        microphone / camera: verdicts that count as working (``observed``, ``declared``…).
        camera_required: ``False`` when audio alone is admitted (video, or failing that audio).
    """

    teams_licence: bool = True
    microphone: tuple[str, ...] = ("observed", "declared")
    camera: tuple[str, ...] = ("observed", "declared")
    camera_required: bool = False


@dataclass(frozen=True)
class ProxyRule:
    """Limits on proxies: per holder, consecutive sessions, and whether illness lifts the latter."""

    max_per_holder: int
    max_consecutive_sessions: int
    illness_extends: bool
    source: tuple[str, ...]
    description: Text


@dataclass(frozen=True)
class ItemRule:
    """One checklist item as the regime file defines it (``params`` already substituted)."""

    id: str
    check: str
    severity: str
    title: Text
    description: Text | None
    source: tuple[str, ...]
    params: Mapping[str, Any]
    declarable: bool
    pointer: str


@dataclass(frozen=True)
class Regime:
    """A compiled regime.

    Attributes:
        id / title / description: as in the file.
        in_force: ``False`` for a lapsed regime (the emergency one).
        valid_from / valid_until: when it applied (open ends are ``None``); ``validity_note`` says more.
        requires_emergency_text: a session under it needs an emergency text, declared by the DSI.
        legal_basis: the texts it rests on, with confidence markers.
        mode: ``remote``, ``inPerson`` or ``meetingPlaces``; ``ready``: what makes a member ready.
        participation_note: the participation rule in words.
        quorum / proxies: the rules, values substituted.
        secret_ballot: ``allowed`` or ``postpone``; ``votes`` / ``votes_source``: in words, and why.
        parameters: every parameter's value and where it came from.
        items: the checklist items, in file order.
        file: the file it was read from.
    """

    id: str
    title: Text
    description: Text
    in_force: bool
    valid_from: date | None
    valid_until: date | None
    validity_note: Text | None
    requires_emergency_text: bool
    legal_basis: tuple[LegalRef, ...]
    mode: str
    ready: ReadyRule
    participation_note: Text | None
    quorum: QuorumRule
    proxies: ProxyRule
    secret_ballot: str
    votes: Text
    votes_source: tuple[str, ...]
    parameters: Mapping[str, ParamValue]
    items: tuple[ItemRule, ...]
    file: str | None

    def item(self, item_id: str) -> ItemRule | None:
        return next((i for i in self.items if i.id == item_id), None)


def is_regime_file(path: str | Path) -> bool:
    """The naming rule shared with the policy loader."""
    return str(path).endswith(REGIME_SUFFIX)


def regime_files(paths: Sequence[str | Path]) -> list[Path]:
    """Regime files among files and directories (searched recursively), sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob(f"*{REGIME_SUFFIX}") if f.is_file()))
        elif is_regime_file(p) and p.is_file():
            out.append(p)
    return out


def find_regime(name: str, search: Sequence[Path]) -> Path:
    """A regime by id (``in-person-broadcast``) in ``search`` directories, or by path."""
    as_path = Path(name)
    if is_regime_file(name) or as_path.suffix == ".json" or "/" in name:
        if not as_path.is_file():
            raise InputError("council regime file not found", file=name)
        return as_path
    known: dict[str, Path] = {}
    for path in regime_files([d for d in search if d.is_dir()]):
        rid = path.name[: -len(REGIME_SUFFIX)]
        known.setdefault(rid, path)
    if name not in known:
        raise InputError(
            f"unknown council regime {name!r}; known: {', '.join(sorted(known)) or 'none'} "
            f"(files named <id>{REGIME_SUFFIX} in {', '.join(map(str, search))})"
        )
    return known[name]


def load_regime(path: str | Path, overrides: Mapping[str, Any] | None = None, *,
                config_file: str | None = None,
                overrides_pointer: tuple[str, ...] = ("council", "parameters")) -> Regime:
    """Read, validate and compile one regime file with the town's parameter overrides."""
    file = str(path)
    doc = read_json(path, what="council regime file")
    return compile_regime(doc, file=file, overrides=overrides or {}, config_file=config_file,
                          overrides_pointer=overrides_pointer)


def compile_regime(doc: Any, *, file: str | None, overrides: Mapping[str, Any] | None = None,
                   config_file: str | None = None,
                   overrides_pointer: tuple[str, ...] = ("council", "parameters")) -> Regime:
    """Check a regime document (schema, then semantics) and substitute its parameters."""
    validate("council-regime", doc, file=file)
    if file and not is_regime_file(file):
        raise InputError(f"a council regime file must be named <id>{REGIME_SUFFIX}", file=file, pointer="/schema")
    if file and Path(file).name != f"{doc['id']}{REGIME_SUFFIX}":
        raise InputError(f"the file name must be {doc['id']}{REGIME_SUFFIX} (its id)", file=file, pointer="/id")
    specs = parse_parameters(doc.get("parameters", {}), file=file)
    values = _resolve(specs, overrides or {}, file, config_file, overrides_pointer)
    sub = _Substituter(values, file)
    body = {k: sub.walk(v, (k,)) for k, v in doc.items() if k != "parameters"}
    quorum = _quorum(body["quorum"], sub)
    validity = body.get("validity") or {}
    return Regime(
        id=body["id"],
        title=body["title"],
        description=body["description"],
        in_force=body["inForce"],
        valid_from=_date(validity.get("from"), sub, ("validity", "from")),
        valid_until=_date(validity.get("until"), sub, ("validity", "until")),
        validity_note=validity.get("note"),
        requires_emergency_text=body.get("requiresEmergencyText", False),
        legal_basis=tuple(LegalRef(r["ref"], r["summary"], r["confidence"], r.get("url")) for r in body["legalBasis"]),
        mode=body["participation"]["mode"],
        ready=_ready(body["participation"].get("ready") or {}, sub),
        participation_note=body["participation"].get("description"),
        quorum=quorum,
        proxies=_proxies(body["proxies"], sub),
        secret_ballot=body["votes"]["secretBallot"],
        votes=body["votes"]["description"],
        votes_source=tuple(body["votes"]["source"]),
        parameters=values,
        items=_items(body["items"], sub),
        file=file,
    )


def _resolve(specs: Mapping[str, ParameterSpec], overrides: Mapping[str, Any], file: str | None,
             config_file: str | None, at: tuple[str, ...]) -> dict[str, ParamValue]:
    values = {n: ParamValue(s.default, file, json_pointer(("parameters", n, "default"))) for n, s in specs.items()}
    for name, value in overrides.items():
        pointer = json_pointer((*at, name))
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs)) or "none"
            raise InputError(f"this council regime has no parameter {name!r} (its parameters: {known})",
                             file=config_file, pointer=pointer)
        problem = spec.problem(value)
        if problem is not None:
            raise InputError(f"parameter {name!r}: {problem}", file=config_file, pointer=pointer)
        values[name] = ParamValue(value, config_file, pointer)
    return values


class _Substituter:
    """Replaces ``"[parameters('x')]"`` values and remembers where each substituted value came from."""

    def __init__(self, values: Mapping[str, ParamValue], file: str | None) -> None:
        self.values = values
        self.file = file
        self.origin: dict[tuple[str | int, ...], ParamValue] = {}

    def walk(self, value: Any, at: tuple[str | int, ...]) -> Any:
        if isinstance(value, dict):
            return {k: self.walk(v, (*at, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, (*at, i)) for i, v in enumerate(value)]
        try:
            name = param_ref(value)
        except ValueError as exc:
            raise InputError(str(exc), file=self.file, pointer=json_pointer(at)) from None
        if name is None:
            return value
        found = self.values.get(name)
        if found is None:
            known = ", ".join(sorted(self.values)) or "none"
            raise InputError(f"unknown parameter {name!r}; declared: {known}", file=self.file, pointer=json_pointer(at))
        self.origin[at] = found
        return found.value

    def error(self, message: str, at: tuple[str | int, ...]) -> InputError:
        """An error at ``at``, or where the parameter substituted there was written."""
        origin = self.origin.get(at)
        if origin is not None:
            return InputError(message, file=origin.file, pointer=origin.pointer)
        return InputError(message, file=self.file, pointer=json_pointer(at))


def _quorum(q: Mapping[str, Any], sub: _Substituter) -> QuorumRule:
    frac = q["fraction"]
    if not (isinstance(frac, list) and len(frac) == 2 and all(type(x) is int and x >= 1 for x in frac)
            and frac[0] <= frac[1]):
        raise sub.error(f"quorum fraction: expected [numerator, denominator], positive integers with "
                        f"numerator <= denominator, got {frac!r}", ("quorum", "fraction"))
    if q["comparison"] not in COMPARISONS:
        raise sub.error(f"quorum comparison: got {q['comparison']!r}, expected one of {', '.join(COMPARISONS)}",
                        ("quorum", "comparison"))
    represented = _bool(q["countRepresented"], sub, ("quorum", "countRepresented"))
    margin = q.get("warnMargin", 0)
    if type(margin) is not int or margin < 0:
        raise sub.error(f"warnMargin: expected an integer >= 0, got {margin!r}", ("quorum", "warnMargin"))
    return QuorumRule(frac[0], frac[1], q["comparison"], q["present"], represented, margin, tuple(q["source"]),
                      q["description"])


def _proxies(p: Mapping[str, Any], sub: _Substituter) -> ProxyRule:
    for key in ("maxPerHolder", "maxConsecutiveSessions"):
        if type(p[key]) is not int or p[key] < 1:
            raise sub.error(f"{key}: expected an integer >= 1, got {p[key]!r}", ("proxies", key))
    return ProxyRule(p["maxPerHolder"], p["maxConsecutiveSessions"],
                     _bool(p["illnessExtends"], sub, ("proxies", "illnessExtends")), tuple(p["source"]),
                     p["description"])


def _ready(r: Mapping[str, Any], sub: _Substituter) -> ReadyRule:
    verdicts = ("observed", "declared", "unknown", "faulty")
    out: dict[str, Any] = {}
    for key, attr in (("microphone", "microphone"), ("camera", "camera")):
        if key in r:
            value = r[key]
            if not isinstance(value, list) or any(v not in verdicts for v in value):
                raise sub.error(f"{key}: expected an array of {', '.join(verdicts)}, got {value!r}",
                                ("participation", "ready", key))
            out[attr] = tuple(value)
    for key, attr in (("teamsLicence", "teams_licence"), ("cameraRequired", "camera_required")):
        if key in r:
            out[attr] = _bool(r[key], sub, ("participation", "ready", key))
    return ReadyRule(**out)


def _bool(value: Any, sub: _Substituter, at: tuple[str | int, ...]) -> bool:
    if not isinstance(value, bool):
        raise sub.error(f"expected true or false, got {value!r}", at)
    return value


def _items(raw: list[Mapping[str, Any]], sub: _Substituter) -> tuple[ItemRule, ...]:
    seen: set[str] = set()
    items = []
    for i, item in enumerate(raw):
        at: tuple[str | int, ...] = ("items", i)
        if item["id"] in seen:
            raise sub.error(f"duplicate item id {item['id']!r}", (*at, "id"))
        seen.add(item["id"])
        specs = CHECK_PARAMS[item["check"]]
        params = dict(item.get("params") or {})
        for name, value in params.items():
            spec = specs.get(name)
            if spec is None:
                known = ", ".join(sorted(specs)) or "none"
                raise sub.error(f"check {item['check']!r} takes no setting {name!r} (its settings: {known})",
                                (*at, "params", name))
            problem = spec.problem(value)
            if problem is not None:
                raise sub.error(f"{name}: {problem}", (*at, "params", name))
        missing = [n for n, s in specs.items() if s.required and n not in params]
        if missing:
            raise sub.error(f"check {item['check']!r} needs the setting(s) {', '.join(missing)}", (*at, "params"))
        items.append(ItemRule(item["id"], item["check"], item["severity"], item["title"], item.get("description"),
                              tuple(item["source"]), params, bool(item.get("declarable", False)), json_pointer(at)))
    return tuple(items)


def _date(value: str | None, sub: _Substituter, at: tuple[str | int, ...]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise sub.error(f"not a calendar date: {value!r} (expected YYYY-MM-DD)", at) from None
