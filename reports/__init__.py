"""Office reports: the Excel workbook (export, import, template), charts, the weekly report, a new year's letter.

Nothing here talks to a chat platform or reads the database: services/snapshot.py, services/weekly.py and
services/letter_copy.py gather plain data, and these modules render documents from it (or parse documents
into plain data). handlers/office_reports.py, bot/cli/ and the weekly report's delivery (scheduler/weekly.py,
wired in bot/app.py) call them.
"""
