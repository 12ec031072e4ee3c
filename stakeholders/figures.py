"""Figures that higher apps keep about a stakeholder (how many CPMI registered, were verified
or departed through it), shown on the staff directory and the staff detail page.

This app sits below those apps and imports none of them: an app that keeps such figures
registers a counter when it starts (`AppConfig.ready`), and the views here ask every
registered counter for the figures of one page of stakeholders at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .models import Stakeholder


@dataclass(frozen=True)
class Figure:
    """One column of figures: `key` names it in markup and tests, `label` is shown."""

    key: str
    label: str


# A counter takes stakeholder ids and returns {id: {figure key: n}}, in a fixed number of
# queries whatever the number of ids; ids with nothing to count may be left out.
Counter = Callable[[Sequence[int]], dict[int, dict[str, int]]]

_counters: list[tuple[tuple[Figure, ...], Counter]] = []


def register_counter(*, figures: Sequence[Figure], counter: Counter) -> None:
    """Register the figures a higher app counts (once: a second registration of the same
    counter is ignored, so `ready()` may run twice in tests)."""
    if any(registered is counter for _, registered in _counters):
        return
    _counters.append((tuple(figures), counter))


@dataclass(frozen=True)
class FigureValue:
    figure: Figure
    value: int


def stakeholder_figures(stakeholders: Sequence[Stakeholder]) -> list[Figure]:
    """Set `stakeholder.figures` (a list of `FigureValue`, zero where nothing was counted) on
    each stakeholder, and return the figures in column order."""
    ids = [stakeholder.pk for stakeholder in stakeholders]
    columns: list[Figure] = []
    counted: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for figures, counter in _counters:
        columns.extend(figures)
        if not ids:
            continue
        for pk, values in counter(ids).items():
            counted.setdefault(pk, {}).update(values)
    for stakeholder in stakeholders:
        values = counted.get(stakeholder.pk, {})
        stakeholder.figures = [FigureValue(f, values.get(f.key, 0)) for f in columns]
    return columns
