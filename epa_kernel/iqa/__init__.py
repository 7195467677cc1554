"""Internal quality assurance: sampling, re-run verification, moderation and standardisation."""
