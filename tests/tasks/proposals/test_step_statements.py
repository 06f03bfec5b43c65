"""Every step of the reply process through the services: a budget of statements each (as sent,
savepoints included), and services that refuse before they write, leaving the caller's
transaction usable."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent
from tasks.proposals import services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import CoHandlingOpinion, Reply
from tests.tasks.proposals.helpers import open_tasks, take_and_post
from workflows.documents.models import DocumentSequence, LetterTemplate

# 签收 is pinned in test_sign_for.py. A savepoint costs two statements: the services check their
# refusals before they write, and write without one; the release's document number is one upsert;
# the submit reads the opinions still awaited afresh.
# (Before: 14, 31, 16 and 29. The outbox's messages are one INSERT … RETURNING, counted here,
# where they were a COPY, which is not, and a SELECT of their ids, which is.)
BUDGET = {"opinion": 12, "draft": 25, "sign_off": 14, "review": 20}


class Statements:
    def __init__(self):
        self.sent = []

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE; PostgreSQL's is implicit
            self.sent.append(sql)
        return execute(sql, params, many, context)


def counted(call, **kwargs):
    statements = Statements()
    with connection.execute_wrapper(statements):
        call(**kwargs)
    return statements.sent


def to_review(proposal, *, officer, co_handler, head, run=None):
    """签收, the co-handler's opinion, the contact, the draft and 签发: the reply awaits 核稿.
    ``run(step, service, **arguments)`` makes the opinion, draft and sign-off steps (to count them)."""
    run = run or (lambda _step, service, **arguments: service(**arguments))
    steps.sign_for_complete(task=open_tasks(proposal, ProposalFlow.sign_for).get(), user=officer)
    run(
        "opinion",
        steps.opinion_complete,
        task=open_tasks(proposal, ProposalFlow.opinion).get(),
        user=co_handler,
        text="同意主办单位的办理意见。",
    )
    reply = proposal.replies.get()
    services.contact_record(
        reply=reply,
        contacted_on=datetime.date.today(),
        way="phone",
        person="石剑波",
        view="认可",
        user=officer,
    )
    run(
        "draft",
        steps.draft_complete,
        task=open_tasks(proposal, ProposalFlow.draft).get(),
        user=officer,
        text="尊敬的石剑波代表：……",
        category="B",
    )
    run(
        "sign_off", steps.sign_off_complete, task=open_tasks(proposal, ProposalFlow.sign_off).get(), user=head
    )
    return reply


@pytest.mark.django_db(transaction=True)  # each step its own transaction, as in a request
def test_each_step_keeps_to_its_budget_of_statements(
    proposal_277, kjj_officer, kjj_head, kx_officer, secretariat
):
    sent = {}

    def run(step, service, **arguments):
        sent[step] = counted(service, **arguments)

    reply = to_review(proposal_277, officer=kjj_officer, co_handler=kx_officer, head=kjj_head, run=run)
    sent["review"] = counted(
        steps.review_complete, task=open_tasks(proposal_277, ProposalFlow.review).get(), user=secretariat
    )
    reply.refresh_from_db()
    assert reply.status == Reply.Status.RELEASED and reply.letter_number
    assert set(sent) == set(BUDGET)  # every step counted
    for step, statements in sent.items():
        assert len(statements) <= BUDGET[step], f"{step}: {len(statements)}\n" + "\n".join(statements)
        # the draft's first preview row is created by get_or_create, which keeps its savepoint to
        # survive a concurrent create; once per reply
        savepoints = [sql for sql in statements if "SAVEPOINT" in sql]
        assert len(savepoints) == (2 if step == "draft" else 0), step


def test_a_refusal_writes_nothing_and_leaves_the_callers_transaction_usable(
    proposal_277, kjj_officer, kjj_head, kx_officer, secretariat
):
    """Refused before they write, the services take no savepoint; an error inside one without a
    savepoint would break the whole transaction (Django refuses every statement after it)."""
    steps.sign_for_complete(task=open_tasks(proposal_277, ProposalFlow.sign_for).get(), user=kjj_officer)
    reply = proposal_277.replies.get()
    opinion = CoHandlingOpinion.objects.get(reply=reply)
    events = AuditEvent.objects.count()
    refusals = [
        (services.opinion_give, {"opinion": opinion, "text": "  ", "user": kx_officer}, "意见"),
        (services.opinion_waive, {"opinion": opinion, "reason": "", "user": secretariat}, "理由"),
        (
            services.contact_record,
            {
                "reply": reply,
                "contacted_on": datetime.date.today() + datetime.timedelta(days=1),
                "way": "phone",
                "person": "石剑波",
                "view": "认可",
                "user": kjj_officer,
            },
            "晚于今天",
        ),
        (services.reply_submit, {"reply": reply, "user": kjj_officer}, "协办"),
        (services.reply_sign_off, {"reply": reply, "user": kjj_head, "approve": True}, "签发"),
        (services.reply_review, {"reply": reply, "user": secretariat, "release": True}, "审核"),
    ]
    with transaction.atomic():  # the caller's transaction, as a page's
        for service, arguments, said in refusals:
            with pytest.raises(ValidationError, match=said):
                service(**arguments)
            assert not connection.needs_rollback, service.__name__
            assert AuditEvent.objects.count() == events, service.__name__  # still usable, nothing written
        reply.refresh_from_db()
        opinion.refresh_from_db()
        assert (reply.status, opinion.status) == (Reply.Status.DRAFTING, CoHandlingOpinion.Status.PENDING)
        sign_off = proposal_277.tasks().filter(flow_task=ProposalFlow.sign_off, status=STATUS.NEW)
        assert not sign_off.exists()


def test_a_release_refused_for_its_number_pattern_leaves_the_review_page_usable(
    client, proposal_277, kjj, kjj_officer, kjj_head, kx_officer, secretariat
):
    """A template stored with a pattern the number check refuses (saved before the check existed):
    核稿 says why on its page, as before, rather than failing the request."""
    reply = to_review(proposal_277, officer=kjj_officer, co_handler=kx_officer, head=kjj_head)
    LetterTemplate.objects.bulk_create(
        [
            LetterTemplate(
                department=kjj, kind=proposal_277.kind, number_pattern="KJJ-{n}", opening="", closing=""
            )
        ]
    )
    task = open_tasks(proposal_277, ProposalFlow.review).get()
    answer = take_and_post(client, secretariat, task, {"decision": "approve", "comment": ""})
    assert answer.status_code == 200
    assert "〔{year}〕" in answer.content.decode()  # the pattern's rule, on the page
    reply.refresh_from_db()
    assert reply.status == Reply.Status.REVIEW and not reply.letter_number
    assert not DocumentSequence.objects.exists()
