"""Access in one place, for every stage's views and services (as helios-server's security.py):
fetch an object in the user's scope or answer 404, check a permission or answer 403.

- ``require(allowed)``: a service's guard — ``PermissionDenied`` unless allowed.
- ``township_view(manage=…, check=…)``: a view decorator that logs in, fetches the township in
  the user's scope (404 outside it) and checks the permission (403 for a township the user
  sees but may not act on); the view receives the township instead of its pk.
- ``session_or_404(user, pk)``: a session (次会议) the user may see, or 404.

Outside one's scope a page answers 404 (its existence is not revealed); inside the scope but
without the right role, 403 (congress/README.md)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import selectors
from .models import Session
from .permissions import user_can_manage_township


def require(allowed: bool) -> None:
    """Refuse (403) unless ``allowed``: the guard every service starts with."""
    if not allowed:
        raise PermissionDenied


def township_view(*, manage: bool = False, check=None):
    """Fetch the township in the user's scope (404 outside it) and check the permission
    (403 for a visible township the user may not act on)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            township = selectors.township_for_user(request.user, pk)
            if township is None:
                raise Http404
            if manage and not user_can_manage_township(request.user, township):
                raise PermissionDenied
            if check is not None and not check(request.user, township):
                raise PermissionDenied
            return view(request, township, *args, **kwargs)

        return wrapper

    return decorator


def session_or_404(user, pk) -> Session:
    """A session the user may see; 404 for any other (or none)."""
    session = selectors.sessions_visible_to(user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session
