"""The grading logic explained: boundaries, KSB coverage, version differences."""
