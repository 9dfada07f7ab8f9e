"""The scheduler's and the scheduling commands' sentences, in Swedish and English."""

from __future__ import annotations

from commands.i18n import register_messages

register_messages(
    {
        # morning DM
        "dm_headline": {
            "sv": "God morgon! Dina åtgärder ({count})",
            "en": "Good morning! Your actions ({count})",
        },
        "dm_overdue": {"sv": "Försenade", "en": "Overdue"},
        "dm_today": {"sv": "Idag", "en": "Today"},
        "dm_upcoming": {"sv": "Kommande", "en": "Coming up"},
        # digest
        "digest_headline": {"sv": "Inför {title}", "en": "Coming up: {title}"},
        "digest_morning_headline": {"sv": "Idag: {title}", "en": "Today: {title}"},
        "digest_when": {"sv": "Tid och plats: {when}", "en": "Time and place: {when}"},
        "digest_place_unknown": {"sv": "plats ej angiven", "en": "place not given"},
        "digest_previous": {
            "sv": "Föregående möte ({title}): åtgärder",
            "en": "Previous meeting ({title}): actions",
        },
        "digest_previous_decisions": {
            "sv": "Föregående mötes beslut",
            "en": "Decisions of the previous meeting",
        },
        "digest_no_previous": {
            "sv": "Det finns inget tidigare möte i serien.",
            "en": "The series has no earlier meeting.",
        },
        "digest_no_actions": {
            "sv": "Inga åtgärder registrerades på förra mötet.",
            "en": "No actions were logged at the previous meeting.",
        },
        "digest_no_decisions": {
            "sv": "Inga beslut fattades på förra mötet.",
            "en": "No decisions were taken at the previous meeting.",
        },
        "digest_done_since": {"sv": "klar sedan förra mötet", "en": "done since then"},
        "digest_still_open": {"sv": "pågår", "en": "still open"},
        "digest_other_due": {
            "sv": "Andra åtgärder med slutdatum före mötet",
            "en": "Other actions due before the meeting",
        },
        "digest_not_found": {
            "sv": "Hittar ingen serie eller inget möte som heter ”{name}”.",
            "en": "No series or meeting called “{name}”.",
        },
        "digest_no_upcoming": {
            "sv": "{series} har inget kommande möte.",
            "en": "{series} has no upcoming meeting.",
        },
        # status request
        "status_request_headline": {
            "sv": "Inför {title}: hur går det med dina åtgärder från förra mötet?",
            "en": "Before {title}: how are your actions from the previous meeting going?",
        },
        "status_request_hint": {
            "sv": "Svara med knapparna; svaren syns i mötets sammanfattning.",
            "en": "Answer with the buttons; the answers appear in the meeting digest.",
        },
        "btn_in_progress": {"sv": "Pågår + anteckning", "en": "In progress + note"},
        # series commands
        "series_usage": {
            "sv": "Skriv: /meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset",
            "en": "Type: /meeting series new KC-möte monthly 2nd thursday 08:30-12:00 City Hall",
        },
        "series_rule_unknown": {
            "sv": "Jag förstår inte upprepningen. Skriv t.ex. ”varje månad andra torsdagen”, "
            "”varannan vecka tisdag”, ”varje vecka måndag” eller ”sista fredagen varje månad”.",
            "en": "I don't understand the recurrence. Try “monthly 2nd thursday”, "
            "“every other week tuesday”, “every week monday” or “last friday of every month”.",
        },
        "series_has_rule": {
            "sv": "{series} har redan en upprepning ({rule}). Ingenting sparades.",
            "en": "{series} already repeats ({rule}). Nothing was saved.",
        },
        "series_created": {
            "sv": "Mötesserie {series}: {rule}, {span}. {count} möten planerade till och med {until}.",
            "en": "Meeting series {series}: {rule}, {span}. {count} meetings planned up to {until}.",
        },
        "series_unknown": {
            "sv": "Det finns ingen mötesserie som heter ”{name}”.",
            "en": "There is no meeting series called “{name}”.",
        },
        "series_digest_usage": {
            "sv": "Skriv: /meeting series digest KC-möte 2 09:00 [morgon på|av]",
            "en": "Type: /meeting series digest KC-möte 2 09:00 [morning on|off]",
        },
        "series_digest_set": {
            "sv": "{series}: sammanfattningen postas {days} arbetsdagar före mötet kl. {time}{morning}.",
            "en": "{series}: the digest is posted {days} working days before the meeting at {time}{morning}.",
        },
        "series_digest_morning": {
            "sv": " och på mötesdagens morgon",
            "en": " and on the morning of the meeting",
        },
        "series_show": {"sv": "Mötesserie {series}", "en": "Meeting series {series}"},
        "series_rule": {"sv": "Upprepning: {rule}", "en": "Repeats: {rule}"},
        "series_no_rule": {"sv": "Ingen upprepning", "en": "No recurrence"},
        "series_upcoming": {"sv": "Kommande möten", "en": "Upcoming meetings"},
        "move_usage": {
            "sv": "Skriv: /meeting move 2026-12-10 2026-12-17 [08:30-12:00]",
            "en": "Type: /meeting move 2026-12-10 2026-12-17 [08:30-12:00]",
        },
        "move_not_found": {
            "sv": "Inget planerat möte {date} i den här kanalen.",
            "en": "No planned meeting on {date} in this channel.",
        },
        "meeting_moved": {
            "sv": "Mötet är flyttat: {title}",
            "en": "The meeting was moved: {title}",
        },
        "cancel_usage": {
            "sv": "Skriv: /meeting cancel 2026-12-10",
            "en": "Type: /meeting cancel 2026-12-10",
        },
        "meeting_cancelled": {
            "sv": "Mötet är inställt: {title}",
            "en": "The meeting is cancelled: {title}",
        },
        # preferences
        "away_usage": {
            "sv": "Skriv: /action borta till 2027-08-10, eller /action borta av",
            "en": "Type: /action away till 2027-08-10, or /action away off",
        },
        "away_set": {
            "sv": "Inga påminnelser till och med {date}. Välkommen tillbaka sedan!",
            "en": "No reminders up to and including {date}. Welcome back afterwards!",
        },
        "away_off": {
            "sv": "Du är tillbaka: påminnelserna kommer som vanligt.",
            "en": "You are back: reminders come as usual.",
        },
        "reminders_usage": {
            "sv": "Skriv: /action påminnelser 07:30, eller /action påminnelser av",
            "en": "Type: /action reminders 07:30, or /action reminders off",
        },
        "reminders_set": {
            "sv": "Morgonpåminnelsen kommer kl. {time} ({zone}) på arbetsdagar när något är på gång.",
            "en": "The morning reminder comes at {time} ({zone}) on working days when something is due.",
        },
        "reminders_off": {
            "sv": "Morgonpåminnelserna är avstängda. Slå på: /action påminnelser 08:00",
            "en": "Morning reminders are off. Turn on: /action reminders 08:00",
        },
    }
)
