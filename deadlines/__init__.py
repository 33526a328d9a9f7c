"""Deadlines, pure: China's working-day calendar, the Chinese phrase reader, deadline specs and their
occurrences, the reminder policy and planner. No database, no chat, no clock of its own."""
