"""What one line of an old-tool export is: a date, a due cell, a heading, a name, a file name.

Shared by the header, item and action readers of :mod:`storage.minutes_import.parse`.
"""

from __future__ import annotations

import re
import unicodedata
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
_SPACED_ROW_RE = re.compile(
    rf"^(\S.*?)\s{{2,}}({_DATE}|ej angivet)(?:\s{{2,}}(\S.*))?$", re.IGNORECASE
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
_URL_RE = re.compile(r"^<?https?://\S+>?$")
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
    "anmält förhinder": "franvaro",
    "frånvarande": "franvaro",
    "frånvaro": "franvaro",
    "ej närvarande": "franvaro",
    "närvarande beslutande": "beslutande",
    "ledamöter": "beslutande",
    "övriga": "ovriga",
    "gäster": "ovriga",
    "adjungerade": "ovriga",
    "ersättare": "ersattare",
    "tjänstgörande ersättare": "ersattare",
    "organisatör": "organisator",
    "ordförande": "beslutande:ordförande",
    "vice ordförande": "beslutande:vice ordförande",
    "justerare": "beslutande:justerare",
    "sekreterare": "ovriga:sekreterare",
}
_HEADER_SKIP = {"protokoll", "minnesanteckningar", "minnesanteckning", "mötesanteckningar"}
_TITLES = ("vice ordförande", "ordförande", "sekreterare", "justerare", "organisatör")
_ORG_WORDS = ("kommun", "kansli", "region", "landsting", "förbund", "förening", "bolag", "ab")


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
    if s.startswith("åtgärd") and re.fullmatch(r"åtgärd(er)?\s+slutdatum\s+ansvarig", s):
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
    """Too long to be who is responsible (names and groups are short)."""
    return len(clean(text).split()) > 7


def name_key(name: str) -> str:
    """A key that matches a name however the old tool spelled it (å/a, spaces, case)."""

    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if ch.isalnum())
