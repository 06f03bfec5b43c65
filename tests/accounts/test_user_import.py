import io

import pytest
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import Workbook

from accounts import imports
from accounts.models import User

HEADER = ["姓名", "单位", "角色", "手机", "邮箱"]


def workbook(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "users.xlsx"
    return buffer


def upload(client, file):
    return client.post(reverse("manage:user_import"), {"file": file, "preview": "1"})


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


def test_preview_then_confirm_imports_every_row(secretariat_client, kjj, kx):
    before = User.objects.count()
    preview = upload(
        secretariat_client,
        workbook(
            [
                ["孙悦", "科技局", "经办人", "13900000001", "sunyue@example.cn"],
                ["钱进", "南通市科学技术协会", "经办人、部门负责人", 13900000002, ""],
            ]
        ),
    )
    assert preview.status_code == 200
    assert "2 名用户可以导入" in preview.content.decode()
    assert User.objects.count() == before  # a dry run changes nothing

    result = secretariat_client.post(
        reverse("manage:user_import"), {"confirm": "1", "token": preview.context["token"]}
    )
    assert result.status_code == 200
    sun = User.objects.get(username="13900000001")
    assert (sun.name, sun.department, sun.role_set) == ("孙悦", kjj, {"officer"})
    qian = User.objects.get(username="13900000002")
    assert qian.department == kx
    assert qian.role_set == {"officer", "head"}
    assert qian.groups.filter(name="department:nt-kx").exists()
    assert User.objects.count() == before + 2


def test_unknown_department_gets_suggestions_and_nothing_is_imported(secretariat_client, kjj):
    response = upload(
        secretariat_client,
        workbook(
            [
                ["孙悦", "科技局", "经办人", "13900000001", ""],
                ["周五", "市科技局", "经办人", "13900000003", ""],
            ]
        ),
    )
    page = response.content.decode()
    assert "单位“市科技局”不存在，您是不是要找：科技局？" in page
    assert 'id="confirm-import"' not in page
    assert not User.objects.filter(username__in=["13900000001", "13900000003"]).exists()
    # a confirm without a clean preview imports nothing either
    assert "token" not in response.context
    secretariat_client.post(reverse("manage:user_import"), {"confirm": "1", "token": "x" * 32})
    assert not User.objects.filter(username="13900000001").exists()


def test_duplicates_are_reported_not_merged(secretariat_client, kjj, kjj_officer):
    kjj_officer.mobile = "13900000009"
    kjj_officer.save()
    response = upload(
        secretariat_client,
        workbook(
            [
                ["孙悦", "科技局", "经办人", "13900000001", ""],
                ["孙悦", "科技局", "经办人", "13900000001", ""],
                ["张敏", "科技局", "经办人", "13900000009", ""],
            ]
        ),
    )
    page = response.content.decode()
    assert page.count('class="row-error"') == 2
    assert "手机号码13900000001与第2行重复。" in page
    assert "手机号码为13900000009的用户已存在。" in page
    assert not User.objects.filter(username="13900000001").exists()


@pytest.mark.parametrize(
    ("make_content", "message_fragment"),
    [
        (lambda: io.BytesIO(b"not a workbook"), ".xlsx"),
        (lambda: workbook([["孙悦", "科技局"]], header=["姓名", "单位"]), "角色"),
        (lambda: workbook([]), ""),
    ],
)
def test_broken_files_are_refused_whole(secretariat_client, kjj, make_content, message_fragment):
    content = make_content()  # a fresh file each run: an uploaded one has been read to its end
    content.name = "users.xlsx"
    response = upload(secretariat_client, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-file-error"' in page
    assert message_fragment in page
    assert User.objects.count() == 1  # only the secretariat user


def test_bad_roles_mobiles_and_emails_are_row_errors(secretariat_client, kjj):
    response = upload(
        secretariat_client,
        workbook([["孙悦", "科技局", "局长", "123", "not-an-email"]]),
    )
    page = response.content.decode()
    assert "局长" in page
    assert "123" in page
    assert "not-an-email" in page
    assert page.count('class="row-error"') == 1


def test_officers_cannot_import(client, kjj_officer):
    client.force_login(kjj_officer)
    response = client.post(
        reverse("manage:user_import"),
        {"file": workbook([["孙悦", "科技局", "经办人", "13900000001", ""]]), "preview": "1"},
    )
    assert response.status_code == 403


def test_confirm_imports_only_the_previewed_file_once(client, secretariat, kjj):
    client.force_login(secretariat)
    first = upload(client, workbook([["孙悦", "科技局", "经办人", "13900000001", ""]]))
    second = upload(client, workbook([["钱进", "科技局", "经办人", "13900000002", ""]]))
    client.post(reverse("manage:user_import"), {"confirm": "1", "token": first.context["token"]})
    assert User.objects.filter(username="13900000001").exists()
    assert not User.objects.filter(username="13900000002").exists()
    # the same token cannot import twice
    again = client.post(reverse("manage:user_import"), {"confirm": "1", "token": first.context["token"]})
    assert again.status_code == 302
    assert second.context["token"] != first.context["token"]


def test_another_secretary_cannot_confirm_my_preview(client, secretariat, kjj):
    from tests.conftest import make_user

    client.force_login(secretariat)
    preview = upload(client, workbook([["孙悦", "科技局", "经办人", "13900000001", ""]]))
    other = make_user("secretariat2", "吴秘书", kjj, "secretariat")
    client.force_login(other)
    client.post(reverse("manage:user_import"), {"confirm": "1", "token": preview.context["token"]})
    assert not User.objects.filter(username="13900000001").exists()


def test_ambiguous_short_names_and_namesakes_are_reported(secretariat_client, kjj, kjj_officer):
    from tests.conftest import make_department

    make_department("hm-jyj", "海门市教育局", "教育局")
    make_department("qd-jyj", "启东市教育局", "教育局")
    response = upload(
        secretariat_client,
        workbook(
            [
                ["孙悦", "教育局", "经办人", "13900000001", ""],
                ["张敏", "科技局", "经办人", "13900000002", ""],
            ]
        ),
    )
    page = response.content.decode()
    assert "海门市教育局" in page and "启东市教育局" in page
    assert "科技局已有名为张敏的用户" in page or "张敏" in page
    assert page.count('class="row-error"') == 2


def test_applying_refuses_an_import_with_a_row_error_and_creates_nobody(secretariat, kjj):
    rows = imports.user_import_parse(
        workbook(
            [
                ["张伟", "科技局", "经办人", "13800000001", ""],
                ["李娜", "无此单位", "经办人", "13800000002", ""],
            ]
        )
    )
    assert not rows[0].errors and rows[1].errors
    with pytest.raises(ValueError):
        imports.user_import_apply(rows=rows, actor=secretariat)
    assert not User.objects.filter(mobile__in=["13800000001", "13800000002"]).exists()


def test_a_row_that_fails_while_writing_takes_the_rows_before_it_back(secretariat, kjj):
    rows = imports.user_import_parse(
        workbook(
            [["张伟", "科技局", "经办人", "13800000001", ""], ["李娜", "科技局", "经办人", "13800000002", ""]]
        )
    )
    assert not any(row.errors for row in rows)
    # between the preview and the confirmation someone registered the second mobile number
    User.objects.create_user(username="13800000002", password="x", name="先到者", department=kjj)
    with pytest.raises(IntegrityError):
        imports.user_import_apply(rows=rows, actor=secretariat)
    assert not User.objects.filter(username="13800000001").exists()
