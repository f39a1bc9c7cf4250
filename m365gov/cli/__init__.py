"""The command line: a thin Click layer that parses arguments and calls the library.

One module per command family registers its commands on :data:`main` when imported; adding a
family is adding a module and a line in :data:`m365gov.cli.app.COMMANDS`, which imports it when
one of its commands runs. Imports of the library stay inside the commands: ``m365gov --help`` must
start about as fast as Click itself, and ``audit --snapshot`` must never import msgraph (~1 s).
"""

from m365gov.cli.app import main

__all__ = ["main"]
