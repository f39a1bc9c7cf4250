"""The renderer interface: results JSON in, one document out.

Renderers read the results *JSON* (the same dict a results file holds), never the evaluator's
objects, so that ``m365gov report render`` can re-render any saved run offline and so that no
renderer can compute a verdict of its own. They may count, sort and group; they never judge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

Results = Mapping[str, Any]


@dataclass(frozen=True)
class RenderOptions:
    """How to render.

    Attributes:
        lang: ``fr`` or ``en``.
        color: emit terminal colours (terminal renderer only).
        width: terminal width in columns (terminal renderer only).
        max_items: resources listed per policy before "… and N more" (terminal).
        drift: a drift report (``m365gov/drift@1`` JSON) to show beside the results, when the run
            was compared with a baseline (Markdown and HTML show it; others ignore it).
    """

    lang: str = "en"
    color: bool = False
    width: int = 110
    max_items: int = 10
    drift: Mapping[str, Any] | None = None


class Renderer(ABC):
    """One output format.

    Class attributes:
        name: the ``--format`` value.
        extension: file extension of the format.
        filename: the stable file name used when several formats are written into a directory
            (CI steps and artifact rules depend on it: never change one).
        description: one line for ``--help``.
    """

    name: ClassVar[str]
    extension: ClassVar[str]
    filename: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def render(self, results: Results, options: RenderOptions) -> str:
        """Return the whole document as text."""
