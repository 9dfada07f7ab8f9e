"""Teams over real HTTP: activities POSTed to /api/messages, replies caught by the connector stub."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.backup import export_data
from storage.db import transaction
from storage.models import ConversationRef
from tests.bot.teams.conftest import EMMA, LISA, NOW, SDK_WARNINGS, SVEN, TENANT, Teams

pytestmark = SDK_WARNINGS


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in card["body"]:
        if item.get("type") == "ActionSet":
            found.extend(item["actions"])
    return found


def _refs(teams: Teams) -> list[tuple[str, str, dict[str, Any]]]:
    with transaction(teams.engine) as session:
        rows = session.exec(select(ConversationRef)).all()
        return [(r.kind, r.key, r.reference) for r in rows]


def _actions(teams: Teams) -> list[dict[str, Any]]:
    from datetime import datetime

    with transaction(teams.engine) as session:
        data = export_data(session, exported_at=datetime.fromisoformat(NOW))
    return [a for ws in data["workspaces"] for a in ws["actions"]]


async def test_install_then_add_then_done(teams: Teams) -> None:
    status, _ = await teams.post(teams.install_personal(SVEN))
    assert status in (200, 202)
    assert "Mötesbot" in teams.stub.texts()[0]
    assert [(k, key) for k, key, _ in _refs(teams)] == [("personal", SVEN.aad)]

    status, _ = await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    assert status in (200, 202)
    reply = teams.stub.messages()[-1]
    assert "#1" in reply.body["text"]
    assert reply.conversation_id == f"a:1personal-chat-{SVEN.aad}"
    card = teams.stub.cards()[-1]
    assert card["version"] == "1.5" and "#1" in card["body"][1]["text"]

    actions = _actions(teams)
    assert [a["text"] for a in actions] == ["Boka lokal"]
    assert actions[0]["due_date"] == "2026-12-05"

    done = next(b for b in _buttons(card) if b["type"] == "Action.Execute")
    assert done["title"] == "Klar"
    status, body = await teams.post(teams.card_action(SVEN, done))
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "klar" in body["value"]["body"][0]["text"]
    assert _actions(teams)[0]["status"] == "done"


async def test_channel_mention_resolves_people_and_strips_the_bot(teams: Teams) -> None:
    await teams.post(teams.install_team(SVEN))
    text = "<at>Mötesbot</at> action add Ring Anna <at>Lisa Andersson Lindberg</at> senast fredag"
    from tests.bot.teams.conftest import BOT

    message = teams.message(
        SVEN, text, conversation=teams.channel(thread="1700000000999"), mentions=[BOT, LISA]
    )
    await teams.post(message)
    reply = teams.stub.messages()[-1]
    assert "#1" in reply.body["text"]
    assert "Lisa Andersson Lindberg" in reply.body["text"]
    assert "fre 27 nov 2026" in reply.body["text"]
    # The reply goes into the thread the command was typed in.
    assert reply.conversation_id == "19:kc-channel@thread.tacv2;messageid=1700000000999"
    owners = _actions(teams)[0]["owners"]
    assert [o["name"] for o in owners] == ["Lisa Andersson Lindberg"]

    from datetime import datetime

    with transaction(teams.engine) as session:
        data = export_data(session, exported_at=datetime.fromisoformat(NOW))
    ws = data["workspaces"][0]
    assert (ws["platform"], ws["external_id"]) == ("teams", TENANT)
    lisa = next(p for p in ws["people"] if p["display_name"] == "Lisa Andersson Lindberg")
    assert lisa["platform_user_id"] == LISA.aad
    # The channel (not the thread) is remembered for digests.
    assert ("channel", "19:kc-channel@thread.tacv2") in [(k, key) for k, key, _ in _refs(teams)]


async def test_leading_slash_and_name_split_mention(teams: Teams) -> None:
    first = {**LISA.account, "name": "Lisa"}
    last = {**LISA.account, "name": "Andersson Lindberg"}
    await teams.post(
        teams.message(
            SVEN,
            "/action add Skicka underlag <at>Lisa</at> <at>Andersson Lindberg</at>",
            mentions=[first, last],
        )
    )
    assert "ansvarig: Lisa" in teams.stub.texts()[-1]
    assert len(_actions(teams)[0]["owners"]) == 1


async def test_locale_picks_the_language(teams: Teams) -> None:
    await teams.post(teams.message(EMMA, "action add Book a room by 2026-12-05", locale="en-US"))
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    english, swedish = teams.stub.texts()
    assert english.startswith("Action #1")
    assert swedish.startswith("Åtgärd #2")
    assert teams.stub.cards()[0]["body"][2]["actions"][0]["title"] == "Done"


async def test_unknown_person_gets_a_friendly_message(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Ring Anna @Okänd senast fredag"))
    text = teams.stub.texts()[-1]
    assert "Jag hittar ingen som heter ”Okänd”" in text
    assert "Traceback" not in text
    assert _actions(teams) == []


async def test_a_repeated_delivery_changes_nothing(teams: Teams) -> None:
    message = teams.message(SVEN, "action add Boka lokal senast 2026-12-05")
    await teams.post(message)
    await teams.post(message)
    assert len(_actions(teams)) == 1
    # The inbox knows the activity: the first answer stands, no second message (as in Slack).
    assert len(teams.stub.texts()) == 1 and "Åtgärd #1" in teams.stub.texts()[0]


async def test_new_date_and_note_buttons_carry_their_inputs(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    card = teams.stub.cards()[-1]
    show_cards = [b for b in _buttons(card) if b["type"] == "Action.ShowCard"]
    date_card, note_card = (b["card"] for b in show_cards)
    assert date_card["body"][0]["type"] == "Input.Date"
    save_date = date_card["actions"][0]
    field = date_card["body"][0]["id"]

    status, body = await teams.post(
        teams.card_action(SVEN, save_date, inputs={field: "2026-12-10"})
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert _actions(teams)[0]["due_date"] == "2026-12-10"

    save_note = note_card["actions"][0]
    field = note_card["body"][0]["id"]
    status, body = await teams.post(
        teams.card_action(SVEN, save_note, inputs={field: "Lokalen bokad preliminärt"})
    )
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert _actions(teams)[0]["notes"][0]["text"] == "Lokalen bokad preliminärt"

    # An empty field keeps the card and says what is missing.
    status, body = await teams.post(teams.card_action(SVEN, save_note, inputs={field: ""}))
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "Fyll i" in body["value"]


async def test_mention_without_entra_id_is_looked_up_at_the_connector(teams: Teams) -> None:
    # Teams mentions usually carry only the Teams id; the connector knows the Entra id.
    teams_id = LISA.account["id"]
    teams.stub.members[teams_id] = {**LISA.account, "email": "lisa@umea.se"}
    mention = {"id": teams_id, "name": "Lisa Andersson Lindberg"}
    await teams.post(
        teams.message(
            SVEN,
            "action add Ring Anna <at>Lisa Andersson Lindberg</at> senast fredag",
            mentions=[mention],
        )
    )
    assert "#1" in teams.stub.texts()[-1]
    lookups = [c for c in teams.stub.calls if c.method == "GET"]
    assert [c.path for c in lookups] == [
        f"/v3/conversations/a:1personal-chat-{SVEN.aad}/members/{teams_id}"
    ]

    # Lisa installs the app later: she is the same person, and her action is hers.
    await teams.post(teams.message(LISA, "action list"))
    assert "#1 Ring Anna" in teams.stub.texts()[-1]


async def test_unknown_mention_falls_back_to_the_teams_id(teams: Teams) -> None:
    mention = {"id": "29:1unknown", "name": "Gäst Gästsson"}
    await teams.post(
        teams.message(SVEN, "action add Ring <at>Gäst Gästsson</at>", mentions=[mention])
    )
    assert "ansvarig: Gäst Gästsson" in teams.stub.texts()[-1]


async def test_done_in_a_list_shows_the_list_again_updated(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal @mig senast 2026-12-05"))
    await teams.post(teams.message(SVEN, "action add Skicka kallelse @mig senast 2026-12-07"))
    await teams.post(teams.message(SVEN, "action list"))
    listing = teams.stub.cards()[-1]
    done = next(b for b in _buttons(listing) if b["type"] == "Action.Execute")
    assert done["data"] == {"command": "action done #1", "view": "action list"}

    _, body = await teams.post(teams.card_action(SVEN, done))
    card = body["value"]
    texts = [item.get("text", "") for item in card["body"]]
    assert texts[0].startswith("Åtgärd #1 är klar")
    assert any("#2 Skicka kallelse" in text for text in texts)
    assert not any("#1 Boka lokal" in text for text in texts[1:])
    # The buttons of the updated card keep refreshing the list.
    assert all(b["data"].get("view") == "action list" for b in _buttons(card) if "data" in b)


async def test_show_more_in_a_list_shows_the_next_page(teams: Teams) -> None:
    for n in range(1, 23):
        await teams.post(teams.message(SVEN, f"action add Uppgift {n} @mig"))
    await teams.post(teams.message(SVEN, "action lista"))
    listing = teams.stub.cards()[-1]
    texts = [item.get("text", "") for item in listing["body"]]
    assert sum(text.startswith("#") for text in texts) == 20
    more = next(b for b in _buttons(listing) if b.get("title") == "Visa fler")
    assert more["data"] == {"command": "action lista sida 2", "view": "action lista"}

    _, body = await teams.post(teams.card_action(SVEN, more))
    card = body["value"]
    texts = [item.get("text", "") for item in card["body"]]
    assert "(sida 2)" in texts[0]
    assert [text.split(" ", 1)[0] for text in texts[1:] if text.startswith("#")] == ["#21", "#22"]
    # The page's own buttons now refresh page 2, not page 1.
    done = next(b for b in _buttons(card) if b.get("title") == "Klar")
    assert done["data"] == {"command": "action done #21", "view": "action lista sida 2"}
    _, body = await teams.post(teams.card_action(SVEN, done))
    texts = [item.get("text", "") for item in body["value"]["body"]]
    assert texts[0].startswith("Åtgärd #21 är klar")
    assert [text.split(" ", 1)[0] for text in texts[1:] if text.startswith("#")] == ["#22"]


async def test_installation_update_in_a_team_stores_the_channel(teams: Teams) -> None:
    activity = teams.activity(
        "installationUpdate",
        SVEN,
        {
            "conversationType": "channel",
            "tenantId": TENANT,
            "isGroup": True,
            "id": "19:kc-channel@thread.tacv2",
        },
        action="add",
    )
    status, _ = await teams.post(activity)
    assert status in (200, 202)
    refs = _refs(teams)
    assert [(k, key) for k, key, _ in refs] == [("channel", "19:kc-channel@thread.tacv2")]
    reference = refs[0][2]["conversation_reference"]
    assert reference["serviceUrl"] == teams.service_url
    assert reference["conversation"]["id"] == "19:kc-channel@thread.tacv2"
    assert reference.get("activityId") is None


async def test_the_invoke_name_is_accepted_in_both_spellings(teams: Teams) -> None:
    await teams.post(teams.message(SVEN, "action add Boka lokal senast 2026-12-05"))
    done = next(b for b in _buttons(teams.stub.cards()[-1]) if b["type"] == "Action.Execute")
    invoke = teams.card_action(SVEN, done)
    invoke["name"] = "adaptive-card/action"
    status, body = await teams.post(invoke)
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert _actions(teams)[0]["status"] == "done"


async def test_a_bare_mention_shows_help_and_nonsense_is_explained(teams: Teams) -> None:
    from tests.bot.teams.conftest import BOT

    channel = teams.channel(thread="1700000000777")
    await teams.post(teams.message(SVEN, "<at>Mötesbot</at>", conversation=channel, mentions=[BOT]))
    # A bare mention lists every command family.
    assert teams.stub.texts()[-1].startswith("Mötesbot – kommandon")
    await teams.post(
        teams.message(SVEN, "<at>Mötesbot</at> hej", conversation=channel, mentions=[BOT])
    )
    assert "Okänt kommando: /hej" in teams.stub.texts()[-1]
