"""The floor benchmark's app: one table, one insert view, nothing from the project."""
