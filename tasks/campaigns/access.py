"""The one way views, downloads and exports fetch campaign work for a user (others' answer 404).

The collecting department (and whoever sees everything) sees the whole campaign: every host's
row of the matrix, every report, the briefs and the combined summary tables. A host department
sees the campaign, its own row, its own reports and its own summary rows, never another host's.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import departments_of, is_secretariat, sees_everything
from accounts.models import Department
from tasks.campaigns.models import (
    Campaign,
    CampaignActivity,
    CampaignBrief,
    DailyReport,
    ReportPhoto,
    SummaryRow,
)


def campaigns_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if sees_everything(user):
        return Campaign.objects.all()
    departments = departments_of(user)
    hosts = CampaignActivity.hosts.through.objects.filter(
        campaignactivity__campaign=OuterRef("pk"), department_id__in=departments
    )
    participants = Campaign.participants.through.objects.filter(
        campaign=OuterRef("pk"), department_id__in=departments
    )
    return Campaign.objects.filter(Q(organiser_id__in=departments) | Exists(hosts) | Exists(participants))


def campaign_get_for_user(user, pk):
    return get_object_or_404(campaigns_for_user(user), pk=pk)


def sees_whole_campaign(user, campaign):
    """The collecting department, the secretariat and the leaders over everything."""
    return sees_everything(user) or campaign.organiser_id in departments_of(user)


def campaign_manages(user, campaign):
    """Who sets a campaign up (activities, imports): the secretariat and the collecting department."""
    return is_secretariat(user) or (
        user.department_id is not None and user.department_id == campaign.organiser_id
    )


def host_departments(campaign):
    """The departments that report daily: the hosts of its activities."""
    return Department.objects.filter(
        Exists(
            CampaignActivity.hosts.through.objects.filter(
                department_id=OuterRef("pk"), campaignactivity__campaign=campaign
            )
        )
    )


def summary_departments(campaign):
    """The departments that file summary tables: participants and hosts."""
    return Department.objects.filter(
        Exists(Campaign.participants.through.objects.filter(department_id=OuterRef("pk"), campaign=campaign))
        | Exists(
            CampaignActivity.hosts.through.objects.filter(
                department_id=OuterRef("pk"), campaignactivity__campaign=campaign
            )
        )
    )


def visible_departments(user, campaign, departments):
    """Of ``departments`` (a queryset), those whose campaign work the user may see."""
    if sees_whole_campaign(user, campaign):
        return departments
    return departments.filter(pk__in=departments_of(user))


def reports_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return DailyReport.objects.none()
    if sees_everything(user):
        return DailyReport.objects.all()
    departments = departments_of(user)
    return DailyReport.objects.filter(
        Q(department_id__in=departments) | Q(campaign__organiser_id__in=departments)
    )


def report_get_for_user(user, pk):
    return get_object_or_404(
        reports_for_user(user).select_related("campaign", "department", "submitted_by"), pk=pk
    )


def photo_get_for_user(user, pk):
    """A filed report's photo as its report is seen; a photo waiting for its report, by its uploader."""
    photo = get_object_or_404(ReportPhoto.objects.select_related("report"), pk=pk)
    if photo.report_id is None:
        if photo.uploaded_by_id != user.pk:
            raise Http404
        return photo
    get_object_or_404(reports_for_user(user), pk=photo.report_id)
    return photo


def brief_get_for_user(user, pk):
    brief = get_object_or_404(CampaignBrief.objects.select_related("campaign"), pk=pk)
    if not sees_whole_campaign(user, brief.campaign):
        raise Http404
    return brief


def summary_row_get_for_user(user, pk):
    """A summary row its own department may change."""
    return get_object_or_404(
        SummaryRow.objects.select_related("table__campaign"), pk=pk, department_id=user.department_id
    )
