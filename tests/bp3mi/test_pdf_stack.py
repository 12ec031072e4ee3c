import sys

import pytest

from bp3mi import pdf


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's frame stack")
def test_render_runs_from_a_frame_that_takes_its_own_stack_chunk():
    assert pdf._on_own_stack_chunk.__code__.co_stacksize >= 32768


def test_the_big_frame_passes_results_and_errors_through():
    assert pdf._on_own_stack_chunk(lambda: b"%PDF") == b"%PDF"
    with pytest.raises(ZeroDivisionError):
        pdf._on_own_stack_chunk(lambda: 1 / 0)
    assert pdf.render_pdf("<p>Surat</p>").startswith(b"%PDF")
