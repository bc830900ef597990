from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_notifications(request):
    """The unread count for the navigation's badge: one indexed COUNT, only when a page
    shows the navigation to a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
