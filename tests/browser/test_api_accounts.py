"""Journey: the secretariat creates a system account for 科技局's OA system under 管理 → 接口账号,
copies the key shown once, the OA system calls the API with it, the secretariat revokes it and
the next call is refused; the API docs render in the browser under the Content-Security-Policy."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_campaign_reports import log_in
from tests.conftest import make_department, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call(live_server, path, key):
    request = urllib.request.Request(f"{live_server.url}{path}", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_secretariat_issues_a_key_the_system_uses_and_revokes_it(live_server, browser):
    kjj = make_department("nt-kjj", "南通市科学技术局", "科技局")
    secretariat = make_user("secretariat", "周婷", kjj, "secretariat")
    page = browser.new_context(locale="zh-CN").new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, secretariat.username)
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="接口账号").click()
    page.fill("input[name=name]", "科技局办公系统")
    page.select_option("select[name=department]", label="科技局")
    page.fill("input[name=label]", "主服务器")
    page.get_by_role("button", name="创建并签发令牌").click()
    expect(page.locator("#new-token")).to_contain_text("只显示这一次")
    key = page.locator("#new-token code").first.inner_text()

    status, body = call(live_server, "/api/departments/", key)
    assert status == 200 and [row["name"] for row in body["results"]] == ["南通市科学技术局"]

    page.goto(f"{live_server.url}/manage/api-accounts/")
    assert key not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="收回").click()
    expect(page.locator("table.list")).to_contain_text("已于")
    status, body = call(live_server, "/api/departments/", key)
    assert status == 401 and "收回" in body["detail"]

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("数据接口")
    expect(page.locator(".swagger-ui")).to_contain_text("登记建议提案")
    assert refused == []
