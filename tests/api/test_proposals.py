"""The proposals' API: registration by the secretariat's systems with the page's rules, the state
and the released letters scoped as the pages are."""

import hashlib

from django.urls import reverse

from accounts.models import AuditEvent
from tasks.proposals.models import Proposal, Reply
from tests.api.conftest import list_queries, system_account
from tests.factories import register_and_assign
from tests.tasks.proposals.test_letters import drafting, media, pdf_text, released  # noqa: F401

PROPOSALS = reverse("api:proposal_list")


def registration(lead_department, co=(), **changes):
    return {
        "kind": "proposal",
        "session": "十六届",
        "sitting": "一次会议",
        "number": "118",
        "title": "关于加快建设科技创新平台的提案",
        "content": "建议加快建设科技创新平台。",
        "proposers": ["王建华", "李红"],
        "lead": lead_department.pk,
        "co_handlers": [department.pk for department in co],
        **changes,
    }


def test_a_registered_proposal_is_assigned_and_appears_in_the_secretariats_list(
    client, secretariat_api, secretariat, kjj, kx
):
    response = secretariat_api.post_json(PROPOSALS, registration(kjj, [kx]))
    assert response.status_code == 201, response.content
    body = response.json()
    proposal = Proposal.objects.get(pk=body["id"])
    assert (proposal.status, proposal.lead_department, list(proposal.co_departments.all())) == (
        Proposal.Status.ASSIGNED,
        kjj,
        [kx],
    )
    assert [p["name"] for p in body["proposers"]] == ["王建华", "李红"]
    assert [(r["department"], r["status"]) for r in body["replies"]] == [(kjj.pk, Reply.Status.SIGN_FOR)]
    assert AuditEvent.objects.for_object(proposal).filter(action=AuditEvent.Action.REGISTER).exists()
    client.force_login(secretariat)
    page = client.get(reverse("proposals:index")).content.decode()
    assert "关于加快建设科技创新平台的提案" in page
    # 科技局's officers find it to sign for
    assert proposal.tasks().filter(flow_task_type="HUMAN", status="NEW").count() == 1


def state():
    return (Proposal.objects.count(), AuditEvent.objects.count())


def test_bad_registrations_get_errors_by_field_and_write_nothing(secretariat_api, kjj, kx):
    register_and_assign(lead=kjj, kind="proposal", session="十六届", number="7")
    Proposal.objects.filter(number="7").update(sitting="一次会议")
    before = state()
    cases = [
        ({"number": "7"}, "number"),  # the page's duplicate check
        ({"co_handlers": [kjj.pk]}, "co_handlers"),  # lead as co-handler
        ({"mode": "split", "co_handlers": []}, "co_handlers"),  # split handling without another unit
        ({"title": ""}, "title"),
        ({"proposers": []}, "proposers"),
        ({"proposers": ["王建华", "王建华"]}, "proposers"),
        ({"lead": 999999}, "lead"),
        ({"kind": "petition"}, "kind"),
        ({"received_on": "2024-02-30"}, "received_on"),
    ]
    for changes, field in cases:
        response = secretariat_api.post_json(PROPOSALS, registration(kjj, [kx], **changes))
        assert response.status_code == 400, changes
        errors = response.json()
        assert field in errors, (changes, errors)
        assert all(isinstance(message, str) and message for message in errors[field])
        assert state() == before
    # Chinese messages, the page's own
    response = secretariat_api.post_json(PROPOSALS, registration(kjj, [kx], number="7"))
    assert "编号" in response.json()["number"][0]


def test_a_departments_system_cannot_register(kjj_api, kjj):
    before = state()
    response = kjj_api.post_json(PROPOSALS, registration(kjj))
    assert response.status_code == 403
    assert state() == before


def test_a_system_reads_its_departments_proposals_only(kjj, kx, jyj, kjj_api, kx_api, jyj_api):
    proposal = register_and_assign(lead=kjj, co_handlers=[kx], title="保密建议标题甲")
    url = reverse("api:proposal_detail", args=[proposal.pk])
    for api in (kjj_api, kx_api):
        response = api.get(url)
        assert response.status_code == 200
        assert response.json()["title"] == "保密建议标题甲"
        assert response.json()["status"] == Proposal.Status.ASSIGNED
        assert "保密建议标题甲" in api.get(PROPOSALS).content.decode()
    outsider = jyj_api.get(url)
    assert outsider.status_code == 404
    assert "保密建议标题甲" not in outsider.content.decode()
    listed = jyj_api.get(PROPOSALS)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    letters = jyj_api.get(reverse("api:proposal_letters", args=[proposal.pk]))
    assert letters.status_code == 404


def test_the_list_filters_and_pages(kjj, secretariat_api):
    for number in range(1, 8):
        register_and_assign(lead=kjj, number=str(number), kind="suggestion" if number % 2 else "proposal")
    page = secretariat_api.get(PROPOSALS, {"kind": "proposal", "page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert secretariat_api.get(PROPOSALS, {"q": "5"}).json()["results"][0]["number"] == "5"
    bad = secretariat_api.get(PROPOSALS, {"kind": "petition"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_released_letters_are_read_by_those_who_see_the_proposal(
    drafting,  # noqa: F811
    kjj_officer,
    kjj_head,
    secretariat,
    kjj,
    kx,
    jyj,
):
    reply = released(drafting, kjj_officer, kjj_head, secretariat)
    _account, kx_api = system_account("科协办公系统", kx)
    _account, jyj_api = system_account("教育局办公系统", jyj)
    letters = kx_api.get(reverse("api:proposal_letters", args=[drafting.pk]))
    assert letters.status_code == 200
    (letter,) = letters.json()
    assert letter["letter_number"] == reply.letter_number and letter["category"] == "B"
    pdf = kx_api.get(letter["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == letter["pdf_sha256"]
    assert "正在推进众创社区建设" in pdf_text(pdf.content)
    assert jyj_api.get(letter["pdf"]).status_code == 404


def test_a_draft_letter_is_not_served(drafting, kjj):  # noqa: F811
    _account, kjj_api = system_account("科技局办公系统", kjj)
    reply = drafting.replies.get()
    assert kjj_api.get(reverse("api:proposal_letters", args=[drafting.pk])).json() == []
    assert kjj_api.get(reverse("api:letter_pdf", args=[reply.pk])).status_code == 404


def test_the_list_costs_the_same_queries_at_5_and_50_rows(kjj, kx, secretariat_api):
    for number in range(5):
        register_and_assign(lead=kjj, co_handlers=[kx], number=str(number))
    few, rows = list_queries(secretariat_api, PROPOSALS)
    assert rows == 5
    for number in range(5, 50):
        register_and_assign(lead=kjj, co_handlers=[kx], number=str(number))
    assert list_queries(secretariat_api, PROPOSALS) == (few, 50)
