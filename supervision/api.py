"""/api/v1/ for stage 4: thin DRF views over the same selectors and services, scoped like
the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.models import County
from congress.permissions import get_scope
from projects.models import Project

from . import selectors, services
from .forms import (
    CountyInspectionForm,
    FindingForm,
    HearingForm,
    InspectionForm,
    OversightForm,
    ProgressReportForm,
    RoundForm,
)
from .models import (
    GroupMember,
    Hearing,
    HearingBody,
    LedgerItem,
    ProgressReport,
    ProjectOversight,
    SupervisionGroup,
    SupervisionRound,
)
from .permissions import (
    user_can_answer_item,
    user_can_follow_item,
    user_can_inspect,
    user_can_manage_supervision,
    user_can_record_county_inspection,
    user_can_report_progress,
    user_can_view_supervision,
)

# Ids in a body are bounded like a database key: a huge number is a field error, not a query.
PK = {"min_value": 1, "max_value": 2**31 - 1}


class GroupMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["deputy", "name", "is_leader", "duty", "match", "proximity", "load"]


class SupervisionGroupSerializer(serializers.ModelSerializer):
    members = GroupMemberSerializer(many=True, read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)

    class Meta:
        model = SupervisionGroup
        fields = ["id", "project", "project_title", "plan", "status", "confirmed_at", "members"]


class LedgerItemSerializer(serializers.ModelSerializer):
    # ``project`` is null for a 微建议 handed over without a project; ``township`` or
    # ``county`` (exactly one) is the congress body the item belongs to.
    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "project",
            "township",
            "county",
            "kind",
            "source",
            "title",
            "detail",
            "department",
            "deadline",
            "report_required",
            "status",
            "answer",
            "escalated_at",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "period",
            "reported_on",
            "invested",
            "quantities",
            "percent_complete",
            "milestone",
            "status",
            "expected_completion",
            "over_budget",
            "slip_days",
        ]
        read_only_fields = fields


class SupervisionGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SupervisionGroupSerializer

    def get_queryset(self):
        scope = get_scope(self.request.user)
        qs = SupervisionGroup.objects.select_related("project").prefetch_related("members__deputy")
        if not scope.is_superuser:
            qs = qs.filter(project__in=selectors.supervised_projects_visible_to(self.request.user))
        return qs.order_by("pk")


class LedgerHandOverInput(serializers.Serializer):
    department = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, default="")


class LedgerAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class LedgerCloseInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, default="")


class LedgerReopenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class LedgerItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The hand-over ledger; POST actions move an item along 交办 → 答复 → 复查 → 销号."""

    serializer_class = LedgerItemSerializer
    # Checked when the item is fetched, before the body is read (livelihood/api_access.py).
    action_permissions = {
        "hand_over": user_can_follow_item,
        "answer": user_can_answer_item,
        "close": user_can_follow_item,
        "reopen": user_can_follow_item,
    }

    def get_queryset(self):
        return selectors.items_visible_to(self.request.user).order_by("pk")

    def _run(self, request, input_class, service):
        item = self.get_object()
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        item = service(actor=request.user, item=item, **data.validated_data)
        return Response(LedgerItemSerializer(item).data)

    @extend_schema(request=LedgerHandOverInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerHandOverInput)
    def hand_over(self, request, pk=None):
        return self._run(request, LedgerHandOverInput, services.item_hand_over)

    @extend_schema(request=LedgerAnswerInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerAnswerInput)
    def answer(self, request, pk=None):
        return self._run(request, LedgerAnswerInput, services.item_answer)

    @extend_schema(request=LedgerCloseInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerCloseInput)
    def close(self, request, pk=None):
        return self._run(request, LedgerCloseInput, services.item_close)

    @extend_schema(request=LedgerReopenInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerReopenInput)
    def reopen(self, request, pk=None):
        return self._run(request, LedgerReopenInput, services.item_reopen)


class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProgressReportSerializer

    def get_queryset(self):
        return ProgressReport.objects.filter(
            project__in=selectors.supervised_projects_visible_to(self.request.user)
        ).order_by("pk")


# ---------------------------------------------------------------------------------------------
# A supervised project: its evidence, and recording an inspection or a progress report — the
# same forms (limits, photo budgets) and services as the pages. A county congress's project
# (issue 17) is inspected by county deputies a committee organises, and the county's staff
# name its 督办 leader and committee.


class EvidenceSerializer(serializers.Serializer):
    """Supervision's figures of one project (supervision.selectors.project_evidence); DRF's
    JSON encoder writes its dates and decimals."""

    def to_representation(self, instance):
        return dict(instance)


class SupervisedProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    township = serializers.IntegerField(
        source="township_id", allow_null=True, help_text="null for a county congress's project"
    )
    county = serializers.IntegerField(
        source="county_id", allow_null=True, help_text="a county congress's project: its county"
    )


class InspectionInput(serializers.Serializer):
    """Documents the multipart form (the page's InspectionForm validates it; a county
    project's, CountyInspectionForm). A JSON body is first checked against these types."""

    date = serializers.DateField()
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="county projects: the organising committee",
        **PK,
    )
    attendees = serializers.ListField(child=serializers.IntegerField(**PK))
    notes = serializers.CharField(max_length=4000)
    problems = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="one per line"
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    keep_location = serializers.BooleanField(required=False)


class ProgressReportInput(serializers.Serializer):
    """Documents the multipart form (the page's ProgressReportForm validates it). A JSON body
    is first checked against these types."""

    period = serializers.CharField(max_length=16)
    reported_on = serializers.DateField()
    invested = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantities = serializers.CharField(required=False, allow_blank=True, max_length=200)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    milestone = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField()
    expected_completion = serializers.DateField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    keep_location = serializers.BooleanField(required=False)


class OversightInput(serializers.Serializer):
    """The 督办 assignment of a county congress's project (the page's OversightForm validates
    it); it replaces an earlier one."""

    leader_name = serializers.CharField(
        max_length=60, help_text="the supervising leader (督办领导)"
    )
    leader_user = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="a login of the county's congress: receives the reminders",
        **PK,
    )
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="the responsible special committee or office",
        **PK,
    )


class OversightSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectOversight
        fields = ["project", "leader_name", "leader_user", "unit", "updated_at"]
        read_only_fields = fields


class CreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    items = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="the ledger items created"
    )


def _error_dict(form) -> dict:
    return {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}


def _form_errors(form) -> ValidationError:
    return ValidationError(_error_dict(form))


def _form_data(request, input_class):
    """What a page's form reads: a multipart or urlencoded body as it came (strings, as from a
    browser); a JSON body checked first against the documented types, so that a form never
    meets a list or an object where it expects a date or a name (a 400, not a server error)."""
    if isinstance(request.data, QueryDict):
        return request.data
    given = input_class(data=request.data)
    given.is_valid(raise_exception=True)
    return {k: v for k, v in given.validated_data.items() if v is not None and k != "photos"}


def _can_inspect(user, project) -> bool:
    """A township project: its confirmed group and the township's staff; a county congress's
    project (no group — a committee organises its inspections): the county's staff."""
    if project.county_id is not None:
        return user_can_record_county_inspection(user, project)
    return user_can_inspect(user, project)


def _can_set_oversight(user, project) -> bool:
    """督办 exists for a county congress's project only (a township's: 404, as the page);
    the county's staff set it."""
    if project.county_id is None:
        raise Http404
    return user_can_manage_supervision(user, project.county)


def _created(obj) -> Response:
    items = list(obj.items.order_by("pk").values_list("pk", flat=True))
    return Response({"id": obj.pk, "items": items}, status=status.HTTP_201_CREATED)


class SupervisedProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Elected projects under supervision in the caller's scope, with supervision's figures;
    the group records inspections and the implementing body progress reports (multipart, with
    photos), exactly as on the pages. A county congress's project: its staff record the
    deputies' inspections a committee organised and set its 督办 leader and committee."""

    serializer_class = SupervisedProjectSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_permissions = {
        "inspections": _can_inspect,
        "progress_reports": user_can_report_progress,
        "oversight": _can_set_oversight,
    }

    def get_queryset(self):
        return selectors.supervised_projects_visible_to(self.request.user).order_by("pk")

    @extend_schema(responses=EvidenceSerializer)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        return Response(EvidenceSerializer(selectors.project_evidence(self.get_object())).data)

    @extend_schema(
        request={"multipart/form-data": InspectionInput}, responses={201: CreatedSerializer}
    )
    @action(detail=True, methods=["post"])
    def inspections(self, request, pk=None):
        project = self.get_object()
        if project.county_id is not None:
            return self._county_inspection(request, project)
        group = getattr(project, "supervision_group", None)
        if group is None or not group.is_confirmed:
            raise ValidationError(
                {"detail": [_("The project has no confirmed supervision group yet.")]}
            )
        form = InspectionForm(_form_data(request, InspectionInput), request.FILES, group=group)
        if not form.is_valid():
            raise _form_errors(form)
        inspection = services.inspection_record(
            actor=request.user, project=project, **form.service_fields()
        )
        return _created(inspection)

    def _county_inspection(self, request, project):
        """An inspection (视察) of a county congress's project, organised by one of the
        county's committees; without ``unit``, the committee following the project (its 督办
        assignment) — the service says so when there is none."""
        form = CountyInspectionForm(
            _form_data(request, InspectionInput), request.FILES, county=project.county
        )
        form.fields["unit"].required = False
        if not form.is_valid():
            raise _form_errors(form)
        inspection = services.county_inspection_record(
            actor=request.user, project=project, **form.service_fields()
        )
        return _created(inspection)

    @extend_schema(
        request={"multipart/form-data": ProgressReportInput}, responses={201: CreatedSerializer}
    )
    @action(detail=True, methods=["post"], url_path="progress-reports")
    def progress_reports(self, request, pk=None):
        project = self.get_object()
        form = ProgressReportForm(_form_data(request, ProgressReportInput), request.FILES)
        if not form.is_valid():
            raise _form_errors(form)
        report = services.progress_report_submit(
            actor=request.user,
            project=project,
            photos=form.cleaned_data["photos"],
            keep_location=form.cleaned_data["keep_location"],
            **form.report_fields(),
        )
        return Response({"id": report.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=OversightInput, responses=OversightSerializer)
    @action(detail=True, methods=["post"])
    def oversight(self, request, pk=None):
        """Name the 督办 leader and the responsible committee or office of a county
        congress's elected project (county staff); a township's project: 404."""
        project = self.get_object()
        form = OversightForm(_form_data(request, OversightInput), county=project.county)
        if not form.is_valid():
            raise _form_errors(form)
        oversight = services.oversight_set(actor=request.user, project=project, **form.cleaned_data)
        return Response(OversightSerializer(oversight).data)


# ---------------------------------------------------------------------------------------------
# A county congress's concentrated supervisions (集中督查) and hearings (听取审议): read by the
# county's roles and its (or its prefecture's) reviewers; recorded by its staff through the
# pages' forms and services, each finding or follow-up a ledger item of the county.


class FindingInput(serializers.Serializer):
    """One finding or follow-up item (the page's FindingForm validates it): a ledger item on
    one of the projects ticked, handed over at once when a department and a deadline are
    given."""

    project = serializers.IntegerField(**PK)
    title = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class _CountyRecordInput(serializers.Serializer):
    county = serializers.IntegerField(help_text="a county whose congress the caller serves", **PK)
    date = serializers.DateField()
    projects = serializers.ListField(
        child=serializers.IntegerField(**PK), help_text="elected projects of the county"
    )


class RoundInput(_CountyRecordInput):
    """The page's RoundForm validates it (the projects visited), FindingForm each finding."""

    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    findings = FindingInput(many=True, required=False, max_length=20)


class HearingInput(_CountyRecordInput):
    """The page's HearingForm validates it (the reports heard), FindingForm each follow-up."""

    body = serializers.ChoiceField(choices=HearingBody.choices)
    opinions = serializers.CharField(max_length=8000, help_text="opinions issued (审议意见)")
    follow_ups = FindingInput(many=True, required=False, max_length=20)


class _CountyChoice(serializers.Serializer):
    county = serializers.IntegerField(**PK)


class SupervisionRoundSerializer(serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="the findings: ledger items"
    )

    class Meta:
        model = SupervisionRound
        fields = ["id", "county", "date", "projects", "notes", "items", "created_at"]
        read_only_fields = fields


class HearingSerializer(serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="the follow-up items: ledger items"
    )

    class Meta:
        model = Hearing
        fields = ["id", "county", "date", "body", "projects", "opinions", "items", "created_at"]
        read_only_fields = fields


class _CountyRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Records of a county congress in the caller's scope (others: an empty list, 404 for
    one); POST on the list records one for a county the caller's staff role covers."""

    parser_classes = [JSONParser]  # findings are a list of objects
    model: type
    link: str  # the ledger item's field pointing back at the record
    form_class: type
    input_class: type
    findings_field: str

    def get_queryset(self):
        qs = self.model.objects.prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk").order_by("pk")),
            Prefetch("items", queryset=LedgerItem.objects.only("pk", self.link).order_by("pk")),
        )
        scope = get_scope(self.request.user)
        if not scope.is_superuser:
            qs = qs.filter(county_id__in=scope.county_congress_readers)
        return qs.order_by("-date", "-pk")

    def _county(self, request) -> County:
        """The county to record for. A caller on no county's staff is refused before the body
        is read (403 for a reader of a county, 404 for everyone else); then a county outside
        its scope is 404 and one it only reads 403, as the pages answer."""
        scope = get_scope(request.user)
        if not (scope.is_superuser or scope.county_staff_counties):
            if scope.county_congress_readers:
                raise PermissionDenied
            raise NotFound
        given = _CountyChoice(data=request.data)
        given.is_valid(raise_exception=True)
        county = County.objects.filter(pk=given.validated_data["county"]).first()
        if county is None or not user_can_view_supervision(request.user, county):
            raise NotFound
        if not user_can_manage_supervision(request.user, county):
            raise PermissionDenied
        return county

    def _valid(self, request, county):
        """The page's form and one FindingForm per finding; their errors in one 400."""
        given = self.input_class(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        rows = data.pop(self.findings_field, [])
        projects = Project.objects.filter(county=county, status__in=selectors.SUPERVISED).order_by(
            "title", "pk"
        )
        form = self.form_class(data, projects=projects)
        finding_forms = [FindingForm(row, projects=projects) for row in rows]
        errors = {} if form.is_valid() else _error_dict(form)
        if not all([f.is_valid() for f in finding_forms]):
            errors[self.findings_field] = [_error_dict(f) for f in finding_forms]
        if errors:
            raise ValidationError(errors)
        findings = [
            services.Finding(
                project=f.cleaned_data["project"],
                title=f.cleaned_data["title"],
                department=f.cleaned_data.get("department") or "",
                deadline=f.cleaned_data.get("deadline"),
            )
            for f in finding_forms
        ]
        return form.cleaned_data, findings


class CountyRoundViewSet(_CountyRecordViewSet):
    """A county congress's concentrated supervisions (集中督查); POST records one, each finding
    a ledger item of the county on its project."""

    serializer_class = SupervisionRoundSerializer
    model = SupervisionRound
    link = "supervision_round"
    form_class = RoundForm
    input_class = RoundInput
    findings_field = "findings"

    @extend_schema(request=RoundInput, responses={201: CreatedSerializer})
    def create(self, request, *args, **kwargs):
        county = self._county(request)
        data, findings = self._valid(request, county)
        rnd = services.round_record(
            actor=request.user,
            county=county,
            date=data["date"],
            projects=data["projects"],
            notes=data["notes"],
            findings=findings,
        )
        return _created(rnd)


class HearingViewSet(_CountyRecordViewSet):
    """A county congress's hearings (听取审议) of the government's reports on the projects;
    POST records one, each follow-up a ledger item of the county on its project."""

    serializer_class = HearingSerializer
    model = Hearing
    link = "hearing"
    form_class = HearingForm
    input_class = HearingInput
    findings_field = "follow_ups"

    @extend_schema(request=HearingInput, responses={201: CreatedSerializer})
    def create(self, request, *args, **kwargs):
        county = self._county(request)
        data, follow_ups = self._valid(request, county)
        hearing = services.hearing_record(
            actor=request.user,
            county=county,
            date=data["date"],
            body=data["body"],
            projects=data["projects"],
            opinions=data["opinions"],
            follow_ups=follow_ups,
        )
        return _created(hearing)
