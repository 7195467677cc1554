"""The batch run: papermill executes one notebook per apprentice and method, resumably."""
