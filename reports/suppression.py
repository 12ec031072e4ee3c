"""Small-cell suppression for public tables.

A cell from 1 to `threshold - 1` could point at a person, so it is hidden (primary
suppression) and shown as "<5". Hiding it alone is not enough: a row total minus the other
cells of the row gives it back. So more cells are hidden (complementary suppression) until
no hidden cell can be computed from what is shown.

The table with its margins is treated as a system of equations: every row (and every column)
says that its cells add up to its total. Think of rows and columns as the nodes of a graph and
of each hidden cell as an edge between its row and its column (totals included: the row of
column totals and the column of row totals are nodes too). The shown values fix the sum of
the hidden cells at each node. A hidden cell's value is then determined exactly when its edge
lies on no cycle (a bridge); on a cycle, adding +d and -d alternately around the cycle keeps
every sum while changing the cell. So cells are added until the hidden cells form no bridge;
each addition closes a rectangle through the bridge at the least added total.

Linear algebra is not all a reader knows: a "<5" cell lies between 1 and 4 and no count is
negative. So each line whose total is shown is also checked for the subtraction attack: if
its hidden cells add up to exactly what their lower bounds allow (a row whose two hidden
cells sum to 2 holds two ones), a further cell of the line is hidden. Complementary cells
are chosen among positive counts, so a hidden zero never lets a small cell be pinned; a zero
is hidden only when nothing else can close a cycle.

Zeros are shown: a zero identifies nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


@dataclass
class SuppressedTable:
    """`values` is the full grid with margins: rows[-1] holds the column totals and each
    row's last value is its total. `hidden[(r, c)]` says why a cell is hidden."""

    row_labels: list[str]
    column_labels: list[str]
    values: list[list[int]]
    hidden: dict[tuple[int, int], str]

    def cell(self, r: int, c: int) -> str:
        reason = self.hidden.get((r, c))
        if reason == PRIMARY:
            return "<5"
        if reason == COMPLEMENTARY:
            return "x"
        return str(self.values[r][c])

    def display_rows(self) -> list[list[str]]:
        return [
            [label] + [self.cell(r, c) for c in range(len(self.column_labels))]
            for r, label in enumerate(self.row_labels)
        ]


def with_margins(inner: list[list[int]]) -> list[list[int]]:
    """The grid with a total column and a total row appended."""
    grid = [[*row, sum(row)] for row in inner]
    columns = len(inner[0]) + 1 if inner else 1
    grid.append([sum(row[c] for row in grid) for c in range(columns)])
    return grid


def _bridges(edges: set[tuple[int, int]], n_rows: int) -> list[tuple[int, int]]:
    """Hidden cells that lie on no cycle of the row/column graph (their value is forced)."""
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for r, c in edges:
        adjacency.setdefault(("r", r), []).append(("c", c))
        adjacency.setdefault(("c", c), []).append(("r", r))
    found = []
    for r, c in sorted(edges):
        # Is there another path from row r to column c without this edge?
        start, goal = ("r", r), ("c", c)
        seen = {start}
        stack = [start]
        reached = False
        while stack and not reached:
            node = stack.pop()
            for other in adjacency.get(node, []):
                if {node, other} == {start, goal}:
                    continue
                if other == goal:
                    reached = True
                    break
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        if not reached:
            found.append((r, c))
    return found


def lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """Every row and column of the grid as its cells, the total (margin) cell last."""
    rows = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    columns = [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    return rows + columns


def _pinned_line(values, hidden) -> list[tuple[int, int]] | None:
    """A line with a shown total whose hidden cells a reader could pin down from the bounds
    (a "<5" cell is 1 to 4, an "x" cell 0 or more): its hidden cells sum to the least or, with
    only "<5" cells hidden, the most the bounds allow."""
    for line in lines(len(values), len(values[0])):
        total = line[-1]
        inner = [cell for cell in line[:-1] if cell in hidden]
        if total in hidden or not inner:
            continue
        primaries = [cell for cell in inner if hidden[cell] == PRIMARY]
        if not primaries:
            continue
        hidden_sum = sum(values[r][c] for r, c in inner)
        complements = len(inner) - len(primaries)
        if hidden_sum <= len(primaries) or (not complements and hidden_sum >= 4 * len(primaries)):
            return line
    return None


def suppress(
    row_labels: list[str],
    column_labels: list[str],
    inner: list[list[int]],
    *,
    threshold: int = 5,
) -> SuppressedTable:
    """Suppress `inner` (rows x columns of counts) with its margins. The labels name the
    inner rows and columns; "Jumlah" is appended for the margins."""
    values = with_margins(inner)
    n_rows, n_cols = len(values), len(values[0])
    hidden: dict[tuple[int, int], str] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            if 0 < values[r][c] < threshold:
                hidden[(r, c)] = PRIMARY
    # A grand total under the threshold hides everything: nothing else is safe to show.
    if (n_rows - 1, n_cols - 1) in hidden:
        for r in range(n_rows):
            for c in range(n_cols):
                hidden.setdefault((r, c), COMPLEMENTARY)

    def cost(r: int, c: int) -> float:
        if (r, c) in hidden:
            return 0
        value = values[r][c]
        margin = r == n_rows - 1 or c == n_cols - 1
        # Prefer hiding small inner cells; margins only when nothing else closes the cycle,
        # zeros only when nothing at all does.
        return value + (10**9 if margin else 0) + (10**12 if value == 0 else 0)

    while True:
        pinned = _pinned_line(values, hidden)
        if pinned is not None:
            line = pinned
            candidates = [
                cell for cell in line[:-1] if cell not in hidden and values[cell[0]][cell[1]] > 0
            ]
            # The smallest positive shown cell of the line, else its total.
            smallest = min(candidates, key=lambda rc: values[rc[0]][rc[1]], default=line[-1])
            hidden[smallest] = COMPLEMENTARY
            continue
        bridges = _bridges(set(hidden), n_rows)
        if not bridges:
            break
        r, c = bridges[0]
        best = None
        for r2 in range(n_rows):
            if r2 == r:
                continue
            for c2 in range(n_cols):
                if c2 == c:
                    continue
                total = cost(r, c2) + cost(r2, c) + cost(r2, c2)
                if best is None or total < best[0]:
                    best = (total, r2, c2)
        if best is None:  # a single row or column: hide all of it
            for r2 in range(n_rows):
                for c2 in range(n_cols):
                    hidden.setdefault((r2, c2), COMPLEMENTARY)
            break
        _total, r2, c2 = best
        for cell in [(r, c2), (r2, c), (r2, c2)]:
            hidden.setdefault(cell, COMPLEMENTARY)
    from django.utils.translation import gettext as _

    return SuppressedTable(
        row_labels=[*row_labels, _("Jumlah")],
        column_labels=[*column_labels, _("Jumlah")],
        values=values,
        hidden=hidden,
    )
