"""What leaves the kit: records, statements and cohort outputs rendered from executed notebooks."""
