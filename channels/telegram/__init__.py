"""Telegram, through python-telegram-bot: the only package that imports `telegram` (with the tests' fake
Bot API). Updates become events; replies become HTML and inline keyboards within Telegram's limits."""

import os

# Opt in to PTB's future behaviour: durations such as RetryAfter.retry_after are timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "1")
