"""Demo data transcribed from the seed documents (../shared/seeds/), kept inside the repository.

Seed 003: the 南通 双创 joint meeting (通政发〔2015〕37号) and proposal 277 with its reply.
Seed 000: the 昆山 2017 活动周 plan (昆政办发〔2017〕176号) with nine activities.
Seed 002: the 广东 2018 notice (粤中小企函〔2018〕34号) and its 情况汇总表.
Seed 004: the 浙江 SME association meeting of 2022-06-02 and its seven duties (七件事情).
"""

import datetime

D = datetime.date
BUREAU, DISTRICT, MASS_ORG, PARTY, OTHER = "bureau", "district", "mass_org", "party", "other"

# (code, full name, short name, kind)
NANTONG_MEMBERS = [
    ("nt-zzb", "中共南通市委组织部", "组织部", PARTY),
    ("nt-rcb", "南通市人才工作领导小组办公室", "人才办", PARTY),
    ("nt-xcb", "中共南通市委宣传部", "宣传部", PARTY),
    ("nt-nb", "中共南通市委农村工作办公室", "农办", PARTY),
    ("nt-bb", "南通市机构编制委员会办公室", "编办", PARTY),
    ("nt-fgw", "南通市发展和改革委员会", "发改委", BUREAU),
    ("nt-jrb", "南通市人民政府金融工作办公室", "金融办", BUREAU),
    ("nt-jyj", "南通市教育局", "教育局", BUREAU),
    ("nt-kjj", "南通市科学技术局", "科技局", BUREAU),
    ("nt-czj", "南通市财政局", "财政局", BUREAU),
    ("nt-rsj", "南通市人力资源和社会保障局", "人社局", BUREAU),
    ("nt-swj", "南通市商务局", "商务局", BUREAU),
    ("nt-wgxj", "南通市文化广电新闻出版局", "文广新局", BUREAU),
    ("nt-gzw", "南通市人民政府国有资产监督管理委员会", "国资委", BUREAU),
    ("nt-mfb", "南通市民营经济发展办公室", "民发办", BUREAU),
    ("nt-gsj", "南通市工商行政管理局", "工商局", BUREAU),
    ("nt-gsw", "南通市国家税务局", "国税局", BUREAU),
    ("nt-dsj", "南通市地方税务局", "地税局", BUREAU),
    ("nt-rh", "中国人民银行南通市中心支行", "人行", OTHER),
    ("nt-yjj", "中国银行业监督管理委员会南通监管分局", "银监局", OTHER),
    ("nt-gxq", "南通高新技术产业开发区管理委员会", "南通高新区", DISTRICT),
    ("nt-cyy", "南通产业技术研究院", "产研院", OTHER),
    ("nt-xq", "南通市各县（市）区人民政府", "县（市）区政府", DISTRICT),
]
NANTONG_OTHERS = [
    ("nt-kx", "南通市科学技术协会", "科协", MASS_ORG),
    ("nt-szf", "南通市人民政府", "市政府", OTHER),
]
NANTONG_MEETING = {
    "name": "南通市大众创业万众创新联席会议",
    "short_name": "南通双创联席会议",
    "convener": "市政府分管副市长",
    "office": "nt-kjj",
    "basis": "《大众创业万众创新南通行动计划》（通政发〔2015〕37号）",
}

KUNSHAN_DEPARTMENTS = [
    ("ks-fgw", "昆山市发展和改革委员会", "昆山市发改委", BUREAU),
    ("ks-kjj", "昆山市科学技术局", "昆山市科技局", BUREAU),
    ("ks-rsj", "昆山市人力资源和社会保障局", "昆山市人社局", BUREAU),
    ("ks-kfq", "昆山经济技术开发区管理委员会", "昆山开发区", DISTRICT),
    ("ks-zclyh", "昆山市自主创业者联谊会", "昆山市自主创业者联谊会", MASS_ORG),
    ("ks-jxw", "昆山市经济和信息化委员会", "昆山市经信委", BUREAU),
    ("ks-zgh", "昆山市总工会", "昆山市总工会", MASS_ORG),
]
KUNSHAN_CAMPAIGN = {
    "title": "2017年全国大众创业万众创新活动周暨“创响江苏”活动月苏州分会场昆山市活动",
    "document_number": "昆政办发〔2017〕176号",
    "organiser": "ks-fgw",
    "starts_on": D(2017, 9, 15),
    "ends_on": D(2017, 10, 15),
    "report_cutoff": datetime.time(16, 0),
    "summary_deadline": None,
    "requirements": (
        "各项活动的主办单位明确联系人和信息报送员，于当天下午16时前将活动信息、照片和视频等材料报送至市发改委。"
        "各级领导参加活动的情况，要在信息中特别明确。照片格式为JPG，大小不低于2M，视频为高清格式。"
    ),
}
# (sequence, name, host codes, start, end, place, description)
KUNSHAN_ACTIVITIES = [
    (1, "全国“科普日”活动", ["ks-kjj"], D(2017, 9, 13), D(2017, 9, 17), "全市各区镇", ""),
    (
        2,
        "昆山市第二届“创业梦+就业桥”青年创业大赛（预赛）",
        ["ks-rsj"],
        D(2017, 9, 22),
        D(2017, 9, 22),
        "昆山市高新技术创业服务中心创酷空间",
        "",
    ),
    (
        3,
        "孵化基地创业孵化培训会",
        ["ks-rsj"],
        D(2017, 9, 23),
        D(2017, 9, 23),
        "昆山前进东路科技广场（东创蒲公英）",
        "",
    ),
    (
        4,
        "SAE 2017 汽车智能与网联技术国际学术会议",
        ["ks-kfq"],
        D(2017, 9, 25),
        D(2017, 9, 27),
        "昆山金陵大饭店",
        "",
    ),
    (
        5,
        "2017年姑苏创协与昆山创协联谊活动",
        ["ks-zclyh"],
        D(2017, 9, 25),
        D(2017, 9, 25),
        "昆山高新区创酷空间",
        "",
    ),
    (
        6,
        "沪昆“新材料技术应用与创新”产学研沙龙活动",
        ["ks-kjj"],
        D(2017, 9, 25),
        D(2017, 9, 25),
        "昆山市工业技术研究院",
        "",
    ),
    (
        7,
        "开展创业典型专题宣传",
        ["ks-rsj"],
        D(2017, 10, 10),
        D(2017, 10, 15),
        "",
        "对参加创业梦+就业桥的12位参赛选手进行采访，展示其创业项目，分享其创业经历与心得。"
        "通过网络投票形式进行集中宣传和营造创业典型氛围。",
    ),
    (
        8,
        "第一届昆山市工业机器人技术应用技能大赛暨第三届技能英才周苏州工业机器人技能状元选拔赛",
        ["ks-jxw", "ks-rsj", "ks-zgh"],
        D(2017, 10, 10),
        D(2017, 10, 13),
        "昆山市登云科技职业学院有限公司",
        "",
    ),
    (
        9,
        "组织我市五家创新创业企业赴广州参加工信部“创客中国”总决赛",
        ["ks-jxw"],
        D(2017, 10, 10),
        D(2017, 10, 13),
        "广州",
        "",
    ),
]

GUANGDONG_DEPARTMENTS = [
    ("gd-zxqyj", "广东省中小企业局", "省中小企业局", BUREAU),
    ("gd-dsz", "各地级以上市中小企业行政主管部门", "各地级以上市", DISTRICT),
    ("gd-fwzx", "广东省中小企业服务中心", "省中小企业服务中心", OTHER),
    ("gd-zbh", "中博会事务局", "中博会事务局", OTHER),
    ("gd-cjh", "广东省中小企业发展促进会", "省中小企业发展促进会", MASS_ORG),
]
GUANGDONG_CAMPAIGN = {
    "title": "2018年全国大众创业万众创新活动周（广东）",
    "document_number": "粤中小企函〔2018〕34号",
    "organiser": "gd-zxqyj",
    "participants": ["gd-dsz", "gd-fwzx", "gd-zbh", "gd-cjh"],
    "starts_on": D(2018, 10, 9),
    "ends_on": D(2018, 10, 15),
    "report_cutoff": datetime.time(16, 0),
    "summary_deadline": D(2018, 10, 15),
    "requirements": (
        "各地、各有关单位须在10月15日前将“双创”活动周的总结和情况汇总表报省中小企业局（服务体系建设处）。"
        "活动周期间如有重要活动，请于当天16:00前将信息报送。"
    ),
}
ACTIVITY_COLUMNS = ["序号", "活动名称", "主办单位", "参加人数", "主要内容"]
GUANGDONG_SUMMARY_TABLES = [
    (1, "表一：出台政策措施", ["序号", "名称", "单位", "出台时间", "备注"], ""),
    (
        2,
        "表二：服务活动情况",
        ACTIVITY_COLUMNS,
        "活动名称包括政策解读、信息发布、创业辅导、技术支持、互动对接、投资交易和信息化服务等。",
    ),
    (
        3,
        "表三：展览展示等活动情况",
        ACTIVITY_COLUMNS,
        "活动名称包括展览展示、创新论坛、项目路演、创新创业大赛、沙龙等。",
    ),
]

ZHEJIANG_DEPARTMENTS = [
    ("zj-msc", "浙江省中小企业协会秘书处", "协会秘书处", MASS_ORG),
    ("zj-byg", "浙江省中小企业协会“百亿谷”产业加速器专委会", "百亿谷专委会", MASS_ORG),
    ("zj-cxcy", "浙江省中小企业协会创新创业专委会", "创新创业专委会", MASS_ORG),
    ("zj-kcdn", "浙江省中小企业协会科创大脑专委会", "科创大脑专委会", MASS_ORG),
]
ZHEJIANG_MEETING = {
    "name": "浙江省中小企业协会第七届“创客中国”专题赛专项工作小组",
    "short_name": "“创客中国”专题赛工作小组",
    "convener": "协会领导（蔡章生）",
    "office": "zj-msc",
    "basis": "“创客中国”浙江赛区专题赛活动实施情况研讨会纪要（2022年6月2日）",
}
ZHEJIANG_TABLE = {
    "title": "第七届“创客中国”专题赛七件事情",
    "source": "“创客中国”浙江赛区专题赛活动实施情况研讨会纪要",
    "issued_on": D(2022, 6, 7),
}
# (sequence, title, measures, lead code, cooperating codes); the seed sets no deadlines.
ZHEJIANG_DUTIES = [
    (
        1,
        "充分认识大赛重要性",
        "工作要普及化、精准化、高端化。确定好8—10场分赛场的场次，集聚多方资源共同发力。"
        "利用各类宣传渠道，扩大赛事影响力，激发全省中小企业创新创业热潮。",
        "zj-msc",
        ["zj-cxcy"],
    ),
    (
        2,
        "认真组织好项目",
        "结合大项目路演平台，聚焦生物医药、智能制造等领域，以“专精特新”作为项目选拔推荐重点，以好项目助推大赛高质量举办。"
        "充分协调政府、高校、企业家、平台、央企、银行等资源，开拓和引导创新能力强、发展潜力大的中小企业参赛。",
        "zj-byg",
        ["zj-cxcy"],
    ),
    (
        3,
        "组建高质量专家团队",
        "聘请院士、专业投资机构和创业导师，组建高层次项目评审委员会，指导和帮助办好大赛等工作。",
        "zj-kcdn",
        ["zj-msc"],
    ),
    (
        4,
        "举行高端化路演项目活动",
        "完善提升大项目路演平台，深化与市县区政府、金融机构、企业家等合作，促进项目选拔精准化、资金支持多元化，"
        "确保大赛活动高效高质量。",
        "zj-byg",
        [],
    ),
    (
        5,
        "加强分赛活动指导",
        "按照大赛和省经信厅的要求，及时与省经信厅有关部门联系，汇报工作进度，得到工作指导；"
        "聘请专业人士、机构为大赛活动提供辅导培训。",
        "zj-msc",
        [],
    ),
    (
        6,
        "成立专项工作小组",
        "由协会领导牵头，协会秘书处、“百亿谷”产业加速器专委会负责，相关专委会、金融机构、高校科研院所、会员企业代表合力组成，"
        "统筹协调大赛相关工作，确保大赛高质量、高层次。",
        "zj-msc",
        ["zj-byg"],
    ),
    (
        7,
        "制定实施方案",
        "围绕大赛的相关要求，加快大赛方案落地，加大压紧压实责任，扎实推进大赛各方面工作有条不紊地进行。",
        "zj-msc",
        ["zj-byg", "zj-cxcy", "zj-kcdn"],
    ),
]

DEMO_PASSWORD = "Demo@2026"
# (username, name, department code, roles, mobile)
DEMO_USERS = [
    ("kjj_officer", "张敏", "nt-kjj", ["officer"], "13800000001"),
    ("kjj_head", "李强", "nt-kjj", ["head"], "13800000002"),
    ("kx_officer", "王芳", "nt-kx", ["officer"], "13800000003"),
    ("kx_head", "刘洋", "nt-kx", ["head"], "13800000004"),
    ("jyj_officer", "陈晨", "nt-jyj", ["officer"], "13800000005"),
    ("jyj_head", "杨帆", "nt-jyj", ["head"], "13800000006"),
    ("secretariat", "周婷", "nt-kjj", ["secretariat"], "13800000007"),
    ("leader", "赵建国", "nt-szf", ["leader"], "13800000008"),
]

PROPOSAL_277 = {
    "kind": "suggestion",
    "session": "2017年",
    "number": "277",
    "title": "关于在南通市组织社会大众聚力创新的建议",
    # The seed's 提案内容 field is empty; this summary is taken from the reply's own wording.
    "content": (
        "建议在全市组织社会大众聚力创新：发挥老年科技工作者等社会力量的作用，"
        "构建有利于大众创新创业的新环境和氛围，推动我市双创工作。"
    ),
    "is_public": True,
    "proposers": [{"name": "石剑波"}],
    "lead": "nt-kjj",
    "co_handlers": ["nt-kx"],
}
