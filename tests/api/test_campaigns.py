"""The campaigns' API: a host's system files its daily report and the matrix cell fills; the
page's and the service's rules answer by field; others' campaigns and rows stay out of reach."""

import datetime

import time_machine
from django.urls import reverse

from accounts.models import AuditEvent
from tasks.campaigns.models import DailyReport
from tests.api.conftest import list_queries, system_account
from tests.tasks.campaigns.conftest import D, at, file_report


def travel(*moment):
    return time_machine.travel(at(*moment), tick=False)


def reports_url(campaign):
    return reverse("api:campaign_reports", args=[campaign.pk])


def cells(client, campaign):
    data = client.get(reverse("campaigns:matrix_data", args=[campaign.pk])).json()
    return {(cell[0], cell[1]): cell[2] for cell in data["cells"]}


def test_a_filed_daily_report_fills_the_matrix_cell(client, campaign, ks_kjj, fgw_officer):
    account, api = system_account("昆山市科技局办公系统", ks_kjj)
    client.force_login(fgw_officer)
    with travel(2017, 9, 14, 10):
        assert cells(client, campaign)[(ks_kjj.pk, "2017-09-14")] == "due"
        response = api.post_json(
            reports_url(campaign),
            {
                "day": "2017-09-14",
                "text": "科普日开幕，参加群众两千人。",
                "video_links": "https://v.example.cn/1",
                "leaders_attended": True,
                "leaders": "副市长",
            },
        )
        assert response.status_code == 201, response.content
        assert cells(client, campaign)[(ks_kjj.pk, "2017-09-14")] == "filed"
    report = DailyReport.objects.get()
    assert (report.department, report.submitted_by, report.is_late) == (ks_kjj, account, False)
    assert response.json()["id"] == report.pk
    assert AuditEvent.objects.for_object(report).filter(actor=account).exists()


def test_bad_reports_get_errors_by_field_and_write_nothing(campaign, ks_kjj, kjj_host):
    _account, api = system_account("昆山市科技局办公系统", ks_kjj)
    with travel(2017, 9, 14, 10):
        file_report(campaign, ks_kjj, D(2017, 9, 13), kjj_host)
        before = (list(DailyReport.objects.values()), AuditEvent.objects.count())
        cases = [
            ({"day": "2017-09-20", "text": "无活动之日"}, "day"),  # hosts nothing that day
            ({"day": "2017-09-15", "text": "明天的活动"}, "day"),  # not yet
            ({"day": "2017-09-13", "text": "再报一次"}, "day"),  # reported already
            ({"day": "2017-09-14"}, "text"),  # neither information nor a nil report
            ({"day": "2017-09-14", "is_nil": True, "text": "有内容"}, "non_field_errors"),
            ({"day": "2017-09-14", "text": "x", "video_links": "ftp://x"}, "video_links"),
            ({"day": "2017-09-14", "text": "x", "leaders_attended": True}, "leaders"),
            ({"day": "十四日", "text": "x"}, "day"),
        ]
        for data, field in cases:
            response = api.post_json(reports_url(campaign), data)
            assert response.status_code == 400, data
            assert field in response.json(), (data, response.json())
            assert (list(DailyReport.objects.values()), AuditEvent.objects.count()) == before


def test_only_hosts_file_and_others_read_only_what_the_pages_show(
    campaign,
    fgw,
    ks_kjj,
    ks_rsj,
    jyj,
    kjj_host,
):
    with travel(2017, 9, 14, 10):
        file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host, text="保密活动信息庚")
    _account, fgw_api = system_account("发改委办公系统", fgw)
    _account, rsj_api = system_account("人社局办公系统", ks_rsj)
    _account, jyj_api = system_account("教育局办公系统", jyj)
    url = reports_url(campaign)
    # the collecting department reads every host's report but files none
    assert "保密活动信息庚" in fgw_api.get(url).content.decode()
    with travel(2017, 9, 22, 10):
        assert fgw_api.post_json(url, {"day": "2017-09-22", "text": "x"}).status_code == 403
    # another host reads its own reports only
    other = rsj_api.get(url)
    assert other.status_code == 200 and other.json()["count"] == 0
    assert "保密活动信息庚" not in other.content.decode()
    # an outsider finds no campaign at all
    assert jyj_api.get(url).status_code == 404
    assert jyj_api.get(reverse("api:campaign_list")).json()["count"] == 0
    with travel(2017, 9, 22, 10):
        assert jyj_api.post_json(url, {"day": "2017-09-22", "text": "x"}).status_code == 404
    assert DailyReport.objects.count() == 1


def test_the_report_list_costs_the_same_queries_at_5_and_50_rows(campaign, fgw, ks_kjj, kjj_host):
    _account, api = system_account("发改委办公系统", fgw)
    days = [D(2017, 9, 13) + datetime.timedelta(days=n) for n in range(50)]
    campaign.activities.filter(hosts=ks_kjj).update(starts_on=days[0], ends_on=days[-1])
    campaign.ends_on = campaign.closes_on = days[-1]
    campaign.save()
    with travel(2017, 11, 1, 10):
        for day in days[:5]:
            file_report(campaign, ks_kjj, day, kjj_host)
        few, rows = list_queries(api, reports_url(campaign))
        assert rows == 5
        for day in days[5:]:
            file_report(campaign, ks_kjj, day, kjj_host)
        assert list_queries(api, reports_url(campaign)) == (few, 50)
