"""The BHXH sync: extracts applied in chunks, runs recorded, the inbox watched."""
