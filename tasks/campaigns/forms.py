from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from accounts.fields import LimitedCharField, SingleLineFieldsMixin
from accounts.models import Department
from tasks.campaigns import services
from tasks.campaigns.models import Campaign, CampaignActivity

# the 情况汇总表 of seed 002 (工企业函〔2018〕467号附件)
ACTIVITY_TABLE_COLUMNS = ["序号", "活动名称", "主办单位", "参加人数", "主要内容"]
OFFICIAL_SUMMARY_TABLES = [
    (1, "表一：出台政策措施", ["序号", "名称", "单位", "出台时间", "备注"], ""),
    (
        2,
        "表二：服务活动情况",
        ACTIVITY_TABLE_COLUMNS,
        "活动名称包括政策解读、信息发布、创业辅导、技术支持、互动对接、投资交易和信息化服务等。",
    ),
    (
        3,
        "表三：展览展示等活动情况",
        ACTIVITY_TABLE_COLUMNS,
        "活动名称包括展览展示、创新论坛、项目路演、创新创业大赛、沙龙等。",
    ),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _departments():
    return Department.objects.filter(is_active=True).order_by("code")


class CampaignForm(SingleLineFieldsMixin, forms.ModelForm):
    with_summary_tables = forms.BooleanField(
        label=_("Collect the summary tables 表一/表二/表三"), required=False, initial=True
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "document_number",
            "organiser",
            "participants",
            "starts_on",
            "ends_on",
            "report_cutoff",
            "closes_on",
            "summary_deadline",
            "summary_title",
            "requirements",
        ]
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "summary_deadline": DATE_WIDGET,
            "report_cutoff": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _departments()
        self.fields["participants"].queryset = _departments()

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The window ends before it starts."))
        closes_on = cleaned.get("closes_on")
        if ends_on and closes_on and closes_on < ends_on:
            self.add_error("closes_on", _("Reports must be accepted at least until the window ends."))
        return cleaned


class ActivityForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = CampaignActivity
        fields = ["name", "hosts", "co_hosts", "starts_on", "ends_on", "place", "description", "note"]
        widgets = {
            "hosts": forms.SelectMultiple(attrs={"size": 8}),
            "co_hosts": forms.SelectMultiple(attrs={"size": 8}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = _departments()
        self.fields["co_hosts"].queryset = _departments()

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The activity ends before it starts."))
        return cleaned


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by its content when stored (photos.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class DailyReportForm(SingleLineFieldsMixin, forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)
    is_nil = forms.BooleanField(label=_("Nil report (零报送): no activity information today"), required=False)
    text = forms.CharField(
        label=_("Activity information"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=20000,
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("JPG or PNG originals, at most 20 MB each; several may be chosen at once."),
    )
    video_links = forms.CharField(
        label=_("Video links"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One link per line (http:// or https://)."),
    )
    leaders_attended = forms.BooleanField(label=_("Leaders attended"), required=False)
    leaders = LimitedCharField(label=_("Leaders who attended"), max_length=300, required=False)

    def clean_video_links(self):
        links = self.cleaned_data["video_links"]
        validate = URLValidator(schemes=["http", "https"])
        for line in links.splitlines():
            if line.strip():
                try:
                    validate(line.strip())
                except ValidationError:
                    raise ValidationError(
                        _("“%(link)s” is not a web link starting with http:// or https://.")
                        % {"link": line.strip()[:80]}
                    ) from None
        return links

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("leaders_attended") and not cleaned.get("leaders", "").strip():
            self.add_error("leaders", _("Name the leaders who attended (the notice asks for it)."))
        return cleaned


class SummaryRowForm(SingleLineFieldsMixin, forms.Form):
    """One row of a summary table: a text input per entry column; 参加人数 is checked as a number
    by the service so that a wrong value comes back as typed with the reason."""

    def __init__(self, *args, table, **kwargs):
        self.table = table
        kwargs.setdefault("prefix", f"t{table.sequence}")
        super().__init__(*args, **kwargs)
        for index, column in enumerate(table.entry_columns()):
            widget = forms.Textarea(attrs={"rows": 2}) if column in ("主要内容", "备注") else None
            field = forms.CharField(label=column, required=index == 0, max_length=2000)
            if widget is not None:
                field.widget = widget
            self.fields[f"c{index}"] = field

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = [cleaned.get(f"c{index}", "") for index in range(len(self.table.entry_columns()))]
        try:
            cleaned["cells"] = services.summary_cells_clean(self.table, values)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned
