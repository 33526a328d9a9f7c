"""The fake DingTalk checked against DingTalk's own Stream client, the `dingtalk-stream` SDK (a test
dependency only; duban speaks the protocol itself, channels/dingtalk/stream.py): the SDK opens a connection
through the fake, reads a robot message pushed over it as DingTalk's own ChatbotMessage, and its
acknowledgements are what the fake expects. A fake that drifted from DingTalk's protocol fails here."""

from __future__ import annotations

import asyncio

import pytest

from fake_dingtalk import FakeDingTalk

dingtalk_stream = pytest.importorskip("dingtalk_stream")


async def test_the_official_stream_client_talks_to_the_fake(monkeypatch):
    received: asyncio.Queue = asyncio.Queue()

    class Handler(dingtalk_stream.ChatbotHandler):
        async def process(self, callback):
            await received.put(dingtalk_stream.ChatbotMessage.from_dict(callback.data))
            return dingtalk_stream.AckMessage.STATUS_OK, "OK"

    with FakeDingTalk() as fake:
        fake.add_user("zhangsan", "张三")
        client_class = dingtalk_stream.DingTalkStreamClient
        # 0.24.3 reads its endpoint once at import; the host IP lookup is not needed on 127.0.0.1.
        monkeypatch.setattr(client_class, "OPEN_CONNECTION_API", f"{fake.base_url}/v1.0/gateway/connections/open")
        monkeypatch.setattr(client_class, "get_host_ip", lambda self: "127.0.0.1")
        client = client_class(dingtalk_stream.Credential(fake.state.client_id, fake.state.client_secret))
        client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, Handler())
        task = asyncio.create_task(client.start())
        try:
            await fake.wait_async(lambda: fake.connections == 1, timeout=15, what="the SDK's connection")
            key = fake.send_text("zhangsan", "任务")
            message = await asyncio.wait_for(received.get(), timeout=10)
            await fake.wait_async(lambda: fake.acked(key), what="the SDK's acknowledgement")
            ping = fake.system("ping", {"opaque": "4711"})
            await fake.wait_async(lambda: fake.acked(ping), what="the ping answered")
            ack = fake.state.acks[ping]
        finally:
            for _ in range(3):  # 0.24.3 catches the first cancellation and sleeps: cancel until it ends
                task.cancel()
                await asyncio.sleep(0.05)
            await asyncio.gather(task, return_exceptions=True)
        assert fake.rejections == []
    assert message.text.content == "任务" and message.sender_staff_id == "zhangsan"
    assert message.conversation_type == "1" and message.sender_nick == "张三" and message.message_id
    assert ack["code"] == 200 and ack["headers"]["messageId"] == ping and '"opaque": "4711"' in ack["data"]
