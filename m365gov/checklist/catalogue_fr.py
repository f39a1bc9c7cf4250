"""The checklist's sentences in French: one entry a message key (see :mod:`m365gov.checklist.messages`).

An entry is a ``str.format`` template over the shown arguments, or a function ``(shown, raw)`` for a
sentence whose parts depend on which arguments are set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

Entry = str | Callable[[Mapping[str, str], Mapping[str, Any]], str]

TERMS_FR: Final[dict[str, str]] = {
    "observed": "constaté", "declared": "déclaré", "faulty": "défaillant", "unknown": "inconnu",
    "not_configured": "non configuré", "missing_permission": "permission manquante", "not_found": "introuvable",
    "error": "erreur", "throttled": "limité (429)", "joinUrl": "lien de participation", "shortLink": "lien court",
    "meetingId": "identifiant Graph", "joinMeetingId": "ID de réunion", "automatic": "automatique",
    "allowed": "autorisé", "forbidden": "interdit", "any": "sans décision",
}
"""Closed vocabularies (verdicts, statuses, reference kinds, decisions), shown through the ``term`` entry."""

FR: Final[dict[str, Entry]] = {
    "term": lambda a, r: TERMS_FR.get(str(r.get("w")), str(r.get("w"))),
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
