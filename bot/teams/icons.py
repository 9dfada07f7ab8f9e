"""The Teams app icons, drawn as PNG with the standard library (no imaging dependency).

Teams wants a full-colour 192x192 icon and a 32x32 outline icon that is white
on a transparent background. Both show a tick on a page: the minutes' actions.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

RGBA = tuple[int, int, int, int]
ACCENT = (0x1F, 0x5F, 0x8B)  # also the manifest's accentColor
WHITE = (255, 255, 255)

# The tick, in units of the icon's size: two strokes.
_TICK = (((0.28, 0.53), (0.44, 0.69)), ((0.44, 0.69), (0.74, 0.33)))


def png(width: int, height: int, pixel: Callable[[int, int], RGBA]) -> bytes:
    """Encode an RGBA image given as a function of (x, y)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _distance_to_segment(
    px: float, py: float, a: tuple[float, float], b: tuple[float, float]
) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return float(((px - cx) ** 2 + (py - cy) ** 2) ** 0.5)


def _tick_coverage(x: int, y: int, size: int, stroke: float) -> float:
    """How much of pixel (x, y) the tick covers, 0..1, with a one-pixel soft edge."""
    px, py = (x + 0.5) / size, (y + 0.5) / size
    distance = min(_distance_to_segment(px, py, a, b) for a, b in _TICK) * size
    return max(0.0, min(1.0, stroke / 2 - distance + 0.5))


def color_icon(size: int = 192) -> bytes:
    """The full-colour icon: a white tick on a rounded accent square."""
    radius = size * 0.18

    def pixel(x: int, y: int) -> RGBA:
        # Rounded corners: outside the corner circles the square is transparent.
        cx = min(max(x + 0.5, radius), size - radius)
        cy = min(max(y + 0.5, radius), size - radius)
        inside = ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) ** 0.5 <= radius
        if not inside:
            return (0, 0, 0, 0)
        c = _tick_coverage(x, y, size, stroke=size * 0.1)
        r, g, b = (round(a * (1 - c) + w * c) for a, w in zip(ACCENT, WHITE, strict=True))
        return (r, g, b, 255)

    return png(size, size, pixel)


def outline_icon(size: int = 32) -> bytes:
    """The outline icon: the tick in white on transparent, as Teams requires."""

    def pixel(x: int, y: int) -> RGBA:
        c = _tick_coverage(x, y, size, stroke=size * 0.13)
        return (255, 255, 255, round(255 * c))

    return png(size, size, pixel)


def write_icons(folder: Path) -> tuple[Path, Path]:
    """Write color.png and outline.png into a folder; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    color, outline = folder / "color.png", folder / "outline.png"
    color.write_bytes(color_icon())
    outline.write_bytes(outline_icon())
    return color, outline
