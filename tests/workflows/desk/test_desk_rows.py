"""What a row of the desk shows: the subject, the step, the department and date its deadline
holds, and the light, red as soon as the date has passed."""

import datetime
import re
from zoneinfo import ZoneInfo

import time_machine
from django.urls import URLResolver, reverse

from tasks.proposals import services
from tasks.proposals.flows import ProposalFlow
from tests.factories import register_and_assign
from workflows.desk.views import HomeView

SHANGHAI = ZoneInfo("Asia/Shanghai")


def queue_row(page, title):
    section = page.split('id="department-queue"', 1)[1]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", section, re.S) if title in row]
    assert len(rows) == 1, rows
    return re.sub(r"\s+", " ", rows[0])


def test_a_queue_row_shows_its_deadline_and_turns_red_once_it_has_passed(client, kjj, kjj_officer):
    with time_machine.travel(datetime.datetime(2024, 2, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        proposal = register_and_assign(lead=kjj, title="关于桌面行的建议")
    deadline = proposal.tasks().get(flow_task=ProposalFlow.sign_for).deadline
    with time_machine.travel(datetime.datetime(2024, 2, 6, 9, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(kjj_officer)  # in the travelled time: the session's idle clock
        row = queue_row(client.get(reverse("desk:index")).content.decode(), "关于桌面行的建议")
    assert f'href="{proposal.get_absolute_url()}"' in row
    assert f"<td>{kjj}</td>" in row
    assert f"<td>{deadline.due:%Y-%m-%d}</td>" in row
    assert 'class="light light--green"' in row
    assert 'name="csrfmiddlewaretoken"' in row
    late = datetime.datetime.combine(deadline.due + datetime.timedelta(days=1), datetime.time(9), SHANGHAI)
    with time_machine.travel(late, tick=False):
        client.force_login(kjj_officer)
        row = queue_row(client.get(reverse("desk:index")).content.decode(), "关于桌面行的建议")
    assert 'class="light light--red"' in row


def test_a_step_without_a_deadline_shows_dashes(client, kjj, kjj_officer):
    """As the secretariat's review, which has no deadline of a department."""
    proposal = register_and_assign(lead=kjj, title="关于无期限步骤的建议")
    task = proposal.tasks().get(flow_task=ProposalFlow.sign_for)
    task.deadline.delete()
    client.force_login(kjj_officer)
    row = queue_row(client.get(reverse("desk:index")).content.decode(), "关于无期限步骤的建议")
    assert row.count("<td>—</td>") == 3
    assert "light--" not in row


def test_the_pages_of_the_queue_hold_every_task_once_in_either_order(client, kjj, kjj_officer, monkeypatch):
    """Pages past the middle are read from the end (``ListPaginator``): every page of either
    order, oldest first or soonest deadline first, together hold each task exactly once."""
    monkeypatch.setattr(HomeView, "paginate_by", 2)
    titles = [f"关于分页第{number}项的建议" for number in range(7)]
    for number, title in enumerate(titles):
        register_and_assign(lead=kjj, title=title, number=str(number))
    client.force_login(kjj_officer)
    for sort in ("created", "due"):
        shown = []
        for page in range(1, 5):
            html = client.get(reverse("desk:index"), {"sort": sort, "queue": page}).content.decode()
            section = html.split('id="department-queue"', 1)[1]
            shown += re.findall(r"关于分页第\d项的建议", section)
        assert sorted(shown) == sorted(titles), sort


def test_the_rows_links_cost_no_reverse_per_row(client, kjj, kjj_officer, monkeypatch):
    """The links of a row (its subject, its step, taking it, signing for it) are filled into
    patterns reversed once per page: the page reverses as many URLs with 2 rows as with 6."""
    calls = []
    original = URLResolver._reverse_with_prefix

    def counted(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counted)
    # a proposal without a process first, so that no proposal shares its pk with its process
    services.proposal_register(
        kind="suggestion", session="2017年", number="999", title="未交办", content="-", proposers=[]
    )
    client.force_login(kjj_officer)
    reversed_urls, proposals = {}, []
    for rows in (2, 6):
        while len(proposals) < rows:
            number = len(proposals)
            proposals.append(
                register_and_assign(lead=kjj, title=f"关于链接第{number}项的建议", number=str(number))
            )
        calls.clear()
        page = client.get(reverse("desk:index")).content.decode()
        reversed_urls[rows] = len(calls)
        assert page.count("关于链接第") == rows
        for proposal in proposals:  # each row links to its own proposal
            assert proposal.pk != proposal.processes().get().pk
            link = re.search(rf'<a href="([^"]+)">[^<]*：关于链接第{proposal.number}项的建议</a>', page)
            assert link and link.group(1) == proposal.get_absolute_url(), proposal.number
    assert reversed_urls[2] == reversed_urls[6], reversed_urls
