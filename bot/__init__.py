"""duban (督办): application assembly, configuration and storage."""
import os

# Opt in to PTB's future behaviour: durations such as RetryAfter.retry_after are timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "1")
