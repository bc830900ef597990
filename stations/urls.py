from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    # public
    path("stations/<int:pk>/", views.station_public, name="station_public"),
    path("stations/duty/<int:pk>/book/", views.booking_create, name="booking_create"),
    path("stations/appointment/", views.booking_done, name="booking_done"),
    path("stations/appointments/", views.booking_lookup, name="booking_lookup"),
    # deputies
    path("my/stations/", views.my_stations, name="my"),
    path("deputies/<int:pk>/duty-record/", views.deputy_record, name="deputy_record"),
    path(
        "deputies/<int:pk>/duty-record/<int:year>.pdf",
        views.deputy_record_pdf,
        name="deputy_record_pdf",
    ),
    # staff (reviewers read)
    path("townships/<int:pk>/stations/", views.township_stations, name="township_stations"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:pk>/poster.pdf", views.station_poster, name="station_poster"),
    path("stations/<int:pk>/calendar/", views.calendar, name="calendar"),
    path("stations/duty-days/<int:pk>/", views.duty_day, name="duty_day"),
    path("stations/<int:pk>/receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
    path("townships/<int:pk>/duty-records/", views.township_records, name="township_records"),
    path("townships/<int:pk>/duty-records/credit/", views.credit_create, name="credit_create"),
    path("duty-credits/<int:pk>/evidence/", views.credit_evidence, name="credit_evidence"),
    path("townships/<int:pk>/duty-items/", views.duty_items, name="duty_items"),
    path("counties/<int:pk>/stations/", views.county_activity, name="county_activity"),
]
