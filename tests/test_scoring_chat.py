"""/score through the fake Bot API shows Shengzhou's own full marks: 999 of the letter's 1000 (issue 15 ⑤).

9.3② gives 上虞区's pilot 3 points and 其他区、县(市) 2 for the invasive-species survey, so everything done
scores 999, and 50 points lost leave 949: not excellent, where a round 1000 would have said 950 and excellent.
"""

from __future__ import annotations

from datetime import datetime

from fake_bot_api import FakeBotAPI
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, plain, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World


async def test_score_shows_999_beside_1000_and_judges_excellence_by_it(database_url):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN)
        chat = Chat(fake, {ADMIN: "美丽办"})
        async with running_bot(world, fake):
            await chat.say(ADMIN, "/score")
            overview = plain(chat.last_to(ADMIN).content)
            assert "满分1000分, 本县(市)可得满分999分(9.3.2最多得2分)" in overview
            assert "预计 999 分" in overview and "按预计达到" in overview
            assert "二、加强生态修复和生物多样性保护 119/120" in overview
            assert "失分最多" not in overview  # 9.3.2 at 2 of 3 is its full marks, not a loss

            # 80 x 37.5% = 30 of 1.1's 80: 50 lost, 949 left, short of 950
            await chat.say(ADMIN, "/fact 1.1 score=37.5")
            await chat.say(ADMIN, "/score")
            overview = plain(chat.last_to(ADMIN).content)
            assert "预计 949 分" in overview and "按预计未达到" in overview

            # the survey not done loses the 2 points the letter gives Shengzhou, not 3
            await chat.say(ADMIN, "/fact 9.3.2 done=否")
            await chat.say(ADMIN, "/score")
            overview = plain(chat.last_to(ADMIN).content)
            assert "预计 947 分" in overview and "9.3.2" in overview and "-2" in overview
