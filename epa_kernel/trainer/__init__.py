"""The grading logic explained: boundaries, KSB coverage, what a version change does."""
