"""Where documents are built: the workbook, the charts, the weekly report, the circular and the notice take
seconds of CPU after a year of use, so they are built in worker threads, never on the event loop that
answers everyone else, and at most `AT_ONCE` at a time (each holds a snapshot and a file being written).

While a worker computes it holds Python's GIL; the event loop, wanting it back after each request it sent,
would wait up to the interpreter's switch interval (5 ms) every time. `answer_first` shortens that interval
for the bot's process, so a /help during an /export is answered about as fast as when the bot is idle.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

AT_ONCE = 2  # documents built at the same time (the machine this runs on may have two cores)
SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while another waits for it

P = ParamSpec("P")
T = TypeVar("T")
_pool = ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="duban-documents")
_waiting: set[object] = set()  # tasks waiting for a document


async def build(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)` in a documents worker thread; the caller's coroutine waits without blocking."""
    task = asyncio.current_task()
    if task is not None:
        _waiting.add(task)
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, functools.partial(work, *args, **kwargs))
    finally:
        _waiting.discard(task)


def building(task: object) -> bool:
    """The task is waiting for a document: a channel may show "typing…" (an answer that comes at once
    shows nothing: no extra request per message)."""
    return task in _waiting


def answer_first() -> None:
    """For a process that answers chats: the event loop gets the GIL back soon while a document is built."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
