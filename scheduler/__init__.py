"""Deadlines, the working-day calendar and reminders. The calendar and the deadline model are pure."""
