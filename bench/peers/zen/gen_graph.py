#!/usr/bin/env python3
"""Writes livegate.jdm.json: livegate's rules as a GoRules ZEN decision graph.

Written from the seed page (Tencent Cloud, 类目申请资质要求:
https://cloud.tencent.com/document/product/1078/43316), WeChat's table of the
categories that open live-player/live-pusher
(https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html)
and WeChat's category catalogue
(https://developers.weixin.qq.com/miniprogram/product/material/, read in
docs/sources/wechat-categories-2026-02.txt: each category's 资质要求 below is
that page's "N选1" list), as the Rego peer (bench/peers/rego/livegate.rego)
states them; not from the engine's code. Like the Rego, it decides the verdict
and each access path's status.

ZEN's expression language has no string replacement, so the name
normalisation the Rego applies (trim, drop 《》【】 and spaces, fold case and
full-width brackets, read "-" between category levels as "/") is done here,
ahead of time: every name is listed in the spellings that normalise to it and
that applicants write (as is, lower case, in 《》 or not, with full- or
half-width brackets, "/" or "-"), and the graph looks lower(trim(name)) up
in those lists. (The lists are a chain of `x in [...] ? key : …`, built only
as far as the chain goes: an object literal from spelling to key would be
built anew, all of it, for every profile.)

The graph is data; this script only keeps its long expressions readable (JDM
stores every expression on one line). Regenerate with:
    python3 bench/peers/zen/gen_graph.py > bench/peers/zen/livegate.jdm.json
"""
import json

# ---------------------------------------------------------------- names


def norm(s):
    """The Rego's norm: what two spellings of one name have in common."""
    s = s.strip()
    for a, b in [("《", ""), ("》", ""), ("【", ""), ("】", ""), (" ", "")]:
        s = s.replace(a, b)
    s = s.lower().replace("-", "/")
    return s.replace("（", "(").replace("）", ")")


def spellings(name, brackets=True):
    """The written forms of a name, as lower(trim(x)) reads them: as is and
    normalised, with either width of brackets, "/" or "-", and (for a
    Chinese document name, with `brackets`) in 《》."""
    out = set()
    for s in {name.strip().lower(), norm(name)}:
        for t in {s, s.replace("(", "（").replace(")", "）"), s.replace("（", "(").replace("）", ")")}:
            for u in {t, t.replace("/", "-"), t.replace("-", "/")}:
                out.add(u)
                if brackets and not u.isascii():
                    out.add("《" + u + "》")
    assert all(norm(x) == norm(name) for x in out), name
    return out


def quote(s):
    assert "'" not in s and "\\" not in s, s
    return "'" + s + "'"


def names(*xs):
    return "[" + ", ".join(quote(x) for x in xs) + "]"


def lookup(x, groups):
    """The key whose spellings (`groups`: key to spellings) include x, a
    lowered and trimmed name, or null. No spelling may name two keys (the
    Rego's tables could not hold it either)."""
    seen = {}
    for key, written in groups.items():
        for w in written:
            assert seen.get(w, key) == key, (w, key, seen[w])
            seen[w] = key
    return " : ".join(f"{x} in {names(*written)} ? '{key}'" for key, written in groups.items()) + " : null"


def spelled_groups(groups, brackets=True):
    """Each key's names in every spelling."""
    return {key: sorted({s for w in written for s in spellings(w, brackets)}) for key, written in groups.items()}


def spelled(*xs, brackets=False):
    """A list of every spelling of some names."""
    return names(*sorted({s for x in xs for s in spellings(x, brackets)}))


# 主体类型: id, Chinese name, or WeChat's verify_type 0-4.
SUBJECTS = {
    "individual": ("individual", "个人", "0"),
    "enterprise": ("enterprise", "企业", "1"),
    "government": ("government", "政府", "2"),
    "media": ("media", "媒体", "3"),
    "other_org": ("other_org", "其他组织", "4"),
}

GOODS = {
    "medical_device": ("medical_device", "医疗器械"),
    "otc_drug": ("otc_drug", "非处方药品", "非处方药", "OTC"),
    "prescription_drug": ("prescription_drug", "处方药", "处方药品", "Rx"),
    "aphrodisiac": ("aphrodisiac", "催情香水/催情药品", "催情香水", "催情药品"),
    "illegal_goods": ("illegal_goods", "其他违法违规商品", "违法违规商品"),
}

SERVICES = {"political_news": ("political_news", "时政信息服务", "时政信息")}

# 资质: ids, WeChat's names and the usual short names, to one key each.
DOCS = {
    # 电商平台
    "telecom": ("telecom_value_added_license", "增值电信业务经营许可证", "ICP经营许可证", "ICP许可证", "EDI许可证", "增值电信经营许可证"),
    "agreement": ("platform_service_agreement", "电商平台服务协议、交易规则", "服务协议", "交易规则", "服务协议、交易规则"),
    "admission": ("merchant_admission_rules", "电商平台对入驻经营者的审核要求或规范文件", "对入驻经营者的审核要求或规范文件", "入驻规范"),
    "disputes": ("dispute_resolution_mechanism", "电商平台对用户交易纠纷处理的机制或方案", "交易纠纷处理机制或方案", "交易纠纷处理机制"),
    "refusal": ("license_not_accepted_notice", "行政许可不予受理通知书"),
    "business_license": ("business_license", "营业执照"),
    "plan_form": ("business_plan_technical_form", "业务发展和实施计划及技术方案专用表格"),
    "application_form": ("telecom_license_application_form", "电信业务经营许可证申请表"),
    "personnel_form": ("company_personnel_form", "公司及人员情况表"),
    "security": ("network_security_measures", "网络与信息安全保障措施"),
    "shareholders": ("shareholder_tracing_materials", "股东追溯及其相关证明材料", "股东追溯材料"),
    "commitment": ("lawful_operation_commitment", "依法经营电信业务承诺书"),
    "other_materials": ("other_authority_materials", "主管部门要求的其他材料", "电信主管部门要求提交的其他材料"),
    # 社交, 时政信息
    "audiovisual": ("audiovisual_program_license", "信息网络传播视听节目许可证", "视听许可证"),
    "av_filing": ("audiovisual_platform_filing", "全国网络视听平台信息登记管理系统备案", "《全国网络视听平台信息登记管理系统》备案", "网络视听平台信息登记备案", "网络视听平台备案"),
    "culture": ("network_culture_license", "网络文化经营许可证", "文网文"),
    "credit_code": ("credit_code_certificate", "统一社会信用代码证", "统一社会信用代码", "统一社会信用代码证书"),
    "letter": ("situation_letter", "情况说明函件", "情况说明函"),
    "news": ("internet_news_license", "互联网新闻信息服务许可证"),
    "icp_filing": ("non_commercial_icp_filing", "非经营性互联网信息服务备案核准", "ICP备案"),
    "org_code": ("organization_code_certificate", "组织机构代码证"),
    # 教育服务
    "public_cert": ("public_institution_certificate", "事业单位法人证书"),
    "private_school": ("private_school_license", "民办学校办学许可证"),
    "training_filing": ("offcampus_training_filing", "全国校外教育培训监管与服务综合平台备案", "校外教育培训监管与服务综合平台备案", "全国校外线上培训管理服务平台备案"),
    "edu_approval": ("education_authority_approval", "教育部门的批准文件", "教育部门批准文件"),
    # 医疗服务
    "medical_license": ("medical_institution_license", "医疗机构执业许可证"),
    "tcm_filing": ("tcm_clinic_filing", "中医诊所备案证"),
    "clinic_filing": ("clinic_filing", "诊所备案证"),
    "setup_approval": ("medical_institution_setup_approval", "设置医疗机构批准书", "卫生健康部门的设置医疗机构批准书"),
    "partner_license": ("partner_hospital_license", "合作医院的医疗机构执业许可证", "合作医院的《医疗执业机构许可证》", "合作医院的医疗执业机构许可证", "合作医院的《医疗机构执业许可证》"),
    "partner_agreement": ("partner_hospital_agreement", "与合作医院的合作协议", "合作医院合作协议"),
    "health_permission": ("internet_diagnosis_permission", "医疗主管部门许可文件"),
    "platform_connection": ("internet_medical_platform_connection", "省级互联网医疗服务监管平台对接情况证明"),
    "drug_license": ("drug_business_license", "药品经营许可证"),
    "drug_info": ("internet_drug_info_certificate", "互联网药品信息服务资格证书", "互联网药品信息服务资格证"),
    "drug_platform": ("drug_platform_filing", "药品网络交易服务第三方平台备案凭证"),
    "drug_registration": ("drug_registration_certificate", "药品注册证书"),
    "prescription_agreement": ("e_prescription_agreement", "与电子处方提供单位签订的协议", "电子处方提供单位协议"),
    "commitment_letter": ("commitment_letter", "承诺函"),
    # 金融业
    "financial_license": ("financial_license", "金融许可证"),
    "institution_license": ("financial_institution_license", "金融机构许可证"),
    "securities": ("securities_futures_license", "经营证券期货业务许可证"),
    "fund_custody": ("fund_custody_license", "基金托管业务许可证"),
    "fund_sales": ("fund_sales_certificate", "基金销售业务资格证书"),
    "fund_management": ("fund_management_certificate", "基金管理资格证书"),
    "fund_rating": ("fund_rating_listing_screenshot", "中国证券投资基金业协会官网的基金评价机构名录截图", "基金评价机构名录截图"),
    "fund_filing": ("private_fund_filing", "私募基金备案证明"),
    "manager_lookup": ("private_fund_manager_lookup_screenshot", "中国证券投资基金业协会私募基金管理人分类查询公示截图", "私募基金管理人分类查询公示截图", "私募基金管理人公示截图", "中国证券投资基金业协会私募基金管理人分类查询公示网址查询截图"),
    "fund_service": ("private_fund_service_filing", "中基协私募基金服务机构备案"),
    "fund_manager": ("private_fund_manager_registration", "私募投资基金管理人登记证书"),
    "ins_company": ("insurance_company_license", "保险公司法人许可证"),
    "ins_business": ("insurance_business_license", "经营保险业务许可证"),
    "ins_marketing": ("insurance_marketing_license", "保险营销服务许可证"),
    "ins_assessment": ("insurance_assessment_license", "经营保险公估业务许可证"),
    "ins_assessment_filing": ("insurance_assessment_filing", "经营保险公估业务备案"),
    "ins_assets": ("insurance_asset_management_license", "经营保险资产管理业务许可证"),
    "ins_licence": ("insurance_license", "保险许可证"),
    "ins_agency": ("insurance_agency_license", "经营保险代理业务许可证"),
    "ins_brokerage": ("insurance_brokerage_license", "经营保险经纪业务许可证"),
    "ins_concurrent": ("insurance_concurrent_agency_license", "保险兼业代理业务许可证"),
    "ins_intermediary": ("insurance_intermediary_license", "保险中介许可证"),
    "credit_filing": ("enterprise_credit_filing", "企业征信业务经营备案证"),
    "neeq": ("neeq_written_permission", "全国中小企业股份转让系统有限责任公司的书面许可", "全国股转公司书面许可"),
    "szse": ("szse_info_license_contract", "深圳交易所专有信息经营许可合同", "深圳证券交易所《深圳交易所专有信息经营许可合同》"),
    "sse": ("sse_info_license_contract", "上证所证券信息经营许可合同", "上海证券交易所《上证所证券信息经营许可合同》"),
    "cbirc": ("cbirc_opening_approval", "银监会核准开业的审批文件"),
    "guarantee": ("financing_guarantee_license", "融资担保业务经营许可证"),
    # 汽车服务
    "vehicle_permit": ("vehicle_manufacturer_permit", "工信部道路机动车辆生产企业准入许可"),
    "sales_authorisation": ("manufacturer_sales_authorisation", "厂商授权销售文件"),
    "equity_letter": ("equity_relationship_letter", "股权关系证明函"),
    # IT科技, 房地产服务, 商业服务, 政务民生
    "ccc": ("ccc_certificate", "中国国家强制性产品认证证书", "3C认证证书", "CCC认证证书", "3C证书"),
    "presale": ("presale_permit", "商品房预售许可证"),
    "sales_permit": ("housing_sales_permit", "商品房销售许可证"),
    "spot_sale": ("spot_sale_filing", "商品房现售备案证明"),
    "notary_licence": ("notary_practice_license", "公证机构执业证"),
    "gov_authorisation": ("government_authorization", "资质授权文件", "相关政府部门的资质授权文件", "相关政府部门的《资质授权文件》"),
    "notary_agreement": ("notary_office_agreement", "与公证处的合作协议"),
}

# Documents WeChat asks for as another party holds them (a partner
# hospital's licence, the manufacturer's permit and authorisation, an
# agreement with a partner): their holder need not be the subject.
OTHERS_MAY_HOLD = ["partner_license", "partner_agreement", "prescription_agreement", "vehicle_permit", "sales_authorisation", "notary_agreement"]

# 场景: ids, the names WeChat's table gives them, and their short forms.
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
    "real_estate": ("real_estate_marketing", "房地产营销直播服务、在线音视频带看等", "房地产直播", "在线带看", "看房直播"),
    "notary": ("notary_online", "在线业务办理等（公证）", "在线公证", "公证业务办理"),
    "hk_transport": ("hk_macao_transport_affairs", "港澳特区政府主体提供当地的交通管理相关政务服务（如道路运输、车辆管理等）", "港澳交通政务", "港澳交通管理政务服务"),
}

# ---------------------------------------------------------------- attributes
#
# The values a document must show, as the catalogue quotes them: each with
# its id, its Chinese name, its code and its other names.
VALUES = {
    "b21": ("online_data_processing", "B21", "在线数据处理与交易处理业务"),
    "b22": ("domestic_multiparty_communication", "B22", "国内多方通信服务业务"),
    "car": ("car_production", "汽车生产", "car_sales", "汽车销售"),
    "leasing": ("finance_leasing", "融资租赁", "融资租赁业务"),
    "auto_finance": ("auto_finance", "汽车金融", "financial_leasing", "金融租赁", "finance_leasing", "融资租赁", "融资租赁业务"),
    "internet_diagnosis": ("internet_diagnosis", "互联网诊疗", "internet_hospital_name", "名称含“互联网医院”", "互联网医院"),
    "retail": ("drug_retail", "零售", "药品零售"),
    "retail_or_wholesale": ("drug_retail", "零售", "药品零售", "drug_wholesale", "批发", "药品批发"),
    "insurance": ("insurance", "保险"),
    "fund": ("fund", "基金"),
    "trading": ("securities_brokerage", "证券经纪", "securities_underwriting", "证券承销与保荐", "securities_proprietary", "证券自营",
                "commodity_futures_brokerage", "商品期货经纪", "financial_futures_brokerage", "金融期货经纪"),
}

# Each constraint: the document, the attribute it reads, the values it takes.
CONSTRAINTS = {
    "telecom_b21": ("telecom", "service_items", "b21"),
    "telecom_b22": ("telecom", "service_items", "b22"),
    "licence_car": ("business_license", "business_scope", "car"),
    "licence_leasing": ("business_license", "business_scope", "leasing"),
    "licence_auto_finance": ("business_license", "business_scope", "auto_finance"),
    "medical_internet": ("medical_license", "practice_scope", "internet_diagnosis"),
    "drug_retail": ("drug_license", "drug_business_scope", "retail"),
    "drug_any": ("drug_license", "drug_business_scope", "retail_or_wholesale"),
    "financial_insurance": ("financial_license", "finance_scope", "insurance"),
    "securities_fund": ("securities", "securities_business", "fund"),
    "securities_trading": ("securities", "securities_business", "trading"),
}

# ---------------------------------------------------------------- categories
#
# Each category by its first and second level. The first levels WeChat
# renamed (教育 → 教育服务, 医疗 → 医疗服务, 金融 → 金融业, 汽车 → 汽车服务,
# 房地产 → 房地产服务, 公共服务 → 政务民生) are read under either name.
FIRST_NAMES = {
    "教育服务": ("教育服务", "教育"),
    "医疗服务": ("医疗服务", "医疗"),
    "金融业": ("金融业", "金融"),
    "汽车服务": ("汽车服务", "汽车"),
    "房地产服务": ("房地产服务", "房地产"),
    "商业服务": ("商业服务",),
    "政务民生": ("政务民生", "公共服务"),
    "电商平台": ("电商平台",),
    "社交": ("社交",),
    "时政信息": ("时政信息",),
    "IT科技": ("IT科技",),
}

# (first, second, id); a second level written two ways is listed twice.
CATEGORY_ROWS = [
    ("电商平台", "电商平台", "ecommerce_platform"),
    ("社交", "直播", "social_live"),
    ("社交", "直播表演", "performance_live"),
    ("时政信息", "时政信息", "political_news"),
    ("教育服务", "在线视频课程", "online_course"),
    ("医疗服务", "互联网医院", "internet_hospital"),
    ("医疗服务", "公立医疗机构", "public_medical"),
    ("医疗服务", "三级私立医疗机构", "tertiary_private_medical"),
    ("医疗服务", "其他私立医疗机构", "private_medical"),
    ("医疗服务", "私立医疗机构", "private_medical"),
    ("医疗服务", "处方药服务", "prescription_service"),
    ("金融业", "银行", "fin_bank"),
    ("金融业", "信托", "fin_trust"),
    ("金融业", "公募基金", "fin_public_fund"),
    ("金融业", "私募基金", "private_fund"),
    ("金融业", "证券/期货", "fin_securities"),
    ("金融业", "证券/期货投资咨询", "fin_advice"),
    ("金融业", "证券、期货投资咨询", "fin_advice"),
    ("金融业", "保险", "fin_insurance"),
    ("金融业", "企业征信", "fin_credit"),
    ("金融业", "新三板信息服务平台", "fin_neeq"),
    ("金融业", "股票信息服务平台", "fin_stock"),
    ("金融业", "股票信息服务平台（港股/美股）", "fin_stock_hk_us"),
    ("金融业", "消费金融", "fin_consumer"),
    ("金融业", "融资担保", "fin_guarantee"),
    ("金融业", "汽车金融/融资租赁", "fin_auto_leasing"),
    ("汽车服务", "汽车预售", "car_presale"),
    ("汽车服务", "汽车预售服务", "car_presale"),
    ("IT科技", "多方通信", "multiparty"),
    ("IT科技", "音视频设备", "av_equipment"),
    ("房地产服务", "房地产营销", "real_estate"),
    ("商业服务", "公证", "notary"),
    ("政务民生", "交通运输", "gov_transport"),
]
CATEGORY_IDS = list(dict.fromkeys(row[2] for row in CATEGORY_ROWS))

FINANCE_ROWS = ["fin_bank", "fin_trust", "fin_public_fund", "private_fund", "fin_securities", "fin_advice", "fin_insurance",
                "fin_credit", "fin_neeq", "fin_stock", "fin_stock_hk_us", "fin_consumer", "fin_guarantee", "fin_auto_leasing"]
MEDICAL_ROWS = ["internet_hospital", "public_medical", "tertiary_private_medical", "private_medical", "prescription_service"]

# WeChat's catalogue has no row for 社交/直播表演, the one live category of
# the live-player table without a list: its documents count only once the
# person confirms holding what WeChat asks.
UNSOURCED = ["performance_live"]


def category_labels():
    """Every label each category is written with: first + second (read as
    "first/second"), or one field "first/second" or "first-second"."""
    out = {}
    for first, second, cid in CATEGORY_ROWS:
        for f in FIRST_NAMES[first]:
            for s in sorted(spellings(second, brackets=False)):
                for sep in "/-":
                    label = f.lower() + sep + s
                    assert norm(label) == norm(f + "/" + second)
                    out.setdefault(cid, [])
                    if label not in out[cid]:
                        out[cid].append(label)
    return out


# The scenarios each category covers (WeChat's table; 社交/直播 also keeps
# the seed page's 娱乐性质 live).
COVERS = {
    "ecommerce_platform": ["ecommerce"],
    "social_live": ["entertainment", "ecommerce", "class"],
    "performance_live": ["performance"], "online_course": ["class"],
    "internet_hospital": ["medical"], "public_medical": ["medical"], "private_medical": ["medical"], "tertiary_private_medical": ["medical"],
    "car_presale": ["car"], "multiparty": ["conference"], "av_equipment": ["camera"],
    "real_estate": ["real_estate"], "notary": ["notary"],
}
COVERS.update({cid: ["finance"] for cid in FINANCE_ROWS})

# ---------------------------------------------------------------- qualifications
#
# The "N 选 1" of each category: any one alternative, each needing all of
# its documents (or constraints, by the keys above); some alternatives apply
# to government subjects only.


def has(key):
    return f"'{key}' in $.held"


def all_of(*keys):
    return "(" + " and ".join(has(k) for k in keys) + ")"


def any_of(*keys):
    return "(" + " or ".join(has(k) for k in keys) + ")"


def either(*alternatives):
    return "(" + " or ".join(alternatives) + ")"


GOV = "$.subject == 'government'"
# 电商平台 (2选1): the licence with 在线数据处理与交易处理业务 and the three
# platform documents; or the refusal notice, the application's documents
# (其他材料 only as the authority asks) and the three.
PLATFORM_RULES = ["agreement", "admission", "disputes"]
APPLICATION = ["business_license", "plan_form", "application_form", "personnel_form", "security", "shareholders", "commitment"]
PRESCRIPTION = ["drug_info", "prescription_agreement", "commitment_letter"]
INSURERS = ["ins_company", "ins_business", "ins_marketing", "ins_assessment", "ins_assessment_filing", "ins_assets", "ins_licence"]
INTERMEDIARIES = ["ins_agency", "ins_brokerage", "ins_concurrent", "ins_intermediary"]

QUALIFIED = {
    "ecommerce_platform": either(all_of("telecom_b21", *PLATFORM_RULES), all_of("refusal", *APPLICATION, *PLATFORM_RULES)),
    # 社交/直播 (3选1).
    "social_live": either(any_of("audiovisual", "av_filing"), f"({GOV} and {all_of('credit_code', 'letter')})"),
    # 时政信息 (2选1): a news licence; a government's ICP filing and credit code.
    "political_news": either(all_of("news"), f"({GOV} and {all_of('icp_filing', 'credit_code')})"),
    # 教育服务/在线视频课程 (5选1).
    "online_course": any_of("public_cert", "private_school", "audiovisual", "training_filing", "edu_approval"),
    # 医疗服务.
    "internet_hospital": either(any_of("setup_approval", "medical_internet"),
                                f"({all_of('partner_license', 'partner_agreement')} and {any_of('health_permission', 'platform_connection')})"),
    "public_medical": all_of("medical_license", "public_cert"),
    "tertiary_private_medical": all_of("medical_license"),
    "private_medical": any_of("medical_license", "tcm_filing", "clinic_filing"),
    "prescription_service": either(all_of("drug_any", *PRESCRIPTION), all_of("drug_platform", *PRESCRIPTION),
                                   all_of("drug_registration", "drug_retail", *PRESCRIPTION)),
    # 金融业.
    "fin_bank": any_of("financial_license", "institution_license"),
    "fin_trust": any_of("financial_license", "institution_license"),
    "fin_public_fund": any_of("securities_fund", "fund_custody", "fund_sales", "fund_management", "fund_rating"),
    "private_fund": any_of("fund_filing", "manager_lookup", "fund_service"),
    "fin_securities": all_of("securities_trading"),
    "fin_advice": all_of("securities"),
    "fin_insurance": any_of(*INSURERS, *INTERMEDIARIES, "financial_insurance"),
    "fin_credit": all_of("credit_filing", "business_license"),
    "fin_neeq": all_of("neeq"),
    "fin_stock": all_of("telecom", "szse", "sse"),
    # 股票信息服务平台（港股/美股）: the catalogue asks for nothing ("/").
    "fin_stock_hk_us": "true",
    "fin_consumer": all_of("cbirc", "financial_license", "business_license"),
    "fin_guarantee": all_of("guarantee"),
    "fin_auto_leasing": either(all_of("financial_license", "licence_auto_finance"), all_of("licence_leasing")),
    # 汽车服务/汽车预售 (3选1): manufacturer, dealer, subsidiary; the business
    # licence must cover car production or sales.
    "car_presale": either(all_of("licence_car", "vehicle_permit"), all_of("licence_car", "sales_authorisation", "vehicle_permit"),
                          all_of("licence_car", "vehicle_permit", "equity_letter")),
    # IT科技, 房地产服务, 商业服务, 政务民生.
    "multiparty": all_of("telecom_b22"),
    "av_equipment": all_of("ccc"),
    "real_estate": any_of("presale", "sales_permit", "spot_sale"),
    "notary": any_of("notary_licence", "public_cert", "gov_authorisation", "notary_agreement"),
    "gov_transport": any_of("credit_code", "gov_authorisation"),
    # 社交/直播表演: no list; the person's confirmation.
    "performance_live": "some($.cats, #.id == 'performance_live' and #.confirmed)",
}
assert set(QUALIFIED) == set(CATEGORY_IDS)

# ---------------------------------------------------------------- expressions


def as_list(x):
    return f"(type({x}) == 'array' ? {x} : type({x}) == 'string' ? [{x}] : [])"


exprs = []


def e(key, value):
    exprs.append({"id": key, "key": key, "value": value})


# Subject type: id, Chinese name or verify_type.
e("subjectKey", "lower(trim(string(subject.type)))")
e("subject", lookup("$.subjectKey", spelled_groups(SUBJECTS, brackets=False)))
e("gov", "$.subject == 'government'")
# Each document with its key. It counts while in force on as_of and when it
# is the subject's own (or one WeChat asks of another party).
e("named", "map(map(documents ?? [], {doc: #, name: lower(trim(#.kind))}), "
  "{doc: #.doc, key: " + lookup("#.name", spelled_groups(DOCS)) + "})")
e("docs", "filter($.named, "
  "(#.doc.valid_until == null or as_of == null or d(#.doc.valid_until) >= d(as_of)) and "
  "(#.doc.valid_from == null or as_of == null or d(#.doc.valid_from) <= d(as_of)) and "
  "(#.doc.holder == null or subject.name == null or #.doc.holder == subject.name or "
  f"#.key in {names(*OTHERS_MAY_HOLD)}))")
# What is held: each counted document's key, and each constraint a counted
# document of its kind meets (an attribute, one value or a list, showing one
# of the values).
attr_keys = []
for key, (doc, attribute, values) in CONSTRAINTS.items():
    shows = f"some({as_list('d.doc.' + attribute)} as v, lower(trim(v)) in {spelled(*VALUES[values])})"
    attr_keys.append(f"some($.docs as d, d.key == '{doc}' and {shows}) ? '{key}' : null")
e("held", "flatten([map($.docs, #.key), filter([" + ", ".join(attr_keys) + "], # != null)])")
# Declared scenarios, as ids (unknown ones are dropped).
e("live", "filter(map(map(scenarios ?? [], lower(trim(#))), " + lookup("#", spelled_groups(SCENARIOS, brackets=False)) + "), # != null)")
# Goods and services.
e("goodsIds", "map(map(goods ?? [], lower(trim(#))), " + lookup("#", spelled_groups(GOODS, brackets=False)) + ")")
e("medicalGoods", "some($.goodsIds, # in ['medical_device', 'otc_drug'])")
e("prescriptionGoods", "'prescription_drug' in $.goodsIds")
e("prohibited", "some($.goodsIds, # in ['aphrodisiac', 'illegal_goods'])")
e("politicalService", f"some(services ?? [], lower(trim(#)) in {spelled(*SERVICES['political_news'])})")
# Categories: label ("first/second", or first alone when it has no second),
# first level, status rank (approved or none 0, pending 1, rejected 2,
# planned 3) and whether the person confirms the documents.
FIRST_ONLY = "trim(split(split(trim(#.first), '/')[0], '-')[0])"
e("listed", "map(categories ?? [], {"
  "label: lower(type(#.second) == 'string' ? trim(#.first) + '/' + trim(#.second) : trim(#.first)), "
  f"first: lower(type(#.second) == 'string' ? trim(#.first) : {FIRST_ONLY}), "
  "rank: #.status == null ? 0 : trim(#.status) == 'approved' ? 0 : trim(#.status) == 'pending' ? 1 : trim(#.status) == 'rejected' ? 2 : 3, "
  "confirmed: #.documents_confirmed == true})")
e("cats", "map($.listed, {id: " + lookup("#.label", category_labels()) + ", first: #.first, rank: #.rank, confirmed: #.confirmed})")
# The best status each category is listed with (9: not listed).
e("bestRank", "{" + ", ".join(f"{cid}: min(flatten([map(filter($.cats, #.id == '{cid}'), #.rank), [9]]))" for cid in CATEGORY_IDS) + "}")
# Approved: held (0). Submitted and qualified: pending review (1). Anything
# else (absent, planned, rejected, or submitted without its documents):
# something to do (2). Every category here has an alternative open to every
# subject type that is not blocked, so none is ever blocked.
e("state", "{" + ", ".join(f"{cid}: $.bestRank.{cid} == 0 ? 0 : ($.bestRank.{cid} == 1 and {QUALIFIED[cid]}) ? 1 : 2" for cid in CATEGORY_IDS) + "}")
# 入驻商家如涉医疗器械、非处方药品在线销售，需补充医疗相关类目: any listed category
# of the first level 医疗服务 (or 医疗), whichever second level; a known one
# by its state, another by its status alone; none listed, something to do.
MEDICAL_FIRST = spelled("医疗服务", "医疗")
e("medicalStates", f"map(filter($.cats, #.first in {MEDICAL_FIRST} or #.id in {names(*MEDICAL_ROWS)}), "
  "#.id != null ? $.state[#.id] : [0, 1, 2, 2][#.rank])")
e("medical", "len($.medicalStates) > 0 ? min($.medicalStates) : 2")
# Rules that add to every way: medical goods need 医疗服务/*, prescription
# drugs 医疗服务/处方药服务 (该类目不支持在线销售处方药), political news its
# category; prohibited goods (催情香水/催情药品等违法违规商品) close every
# path until removed.
e("extra", "max([$.medicalGoods ? $.medical : 0, $.prescriptionGoods ? $.state.prescription_service : 0, "
  "$.politicalService ? $.state.political_news : 0, $.prohibited ? 2 : 0])")


# Each path's ways: the state of the category it needs and the scenarios it
# serves. 具备【电商平台】类目 (or, for classes, 教育服务/在线视频课程) →
# 小程序·云直播插件; 具备【社交-直播】or another live category of WeChat's
# table, or a government subject's own account → 标准直播+直播标签.
# (政务民生/交通运输 serves only Hong Kong and Macao government bodies, which
# the generator never writes.)
def ways(items):
    return "[" + ", ".join(f"{{s: {s}, serves: {names(*serves)}}}" for s, serves in items) + "]"


e("cloudWays", ways([("$.state.ecommerce_platform", COVERS["ecommerce_platform"]), ("$.state.online_course", COVERS["online_course"])]))
standard = [(f"$.state.{cid}", serves) for cid, serves in COVERS.items() if cid != "ecommerce_platform"]
e("standardWays", "$.gov ? " + ways([("0", ["government"])] + standard) + " : " + ways(standard))


def path(ways_key):
    # 个人认证的微信小程序暂不支持直播业务: an individual is blocked (3). With no
    # declared scenario, the best way; otherwise each declared scenario
    # needs a way serving it (the best one), and the path is as far as the
    # furthest; a scenario no way serves blocks it (3). The rules above add
    # to every way.
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
