"""``m365gov checklist council``: the checklist of the next council session on Teams."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from m365gov.cli.app import main
from m365gov.errors import InputError

CHECKLIST_EXIT_HELP = (
    "\b\nExit codes:\n"
    "  0  no blocking item\n"
    "  1  a blocking item fails (the session cannot go ahead as it stands)\n"
    "  2  bad input (config, regime, proxies or declarations file, --meeting)\n"
    "  3  no blocking item found, but a blocking item could not be checked (unknown: evidence missing)\n"
    "  4  internal error"
)


@main.group()
def checklist() -> None:
    """Checklists produced from the tenant's state before an event."""


@checklist.command("council", epilog=CHECKLIST_EXIT_HELP)
@click.option("--meeting", required=True, metavar="JOIN_URL_OR_MEETING_ID",
              help="The session's Teams meeting: its join URL, short link, numeric meeting id or Graph id.")
@click.option("--organizer", metavar="UPN", help="Who organises the meeting (needed for a short link or a numeric "
              "id; default [council] organizer).")
@click.option("--regime", metavar="REGIME", help="Regime id (in-person-broadcast, emergency-remote, "
              "intercommunal-teleconference) or a *.regime.json file; default [council] regime.")
@click.option("--proxies", "proxies_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Proxies received (CSV: giver, holder, sessions[, illness, received, note]).")
@click.option("--declared", "declared_path", type=click.Path(dir_okay=False, path_type=Path),
              help="What the DSI declares done (JSON, schema council-declarations@1).")
@click.option("--format", "formats", default="md", show_default=True,
              help="md, html or json; several (comma-separated) need -o DIR.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (one format) or directory (council-checklist.md, .html, .json).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("-c", "--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def council(meeting: str, organizer: str | None, regime: str | None, proxies_path: Path | None,
            declared_path: Path | None, formats: str, output: Path | None, lang: str, config_path: Path) -> None:
    """Check that the next council session on Teams is lawful and will work.

    Reads the tenant (read-only): the council group's members with their Teams licence, activity,
    clients, camera and microphone evidence and phone; the chamber's Teams Rooms device; the meeting's
    options (OnlineMeetings.Read.All with an application access policy; Calendars.ReadBasic). Judges
    them, with the proxies and the declarations, against the regime's rules (policies/council/).
    French by default.
    """
    from m365gov.auth import credential_for
    from m365gov.checklist.outputs import parse_formats, render_checklist, write_checklist
    from m365gov.checklist.run import CouncilRequest, run_council_checklist
    from m365gov.config import load_config
    from m365gov.progress import collection_progress

    try:
        wanted = parse_formats(formats)
    except InputError as exc:
        raise click.BadParameter(exc.message, param_hint="--format") from None
    if output is None and len(wanted) > 1:
        raise click.UsageError("several formats need -o DIR (council-checklist.md, .html, .json)")
    config = load_config(config_path)
    request = CouncilRequest(meeting=meeting, organizer=organizer, regime=regime, proxies=proxies_path,
                             declarations=declared_path)
    with collection_progress() as hook:
        result = run_council_checklist(config, credential_for(config), request, lang=lang, progress=hook)
    if output is None:
        click.echo(render_checklist(result.document, wanted[0]), nl=False)
    else:
        for path in write_checklist(result.document, wanted, output):
            click.echo(f"written: {path}", err=True)
    s = result.document["summary"]
    click.echo(f"council checklist: {s['blocking']} blocking, {s['todo']} to do, {s['unknown']} unknown, "
               f"{s['ok']} done", err=True)
    sys.exit(result.exit_code)
