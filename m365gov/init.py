"""``m365gov init``: a commented example configuration, safe to start from."""

from __future__ import annotations

from pathlib import Path

from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_text

EXAMPLE_CONFIG = """\
# m365gov.toml — configuration of one Microsoft 365 tenant.
# Secrets never go in this file: they come from the environment or a certificate file.

# The Entra tenant id (Entra admin centre → Overview → Tenant ID).
tenant_id = "00000000-0000-0000-0000-000000000000"

[graph]
# global (graph.microsoft.com), usgov, usgov-dod, china, or a base URL for a sovereign
# cloud or the local emulator (plain http only on 127.0.0.1).
endpoint = "global"

[auth]
# certificate (preferred for a server) | client_secret | managed_identity (an Azure VM or
# Automation account) | workload_identity (CI: GitHub Actions / GitLab OIDC, no stored secret)
# | device_code (a person at a desk) | emulator (static test token; loopback endpoints only).
mode = "certificate"
client_id = "11111111-1111-1111-1111-111111111111"
# PEM file holding the RSA private key and the certificate registered on the app.
certificate_path = "/etc/m365gov/m365gov-app.pem"
# certificate_password_env = "M365GOV_CERT_PASSWORD"   # name of the variable, not the password
# client_secret_env = "M365GOV_CLIENT_SECRET"           # for mode = "client_secret"
# token_file = "/var/run/secrets/azure/tokens/azure-identity-token"   # workload_identity

[collect]
# Requests in flight per Graph service; throttling (429) slows everyone on that service down.
concurrency = 8
# Give up on a request after this many tries, or when asked to wait longer than max_retry_wait.
max_attempts = 8
max_retry_wait = 180
retry_budget = 900

[policies]
# paths = ["policies", "local-policies"]   # default: the set shipped with m365gov
# disabled = ["RES-008"]

# Per-policy parameter overrides (see `m365gov policies show RES-003`).
# [parameters.RES-003]
# allowedUsageLocations = ["FR"]
# [parameters.RES-004]
# centralLocation = "FRA"   # the tenant's default geography, from the admin centre's Data location page

[waivers]
# file = "waivers.json"   # accepted risks: policy, resources, reason, approvedBy, expiresOn

[reports]
# Period of the Teams usage reports (user activity, device usage): D7, D30, D90 or D180.
# If the reports conceal user names, per-user Teams findings are not evaluated: lift it in the
# Microsoft 365 admin centre → Settings → Org settings → Reports → "Display concealed user, group,
# and site names in all reports" (m365gov only reads that setting, never changes it).
period = "D30"

# [inventory]
# The declared equipment inventory, a CSV kept by the DSI (relative to this file). Columns:
# userPrincipalName (required), camera, microphone, headset (oui/non, yes/no, true/false, 1/0),
# device, updatedOn (YYYY-MM-DD or DD/MM/YYYY), note. Separator "," or ";"; UTF-8.
# csv = "inventaire-equipements.csv"

# [council]
# The council's group (Entra admin centre → Groups → the group → Object ID): every member must be
# camera- and microphone-ready.
# group_id = "22222222-2222-2222-2222-222222222222"
# The council chamber's Teams Rooms device: its id, its room account's display name or asset tag.
# chamber_device = "Salle du conseil"
# The council session checklist (`m365gov checklist council`, docs/council-checklist.md):
# regime = "in-person-broadcast"   # or emergency-remote (expired 2022), intercommunal-teleconference
# members_in_office = 33           # "conseillers en exercice", from the latest minutes: the quorum's base
# organizer = "maire@ville.fr"     # who organises the sessions' meetings (for short links)
# proxies = "procurations.csv"     # giver,holder,sessions[,illness,received,note]
# declarations = "declarations-conseil.json"
# [council.parameters]
# recording = "automatic"          # what the council decided: automatic, allowed or forbidden
# noticeClearDays = 5              # 5 clear days from 3,500 inhabitants (L2121-12), 3 below

# [history]
# Keep each audit's adoption and readiness summary for `m365gov trend` (relative to this file).
# dir = "reports/history"
# Customer Key (m365gov keys status | plan | apply | backup | rotate). The key plan is the desired
# state of the keys: start from policies/keys/key-plan.example.jsonc (shipped with m365gov).
# m365gov needs Key Vault Reader on the vaults to audit (an access policy with keys get, list,
# create, backup, rotate, getrotationpolicy, setrotationpolicy to apply — never delete or purge),
# and Reader on the subscriptions for vault properties. Relative paths are against this file.
# [keys]
# plan = "key-plan.json"
# backup_dir = "reports/keys/backups"     # backup_key blobs (0600) and their manifest
# journal = "reports/keys/journal.jsonl"  # every change and refusal, append-only
# ca_file = "private-ca.pem"              # only for endpoints with a private CA; TLS is always verified
# [keys.management]
# endpoint = "https://management.azure.com"   # Azure Resource Manager (public cloud by default)
"""


def write_example_config(path: Path, *, force: bool = False) -> None:
    """Write :data:`EXAMPLE_CONFIG`; refuse to overwrite unless ``force`` (nothing lost)."""
    if path.exists() and not force:
        raise InputError("already exists; use --force to overwrite it", file=str(path))
    atomic_write_text(path, EXAMPLE_CONFIG)
