"""The conversation, channel-neutral: an event in (events.py), replies out (replies.py). Handlers call
services and say everything the bot says; they never see a platform's types or a database session."""
