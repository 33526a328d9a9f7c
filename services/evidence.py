"""Evidence files kept on disk beside their reports: <evidence dir>/letter-<id>/<task code>/<report>-<file>."""

from __future__ import annotations

from pathlib import Path

from services import reports
from storage.db import Database


def keep(
    db: Database,
    evidence_dir: Path,
    letter_id: int,
    code: str,
    report_id: int,
    unique_id: str,
    data: bytes,
    suffix: str,
) -> Path:
    """Write one downloaded file and record where it is; an OSError leaves the report as it was."""
    folder = Path(evidence_dir) / f"letter-{letter_id}" / code
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report_id}-{unique_id}{suffix}"
    path.write_bytes(data)
    reports.evidence_kept(db, report_id, unique_id, str(path))
    return path
