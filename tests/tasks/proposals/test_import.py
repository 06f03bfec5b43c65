"""Registering and assigning proposals from .xlsx: every row or none, errors naming row and column."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from guardian.models import GroupObjectPermission
from openpyxl import Workbook
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent
from tasks.proposals.assignment import proposal_assign
from tasks.proposals.importing import TEMPLATE_COLUMNS, proposal_import_apply, proposal_import_parse
from tasks.proposals.models import Proposal
from tasks.proposals.services import proposal_register
from workflows.documents.spreadsheets import SpreadsheetError
from workflows.notifications.models import Notification

ROW_277 = [
    "建议",
    "2017年",
    "277",
    "关于在南通市组织社会大众聚力创新的建议",
    "建议在全市组织社会大众聚力创新。",
    "石剑波代表",
    "陆军、张华",
    "市科技局",
    "南通市科协",
    "2017年1月5日",
]


def workbook(*rows, title="南通市十五届人大一次会议代表建议交办表", header=TEMPLATE_COLUMNS, merge=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append(["通人大〔2017〕3号"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**changes):
    values = dict(zip(TEMPLATE_COLUMNS, ROW_277, strict=True))
    values.update(changes)
    return [values[column] for column in TEMPLATE_COLUMNS]


def test_a_row_reads_as_it_will_be_registered(kjj, kx):
    preview = proposal_import_parse(workbook(row()))
    assert preview.is_valid, preview.messages()
    (read,) = preview.rows
    assert read.line == 4  # below the title, the document number and the header
    assert read.kind == Proposal.Kind.SUGGESTION
    assert read.proposers == ["石剑波", "陆军", "张华"]  # 代表 dropped: letters add it by the kind
    assert (read.lead, read.others, read.mode) == (kjj, [kx], Proposal.Mode.LEAD)
    assert f"{read.received_on}" == "2017-01-05"


def test_several_units_in_the_lead_column_mean_split_handling(kjj, kx, jyj):
    (read,) = proposal_import_parse(workbook(row(主办单位="科技局、教育局\n科协", 协办单位=""))).rows
    assert (read.lead, read.others, read.mode) == (kjj, [jyj, kx], Proposal.Mode.SPLIT)
    assert not read.errors


def test_the_columns_are_found_by_their_header_text_in_any_order(kjj, kx):
    header = [
        "编号",
        "类别",
        "案由",
        "领衔代表",
        "正文",
        "届次",
        "承办单位",
        "会办单位",
        "联名人",
        "收到日期",
    ]
    c = dict(zip(TEMPLATE_COLUMNS, ROW_277, strict=True))
    shuffled = [
        c[name]
        for name in (
            "编号",
            "类别",
            "标题",
            "领衔人",
            "内容",
            "届次",
            "主办单位",
            "协办单位",
            "联名人",
            "收到日期",
        )
    ]
    (read,) = proposal_import_parse(workbook(shuffled, title=None, header=header)).rows
    assert (read.values["number"], read.values["title"], read.lead) == ("277", ROW_277[3], kjj)


def test_every_problem_names_its_row_and_column_and_nothing_is_written(kjj, kx):
    rows = [
        row(),
        row(编号="277"),  # repeated
        row(编号="278", 类别="意见", 主办单位="科技厅", 收到日期="2017年2月30日"),
        row(编号="279", 标题="", 领衔人=""),
        row(编号="280", 收到日期="下周"),
    ]
    preview = proposal_import_parse(workbook(*rows))
    assert not preview.is_valid
    messages = preview.messages()
    expected = [
        ("第5行", "C列", "重复"),
        ("第6行", "A列", "意见"),
        ("第6行", "H列", "科技厅"),
        ("第6行", "J列", "2017年2月30日"),
        ("第7行", "D列", ""),
        ("第7行", "F列", ""),
        ("第8行", "J列", "下周"),
    ]
    for line, column, text in expected:
        assert any(line in message and column in message and text in message for message in messages), (
            line,
            column,
            messages,
        )
    assert len(messages) == len(expected)
    with pytest.raises(ValueError):
        proposal_import_apply(preview=preview, actor=None)
    assert not Proposal.objects.exists()


def test_an_unknown_department_gets_the_closest_names(kjj, kx):
    (read,) = proposal_import_parse(workbook(row(主办单位="科学技术"))).rows
    assert read.errors and "科学技术" in read.errors[0][1] and "：科技局" in read.errors[0][1]


def test_a_number_already_registered_is_refused(kjj, kx, secretariat):
    proposal_import_apply(preview=proposal_import_parse(workbook(row())), actor=secretariat)
    again = proposal_import_parse(workbook(row()))
    assert [column for column, _message in again.rows[0].errors] == ["number"]
    assert Proposal.objects.count() == 1


def test_confirming_registers_and_assigns_every_row(kjj, kx, jyj, secretariat):
    rows = [row(), row(编号="278", 类别="提案", 主办单位="教育局", 协办单位="", 联名人="")]
    proposals = proposal_import_apply(preview=proposal_import_parse(workbook(*rows)), actor=secretariat)
    first, second = (Proposal.objects.get(pk=proposal.pk) for proposal in proposals)
    assert first.status == second.status == Proposal.Status.ASSIGNED
    assert (first.lead_department, list(first.co_departments.all())) == (kjj, [kx])
    assert [p.name for p in first.proposers.order_by("-is_lead", "pk")] == ["石剑波", "陆军", "张华"]
    assert second.kind == Proposal.Kind.PROPOSAL and second.lead_department == jyj
    # each waits for its lead department's 签收
    assert first.tasks().filter(status=STATUS.NEW, flow_task_type="HUMAN").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a workbook", "xlsx"),
        ("标题,内容\n".encode(), "xlsx"),
        (workbook(title=None, header=["甲", "乙"]), "表头"),
        (workbook(row(), header=[c for c in TEMPLATE_COLUMNS if c != "主办单位"]), "主办单位"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(kjj, content, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(SpreadsheetError) as error:
        proposal_import_parse(content)
    assert message in str(error.value)


def test_the_command_prints_the_preview_or_the_errors(kjj, kx, jyj, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(row(), row(编号="278", 主办单位="科技局、教育局", 协办单位="")))
    call_command("import_proposals", str(good), "--dry-run")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == [
        "建议",
        "2017年",
        "277",
        ROW_277[3],
        "石剑波、陆军、张华",
        "科技局",
        "科协",
        "2017-01-05",
    ]
    assert lines[1].split("\t")[5:7] == ["科技局", "分办：教育局"]
    assert not Proposal.objects.exists()

    call_command("import_proposals", str(good))
    assert Proposal.objects.filter(status=Proposal.Status.ASSIGNED).count() == 2

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(row(编号="300", 主办单位="无此单位")))
    with pytest.raises(CommandError):
        call_command("import_proposals", str(bad))
    err = capsys.readouterr().err
    assert "第4行" in err and "H列" in err and "无此单位" in err
    assert not Proposal.objects.filter(number="300").exists()


def _statements(call):
    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        result = call()
    return count, result


def _numbered_rows(start, count):
    """Rows of one reply each, every other one with a co-handler."""
    return [
        row(编号=str(number), 协办单位="南通市科协" if number % 2 else "")
        for number in range(start, start + count)
    ]


def test_the_import_s_statements_grow_only_by_each_flow_start(kjj, kx, secretariat, kjj_officer, kx_officer):
    """Registering, assigning, granting, recording, telling and opening the deadlines cost the
    same statements for 5 rows as for 20; only each row's process start grows: viewflow inserts
    the process, the start task, the sign-for task and its link, and the reply is linked to its
    process (5 statements)."""
    small, _ = _statements(
        lambda: proposal_import_apply(
            preview=proposal_import_parse(workbook(*_numbered_rows(1, 5))), actor=secretariat
        )
    )
    large, proposals = _statements(
        lambda: proposal_import_apply(
            preview=proposal_import_parse(workbook(*_numbered_rows(100, 20))), actor=secretariat
        )
    )
    assert len(proposals) == 20
    assert large - small <= 5 * (20 - 5)


def test_an_imported_proposal_is_assigned_as_one_registered_on_the_page(
    kjj, kx, secretariat, kjj_officer, kx_officer
):
    """The import's batch writes leave what ``proposal_register`` and ``proposal_assign`` leave
    for a single proposal: audit trail, object permissions, messages, reply, opinion and tasks."""
    (imported,) = proposal_import_apply(preview=proposal_import_parse(workbook(row())), actor=secretariat)
    single = proposal_register(
        kind=Proposal.Kind.SUGGESTION,
        session="2017年",
        number="900",
        title="关于在南通市组织社会大众聚力创新的建议",
        content="建议在全市组织社会大众聚力创新。",
        proposers=[{"name": "石剑波"}, {"name": "陆军"}, {"name": "张华"}],
        actor=secretariat,
    )
    proposal_assign(proposal=single, lead=kjj, co_handlers=[kx], actor=secretariat)

    def state(proposal):
        proposal = Proposal.objects.get(pk=proposal.pk)
        events = AuditEvent.objects.for_object(proposal).order_by("pk")
        perms = GroupObjectPermission.objects.filter(
            object_pk=str(proposal.pk), content_type__model="proposal"
        )
        reply = proposal.replies.get()
        return {
            "status": proposal.status,
            "departments": (proposal.lead_department, list(proposal.co_departments.all())),
            "events": [(e.action, e.summary.replace(proposal.number, "N"), e.department_id) for e in events],
            "perms": sorted((p.group_id, p.permission.codename) for p in perms),
            "messages": sorted(
                (n.recipient_id, n.channel, n.subject.replace(proposal.number, "N"))
                for n in Notification.objects.filter(url=proposal.get_absolute_url())
            ),
            "reply": (reply.department, reply.status, reply.due, reply.process.artifact == proposal),
            "opinions": list(reply.opinions.values_list("department", "due", "status")),
            "reply_perm": GroupObjectPermission.objects.filter(
                object_pk=str(reply.pk), content_type__model="reply"
            ).count(),
            "tasks": sorted((t.flow_task.name, t.status) for t in proposal.tasks()),
            "deadlines": list(proposal.open_deadlines().values_list("department", "due")),
        }

    assert state(imported) == state(single)
    assert state(single)["messages"]  # the departments' officers were told
