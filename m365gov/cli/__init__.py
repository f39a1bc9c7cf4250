"""The command line: a thin Click layer that parses arguments and calls the library.

One module per command family registers its commands on :data:`main` when imported; adding a
family is adding a module and a line below. Imports of the library stay inside the commands:
``m365gov --help`` must start about as fast as Click itself, and ``audit --snapshot`` must never
import msgraph (~1 s).
"""

from m365gov.cli import (  # noqa: F401  (registers the commands)
    audit,
    checklist,
    demo,
    drift,
    emulator,
    keys,
    policies,
    report,
    setup,
    trend,
)
from m365gov.cli.app import main

__all__ = ["main"]
