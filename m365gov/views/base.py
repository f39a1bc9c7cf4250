"""The view interface: pure functions that join raw snapshot sections into what policies judge.

Policies address views, never HTTP or raw sections, so that a collector can change how it fetches
without touching a single policy, and so that a policy file can be validated (unknown field, unknown
view) without a snapshot.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from m365gov.snapshot.model import Snapshot

Resource = dict[str, Any]
"""One judged object (a user, a site, a key…): a plain dict, fast to evaluate and to serialise."""


@dataclass(frozen=True)
class FieldSpec:
    """A documented field of a view.

    Attributes:
        type: JSON type of the value (``string``, ``boolean``, ``number``, ``integer``, ``array``,
            ``object``, ``date-time`` or ``any``); nested paths below ``object``/``array`` are free.
        description: what the value means and where it comes from.
        source_fields: the raw properties a collector must fetch for this field (drives ``$select``).
    """

    type: str
    description: str
    source_fields: tuple[str, ...] = ()


def raw_field(source: str, prop: str, type_: str, description: str) -> FieldSpec:
    """A field read straight from one property of a source: policies naming it add it to ``$select``."""
    return FieldSpec(type_, description, (f"{source}.{prop}",))


class View(ABC):
    """A named, documented join over snapshot sections.

    Class attributes:
        name: how policies refer to the view.
        description: one sentence for ``m365gov policies show`` and the docs.
        sources: snapshot sections the view cannot do without: if one is not ``ok`` every policy on
            the view is ``not_evaluated`` with that source's reason.
        optional_sources: sections the view joins when they are ``ok`` (names for ids, say) and
            does without otherwise; a field that depends on one says so in its description.
        id_field / label_field: which fields identify a resource and name it for people.
        fields: the documented fields; a policy naming any other field is rejected when loaded.
        always_fields: raw properties (``"users.department"``) collected whenever the view is
            used, whatever fields the policies read: the view's own judgements (a verdict, a
            scope) and its readers beyond policies (the council checklist, metrics) need them.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    sources: ClassVar[tuple[str, ...]]
    optional_sources: ClassVar[tuple[str, ...]] = ()
    id_field: ClassVar[str] = "id"
    label_field: ClassVar[str] = "displayName"
    fields: ClassVar[Mapping[str, FieldSpec]]
    always_fields: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def build(self, snapshot: Snapshot) -> list[Resource]:
        """Join the sections into resources. Called only when every source in ``sources`` is ``ok``."""
