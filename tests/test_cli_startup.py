"""The CLI starts without loading what only some commands need (bench/startup.py measures how fast): the
parser is built, and `duban --help` printed, with no database library, settings library or chat library
imported; a command on an up-to-date database finds it current without Alembic; `duban score` needs the
database library alone; a command's modules are imported with the garbage collector paused, and the process
ends without the collector walking them again."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, score_cmd
from bot.cli.common import CliError, numbered_head, settings
from storage import migrate
from storage.paths import BUNDLED_LETTER

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "alembic", "pydantic", "yaml", "telegram", "aiohttp", "httpx", "openpyxl", "matplotlib")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    return set(done.stderr.split())


def test_help_loads_no_heavy_library():
    assert _loaded_after("from bot.cli import build_parser\nbuild_parser()") == set()
    assert _loaded_after("from bot.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass") == set()


def test_the_numbered_head_is_alembics_head():
    assert numbered_head() == migrate.head_revision()


def test_a_current_database_is_used_without_alembic(cli_env):
    code = "from bot.cli.common import open_database\nopen_database(quiet=True)"
    assert "alembic" in _loaded_after(code)  # a new database: Alembic makes the schema
    assert "alembic" not in _loaded_after(code)  # now current: one query says so
    assert main(["db", "current"]) == 0


def test_score_loads_the_database_library_alone(cli_env):
    """The settings are read without a settings library, the rubric from its parsed copy (no YAML parser)."""
    assert main(["letter", "load", str(BUNDLED_LETTER)]) == 0
    assert _loaded_after("from bot.cli import main\nmain(['score', '--json'])") == {"sqlalchemy"}


def test_a_command_starts_with_the_collector_paused_until_it_reads_its_settings(cli_env, monkeypatch):
    seen = []

    def command(args):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        settings()  # the command's modules are loaded: what they made is set aside, the collector runs again
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        if args.json:
            raise CliError("a command that fails")
        return 0

    monkeypatch.setattr(score_cmd, "cmd_score", command)
    assert main(["score"]) == 0
    assert seen == [(False, False), (True, True)]
    # Once the command ends, the collector runs and what the start set aside stays so: the command's process
    # ends with it (bot.cli.common.starting says why).
    assert gc.isenabled() and gc.get_freeze_count() > 0
    for argv, code in ((["score", "--json"], 2), (["rubric", "--json"], 0)):  # one that fails; one reading no settings
        gc.unfreeze()
        assert main(argv) == code and gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()
    with pytest.raises(SystemExit):
        main(["--help"])
    assert gc.isenabled() and gc.get_freeze_count() > 0


def _at_exit(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, int]:
    """How many objects the interpreter's final collections would walk when `duban ARGV`'s process ends, and
    how many are set aside from them."""
    probe = (
        "import atexit, gc, os\n"
        # registered first, so run last, once everything else at exit is done
        "atexit.register(lambda: os.write(2, b'\\n%d %d' % (len(gc.get_objects()), gc.get_freeze_count())))\n"
        "from bot.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
    )
    env = dict(env or os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    walked, set_aside = map(int, done.stderr.split("\n")[-1].split())
    return walked, set_aside


def test_the_process_ends_without_the_collector_walking_the_modules():
    """The interpreter's final collections would walk every object still alive (150-250 ms of `duban score`)."""
    walked, set_aside = _at_exit(["--help"])
    assert set_aside > 10_000 and walked < 1_000


def test_what_a_command_made_is_still_collected_when_its_process_ends(cli_env):
    """`duban letter load` leaves its database to be closed when the process ends, as the collector finds it:
    on SQLite, the last connection closed removes the -wal file."""
    walked, _ = _at_exit(["letter", "load", str(BUNDLED_LETTER)], dict(os.environ))
    assert walked > 1_000  # the command's own objects
    if cli_env.startswith("sqlite"):
        assert not list(Path.cwd().glob("*-wal"))
