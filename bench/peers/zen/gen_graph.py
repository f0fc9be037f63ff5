#!/usr/bin/env python3
"""Writes livegate.jdm.json: the seed's rules as a GoRules ZEN decision graph.

The graph is data; this script only keeps its long expressions readable (JDM
stores every expression on one line). Regenerate with:
    python3 bench/peers/zen/gen_graph.py > bench/peers/zen/livegate.jdm.json
"""
import json


def names(*xs):
    return "[" + ", ".join("'" + x + "'" for x in xs) + "]"


DOCS = {
    "telecom": names("telecom_value_added_license", "增值电信业务经营许可证", "《增值电信业务经营许可证》", "icp经营许可证", "icp许可证", "edi许可证"),
    "agreement": names("platform_service_agreement", "电商平台服务协议、交易规则", "服务协议", "交易规则", "服务协议、交易规则"),
    "admission": names("merchant_admission_rules", "电商平台对入驻经营者的审核要求或规范文件", "对入驻经营者的审核要求或规范文件", "入驻规范"),
    "disputes": names("dispute_resolution_mechanism", "电商平台对用户交易纠纷处理的机制或方案", "交易纠纷处理机制或方案", "交易纠纷处理机制"),
    "refusal": names("license_not_accepted_notice", "行政许可不予受理通知书"),
    "bizLicense": names("business_license", "营业执照"),
    "planForm": names("business_plan_technical_form", "业务发展和实施计划及技术方案专用表格"),
    "appForm": names("telecom_license_application_form", "电信业务经营许可证申请表"),
    "personnel": names("company_personnel_form", "公司及人员情况表"),
    "security": names("network_security_measures", "网络与信息安全保障措施"),
    "shareholders": names("shareholder_tracing_materials", "股东追溯及其相关证明材料", "股东追溯材料"),
    "commitment": names("lawful_operation_commitment", "依法经营电信业务承诺书"),
    "audiovisual": names("audiovisual_program_license", "信息网络传播视听节目许可证", "《信息网络传播视听节目许可证》", "视听许可证"),
    "culture": names("network_culture_license", "网络文化经营许可证", "《网络文化经营许可证》", "文网文"),
    "creditCode": names("credit_code_certificate", "统一社会信用代码", "统一社会信用代码证书"),
    "letter": names("situation_letter", "情况说明函件", "情况说明函"),
    "news": names("internet_news_license", "互联网新闻信息服务许可证"),
    "icpFiling": names("non_commercial_icp_filing", "非经营性互联网信息服务备案核准", "icp备案"),
    "orgCode": names("organization_code_certificate", "组织机构代码证"),
}

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
# Goods and services.
e("goodsIds", "map(goods ?? [], lower(trim(#)))")
e("medical", "some($.goodsIds, # in ['medical_device', '医疗器械', 'otc_drug', '非处方药品', '非处方药', 'otc'])")
e("prohibited", "some($.goodsIds, # in ['aphrodisiac', '催情香水/催情药品', '催情香水', '催情药品', 'illegal_goods', '违法违规商品'])")
e("politicalService", "some(map(services ?? [], lower(trim(#))), # in ['political_news', '时政信息服务', '时政信息'])")
# Categories: label, first level, status rank (approved 0, pending 1, rejected 2, planned 3).
e("cats", "map(categories ?? [], {"
  "label: #.second != null ? trim(#.first) + '/' + trim(#.second) : trim(#.first), "
  "rank: #.status == null ? 0 : trim(#.status) == 'approved' ? 0 : trim(#.status) == 'pending' ? 1 : trim(#.status) == 'rejected' ? 2 : 3})")
e("ecomRanks", "map(filter($.cats, #.label in ['电商平台/电商平台', '电商平台-电商平台']), #.rank)")
e("socialRanks", "map(filter($.cats, #.label in ['社交/直播', '社交-直播']), #.rank)")
e("newsRanks", "map(filter($.cats, #.label in ['时政信息/时政信息', '时政信息-时政信息']), #.rank)")
e("medicalRanks", "map(filter($.cats, #.label == '医疗' or startsWith(#.label, '医疗/') or startsWith(#.label, '医疗-')), #.rank)")
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
e("medicalState", state("medicalRanks", None))
# Conditional rules: medical goods need 医疗/*, political news its category,
# prohibited goods close every path until removed, individuals are blocked.
e("extra", "max([$.medical ? $.medicalState : 0, $.politicalService ? $.newsState : 0, $.prohibited ? 2 : 0])")
e("cloud", "$.subject == 'individual' ? 3 : max([$.ecomState, $.extra])")
e("standard", "$.subject == 'individual' ? 3 : $.gov ? min([max([$.socialState, $.extra]), $.extra]) : max([$.socialState, $.extra])")
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
