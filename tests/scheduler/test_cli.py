"""The issue's check, end to end through the command line on an empty database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

SETUP = """\
/meeting series new KC-möte varje månad andra torsdagen 08:30-12:00 Stadshuset
/meeting new KC-möte 2026-11-24 08:30-12:00 Stadshuset
"""
MEETING = """\
/meeting start --ja
/meeting item 3.1 Ekonomi - rapport och uppföljning @"Anna Ek"
/action add Ta fram budgetunderlag @"Lisa Berg" senast 2026-11-25
/action add Ring regionen @"Per Holm" senast 2026-12-01
/action add Långsiktig plan @"Per Holm" senast 2027-03-01
/action add Julplanering @"Lisa Berg" senast 2026-12-28
/decision add Kommunchefsgruppen godkänner rapporten
/meeting end
"""
AGENDA = '/agenda add Budget 2027 @"Anna Ek"\n'


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.runner = CliRunner()
        self.env = {"DATABASE_URL": f"sqlite:///{tmp_path}/check.db", "LOG_LEVEL": "ERROR"}

    def run(self, *args: str, now: str, stdin: str | None = None) -> str:
        result = self.runner.invoke(
            app, list(args), input=stdin, env={**self.env, "MOTESBOT_NOW": now}
        )
        assert result.exit_code == 0, result.output
        return result.output


def test_the_issue_check_through_shell_and_tick(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli.run("shell", "--as", "Sekreterare", now="2026-11-23T09:00+01:00", stdin=SETUP)
    out = cli.run("shell", "--as", "Sekreterare", now="2026-11-24T08:40+01:00", stdin=MEETING)
    assert "Mötet är avslutat" in out
    cli.run("shell", "--as", "Sekreterare", now="2026-11-30T10:00+01:00", stdin=AGENDA)

    # A working day, 08:00 local: one DM each, exactly their due and overdue actions.
    out = cli.run("tick", "--at", "2026-11-27T08:00+01:00", now="2026-11-27T08:00+01:00")
    assert out.count("[DM → Lisa Berg]") == 1 and out.count("[DM → Per Holm]") == 1
    lisa = out.split("[DM → Lisa Berg]")[1].split("[DM →")[0]
    assert "#1 Ta fram budgetunderlag" in lisa and "Försenade" in lisa
    assert "Julplanering" not in lisa and "Ring regionen" not in lisa
    per = out.split("[DM → Per Holm]")[1]
    assert "#2 Ring regionen" in per and "Långsiktig plan" not in per and "#1 " not in per
    assert "2 meddelanden skickade" in out
    # The same tick again sends nothing.
    again = cli.run("tick", "--at", "2026-11-27T08:00+01:00", now="2026-11-27T08:00+01:00")
    assert "[DM" not in again and "0 meddelanden skickade" in again
    # A Saturday and juldagen send nothing (the overdue actions would otherwise go).
    for day in ("2026-11-28T08:00+01:00", "2026-12-25T08:00+01:00"):
        out = cli.run("tick", "--at", day, now=day)
        assert "[DM" not in out and "[#" not in out, day
    # --dry-run says what would go and claims nothing.
    dry = cli.run(
        "tick", "--at", "2026-12-08T08:00+01:00", "--dry-run", now="2026-12-08T08:00+01:00"
    )
    assert "(skulle skickas) [DM → Lisa Berg] God morgon!" in dry
    # Monday's status requests were never sent (no tick ran): still useful, so they would go.
    assert "(skulle skickas) [DM → Per Holm] Inför KC-möte" in dry
    assert "4 meddelanden skulle skickas" in dry
    # Two working days before the meeting of Thu 10 Dec, 09:00: one digest to the channel.
    out = cli.run("tick", "--at", "2026-12-08T09:00+01:00", now="2026-12-08T09:00+01:00")
    assert out.count("[#kc]") == 1
    posted = out.split("[#kc] ")[1].split("\n[DM")[0].split("\n2026-12-08T09:00")[0]
    assert "Inför KC-möte tors 10 dec 2026 08:30–12:00, Stadshuset" in posted
    assert "Budget 2027 (föredragande: Anna Ek)" in posted
    assert "#1 Ta fram budgetunderlag — ansvarig: Lisa Berg" in posted
    assert "B1 Kommunchefsgruppen godkänner rapporten" in posted
    # Its DMs went too (2 people), and a second run posts nothing new.
    again = cli.run("tick", "--at", "2026-12-08T09:00+01:00", now="2026-12-08T09:00+01:00")
    assert "[#kc]" not in again
    # motesbot digest prints the same content.
    printed = cli.run("digest", "KC-möte", now="2026-12-08T09:00+01:00")
    assert printed.strip() == posted.strip()


def test_digest_command_by_meeting_id_and_post(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli.run("shell", now="2026-11-23T09:00+01:00", stdin=SETUP)
    out = cli.run("digest", "1", now="2026-11-23T09:00+01:00")
    assert out.startswith("Inför KC-möte tors 10 dec 2026")
    posted = cli.run("digest", "KC-möte", "--post", now="2026-11-23T09:00+01:00")
    assert posted.startswith("[#kc] Inför KC-möte tis 24 nov 2026")  # the next one
    missing = cli.runner.invoke(
        app, ["digest", "Okänd"], env={**cli.env, "MOTESBOT_NOW": "2026-11-23T09:00+01:00"}
    )
    assert missing.exit_code == 1
