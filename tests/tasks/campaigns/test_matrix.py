"""The department × day matrix: its cells, who sees which rows, its JSON and its query count."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.campaigns import services
from tests.conftest import make_department
from tests.tasks.campaigns.conftest import D, at, file_report


def matrix(client, campaign, **params):
    return client.get(reverse("campaigns:matrix", args=[campaign.pk]), params)


def data(client, campaign):
    return client.get(reverse("campaigns:matrix_data", args=[campaign.pk])).json()


def test_the_collecting_department_sees_every_hosts_row_and_each_state(
    client, campaign, ks_kjj, ks_rsj, kjj_host, rsj_host, fgw_officer
):
    with time_machine.travel(at(2017, 9, 14, 10), tick=False):
        file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host)
    with time_machine.travel(at(2017, 9, 15, 17), tick=False):
        file_report(campaign, ks_kjj, D(2017, 9, 15), kjj_host)
    client.force_login(fgw_officer)
    with time_machine.travel(at(2017, 9, 22, 16, 30), tick=False):
        page = matrix(client, campaign).content.decode()
        cells = {(c[0], c[1]): c[2] for c in data(client, campaign)["cells"]}
    assert "昆山市科技局" in page and "昆山市人社局" in page
    assert cells[(ks_kjj.pk, "2017-09-13")] == "missing"
    assert cells[(ks_kjj.pk, "2017-09-14")] == "filed"
    assert cells[(ks_kjj.pk, "2017-09-15")] == "late"
    assert cells[(ks_kjj.pk, "2017-09-16")] == "missing"  # due Monday 18th
    assert cells[(ks_rsj.pk, "2017-09-22")] == "missing"
    assert cells[(ks_rsj.pk, "2017-10-02")] == "due"
    assert (ks_rsj.pk, "2017-09-14") not in cells  # no activity: no cell state
    assert f'class="cell--missing" data-cell="{ks_rsj.pk}:2017-09-22"' in page


def test_a_host_sees_only_its_own_row(client, campaign, ks_kjj, ks_rsj, kjj_host):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 9, 22, 16, 30), tick=False):
        page = matrix(client, campaign).content.decode()
        departments = {cell[0] for cell in data(client, campaign)["cells"]}
    assert "昆山市科技局" in page and "昆山市人社局" not in page
    assert departments == {ks_kjj.pk}


def test_an_outsider_gets_not_found(client, campaign, jyj_officer):
    client.force_login(jyj_officer)
    assert matrix(client, campaign).status_code == 404
    assert client.get(reverse("campaigns:matrix_data", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("campaigns:index")).content.decode().count(campaign.title) == 0


def add_hosts(campaign, start, count, officer):
    for number in range(start, start + count):
        host = make_department(f"ks-host-{number}", f"昆山市测试单位{number}", f"测试单位{number}")
        services.activity_add(
            campaign=campaign,
            name=f"活动{number}",
            hosts=[host],
            starts_on=D(2017, 9, 20),
            ends_on=D(2017, 9, 26),
        )
        with time_machine.travel(at(2017, 9, 21, 10), tick=False):
            file_report(campaign, host, D(2017, 9, 21), officer)


def test_the_matrix_costs_the_same_queries_at_5_and_50_hosts(client, campaign, fgw_officer):
    client.force_login(fgw_officer)
    add_hosts(campaign, 1, 5, fgw_officer)
    url = reverse("campaigns:matrix", args=[campaign.pk])
    data_url = reverse("campaigns:matrix_data", args=[campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as five_data:
        assert client.get(data_url).status_code == 200
    add_hosts(campaign, 6, 45, fgw_officer)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as fifty_data:
        assert client.get(data_url).status_code == 200
    assert len(fifty) == len(five), [query["sql"][:120] for query in fifty.captured_queries]
    assert len(fifty_data) == len(five_data)
    assert page.count('<tr data-department="') == 50  # a page of 50 hosts, the rest on page 2
    assert "共2页" in page
