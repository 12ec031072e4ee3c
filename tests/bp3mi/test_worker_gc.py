"""The prefork parent freezes its heap before forking a child (bp3mi.celery.freeze_before_fork),
so a child's full garbage collections scan only the objects it made itself."""

import gc

import pytest
from celery.signals import worker_before_create_process

import bp3mi.celery  # noqa: F401 - connects the receiver


def tracked(obj) -> bool:
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_alive_before_a_fork_leave_the_collectors_reach(unfrozen):
    inherited = {"templates": ["a", "b"]}
    assert tracked(inherited)

    # What the prefork pool sends right before it forks a child.
    worker_before_create_process.send(sender=None)

    assert gc.get_freeze_count() > 0
    assert not tracked(inherited)
    made_after = {"letter": ["boxes"]}
    assert tracked(made_after)


def test_garbage_is_collected_before_the_freeze_not_kept_for_ever(unfrozen):
    gc.disable()
    try:
        cycle = []
        cycle.append(cycle)
        del cycle  # unreachable now, left for the collector
        worker_before_create_process.send(sender=None)
        # Nothing unreachable was frozen: once thawed, there is nothing left to collect.
        gc.unfreeze()
        assert gc.collect() == 0
    finally:
        gc.enable()
