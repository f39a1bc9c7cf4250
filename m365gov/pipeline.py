"""The library behind the commands: load policies, plan and run a collection, evaluate.

Everything the CLI does is callable from here, so a scheduler or a notebook gets the same behaviour
as ``m365gov audit``. Nothing in this module imports msgraph: collection is imported only when a
collection runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.heap import gc_paused
from m365gov.policy import CompiledPolicy, PolicySet, evaluate, load_policies
from m365gov.policy.model import source_name
from m365gov.results import Results
from m365gov.snapshot.model import Snapshot
from m365gov.views import VIEWS

if TYPE_CHECKING:
    from m365gov.collect.base import ProgressHook
    from m365gov.collect.runner import Collection


def shipped_policy_dir() -> Path:
    """The policy set that ships with m365gov.

    ``m365gov/shipped_policies`` is a symbolic link to the repository's ``policies/``, so that a
    source checkout, an editable install and a wheel (which copies the files) all find the same set.
    """
    candidate = Path(__file__).parent / "shipped_policies"
    if candidate.is_dir():
        return candidate
    raise InputError("the shipped policies were not found; pass --policies PATH")


def load_policy_set(paths: Sequence[Path] = ()) -> PolicySet:
    """Load policy files or directories (the shipped set when none are given)."""
    return load_policies(list(paths) or [shipped_policy_dir()], VIEWS)


@dataclass(frozen=True)
class PolicySelection:
    """The policies a run judges with, and every policy id loaded.

    Attributes:
        enabled: the compiled, enabled policies (tenant parameters substituted).
        known_ids: every loaded id, disabled ones included, so that a waiver for a policy the
            config switched off is reported as unused rather than refused as a typo.
    """

    enabled: tuple[CompiledPolicy, ...]
    known_ids: tuple[str, ...]


def compile_policies(config: Config | None, paths: Sequence[Path] = ()) -> PolicySelection:
    """Load and compile the enabled policies with the tenant's parameter overrides."""
    chosen = list(paths) or (list(config.policy_paths) if config else [])
    policy_set = load_policy_set(chosen)
    if config is None:
        compiled = policy_set.compile()
    else:
        compiled = policy_set.compile(
            overrides=config.parameters,
            disabled=config.disabled_policies,
            config_file=config.display_path,
        )
    return PolicySelection(tuple(compiled), policy_set.ids)


def collection_plan(policies: Sequence[CompiledPolicy]) -> tuple[list[str], dict[str, frozenset[str]]]:
    """Which sources the policies need, and which raw properties each must ``$select``.

    A policy needs its view's sources (required and optional), the tenant view's when it has an
    applicability condition, and whatever its ``requires.sources`` names. Properties come from the
    first segment of every field path a policy reads, through the view's documented
    ``source_fields``; fields a view computes from nothing raw add nothing.
    """
    sources: dict[str, None] = {}
    select: dict[str, set[str]] = defaultdict(set)
    for p in policies:
        for view_name, paths in p.fields_read().items():
            view = VIEWS[view_name]
            sources.update(dict.fromkeys((*view.sources, *view.optional_sources)))
            for qualified in view.always_fields:
                source, _, prop = qualified.partition(".")
                select[source].add(prop)
            for path in paths:
                spec = view.fields.get(_first_segment(path))
                for qualified in spec.source_fields if spec else ():
                    source, _, prop = qualified.partition(".")
                    select[source].add(prop)
        sources.update(dict.fromkeys(source_name(s) for s in p.policy.requires.sources))
    return list(sources), {k: frozenset(v) for k, v in select.items()}


def _first_segment(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def collect_snapshot(
    config: Config,
    credential: Any,
    policies: PolicySelection,
    *,
    as_of: Any = None,
    progress: ProgressHook | None = None,
    checkpoint_dir: Path | None = None,
    resume: bool = False,
) -> Collection:
    """Collect what ``policies`` need (or the sources the config names).

    With ``checkpoint_dir`` each finished section is kept there as it completes; with ``resume`` the
    sections of an interrupted run with the same fingerprint are restored instead of collected
    (:mod:`m365gov.collect.checkpoint`). The caller removes the directory once the snapshot is safe.
    """
    from m365gov.collect.runner import collect
    from m365gov.keys.desired import plan_for_config

    plan_for_config(config)  # a bad key plan is an input error (exit 2), not a failed source
    sources, select = collection_plan(policies.enabled)
    if config.collect.sources:
        sources = list(config.collect.sources)
    checkpoint = None
    if checkpoint_dir is not None:
        from m365gov.collect.checkpoint import Checkpoint, fingerprint

        checkpoint = Checkpoint.open(checkpoint_dir, fingerprint(config, sources, select, as_of), resume=resume)
    return collect(
        config, credential, sources=sources, select=select, as_of=as_of, progress=progress, checkpoint=checkpoint
    )


def audit_snapshot(
    snapshot: Snapshot,
    policies: PolicySelection,
    *,
    waivers_file: Path | None = None,
    history_dir: Path | None = None,
) -> Results:
    """Evaluate a snapshot (pure: the snapshot's collection time is "now") and compute its metrics.

    ``metrics`` holds the adoption and readiness numbers (:mod:`m365gov.metrics`) and, when a
    history folder is given, ``history``: the earlier trend points of the same tenant, so that a
    report can chart them. Nothing is written here (see :func:`record_history`).
    """
    from dataclasses import replace

    from m365gov.history import earlier_points, point_from_results
    from m365gov.metrics import compute_metrics
    from m365gov.waivers import load_waivers

    waivers = load_waivers(waivers_file, policy_ids=policies.known_ids) if waivers_file else ()
    built: dict[str, Any] = {}
    with gc_paused():  # views and findings are acyclic; the collector would re-traverse the snapshot
        results = evaluate(snapshot, policies.enabled, views=VIEWS, waivers=waivers, built=built)
        metrics: dict[str, Any] = compute_metrics(snapshot, VIEWS, built)
    if history_dir is not None:
        point = point_from_results({"snapshot": results.snapshot.to_json(), "metrics": metrics})
        metrics["history"] = [
            {k: p.get(k) for k in ("collectedAt", "asOf", "adoption", "readiness")}
            for p in earlier_points(history_dir, point)
        ]
    return replace(results, metrics=metrics)


def record_history(history_dir: Path, results: Results) -> Path:
    """Keep this run's trend point in ``history_dir`` (atomically; same snapshot, same file)."""
    from m365gov.history import point_from_results, write_point

    point = point_from_results({"snapshot": results.snapshot.to_json(), "metrics": results.metrics})
    return write_point(history_dir, point)
