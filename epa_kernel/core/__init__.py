"""The domain: standards, records and the pure grading engine (no I/O beyond reading the kit's own standards)."""
