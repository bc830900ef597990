"""Per-app rows of the permission table: each module defines ROWS (a list of Row)."""
