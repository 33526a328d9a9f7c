"""The CJK font file the charts draw with (data, not code): see README.md."""
