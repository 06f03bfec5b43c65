"""Similar proposals of the same session are found at registration, on either database."""

from django.urls import reverse

from accounts.models import AuditEvent
from tasks.proposals.models import Proposal
from tasks.proposals.similar import proposals_similar
from tests.factories import register_and_assign


def test_similar_proposals_of_the_same_session_come_first(kjj, kx, jyj):
    same = register_and_assign(lead=kjj, number="277")
    close = register_and_assign(
        lead=kx,
        number="301",
        title="关于组织社会大众参与聚力创新的建议",
        content="建议全市组织社会大众参与聚力创新活动。",
    )
    register_and_assign(
        lead=jyj, number="302", title="关于加强中小学课后服务的建议", content="建议延长课后服务时间。"
    )
    register_and_assign(lead=kjj, number="88", session="2016年")  # the same text, another session

    found = proposals_similar(
        session="2017年",
        title="关于在南通市组织社会大众聚力创新的建议",
        content="建议在全市组织社会大众聚力创新。",
    )
    assert [proposal.number for proposal in found] == ["277", "301"]
    assert found[0].similarity > found[1].similarity
    assert found[0].lead_department == kjj  # shown with the department that handles it

    assert [
        p.number
        for p in proposals_similar(session="2017年", title=same.title, content=same.content, exclude=same)
    ] == [close.number]


def test_markup_in_the_text_is_compared_as_text(kjj):
    register_and_assign(
        lead=kjj, number="1", title="<script>alert(1)</script>关于创新的建议", content="'; DROP TABLE x; --"
    )
    found = proposals_similar(
        session="2017年", title="<script>alert(1)</script>关于创新的建议", content="'; DROP"
    )
    assert [proposal.number for proposal in found] == ["1"]


def register_form(**changes):
    data = {
        "kind": "suggestion",
        "session": "2017年",
        "sitting": "",
        "number": "301",
        "title": "关于组织社会大众参与聚力创新的建议",
        "content": "建议全市组织社会大众参与聚力创新活动。",
        "proposer_names": "陆军、张华",
        "mode": "lead",
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_registration_shows_similar_proposals_once_before_registering(client, secretariat, proposal_277, jyj):
    client.force_login(secretariat)
    url = reverse("proposals:proposal_register")
    shown = client.post(url, register_form(lead=jyj.pk))
    assert shown.status_code == 200 and not Proposal.objects.filter(number="301").exists()
    assert "similar-proposals" in shown.content.decode() and proposal_277.title in shown.content.decode()

    # taking 277's departments fills them in, still without registering
    filled = client.post(url, register_form(lead=jyj.pk, same_as=proposal_277.pk))
    form = filled.context["form"]
    assert form.data["lead"] == proposal_277.lead_department_id
    assert form.data.getlist("co_handlers") == [str(d.pk) for d in proposal_277.co_departments.all()]
    assert not Proposal.objects.filter(number="301").exists()

    # seen once, registering as typed goes ahead
    done = client.post(url, register_form(lead=jyj.pk, similar_seen="1"))
    assert done.status_code == 302
    assert Proposal.objects.get(number="301").lead_department == jyj


def test_merging_assigns_to_the_same_departments_and_records_it(client, secretariat, proposal_277, jyj):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"), register_form(lead=jyj.pk, merge_into=proposal_277.pk)
    )
    merged = Proposal.objects.get(number="301")
    assert response.status_code == 302
    assert merged.merged_into == proposal_277 and merged.status == Proposal.Status.ASSIGNED
    assert merged.lead_department == proposal_277.lead_department
    assert set(merged.co_departments.all()) == set(proposal_277.co_departments.all())
    page = client.get(reverse("proposals:proposal_detail", args=[proposal_277.pk])).content.decode()
    assert "301" in page
    assert AuditEvent.objects.for_object(merged).filter(summary__contains="与第277号并案办理").exists()
