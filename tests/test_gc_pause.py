"""services/gc_pause.py: the collector is off inside a pause, back on after the last of several ends,
and left off if it was off before."""

from __future__ import annotations

import gc
import threading

from services.gc_pause import gc_paused


def test_nested_and_concurrent_pauses_restore_the_collector_once_the_last_ends():
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_thread():
        with gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_thread)
    with gc_paused():
        assert not gc.isenabled()
        worker.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's pause still runs
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_ends_the_pause():
    try:
        with gc_paused():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
