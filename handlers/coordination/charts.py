"""The summary's charts as PNG bytes, rendered headless with matplotlib's Agg canvas.

Readable on a phone: 1000 x 700 pixels, large type, few colours (the Okabe-Ito palette, which people
with the common colour-vision deficiencies can tell apart), numbers written on the bars. The Figure
API is used without pyplot, so nothing global is touched and charts may be drawn from any thread.
"""

from __future__ import annotations

import io
import logging
import textwrap
from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from handlers.coordination.figures import Figures
from handlers.coordination.periods import Period
from handlers.i18n import N_, t
from handlers.incidents.model import Category

# matplotlib explains its unit handling at INFO; a chart is not worth those lines in a log.
logging.getLogger("matplotlib").setLevel(logging.WARNING)

WIDTH, HEIGHT, DPI = 10, 7, 100  # inches at 100 dpi: 1000 x 700 px
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MET_COLOUR, MISSED_COLOUR = "#009E73", "#D55E00"
TITLE, LABEL, TICK, LEGEND = 24, 18, 15, 14


def category_label(category: str, language: str) -> str:
    try:
        return Category(category).label(language)
    except ValueError:
        return category


def quarter_label(period: Period, language: str) -> str:
    if period.quarter is None:
        return str(period.year)
    letter = "K" if language == "nl" else "Q"
    return f"{letter}{period.quarter} {period.year}"


def _figure() -> Figure:
    # Imported here: matplotlib costs about 50 MB of memory, and only drawing a chart needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _style(axes, title: str, ylabel: str) -> None:  # type: ignore[no-untyped-def]
    axes.set_title(title, fontsize=TITLE, pad=14)
    axes.set_ylabel(ylabel, fontsize=LABEL)
    axes.tick_params(labelsize=TICK)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)


def _empty(axes, language: str) -> None:  # type: ignore[no-untyped-def]
    axes.text(
        0.5,
        0.5,
        t(language, N_("No data for this period")),
        ha="center",
        va="center",
        fontsize=LABEL,
        transform=axes.transAxes,
    )


def incident_series(
    figures: Figures, language: str, max_categories: int = 6
) -> list[tuple[str, tuple[int, ...]]]:
    """(legend label, count per month) of the incidents chart: one entry per label, at most
    ``max_categories``. "Something else" is always one series, drawn last: the category ``other``
    itself, the smallest categories that do not fit, and any category the bot no longer knows all
    go in it, so its label never shows twice in two colours."""
    other_label = category_label(Category.OTHER.value, language)
    by_label: dict[str, list[int]] = {}
    for category, values in figures.monthly.items():
        label = category_label(category, language)
        if category not in Category.__members__.values():
            label = other_label  # a retired category: shown as "something else", not its key
        row = by_label.setdefault(label, [0] * len(values))
        for index, value in enumerate(values):
            row[index] += value
    rest = by_label.pop(other_label, None)
    named = sorted(by_label.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    room = max_categories - 1 if rest is not None or len(named) > max_categories else len(named)
    kept, spill = named[:room], named[room:]
    for _label, values in spill:
        rest = [a + b for a, b in zip(rest or [0] * len(values), values, strict=True)]
    series = [(label, tuple(values)) for label, values in kept]
    if rest is not None:
        series.append((other_label, tuple(rest)))
    return series


def incidents_figure(figures: Figures, language: str, max_categories: int = 6) -> Figure:
    """Stacked bars: incidents per month of the last twelve months, by category. The legend sits
    below the plot, outside it, so it never covers a bar; long labels wrap."""
    figure = _figure()
    axes = figure.add_subplot()
    _style(axes, t(language, N_("Incidents per month")), t(language, N_("incidents")))
    labels = [
        format_date(date(year, month, 1), "MMM ''yy", locale=language)
        for year, month in figures.months
    ]
    series = incident_series(figures, language, max_categories)
    positions = list(range(len(labels)))
    bottoms = [0] * len(labels)
    for index, (label, values) in enumerate(series):
        axes.bar(
            positions,
            values,
            bottom=bottoms,
            label=textwrap.fill(label, 26),
            color=PALETTE[index % len(PALETTE)],
        )
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    if not series:
        _empty(axes, language)
    else:
        for x, total in enumerate(bottoms):
            if total:
                axes.text(x, total, str(total), ha="center", va="bottom", fontsize=TICK)
        # Room above the tallest bar for its number; the legend goes outside, to the right.
        axes.set_ylim(0, max(bottoms) * 1.12 + 0.5)
        figure.legend(fontsize=LEGEND, frameon=False, loc="outside lower center", ncols=3)
    axes.set_xticks(positions, labels)
    axes.tick_params(axis="x", labelrotation=45)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return figure


def incidents_per_month(figures: Figures, language: str, max_categories: int = 6) -> bytes:
    return _png(incidents_figure(figures, language, max_categories))


def training_compliance(figures: Figures, language: str) -> bytes:
    return _png(training_figure(figures, language))


def training_figure(figures: Figures, language: str) -> Figure:
    """A line: the share of staff up to date with training at the end of each quarter."""
    figure = _figure()
    axes = figure.add_subplot()
    _style(axes, t(language, N_("Staff up to date with training")), "%")
    points = [(quarter_label(q, language), p) for q, p in figures.compliance_series]
    known = [(label, value) for label, value in points if value is not None]
    axes.set_ylim(0, 105)
    # The quarters on the axis also when there is nothing to draw (not matplotlib's 0.0 … 1.0).
    axes.set_xticks(range(len(points)), [label for label, _v in points])
    axes.set_xlim(-0.5, len(points) - 0.5)
    if not known:
        _empty(axes, language)
    else:
        xs = [i for i, (_label, value) in enumerate(points) if value is not None]
        ys = [value for _label, value in known]
        axes.plot(xs, ys, marker="o", markersize=10, linewidth=4, color=PALETTE[0])
        for x, y in zip(xs, ys, strict=True):
            axes.annotate(
                f"{y:.0f}%",
                (x, y),
                textcoords="offset points",
                xytext=(0, 12),
                ha="center",
                fontsize=TICK,
            )
    axes.tick_params(axis="x", labelrotation=30)
    return figure


def deadlines_met_missed(figures: Figures, language: str) -> bytes:
    """Grouped bars: legal reporting deadlines met and missed, per quarter (last four)."""
    figure = _figure()
    axes = figure.add_subplot()
    _style(axes, t(language, N_("Legal reporting deadlines")), t(language, N_("deadlines")))
    labels = [quarter_label(q, language) for q, _met, _missed in figures.deadline_series]
    met = [m for _q, m, _x in figures.deadline_series]
    missed = [x for _q, _m, x in figures.deadline_series]
    width = 0.38
    positions = range(len(labels))
    bars_met = axes.bar(
        [p - width / 2 for p in positions],
        met,
        width,
        label=t(language, N_("met")),
        color=MET_COLOUR,
    )
    bars_missed = axes.bar(
        [p + width / 2 for p in positions],
        missed,
        width,
        label=t(language, N_("missed")),
        color=MISSED_COLOUR,
        hatch="//",
    )
    axes.bar_label(bars_met, fontsize=TICK)
    axes.bar_label(bars_missed, fontsize=TICK)
    axes.set_xticks(list(positions), labels)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if not any(met) and not any(missed):
        _empty(axes, language)
    axes.legend(fontsize=LEGEND, frameon=False)
    return _png(figure)


def all_charts(figures: Figures, language: str) -> list[tuple[str, bytes]]:
    """(file name, PNG) of every chart that has something to show, in reading order."""
    label = figures.period.label
    charts: list[tuple[str, bytes]] = []
    if figures.incidents is not None:
        charts.append((f"incidents-{label}.png", incidents_per_month(figures, language)))
    if figures.compliance_series:
        charts.append((f"training-{label}.png", training_compliance(figures, language)))
    if figures.deadlines is not None:
        charts.append((f"deadlines-{label}.png", deadlines_met_missed(figures, language)))
    return charts
