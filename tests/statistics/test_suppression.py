"""Small cells are hidden, and no hidden cell can be computed back from what is shown."""

import random
from fractions import Fraction

import pytest

from reports.suppression import COMPLEMENTARY, PRIMARY, suppress, with_margins


def recoverable_cells(values, hidden):
    """Which hidden cells an attacker can compute exactly from the shown cells and the
    row/column equations, found by linear algebra (not by the suppression's own graph
    reasoning): a cell is recoverable when its unit vector lies in the row space of the
    equations restricted to the hidden cells."""
    n_rows, n_cols = len(values), len(values[0])
    cells = sorted(hidden)
    index = {cell: i for i, cell in enumerate(cells)}
    equations = []
    for r in range(n_rows):  # each row: inner cells - total = 0
        equations.append(
            {index[(r, c)]: (1 if c < n_cols - 1 else -1) for c in range(n_cols) if (r, c) in index}
        )
    for c in range(n_cols):
        equations.append(
            {index[(r, c)]: (1 if r < n_rows - 1 else -1) for r in range(n_rows) if (r, c) in index}
        )
    matrix = [[Fraction(eq.get(i, 0)) for i in range(len(cells))] for eq in equations if eq]

    def rank(rows):
        rows = [list(r) for r in rows]
        rank_, width = 0, len(cells)
        for col in range(width):
            pivot = next((i for i in range(rank_, len(rows)) if rows[i][col] != 0), None)
            if pivot is None:
                continue
            rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
            for i in range(len(rows)):
                if i != rank_ and rows[i][col] != 0:
                    factor = rows[i][col] / rows[rank_][col]
                    rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank_], strict=True)]
            rank_ += 1
        return rank_

    base = rank(matrix)
    found = []
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(cells))]
        if rank([*matrix, unit]) == base:
            found.append(cell)
    return found


def pinned_by_bounds(values, hidden):
    """Hidden small cells a reader pins down by subtraction from a shown line total and the
    bounds of what is printed ("<5" is 1 to 4, "x" is 0 or more): the attack of the public
    CSV, done independently of the suppression code."""
    n_rows, n_cols = len(values), len(values[0])
    found = set()
    lines = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    lines += [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    for line in lines:
        total, cells = line[-1], line[:-1]
        if total in hidden:
            continue
        unknown = [cell for cell in cells if cell in hidden]
        remainder = values[total[0]][total[1]] - sum(
            values[r][c] for r, c in cells if (r, c) not in hidden
        )
        for cell in unknown:
            if hidden[cell] != PRIMARY:
                continue
            others = [o for o in unknown if o != cell]
            low_others = sum(1 if hidden[o] == PRIMARY else 0 for o in others)
            high_others = sum(4 if hidden[o] == PRIMARY else 10**9 for o in others)
            low = max(1, remainder - high_others)
            high = min(4, remainder - low_others)
            if low == high:
                found.add(cell)
    return sorted(found)


def test_the_bounds_attack_finds_two_ones_in_a_row():
    values = with_margins([[1, 1, 20], [30, 40, 50], [9, 8, 7]])
    hidden = {(0, 0): PRIMARY, (0, 1): PRIMARY}
    assert recoverable_cells(values, hidden) != []  # columns give them back too
    assert pinned_by_bounds(values, hidden) == [(0, 0), (0, 1)]


def test_two_ones_in_a_row_are_not_pinned_by_subtraction():
    table = suppress(["A", "B", "C"], ["x", "y", "z"], [[1, 1, 20], [30, 40, 50], [9, 8, 7]])
    assert pinned_by_bounds(table.values, table.hidden) == []
    assert recoverable_cells(table.values, table.hidden) == []


def test_a_hidden_zero_does_not_let_a_one_be_pinned():
    # Kendari 6, Konawe 1, every other kab/kota 0, in one year: hiding a zero beside the 1
    # would leave 7 - 6 = 1 for the two hidden cells, so the 1 would be known.
    inner = [[0, 0, 6], [0, 0, 1]] + [[0, 0, 0]] * 5
    table = suppress([f"r{i}" for i in range(7)], ["2024", "2025", "2026"], inner)
    assert pinned_by_bounds(table.values, table.hidden) == []
    assert recoverable_cells(table.values, table.hidden) == []


def test_the_recovery_check_finds_a_cell_hidden_alone():
    # The naive way: hide the 3 and nothing else. Row total minus the 10 gives it back.
    values = with_margins([[3, 10], [20, 30]])
    assert recoverable_cells(values, {(0, 0)}) == [(0, 0)]


def test_cells_under_five_are_hidden_and_shown_as_less_than_five():
    table = suppress(["A", "B", "C"], ["2025", "2026"], [[3, 10], [20, 30], [7, 8]])
    assert table.hidden[(0, 0)] == PRIMARY
    assert table.display_rows()[0][1] == "<5"
    assert table.values[-1][-1] == 78
    # The grand total stays shown.
    assert (3, 2) not in table.hidden


def test_no_hidden_cell_can_be_recovered_from_totals():
    table = suppress(["A", "B", "C"], ["2025", "2026"], [[3, 10], [20, 30], [7, 8]])
    assert COMPLEMENTARY in table.hidden.values()
    assert recoverable_cells(table.values, table.hidden) == []


def test_zeros_are_shown_and_a_table_without_small_cells_hides_nothing():
    table = suppress(["A", "B"], ["x", "y"], [[0, 10], [20, 30]])
    assert table.hidden == {}
    assert table.display_rows()[0][1] == "0"


def test_a_single_small_row_total_is_protected():
    # Row A totals 4 (primary), its cells 2 and 2 as well.
    table = suppress(["A", "B", "C"], ["x", "y"], [[2, 2], [20, 30], [9, 6]])
    assert table.hidden[(0, 2)] == PRIMARY
    assert recoverable_cells(table.values, table.hidden) == []


def test_a_grand_total_under_five_hides_the_whole_table():
    table = suppress(["A"], ["x", "y"], [[1, 2]])
    assert all(cell in {"<5", "x"} for row in table.display_rows() for cell in row[1:])


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_leak_a_hidden_cell(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 7), rng.randint(1, 4)
    inner = [
        [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in range(n_cols)]
        for _ in range(n_rows)
    ]
    table = suppress([f"r{i}" for i in range(n_rows)], [f"c{j}" for j in range(n_cols)], inner)
    # Every small cell is hidden ...
    for r, row in enumerate(table.values):
        for c, value in enumerate(row):
            if 0 < value < 5:
                assert table.hidden.get((r, c)) == PRIMARY
    # ... and none of the hidden ones can be computed, exactly or by subtraction and bounds.
    assert recoverable_cells(table.values, table.hidden) == []
    assert pinned_by_bounds(table.values, table.hidden) == []
