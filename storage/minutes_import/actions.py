"""The actions of one item, in whichever of the three layouts they come (see parse.py)."""

from __future__ import annotations

import re
from datetime import date

from storage.minutes_import.lines import (
    _DUE_OWNER_RE,
    _INLINE_ACTION_RE,
    _NOTE_RE,
    _SPACED_ROW_RE,
    _due,
    _is_bold,
    _looks_like_name,
    _looks_like_sentence,
    _owner,
    clean,
    name_key,
)
from storage.minutes_import.structure import ParsedAction, ParsedItem, ParsedNote


class ActionBlock:
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
        if not text:
            self.warnings.append(f"Punkt {self.item.number}: en åtgärd utan text hoppades över")
            # Kept out of the item so nothing empty is stored; notes below it are dropped too.
            self.current = ParsedAction(text="", due=due, owner=owner)
            return self.current
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
        spaced = _SPACED_ROW_RE.match(raw.strip())
        if spaced and self.state in ("idle", "done"):
            # A table whose tabs became runs of spaces.
            _, due = _due(spaced.group(2))
            self._add(clean(spaced.group(1)), due, _owner(spaced.group(3) or ""))
            self.state = "done"
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
        bullet = re.match(r"^[-•]\s+(.*)$", text)
        self._add(bullet.group(1) if bullet else text)
        self.state = "want_due"
