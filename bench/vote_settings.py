"""Settings for ``bench/bench_vote.py``: ``livelihood.settings.production``, unchanged but for
``STATIC_ROOT``.

Production serves its pages through ``ManifestStaticFilesStorage``, so every template with a
``{% static %}`` tag needs ``collectstatic``'s manifest (without it each page is a 500). The
production ``STATIC_ROOT`` is ``staticfiles/`` at the top of the checkout and is not read from
the environment; the benchmark collects into ``var/bench-static`` instead, so it writes
nothing outside ``var/``. Everything else — middleware, database and cache from
``DATABASE_URL`` / ``REDIS_URL``, secure cookies, CSRF — is production's.
"""

from livelihood.settings.production import *  # noqa: F403
from livelihood.settings.production import BASE_DIR

STATIC_ROOT = BASE_DIR / "var" / "bench-static"
