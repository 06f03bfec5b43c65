"""The demo's suggestions, each brought to its state through the real services and flow steps
(tasks/proposals/steps.py), so every demo role finds work on its desk:

- 277 (seed 003): 科技局 leads, 科协 co-handles; signed for, 科协's opinion given, the contact
  recorded and the reply drafted: the 科技局 officer has the draft to finish and send.
- one with three co-handlers and two joint proposers: signed for, 教育局's opinion in, 科协's and
  人社局's awaited (科协 has its opinion to give; the secretariat may waive one).
- one whose reply waits for the 科技局 head's sign-off.
- one that came back 不满意 and is being handled again by 教育局.
- one released with a B result, awaiting its proposer's evaluation (and a follow-up later).
- one just assigned to 科技局, awaiting 签收.

Loading again leaves a proposal that is already registered (same kind, session and number) alone.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from demo import data
from tasks.proposals import assignment, evaluations, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import ContactRecord, Evaluation, Proposal

SESSION = data.PROPOSAL_277["session"]


def _spec(number, title, content, proposers, lead, co_handlers=()):
    return {
        "kind": Proposal.Kind.SUGGESTION,
        "session": SESSION,
        "number": number,
        "title": title,
        "content": content,
        "proposers": [{"name": name} for name in proposers],
        "lead": lead,
        "co_handlers": list(co_handlers),
    }


PROPOSAL_THREE_CO_HANDLERS = _spec(
    "285",
    "关于加强青年创新创业人才培养的建议",
    "建议由科技、科协、教育、人社部门协同，在高校和职业院校开设创新创业课程，建立青年创业导师库。",
    ["顾明", "陆云", "沈佳"],
    "nt-kjj",
    ["nt-kx", "nt-jyj", "nt-rsj"],
)
PROPOSAL_AT_THE_HEAD = _spec(
    "291",
    "关于加大众创空间运营补助的建议",
    "部分众创空间运营困难，建议对绩效评价优秀的众创空间给予运营补助。",
    ["陈立"],
    "nt-kjj",
)
PROPOSAL_DISSATISFIED = _spec(
    "296",
    "关于建设青少年创客实训基地的建议",
    "建议在市区建设面向中小学生的创客实训基地，配备开源硬件和指导教师。",
    ["顾红"],
    "nt-jyj",
)
PROPOSAL_RELEASED_B = _spec(
    "302",
    "关于扩大科技创新券使用范围的建议",
    "建议将科普场馆、检验检测服务纳入科技创新券的使用范围。",
    ["周海"],
    "nt-kjj",
    ["nt-kx"],
)
PROPOSAL_TO_SIGN_FOR = _spec(
    "310",
    "关于支持科技型中小企业申报高新技术企业的建议",
    "建议对首次申报高新技术企业的科技型中小企业提供免费辅导和申报补助。",
    ["吴平"],
    "nt-kjj",
    ["nt-kx"],
)


def _open_task(reply, node, **data_filter):
    return Task.objects.get(
        process=reply.process,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
        **{f"data__{key}": value for key, value in data_filter.items()},
    )


def _register(spec, departments, secretariat):
    """Register and assign ``spec``; None when it is already there."""
    if Proposal.objects.filter(kind=spec["kind"], session=spec["session"], number=spec["number"]).exists():
        return None
    proposal = services.proposal_register(
        kind=spec["kind"],
        session=spec["session"],
        number=spec["number"],
        title=spec["title"],
        content=spec["content"],
        is_public=spec.get("is_public", True),
        proposers=spec["proposers"],
        received_on=spec.get("received_on"),
        actor=secretariat,
    )
    assignment.proposal_assign(
        proposal=proposal,
        lead=departments[spec["lead"]],
        co_handlers=[departments[code] for code in spec.get("co_handlers", [])],
        actor=secretariat,
    )
    return proposal


def _sign_for(proposal, officer):
    reply = proposal.replies.get()
    steps.sign_for_complete(task=_open_task(reply, ProposalFlow.sign_for), user=officer)
    reply.refresh_from_db()
    return reply


def _opinion(reply, department, officer, text):
    opinion = reply.opinions.get(department=department)
    steps.opinion_complete(
        task=_open_task(reply, ProposalFlow.opinion, opinion=opinion.pk), user=officer, text=text
    )


def _contact(reply, officer, person, view, way=ContactRecord.Way.PHONE):
    services.contact_record(
        reply=reply,
        contacted_on=timezone.localdate() - datetime.timedelta(days=1),
        way=way,
        person=person,
        view=view,
        user=officer,
    )


def _submit(reply, officer, category, text):
    steps.draft_complete(
        task=_open_task(reply, ProposalFlow.draft),
        user=officer,
        text=text,
        category=category,
        contact_person=officer.name,
        contact_phone=officer.mobile,
        cc="市人大代表工作委员会",
    )
    reply.refresh_from_db()


def _release(reply, head, secretariat):
    steps.sign_off_complete(task=_open_task(reply, ProposalFlow.sign_off), user=head)
    steps.review_complete(task=_open_task(reply, ProposalFlow.review), user=secretariat)
    reply.refresh_from_db()


def _proposal_277(departments, people):
    proposal = _register(data.PROPOSAL_277, departments, people["secretariat"])
    if proposal is None:
        return
    reply = _sign_for(proposal, people["kjj_officer"])
    _opinion(
        reply,
        departments["nt-kx"],
        people["kx_officer"],
        "市科协将继续举办“科技咖啡馆”活动，发挥老科协和学会作用，协助筹建我市双创社团。",
    )
    _contact(reply, people["kjj_officer"], "石剑波", "赞同办理思路，希望加快双创社团的筹建。")
    services.reply_save(
        reply=reply,
        user=people["kjj_officer"],
        text=services.reply_template_text(reply),
        category="B",
        contact_person=people["kjj_officer"].name,
        contact_phone="0513-85000000",
        cc="市人大代表工作委员会、市科协",
    )


def _three_co_handlers(departments, people):
    proposal = _register(PROPOSAL_THREE_CO_HANDLERS, departments, people["secretariat"])
    if proposal is None:
        return
    reply = _sign_for(proposal, people["kjj_officer"])
    _opinion(
        reply,
        departments["nt-jyj"],
        people["jyj_officer"],
        "市教育局将在职业院校开设创新创业课程，组织学生参加创新创业大赛。",
    )


def _waiting_for_the_head(departments, people):
    proposal = _register(PROPOSAL_AT_THE_HEAD, departments, people["secretariat"])
    if proposal is None:
        return
    reply = _sign_for(proposal, people["kjj_officer"])
    _contact(reply, people["kjj_officer"], "陈立", "认可办理意见。", way=ContactRecord.Way.VISIT)
    _submit(
        reply,
        people["kjj_officer"],
        "A",
        services.reply_template_text(reply).replace(
            "现答复如下：\n", "现答复如下：\n今年起市级科技计划对众创空间运营补助已纳入预算，按季度拨付。\n"
        ),
    )


def _dissatisfied(departments, people):
    proposal = _register(PROPOSAL_DISSATISFIED, departments, people["secretariat"])
    if proposal is None:
        return
    reply = _sign_for(proposal, people["jyj_officer"])
    _contact(reply, people["jyj_officer"], "顾红", "希望明确实训基地的建设时间表。")
    _submit(
        reply,
        people["jyj_officer"],
        "C",
        services.reply_template_text(reply).replace(
            "现答复如下：\n", "现答复如下：\n受场地和经费限制，创客实训基地暂无法在今年建设。\n"
        ),
    )
    _release(reply, people["jyj_head"], people["secretariat"])
    evaluations.evaluation_record(
        proposer=proposal.proposers.get(),
        attitude=Evaluation.Rating.BASICALLY,
        result=Evaluation.Rating.DISSATISFIED,
        comment="答复未给出建设时间表，请重新研究。",
        source=Evaluation.Source.PAPER,
        user=people["secretariat"],
    )


def _released_b(departments, people):
    proposal = _register(PROPOSAL_RELEASED_B, departments, people["secretariat"])
    if proposal is None:
        return
    reply = _sign_for(proposal, people["kjj_officer"])
    _opinion(reply, departments["nt-kx"], people["kx_officer"], "市科协同意将科普场馆纳入创新券支持范围。")
    _contact(reply, people["kjj_officer"], "周海", "同意答复意见。")
    _submit(
        reply,
        people["kjj_officer"],
        "B",
        services.reply_template_text(reply).replace(
            "现答复如下：\n", "现答复如下：\n创新券扩大使用范围已列入明年工作计划。\n"
        ),
    )
    _release(reply, people["kjj_head"], people["secretariat"])


def proposals_load(departments):
    """Bring each demo suggestion to its state; a suggestion already registered is left alone."""
    User = get_user_model()
    people = {
        user.username: user for user in User.objects.filter(username__in=[u[0] for u in data.DEMO_USERS])
    }
    _proposal_277(departments, people)
    _three_co_handlers(departments, people)
    _waiting_for_the_head(departments, people)
    _dissatisfied(departments, people)
    _released_b(departments, people)
    _register(PROPOSAL_TO_SIGN_FOR, departments, people["secretariat"])
