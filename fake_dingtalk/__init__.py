"""A DingTalk stand-in for the tests: the OpenAPI endpoints duban uses (token, stream opening, robot
messages, read status, files, media, cards) and the Stream-mode websocket, on 127.0.0.1.

    with FakeDingTalk() as fake:
        fake.add_user("zhangsan", "张三")
        ... start duban with fake.env() ...
        fake.send_text("zhangsan", "任务")
        fake.wait(lambda: fake.messages_to("zhangsan"))
        assert fake.rejections == []

It answers the way DingTalk does where that matters to duban (field names, error bodies, 401 for a token
it does not accept, invalidStaffIdList / flowControlledStaffIdList) and refuses what DingTalk would refuse
(a robot message over 5000 characters, a bad msgParam), recording it in `rejections`.
"""

from .fake import FakeDingTalk, FakeDingTalkTimeout
from .state import Card, Sent

__all__ = ["Card", "FakeDingTalk", "FakeDingTalkTimeout", "Sent"]
