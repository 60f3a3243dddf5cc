"""Charts of the reports: grouped bar charts written as SVG on the server and put into the page as they are.

Hand-written rather than pygal: the console's Content-Security-Policy allows no inline style, and pygal's SVG
carries its look in a ``<style>`` element (and a ``style`` attribute), which the browser would refuse. Here
everything is a presentation attribute (``fill``, ``font-size`` …), there is no script, nothing is fetched,
and each bar has a ``<title>`` (the browser's own tooltip). The numbers are always also in a table beside the
chart, which is what screen readers and the exports use."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLORS = ("#1f6feb", "#2da44e", "#d1242f", "#bf8700", "#8250df", "#57606a")
INK, GRID, MUTED = "#1f2933", "#d9e2ec", "#52606d"
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
WIDTH = 720


def _nice_top(value: float) -> float:
    """The axis end: the maximum rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def _text(x, y, content, *, anchor="start", size=12, fill=INK, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{extra}>'
        f"{escape(content)}</text>"
    )


def _bar(x, y, width, height, series: int, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{COLORS[series % 6]}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(*, title: str, labels: list[str], series: list[tuple[str, list]], horizontal: bool = False) -> str:
    """An SVG bar chart: one group of bars per label, one bar per series (with a legend when there are
    several), safe to put in a page as it is (every text escaped)."""
    values = [[float(v or 0) for v in vs] for _name, vs in series]
    top = _nice_top(max((v for vs in values for v in vs), default=0))
    ticks = [top * i / 4 for i in range(5)]
    legend_h = 28 if len(series) > 1 else 0
    parts = []
    if horizontal:
        left, right, bar, gap = 180, 24, 12, 10
        group = bar * len(series) + gap
        plot_h = group * len(labels)
        height = 10 + plot_h + 24 + legend_h
        plot_w = WIDTH - left - right
        for tick in ticks:
            x = left + plot_w * tick / top
            parts.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{10 + plot_h}" stroke="{GRID}"/>')
            parts.append(_text(x, 10 + plot_h + 16, _number(tick), anchor="middle", size=11, fill=MUTED))
        for g, label in enumerate(labels):
            y0 = 10 + g * group + gap / 2
            parts.append(_text(left - 8, y0 + bar * len(series) / 2 + 4, _short(label, 14), anchor="end"))
            for s, (name, _vs) in enumerate(series):
                w = plot_w * values[s][g] / top
                parts.append(_bar(left, y0 + s * bar, w, bar - 2, s, f"{label} · {name}: {_number(values[s][g])}"))
    else:
        left, top_pad, plot_h = 56, 10, 220
        plot_w = WIDTH - left - 16
        group = plot_w / max(1, len(labels))
        bar = min(28.0, (group - 10) / max(1, len(series)))
        height = top_pad + plot_h + 40 + legend_h
        for tick in ticks:
            y = top_pad + plot_h - plot_h * tick / top
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 16}" y2="{y:.1f}" stroke="{GRID}"/>')
            parts.append(_text(left - 6, y + 4, _number(tick), anchor="end", size=11, fill=MUTED))
        for g, label in enumerate(labels):
            x0 = left + g * group + (group - bar * len(series)) / 2
            limit = max(4, int(group // 12))
            parts.append(_text(left + (g + 0.5) * group, top_pad + plot_h + 18, _short(label, limit), anchor="middle"))
            for s, (name, _vs) in enumerate(series):
                h = plot_h * values[s][g] / top
                tip = f"{label} · {name}: {_number(values[s][g])}"
                parts.append(_bar(x0 + s * bar, top_pad + plot_h - h, bar - 2, h, s, tip))
    if legend_h:
        x, y = 12, height - 10
        for s, (name, _vs) in enumerate(series):
            parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{COLORS[s % 6]}"/>')
            parts.append(_text(x + 18, y, _short(name, 22)))
            x += 30 + 13 * min(len(name), 22)
    return mark_safe(  # noqa: S308 (every text above is escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f"aria-label=\"{escape(title)}\" font-family='{FONT}'><title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
