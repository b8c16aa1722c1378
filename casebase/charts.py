"""Server-rendered charts of the statistics snapshots: SVG (accessible) and PNG (Pillow).

Both formats are drawn from the same :class:`Chart` data, which comes only from a stored,
suppressed snapshot: a suppressed cell is drawn as a hatched "<5" / "x" marker, never as
a bar of its true length. No JavaScript is needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

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


def render_svg(chart: Chart) -> str:
    """A horizontal grouped bar chart with <title>, <desc> and per-bar text values."""
    per_group, height, bar_space = _geometry(chart)
    scale = bar_space / chart.max_value()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="t-{chart.chart_id} '
        f'd-{chart.chart_id}" font-family="sans-serif" font-size="13">',
        f'<title id="t-{chart.chart_id}">{escape(chart.title)}</title>',
        f'<desc id="d-{chart.chart_id}">{escape(chart.description)}</desc>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#777" '
        'stroke-width="2"/></pattern></defs>',
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="22" font-size="16" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for s_index, series in enumerate(chart.series):
        x = 10 + s_index * 200
        out.append(f'<rect x="{x}" y="32" width="12" height="12" fill="{_colour(s_index)}"/>'
                   f'<text x="{x + 18}" y="43">{escape(series.name)}</text>')
    for g_index, label in enumerate(chart.labels):
        y0 = TOP + g_index * per_group
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y0 + per_group / 2}" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(_short(label))}</text>')
        for s_index, series in enumerate(chart.series):
            out.append(_svg_bar(series.points[g_index], y0 + s_index * ROW_HEIGHT, scale,
                                _colour(s_index)))
    out.append("</svg>")
    return "\n".join(out)


def _svg_bar(point: Point, y: float, scale: float, colour: str) -> str:
    if point.value is None:
        mark = SUPPRESSED_MARK.get(point.flag or "", "x")
        return (f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="24" height="{ROW_HEIGHT - 8}" '
                f'fill="url(#hatch)" stroke="#777"/><text x="{LABEL_WIDTH + 30}" '
                f'y="{y + ROW_HEIGHT / 2}" dominant-baseline="middle">{escape(mark)}</text>')
    width = max(1.0, point.value * scale) if point.value else 0
    return (f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{colour}"/><text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + ROW_HEIGHT / 2}" '
            f'dominant-baseline="middle">{point.value}</text>')


def render_png(chart: Chart) -> bytes:
    """The same chart as a PNG (for slides and reports), drawn with Pillow."""
    per_group, height, bar_space = _geometry(chart)
    scale = bar_space / chart.max_value()
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    draw.text((10, 8), chart.title, fill="black", font=ImageFont.load_default(size=16))
    for s_index, series in enumerate(chart.series):
        x = 10 + s_index * 200
        draw.rectangle((x, 32, x + 12, 44), fill=_colour(s_index))
        draw.text((x + 18, 31), series.name, fill="black", font=font)
    for g_index, label in enumerate(chart.labels):
        y0 = TOP + g_index * per_group
        draw.text((LABEL_WIDTH - 8, y0 + per_group / 2), _short(label), fill="black", font=font,
                  anchor="rm")
        for s_index, series in enumerate(chart.series):
            point, y = series.points[g_index], y0 + s_index * ROW_HEIGHT
            if point.value is None:
                draw.rectangle((LABEL_WIDTH, y + 3, LABEL_WIDTH + 24, y + ROW_HEIGHT - 5),
                               outline="#777777", fill="#dddddd")
                draw.text((LABEL_WIDTH + 30, y + ROW_HEIGHT / 2),
                          SUPPRESSED_MARK.get(point.flag or "", "x"), fill="black", font=font,
                          anchor="lm")
                continue
            width = max(1.0, point.value * scale) if point.value else 0
            if width:
                draw.rectangle((LABEL_WIDTH, y + 3, LABEL_WIDTH + width, y + ROW_HEIGHT - 5),
                               fill=_colour(s_index))
            draw.text((LABEL_WIDTH + width + 6, y + ROW_HEIGHT / 2), str(point.value),
                      fill="black", font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
