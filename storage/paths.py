"""Where the project's own files live (data, migrations), independent of the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUNDLED_LETTER = DATA_DIR / "shengzhou-2022.yaml"
BUNDLED_LETTER_YEAR = 2022
