from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from core.queue import enqueue_on_commit
from core.versions import version_next
from relationships.models import (
    AccountScore,
    Alert,
    Channel,
    CompetitorDimension,
    CompetitorRating,
    FeedbackItem,
    GapCase,
    GapTransition,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    Playbook,
    PlaybookStep,
    PulseCheck,
    QuadrantSettings,
    Scale,
    ScalePoint,
    ScoringConfiguration,
    ScoringEvaluation,
    Stakeholder,
    Task,
    TaskRule,
    Touchpoint,
)
from relationships.people.services import stakeholder_update, stakeholders_changed
from relationships.scoring.evaluation import configuration_adopt
from relationships.scoring.model import COMPONENTS
from relationships.scoring.recompute import recompute_request
from relationships.work.services import tasks_check, tasks_create


class ScalePointInline(admin.TabularInline):
    model = ScalePoint
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [ScalePointInline]


class AccountRowAdmin(admin.ModelAdmin):
    """A row of an account fixed in the admin asks for what the app's writes ask for
    (`account_changed`: the scores' recompute) for its account, and for the account it was
    moved from."""

    account_changed = staticmethod(recompute_request)

    def save_model(self, request, obj, form, change):
        moved_from = form.initial.get("account") if change else None
        super().save_model(request, obj, form, change)
        self.account_changed(account_ids={obj.account_id, moved_from} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.account_changed(account_ids=[obj.account_id])

    def delete_queryset(self, request, queryset):
        account_ids = set(queryset.values_list("account_id", flat=True))
        super().delete_queryset(request, queryset)
        self.account_changed(account_ids=account_ids)


@admin.register(Stakeholder)
class StakeholderAdmin(AccountRowAdmin, SimpleHistoryAdmin):
    """An edit is saved as the app saves one (stakeholder_update: a new version, the coverage
    flags and the recompute); adding and deleting people refresh the flags too."""

    list_display = ["name", "account", "role", "buying_influence", "strength", "status"]
    list_filter = ["role", "buying_influence", "status", "trust", "respect", "reference_willing"]
    search_fields = ["name", "email", "external_id", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account", "reports_to"]
    filter_horizontal = ["owners"]
    account_changed = staticmethod(stakeholders_changed)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        stored = Stakeholder.objects.get(pk=obj.pk)  # as it was, to know the account it leaves
        stored._history_user = request.user
        # The owners are written by save_related, as ever (the admin may name anyone).
        fields = {name: value for name, value in form.cleaned_data.items() if name != "owners"}
        saved = stakeholder_update(stakeholder=stored, version=stored.version, **fields)
        obj.version = saved.version


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "intimacy"]
    list_editable = ["intimacy"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MomentType)
class MomentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "touchpoint"]
    list_filter = ["touchpoint"]
    prepopulated_fields = {"slug": ["name"]}


class AccountActivityAdmin(AccountRowAdmin):
    """Activity rows are kept by CSMs in the app; the admin is for looking and fixing."""

    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    search_fields = ["account__name"]


@admin.register(Interaction)
class InteractionAdmin(AccountActivityAdmin):
    list_display = ["occurred_at", "account", "channel", "touchpoint", "direction", "sentiment"]
    list_filter = ["channel", "touchpoint", "direction", "sentiment"]
    date_hierarchy = "occurred_at"
    list_select_related = ["account", "channel", "touchpoint"]
    autocomplete_fields = ["account", "stakeholders", "our_person"]


@admin.register(OpenItem)
class OpenItemAdmin(AccountActivityAdmin):
    list_display = ["title", "account", "kind", "opened_on", "due_on", "closed_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["account", "stakeholder"]


@admin.register(Moment)
class MomentAdmin(AccountActivityAdmin):
    list_display = ["occurred_on", "account", "moment_type", "emotion", "value_impact"]
    list_filter = ["moment_type", "emotion", "value_impact", "identified_by"]
    list_select_related = ["account", "moment_type"]
    autocomplete_fields = ["account", "stakeholder"]


@admin.register(PulseCheck)
class PulseCheckAdmin(AccountActivityAdmin):
    list_display = ["checked_on", "account", "csm", "happiness"]
    list_filter = ["happiness"]
    list_select_related = ["account", "csm"]
    autocomplete_fields = ["account", "csm"]


def _latest_evaluation(field: str) -> Subquery:
    return Subquery(
        ScoringEvaluation.objects.filter(configuration=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values(field)[:1]
    )


@admin.register(ScoringConfiguration)
class ScoringConfigurationAdmin(admin.ModelAdmin):
    """Versions are never edited in place: saving writes a new version, in use at once, and
    recomputes. A version that fit_scoring proposed waits until an admin adopts it (the Adopt
    button on its page, or the action on the list). The latest evaluation of each version
    (evaluate_scores, fit_scoring) is shown read-only."""

    list_display = [
        "__str__", "state", "created_at", "adopted_at", "accuracy", "roc_auc", "created_by",
    ]  # fmt: skip
    readonly_fields = ["state", "created_at", "adopted_at", "created_by", "latest_evaluation"]
    actions = ["adopt"]
    change_form_template = "admin/relationships/scoringconfiguration/change_form.html"
    fieldsets = [
        (None, {"fields": ["note", "state", "created_at", "adopted_at", "created_by"]}),
        ("Latest evaluation", {"fields": ["latest_evaluation"]}),
        ("Component weights", {"fields": [f"weight_{name}" for name in COMPONENTS]}),
        (
            "Windows and targets",
            {
                "fields": [
                    "half_life_days", "recent_days", "baseline_days", "response_target_hours",
                    "open_item_grace_days", "tenure_full_years",
                ]
            },
        ),
        (
            "Account score",
            {
                "fields": [
                    "influence_high", "influence_medium", "influence_low", "key_coverage_share",
                    "strong_at", "single_threaded_penalty", "champion_left_penalty",
                    "reported_cap",
                ]
            },
        ),
        ("Alerts", {"fields": ["engagement_drop_ratio", "sentiment_drop", "score_drop"]}),
        (
            "Relationship gaps",
            {
                "fields": [
                    "gap_threshold", "gap_close_margin", "gap_side", "voice_days",
                    "pulse_max_age_days", "gap_reopen_days",
                ]
            },
        ),
    ]  # fmt: skip

    def get_queryset(self, request):
        in_use = (
            ScoringConfiguration.objects.filter(adopted_at__isnull=False)
            .order_by("-adopted_at", "-pk")
            .values("pk")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .annotate(
                in_use_pk=Subquery(in_use),
                latest_accuracy=_latest_evaluation("accuracy"),
                latest_roc_auc=_latest_evaluation("roc_auc"),
            )
        )

    @admin.display(description="State")
    def state(self, obj):
        if obj.pk is None:
            return "-"
        if obj.adopted_at is None:
            return "Proposed"
        return "In use" if obj.pk == getattr(obj, "in_use_pk", None) else "Adopted before"

    @admin.display(description="Accuracy", ordering="latest_accuracy")
    def accuracy(self, obj):
        value = getattr(obj, "latest_accuracy", None)
        return "-" if value is None else f"{value:.1%}"

    @admin.display(description="ROC AUC", ordering="latest_roc_auc")
    def roc_auc(self, obj):
        value = getattr(obj, "latest_roc_auc", None)
        return "-" if value is None else f"{value:.3f}"

    @admin.display(description="Latest evaluation")
    def latest_evaluation(self, obj):
        latest = obj.evaluations.first() if obj.pk else None
        if latest is None:
            return "None yet: run python manage.py evaluate_scores (or fit_scoring)."
        bands = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    band["band"],
                    band["people"],
                    "-" if band["strong_share"] is None else f"{band['strong_share']:.0%}",
                )
                for band in latest.calibration
            ),
        )
        return format_html(
            "<p>{} on {}: {}-fold accuracy {}, ROC AUC {}, against {} strong and {} weak "
            "labels.</p><table><thead><tr><th>Score band</th><th>People</th>"
            "<th>Labelled strong</th></tr></thead><tbody>{}</tbody></table>",
            latest.get_kind_display(),
            date_format(timezone.localtime(latest.created_at), "DATETIME_FORMAT"),
            latest.folds,
            f"{latest.accuracy:.1%}",
            f"{latest.roc_auc:.3f}",
            latest.strong_labels,
            latest.weak_labels,
            bands,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = None  # a new version, never an edit of an old one
        obj.created_by = request.user
        obj.save()
        self._adopt(request, obj)  # saved in the admin: in use at once

    def _adopt(self, request, configuration):
        configuration_adopt(configuration=configuration)
        messages.info(request, f"{configuration} is now in use; every score is being recomputed.")

    @admin.action(description="Adopt the selected version (put it in use)")
    def adopt(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, "Select exactly one version to adopt.")
        else:
            self._adopt(request, queryset.get())

    def get_urls(self):
        adopt = self.admin_site.admin_view(self.adopt_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_adopt"
        return [path("<path:object_id>/adopt/", adopt, name=name), *super().get_urls()]

    @method_decorator(require_POST)
    def adopt_view(self, request, object_id):
        configuration = self.get_object(request, unquote(object_id))
        if configuration is None:
            raise Http404
        if not self.has_change_permission(request, configuration):
            raise PermissionDenied
        self._adopt(request, configuration)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))


@admin.register(AccountScore)
class AccountScoreAdmin(admin.ModelAdmin):
    list_display = ["account", "day", "value", "label", "confidence", "config_version"]
    list_filter = ["day", "config_version"]
    search_fields = ["account__name"]
    list_select_related = ["account"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "reason", "first_seen"]
    list_filter = ["kind"]
    list_select_related = ["account"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1
    fields = ["position", "text", "due_in_days"]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Each gap class's next actions; a new case copies them as its checklist."""

    list_display = ["__str__", "summary"]
    inlines = [PlaybookStepInline]


class GapTransitionInline(admin.TabularInline):
    model = GapTransition
    fields = ["at", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GapCase)
class GapCaseAdmin(admin.ModelAdmin):
    """Cases are worked on the gap board; here they can be reassigned and read."""

    list_display = ["account", "gap_class", "state", "owner", "opened_at", "converged"]
    list_filter = ["state", "gap_class", "converged"]
    search_fields = ["account__name"]
    list_select_related = ["account", "owner"]
    fields = ["account", "gap_class", "state", "owner", "due_on", "notes", "dismissed_reason"]
    readonly_fields = ["account", "gap_class", "state", "dismissed_reason"]
    inlines = [GapTransitionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Count a version, as the board's edits do: a board form drawn before is refused."""
        version_next(obj)
        super().save_model(request, obj, form, change)


@admin.register(CompetitorDimension)
class CompetitorDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CompetitorRating)
class CompetitorRatingAdmin(AccountActivityAdmin):
    list_display = [
        "rated_on", "account", "stakeholder", "competitor", "dimension", "our_rating",
        "their_rating", "source",
    ]  # fmt: skip
    list_filter = ["dimension", "competitor", "source"]
    list_select_related = ["account", "stakeholder", "competitor", "dimension"]
    autocomplete_fields = ["account", "stakeholder"]


@admin.register(QuadrantSettings)
class QuadrantSettingsAdmin(admin.ModelAdmin):
    """One row of thresholds; saving it places every account again."""

    list_display = ["__str__", "breakeven_margin", "target_margin", "happiness_intersection"]

    def has_add_permission(self, request):
        return not QuadrantSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue_on_commit("positions.refresh_all")
        messages.info(request, "Every account is being placed again with these thresholds.")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["text", "account", "received_on", "acknowledged_on", "acted_on"]
    list_filter = ["acknowledged_on", "acted_on"]
    search_fields = ["text", "account__name"]


@admin.register(TaskRule)
class TaskRuleAdmin(admin.ModelAdmin):
    """When an alert is raised or an event happens at an account, a task for its owner
    (docs/tasks.md). A rule makes one task per event, never two."""

    list_display = ["name", "trigger", "title_template", "due_in_days", "priority", "active"]
    list_filter = ["active", "trigger"]


class TaskAdminForm(forms.ModelForm):
    """A task added or changed in the admin holds what the app's tasks hold
    (relationships.work.services.tasks_check, for `by`, the admin who saves it): an owner who
    may see its account, a person and a gap case of its account."""

    by: User

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            draft = Task(**{name: cleaned.get(name) for name in self.fields})
            try:
                tasks_check(tasks=[draft], by=self.by)
            except ValidationError as refusal:
                for field, errors in refusal.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    """Tasks are worked on the My tasks page; here they can be read, reassigned and moved. One
    added here is made as the app makes a task by hand (tasks_create)."""

    form = TaskAdminForm
    list_display = ["title", "account", "owner", "due_on", "priority", "state", "source"]
    list_filter = ["state", "priority", "source"]
    list_select_related = ["account", "owner"]
    search_fields = ["title", "account__name"]
    raw_id_fields = ["account", "stakeholder", "gap_case"]
    fields = ["title", "account", "stakeholder", "gap_case", "owner", "due_on", "priority"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a class made for this request
        form.by = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            tasks_create(tasks=[obj], by=request.user)
