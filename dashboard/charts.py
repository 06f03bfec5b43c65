"""Charts drawn on the server as SVG: they print, go into PDFs and need no script.

Each function returns safe markup; every label and link is escaped. Bars and segments that have
a list behind them are links to it.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

FONT = "font-family=\"'Noto Sans CJK SC', sans-serif\""
COLOURS = {
    "red": "#d32f2f",
    "yellow": "#f9a825",
    "green": "#388e3c",
    "late": "#8d6e63",
    "blue": "#1565c0",
    "grey": "#757575",
}
SERIES = ["#1565c0", "#388e3c", "#ef6c00", "#6a1b9a", "#00838f"]


def _n(value):
    return f"{value:.1f}"


def _svg(width, height, title, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" '
        'width="{}" height="{}" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        width,
        height,
        title,
        title,
        body,
    )


def _linked(href, markup):
    if not href:
        return markup
    return format_html('<a href="{}">{}</a>', href, markup)


def bar_chart(title, bars, *, colour="blue", width=560):
    """Vertical bars: ``bars`` is a list of (label, value, href)."""
    height, top, bottom, left = 220, 20, 40, 10
    peak = max((value for _label, value, _href in bars), default=0) or 1
    slot = (width - left * 2) / max(len(bars), 1)
    plot = height - top - bottom
    parts = []
    for index, (label, value, href) in enumerate(bars):
        bar_height = plot * value / peak
        x = left + index * slot + slot * 0.15
        y = top + plot - bar_height
        rect = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}：{}</title></rect>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="12" {}>{}</text>',
            _n(x),
            _n(y),
            _n(slot * 0.7),
            _n(bar_height),
            COLOURS.get(colour, colour),
            label,
            value,
            _n(x + slot * 0.35),
            _n(y - 4),
            mark_safe(FONT),
            value,
        )
        parts.append(_linked(href, rect))
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" {}>{}</text>',
                _n(x + slot * 0.35),
                height - bottom + 16,
                mark_safe(FONT),
                label,
            )
        )
    return _svg(width, height, title, mark_safe("".join(parts)))


def stacked_bars(title, rows, legend, *, width=640):
    """Horizontal stacked bars, one per row: ``rows`` is a list of (label, [(value, href), ...])
    with one segment per entry of ``legend`` ((series label, colour) pairs)."""
    row_height, label_width, top = 24, 120, 28
    height = top + row_height * len(rows) + 10
    peak = max((sum(value for value, _href in segments) for _label, segments in rows), default=0) or 1
    plot = width - label_width - 60
    parts = [
        format_html(
            '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
            '<text x="{}" y="15" font-size="12" {}>{}</text>',
            label_width + index * 90,
            COLOURS.get(colour, colour),
            label_width + index * 90 + 16,
            mark_safe(FONT),
            name,
        )
        for index, (name, colour) in enumerate(legend)
    ]
    for index, (label, segments) in enumerate(rows):
        y = top + index * row_height
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" {}>{}</text>',
                label_width - 6,
                y + 15,
                mark_safe(FONT),
                label,
            )
        )
        x = label_width
        for (value, href), (name, colour) in zip(segments, legend, strict=True):
            if not value:
                continue
            segment_width = plot * value / peak
            rect = format_html(
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}"><title>{} {}：{}</title></rect>',
                _n(x),
                y + 2,
                _n(segment_width),
                COLOURS.get(colour, colour),
                label,
                name,
                value,
            )
            parts.append(_linked(href, rect))
            x += segment_width
        total = sum(value for value, _href in segments)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" {}>{}</text>', _n(x + 4), y + 15, mark_safe(FONT), total
            )
        )
    return _svg(width, height, title, mark_safe("".join(parts)))


def line_chart(title, labels, series, *, width=640):
    """Lines over ``labels`` (months): ``series`` is a list of (name, values)."""
    height, top, bottom, left, right = 240, 30, 40, 40, 20
    peak = max((max(values, default=0) for _name, values in series), default=0) or 1
    plot_width, plot_height = width - left - right, height - top - bottom
    step = plot_width / max(len(labels) - 1, 1)

    def point(index, value):
        return _n(left + index * step), _n(top + plot_height - plot_height * value / peak)

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bdbdbd"></line>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11" {}>{}</text>',
            left,
            top,
            left,
            top + plot_height,
            left - 4,
            top + 4,
            mark_safe(FONT),
            peak,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bdbdbd"></line>',
            left,
            top + plot_height,
            width - right,
            top + plot_height,
        ),
    ]
    for index, label in enumerate(labels):
        x = left + index * step
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" {}>{}</text>',
                _n(x),
                height - bottom + 16,
                mark_safe(FONT),
                label,
            )
        )
    for number, (name, values) in enumerate(series):
        colour = SERIES[number % len(SERIES)]
        points = " ".join(",".join(point(index, value)) for index, value in enumerate(values))
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"></polyline>', colour, points
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="' + colour + '"><title>{}：{}</title></circle>',
                ((*point(index, value), labels[index], value) for index, value in enumerate(values)),
            )
        )
        parts.append(
            format_html(
                '<rect x="{}" y="6" width="12" height="4" fill="{}"></rect>'
                '<text x="{}" y="13" font-size="12" {}>{}</text>',
                left + number * 120,
                colour,
                left + number * 120 + 16,
                mark_safe(FONT),
                name,
            )
        )
    return _svg(width, height, title, mark_safe("".join(parts)))
