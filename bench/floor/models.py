from django.db import models


class Ping(models.Model):
    """One row per benchmark request."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"Ping {self.pk}"
