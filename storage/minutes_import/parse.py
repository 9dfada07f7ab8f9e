"""Read minutes exported as text from the previous web tool into a neutral structure.

The exports come in three layouts, often mixed within one file (see docs/minutes.md):

* a tab-separated table: ``ÅTGÄRDER<TAB>SLUTDATUM<TAB>ANSVARIG`` and one row per action,
  ``<i>text</i><TAB>date<TAB><b>owner</b>``;
* Markdown-ish headings: ``#### ÅTGÄRDER`` / ``#### SLUTDATUM`` / ``#### ANSVARIG``, then an
  italic text line, a date line and a bold owner line per action;
* plain blocks: a line ``Åtgärder``, then per action a text line, a date (or ``Ej angivet``)
  and an owner (or ``Ej angivet``), date and owner sometimes on one line, and dated
  follow-up notes ``2020-01-12: …`` under the action they follow.

This module is pure: text in, :class:`ParsedMeeting` out. Nothing here touches a database.
"""

from __future__ import annotations

import re
from datetime import time

from storage.minutes_import.actions import ActionBlock
from storage.minutes_import.lines import (
    _DATE_RE,
    _FILE_EXT_RE,
    _HEADER_SKIP,
    _HEADINGS,
    _ITEM_RE,
    _ORG_WORDS,
    _ROLE_LABELS,
    _SEPARATOR_RE,
    _SPAN_ANY_RE,
    _URL_RE,
    _heading,
    _is_attachment_line,
    _is_italic,
    _looks_like_name,
    _span,
    clean,
    name_key,
    parse_day,
    split_attachments,
)
from storage.minutes_import.structure import (
    ParsedAction,
    ParsedItem,
    ParsedMeeting,
    ParsedNote,
    ParsedParticipant,
)

__all__ = [
    "ParsedAction",
    "ParsedItem",
    "ParsedMeeting",
    "ParsedNote",
    "ParsedParticipant",
    "looks_like_minutes",
    "name_key",
    "parse_day",
    "parse_minutes",
]


def _follows(prev: tuple[int, int], key: tuple[int, int]) -> bool:
    """True when key is the very next number after prev (3 → 4, 3 → 3.1, 3.2 → 3.3, 3.2 → 4)."""
    (pmaj, pmin), (maj, mnr) = prev, key
    return (maj == pmaj and mnr == pmin + 1) or (maj == pmaj + 1 and mnr == 0)


def _numbering_chain(
    candidates: list[tuple[int, str, str, tuple[int, int], bool]],
) -> list[tuple[int, str, str, tuple[int, int], bool]]:
    """Pick the numbered lines that are the agenda: the best strictly rising chain.

    Numbered lists inside an item's text ("1. Resor", "2. Konsulter") also look like
    items; the agenda is the longest rising sequence, preferring headings marked with
    ``#`` and numbers that follow each other without gaps.
    """
    n = len(candidates)
    if n == 0:
        return []
    score = [0.0] * n
    back = [-1] * n
    for j, (_, _, _, key, hashed) in enumerate(candidates):
        weight = 2.0 if hashed else 1.0
        score[j] = weight + (0.5 if key in ((1, 0), (0, 0)) else 0.0)
        for i in range(j):
            prev = candidates[i][3]
            if prev < key:
                value = score[i] + weight + (0.5 if _follows(prev, key) else 0.0)
                # On a tie the later line wins: a numbered list inside an item comes
                # before the real heading with the same number.
                if value >= score[j]:
                    score[j], back[j] = value, i
    best = max(range(n), key=lambda k: (score[k], k))
    chain = []
    while best != -1:
        chain.append(candidates[best])
        best = back[best]
    return chain[::-1]


class _Reader:
    """A small state machine over the lines of one file."""

    def __init__(self, text: str) -> None:
        self.lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.meeting = ParsedMeeting()
        self.known: set[str] = set()

    # -- header -------------------------------------------------------------
    def header(self, lines: list[str]) -> None:
        m = self.meeting
        section: str | None = None
        want: str | None = None
        after_place = False
        for raw in lines:
            if not raw.strip() or _SEPARATOR_RE.match(raw.strip()):
                if raw.strip():
                    section = None
                continue
            text = clean(raw)
            if not text:
                continue
            low = text.casefold().rstrip(":").strip()
            label, _, value = text.partition(":")
            label_low = label.strip().casefold()
            if want is not None and not (
                low in _ROLE_LABELS
                or label_low in _ROLE_LABELS
                or label_low in ("datum", "tid", "plats", "lokal")
                or _span(text)
                or _DATE_RE.match(text)
            ):
                self._header_value(want, text, raw)
                want, section = (
                    ("place_more" if want == "place" and raw.endswith("  ") else None),
                    None,
                )
                after_place = after_place or m.place is not None
                continue
            if low in _ROLE_LABELS:
                section = _ROLE_LABELS[low]
                continue
            if label_low in _ROLE_LABELS and value.strip():
                section = _ROLE_LABELS[label_low]
                self._people(section, value.strip())
                if ":" in section:  # "Ordförande: X" names one person
                    section = None
                continue
            if label_low in ("datum", "tid", "plats", "lokal"):
                key = {"datum": "date", "tid": "span", "lokal": "place"}.get(label_low, "place")
                if value.strip():
                    self._header_value(key, value.strip(), value)
                    after_place = after_place or key == "place"
                else:
                    want = key
                continue
            if low in _HEADER_SKIP:
                continue
            span = _span(text)
            if span is not None:
                m.start, m.end = span
                section, want = None, "place"
                continue
            day = parse_day(text)
            if day is not None and m.day is None and len(text) < 80:
                # "2020-02-06", "Tors, 6 Feb, 2020 08:30 - 12:00", "## KCmöte 2017-05-10 …"
                m.day = day
                section = None
                both = _SPAN_ANY_RE.search(text)
                if both is not None and m.start is None:
                    h1, m1, h2, m2 = (int(g) for g in both.groups())
                    if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60:
                        m.start, m.end = time(h1, m1), time(h2, m2)
                        want = "place"
                continue
            if text.endswith(":"):  # a label we do not know: its lines are not people
                section = None
                m.warnings.append(f"Rubrik: okänd rubrik {text[:60]!r}")
                continue
            if section is not None and not text[0].isdigit():
                self._people(section, text)
                continue
            if m.title is None and not m.participants:
                m.title = text
                continue
            if after_place and "," in text and _looks_like_name(text.split(",")[0], set()):
                self._people("ovriga", text)
                continue
            m.warnings.append(f"Rubrik: förstod inte raden {text[:60]!r}")

    def _header_value(self, key: str, text: str, raw: str) -> None:
        m = self.meeting
        if key == "date":
            m.day = parse_day(text) or m.day
        elif key == "span":
            span = _span(text)
            if span:
                m.start, m.end = span
        elif key == "place":
            m.place = text
        elif key == "place_more":
            m.place = f"{m.place} {text}" if m.place else text

    def _people(self, role: str, text: str) -> None:
        # "Lisa Andersson Lindberg (Organisatör), Magnus Haglund, ..." on one line, or
        # "Magnus Haglund, Örnsköldsviks kommun, ordförande" one person a line.
        parts = [p.strip() for p in text.split(",") if p.strip()]
        many = (
            role == "deltagare"
            and len(parts) > 1
            and all(_looks_like_name(p, set()) or "(" in p for p in parts)
        )
        entries = [[p] for p in parts] if many else [parts]
        for entry in entries:
            self._person(role, entry)

    def _person(self, role: str, parts: list[str]) -> None:
        role, _, role_title = role.partition(":")
        name = parts[0]
        extra = parts[1:]
        paren = re.findall(r"\(([^)]*)\)", name)
        name = re.sub(r"\s*\([^)]*\)", "", name).strip()
        if not name:
            return
        municipality: str | None = None
        title: str | None = None
        organizer = False
        for part in [*extra, *paren]:
            clean_part = re.sub(r"\s*\(([^)]*)\)", "", part).strip()
            inner = re.findall(r"\(([^)]*)\)", part)
            low = clean_part.casefold()
            if low == "organisatör":
                organizer = True
            elif clean_part and municipality is None and any(w in low for w in _ORG_WORDS):
                municipality = clean_part
            elif clean_part:
                title = f"{title}, {clean_part}" if title else clean_part
            for note in inner:
                title = f"{title}, {note}" if title else note
        if role_title:
            title = f"{role_title}, {title}" if title else role_title
        self.known.add(name_key(name))
        people = self.meeting.participants
        if role != "organisator":
            people.append(ParsedParticipant(name, role, municipality, title))
        if organizer or role == "organisator":
            people.append(ParsedParticipant(name, "organisator"))

    # -- items --------------------------------------------------------------
    def run(self) -> ParsedMeeting:
        lines = self.lines
        candidates = []
        for i, raw in enumerate(lines):
            found = self._item_start(raw)
            if found is not None:
                candidates.append((i, *found, raw.lstrip().startswith("#")))
        starts = [(i, number, title) for i, number, title, _, _ in _numbering_chain(candidates)]
        first_item = starts[0][0] if starts else None
        self.header(lines[: first_item if first_item is not None else len(lines)])
        for n, (i, number, title) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
            item = ParsedItem(number=number, title=title)
            self.meeting.items.append(item)
            self.item_body(item, lines[i + 1 : end])
        if self.meeting.day is None:
            self.meeting.warnings.append("Hittade inget mötesdatum.")
        if not starts:
            self.meeting.warnings.append("Hittade inga numrerade punkter.")
        return self.meeting

    def _item_start(self, raw: str) -> tuple[str, str, tuple[int, int]] | None:
        s = raw.strip()
        m = _ITEM_RE.match(s)
        if not m or "\t" in raw:
            return None
        major, minor = int(m.group(1)), m.group(2)
        title = clean(m.group(3))
        if not title or _FILE_EXT_RE.search(title) or _DATE_RE.match(title):
            return None
        number = f"{major}.{int(minor)}" if minor else str(major)
        return number, title, (major, int(minor) if minor else 0)

    def item_body(self, item: ParsedItem, lines: list[str]) -> None:
        section = "body"
        actions = ActionBlock(item, self.known, self.meeting.warnings)
        first_content = True
        decision_open = False
        attached = 0
        for idx, raw in enumerate(lines):
            stripped = raw.strip()
            if not stripped:
                decision_open = False
                continue
            if _SEPARATOR_RE.match(stripped):
                continue
            heading = _heading(raw)
            if heading is not None:
                section = heading
                decision_open = False
                attached = 0
                if heading == "actions":
                    actions.begin()
                continue
            text = clean(raw)
            # "Föredragande: X" in any layout.
            label, sep, value = text.partition(":")
            if (
                sep
                and label.strip().casefold() in ("föredragande", "föredragare")
                and value.strip()
            ):
                item.presenter = value.strip()
                first_content = False
                continue
            if label.strip().casefold() in ("bilagor", "bilaga") and sep and value.strip():
                item.attachments.extend(split_attachments(value.strip()))
                continue
            # "Beslut: …", "Anteckningar: …", "Åtgärd: …" open their section inline.
            lab = label.strip().casefold()
            if sep and value.strip() and lab in _HEADINGS and lab not in ("föredragande",):
                opened = _HEADINGS[lab]
                if opened == "actions" and section != "actions":
                    section = "actions"
                    actions.begin()
                elif opened != "actions":
                    section = opened
                    decision_open = False
                    raw = value.strip()
                    text = clean(raw)
            if section == "actions":
                actions.line(raw, lines[idx + 1 :])
                continue
            if section == "decisions":
                if not text:
                    continue
                bullet = re.match(r"^[-•*]\s+(.*)$", text)
                # A wrapped line continues the decision above: the previous line has no
                # closing punctuation and this one starts in lower case.
                continues = (
                    decision_open
                    and bool(item.decisions)
                    and not item.decisions[-1].endswith((".", "!", "?", ":", ";"))
                    and text[:1].islower()
                )
                if bullet or not continues:
                    item.decisions.append(bullet.group(1) if bullet else text)
                else:
                    item.decisions[-1] += " " + text
                decision_open = True
                continue
            if section == "attachments":
                # File names and links; the first other line after some ends the list.
                if _is_attachment_line(text) or _URL_RE.match(text) or not attached:
                    item.attachments.extend(split_attachments(text))
                    attached += 1
                    continue
                section = "body"
            if section == "presenter":
                # One presenter line; text after it without a heading is notes again.
                item.presenter = text
                section = "body"
                continue
            if not text:
                continue
            # File names: the first line under the heading, or "7) name.pptx" anywhere.
            if _is_attachment_line(text) and (first_content or re.match(r"^\d+(\.\d+)?\)", text)):
                item.attachments.extend(split_attachments(text))
                first_content = False
                continue
            first_content = False
            if section == "description" or (section == "body" and _is_italic(raw)):
                item.description.append(text)
            else:
                item.notes.append(text)
        actions.finish()


def parse_minutes(text: str) -> ParsedMeeting:
    """Parse one exported minutes file.

    Args:
        text: the whole file.

    Returns:
        The meeting with its header, items, actions and decisions, and warnings for
        anything that could not be placed.
    """
    return _Reader(text).run()


def looks_like_minutes(text: str) -> bool:
    """Tell minutes text from other files (used to pick the importer)."""
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return False
    return bool(re.search(r"^\s*(?:#{1,6}\s*)?\d{1,2}\.\s", text, re.MULTILINE))
