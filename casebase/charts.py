"""Server-rendered charts of the statistics snapshots: SVG (accessible) and PNG (Pillow).

Both formats are drawn from the same :class:`Chart` data, which comes only from a stored,
suppressed snapshot: a suppressed cell is drawn as a hatched "<5" / "x" marker, never as
a bar of its true length. No JavaScript is needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont, features

WIDTH = 720
LABEL_WIDTH = 260
ROW_HEIGHT = 26
TOP = 56
COLOURS = ("#1f5f8b", "#c8702a", "#4d7c3a")
SUPPRESSED_MARK = {"primary": "<5", "complementary": "x"}


@dataclass(frozen=True)
class Point:
    label: str
    value: int | None
    flag: str | None  # None, "primary" (under the threshold) or "complementary"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    series: tuple[Series, ...]
    direction: str = "ltr"  # "rtl" mirrors the drawing for a right-to-left language
    language: str = "en"

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.series[0].points] if self.series else []

    def max_value(self) -> int:
        values = [p.value or 0 for s in self.series for p in s.points]
        return max([1, *values])


def _geometry(chart: Chart) -> tuple[int, int, int]:
    per_group = ROW_HEIGHT * len(chart.series) + 10
    height = TOP + per_group * max(1, len(chart.labels)) + 40
    return per_group, height, WIDTH - LABEL_WIDTH - 70


class _Layout:
    """x positions of the left-to-right drawing, mirrored for a right-to-left language: the
    labels stand at the right and the bars grow leftwards, as an Arabic reader expects."""

    def __init__(self, direction: str) -> None:
        self.rtl = direction == "rtl"

    def x(self, x: float) -> float:
        return WIDTH - x if self.rtl else x

    def span(self, x: float, width: float) -> tuple[float, float]:
        """Left and right edges of a box drawn from ``x`` over ``width`` in reading order."""
        return (WIDTH - x - width, WIDTH - x) if self.rtl else (x, x + width)


def render_svg(chart: Chart) -> str:
    """A horizontal grouped bar chart with <title>, <desc> and per-bar text values.

    In a right-to-left language the root carries ``direction="rtl"`` and the drawing is
    mirrored; ``text-anchor`` start/end follow the direction, so the same anchors hold."""
    per_group, height, bar_space = _geometry(chart)
    scale = bar_space / chart.max_value()
    at = _Layout(chart.direction)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="t-{chart.chart_id} '
        f'd-{chart.chart_id}" font-family="sans-serif" font-size="13" '
        f'direction="{"rtl" if at.rtl else "ltr"}" xml:lang="{escape(chart.language)}">',
        f'<title id="t-{chart.chart_id}">{escape(chart.title)}</title>',
        f'<desc id="d-{chart.chart_id}">{escape(chart.description)}</desc>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#777" '
        'stroke-width="2"/></pattern></defs>',
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="{at.x(10)}" y="22" font-size="16" font-weight="bold">'
        f'{escape(chart.title)}</text>',
    ]
    for s_index, series in enumerate(chart.series):
        x = 10 + s_index * 200
        out.append(f'<rect x="{at.span(x, 12)[0]}" y="32" width="12" height="12" '
                   f'fill="{_colour(s_index)}"/>'
                   f'<text x="{at.x(x + 18)}" y="43">{escape(series.name)}</text>')
    for g_index, label in enumerate(chart.labels):
        y0 = TOP + g_index * per_group
        out.append(f'<text x="{at.x(LABEL_WIDTH - 8)}" y="{y0 + per_group / 2}" '
                   f'text-anchor="end" dominant-baseline="middle">{escape(_short(label))}</text>')
        for s_index, series in enumerate(chart.series):
            out.append(_svg_bar(series.points[g_index], y0 + s_index * ROW_HEIGHT, scale,
                                _colour(s_index), at))
    out.append("</svg>")
    return "\n".join(out)


def _svg_bar(point: Point, y: float, scale: float, colour: str, at: _Layout) -> str:
    if point.value is None:
        mark = SUPPRESSED_MARK.get(point.flag or "", "x")
        return (f'<rect x="{at.span(LABEL_WIDTH, 24)[0]}" y="{y + 3}" width="24" '
                f'height="{ROW_HEIGHT - 8}" fill="url(#hatch)" stroke="#777"/>'
                f'<text x="{at.x(LABEL_WIDTH + 30)}" y="{y + ROW_HEIGHT / 2}" '
                f'dominant-baseline="middle">{escape(mark)}</text>')
    width = max(1.0, point.value * scale) if point.value else 0
    return (f'<rect x="{at.span(LABEL_WIDTH, width)[0]:.1f}" y="{y + 3}" width="{width:.1f}" '
            f'height="{ROW_HEIGHT - 8}" fill="{colour}"/><text '
            f'x="{at.x(LABEL_WIDTH + width + 6):.1f}" y="{y + ROW_HEIGHT / 2}" '
            f'dominant-baseline="middle">{point.value}</text>')


# Pillow's built-in font has Latin letters only; DejaVu Sans (Debian's fonts-dejavu-core)
# also draws Arabic and Cyrillic, and a CJK font (fonts-wqy-microhei or fonts-noto-cjk, which
# carry Latin letters and digits too) draws Chinese. Both are installed by
# deploy/scripts/install-test-deps.sh and named in deploy/README.md.
BODY_FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
CJK_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def font_files(language: str) -> tuple[str, ...]:
    """The font files to try for a chart in ``language``, best first."""
    return CJK_FONT_FILES + BODY_FONT_FILES if language == "zh" else BODY_FONT_FILES


def _font(size: int, language: str) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in font_files(language):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def render_png(chart: Chart) -> bytes:
    """The same chart as a PNG (for slides and reports), drawn with Pillow; mirrored for a
    right-to-left language like the SVG, with the text shaped right to left (libraqm)."""
    per_group, height, bar_space = _geometry(chart)
    scale = bar_space / chart.max_value()
    at = _Layout(chart.direction)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(13, chart.language)
    start, end = ("r", "l") if at.rtl else ("l", "r")  # anchors for reading-order start/end
    text = _text_drawer(draw, chart.direction)
    text((at.x(10), 8), chart.title, _font(16, chart.language), start + "a")
    for s_index, series in enumerate(chart.series):
        x = 10 + s_index * 200
        left, right = at.span(x, 12)
        draw.rectangle((left, 32, right, 44), fill=_colour(s_index))
        text((at.x(x + 18), 31), series.name, font, start + "a")
    for g_index, label in enumerate(chart.labels):
        y0 = TOP + g_index * per_group
        text((at.x(LABEL_WIDTH - 8), y0 + per_group / 2), _short(label), font, end + "m")
        for s_index, series in enumerate(chart.series):
            point, y = series.points[g_index], y0 + s_index * ROW_HEIGHT
            if point.value is None:
                left, right = at.span(LABEL_WIDTH, 24)
                draw.rectangle((left, y + 3, right, y + ROW_HEIGHT - 5),
                               outline="#777777", fill="#dddddd")
                text((at.x(LABEL_WIDTH + 30), y + ROW_HEIGHT / 2),
                     SUPPRESSED_MARK.get(point.flag or "", "x"), font, start + "m")
                continue
            width = max(1.0, point.value * scale) if point.value else 0
            if width:
                left, right = at.span(LABEL_WIDTH, width)
                draw.rectangle((left, y + 3, right, y + ROW_HEIGHT - 5), fill=_colour(s_index))
            text((at.x(LABEL_WIDTH + width + 6), y + ROW_HEIGHT / 2), str(point.value), font,
                 start + "m")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _text_drawer(draw: ImageDraw.ImageDraw, direction: str):  # type: ignore[no-untyped-def]
    # A base direction needs libraqm; without it Pillow still draws, left to right.
    options = {"direction": direction} if features.check("raqm") else {}

    def text(xy: tuple[float, float], content: str, font, anchor: str) -> None:  # type: ignore[no-untyped-def]
        draw.text(xy, content, fill="black", font=font, anchor=anchor, **options)

    return text


def _colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
