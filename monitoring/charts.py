"""Server-rendered SVG charts of a report (issue 17 item 4), accessible without scripts.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(`aria-labelledby`), and the page puts the same figures in a table beside it for screen
readers and for anyone who wants the numbers: the chart is a picture of that table, never
the only place a figure is. A hidden figure draws nothing (no bar, no point) and is labelled
in words; its value is not in the SVG at all.

Written here rather than with a plotting library: the two charts needed are some 100 lines,
and the libraries on PyPI (pygal, drawsvg) either add scripts and tooltips we would have to
strip, or leave the accessible naming and the hidden-figure rule to us anyway.

Sizes are SVG user units (px at 100 %): 640 wide, the height grows with the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
BAR = 24  # bar thickness
GAP = 12  # between bars
LABEL_WIDTH = 230  # room for a category's words left of its bar
VALUE_ROOM = 110  # right of the longest bar, for its figure or "not shown"
INK, BAR_COLOUR, RULE = "#0b0c0c", "#1d70b8", "#b1b4b6"  # GOV.UK text, blue, mid-grey
FONT = 'font-family="GDS Transport, arial, sans-serif" font-size="16"'


def _frame(chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" id={quoteattr(chart_id)}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *body, "</svg>"])


def _text(x: float, y: float, words: str, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" {FONT}>'
            f"{escape(words)}</text>")


def bar_chart(*, chart_id: str, title: str, description: str, labels: Sequence[str],
              values: Sequence[int | None], hidden_words: str) -> str:
    """Horizontal bars, one per label, longest = the largest figure shown; a None value
    (hidden) draws no bar and reads `hidden_words`. Each bar carries `data-value`."""
    longest = max([v for v in values if v is not None] + [1])
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    body: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = GAP + i * (BAR + GAP)
        middle = top + BAR / 2 + 5
        body.append(_text(LABEL_WIDTH - 8, middle, label, "end"))
        if value is None:
            body.append(_text(LABEL_WIDTH + 4, middle, hidden_words))
            continue
        length = room * value / longest
        if value > 0:
            body.append(f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length:.1f}" '
                        f'height="{BAR}" fill="{BAR_COLOUR}" data-value="{value}"/>')
        body.append(_text(LABEL_WIDTH + length + 6, middle, f"{value:,}"))
    height = GAP + len(labels) * (BAR + GAP)
    body.append(f'<line x1="{LABEL_WIDTH}" y1="{GAP / 2}" x2="{LABEL_WIDTH}" '
                f'y2="{height - GAP / 2}" stroke="{INK}"/>')
    return _frame(chart_id, title, description, height, body)


PLOT_TOP, PLOT_HEIGHT, LEFT, AXIS_ROOM = 20, 220, 60, 60


def line_chart(*, chart_id: str, title: str, description: str, ticks: Sequence[str],
               values: Sequence[int | None], axis_label: str, hidden_words: str) -> str:
    """A line through the figures in order (a distribution: 0, 1, 2 ... working days).
    A hidden figure draws no point and breaks the line there; its tick reads
    `hidden_words`. Each point is a circle carrying `data-value`."""
    highest = max([v for v in values if v is not None] + [1])
    step = (WIDTH - LEFT - 60) / max(len(ticks) - 1, 1)  # room for "not shown" at the end
    bottom = PLOT_TOP + PLOT_HEIGHT
    body = [f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="{INK}"/>',
            f'<line x1="{LEFT}" y1="{PLOT_TOP}" x2="{LEFT}" y2="{bottom}" stroke="{INK}"/>',
            _text(LEFT - 8, bottom + 5, "0", "end"),
            _text(LEFT - 8, PLOT_TOP + 5, f"{highest:,}", "end"),
            f'<line x1="{LEFT}" y1="{PLOT_TOP}" x2="{WIDTH - 10}" y2="{PLOT_TOP}" '
            f'stroke="{RULE}" stroke-dasharray="4 4"/>']
    runs: list[list[tuple[float, float]]] = [[]]
    for i, (tick, value) in enumerate(zip(ticks, values, strict=True)):
        x = LEFT + i * step
        body.append(_text(x, bottom + 22, tick, "middle"))
        if value is None:
            body.append(_text(x, bottom + 42, hidden_words, "middle"))
            runs.append([])
            continue
        y = bottom - PLOT_HEIGHT * value / highest
        runs[-1].append((x, y))
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR_COLOUR}" '
                    f'data-value="{value}"/>')
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(f'<polyline points="{points}" fill="none" stroke="{BAR_COLOUR}" '
                        f'stroke-width="3"/>')
    body.append(_text((LEFT + WIDTH) / 2, bottom + AXIS_ROOM + 6, axis_label, "middle"))
    return _frame(chart_id, title, description, bottom + AXIS_ROOM + 16, body)
