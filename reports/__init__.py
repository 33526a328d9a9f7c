"""Office reports: the Excel workbook (export, import, template), charts, the weekly report, a new year's letter.

Nothing here talks to Telegram; handlers/office_reports.py, bot/cli/ and scheduler/runner.py call it.
"""
