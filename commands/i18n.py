"""Every sentence the bot says, in Swedish (default) and English."""

from __future__ import annotations

LANGUAGES = ("sv", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # general
    "internal_error": {
        "sv": "Något gick fel hos Mötesbot. Ingenting sparades. Försök igen om en stund.",
        "en": "Something went wrong in Mötesbot. Nothing was saved. Please try again shortly.",
    },
    "db_unavailable": {
        "sv": "Databasen svarar inte just nu. Ingenting sparades – försök igen om en stund.",
        "en": "The database is not answering right now. Nothing was saved – try again shortly.",
    },
    "unknown_command": {
        "sv": "Okänt kommando: /{command}. Kommandon: /action, /decision, /meeting, /agenda.",
        "en": "Unknown command: /{command}. Commands: /action, /decision, /meeting, /agenda.",
    },
    "unknown_sub": {
        "sv": "Jag känner inte igen ”{word}”.{suggestion} Skriv /{command} hjälp.",
        "en": "I don't recognise “{word}”.{suggestion} Type /{command} help.",
    },
    "did_you_mean": {"sv": " Menade du ”{word}”?", "en": " Did you mean “{word}”?"},
    "too_long": {
        "sv": "Texten är för lång (högst {max} tecken).",
        "en": "The text is too long (at most {max} characters).",
    },
    "duplicate_delivery": {
        "sv": "Det här har redan tagits emot.",
        "en": "This was already received.",
    },
    "help_title": {"sv": "Hjälp: /{command}", "en": "Help: /{command}"},
    # dates
    "date_invalid": {
        "sv": "Datumet ”{text}” finns inte. Ingenting sparades.",
        "en": "The date “{text}” does not exist. Nothing was saved.",
    },
    "date_unknown": {
        "sv": "Jag förstår inte datumet ”{text}”. Skriv t.ex. 2026-12-05, fredag, 5/12 eller v. 50.",
        "en": "I don't understand the date “{text}”. Try 2026-12-05, friday, 5/12 or week 50.",
    },
    "date_no_next_meeting": {
        "sv": "Det finns inget kommande möte i den här kanalen att räkna ”till nästa möte” från.",
        "en": "There is no upcoming meeting in this channel for “next meeting”.",
    },
    "date_past": {
        "sv": "Slutdatumet {date} har redan passerat. Ingenting sparades.",
        "en": "The due date {date} is already past. Nothing was saved.",
    },
    "time_invalid": {
        "sv": "Jag förstår inte tiden ”{text}”. Skriv t.ex. 08:30-12:00.",
        "en": "I don't understand the time “{text}”. Try 08:30-12:00.",
    },
    # people
    "person_unknown": {
        "sv": 'Jag hittar ingen som heter ”{name}”. Skriv @"Förnamn Efternamn" för någon utan konto. Ingenting sparades.',
        "en": 'I can\'t find anyone called “{name}”. Write @"First Last" for someone without an account. Nothing was saved.',
    },
    "person_ambiguous": {
        "sv": "”{name}” kan vara flera: {candidates}. Skriv mer av namnet. Ingenting sparades.",
        "en": "“{name}” could be several people: {candidates}. Write more of the name. Nothing was saved.",
    },
    # actions
    "owner": {"sv": "ansvarig", "en": "owner"},
    "owners": {"sv": "ansvariga", "en": "owners"},
    "no_owner": {"sv": "ansvarig: ej angivet", "en": "owner: not given"},
    "due": {"sv": "senast", "en": "due"},
    "no_due": {"sv": "inget slutdatum", "en": "no due date"},
    "overdue": {"sv": "försenad", "en": "overdue"},
    "status_done": {"sv": "klar", "en": "done"},
    "status_cancelled": {"sv": "struken", "en": "cancelled"},
    "latest_note": {"sv": "senaste anteckning", "en": "latest note"},
    "logged_under": {"sv": "från", "en": "from"},
    "btn_done": {"sv": "Klar", "en": "Done"},
    "btn_new_date": {"sv": "Nytt datum", "en": "New date"},
    "btn_note": {"sv": "Anteckning", "en": "Note"},
    "btn_reopen": {"sv": "Öppna igen", "en": "Reopen"},
    "action_added": {"sv": "Åtgärd #{number} registrerad", "en": "Action #{number} logged"},
    "action_add_usage": {
        "sv": "Skriv vad som ska göras, t.ex. /action add Ring Anna @Lisa senast fredag",
        "en": "Say what is to be done, e.g. /action add Call Anna @Lisa by friday",
    },
    "action_need_id": {
        "sv": "Ange åtgärdens nummer, t.ex. /action {sub} #12",
        "en": "Give the action's number, e.g. /action {sub} #12",
    },
    "action_not_found": {
        "sv": "Det finns ingen åtgärd #{number}. Ingenting ändrades.",
        "en": "There is no action #{number}. Nothing was changed.",
    },
    "action_done": {"sv": "Åtgärd #{number} är klar", "en": "Action #{number} is done"},
    "action_already_done": {
        "sv": "Åtgärd #{number} var redan klar.",
        "en": "Action #{number} was already done.",
    },
    "action_is_cancelled": {
        "sv": "Åtgärd #{number} är struken. Öppna den igen först: /action reopen #{number}",
        "en": "Action #{number} is cancelled. Reopen it first: /action reopen #{number}",
    },
    "action_reopened": {
        "sv": "Åtgärd #{number} är öppen igen",
        "en": "Action #{number} is open again",
    },
    "action_already_open": {
        "sv": "Åtgärd #{number} är redan öppen.",
        "en": "Action #{number} is already open.",
    },
    "action_noted": {
        "sv": "Anteckning sparad på #{number}",
        "en": "Note saved on #{number}",
    },
    "note_usage": {
        "sv": "Skriv anteckningen efter numret: /action note #12 Remissen är ute",
        "en": "Write the note after the number: /action note #12 Consultation sent",
    },
    "due_usage": {
        "sv": "Skriv det nya datumet: /action due #12 fredag (eller ”inget” för att ta bort det)",
        "en": "Give the new date: /action due #12 friday (or “none” to remove it)",
    },
    "action_due_set": {
        "sv": "Nytt slutdatum för #{number}",
        "en": "New due date for #{number}",
    },
    "assign_usage": {
        "sv": 'Ange vem: /action assign #12 @Lisa @"Anna Berg"',
        "en": 'Say who: /action assign #12 @Lisa @"Anna Berg"',
    },
    "action_assigned": {"sv": "Ny ansvarig för #{number}", "en": "New owner for #{number}"},
    "edit_usage": {
        "sv": "Skriv den nya texten: /action edit #12 Ring Anna om budgeten",
        "en": "Give the new text: /action edit #12 Call Anna about the budget",
    },
    "action_edited": {"sv": "Åtgärd #{number} ändrad", "en": "Action #{number} changed"},
    "action_locked": {
        "sv": "Mötet där #{number} beslutades är justerat, så texten kan inte ändras. Lägg en anteckning i stället.",
        "en": "The meeting of #{number} is approved, so its text can't change. Add a note instead.",
    },
    "action_cancelled": {"sv": "Åtgärd #{number} struken", "en": "Action #{number} cancelled"},
    "action_already_cancelled": {
        "sv": "Åtgärd #{number} var redan struken.",
        "en": "Action #{number} was already cancelled.",
    },
    "list_mine": {"sv": "Dina öppna åtgärder", "en": "Your open actions"},
    "list_involving": {
        "sv": "Öppna åtgärder som du äger eller har registrerat",
        "en": "Open actions you own or logged",
    },
    "list_all": {"sv": "Alla öppna åtgärder", "en": "All open actions"},
    "list_overdue": {"sv": "Försenade åtgärder", "en": "Overdue actions"},
    "list_done": {"sv": "Klara åtgärder", "en": "Done actions"},
    "list_person": {"sv": "Öppna åtgärder för {name}", "en": "Open actions for {name}"},
    "list_empty": {"sv": "Inga åtgärder att visa.", "en": "No actions to show."},
    "list_more": {"sv": "… och {count} till", "en": "… and {count} more"},
    "list_usage": {
        "sv": "Skriv /action list, /action list alla, /action list försenade eller /action list @namn",
        "en": "Type /action list, /action list all, /action list overdue or /action list @name",
    },
    "action_show": {"sv": "Åtgärd #{number}", "en": "Action #{number}"},
    "notes_heading": {"sv": "Anteckningar:", "en": "Notes:"},
    "created_by": {"sv": "Registrerad {date} av {name}", "en": "Logged {date} by {name}"},
    "done_by": {"sv": "Klar {date} av {name}", "en": "Done {date} by {name}"},
    "someone": {"sv": "okänd", "en": "unknown"},
    # decisions
    "decision_added": {"sv": "Beslut B{number} registrerat", "en": "Decision B{number} recorded"},
    "decision_usage": {
        "sv": "Skriv beslutet: /decision add Kommunchefsgruppen beslutar att …",
        "en": "Write the decision: /decision add The group decides to …",
    },
    "decision_need_id": {
        "sv": "Ange beslutets nummer, t.ex. /decision show B3",
        "en": "Give the decision's number, e.g. /decision show B3",
    },
    "decision_not_found": {
        "sv": "Det finns inget beslut B{number}.",
        "en": "There is no decision B{number}.",
    },
    "decision_list": {"sv": "Senaste besluten", "en": "Latest decisions"},
    "decision_list_empty": {"sv": "Inga beslut ännu.", "en": "No decisions yet."},
    "decision_search": {"sv": "Beslut om ”{words}”", "en": "Decisions about “{words}”"},
    "decision_search_empty": {
        "sv": "Inga beslut innehåller ”{words}”.",
        "en": "No decision contains “{words}”.",
    },
    "search_usage": {
        "sv": "Skriv vad du söker: /decision search budget",
        "en": "Say what to look for: /decision search budget",
    },
    "decision_show": {"sv": "Beslut B{number}", "en": "Decision B{number}"},
    "recorded_by": {"sv": "Registrerat {date} av {name}", "en": "Recorded {date} by {name}"},
    "no_meeting": {"sv": "utan möte", "en": "no meeting"},
    "item": {"sv": "punkt", "en": "item"},
    # meetings
    "meeting_new_usage": {
        "sv": "Skriv: /meeting new KC-möte 2026-12-10 08:30-12:00 Stadshuset",
        "en": "Type: /meeting new KC-möte 2026-12-10 08:30-12:00 City Hall",
    },
    "meeting_created": {"sv": "Möte planerat: {title}", "en": "Meeting planned: {title}"},
    "meeting_exists": {
        "sv": "{series} har redan ett möte {date}. Ingenting sparades.",
        "en": "{series} already has a meeting on {date}. Nothing was saved.",
    },
    "meeting_in_past": {
        "sv": "{date} har redan varit. Ingenting sparades.",
        "en": "{date} is already past. Nothing was saved.",
    },
    "no_series": {
        "sv": "Den här kanalen har ingen mötesserie än. Skapa ett möte: /meeting new KC-möte 2026-12-10",
        "en": "This channel has no meeting series yet. Create a meeting: /meeting new KC-möte 2026-12-10",
    },
    "no_planned_meeting": {
        "sv": "Det finns inget planerat möte i den här kanalen. Skapa ett: /meeting new KC-möte 2026-12-10",
        "en": "There is no planned meeting in this channel. Create one: /meeting new KC-möte 2026-12-10",
    },
    "meeting_started": {
        "sv": "Mötet har börjat: {title}. Åtgärder och beslut hamnar nu under mötet.",
        "en": "The meeting has started: {title}. Actions and decisions now go under it.",
    },
    "meeting_already_running": {
        "sv": "Mötet pågår redan: {title}.",
        "en": "The meeting is already running: {title}.",
    },
    "no_running_meeting": {
        "sv": "Inget möte pågår i den här kanalen. Starta det med /meeting start.",
        "en": "No meeting is running in this channel. Start one with /meeting start.",
    },
    "item_usage": {
        "sv": "Skriv: /meeting item 3.1 Ekonomi - rapport och uppföljning @föredragande",
        "en": "Type: /meeting item 3.1 Finance - report @presenter",
    },
    "item_bad_number": {
        "sv": "”{number}” är inget punktnummer. Skriv t.ex. 3 eller 3.1.",
        "en": "“{number}” is not an item number. Write e.g. 3 or 3.1.",
    },
    "item_not_found_need_title": {
        "sv": "Punkt {number} finns inte än. Skriv en rubrik: /meeting item {number} Rubrik",
        "en": "Item {number} doesn't exist yet. Give a title: /meeting item {number} Title",
    },
    "item_current": {"sv": "Nu: punkt {number} {title}", "en": "Now: item {number} {title}"},
    "item_added": {
        "sv": "Punkt {number} {title} tillagd på {meeting}",
        "en": "Item {number} {title} added to {meeting}",
    },
    "meeting_ended": {"sv": "Mötet är avslutat: {title}", "en": "The meeting has ended: {title}"},
    "summary_decisions": {"sv": "Beslut", "en": "Decisions"},
    "summary_actions": {"sv": "Åtgärder", "en": "Actions"},
    "summary_none": {
        "sv": "Inga åtgärder eller beslut registrerades.",
        "en": "No actions or decisions were logged.",
    },
    "no_item": {"sv": "Utan punkt", "en": "No item"},
    "agenda": {"sv": "Dagordning", "en": "Agenda"},
    "agenda_empty": {"sv": "Dagordningen är tom.", "en": "The agenda is empty."},
    "presenter": {"sv": "föredragande", "en": "presenter"},
    "status_planned": {"sv": "planerat", "en": "planned"},
    "status_running": {"sv": "pågår", "en": "running"},
    "status_ended": {"sv": "avslutat", "en": "ended"},
    "status_approved": {"sv": "justerat", "en": "approved"},
    "status_meeting_cancelled": {"sv": "inställt", "en": "cancelled"},
    "meeting_counts": {
        "sv": "{actions} åtgärder, {decisions} beslut",
        "en": "{actions} actions, {decisions} decisions",
    },
    "no_meetings": {
        "sv": "Inga möten i den här kanalen. Skapa ett: /meeting new KC-möte 2026-12-10",
        "en": "No meetings in this channel. Create one: /meeting new KC-möte 2026-12-10",
    },
    "next_meeting": {"sv": "Nästa möte: {title}", "en": "Next meeting: {title}"},
    "no_next_meeting": {
        "sv": "Inget kommande möte är planerat i den här kanalen.",
        "en": "No upcoming meeting is planned in this channel.",
    },
    # agenda
    "agenda_add_usage": {
        "sv": "Skriv ärendet: /agenda add Budget 2027 @Anna",
        "en": "Give the item: /agenda add Budget 2027 @Anna",
    },
    "agenda_added": {
        "sv": "Punkt {number} {title} föreslagen för {meeting}",
        "en": "Item {number} {title} proposed for {meeting}",
    },
    "agenda_pending": {"sv": "nästa möte i {series}", "en": "the next meeting of {series}"},
    "agenda_for": {"sv": "Dagordning för {title}", "en": "Agenda for {title}"},
}


def t(lang: str, key: str, **values: object) -> str:
    """Return a message in a language, with its values filled in.

    Args:
        lang: "sv" or "en"; anything else falls back to Swedish.
        key: the message key.
        **values: values for the message's placeholders.

    Returns:
        The message.
    """
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["sv"]
    return text.format(**values) if values else text


def lang_of(locale: str | None, default: str = "sv") -> str:
    """Pick our language from a platform locale ("sv-SE", "en-US", ...)."""
    if locale:
        code = locale.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default


def messages_missing_translation() -> list[str]:
    """Return the keys that lack a language, for the tests."""
    return [key for key, entry in MESSAGES.items() if set(entry) != set(LANGUAGES)]


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add a module's own messages (adapters, scheduler) to the catalogue.

    Raises:
        ValueError: a key is already taken or lacks a language.
    """
    for key, entry in messages.items():
        if key in MESSAGES and MESSAGES[key] != entry:
            raise ValueError(f"message key {key!r} is already defined")
        if set(entry) != set(LANGUAGES):
            raise ValueError(f"message {key!r} must have exactly {LANGUAGES}")
        MESSAGES[key] = entry
