"""The domain: standards, records and the pure grading engine.

No I/O beyond reading the kit's own standards, and nothing from the kit's other rooms.
"""
