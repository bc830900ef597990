import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livelihood.settings.local")
application = get_wsgi_application()

# The hall's cast path (voting/fastpath.py): the ballot shell and its two JSON endpoints are
# answered before Django's URL resolver and middleware stack — they need no session, CSRF
# token, locale negotiation, authentication or messages. LIVELIHOOD_BALLOT_FRONT=0 sends them
# through Django instead (same answers, to measure what the middleware costs: bench/README.md).
if os.environ.get("LIVELIHOOD_BALLOT_FRONT", "1") != "0":
    from voting.fastpath import mount

    application = mount(application)
