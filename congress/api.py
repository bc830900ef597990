"""/api/v1/ for the congress core: thin DRF views over the same selectors and services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from . import filters, selectors, services
from .models import Attendance, AttendanceStatus, Deputy, Session, Township, Village
from .permissions import user_can_manage_session, user_can_view_deputy_phone


class TownshipSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Township
        fields = ["id", "name", "code", "county", "county_name"]


class VillageSerializer(serializers.ModelSerializer):
    adjacent = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Village
        fields = ["id", "township", "name", "code", "latitude", "longitude", "adjacent"]


class DeputySerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = [
            "id",
            "township",
            "name",
            "gender",
            "is_township_deputy",
            "is_county_deputy",
            "home_village",
            "work_village",
            "profession",
            "expertise",
            "is_party_committee",
            "in_office",
            "phone",
        ]

    def get_phone(self, obj) -> str | None:
        """The phone is private: null unless the caller is staff of the deputy's township."""
        request = self.context.get("request")
        if request and user_can_view_deputy_phone(request.user, obj):
            return obj.phone
        return None


class SessionSerializer(serializers.ModelSerializer):
    township = serializers.IntegerField(source="term.township_id", read_only=True)
    term_number = serializers.IntegerField(source="term.number", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "term", "term_number", "township", "number", "date", "place", "status"]


class AttendanceSerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "deputy", "deputy_name", "status"]
        read_only_fields = ["id", "session", "deputy", "deputy_name"]


class AttendanceUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class TownshipViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TownshipSerializer

    def get_queryset(self):
        return selectors.townships_visible_to(self.request.user).order_by("code")


class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.VillageFilter
    serializer_class = VillageSerializer

    def get_queryset(self):
        qs = selectors.villages_visible_to(self.request.user).prefetch_related("adjacent")
        return qs.order_by("township_id", "name")


class DeputyViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.DeputyFilter
    serializer_class = DeputySerializer

    def get_queryset(self):
        qs = selectors.deputies_visible_to(self.request.user)
        return qs.order_by("township_id", "name", "id")


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user).order_by("-date", "-id")


class AttendanceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Attendance rows of the sessions the caller can see; staff set a status with PATCH."""

    filterset_class = filters.AttendanceFilter
    serializer_class = AttendanceSerializer
    http_method_names = ["get", "patch", "head", "options"]
    action_permissions = {
        "partial_update": lambda user, row: user_can_manage_session(user, row.session)
    }

    def get_queryset(self):
        qs = Attendance.objects.filter(
            session__in=selectors.sessions_visible_to(self.request.user)
        ).select_related("deputy", "session__term")
        return qs.order_by("session_id", "deputy__name", "id")

    @extend_schema(request=AttendanceUpdateSerializer, responses=AttendanceSerializer)
    def partial_update(self, request, *args, **kwargs):
        attendance = self.get_object()
        data = AttendanceUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attendance = services.attendance_set(
                actor=request.user,
                session=attendance.session,
                deputy_id=attendance.deputy_id,
                status=data.validated_data["status"],
            )
        except DjangoValidationError as exc:
            raise ValidationError({"status": exc.messages}) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        return Response(AttendanceSerializer(attendance).data)
