#!/usr/bin/env python3
"""Writes livegate.jdm.json: livegate's rules as a GoRules ZEN decision graph.

Written from the seed page and WeChat's live-player table of live categories
(https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html),
with the sourced qualifications of docs/sources/live-categories.md.

The graph is data; this script only keeps its long expressions readable (JDM
stores every expression on one line). Regenerate with:
    python3 bench/peers/zen/gen_graph.py > bench/peers/zen/livegate.jdm.json
"""
import json


def names(*xs):
    return "[" + ", ".join("'" + x + "'" for x in xs) + "]"


def doc_names(*xs):
    """A document's names, each Chinese one also in 《》 as applicants write it."""
    out = []
    for x in xs:
        out.append(x)
        if not x.isascii() and not x.startswith("《"):
            out.append("《" + x + "》")
    return names(*dict.fromkeys(out))


DOCS = {
    "telecom": doc_names("telecom_value_added_license", "增值电信业务经营许可证", "《增值电信业务经营许可证》", "icp经营许可证", "icp许可证", "edi许可证"),
    "agreement": doc_names("platform_service_agreement", "电商平台服务协议、交易规则", "服务协议", "交易规则", "服务协议、交易规则"),
    "admission": doc_names("merchant_admission_rules", "电商平台对入驻经营者的审核要求或规范文件", "对入驻经营者的审核要求或规范文件", "入驻规范"),
    "disputes": doc_names("dispute_resolution_mechanism", "电商平台对用户交易纠纷处理的机制或方案", "交易纠纷处理机制或方案", "交易纠纷处理机制"),
    "refusal": doc_names("license_not_accepted_notice", "行政许可不予受理通知书"),
    "bizLicense": doc_names("business_license", "营业执照"),
    "planForm": doc_names("business_plan_technical_form", "业务发展和实施计划及技术方案专用表格"),
    "appForm": doc_names("telecom_license_application_form", "电信业务经营许可证申请表"),
    "personnel": doc_names("company_personnel_form", "公司及人员情况表"),
    "security": doc_names("network_security_measures", "网络与信息安全保障措施"),
    "shareholders": doc_names("shareholder_tracing_materials", "股东追溯及其相关证明材料", "股东追溯材料"),
    "commitment": doc_names("lawful_operation_commitment", "依法经营电信业务承诺书"),
    "audiovisual": doc_names("audiovisual_program_license", "信息网络传播视听节目许可证", "《信息网络传播视听节目许可证》", "视听许可证"),
    "culture": doc_names("network_culture_license", "网络文化经营许可证", "《网络文化经营许可证》", "文网文"),
    "creditCode": doc_names("credit_code_certificate", "统一社会信用代码", "统一社会信用代码证书"),
    "letter": doc_names("situation_letter", "情况说明函件", "情况说明函"),
    "news": doc_names("internet_news_license", "互联网新闻信息服务许可证"),
    "icpFiling": doc_names("non_commercial_icp_filing", "非经营性互联网信息服务备案核准", "icp备案"),
    "orgCode": doc_names("organization_code_certificate", "组织机构代码证"),
    "medicalLicense": doc_names("medical_institution_license", "医疗机构执业许可证"),
    "publicCert": doc_names("public_institution_certificate", "事业单位法人证书"),
    "fundFiling": doc_names("private_fund_filing", "私募基金备案证明"),
    "fundManager": doc_names("private_fund_manager_registration", "私募投资基金管理人登记证书"),
    "vehiclePermit": doc_names("vehicle_manufacturer_permit", "工信部道路机动车辆生产企业准入许可"),
    "salesAuth": doc_names("manufacturer_sales_authorisation", "厂商授权销售文件"),
    "equityLetter": doc_names("equity_relationship_letter", "股权关系证明函"),
}

# Declared scenarios: id, then the names and short forms WeChat's table uses.
SCENARIOS = {
    "ecommerce": ("ecommerce_selling", "电商类直播带货", "直播带货", "电商直播"),
    "entertainment": ("entertainment", "娱乐性质直播（明星直播、生活趣事直播、宠物直播等）", "娱乐性质直播", "娱乐直播", "明星直播", "生活趣事直播", "宠物直播"),
    "performance": ("performance", "表演类直播（游戏直播、娱乐秀场、线上演唱会、剧目直播、演艺直播等）", "表演类直播", "游戏直播", "娱乐秀场", "线上演唱会", "剧目直播", "演艺直播"),
    "class": ("online_class", "教育类直播（网课、在线培训、讲座等）", "教育类直播", "网课", "在线培训", "讲座", "教育直播"),
    "medical": ("medical_consultation", "问诊、大型健康讲座等直播", "问诊", "健康讲座", "医疗直播"),
    "finance": ("finance_service", "金融产品视频客服理赔、金融产品推广直播等", "金融直播", "视频理赔", "金融产品推广直播"),
    "car": ("car_presale", "汽车预售、推广直播", "汽车预售", "汽车直播"),
    "government": ("government_affairs", "政府相关工作推广直播、领导讲话直播等", "政务直播", "领导讲话直播"),
    "conference": ("conference_call", "为多方提供电话会议/视频会议等服务", "电话会议", "视频会议", "多方通信"),
    "camera": ("smart_home_camera", "智能家居场景下控制摄像头", "智能家居摄像头", "控制摄像头"),
    "realEstate": ("real_estate_marketing", "房地产营销直播服务、在线音视频带看等", "房地产直播", "在线带看", "看房直播"),
    "notary": ("notary_online", "在线业务办理等（公证）", "在线公证", "公证业务办理"),
}

# The live categories beyond the seed's two: (state name, labels, the
# scenarios they serve, the expression that qualifies them or None when no
# source gives their documents).
FIN_ROWS = ["银行", "信托", "公募基金", "证券/期货", "证券、期货投资咨询", "保险", "企业征信",
            "新三板信息服务平台", "股票信息服务平台", "股票信息服务平台(港股/美股)", "消费金融", "融资担保", "汽车金融/融资租赁"]


def labels(firsts, second):
    out = []
    for f in firsts:
        out += [f + "/" + second, f + "-" + second]
    return names(*out)


LIVE = [
    ("perf", labels(["社交"], "直播表演"), ["performance"], None),
    ("course", labels(["教育"], "在线视频课程"), ["class"], None),
    ("ihospital", labels(["医疗", "医疗服务"], "互联网医院"), ["medical"], None),
    ("publicMed", labels(["医疗", "医疗服务"], "公立医疗机构"), ["medical"], "$.medicalLicense and $.publicCert"),
    ("privateMed", names(*[f + sep + s for f in ["医疗", "医疗服务"] for s in ["其他私立医疗机构", "私立医疗机构"] for sep in "/-"]), ["medical"], "$.medicalLicense"),
    ("tertiaryMed", labels(["医疗", "医疗服务"], "三级私立医疗机构"), ["medical"], None),
    ("privateFund", labels(["金融", "金融业"], "私募基金"), ["finance"], "$.fundFiling or $.fundManager"),
    ("car", names(*[f + sep + s for f in ["汽车", "汽车服务"] for s in ["汽车预售", "汽车预售服务"] for sep in "/-"]), ["car"],
     "$.bizLicense and $.vehiclePermit"),
    ("multiparty", labels(["IT科技", "it科技"], "多方通信"), ["conference"], None),
    ("avEquipment", labels(["IT科技", "it科技"], "音视频设备"), ["camera"], None),
    ("realEstate", labels(["房地产服务"], "房地产营销"), ["realEstate"], None),
    ("notary", labels(["商业服务"], "公证"), ["notary"], None),
] + [("fin%d" % i, labels(["金融", "金融业"], row), ["finance"], None) for i, row in enumerate(FIN_ROWS)]

TELECOM_ITEMS = names("online_data_processing", "b21", "在线数据处理与交易处理业务", "internet_information_service", "b25", "互联网信息服务业务", "信息服务业务")
CULTURE_SCOPES = names("online_performance", "网络表演")


def as_list(x):
    return f"(type({x}) == 'string' ? [{x}] : ({x} ?? []))"


exprs = []


def e(key, value):
    exprs.append({"id": key, "key": key, "value": value})


# Subject type: id, Chinese name or verify_type.
e("subjectKey", "lower(trim(string(subject.type)))")
e("subject", "$.subjectKey in ['individual', '个人', '0'] ? 'individual' : "
  "$.subjectKey in ['enterprise', '企业', '1'] ? 'enterprise' : "
  "$.subjectKey in ['government', '政府', '2'] ? 'government' : "
  "$.subjectKey in ['media', '媒体', '3'] ? 'media' : "
  "$.subjectKey in ['other_org', '其他组织', '4'] ? 'other_org' : null")
# A document counts while in force on as_of and when it is the subject's own.
e("docs", "filter(documents ?? [] as doc, "
  "(doc.valid_until == null or as_of == null or d(doc.valid_until) >= d(as_of)) and "
  "(doc.valid_from == null or as_of == null or d(doc.valid_from) <= d(as_of)) and "
  "(doc.holder == null or subject.name == null or doc.holder == subject.name))")
e("kinds", "map($.docs, lower(trim(#.kind)))")
for k, v in DOCS.items():
    if k in ("telecom", "culture"):
        continue
    e(k, f"some($.kinds, # in {v})")
e("telecom", f"some($.docs as d, lower(trim(d.kind)) in {DOCS['telecom']} and "
  f"some({as_list('d.service_items')} as i, lower(trim(i)) in {TELECOM_ITEMS}))")
e("culture", f"some($.docs as d, lower(trim(d.kind)) in {DOCS['culture']} and "
  f"some({as_list('d.scope')} as s, lower(trim(s)) in {CULTURE_SCOPES}))")
e("gov", "$.subject == 'government'")
# Declared scenarios, as ids of the table above (unknown ones are dropped).
SCEN_EXPR = " : ".join(f"# in {names(*v)} ? '{k}'" for k, v in SCENARIOS.items()) + " : null"
e("live", f"filter(map(map(scenarios ?? [], lower(trim(#))), {SCEN_EXPR}), # != null)")
# Goods and services.
e("goodsIds", "map(goods ?? [], lower(trim(#)))")
e("medical", "some($.goodsIds, # in ['medical_device', '医疗器械', 'otc_drug', '非处方药品', '非处方药', 'otc'])")
e("prohibited", "some($.goodsIds, # in ['aphrodisiac', '催情香水/催情药品', '催情香水', '催情药品', 'illegal_goods', '违法违规商品', '其他违法违规商品'])")
e("politicalService", "some(map(services ?? [], lower(trim(#))), # in ['political_news', '时政信息服务', '时政信息'])")
# Categories: label, first level, status rank (approved 0, pending 1, rejected 2, planned 3).
e("cats", "map(categories ?? [], {"
  "label: #.second != null ? trim(#.first) + '/' + trim(#.second) : trim(#.first), "
  "rank: #.status == null ? 0 : trim(#.status) == 'approved' ? 0 : trim(#.status) == 'pending' ? 1 : trim(#.status) == 'rejected' ? 2 : 3})")
e("ecomRanks", "map(filter($.cats, #.label in ['电商平台/电商平台', '电商平台-电商平台']), #.rank)")
e("socialRanks", "map(filter($.cats, #.label in ['社交/直播', '社交-直播']), #.rank)")
e("newsRanks", "map(filter($.cats, #.label in ['时政信息/时政信息', '时政信息-时政信息']), #.rank)")
# 医疗/* for medical goods: the known 医疗 rows count by their own state
# (qualification included, 医疗服务/… too); any other 医疗 category by its
# status alone.
MEDICAL_KEYS = ["ihospital", "publicMed", "privateMed", "tertiaryMed"]
KNOWN_MEDICAL = "[" + ", ".join(labs[1:-1] for k, labs, _, _ in LIVE if k in MEDICAL_KEYS) + "]"
e("medicalRanks", "map(filter($.cats, (#.label == '医疗' or startsWith(#.label, '医疗/') or startsWith(#.label, '医疗-')) "
  f"and not (lower(#.label) in {KNOWN_MEDICAL.lower()})), #.rank)")
for key, labs, _, _ in LIVE:
    e(key + "Ranks", f"map(filter($.cats, lower(#.label) in {labs.lower()}), #.rank)")
# N 选 1: any one alternative, each needing all its documents.
e("ecomQualified", "($.telecom and $.agreement and $.admission and $.disputes) or "
  "($.refusal and $.bizLicense and $.planForm and $.appForm and $.personnel and $.security and $.shareholders and $.commitment and $.agreement and $.admission and $.disputes)")
e("socialQualified", "$.audiovisual or $.culture or ($.gov and $.creditCode and $.letter)")
e("newsQualified", "$.news or ($.gov and $.icpFiling and ($.orgCode or $.creditCode))")


def state(ranks, qualified):
    # approved: 0 (available); pending and qualified: 1; anything else: 2.
    best = f"(len($.{ranks}) > 0 ? min($.{ranks}) : 9)"
    q = f"$.{qualified}" if qualified else "true"
    return f"{best} == 0 ? 0 : ({best} == 1 and {q}) ? 1 : 2"


e("ecomState", state("ecomRanks", "ecomQualified"))
e("socialState", state("socialRanks", "socialQualified"))
e("newsState", state("newsRanks", "newsQualified"))
e("medicalOtherState", state("medicalRanks", None))
# A category with no sourced documents: never qualified on documents, and
# pending while WeChat reviews it.
for key, _, _, q in LIVE:
    qual = f"{key}Qualified"
    e(qual, q if q else "true")
    e(key + "State", state(key + "Ranks", qual))
e("medicalState", "min([$.medicalOtherState, " + ", ".join(f"$.{k}State" for k in MEDICAL_KEYS) + "])")
# Conditional rules: medical goods need 医疗/*, political news its category,
# prohibited goods close every path until removed, individuals are blocked.
e("extra", "max([$.medical ? $.medicalState : 0, $.politicalService ? $.newsState : 0, $.prohibited ? 2 : 0])")
# Each path's ways: the state of the category it needs and the scenarios it
# serves. A government subject's own account serves government work.
def ways(items):
    return "[" + ", ".join(f"{{s: {s}, serves: {names(*serves)}}}" for s, serves in items) + "]"


e("cloudWays", ways([("$.ecomState", ["ecommerce"]), ("$.courseState", ["class"])]))
standard = [("$.socialState", ["entertainment", "ecommerce", "class"])] + [(f"$.{k}State", sv) for k, _, sv, _ in LIVE]
e("standardWays", "$.gov ? " + ways([("0", ["government"])] + standard) + " : " + ways(standard))


def path(ways_key):
    # No declared scenario: the best way. Otherwise each declared scenario
    # needs a way serving it (the best one), and the path is as far as the
    # furthest; a scenario no way serves blocks it (3).
    best = f"min(map($.{ways_key}, #.s))"
    per = (f"max(map($.live as sc, len(filter($.{ways_key} as w, sc in w.serves)) > 0 ? "
           f"min(map(filter($.{ways_key} as w, sc in w.serves), #.s)) : 3))")
    return f"$.subject == 'individual' ? 3 : len($.live) == 0 ? max([{best}, $.extra]) : max([{per}, $.extra])"


e("cloud", path("cloudWays"))
e("standard", path("standardWays"))
e("best", "min([$.cloud, $.standard])")

STATUS = "['available', 'pending', 'actionable', 'blocked']"
paths_exprs = [
    {"id": "p1", "key": "paths.cloud_live_plugin", "value": f"{STATUS}[cloud]"},
    {"id": "p2", "key": "paths.standard_live_tags", "value": f"{STATUS}[standard]"},
    {"id": "p3", "key": "best", "value": "best"},
]

graph = {
    "nodes": [
        {"id": "input", "name": "profile", "type": "inputNode", "content": {}},
        {"id": "resolve", "name": "resolve and qualify", "type": "expressionNode",
         "content": {"expressions": exprs, "passThrough": False}},
        {"id": "paths", "name": "path statuses", "type": "expressionNode",
         "content": {"expressions": paths_exprs, "passThrough": False}},
        {"id": "verdict", "name": "verdict", "type": "decisionTableNode",
         "content": {
             "hitPolicy": "first",
             "passThrough": True,
             "inputs": [{"id": "in_best", "name": "best path", "field": "best"}],
             "outputs": [{"id": "out_verdict", "name": "verdict", "field": "verdict"}],
             "rules": [
                 {"_id": "r0", "in_best": "0", "out_verdict": "'eligible'"},
                 {"_id": "r1", "in_best": "1", "out_verdict": "'pending'"},
                 {"_id": "r2", "in_best": "2", "out_verdict": "'needs_action'"},
                 {"_id": "r3", "in_best": "", "out_verdict": "'ineligible'"},
             ],
         }},
        {"id": "output", "name": "result", "type": "outputNode", "content": {}},
    ],
    "edges": [
        {"id": "e1", "sourceId": "input", "targetId": "resolve"},
        {"id": "e2", "sourceId": "resolve", "targetId": "paths"},
        {"id": "e3", "sourceId": "paths", "targetId": "verdict"},
        {"id": "e4", "sourceId": "verdict", "targetId": "output"},
    ],
}
print(json.dumps(graph, ensure_ascii=False, indent=1))
