"""The smoke test's people, over HTTP against a running stack (deploy/smoke.sh starts it).

Each person has their own session: they open the login page, post it with its CSRF token, then
follow the links and fill in the forms the pages show, as a browser would (without JavaScript).
The demo data (manage.py load_demo) supplies the people and departments. Stops at the first
thing that is not as a user would expect, with the page that showed it.

    python deploy/smoke_drive.py http://127.0.0.1:8000
"""

import datetime
import io
import sys
import time
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html
import openpyxl
import requests

PASSWORD = "Demo@2026"
TIMEOUT = 30


class SmokeFailure(AssertionError):
    pass


def check(condition, message, page=None):
    if not condition:
        if page is not None:
            message += f"\n  at {page.url} ({page.status})\n{page.text_content()[:1500]}"
        raise SmokeFailure(message)


class Page:
    def __init__(self, response):
        self.response = response
        self.url = response.url
        self.status = response.status_code
        self.html = lxml.html.fromstring(response.content or b"<html></html>", base_url=response.url)

    def text_content(self):
        main = self.html.xpath("//main") or [self.html]
        return " ".join(main[0].text_content().split())

    def __contains__(self, text):
        return text in self.response.text

    def one(self, xpath, what):
        found = self.html.xpath(xpath)
        check(found, f"no {what} ({xpath})", self)
        return found[0]

    def link(self, xpath, what):
        return urljoin(self.url, self.one(xpath, what).get("href"))


class Person:
    def __init__(self, base, username):
        self.base, self.username = base, username
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"

    def get(self, path, expect=200):
        page = Page(self.http.get(urljoin(self.base, path), timeout=TIMEOUT))
        check(page.status == expect, f"{self.username}: GET {path} answered {page.status}", page)
        return page

    def submit(self, page, form, fields=None, files=None, button=None, expect=200):
        """Post ``form`` of ``page`` with what the page holds, changed by ``fields`` (as typed),
        with ``files`` ({name: (filename, bytes, type)}) and the ``button`` pressed (name, value)."""
        values = [(name, value) for name, value in form.form_values() if name not in (fields or {})]
        # viewflow's form fields are web components that hold their input themselves
        for component in form.xpath(".//*[starts-with(local-name(), 'vf-field')][@name]"):
            if component.get("name") not in (fields or {}) and component.get("value") is not None:
                values.append((component.get("name"), component.get("value")))
        for name, value in (fields or {}).items():
            for one in value if isinstance(value, list) else [value]:
                values.append((name, one))
        if button:
            values.append(button)
        action = urljoin(page.url, form.get("action") or page.url)
        response = self.http.post(
            action,
            data=values,
            files={name: spec for name, spec in (files or {}).items()} or None,
            headers={"Referer": page.url},
            timeout=TIMEOUT,
        )
        result = Page(response)
        check(result.status == expect, f"{self.username}: POST {action} answered {result.status}", result)
        return result

    def log_in(self):
        page = self.get("/accounts/login/")
        check('lang="zh-hans"' in page, "the login page is not in Chinese", page)
        desk = self.submit(
            page,
            page.one("//form[.//*[@name='username']]", "login form"),
            {"username": self.username, "password": PASSWORD},
        )
        check("/accounts/login/" not in desk.url, f"{self.username} could not log in", desk)
        check("我的待办" in desk, f"{self.username}: the desk did not open after login", desk)
        return desk


def select_value(form, name, label):
    """The value of the option of select ``name`` whose text contains ``label``."""
    options = {
        o.text_content().strip(): o.get("value") for o in form.xpath(f".//select[@name='{name}']//option")
    }
    if label in options:
        return options[label]
    matches = [value for text, value in options.items() if label in text]
    check(len(matches) == 1, f"no single option {label!r} in {name}: {list(options)[:30]}")
    return matches[0]


def errors_of(page):
    return " ".join(e.text_content() for e in page.html.xpath("//ul[contains(@class,'errorlist')]"))


# --- the proposal: registration → sign for → contact → draft → sign-off → release → evaluation ---

# a number of its own on each run, so that the driver may run twice against one database
NUMBER = str(int(time.time()) % 100000)
TITLE = f"关于建设南通城市科普公园的建议（{NUMBER}）"


def take_step(person, detail_url, step_title):
    """Open the proposal's page and take the step ``step_title`` (the steps table's 办理 or link)."""
    page = person.get(detail_url)
    row = page.one(f"//table//tr[td[contains(., '{step_title}')]]", f"step {step_title}")
    links = row.xpath(".//a[@href]")
    if links:
        return person.get(urljoin(page.url, links[0].get("href")))
    return person.submit(page, row.xpath(".//form")[0])


def proposal_journey(base):
    secretariat = Person(base, "secretariat")
    secretariat.log_in()
    page = secretariat.get("/proposals/register/")
    form = page.one("//form[.//input[@name='title']]", "registration form")
    fields = {
        "kind": "suggestion",
        "session": "2026年",
        "number": NUMBER,
        "title": TITLE,
        "content": "建议在濠河沿线建设城市科普公园，展示本地科技创新成果。",
        "proposer_names": "钱明",
        "lead": select_value(form, "lead", "科技局"),
    }
    page = secretariat.submit(page, form, fields)
    if "similar-proposals" in page:  # shown once; register as typed
        page = secretariat.submit(page, page.one("//form[.//input[@name='title']]", "form"), fields)
    check(
        TITLE in page and "/proposals/register/" not in page.url,
        f"registration failed: {errors_of(page)}",
        page,
    )
    detail = page.url

    officer = Person(base, "kjj_officer")
    desk = officer.log_in()
    check(TITLE in desk, "the proposal is not in 科技局's inbox", desk)
    page = officer.get(detail)
    page = officer.submit(page, page.one("//form[.//button[@id='sign-for-now']]", "签收 button"))
    check("办理中" in page, "签收 did not put the proposal in hand", page)

    page = officer.get(detail)
    page = officer.get(page.link("//a[contains(@href,'/contact/')]", "record-a-contact link"))
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    page = officer.submit(
        page,
        page.one("//form[.//input[@name='person']]", "contact form"),
        {"contacted_on": yesterday, "way": "phone", "person": "钱明", "view": "希望尽快建设"},
    )
    check("钱明：希望尽快建设" in page, f"the contact was not recorded: {errors_of(page)}", page)

    page = take_step(officer, detail, "拟写答复")
    form = page.one("//form[.//textarea[@name='text']]", "draft form")
    text = form.xpath(".//textarea[@name='text']")[0].text_content()
    text = text[1:] if text.startswith("\n") else text  # a browser drops the newline after <textarea>
    check(text.startswith("尊敬的钱明代表："), "the draft is not pre-filled", page)
    page = officer.submit(
        page,
        form,
        {
            "text": text.replace("现答复如下：\n", "现答复如下：\n科普公园已列入明年城建计划。\n"),
            "category": "B",
            "contact_person": "张敏",
            "contact_phone": "0513-85123456",
        },
        button=("action", "submit"),
    )
    check("待负责人签发" in page, f"the draft did not reach the head: {errors_of(page)}", page)

    head = Person(base, "kjj_head")
    head.log_in()
    page = take_step(head, detail, "负责人签发")
    check("科普公园已列入明年城建计划。" in page, "the head does not see the draft", page)
    page = head.submit(
        page, page.one("//form[.//input[@name='decision']]", "sign-off form"), {"decision": "approve"}
    )
    check("待联席会议办公室审核" in page, f"sign-off failed: {errors_of(page)}", page)

    page = take_step(secretariat, detail, "核稿发出")
    page = secretariat.submit(
        page, page.one("//form[.//input[@name='decision']]", "review form"), {"decision": "approve"}
    )
    check("已发出" in page, f"the release failed: {errors_of(page)}", page)
    number = page.one("//span[@class='letter-number']", "document number").text_content().split("：")[-1]

    # the worker renders the issued letter; the page offers the PDF when it is there
    deadline = time.monotonic() + 90
    while True:
        page = officer.get(detail)
        links = page.html.xpath("//a[contains(@href,'letter.pdf')]")
        if links:
            break
        check(
            "Rendering the letter failed" not in page and "生成失败" not in page,
            "the letter failed to render",
            page,
        )
        check(time.monotonic() < deadline, "the letter was not rendered within 90 s", page)
        time.sleep(1)
    pdf = officer.http.get(urljoin(page.url, links[0].get("href")), timeout=TIMEOUT)
    check(pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), "the letter's PDF did not download")
    check(pdf.headers["Content-Type"] == "application/pdf", "the letter is not served as a PDF")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        letter = "".join(char["text"] for p in document.pages for char in p.chars)
    check(number in letter and "科普公园已列入明年城建计划。" in letter, "the PDF is not the released letter")
    check("草稿" not in letter, "the issued PDF is marked as a draft")

    # the outsider sees none of it
    outsider = Person(base, "jyj_officer")
    outsider.log_in()
    refused = outsider.get(detail, expect=404)
    check(TITLE not in refused and "钱明" not in refused, "教育局 sees 科技局's proposal", refused)
    outsider.get(urljoin(page.url, links[0].get("href")), expect=404)

    # the proposer's paper evaluation, typed in by the secretariat
    evaluations_url = detail.rstrip("/") + "/evaluations/"
    page = secretariat.get(evaluations_url)
    form = page.one("//form[.//select[@name='proposer']]", "evaluation form")
    page = secretariat.submit(
        page,
        form,
        {
            "proposer": select_value(form, "proposer", "钱明"),
            "attitude": "satisfied",
            "result": "satisfied",
            "comment": "答复及时",
        },
    )
    check(errors_of(page) == "", f"the evaluation was refused: {errors_of(page)}", page)
    page = secretariat.get(detail)
    evaluations = page.one("//*[@id='evaluations']", "evaluations").text_content()
    check("钱明" in evaluations and "满意" in evaluations, "the evaluation is not on the proposal", page)
    return (
        f"proposal {NUMBER}: registered, signed for, contacted, drafted, signed off, "
        f"released as {number}, PDF checked, evaluated"
    )


# --- the duty: .xlsx import → assignment → 签收 → completion report → sign-off → acceptance ---

DUTY_TITLE = f"建立科技创新券制度（{NUMBER}）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def duty_table_xlsx():
    """A 重点任务分解表 as a secretariat writes one: title row, header, one duty."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"科技创新券工作重点任务分解表（{NUMBER}）"])
    sheet.append(["序号", "重点任务", "具体措施", "牵头领导", "牵头单位", "配合单位", "完成时限"])
    sheet.append(
        [
            1,
            DUTY_TITLE,
            "设立科技创新券，支持中小企业购买科技服务。",
            "",
            "市科技局",
            "",
            "2026年12月31日前完成",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def duty_step(person, duty_url, step):
    """Open the duty's page and take the step waiting for the person's department (办理)."""
    page = person.get(duty_url)
    buttons = page.html.xpath(f"//*[@id='steps']//form[.//button[@data-step='{step}']]")
    if buttons:
        return person.submit(page, buttons[0])
    return person.get(page.link(f"//*[@id='steps']//a[contains(@href, '/{step}/')]", f"step {step}"))


def duty_journey(base):
    secretariat = Person(base, "secretariat")
    secretariat.log_in()
    page = secretariat.get("/duties/import/")
    form = page.one("//form[.//input[@name='file']]", "import form")
    page = secretariat.submit(
        page,
        form,
        {"meeting": select_value(form, "meeting", "南通")},
        files={
            "file": (
                "分解表.xlsx",
                duty_table_xlsx(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
    )
    check(
        "confirm-import" in page, f"the import preview refused the table: {page.text_content()[:300]}", page
    )
    page = secretariat.submit(page, page.one("//form[.//button[@id='confirm-import']]", "confirm form"))
    check("已导入1项重点任务" in page, "the import was not confirmed", page)

    page = secretariat.get("/duties/tables/")
    page = secretariat.get(page.link(f"//a[contains(., '（{NUMBER}）')]", "the imported table"))
    page = secretariat.submit(page, page.one("//form[@id='table-assign']", "assign form"))
    duty_url = page.link(f"//a[contains(., '{DUTY_TITLE}')]", "the duty in the table")

    officer = Person(base, "kjj_officer")
    desk = officer.log_in()
    check(DUTY_TITLE in desk, "the duty is not in 科技局's inbox", desk)
    page = officer.get(duty_url)
    page = officer.submit(page, page.one("//form[.//button[@id='sign-for-now']]", "签收 button"))
    check("已签收" in page, "签收 failed", page)

    page = duty_step(officer, duty_url, "write")
    page = officer.submit(
        page,
        page.one("//form[.//textarea[@name='progress']]", "report form"),
        {"progress": "科技创新券制度已出台，首批发放500万元。", "problems": "企业知晓率不高"},
        files={"attachments": ("创新券办法.pdf", PDF, "application/pdf")},
    )
    check(
        "科技创新券制度已出台" in page and not errors_of(page),
        f"the report was refused: {errors_of(page)}",
        page,
    )

    head = Person(base, "kjj_head")
    head.log_in()
    for person, step in ((head, "sign_off"), (secretariat, "review")):
        page = duty_step(person, duty_url, step)
        check("科技创新券制度已出台" in page, f"{person.username} does not see the report", page)
        page = person.submit(
            page,
            page.one("//form[.//input[@name='decision']]", "decision form"),
            {"decision": "approve", "comment": "同意"},
        )
        check(not errors_of(page), f"{person.username}'s decision was refused: {errors_of(page)}", page)
    page = officer.get(duty_url)
    status = page.one("//*[@id='duty-status']", "duty status").text_content()
    check("已办结" in status, f"the duty is not done: {status.split()}", page)
    attachment = page.link("//a[contains(@href, '/duties/attachments/')]", "the report's attachment")
    check(
        officer.http.get(attachment, timeout=TIMEOUT).content == PDF,
        "the attachment did not come back intact",
    )
    return (
        "duty: imported from .xlsx, assigned, signed for, reported with an attachment, signed off, accepted"
    )


# --- the campaign day: campaign and activity set up → the host's report with a photo → matrix ---

CAMPAIGN_TITLE = f"南通双创活动周（{NUMBER}）"


def jpeg():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 80, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


def campaign_journey(base):
    # the campaign runs today in the office's time zone (TIME_ZONE, Asia/Shanghai by default)
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    secretariat = Person(base, "secretariat")
    secretariat.log_in()
    page = secretariat.get("/campaigns/new/")
    form = page.one("//form[@id='campaign-form']", "campaign form")
    page = secretariat.submit(
        page,
        form,
        {
            "title": CAMPAIGN_TITLE,
            "organiser": select_value(form, "organiser", "昆山市发改委"),
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "report_cutoff": "23:59",
            "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            "summary_deadline": (today + datetime.timedelta(days=7)).isoformat(),
            "with_summary_tables": [],
        },
    )
    check("/campaigns/new/" not in page.url, f"the campaign was refused: {errors_of(page)}", page)
    campaign_url = page.url

    organiser = Person(base, "ks_fgw_officer")
    organiser.log_in()
    page = organiser.get(campaign_url.rstrip("/") + "/activities/new/")
    form = page.one("//form[@id='activity-form']", "activity form")
    page = organiser.submit(
        page,
        form,
        {
            "name": "科普日",
            "hosts": [select_value(form, "hosts", "昆山市科技局")],
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "place": "玉山镇",
        },
    )
    check("科普日" in page and not errors_of(page), f"the activity was refused: {errors_of(page)}", page)

    host = Person(base, "ks_kjj_officer")
    host.log_in()
    page = host.get(campaign_url)
    page = host.get(page.link("//a[@id='file-report']", "file-a-report link"))
    page = host.submit(
        page,
        page.one("//form[@id='report-form']", "report form"),
        {"text": "科普日活动在玉山镇举行，发放科普资料两千余份。"},
        files={"photos": ("现场照片.jpg", jpeg(), "image/jpeg")},
    )
    check(
        "科普日活动在玉山镇举行" in page and not errors_of(page),
        f"the report was refused: {errors_of(page)}",
        page,
    )
    photo = page.link("//*[@id='photos']//a[@href]", "photo")
    check(
        host.http.get(photo, timeout=TIMEOUT).headers["Content-Type"].startswith("image/"),
        "the photo is not served",
    )

    page = organiser.get(campaign_url.rstrip("/") + "/matrix/")
    cell = page.one(f"//td[contains(@data-cell, ':{today.isoformat()}')]", "today's cell")
    check(
        "已报送" in cell.text_content(), f"the matrix does not show the report: {cell.text_content()}", page
    )
    data = organiser.http.get(campaign_url.rstrip("/") + "/matrix/data/", timeout=TIMEOUT).json()
    states = [state for _department, day, state, _report in data["cells"] if day == today.isoformat()]
    check(states == ["filed"], f"the matrix data for today: {data['cells']}")
    page = organiser.get(cell.xpath(".//a")[0].get("href"))
    check("科普日活动在玉山镇举行" in page, "the organiser cannot open the report from the matrix", page)
    return f"campaign day {today}: set up, reported with a photo by 昆山市科技局, filed in the matrix"


def main(base):
    started = time.monotonic()
    health = requests.get(urljoin(base, "/healthz"), timeout=TIMEOUT)
    check(health.status_code == 200 and health.json()["status"] == "ok", f"/healthz: {health.text}")
    print("smoke: /healthz ok")
    for journey in (proposal_journey, duty_journey, campaign_journey):
        print(f"smoke: {journey(base)}")
    print(f"smoke: journeys done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except SmokeFailure as failure:
        print(f"smoke: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
