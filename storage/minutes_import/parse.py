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
from dataclasses import dataclass, field
from datetime import date, time

NOT_GIVEN = "ej angivet"
_NOT_GIVEN = frozenset(
    {"ej angivet", "ej angiven", "ej angivna", "inte angivet", "saknas", "-", "–"}
)

_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE_RE = re.compile(rf"^{_DATE}$")
_DATE_ANY_RE = re.compile(rf"\b({_DATE})\b")
_DUE_OWNER_RE = re.compile(rf"^({_DATE}|ej angiven?t?)\s+(.+)$", re.IGNORECASE)
_NOTE_RE = re.compile(rf"^({_DATE})\s*(?::|\s[-–]\s)\s*(.+)$")
_INLINE_ACTION_RE = re.compile(
    rf"^(.+?)\s+({_DATE}|ej angivet)\s+(\*\*.+\*\*|<b>.+</b>)\s*$", re.IGNORECASE
)
_ITEM_RE = re.compile(r"^(?:#{1,6}\s*)?(\d{1,2})\.(?:([1-9]\d?)\.?)?\s+(\S.*)$")
_SPAN_RE = re.compile(
    r"^(?:kl\.?\s*)?(\d{1,2})[:.]?(\d{2})\s*[-–—]\s*(\d{1,2})[:.]?(\d{2})$", re.IGNORECASE
)
_SPAN_ANY_RE = re.compile(
    r"(?<![\d-])(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})(?![\d-])"
)
_FILE_EXT_RE = re.compile(
    r"\.(pdf|docx?|pptx?|xlsx?|odt|ods|odp|txt|rtf|png|jpe?g|gif|zip|msg|csv)\s*$", re.IGNORECASE
)
_FILE_SPLIT_RE = re.compile(
    r"\s*(.+?\.(?:pdf|docx?|pptx?|xlsx?|odt|ods|odp|txt|rtf|png|jpe?g|gif|zip|msg|csv))\s*(?:,|$)",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"</?(?:i|b|em|strong|u)>", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"^[-=_*]{3,}$")
_SV_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_LONG_DATE_RE = re.compile(r"\b(\d{1,2})\s+([a-zåäö]{3})[a-zåäö]*\.?,?\s+(\d{4})\b", re.IGNORECASE)

# Section headings inside an item (compared after markup is stripped and case folded).
_HEADINGS = {
    "åtgärder": "actions",
    "åtgärd": "actions",
    "slutdatum": "actions",
    "ansvarig": "actions",
    "beslut": "decisions",
    "bilagor": "attachments",
    "bilaga": "attachments",
    "anteckningar": "notes",
    "anteckning": "notes",
    "ärendebeskrivning": "description",
    "beskrivning": "description",
    "föredragande": "presenter",
}
# Header labels before the first item.
_ROLE_LABELS = {
    "beslutande": "beslutande",
    "deltagare": "deltagare",
    "närvarande": "deltagare",
    "övriga närvarande": "ovriga",
    "övriga deltagare": "ovriga",
    "anmäld frånvaro": "franvaro",
    "frånvarande": "franvaro",
    "organisatör": "organisator",
}
_HEADER_SKIP = {"protokoll", "minnesanteckningar", "minnesanteckning", "mötesanteckningar"}
_TITLES = ("vice ordförande", "ordförande", "sekreterare", "justerare", "organisatör")
_ORG_WORDS = ("kommun", "kansli", "region", "landsting", "förbund", "förening", "bolag", "ab")


@dataclass
class ParsedParticipant:
    """One person in the header, with how they took part."""

    name: str
    role: str  # a storage.models.ParticipantRole value
    municipality: str | None = None
    title: str | None = None


@dataclass
class ParsedNote:
    """A dated follow-up note on an action."""

    day: date
    text: str


@dataclass
class ParsedAction:
    """An åtgärd as printed: text, due date (or none), owner (or none), notes."""

    text: str
    due: date | None = None
    owner: str | None = None
    notes: list[ParsedNote] = field(default_factory=list)


@dataclass
class ParsedItem:
    """An ärende with everything printed under it."""

    number: str
    title: str
    presenter: str | None = None
    attachments: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)


@dataclass
class ParsedMeeting:
    """One file of minutes."""

    title: str | None = None
    day: date | None = None
    start: time | None = None
    end: time | None = None
    place: str | None = None
    participants: list[ParsedParticipant] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        """How many actions the file holds."""
        return sum(len(i.actions) for i in self.items)

    @property
    def decision_count(self) -> int:
        """How many decisions the file holds."""
        return sum(len(i.decisions) for i in self.items)

    @property
    def note_count(self) -> int:
        """How many follow-up notes the file holds."""
        return sum(len(a.notes) for i in self.items for a in i.actions)


def clean(line: str) -> str:
    """Strip Markdown/HTML emphasis, heading marks and escapes from a line."""
    text = _TAG_RE.sub("", line).strip()
    text = text.replace("\\*", "*")
    text = re.sub(r"^#{1,6}\s*", "", text)
    # Emphasis: **x**, *x*, and stray markers at the ends of a line.
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = text.strip()
    if len(text) > 1 and text.startswith("*") and text.endswith("*"):
        text = text[1:-1].strip()
    return text.strip("* ").strip() if text.strip("*") else ""


def _is_bold(line: str) -> bool:
    s = line.strip()
    return (s.startswith("**") and s.endswith("**") and len(s) > 4) or (
        s.lower().startswith("<b>") and s.lower().endswith("</b>")
    )


def _is_italic(line: str) -> bool:
    s = line.strip()
    if s.lower().startswith("<i>") and s.lower().endswith("</i>"):
        return True
    return (
        s.startswith("*") and not s.startswith("**") and s.endswith("*") and not s.endswith("**")
    ) and len(s) > 2


def parse_day(text: str) -> date | None:
    """Read ``2019-11-06`` or ``6 november 2019`` (Swedish or English month)."""
    m = _DATE_ANY_RE.search(text)
    if m:
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            return None
    m = _LONG_DATE_RE.search(text)
    if m and m.group(2).lower()[:3] in _SV_MONTHS:
        try:
            return date(int(m.group(3)), _SV_MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
        except ValueError:
            return None
    return None


def _due(text: str) -> tuple[bool, date | None]:
    """(is this a due-date cell, the date or None for "Ej angivet"/empty)."""
    s = clean(text)
    if s.casefold() in _NOT_GIVEN or not s:
        return True, None
    if _DATE_RE.match(s):
        try:
            return True, date.fromisoformat(s)
        except ValueError:
            return False, None
    return False, None


def _owner(text: str) -> str | None:
    s = clean(text)
    return None if not s or s.casefold() in _NOT_GIVEN else s


def _heading(line: str) -> str | None:
    """The section a heading line opens, or None."""
    s = clean(line).rstrip(":").strip().casefold()
    if "\t" in line and s.startswith("åtgärder"):
        return "actions"
    return _HEADINGS.get(s)


def _span(text: str) -> tuple[time, time] | None:
    m = _SPAN_RE.match(clean(text).replace(" ", "") if "-" in text or "–" in text else "")
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    return time(h1, m1), time(h2, m2)


def _is_attachment_line(text: str) -> bool:
    return bool(_FILE_EXT_RE.search(text)) and len(text) < 400


def split_attachments(text: str) -> list[str]:
    """Split "a.pdf, 3.1)b c.docx" into file names."""
    found = [m.group(1).strip() for m in _FILE_SPLIT_RE.finditer(text)]
    return found or [text.strip()]


def _looks_like_name(text: str, known: set[str]) -> bool:
    """A person or group, not a sentence: "Anna Berg", "Kansliet", "Lisa A L"."""
    s = clean(text)
    if not s or len(s) > 60 or s[-1] in ".?!:;" or any(ch.isdigit() for ch in s):
        return False
    if name_key(s) in known:
        return True
    words = s.replace(",", " ").split()
    if not 1 <= len(words) <= 5:
        return False
    small = {"och", "af", "von", "van", "de", "la", "du"}
    return all(w[0].isupper() or w in small for w in words) and words[0][0].isupper()


def _looks_like_sentence(text: str) -> bool:
    s = clean(text)
    return len(s.split()) > 6 or s.endswith((".", "?", "!"))


def name_key(name: str) -> str:
    """A key that matches a name however the old tool spelled it (å/a, spaces, case)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


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
        actions = _ActionBlock(item, self.known, self.meeting.warnings)
        first_content = True
        decision_open = False
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
                if bullet or not decision_open or not item.decisions:
                    item.decisions.append(bullet.group(1) if bullet else text)
                else:
                    item.decisions[-1] += " " + text
                decision_open = True
                continue
            if section == "attachments":
                item.attachments.extend(split_attachments(text))
                continue
            if section == "presenter":
                item.presenter = f"{item.presenter}, {text}" if item.presenter else text
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


class _ActionBlock:
    """The actions of one item, in whichever layout they come."""

    def __init__(self, item: ParsedItem, known: set[str], warnings: list[str]) -> None:
        self.item = item
        self.known = known
        self.warnings = warnings
        self.current: ParsedAction | None = None
        self.state = "idle"  # idle | want_due | want_owner | done

    def begin(self) -> None:
        if self.state != "idle":
            self.state = "done"

    def finish(self) -> None:
        self.current = None
        self.state = "idle"

    def _add(self, text: str, due: date | None = None, owner: str | None = None) -> ParsedAction:
        action = ParsedAction(text=text, due=due, owner=owner)
        self.item.actions.append(action)
        self.current = action
        if owner:
            self.known.add(name_key(owner))
        return action

    def _labelled(self, label: str, value: str) -> None:
        """ "Åtgärd: …", "Slutdatum: …", "Ansvarig: …" one per line."""
        if label.startswith("åtgärd"):
            if value:
                self._add(value)
                self.state = "want_due"
            return
        if self.current is None:
            self.warnings.append(f"Punkt {self.item.number}: {label} utan åtgärd")
            return
        if label == "slutdatum":
            is_due, due = _due(value)
            if not is_due:
                self.warnings.append(f"Punkt {self.item.number}: okänt slutdatum {value!r}")
            self.current.due = due
            self.state = "want_owner"
            return
        self.current.owner = _owner(value)
        if self.current.owner:
            self.known.add(name_key(self.current.owner))
        self.state = "done"

    def _peek(self, rest: list[str]) -> str | None:
        for raw in rest:
            if raw.strip():
                return raw
        return None

    def line(self, raw: str, rest: list[str]) -> None:
        text = clean(raw)
        if "\t" in raw:
            cells = raw.split("\t")
            if clean(cells[0]).casefold().startswith("åtgärd"):
                return
            is_due, due = _due(cells[1]) if len(cells) > 1 else (True, None)
            owner = _owner(cells[2]) if len(cells) > 2 else None
            if not is_due:
                self.warnings.append(
                    f"Punkt {self.item.number}: okänt slutdatum {clean(cells[1])!r}"
                )
            self._add(clean(cells[0]), due, owner)
            self.state = "done"
            return
        if not text:
            return
        label, sep, value = text.partition(":")
        lab = label.strip().casefold()
        if sep and lab in ("åtgärd", "åtgärder", "slutdatum", "ansvarig", "ansvariga"):
            self._labelled(lab, value.strip())
            return
        note = _NOTE_RE.match(text)
        if note:
            try:
                day = date.fromisoformat(note.group(1))
            except ValueError:
                day = None
            if self.current is None or day is None:
                self.warnings.append(
                    f"Punkt {self.item.number}: anteckningen {text[:50]!r} saknar åtgärd"
                )
            else:
                self.current.notes.append(ParsedNote(day, note.group(2).strip()))
                self.state = "done"
            return
        is_due, due = _due(raw)
        if is_due:
            if self.state == "want_due" and self.current is not None:
                self.current.due = due
                self.state = "want_owner"
            elif self.state == "want_owner" and self.current is not None and due is None:
                # "Ej angivet" where the owner goes.
                self.state = "done"
            else:
                self.warnings.append(f"Punkt {self.item.number}: datum utan åtgärd {text!r}")
            return
        due_owner = _DUE_OWNER_RE.match(text)
        if due_owner and self.state == "want_due" and self.current is not None:
            _, self.current.due = _due(due_owner.group(1))
            self.current.owner = _owner(due_owner.group(2))
            if self.current.owner:
                self.known.add(name_key(self.current.owner))
            self.state = "done"
            return
        if _is_bold(raw) and self.current is not None and self.state in ("want_owner", "want_due"):
            self.current.owner = _owner(raw)
            if self.current.owner:
                self.known.add(name_key(self.current.owner))
            self.state = "done"
            return
        inline = _INLINE_ACTION_RE.match(raw.strip())
        if inline:
            _, due = _due(inline.group(2))
            self._add(clean(inline.group(1)), due, _owner(inline.group(3)))
            self.state = "done"
            return
        nxt = self._peek(rest)
        next_is_due = nxt is not None and (_due(nxt)[0] or bool(_DUE_OWNER_RE.match(clean(nxt))))
        # A line where the owner goes is the owner unless the line after it is a date
        # (then it is the next action's text and this action had no owner line).
        owner_here = self.current is not None and (
            (self.state == "want_owner" and not next_is_due and not _looks_like_sentence(raw))
            or (self.state == "want_due" and not next_is_due and _looks_like_name(raw, self.known))
        )
        if owner_here and self.current is not None:
            self.current.owner = _owner(raw)
            if self.current.owner:
                self.known.add(name_key(self.current.owner))
            self.state = "done"
            return
        self._add(text)
        self.state = "want_due"


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
