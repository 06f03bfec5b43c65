"""Demo reporting campaigns: 昆山 2017 (seed 000) with its nine activities and hosts, and 广东 2018
(seed 002) with its summary tables; reports filed on time, late, nil and missing, photos, summary
rows and the briefs of the past days, so that each demo role has something to see.

The 昆山 and 广东 people (the seeds' contacts: 陈莉 and 胡丹 at 市发改委, 杨桢 at 省中小企业局) are
demo users of their own; the 南通 secretariat and leader see every campaign.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import UserRole
from demo import data
from tasks.campaigns import services
from tasks.campaigns.brief import brief_render_job
from tasks.campaigns.models import Campaign, CampaignActivity, DailyReport, SummaryRow, SummaryTable
from tasks.campaigns.photos import photo_store

D = datetime.date
# (username, name, department code, roles, mobile)
CAMPAIGN_USERS = [
    ("ks_fgw_officer", "陈莉", "ks-fgw", ["officer"], "13800000101"),
    ("ks_fgw_head", "胡丹", "ks-fgw", ["head"], "13800000102"),
    ("ks_kjj_officer", "吴昊", "ks-kjj", ["officer"], "13800000103"),
    ("ks_rsj_officer", "钱静", "ks-rsj", ["officer"], "13800000104"),
    ("ks_jxw_officer", "沈磊", "ks-jxw", ["officer"], "13800000105"),
    ("gd_zxqyj_officer", "杨桢", "gd-zxqyj", ["officer"], "13800000106"),
    ("gd_fwzx_officer", "孙海扬", "gd-fwzx", ["officer"], "13800000107"),
]
# 广东's important activities during the week (the notice names the units and what they hold;
# the days are the demo's)
GUANGDONG_ACTIVITIES = [
    (
        1,
        "“双创”活动周集中宣传和服务（线上线下）",
        ["gd-fwzx"],
        D(2018, 10, 9),
        D(2018, 10, 15),
        "省中小企业公共服务平台网络",
    ),
    (2, "中博会期间“创客中国”创新创业大赛", ["gd-zbh"], D(2018, 10, 10), D(2018, 10, 12), "广州"),
    (3, "小微企业“双创”示范基地服务对接活动", ["gd-cjh"], D(2018, 10, 11), D(2018, 10, 11), "广州"),
]
# (campaign code, host code, day, how: on_time / late / nil, text, leaders, photos)
REPORTS = [
    (
        "ks",
        "ks-kjj",
        D(2017, 9, 13),
        "on_time",
        "昆山市科技局在全市各区镇启动全国“科普日”活动，开展科普展板展示和科技咨询。",
        "",
        2,
    ),
    ("ks", "ks-kjj", D(2017, 9, 14), "on_time", "科普日活动走进玉山镇社区，发放科普资料两千余份。", "", 1),
    ("ks", "ks-kjj", D(2017, 9, 15), "late", "科普日科技馆开放日接待市民八百余人次。", "", 0),
    ("ks", "ks-kjj", D(2017, 9, 16), "nil", "", "", 0),
    (
        "ks",
        "ks-rsj",
        D(2017, 9, 22),
        "on_time",
        "第二届“创业梦+就业桥”青年创业大赛预赛在创酷空间举行，32个项目参赛。",
        "市政府副市长",
        1,
    ),
    (
        "ks",
        "ks-rsj",
        D(2017, 9, 23),
        "late",
        "孵化基地创业孵化培训会在东创蒲公英举办，培训创业者六十余人。",
        "",
        0,
    ),
    (
        "ks",
        "ks-kfq",
        D(2017, 9, 25),
        "on_time",
        "SAE 2017 汽车智能与网联技术国际学术会议在昆山金陵大饭店开幕。",
        "开发区管委会主任",
        2,
    ),
    ("ks", "ks-kfq", D(2017, 9, 27), "nil", "", "", 0),
    (
        "ks",
        "ks-kjj",
        D(2017, 9, 25),
        "on_time",
        "沪昆“新材料技术应用与创新”产学研沙龙在工业技术研究院举行。",
        "",
        1,
    ),
    (
        "ks",
        "ks-jxw",
        D(2017, 10, 10),
        "on_time",
        "第一届昆山市工业机器人技术应用技能大赛开赛；五家企业赴广州参加“创客中国”总决赛。",
        "",
        1,
    ),
    ("ks", "ks-jxw", D(2017, 10, 11), "late", "工业机器人技能大赛进入实操比赛阶段。", "", 0),
    (
        "gd",
        "gd-fwzx",
        D(2018, 10, 9),
        "on_time",
        "省中小企业公共服务平台网络开设“双创”活动周专栏，开展线上政策宣传。",
        "",
        1,
    ),
    ("gd", "gd-fwzx", D(2018, 10, 10), "late", "平台网络组织融资对接服务活动。", "", 0),
    (
        "gd",
        "gd-zbh",
        D(2018, 10, 10),
        "on_time",
        "中博会期间举办“创客中国”创新创业大赛广东赛区活动。",
        "省中小企业局局长",
        1,
    ),
]
# (host code, table sequence, cells)
SUMMARY_ROWS = [
    ("gd-dsz", 1, ["关于进一步扶持小微企业创业创新的若干措施", "广州市中小企业局", "2018年9月", ""]),
    ("gd-fwzx", 2, ["“双创”政策解读专栏", "省中小企业服务中心", 1200, "线上解读国家和省“双创”扶持政策"]),
    ("gd-fwzx", 2, ["融资对接服务活动", "省中小企业服务中心", 150, "组织金融机构与中小企业对接"]),
    ("gd-cjh", 3, ["“创客广东”大赛获奖项目路演", "省中小企业发展促进会", 300, "获奖项目路演和投资对接"]),
]


def _campaign(spec, departments):
    fields = {k: v for k, v in spec.items() if k not in ("title", "organiser", "participants")}
    campaign, _created = Campaign.objects.get_or_create(
        title=spec["title"], defaults={"organiser": departments[spec["organiser"]], **fields}
    )
    campaign.participants.add(*(departments[code] for code in spec.get("participants", [])))
    return campaign


def _activity(campaign, departments, sequence, name, hosts, starts_on, ends_on, place, description=""):
    activity, _created = CampaignActivity.objects.get_or_create(
        campaign=campaign,
        sequence=sequence,
        defaults={
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "place": place,
            "description": description,
        },
    )
    activity.hosts.add(*(departments[code] for code in hosts))
    campaign.participants.add(*(departments[code] for code in hosts))


def _users(departments):
    User = get_user_model()
    for username, name, department_code, roles, mobile in CAMPAIGN_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "name": name,
                "department": departments[department_code],
                "mobile": mobile,
                "email": f"{username}@demo.example.cn",
            },
        )
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save()
        for role in roles:
            UserRole.objects.get_or_create(user=user, role=role)


def _photo(user, department, label, number):
    """A demo photo: a small JPEG drawn here (real reports carry camera originals)."""
    image = Image.new("RGB", (1600, 1200), (40 + 30 * number, 90, 140))
    ImageDraw.Draw(image).rectangle((200, 200, 1400, 1000), outline="white", width=12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    upload = SimpleUploadedFile(f"{label}-{number}.jpg", out.getvalue(), content_type="image/jpeg")
    return photo_store(upload=upload, user=user, department=department)


def _reports(campaigns, departments):
    User = get_user_model()
    for code, host, day, how, text, leaders, photos in REPORTS:
        campaign, department = campaigns[code], departments[host]
        if DailyReport.objects.filter(campaign=campaign, department=department, day=day).exists():
            continue
        user = User.objects.filter(department=department).order_by("pk").first() or User.objects.get(
            username="secretariat"
        )
        due = campaign.due_at(day)
        at = due + datetime.timedelta(hours=17) if how == "late" else due - datetime.timedelta(hours=2)
        report = DailyReport.objects.create(
            campaign=campaign,
            department=department,
            day=day,
            is_nil=how == "nil",
            text=text,
            leaders_attended=bool(leaders),
            leaders=leaders,
            submitted_by=user,
            submitted_at=at,
            is_late=at > due,
        )
        for number in range(photos):
            photo = _photo(user, department, f"{host}-{day:%m%d}", number)
            photo.report = report
            photo.save(update_fields=["report"])


def _summary_rows(campaign, departments):
    User = get_user_model()
    tables = {table.sequence: table for table in campaign.summary_tables.all()}
    for host, sequence, cells in SUMMARY_ROWS:
        department = departments[host]
        if SummaryRow.objects.filter(table=tables[sequence], department=department, cells=cells).exists():
            continue
        user = User.objects.filter(department=department).order_by("pk").first() or User.objects.get(
            username="secretariat"
        )
        SummaryRow.objects.create(table=tables[sequence], department=department, cells=cells, entered_by=user)


def campaigns_load(departments):
    """The two demo campaigns; loading twice changes nothing."""
    kunshan = _campaign(data.KUNSHAN_CAMPAIGN, departments)
    for sequence, name, hosts, starts_on, ends_on, place, description in data.KUNSHAN_ACTIVITIES:
        _activity(kunshan, departments, sequence, name, hosts, starts_on, ends_on, place, description)

    guangdong = _campaign(data.GUANGDONG_CAMPAIGN, departments)
    for sequence, title, columns, note in data.GUANGDONG_SUMMARY_TABLES:
        SummaryTable.objects.get_or_create(
            campaign=guangdong,
            sequence=sequence,
            defaults={"title": title, "columns": columns, "note": note},
        )
    if not guangdong.summary_title:
        guangdong.summary_title = "2018年全国“双创”活动周情况汇总表"
        guangdong.save(update_fields=["summary_title"])
    for sequence, name, hosts, starts_on, ends_on, place in GUANGDONG_ACTIVITIES:
        _activity(guangdong, departments, sequence, name, hosts, starts_on, ends_on, place)

    _users(departments)
    campaigns = {"ks": kunshan, "gd": guangdong}
    _reports(campaigns, departments)
    _summary_rows(guangdong, departments)
    # the briefs of the past days, rendered by the worker (the demo campaigns have closed, so
    # the periodic job leaves them alone)
    for campaign in campaigns.values():
        for brief in services.briefs_create(campaign=campaign, now=timezone.now()):
            brief_render_job.delay_on_commit(brief.pk)
