"""Official documents in Word (.docx): the monthly circular (通报) and the supervision notice (督办单), laid
out by GB/T 9704 in templates shipped in data/templates/ that an office may replace with its own letterhead."""
