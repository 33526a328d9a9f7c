"""DingTalk (钉钉): an enterprise internal app's robot in Stream mode (channel.py)."""
