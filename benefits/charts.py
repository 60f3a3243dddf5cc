"""Charts of the reports, drawn on the server as inline SVG with pygal: no JavaScript and nothing fetched from
elsewhere (pygal's tooltip script and its configuration script are left out). The numbers are always also in a
table beside the chart, which is what screen readers and the exports use."""

from xml.etree import ElementTree

import pygal
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    font_family='"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif',
    colors=("#1f6feb", "#2da44e", "#d1242f", "#bf8700", "#8250df", "#57606a"),
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    tooltip_font_size=12,
)
SVG = "{http://www.w3.org/2000/svg}"


def bar_chart(*, title: str, labels: list[str], series: list[tuple[str, list]], horizontal: bool = False) -> str:
    """An SVG bar chart (one group of bars per label, one bar per series), safe to put in a page as it is."""
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    bars = len(labels) * max(1, len(series))
    height = max(300, 80 + 16 * bars) if horizontal else 340  # room for the legend under the bars
    chart = chart_class(
        style=STYLE,
        width=720,
        height=height,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        x_label_rotation=0 if horizontal else 30,
        truncate_label=24,
        print_values=False,
        margin=8,
        title=None,
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [float(value) if value is not None else None for value in values])
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in (f"{SVG}script", "script"):
                parent.remove(child)
    tree.set("role", "img")
    tree.set("aria-label", title)
    tree.set("focusable", "false")
    svg = ElementTree.tostring(tree, encoding="unicode")
    return format_html("{}", mark_safe(svg))  # noqa: S308 (pygal escapes the labels it writes)
