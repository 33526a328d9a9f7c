"""Random messages and button presses: no unhandled exception, and every reply accepted by the fake
server's Telegram rules (4096 characters, HTML entities, 64-byte callback data).

The default run takes DUBAN_FUZZ_ACTIONS actions (500); the full run is 2000 or more:
    DUBAN_FUZZ_ACTIONS=2000 .venv/bin/python -m pytest -q tests/test_chat_fuzz.py
"""

from __future__ import annotations

import logging
import os
import random
from datetime import datetime

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from handlers import texts
from storage.models import Contact, Department
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, all_processed, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World

ACTIONS = int(os.environ.get("DUBAN_FUZZ_ACTIONS", "500"))
USERS = {ADMIN: None, 4001: "自然资源局", 4002: "生态环境分局", 4003: "住建局", 4004: ("发改局", "viewer"), 4005: None}
CODES = ["3.1", "14.2", "26.3", "22.3", "1.1", "99.9", "0.0", "33.3", "abc", "15.5"]
WORDS = [
    "完成",
    "已完成",
    "进度",
    "900亩",
    "六十",
    "12.5%",
    "<b>",
    "&",
    "<script>",
    "😀" * 50,
    "x" * 5000,
    "发改局",
    "生态环境分局",
    "contact",
    "viewer",
    "rate=93",
    "done=是",
    "cases=-1",
    " ",
    "\u200b",
    "3.1.1",
]
COMMANDS = [
    "/done",
    "/done",
    "/start",
    "/help",
    "/tasks",
    "/task",
    "/due",
    "/done",
    "/progress",
    "/withdraw",
    "/cancel",
    "/score",
    "/whatif",
    "/overdue",
    "/dept",
    "/pending",
    "/remind",
    "/contacts",
    "/invite",
    "/fact",
    "/bindgroup",
    "/nonsense",
]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        args = [rng.choice(CODES + WORDS) for _ in range(rng.randint(0, 3))]
        return " ".join([rng.choice(COMMANDS)] + args)
    if kind < 0.75:
        return f"{rng.choice(CODES)} {rng.choice(['完成', '已完成', '进度', ''])} {rng.choice(WORDS[:6])}".strip()
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))[:6000]


async def test_fuzz_the_bot(tmp_path, caplog):
    world = World(f"sqlite:///{tmp_path / 'fuzz.db'}", BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    with world.db.session() as s:
        for uid, dep in USERS.items():
            if dep is None:
                continue
            name, role = dep if isinstance(dep, tuple) else (dep, "contact")
            d = s.scalar(select(Department).where(Department.name == name, Department.level == "county"))
            s.add(
                Contact(
                    department_id=d.id, chat_id=uid, user_id=uid, kind="user", role=role, created_at=world.clock.now()
                )
            )
    rng = random.Random(20221010)
    counts = {"messages": 0, "buttons": 0, "photos": 0}
    caplog.set_level(logging.ERROR, logger="duban")
    with FakeBotAPI() as fake:
        for uid in USERS:
            fake.add_user(uid)
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence") as app:
            for batch in range(ACTIONS // 25):
                for _ in range(25):
                    user = rng.choice(list(USERS))
                    # Buttons as they are now (answered steps lose theirs), on the user's recent messages.
                    mine = [
                        (m.message_id, rows)
                        for m in fake.messages_to(user)[-8:]
                        if (
                            rows := ((fake.message(user, m.message_id) or {}).get("reply_markup") or {}).get(
                                "inline_keyboard"
                            )
                        )
                    ]
                    roll = rng.random()
                    if roll < 0.5 and mine:
                        message_id, rows = rng.choice(mine)
                        buttons = [b for row in rows for b in row]
                        fake.inject_callback(user, message_id, user, rng.choice(buttons)["callback_data"])
                        counts["buttons"] += 1
                    elif 0.5 <= roll < 0.55:
                        fake.inject_photo(user, bytes(rng.randrange(256) for _ in range(64)))
                        counts["photos"] += 1
                    else:
                        fake.inject_message(user, random_text(rng))
                        counts["messages"] += 1
                await all_processed(app, fake)
                if batch % 20 == 19:
                    world.clock.advance(days=rng.randint(1, 5))
            await all_processed(app, fake)
            unanswered = [
                fake._state.callback_queries[qid].data for qid, a in fake.callback_answers.items() if a is None
            ]
        assert unanswered == []  # every button press gets an answer, even a stale one
        internal = [m for m in fake.sent if texts.INTERNAL_ERROR.split("{")[0] in (m.content or "")]
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
        print(
            f"\nfuzz: {counts['messages']} messages, {counts['buttons']} button presses, {counts['photos']} photos; "
            f"bot sent {len(fake.sent)} messages; rejected {len(fake.rejections)}; "
            f"internal errors {len(internal)}; error log lines {len(failures)}"
        )
        assert fake.rejections == []
    assert internal == [], internal[:3]
    assert failures == [], [r.getMessage() for r in failures[:3]]
    assert counts["buttons"] > ACTIONS // 15 and sum(counts.values()) >= ACTIONS
