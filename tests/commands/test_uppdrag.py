"""/uppdrag and /arbetsgrupp through the console, as the secretary types them."""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.models import Assignment, AssignmentReport, AuditEvent
from tests.conftest import Transcript


def _ok(console: Transcript, line: str) -> str:
    reply = console.send(line)
    assert not reply.error, (line, reply.as_text())
    return reply.as_text()


def _groups(console: Transcript) -> None:
    _ok(console, '/arbetsgrupp ny Näringslivsgruppen @"Lisa Berg"')
    _ok(console, "/arbetsgrupp ny organisation RISE")
    _ok(console, "/arbetsgrupp ny roll Kanslichef @mig")


def test_register_a_group_and_an_assignment_from_a_decision(console: Transcript) -> None:
    _groups(console)
    _ok(console, "/meeting new KC-möte 2026-11-24 08:30-12:00 Stadshuset")
    _ok(console, "/decision add Kommunchefsgruppen ger Näringslivsgruppen uppdraget Rally VM")
    text = _ok(console, "/uppdrag ny Rally VM @Näringslivsgruppen från B1 period 2026-2027")
    assert text.splitlines()[0] == "Uppdrag U1 registrerat"
    assert "ansvarig: Näringslivsgruppen" in text
    assert "Från B1" in text and "Period: 2026-2027" in text and "Status: pågår" in text
    text = _ok(console, "/uppdrag ny Samarbete om grön omställning @RISE @Kanslichef från planen")
    assert (
        "U2" in text and "ansvarig: RISE, Kanslichef" in text and "Från verksamhetsplanen" in text
    )
    listing = _ok(console, "/uppdrag lista")
    assert "U1 Rally VM — ansvarig: Näringslivsgruppen — pågår" in listing
    assert "U2 Samarbete om grön omställning — ansvarig: RISE, Kanslichef — pågår" in listing
    assert "U2" not in _ok(console, "/uppdrag lista Näringslivsgruppen")
    group = _ok(console, "/arbetsgrupp visa Näringslivsgruppen")
    assert "Kontaktperson: Lisa Berg" in group and "U1 Rally VM" in group
    assert "Näringslivsgruppen (arbetsgrupp) — Lisa Berg — 1 pågående uppdrag" in _ok(
        console, "/arbetsgrupp lista"
    )
    assert "RISE (organisation) — ingen kontaktperson — 1 pågående uppdrag" in _ok(
        console, "/arbetsgrupp lista"
    )


def test_a_report_proposes_and_only_the_verdict_sets_the_status(console: Transcript) -> None:
    _groups(console)
    _ok(console, "/uppdrag ny Rally VM @Näringslivsgruppen")
    text = _ok(console, "/uppdrag rapport U1 Rallyt genomfört i februari utfört")
    assert text.splitlines()[0] == (
        "Rapport om U1 registrerad, föreslagen status utfört "
        "(status fortfarande pågår tills kommunchefsgruppen bedömer)"
    )
    assert "Status: pågår" in text
    assert (
        "2026-11-23 Rapport (Näringslivsgruppen, föreslår utfört): Rallyt genomfört i februari"
        in text
    )
    text = _ok(console, "/uppdrag bedöm U1 utfört Mycket bra genomfört")
    assert text.splitlines()[0] == "U1 bedömt: utfört (var pågår)"
    assert "Status: utfört" in text
    assert "2026-11-23 Kommunchefsgruppens bedömning: utfört: Mycket bra genomfört" in text
    assert "Inga uppdrag." in _ok(console, "/uppdrag lista")
    assert "U1 Rally VM" in _ok(console, "/uppdrag lista utfört")
    with transaction(console.engine) as session:
        ops = [
            e.op for e in session.exec(select(AuditEvent).where(AuditEvent.entity == "assignment"))
        ]
    assert ops == ["create", "report", "verdict"]


def test_actions_belong_to_an_assignment_and_u_numbers_are_never_actions(
    console: Transcript,
) -> None:
    _groups(console)
    _ok(console, "/uppdrag ny Rally VM @Näringslivsgruppen")
    _ok(console, '/action add Boka hotell @"Lisa Berg" senast 2026-12-20')
    added = _ok(console, '/action add Ring arrangören @"Lisa Berg" uppdrag U1 senast 2026-12-15')
    assert added.splitlines()[0] == "Åtgärd #2 registrerad (uppdrag U1)"
    assert "#2 Ring arrangören — ansvarig: Lisa Berg" in added and "uppdrag U1 " not in added
    linked = _ok(console, "/uppdrag åtgärd U1 #1")
    assert linked.splitlines()[0] == "#1 hör nu till uppdrag U1"
    shown = _ok(console, "/uppdrag visa U1")
    assert "Åtgärder:" in shown and "#1 Boka hotell" in shown and "#2 Ring arrangören" in shown
    refused = console.send("/action klar U1")
    assert refused.error
    assert refused.headline == (
        "U1 är ett uppdrag, inte en åtgärd. Åtgärder skrivs #12; för uppdraget: /uppdrag visa U1."
    )
    shown = _ok(console, "/action visa #1")
    assert "klar" not in shown  # action #1 was not closed
    assert "Hör till uppdrag U1" in shown


def test_english_words_and_help(console: Transcript) -> None:
    _ok(console, "/workgroup new Näringslivsgruppen")
    text = console.text("/assignment new Business Arena @Närings", lang="en")
    assert text.startswith("Assignment U1 recorded") and "responsible: Näringslivsgruppen" in text
    assert "U1 Business Arena" in console.text("/assignment list all", lang="en")
    text = console.text("/assignment report U1 done Held in May", lang="en")
    assert "proposed status done" in text
    assert "U1 assessed: done (was ongoing)" in console.text(
        "/assignment assess U1 done", lang="en"
    )
    helptext = _ok(console, "/uppdrag hjälp")
    for usage in (
        "/uppdrag ny",
        "/uppdrag rapport U7",
        "/uppdrag bedöm U7",
        "/uppdrag åtgärd U7 #12",
    ):
        assert usage in helptext
    assert "/arbetsgrupp ny" in _ok(console, "/arbetsgrupp hjälp")
    assert "/workgroup contact" in console.text("/workgroup help", lang="en")


def test_bad_input_gets_a_short_message_and_stores_nothing(console: Transcript) -> None:
    _groups(console)
    for line, expected in [
        ("/uppdrag ny Utan ansvarig", "minst en ansvarig med @"),
        ("/uppdrag ny Något @Okändgruppen", "Okänd ansvarig: Okändgruppen"),
        ("/uppdrag ny Något @Näringslivsgruppen från B9", "Hittar inget beslut B9"),
        ("/uppdrag visa U9", "Hittar inget uppdrag U9"),
        ("/uppdrag visa 9", "Ange uppdraget"),
        ("/uppdrag bedöm U9 utfört", "Hittar inget uppdrag U9"),
        ("/arbetsgrupp ny Näringslivsgruppen", "Näringslivsgruppen finns redan"),
    ]:
        reply = console.send(line)
        assert reply.error and expected in reply.headline, (line, reply.headline)
    _ok(console, "/uppdrag ny Rally VM @Näringslivsgruppen")
    for line in ("/uppdrag bedöm U1 kanske", "/uppdrag rapport U1", "/uppdrag åtgärd U1 #5"):
        assert console.send(line).error, line
    with transaction(console.engine) as session:
        assert len(list(session.exec(select(Assignment)))) == 1
        assert list(session.exec(select(AssignmentReport))) == []


def test_contact_members_and_chair_of_a_group(console: Transcript) -> None:
    _groups(console)
    _ok(console, '/arbetsgrupp kontakt Näringslivsgruppen @"Per Holm"')
    _ok(console, '/arbetsgrupp medlem Näringslivsgruppen @"Anna Ek" @"Lisa Berg"')
    text = _ok(console, '/arbetsgrupp ordförande Näringslivsgruppen 2027 Vännäs @"Anna Ek"')
    assert "Kontaktperson: Per Holm" in text
    assert "Medlemmar: Anna Ek, Lisa Berg" in text
    assert "Ordförande 2027: Anna Ek, Vännäs" in text


def test_klar_is_done_when_judging_and_listing(console: Transcript) -> None:
    """ "bedöm U1 klar" answered with the usage and "lista klara" took "klara" for a group."""
    _groups(console)
    _ok(console, "/uppdrag ny Rally VM @Näringslivsgruppen")
    judged = _ok(console, "/uppdrag bedöm U1 klar bra jobbat")
    assert judged.startswith("U1 bedömt: utfört (var pågår)")
    listed = _ok(console, "/uppdrag lista klara")
    assert listed.splitlines()[0] == "Uppdrag med status utfört"
    assert "U1 Rally VM" in listed
