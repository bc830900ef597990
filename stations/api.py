"""/api/v1/ for liaison stations: thin DRF views over the same selectors and services as the
pages, with the same permissions.

Public (no account, like the pages): ``stations/`` (the stations and their profiles),
``station-calendar/`` (published reception days from today), ``station-bookings/`` (代表有约:
book; look up and cancel with the receipt code in the body, never in a URL; rate-limited as
the pages, sharing their counters). Signed in: ``duty-records/me/`` (a deputy's own record)
and ``duty-records/<deputy>/`` (the deputy, staff of the township, reviewers of the county;
anyone else 404, as the page).

Registered on the site's router by ``register(router)`` (livelihood/api.py).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from congress.models import Deputy
from congress.permissions import get_scope
from projects.models import LiaisonStation
from projects.ratelimit import hit

from . import domain, selectors, services
from .models import DutyDay
from .permissions import user_can_view_duty_record
from .services._base import duty_start

# The pages' limits (views.booking_create, views.booking_lookup): the same scopes, so the
# page and the API share one budget per address.
BOOKING_LIMIT = ("station-booking", 5, 3600)
LOOKUP_LIMIT = ("station-lookup", 20, 600)


def _limit(request, scope_limit_window) -> None:
    scope, limit, window = scope_limit_window
    if not hit(request, scope=scope, limit=limit, window=window):
        raise Throttled(wait=window)


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationError({name: ["A whole number is required."]})
    return int(raw)


# ---------------------------------------------------------------------------------------------
# Serializers


def _names(deputies) -> list[str]:
    return [d.name for d in deputies]


class StationSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True, default=None)
    level = serializers.SerializerMethodField()
    online = serializers.SerializerMethodField()
    opening_hours = serializers.SerializerMethodField()
    deputies = serializers.SerializerMethodField()

    class Meta:
        model = LiaisonStation
        fields = [
            "id",
            "name",
            "township",
            "township_name",
            "village_name",
            "address",
            "level",
            "online",
            "opening_hours",
            "deputies",
        ]

    @staticmethod
    def _profile(obj):
        return getattr(obj, "profile", None)

    def get_level(self, obj) -> str | None:
        profile = self._profile(obj)
        return profile.level if profile else None

    def get_online(self, obj) -> bool | None:
        profile = self._profile(obj)
        return profile.online if profile else None

    def get_opening_hours(self, obj) -> str:
        profile = self._profile(obj)
        return profile.opening_hours if profile else ""

    def get_deputies(self, obj) -> list[str]:
        profile = self._profile(obj)
        return _names(profile.deputies.all()) if profile else []


class DutyDaySerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    deputies = serializers.SerializerMethodField()
    bookable = serializers.SerializerMethodField()

    class Meta:
        model = DutyDay
        fields = ["id", "station", "station_name", "date", "start", "end", "deputies", "bookable"]

    def get_deputies(self, obj) -> list[str]:
        return _names(obj.deputies.all())

    def get_bookable(self, obj) -> bool:
        return domain.can_book(
            duty_start=duty_start(obj), now=timezone.now(), published=obj.published
        )


class BookingCreateSerializer(serializers.Serializer):
    duty_day = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    topic = serializers.CharField(max_length=1000)
    name = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class BookingSerializer(serializers.Serializer):
    """What the receipt page shows: never the resident's name or phone."""

    code = serializers.CharField()
    station = serializers.CharField()
    date = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    can_cancel = serializers.BooleanField()


def _booking_data(booking) -> dict:
    day = booking.duty_day
    return BookingSerializer(
        {
            "code": domain.format_code(booking.code),
            "station": day.station.name,
            "date": day.date,
            "start": day.start,
            "end": day.end,
            "status": booking.status,
            "status_display": booking.get_status_display(),
            "can_cancel": domain.can_cancel(
                status=booking.status, duty_start=duty_start(day), now=timezone.now()
            ),
        }
    ).data


class PointLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    count = serializers.IntegerField()
    points_each = serializers.IntegerField()
    points = serializers.IntegerField()


class ManualCreditSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.label")
    date = serializers.DateField()
    points = serializers.IntegerField()
    evidence = serializers.CharField()
    has_file = serializers.SerializerMethodField()

    def get_has_file(self, obj) -> bool:
        return bool(obj.evidence_file)


class DutyRecordSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy.pk")
    deputy_name = serializers.CharField(source="deputy.name")
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    lines = PointLineSerializer(many=True)
    manual = ManualCreditSerializer(many=True)
    manual_points = serializers.IntegerField()
    total = serializers.IntegerField()
    duty_days = serializers.IntegerField()
    minimum = serializers.IntegerField()
    status = serializers.CharField()


# ---------------------------------------------------------------------------------------------
# Public endpoints


@extend_schema(parameters=[OpenApiParameter("township", int, description="a township's id")])
class StationViewSet(viewsets.ReadOnlyModelViewSet):
    """Liaison stations with their level, form, hours and assigned deputies (public, as the
    station pages)."""

    serializer_class = StationSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        qs = (
            LiaisonStation.objects.select_related("township", "village", "profile")
            .prefetch_related("profile__deputies")
            .order_by("township_id", "name", "pk")
        )
        township = _int_param(self.request, "township")
        return qs.filter(township_id=township) if township is not None else qs


@extend_schema(
    parameters=[
        OpenApiParameter("station", int, description="a station's id"),
        OpenApiParameter("township", int, description="a township's id"),
    ]
)
class StationCalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published reception days (接待日) from today: who is on duty when (public)."""

    serializer_class = DutyDaySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        qs = (
            DutyDay.objects.filter(published=True, date__gte=timezone.localdate())
            .select_related("station")
            .prefetch_related("deputies")
            .order_by("date", "start", "station__name", "pk")
        )
        station = _int_param(self.request, "station")
        township = _int_param(self.request, "township")
        if station is not None:
            qs = qs.filter(station_id=station)
        if township is not None:
            qs = qs.filter(station__township_id=township)
        return qs


class StationBookingViewSet(viewsets.GenericViewSet):
    """代表有约: book a published reception day; look up or cancel with the receipt code (in
    the body). Rate-limited per address as the pages: 5 bookings an hour, 20 look-ups in
    10 minutes."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = BookingCreateSerializer
    queryset = DutyDay.objects.none()

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer})
    def create(self, request):
        data = BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        day = DutyDay.objects.filter(pk=fields.pop("duty_day"), published=True).first()
        if day is None:
            raise ValidationError({"duty_day": ["No published reception day has this id."]})
        _limit(request, BOOKING_LIMIT)
        booking = services.booking_create(duty_day=day, **fields)
        booking = services.booking_by_code(booking.code)
        return Response(_booking_data(booking), status=status.HTTP_201_CREATED)

    @extend_schema(request=CodeSerializer, responses={200: BookingSerializer})
    @action(detail=False, methods=["post"], serializer_class=CodeSerializer)
    def lookup(self, request):
        booking = self._by_code(request)
        return Response(_booking_data(booking))

    @extend_schema(request=CodeSerializer, responses={200: BookingSerializer})
    @action(detail=False, methods=["post"], serializer_class=CodeSerializer)
    def cancel(self, request):
        booking = self._by_code(request)
        booking = services.booking_cancel(code=booking.code)
        return Response(_booking_data(services.booking_by_code(booking.code)))

    def _by_code(self, request):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _limit(request, LOOKUP_LIMIT)
        booking = services.booking_by_code(data.validated_data["code"])
        if booking is None:
            raise NotFound("No appointment has this receipt code.")
        return booking


# ---------------------------------------------------------------------------------------------
# Duty records


def _year(request) -> int:
    year = _int_param(request, "year")
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["Choose a year from 2000 to 2100."]})
    return year


@extend_schema(parameters=[OpenApiParameter("year", int, description="default this year")])
class DutyRecordViewSet(viewsets.GenericViewSet):
    """A deputy's duty record (履职档案) and points: the deputy themself, staff of the
    township, the county's reviewers; anyone else 404."""

    permission_classes = [IsAuthenticated]
    serializer_class = DutyRecordSerializer
    queryset = Deputy.objects.none()

    def _record(self, request, deputy):
        today = timezone.localdate()
        record = selectors.duty_record(deputy, year=_year(request), as_of=today)
        return Response(DutyRecordSerializer(record).data)

    def retrieve(self, request, pk=None):
        if not str(pk).isdigit() or len(str(pk)) > 9:
            raise NotFound
        deputy = Deputy.objects.select_related("township__county").filter(pk=int(pk)).first()
        if deputy is None or not user_can_view_duty_record(request.user, deputy):
            raise NotFound
        return self._record(request, deputy)

    @action(detail=False, methods=["get"])
    def me(self, request):
        scope = get_scope(request.user)
        if scope.deputy_id is None:
            raise PermissionDenied("Only a deputy has a duty record.")
        deputy = Deputy.objects.select_related("township__county").get(pk=scope.deputy_id)
        return self._record(request, deputy)


def register(router) -> None:
    """The stations endpoints on the site's /api/v1/ router."""
    router.register("stations", StationViewSet, basename="station")
    router.register("station-calendar", StationCalendarViewSet, basename="station-calendar")
    router.register("station-bookings", StationBookingViewSet, basename="station-booking")
    router.register("duty-records", DutyRecordViewSet, basename="duty-record")
