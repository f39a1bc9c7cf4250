"""``python -m m365gov``: the same as the ``m365gov`` command."""

from m365gov.cli import main

main()
