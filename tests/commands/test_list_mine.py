"""``/action list`` with no word lists what the caller owns or logged."""

from __future__ import annotations

from tests.conftest import Transcript


def test_my_list_has_what_i_own_and_what_i_logged(console: Transcript) -> None:
    console.send('/action add Ring Anna @"Lisa Andersson" senast 2026-12-05')
    console.send("/action add Boka lokal @mig")

    mine = console.text("/action list")
    assert "#1 Ring Anna" in mine and "#2 Boka lokal" in mine
    lisas = console.text("/action list", user="Lisa Andersson")
    assert "#1 Ring Anna" in lisas and "#2" not in lisas
    assert "Inga åtgärder" in console.text("/action list", user="Per Persson")
