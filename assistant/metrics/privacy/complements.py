"""Filter complements: what a filter leaves out must be no small group either.

"DAU in Japan" minus "DAU in Japan on iOS and Android" is the web users of Japan. So for
every filter of an answer, the part of the population it leaves out — with the other
filters kept — must be empty or at least the minimum group size; else the answer is
withheld. The same holds for each value of a list (Japan and Korea minus Japan is Korea).

Dates are not checked here against the whole data: a range can be narrowed in countless
ways, and the whole data minus a range is only one of them. A date range narrowed within a
conversation is caught by populations.py, and the days of a trend by suppression.py; two
ranges asked in separate conversations are not (the README says so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.metrics.privacy.withheld import LIST_FILTERS, Withheld

# The size column per row label (labels other than the segment, e.g. day N): `sizes`
# measures it for the whole answer (no breakdown) under the given parameters.
Sizes = Callable[[dict[str, Any]], dict[tuple, int]]


def _small(n: int, k: int) -> bool:
    return 0 < n < k


def _gap(wide: dict[tuple, int], narrow: dict[tuple, int], k: int) -> bool:
    return any(_small(n - narrow.get(label, 0), k) for label, n in wide.items())


def check_complements(
    params: dict[str, Any], k: int, sizes: Sizes) -> None:
    """Raise Withheld when a filter or one value of a filter leaves out a small group."""
    filters = [f for f in LIST_FILTERS if params.get(f)]
    if k <= 1 or not filters:
        return
    base = sizes(params)
    for f in filters:
        others = {g: params[g] for g in filters if g != f}
        if _gap(sizes({**params, f: []}), base, k):
            raise Withheld("rest", k, scope=others, kept={f: params[f]})
        if len(params[f]) > 1:
            for value in params[f]:
                rest = [v for v in params[f] if v != value]
                if _gap(base, sizes({**params, f: rest}), k):
                    raise Withheld("part", k, filter=f, value=value)
