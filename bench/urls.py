from django.urls import path

from bench.floor.views import insert

urlpatterns = [
    path("insert/", insert, name="bench-insert"),
]
