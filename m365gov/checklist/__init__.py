"""The council session checklist (``m365gov checklist council``): is the next session on Teams ready?

Modules, one job each:

* :mod:`.regime` — the legal frame as data (``policies/council/*.regime.json``), loaded and checked;
* :mod:`.quorum` — quorum arithmetic exactly as a regime states it;
* :mod:`.proxies` — the proxies CSV and its check against the regime's limits;
* :mod:`.declarations` — what the DSI ticks for items m365gov cannot observe;
* :mod:`.meeting_ref` / :mod:`.lookup` — finding the meeting through Graph (access policy included);
* :mod:`.people` — council members and rooms from the readiness and rooms views;
* :mod:`.facts`, :mod:`.checks_meeting`, :mod:`.checks_council`, :mod:`.evaluate` — the items;
* :mod:`.document`, :mod:`.messages`, :mod:`.labels`, :mod:`.render_md`, :mod:`.render_html` — outputs;
* :mod:`.run` — the command as a library call.

Nothing here is imported by ``m365gov --help``: the CLI imports it inside the command.
"""
