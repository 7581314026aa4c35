"""Bar charts as plain geometry, drawn as inline SVG by `templates/macros/charts.html`.

No chart JavaScript: the server works out every rectangle and label. Series are told apart by
fill and outline (solid dark, white with a dark outline, hatched), not by colour alone, so the
charts read the same printed in black and white. Each chart on a page is followed by a table
of the same figures for screen readers (the SVG itself is hidden from them).
"""

import math
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 22, 44
VALUE_LABELS_UP_TO = 24  # bars; beyond that the labels would overlap (the table has them)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    series: int  # 0, 1, 2: the look of the bar (see the CSS classes chart__bar--N)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    sub: str = ""  # a second line: the year under the first month of each year


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: list[str]
    show_values: bool
    baseline: float


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def month_labels(months: list[date], lang: str) -> list[tuple[str, str]]:
    """(month, year) names; the year only where it changes (and on the first month)."""
    labels, year = [], None
    for month in months:
        name = format_date(month, "M月" if lang == "ja" else "MMM", locale=lang)
        shown = month.year != year
        labels.append(
            (name, format_date(month, "y年" if lang == "ja" else "y", locale=lang) if shown else "")
        )
        year = month.year
    return labels


def bar_chart(
    months: list[date],
    series: list[tuple[str, list[float | None]]],
    *,
    lang: str,
    format_value,
    top: float | None = None,
) -> Chart:
    """Grouped bars, one group per month, one bar per series (name, values). `top` fixes the
    scale (100 for percentages); else it is the next round number above the largest value."""
    values = [v for _name, vals in series for v in vals if v is not None]
    top = top or nice_ceiling(max(values, default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_width / max(len(months), 1)
    bar_width = group * 0.8 / len(series)
    bars = []
    for i, _month in enumerate(months):
        for s, (_name, vals) in enumerate(series):
            value = vals[i]
            if value is None:
                continue
            height = plot_height * value / top
            bars.append(
                Bar(
                    x=round(LEFT + i * group + group * 0.1 + s * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    label=format_value(value),
                    series=s,
                )
            )
    step = max(1, math.ceil(len(months) / 12))  # at most about twelve month names
    shown = list(range(0, len(months), step))
    labels = month_labels([months[i] for i in shown], lang)
    x_ticks = [
        Tick(round(LEFT + i * group + group / 2, 1), *label)
        for i, label in zip(shown, labels, strict=True)
    ]
    y_ticks = [
        Tick(round(TOP + plot_height - plot_height * k / 4, 1), format_value(top * k / 4))
        for k in range(5)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        legend=[name for name, _vals in series],
        show_values=len(bars) <= VALUE_LABELS_UP_TO,
        baseline=TOP + plot_height,
    )
