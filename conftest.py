"""Root conftest: settings come from pyproject (livelihood.settings.test), which brings up
a real PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are given."""
