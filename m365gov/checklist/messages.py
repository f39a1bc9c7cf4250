"""The checklist's sentences in French and English, and how arguments are shown.

Evidence and remediation are :class:`~m365gov.checklist.model.Msg` until the document is written;
:func:`render_msg` turns one into text in the chosen language. Values are formatted here (lists
joined, booleans as oui/non or yes/no, ISO dates as DD/MM/YYYY) but never escaped: each output format
escapes the finished sentence for itself (Markdown, HTML), since the arguments include names and
subjects from the tenant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from m365gov.checklist.model import Msg

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
Entry = str | Callable[[Mapping[str, str], Mapping[str, Any]], str]

_FR: Final[dict[str, Entry]] = {
    "raw": "{text}",
    "command": "{text}",
    "meeting_not_looked_up": "la réunion n'a pas été recherchée",
    "meeting_unreadable": "réunion illisible ({status}) : voir l'élément « réunion »",
    "access_policy_missing": "aucune stratégie d'accès aux applications (application access policy) ne permet à "
    "m365gov de lire les réunions de l'organisateur {organizer} : Microsoft répond 403 « App … is not authorized », "
    "ce n'est ni une réunion introuvable ni une permission Graph manquante",
    "access_policy_delay": "la stratégie prend effet sous 30 minutes au plus ; relancer ensuite la liste",
    "grant_permission": "accorder la permission d'application {permission} à l'application m365gov et donner "
    "le consentement administrateur",
    "meeting_not_found": "réunion introuvable : {detail}",
    "meeting_not_found_fix": "vérifier le lien ou l'identifiant, et l'organisateur (--organizer ou [council] "
    "organizer)",
    "meeting_found": "« {subject} », le {start} (heure de Paris), organisée par {organizer} (trouvée par {found_by})",
    "meeting_in_past": "la réunion commence avant cette liste ({now}) : elle est passée ou en cours",
    "meeting_in_past_fix": "vérifier que le lien est celui de la prochaine séance",
    "organizer_is": "organisée par {name}, l'organisateur configuré ({wanted})",
    "organizer_other": "organisée par {name}, et non par l'organisateur configuré {wanted}",
    "organizer_fix": "faire créer la réunion par {wanted}, ou corriger [council] organizer",
    "organizer_member": "organisée par {name}, membre du conseil",
    "organizer_not_configured": "aucun organisateur configuré ([council] organizer ou --organizer)",
    "organizer_unconfirmed": "organisée par {name}, qui n'est pas membre du groupe du conseil",
    "members_unknown": "membres du conseil inconnus : {detail}",
    "members_not_invited": "{count} élu(s) non invité(s) à la réunion : {names}",
    "invite_fix": "ajouter les élus manquants aux participants de la réunion (ils attendraient sinon en salle "
    "d'attente)",
    "members_all_invited": "les {count} membres du groupe du conseil sont invités",
    "lobby_scope_bad": "contournement de la salle d'attente : {scope} (attendu : {allowed})",
    "lobby_admitters_bad": "admission depuis la salle d'attente par : {admitters} (attendu : {allowed})",
    "lobby_scope_fix": "Options de la réunion → « Qui peut contourner la salle d'attente » : {allowed}",
    "lobby_scope_ok": "contournement de la salle d'attente : {scope} ; admission par : {admitters}",
    "option_absent": "l'option {option} n'est pas renseignée par Graph",
    "dial_in_bypass_on": "les appelants par téléphone contournent la salle d'attente "
    "(lobbyBypassSettings.isDialInBypassEnabled = oui)",
    "dial_in_bypass_fix": "Options de la réunion → désactiver « Les personnes appelant par téléphone peuvent "
    "contourner la salle d'attente » (ou la stratégie Teams AllowPSTNUsersToBypassLobby)",
    "dial_in_bypass_off": "les appelants par téléphone attendent en salle d'attente",
    "dial_in_bypass_allowed": "les appelants par téléphone contournent la salle d'attente (admis par ce régime)",
    "presenters_mode_bad": "qui peut présenter : {mode} (attendu : {allowed})",
    "presenter_councillor": "{name}, conseiller, a le rôle de présentateur",
    "presenter_secretary_missing": "le secrétaire de séance {name} n'est pas présentateur",
    "presenters_are": "présentateurs ({mode}) : {names}",
    "presenters_fix": "Options de la réunion → « Qui peut présenter » : personnes désignées ; présentateurs : le "
    "maire, le secrétaire de séance et les agents qui projettent",
    "attendee_option_bad": "{option} = {value} (attendu : {expected})",
    "attendee_option_fix": "Options de la réunion → autoriser micro et caméra pour les participants",
    "attendee_options_ok": "les participants peuvent activer micro ({mic}) et caméra ({camera})",
    "recording_not_automatic": "l'enregistrement ne démarre pas automatiquement : il faudra le lancer à la main",
    "recording_not_allowed": "l'enregistrement n'est pas autorisé sur cette réunion",
    "recording_not_forbidden": "l'enregistrement est possible alors que le conseil l'a exclu",
    "transcription_not_allowed": "la transcription n'est pas autorisée",
    "transcription_not_forbidden": "la transcription est possible alors que le conseil l'a exclue",
    "recording_state": "enregistrement autorisé : {allow}, automatique : {auto}, transcription : {transcription} "
    "(décision du conseil : enregistrement {wanted}, transcription {wanted_transcription})",
    "recording_fix": "Options de la réunion → « Enregistrer automatiquement » selon la décision du conseil ({wanted})",
    "entry_exit_bad": "annonce des arrivées et départs : {value}",
    "entry_exit_fix": "Options de la réunion → activer « Annoncer l'arrivée ou le départ des personnes »",
    "entry_exit_ok": "arrivées et départs annoncés : {value}",
    "passcode_not_required": "aucun code secret n'est exigé pour rejoindre par l'identifiant",
    "names_not_locked": "les participants peuvent changer leur nom affiché",
    "security_fix": "exiger le code secret ; empêcher le changement de nom (options ou stratégie de réunion)",
    "security_ok": "code secret exigé : {passcode} ; changement de nom permis : {rename}",
    "dial_in_none": "aucun numéro d'audioconférence sur la réunion",
    "dial_in_fix": "attribuer une licence d'audioconférence à l'organisateur et renvoyer l'invitation",
    "dial_in_number": "numéro de secours {number}, conférence {conference}",
    "broadcast_meeting": "la réunion est diffusée (audience : {audience})",
    "broadcast_declared": lambda a, r: f"retransmission déclarée : {a['url']}"
    + (f", vérifiée le {a['checked']}" if r.get("checked") else ", pas encore vérifiée"),
    "broadcast_not_on_meeting": "la réunion n'est pas une diffusion publique (broadcastSettings.allowedAudience : "
    "{audience})",
    "broadcast_undeclared": "adresse de la retransmission non déclarée",
    "broadcast_check_fix": "vérifier le flux avant l'ouverture, puis déclarer la date (broadcast.checkedOn)",
    "broadcast_fix": "déclarer l'adresse publique (site, YouTube, town hall) et la date de vérification du flux "
    "(broadcast.url, broadcast.checkedOn)",
    "rooms_unavailable": "appareils Teams Rooms illisibles ({status}) : {detail}",
    "members_unavailable": "membres du conseil illisibles ({status}) : {detail}",
    "readiness_unavailable": "annuaire illisible ({status}) : {detail}",
    "regime_in_force": "régime {regime} en vigueur le {day}",
    "regime_declared_basis": lambda a, r: f"texte d'urgence déclaré : {a['text']}"
    + (f", du {a['start']}" if r.get("start") else "") + (f" au {a['end']}" if r.get("end") else ""),
    "regime_declared_basis_outside": "le texte déclaré ({text}, du {start} au {end}) ne couvre pas le {day}",
    "regime_fix": "choisir le régime applicable ([council] regime, --regime) ou déclarer le texte d'urgence en vigueur "
    "(legalBasis dans le fichier de déclarations)",
    "regime_not_in_force": "le régime {regime} n'est plus en vigueur (fin : {until}) ; séance du {day}",
    "regime_not_in_force_undated": "le régime {regime} n'est plus en vigueur (fin : {until}) ; date de la séance "
    "inconnue",
    "regime_needs_text": "une séance à distance du conseil municipal exige un texte d'urgence en vigueur",
    "chamber_not_configured": "aucune salle du conseil configurée ([council] chamber_device)",
    "chamber_configure": "renseigner [council] chamber_device (id, nom du compte de salle ou numéro d'inventaire)",
    "rooms_none_named": "aucune salle désignée",
    "room_not_found": "aucun appareil Teams Rooms ne correspond à {name}",
    "room_state": lambda a, r: f"{a['name']} : " + ("prête" if r.get("ready") is True else "non prête"
                                                   if r.get("ready") is False else "état inconnu")
    + (f" ({a['detail']})" if r.get("detail") else ""),
    "room_fix": "rebrancher ou remplacer le périphérique, puis vérifier l'appareil dans le centre d'administration "
    "Teams",
    "calendar_unavailable": "événement de calendrier illisible : {detail}",
    "chamber_invited": "la salle {name} est invitée",
    "chamber_not_invited": "la salle du conseil n'est pas invitée comme ressource (lieu indiqué : « {location} »)",
    "chamber_invite_fix": "ajouter le compte de la salle du conseil aux participants de la réunion",
    "group_non_users": "le groupe contient des membres qui ne sont pas des personnes : {names}",
    "group_count": "le groupe du conseil compte {count} membres",
    "in_office_not_configured": "nombre de conseillers en exercice non configuré ([council] members_in_office) : "
    "le quorum est calculé sur la taille du groupe",
    "in_office_fix": "renseigner [council] members_in_office d'après le dernier procès-verbal (« conseillers en "
    "exercice »)",
    "group_count_mismatch": "le groupe compte {count} membres pour {in_office} conseillers en exercice",
    "group_fix": "mettre à jour le groupe du conseil (ou [council] members_in_office après une démission)",
    "group_count_ok": "{count} membres dans le groupe, {in_office} conseillers en exercice",
    "member_no_account": "compte désactivé ou absent de l'annuaire",
    "member_no_licence": "pas de licence Teams",
    "member_microphone": "micro {verdict}",
    "member_camera": "caméra {verdict}",
    "member_undecided": "équipement non jugé (relevés d'appels indisponibles)",
    "member_not_ready": "{name} : {reasons}",
    "members_undecided": "équipement non jugé pour : {names}",
    "members_audio_only": "audio seul (caméra non constatée) : {names}",
    "readiness_fix": "faire tester caméra et micro aux élus concernés (répétition), ou les équiper et mettre à jour "
    "l'inventaire",
    "members_all_ready": "les {count} élus attendus sont prêts",
    "contacts_missing": "{count} élu(s) sur {total} sans numéro de téléphone dans l'annuaire : {names}",
    "contacts_none": "aucun des {total} élus n'a de numéro de téléphone dans l'annuaire (mobilePhone, businessPhones)",
    "contacts_fix": "renseigner le mobile dans l'annuaire, ou déclarer la liste tenue par le secrétariat "
    "(items.member-contacts)",
    "contacts_ok": "les {count} élus ont un numéro de téléphone",
    "quorum_threshold": lambda a, r: f"seuil : {a['formula']} sur {a['in_office']} membres en exercice "
    + ("(configuration)" if r.get("source") == "config" else "(taille du groupe)")
    + (" — au moins le seuil" if r.get("rule") == "atLeast" else " — plus de la moitié"),
    "quorum_present_remote": "prêts à se connecter : {present} ({absent} absence(s) annoncée(s) : {reasons})",
    "quorum_present_in_person": "attendus en séance : {present} ({absent} absence(s) annoncée(s) : {reasons})",
    "quorum_represented": "représentés par un pouvoir valide, comptés : {represented}",
    "quorum_represented_not_counted": "représentés par un pouvoir valide, non comptés dans le quorum : {represented}",
    "quorum_margin": "comptés {counted} pour un seuil de {threshold} : marge {margin}",
    "quorum_undecided": "{undecided} élu(s) à l'équipement non jugé pourraient faire la différence",
    "quorum_fix": "relancer les absents, recueillir les présences ; sans quorum, nouvelle convocation à trois jours au "
    "moins",
    "quorum_thin": "marge faible ({margin}) : un départ peut faire perdre le quorum",
    "proxies_limits": "limites du régime : {per_holder} pouvoir(s) par mandataire, {sessions} séances consécutives "
    "au plus",
    "proxies_no_file": "aucun fichier de pouvoirs fourni",
    "proxies_fix_file": "donner les pouvoirs reçus (--proxies, [council] proxies), ou déclarer qu'aucun n'a été reçu "
    "(items.proxies)",
    "proxies_count": "{total} pouvoir(s) dans {file}, {valid} valide(s)",
    "proxies_fix": "corriger le fichier de pouvoirs avec le secrétariat ; un pouvoir irrégulier n'est pas compté",
    "proxy_members_unknown": "membres du conseil inconnus : appartenance des mandants et mandataires non vérifiée",
    "proxy_giver_not_member": "ligne {line} : le mandant {name} n'est pas membre du conseil",
    "proxy_holder_not_member": "ligne {line} : le mandataire {name} n'est pas membre du conseil",
    "proxy_same_person": "ligne {line} : {name} se donne pouvoir à lui-même",
    "proxy_too_many_sessions": "ligne {line} : le pouvoir de {name} couvre {sessions} séances consécutives, {limit} au "
    "plus sauf maladie dûment constatée",
    "proxy_giver_present": "ligne {line} : le mandant {name} est déclaré présent",
    "proxy_holder_absent": "ligne {line} : le mandataire {name} est annoncé absent",
    "proxy_holder_not_ready": "ligne {line} : le mandataire {name} n'est pas prêt à se connecter",
    "proxy_duplicate_giver": "ligne {line} : {name} donne un second pouvoir (lignes {lines})",
    "proxy_too_many_for_holder": "ligne {line} : {name} détient {count} pouvoirs (lignes {lines}), {limit} au plus",
    "proxy_giver_also_holder": "ligne {line} : le mandataire {name} a lui-même donné pouvoir (ligne {other})",
    "convocation_undeclared": "date d'envoi de la convocation non déclarée ({days} jours francs requis)",
    "convocation_declare": "déclarer l'envoi (convocation.sentOn, statesFormat, electronic) dans le fichier de "
    "déclarations",
    "convocation_no_session_day": "envoyée le {sent} ; date de la séance inconnue",
    "convocation_sent": "envoyée le {sent} pour la séance du {day} : {clear} jour(s) franc(s), {required} requis",
    "convocation_emergency": "délai abrégé pour urgence : à motiver à l'ouverture de la séance",
    "convocation_late_fix": "reporter la séance ou, en cas d'urgence, abréger le délai (un jour franc au moins) et le "
    "motiver à l'ouverture",
    "convocation_not_electronic": "la convocation n'a pas été adressée par voie dématérialisée",
    "convocation_fix": "compléter et renvoyer la convocation",
    "convocation_flag_false": "déclaré absent de la convocation : {flag}",
    "convocation_confirm_format": "confirmer que la convocation mentionne ce que le régime exige (statesFormat)",
    "convocation_no_timestamp": "envoi sans horodatage certifié (recommandé)",
    "secretary_undeclared": "secrétaire de séance non déclaré",
    "secretary_declare": "déclarer le secrétaire de séance (secretary) et en faire un présentateur de la réunion",
    "secretary_named": "secrétaire de séance : {name}",
    "secretary_not_member": "le secrétaire déclaré {name} n'est pas membre du conseil",
    "not_declared": "non déclaré",
    "declare_fix": "déclarer l'élément « {item} » (items.{item}) dans le fichier de déclarations une fois fait",
    "declared_by": lambda a, r: ("déclaré fait" if r.get("done") else "déclaré NON fait")
    + (f" le {a['on']}" if r.get("on") else "") + (f" par {a['by']}" if r.get("by") else "")
    + (f" — {a['note']}" if r.get("note") else ""),
}

_EN: Final[dict[str, Entry]] = {
    "raw": "{text}",
    "command": "{text}",
    "meeting_not_looked_up": "the meeting was not looked up",
    "meeting_unreadable": "the meeting could not be read ({status}): see the meeting item",
    "access_policy_missing": "no application access policy lets m365gov read the online meetings of the organizer "
    "{organizer}: Microsoft answers 403 'App … is not authorized', which is neither a missing meeting nor a missing "
    "Graph permission",
    "access_policy_delay": "the policy takes up to 30 minutes to apply; run the checklist again then",
    "grant_permission": "grant the application permission {permission} to the m365gov app and give admin consent",
    "meeting_not_found": "meeting not found: {detail}",
    "meeting_not_found_fix": "check the link or id, and the organizer (--organizer or [council] organizer)",
    "meeting_found": "'{subject}', on {start} (Paris time), organised by {organizer} (found by {found_by})",
    "meeting_in_past": "the meeting starts before this checklist ({now}): it is past or under way",
    "meeting_in_past_fix": "check that the link is the next session's",
    "organizer_is": "organised by {name}, the configured organizer ({wanted})",
    "organizer_other": "organised by {name}, not by the configured organizer {wanted}",
    "organizer_fix": "have {wanted} create the meeting, or correct [council] organizer",
    "organizer_member": "organised by {name}, a council member",
    "organizer_not_configured": "no organizer configured ([council] organizer or --organizer)",
    "organizer_unconfirmed": "organised by {name}, who is not in the council group",
    "members_unknown": "council members unknown: {detail}",
    "members_not_invited": "{count} member(s) not invited to the meeting: {names}",
    "invite_fix": "add the missing members to the meeting's attendees (they would otherwise wait in the lobby)",
    "members_all_invited": "all {count} members of the council group are invited",
    "lobby_scope_bad": "who bypasses the lobby: {scope} (expected: {allowed})",
    "lobby_admitters_bad": "who admits from the lobby: {admitters} (expected: {allowed})",
    "lobby_scope_fix": "Meeting options → 'Who can bypass the lobby': {allowed}",
    "lobby_scope_ok": "who bypasses the lobby: {scope}; who admits: {admitters}",
    "option_absent": "Graph does not give the option {option}",
    "dial_in_bypass_on": "phone callers bypass the lobby (lobbyBypassSettings.isDialInBypassEnabled = yes)",
    "dial_in_bypass_fix": "Meeting options → turn off 'People dialing in can bypass the lobby' (or the Teams policy "
    "AllowPSTNUsersToBypassLobby)",
    "dial_in_bypass_off": "phone callers wait in the lobby",
    "dial_in_bypass_allowed": "phone callers bypass the lobby (allowed by this regime)",
    "presenters_mode_bad": "who can present: {mode} (expected: {allowed})",
    "presenter_councillor": "{name}, a councillor, has the presenter role",
    "presenter_secretary_missing": "the session secretary {name} is not a presenter",
    "presenters_are": "presenters ({mode}): {names}",
    "presenters_fix": "Meeting options → 'Who can present': specific people; presenters: the mayor, the session "
    "secretary and the staff sharing documents",
    "attendee_option_bad": "{option} = {value} (expected: {expected})",
    "attendee_option_fix": "Meeting options → allow microphone and camera for attendees",
    "attendee_options_ok": "attendees can turn on their microphone ({mic}) and camera ({camera})",
    "recording_not_automatic": "recording does not start automatically: someone must start it by hand",
    "recording_not_allowed": "recording is not allowed on this meeting",
    "recording_not_forbidden": "recording is possible although the council ruled it out",
    "transcription_not_allowed": "transcription is not allowed",
    "transcription_not_forbidden": "transcription is possible although the council ruled it out",
    "recording_state": "recording allowed: {allow}, automatic: {auto}, transcription: {transcription} (the council's "
    "decision: recording {wanted}, transcription {wanted_transcription})",
    "recording_fix": "Meeting options → 'Record automatically' as the council decided ({wanted})",
    "entry_exit_bad": "arrivals and departures announced: {value}",
    "entry_exit_fix": "Meeting options → turn on 'Announce when callers join or leave'",
    "entry_exit_ok": "arrivals and departures announced: {value}",
    "passcode_not_required": "no passcode is required to join by meeting id",
    "names_not_locked": "participants can change their display name",
    "security_fix": "require the passcode; prevent name changes (meeting options or policy)",
    "security_ok": "passcode required: {passcode}; name changes allowed: {rename}",
    "dial_in_none": "no audio-conferencing number on the meeting",
    "dial_in_fix": "give the organizer an audio-conferencing licence and send the invitation again",
    "dial_in_number": "fallback number {number}, conference {conference}",
    "broadcast_meeting": "the meeting is broadcast (audience: {audience})",
    "broadcast_declared": lambda a, r: f"broadcast declared: {a['url']}"
    + (f", checked on {a['checked']}" if r.get("checked") else ", not checked yet"),
    "broadcast_not_on_meeting": "the meeting is not a public broadcast (broadcastSettings.allowedAudience: {audience})",
    "broadcast_undeclared": "the broadcast's address is not declared",
    "broadcast_check_fix": "check the stream before the opening, then declare when (broadcast.checkedOn)",
    "broadcast_fix": "declare the public address (website, YouTube, town hall) and when the stream was checked "
    "(broadcast.url, broadcast.checkedOn)",
    "rooms_unavailable": "Teams Rooms devices could not be read ({status}): {detail}",
    "members_unavailable": "council members could not be read ({status}): {detail}",
    "readiness_unavailable": "the directory could not be read ({status}): {detail}",
    "regime_in_force": "regime {regime} in force on {day}",
    "regime_declared_basis": lambda a, r: f"emergency text declared: {a['text']}"
    + (f", from {a['start']}" if r.get("start") else "") + (f" to {a['end']}" if r.get("end") else ""),
    "regime_declared_basis_outside": "the declared text ({text}, {start} to {end}) does not cover {day}",
    "regime_fix": "choose the applicable regime ([council] regime, --regime) or declare the emergency text in force "
    "(legalBasis in the declarations file)",
    "regime_not_in_force": "regime {regime} is no longer in force (ended {until}); session on {day}",
    "regime_not_in_force_undated": "regime {regime} is no longer in force (ended {until}); the session's date is "
    "unknown",
    "regime_needs_text": "a remote municipal council session needs an emergency text in force",
    "chamber_not_configured": "no council chamber configured ([council] chamber_device)",
    "chamber_configure": "set [council] chamber_device (id, room account name or asset tag)",
    "rooms_none_named": "no room named",
    "room_not_found": "no Teams Rooms device matches {name}",
    "room_state": lambda a, r: f"{a['name']}: " + ("ready" if r.get("ready") is True else "not ready"
                                                  if r.get("ready") is False else "state unknown")
    + (f" ({a['detail']})" if r.get("detail") else ""),
    "room_fix": "reconnect or replace the peripheral, then check the device in the Teams admin centre",
    "calendar_unavailable": "calendar event unavailable: {detail}",
    "chamber_invited": "the room {name} is invited",
    "chamber_not_invited": "the council chamber is not invited as a resource (location given: '{location}')",
    "chamber_invite_fix": "add the council chamber's room account to the meeting's attendees",
    "group_non_users": "the group has members that are not people: {names}",
    "group_count": "the council group has {count} members",
    "in_office_not_configured": "members in office not configured ([council] members_in_office): quorum uses the "
    "group's size",
    "in_office_fix": "set [council] members_in_office from the latest minutes ('conseillers en exercice')",
    "group_count_mismatch": "the group has {count} members for {in_office} councillors in office",
    "group_fix": "update the council group (or [council] members_in_office after a resignation)",
    "group_count_ok": "{count} members in the group, {in_office} councillors in office",
    "member_no_account": "account disabled or not in the directory",
    "member_no_licence": "no Teams licence",
    "member_microphone": "microphone {verdict}",
    "member_camera": "camera {verdict}",
    "member_undecided": "equipment not judged (call records unavailable)",
    "member_not_ready": "{name}: {reasons}",
    "members_undecided": "equipment not judged for: {names}",
    "members_audio_only": "audio only (camera not observed): {names}",
    "readiness_fix": "have these members test camera and microphone (rehearsal), or equip them and update the "
    "inventory",
    "members_all_ready": "all {count} expected members are ready",
    "contacts_missing": "{count} of {total} member(s) without a phone number in the directory: {names}",
    "contacts_none": "none of the {total} members has a phone number in the directory (mobilePhone, businessPhones)",
    "contacts_fix": "add the mobile number in the directory, or declare the list the secretariat keeps "
    "(items.member-contacts)",
    "contacts_ok": "all {count} members have a phone number",
    "quorum_threshold": lambda a, r: f"threshold: {a['formula']} of {a['in_office']} members in office "
    + ("(configuration)" if r.get("source") == "config" else "(the group's size)")
    + (" — at least the threshold" if r.get("rule") == "atLeast" else " — more than half"),
    "quorum_present_remote": "ready to connect: {present} ({absent} announced absence(s): {reasons})",
    "quorum_present_in_person": "expected in the session: {present} ({absent} announced absence(s): {reasons})",
    "quorum_represented": "represented by a valid proxy, counted: {represented}",
    "quorum_represented_not_counted": "represented by a valid proxy, not counted towards quorum: {represented}",
    "quorum_margin": "counted {counted} for a threshold of {threshold}: margin {margin}",
    "quorum_undecided": "{undecided} member(s) whose equipment was not judged could make the difference",
    "quorum_fix": "chase the absent members, collect attendance; without quorum, a new convocation at least three days "
    "later",
    "quorum_thin": "thin margin ({margin}): one departure may lose quorum",
    "proxies_limits": "the regime's limits: {per_holder} proxy(ies) per holder, at most {sessions} consecutive "
    "sessions",
    "proxies_no_file": "no proxies file given",
    "proxies_fix_file": "give the proxies received (--proxies, [council] proxies), or declare that none was received "
    "(items.proxies)",
    "proxies_count": "{total} proxy(ies) in {file}, {valid} valid",
    "proxies_fix": "correct the proxies file with the secretariat; an irregular proxy is not counted",
    "proxy_members_unknown": "council members unknown: membership of givers and holders not checked",
    "proxy_giver_not_member": "line {line}: the giver {name} is not a council member",
    "proxy_holder_not_member": "line {line}: the holder {name} is not a council member",
    "proxy_same_person": "line {line}: {name} gives a proxy to themselves",
    "proxy_too_many_sessions": "line {line}: {name}'s proxy covers {sessions} consecutive sessions, at most {limit} "
    "unless illness is duly certified",
    "proxy_giver_present": "line {line}: the giver {name} is declared present",
    "proxy_holder_absent": "line {line}: the holder {name} is announced absent",
    "proxy_holder_not_ready": "line {line}: the holder {name} is not ready to connect",
    "proxy_duplicate_giver": "line {line}: {name} gives a second proxy (lines {lines})",
    "proxy_too_many_for_holder": "line {line}: {name} holds {count} proxies (lines {lines}), at most {limit}",
    "proxy_giver_also_holder": "line {line}: the holder {name} gave a proxy themselves (line {other})",
    "convocation_undeclared": "when the convocation was sent is not declared ({days} clear days required)",
    "convocation_declare": "declare the sending (convocation.sentOn, statesFormat, electronic) in the declarations "
    "file",
    "convocation_no_session_day": "sent on {sent}; the session's date is unknown",
    "convocation_sent": "sent on {sent} for the session of {day}: {clear} clear day(s), {required} required",
    "convocation_emergency": "notice shortened for an emergency: to be explained at the opening",
    "convocation_late_fix": "postpone the session or, in an emergency, shorten the notice (one clear day at least) and "
    "explain it at the opening",
    "convocation_not_electronic": "the convocation was not sent electronically",
    "convocation_fix": "complete the convocation and send it again",
    "convocation_flag_false": "declared missing from the convocation: {flag}",
    "convocation_confirm_format": "confirm that the convocation states what the regime requires (statesFormat)",
    "convocation_no_timestamp": "sent without a certified timestamp (recommended)",
    "secretary_undeclared": "session secretary not declared",
    "secretary_declare": "declare the session secretary (secretary) and make them a presenter of the meeting",
    "secretary_named": "session secretary: {name}",
    "secretary_not_member": "the declared secretary {name} is not a council member",
    "not_declared": "not declared",
    "declare_fix": "declare the item '{item}' (items.{item}) in the declarations file once done",
    "declared_by": lambda a, r: ("declared done" if r.get("done") else "declared NOT done")
    + (f" on {a['on']}" if r.get("on") else "") + (f" by {a['by']}" if r.get("by") else "")
    + (f" — {a['note']}" if r.get("note") else ""),
}

TERMS: Final[dict[str, dict[str, str]]] = {
    "fr": {"observed": "constaté", "declared": "déclaré", "faulty": "défaillant", "unknown": "inconnu",
           "not_configured": "non configuré", "missing_permission": "permission manquante",
           "not_found": "introuvable", "error": "erreur", "throttled": "limité (429)",
           "joinUrl": "lien de participation", "shortLink": "lien court", "meetingId": "identifiant Graph",
           "joinMeetingId": "ID de réunion", "automatic": "automatique", "allowed": "autorisé",
           "forbidden": "interdit", "any": "sans décision"},
    "en": {"observed": "observed", "declared": "declared", "faulty": "faulty", "unknown": "unknown",
           "not_configured": "not configured", "missing_permission": "missing permission",
           "not_found": "not found", "error": "error", "throttled": "throttled (429)",
           "joinUrl": "join URL", "shortLink": "short link", "meetingId": "Graph id", "joinMeetingId": "meeting id",
           "automatic": "automatic", "allowed": "allowed", "forbidden": "forbidden", "any": "no decision"},
}
"""Closed vocabularies (verdicts, statuses, reference kinds, decisions) shown in each language."""
_FR["term"] = lambda a, r: TERMS["fr"].get(str(r.get("w")), str(r.get("w")))
_EN["term"] = lambda a, r: TERMS["en"].get(str(r.get("w")), str(r.get("w")))

CATALOGUE: Final = {"fr": _FR, "en": _EN}
_WORDS: Final = {
    "fr": {True: "oui", False: "non", None: "—", "declared": "déclarée", "declined": "invitation refusée",
           "proxy": "pouvoir donné"},
    "en": {True: "yes", False: "no", None: "—", "declared": "declared", "declined": "invitation declined",
           "proxy": "gave a proxy"},
}


def render_msg(m: Msg, lang: str) -> str:
    """One sentence in ``lang`` (``fr`` unless ``en``); an unknown key shows as itself."""
    cat = CATALOGUE.get(lang, _FR)
    entry = cat.get(m.key)
    if entry is None:
        return m.key
    shown = {k: show(v, lang) for k, v in m.args.items()}
    if callable(entry):
        return entry(shown, m.args)
    return entry.format_map(_Default(shown))


def show(value: Any, lang: str) -> str:
    """A value as people read it: booleans as words, lists joined, ISO dates as DD/MM/YYYY."""
    words = _WORDS.get(lang, _WORDS["fr"])
    if isinstance(value, Msg):
        return render_msg(value, lang)
    if value is None or isinstance(value, bool):
        return str(words[value])
    if isinstance(value, list | tuple):
        return ", ".join(show(v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{n} {words.get(k, k)}" for k, n in value.items()) or "—"
    text = str(value)
    m = _ISO_DATE.match(text)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else text


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
