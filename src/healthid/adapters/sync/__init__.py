"""Storage and files for the BHXH sync: bulk chunk writes, runs, the inbox folder."""
