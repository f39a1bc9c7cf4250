"""``m365gov permissions`` as text: what to grant to which identity, and how to register the app.

Kept apart from :mod:`m365gov.permissions` (what is needed, as data, for tests and ``--json``), so
that the wording can change without touching the computation.
"""

from __future__ import annotations

from m365gov.permissions import Identity, Requirements

REGISTRATION_STEPS = (
    "Register one app per identity (Entra admin centre › App registrations › New registration, single "
    "tenant; or `az ad app create --display-name m365gov-audit` then `az ad sp create --id <appId>`). "
    "Keep `keys` apart from `audit`: the scheduled job must not be able to change keys.",
    "Credential — a certificate, preferred: `openssl req -x509 -newkey rsa:3072 -nodes -keyout m365gov.key "
    "-out m365gov.crt -days 365 -subj /CN=m365gov-audit`, upload the .crt (App registrations › Certificates & "
    "secrets, or `az ad app credential reset --id <appId> --cert @m365gov.crt --append`), keep the key owner-only "
    "on the DSI's host; [auth] mode = \"certificate\", certificate_path. A client secret only if nothing else "
    "is possible, from the environment (client_secret_env), never in the TOML.",
    "CI — workload identity federation, no stored secret: App registrations › Certificates & secrets › Federated "
    "credentials (GitHub Actions: issuer https://token.actions.githubusercontent.com, subject "
    "repo:<org>/<repo>:ref:refs/heads/main; GitLab: issuer https://gitlab.example, subject "
    "project_path:<group>/<project>:ref_type:branch:ref:main); [auth] mode = \"workload_identity\" "
    "(docs/ci/ has both jobs).",
    "Grant the Microsoft Graph application permissions listed for the identity, then Grant admin consent "
    "(`az ad app permission admin-consent --id <appId>`); add nothing else — `m365gov permissions` is the list.",
    "Key Vault and Azure roles as listed, on the planned vaults and their resource groups only — never on the "
    "subscription, never Owner or Contributor.",
    "Checklist: create and grant the Teams application access policy (Teams PowerShell, as listed); it takes up "
    "to 30 minutes to apply.",
    "Check: `m365gov collect -c m365gov.toml -o snapshot.json` — a source that lacks a right says "
    "missing_permission and names it.",
)


def render(reqs: Requirements, *, config_label: str) -> str:
    """The whole listing for people."""
    lines = [f"m365gov permissions — least privilege for {config_label}", ""]
    for n, identity in enumerate(reqs.identities, 1):
        lines += _identity(n, identity)
    lines.append("App registration")
    lines += [f"  {n}. {step}" for n, step in enumerate(REGISTRATION_STEPS, 1)]
    return "\n".join(lines) + "\n"


def _identity(n: int, identity: Identity) -> list[str]:
    access = "reads and writes" if identity.writes else "read-only"
    lines = [f"{n}. {identity.title} — {access}", f"   commands: {', '.join(identity.commands)}"]
    for plane in dict.fromkeys(g.plane for g in identity.grants):
        grants = [g for g in identity.grants if g.plane == plane]
        lines.append(f"   {plane}:")
        for g in grants:
            lines.append(f"     {g.name:<32} [{g.access}] on {g.scope}")
            lines.append(f"       for: {'; '.join(g.needed_by)}")
        for how in dict.fromkeys(g.how for g in grants):
            lines.append(f"     how: {how}")
    lines += [f"   note: {note}" for note in identity.notes]
    return [*lines, ""]
