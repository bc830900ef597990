import secrets

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bench.floor.models import Ping


@csrf_exempt
@require_http_methods(["GET", "POST"])
def insert(request: HttpRequest) -> JsonResponse:
    """Insert one row (autocommit: one INSERT, one COMMIT) and return its id."""
    ping = Ping.objects.create(payload=secrets.token_hex(16))
    return JsonResponse({"id": ping.pk})
