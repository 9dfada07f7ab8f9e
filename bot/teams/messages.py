"""What the Teams adapter says itself (the commands say the rest)."""

from __future__ import annotations

from commands.i18n import register_messages

register_messages(
    {
        "teams_welcome_title": {
            "sv": "Hej! Jag är Mötesbot.",
            "en": "Hi! I'm Mötesbot.",
        },
        "teams_welcome_personal": {
            "sv": "Jag håller ordning på mötenas åtgärder och beslut. Skriv t.ex. ”action lista” "
            "eller ”action hjälp”. Här får du också morgonpåminnelser om dina åtgärder.",
            "en": "I keep track of your meetings' actions and decisions. Try “action list” or "
            "“action help”. Your morning reminders will arrive here too.",
        },
        "teams_welcome_team": {
            "sv": "Jag håller ordning på mötenas åtgärder och beslut. Nämn mig med ett kommando, "
            "t.ex. ”@Mötesbot action add Ring Anna @Lisa senast fredag”. Installera mig också "
            "personligen (Appar → Mötesbot → Lägg till) för att få påminnelser.",
            "en": "I keep track of your meetings' actions and decisions. Mention me with a "
            "command, e.g. “@Mötesbot action add Call Anna @Lisa by friday”. Also install me "
            "personally (Apps → Mötesbot → Add) to get reminders.",
        },
        "teams_card_unknown": {
            "sv": "Knappen är inaktuell. Skriv kommandot i chatten i stället.",
            "en": "That button is out of date. Type the command in the chat instead.",
        },
        "teams_input_missing": {
            "sv": "Fyll i fältet först. Ingenting sparades.",
            "en": "Fill in the field first. Nothing was saved.",
        },
        "teams_unreachable_person": {
            "sv": "{name} kan inte nås i Teams ännu: be hen installera appen personligen "
            "(Appar → Mötesbot → Lägg till) eller skriva till Mötesbot en gång.",
            "en": "{name} cannot be reached in Teams yet: ask them to install the app personally "
            "(Apps → Mötesbot → Add) or to message Mötesbot once.",
        },
        "teams_unreachable_many": {
            "sv": "Kan inte nås i Teams ännu: {names}. Be dem installera appen personligen "
            "(Appar → Mötesbot → Lägg till) så får de sina påminnelser.",
            "en": "Cannot be reached in Teams yet: {names}. Ask them to install the app "
            "personally (Apps → Mötesbot → Add) to get their reminders.",
        },
        "teams_unreachable_channel": {
            "sv": "Mötesbot är inte installerad i kanalen {channel}. Lägg till appen i teamet "
            "(Hantera team → Appar) eller nämn @Mötesbot i kanalen en gång.",
            "en": "Mötesbot is not installed in the channel {channel}. Add the app to the team "
            "(Manage team → Apps) or mention @Mötesbot in the channel once.",
        },
    }
)
