# livegate's rules as a Rego policy: the independent oracle of the
# differential test (crates/batch/tests/differential.rs) and a benchmark peer.
#
# Written from the source page (Tencent Cloud, 类目申请资质要求:
# https://cloud.tencent.com/document/product/1078/43316), WeChat's table of
# the categories that open live-player/live-pusher
# (https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html),
# WeChat's category catalogue (https://developers.weixin.qq.com/miniprogram/product/material/,
# read in docs/sources/wechat-categories-2026-02.txt: each category's
# 资质要求 below is that page's "N选1" list) and the semantics the engine's
# tests describe, not from the engine's code. It decides what the
# differential test compares: the verdict and each access path's status.
#
# Input: a profile as livegate reads it (JSON). Output, data.livegate.result:
#   {"verdict": "eligible|pending|needs_action|ineligible",
#    "paths": {"cloud_live_plugin": STATUS, "standard_live_tags": STATUS}}
# with STATUS one of available, pending, actionable, blocked.
#
# The generator writes holders that are absent, exactly the subject's name or
# a plainly different company, and ISO dates: plain string comparison is
# enough here. It writes no region: every subject is a mainland one.
package livegate

import rego.v1

# ---------------------------------------------------------------- names
#
# Names are matched after trimming, dropping 《》【】 and spaces, folding
# ASCII case and full-width brackets, and reading "-" between category
# levels as "/".

norm(s) := lower(replace(replace(replace(replace(replace(replace(replace(replace(trim_space(s), "《", ""), "》", ""), "【", ""), "】", ""), " ", ""), "-", "/"), "（", "("), "）", ")"))

# 主体类型: id, Chinese name, or WeChat's verify_type 0-4.
subject_names := {
	"individual": "individual", "个人": "individual", "0": "individual",
	"enterprise": "enterprise", "企业": "enterprise", "1": "enterprise",
	"government": "government", "政府": "government", "2": "government",
	"media": "media", "媒体": "media", "3": "media",
	"other_org": "other_org", "其他组织": "other_org", "4": "other_org",
}

subject_key := format_int(input.subject.type, 10) if is_number(input.subject.type)

subject_key := norm(input.subject.type) if is_string(input.subject.type)

subject := subject_names[subject_key]

written_goods_names := {
	"medical_device": "medical_device", "医疗器械": "medical_device",
	"otc_drug": "otc_drug", "非处方药品": "otc_drug", "非处方药": "otc_drug", "otc": "otc_drug",
	"prescription_drug": "prescription_drug", "处方药": "prescription_drug", "处方药品": "prescription_drug", "rx": "prescription_drug",
	"aphrodisiac": "aphrodisiac", "催情香水/催情药品": "aphrodisiac", "催情香水": "aphrodisiac", "催情药品": "aphrodisiac",
	"illegal_goods": "illegal_goods", "其他违法违规商品": "illegal_goods", "违法违规商品": "illegal_goods",
}

goods_names := {norm(k): v | some k, v in written_goods_names}

service_names := {"political_news": "political_news", "时政信息服务": "political_news", "时政信息": "political_news"}

goods contains id if {
	some g in object.get(input, "goods", [])
	id := goods_names[norm(g)]
}

services contains id if {
	some s in object.get(input, "services", [])
	id := service_names[norm(s)]
}

# 资质: ids, WeChat's names and the usual short names, to one key each.
written_document_names := {
	# 电商平台
	"telecom_value_added_license": "telecom", "增值电信业务经营许可证": "telecom", "ICP经营许可证": "telecom", "ICP许可证": "telecom", "EDI许可证": "telecom", "增值电信经营许可证": "telecom",
	"platform_service_agreement": "agreement", "电商平台服务协议、交易规则": "agreement", "服务协议": "agreement", "交易规则": "agreement", "服务协议、交易规则": "agreement",
	"merchant_admission_rules": "admission", "电商平台对入驻经营者的审核要求或规范文件": "admission", "对入驻经营者的审核要求或规范文件": "admission", "入驻规范": "admission",
	"dispute_resolution_mechanism": "disputes", "电商平台对用户交易纠纷处理的机制或方案": "disputes", "交易纠纷处理机制或方案": "disputes", "交易纠纷处理机制": "disputes",
	"license_not_accepted_notice": "refusal", "行政许可不予受理通知书": "refusal",
	"business_license": "business_license", "营业执照": "business_license",
	"business_plan_technical_form": "plan_form", "业务发展和实施计划及技术方案专用表格": "plan_form",
	"telecom_license_application_form": "application_form", "电信业务经营许可证申请表": "application_form",
	"company_personnel_form": "personnel_form", "公司及人员情况表": "personnel_form",
	"network_security_measures": "security", "网络与信息安全保障措施": "security",
	"shareholder_tracing_materials": "shareholders", "股东追溯及其相关证明材料": "shareholders", "股东追溯材料": "shareholders",
	"lawful_operation_commitment": "commitment", "依法经营电信业务承诺书": "commitment",
	"other_authority_materials": "other_materials", "主管部门要求的其他材料": "other_materials", "电信主管部门要求提交的其他材料": "other_materials",
	# 社交, 时政信息
	"audiovisual_program_license": "audiovisual", "信息网络传播视听节目许可证": "audiovisual", "视听许可证": "audiovisual",
	"audiovisual_platform_filing": "av_filing", "全国网络视听平台信息登记管理系统备案": "av_filing", "《全国网络视听平台信息登记管理系统》备案": "av_filing", "网络视听平台信息登记备案": "av_filing", "网络视听平台备案": "av_filing",
	"network_culture_license": "culture", "网络文化经营许可证": "culture", "文网文": "culture",
	"credit_code_certificate": "credit_code", "统一社会信用代码证": "credit_code", "统一社会信用代码": "credit_code", "统一社会信用代码证书": "credit_code",
	"situation_letter": "letter", "情况说明函件": "letter", "情况说明函": "letter",
	"internet_news_license": "news", "互联网新闻信息服务许可证": "news",
	"non_commercial_icp_filing": "icp_filing", "非经营性互联网信息服务备案核准": "icp_filing", "ICP备案": "icp_filing",
	"organization_code_certificate": "org_code", "组织机构代码证": "org_code",
	# 教育服务
	"public_institution_certificate": "public_cert", "事业单位法人证书": "public_cert",
	"private_school_license": "private_school", "民办学校办学许可证": "private_school",
	"offcampus_training_filing": "training_filing", "全国校外教育培训监管与服务综合平台备案": "training_filing", "校外教育培训监管与服务综合平台备案": "training_filing", "全国校外线上培训管理服务平台备案": "training_filing",
	"education_authority_approval": "edu_approval", "教育部门的批准文件": "edu_approval", "教育部门批准文件": "edu_approval",
	# 医疗服务
	"medical_institution_license": "medical_license", "医疗机构执业许可证": "medical_license",
	"tcm_clinic_filing": "tcm_filing", "中医诊所备案证": "tcm_filing",
	"clinic_filing": "clinic_filing", "诊所备案证": "clinic_filing",
	"medical_institution_setup_approval": "setup_approval", "设置医疗机构批准书": "setup_approval", "卫生健康部门的设置医疗机构批准书": "setup_approval",
	"partner_hospital_license": "partner_license", "合作医院的医疗机构执业许可证": "partner_license", "合作医院的《医疗执业机构许可证》": "partner_license", "合作医院的医疗执业机构许可证": "partner_license", "合作医院的《医疗机构执业许可证》": "partner_license",
	"partner_hospital_agreement": "partner_agreement", "与合作医院的合作协议": "partner_agreement", "合作医院合作协议": "partner_agreement",
	"internet_diagnosis_permission": "health_permission", "医疗主管部门许可文件": "health_permission",
	"internet_medical_platform_connection": "platform_connection", "省级互联网医疗服务监管平台对接情况证明": "platform_connection",
	"drug_business_license": "drug_license", "药品经营许可证": "drug_license",
	"internet_drug_info_certificate": "drug_info", "互联网药品信息服务资格证书": "drug_info", "互联网药品信息服务资格证": "drug_info",
	"drug_platform_filing": "drug_platform", "药品网络交易服务第三方平台备案凭证": "drug_platform",
	"drug_registration_certificate": "drug_registration", "药品注册证书": "drug_registration",
	"e_prescription_agreement": "prescription_agreement", "与电子处方提供单位签订的协议": "prescription_agreement", "电子处方提供单位协议": "prescription_agreement",
	"commitment_letter": "commitment_letter", "承诺函": "commitment_letter",
	# 金融业
	"financial_license": "financial_license", "金融许可证": "financial_license",
	"financial_institution_license": "institution_license", "金融机构许可证": "institution_license",
	"securities_futures_license": "securities", "经营证券期货业务许可证": "securities",
	"fund_custody_license": "fund_custody", "基金托管业务许可证": "fund_custody",
	"fund_sales_certificate": "fund_sales", "基金销售业务资格证书": "fund_sales",
	"fund_management_certificate": "fund_management", "基金管理资格证书": "fund_management",
	"fund_rating_listing_screenshot": "fund_rating", "中国证券投资基金业协会官网的基金评价机构名录截图": "fund_rating", "基金评价机构名录截图": "fund_rating",
	"private_fund_filing": "fund_filing", "私募基金备案证明": "fund_filing",
	"private_fund_manager_lookup_screenshot": "manager_lookup", "中国证券投资基金业协会私募基金管理人分类查询公示截图": "manager_lookup", "私募基金管理人分类查询公示截图": "manager_lookup", "私募基金管理人公示截图": "manager_lookup", "中国证券投资基金业协会私募基金管理人分类查询公示网址查询截图": "manager_lookup",
	"private_fund_service_filing": "fund_service", "中基协私募基金服务机构备案": "fund_service",
	"private_fund_manager_registration": "fund_manager", "私募投资基金管理人登记证书": "fund_manager",
	"insurance_company_license": "ins_company", "保险公司法人许可证": "ins_company",
	"insurance_business_license": "ins_business", "经营保险业务许可证": "ins_business",
	"insurance_marketing_license": "ins_marketing", "保险营销服务许可证": "ins_marketing",
	"insurance_assessment_license": "ins_assessment", "经营保险公估业务许可证": "ins_assessment",
	"insurance_assessment_filing": "ins_assessment_filing", "经营保险公估业务备案": "ins_assessment_filing",
	"insurance_asset_management_license": "ins_assets", "经营保险资产管理业务许可证": "ins_assets",
	"insurance_license": "ins_licence", "保险许可证": "ins_licence",
	"insurance_agency_license": "ins_agency", "经营保险代理业务许可证": "ins_agency",
	"insurance_brokerage_license": "ins_brokerage", "经营保险经纪业务许可证": "ins_brokerage",
	"insurance_concurrent_agency_license": "ins_concurrent", "保险兼业代理业务许可证": "ins_concurrent",
	"insurance_intermediary_license": "ins_intermediary", "保险中介许可证": "ins_intermediary",
	"enterprise_credit_filing": "credit_filing", "企业征信业务经营备案证": "credit_filing",
	"neeq_written_permission": "neeq", "全国中小企业股份转让系统有限责任公司的书面许可": "neeq", "全国股转公司书面许可": "neeq",
	"szse_info_license_contract": "szse", "深圳交易所专有信息经营许可合同": "szse", "深圳证券交易所《深圳交易所专有信息经营许可合同》": "szse",
	"sse_info_license_contract": "sse", "上证所证券信息经营许可合同": "sse", "上海证券交易所《上证所证券信息经营许可合同》": "sse",
	"cbirc_opening_approval": "cbirc", "银监会核准开业的审批文件": "cbirc",
	"financing_guarantee_license": "guarantee", "融资担保业务经营许可证": "guarantee",
	# 汽车服务
	"vehicle_manufacturer_permit": "vehicle_permit", "工信部道路机动车辆生产企业准入许可": "vehicle_permit",
	"manufacturer_sales_authorisation": "sales_authorisation", "厂商授权销售文件": "sales_authorisation",
	"equity_relationship_letter": "equity_letter", "股权关系证明函": "equity_letter",
	# IT科技, 房地产服务, 商业服务, 政务民生
	"ccc_certificate": "ccc", "中国国家强制性产品认证证书": "ccc", "3C认证证书": "ccc", "CCC认证证书": "ccc", "3C证书": "ccc",
	"presale_permit": "presale", "商品房预售许可证": "presale",
	"housing_sales_permit": "sales_permit", "商品房销售许可证": "sales_permit",
	"spot_sale_filing": "spot_sale", "商品房现售备案证明": "spot_sale",
	"notary_practice_license": "notary_licence", "公证机构执业证": "notary_licence",
	"government_authorization": "gov_authorisation", "资质授权文件": "gov_authorisation", "相关政府部门的资质授权文件": "gov_authorisation", "相关政府部门的《资质授权文件》": "gov_authorisation",
	"notary_office_agreement": "notary_agreement", "与公证处的合作协议": "notary_agreement",
}

document_names := {norm(k): v | some k, v in written_document_names}

# Documents WeChat asks for as another party holds them (a partner
# hospital's licence, the manufacturer's permit and authorisation, an
# agreement with a partner): their holder need not be the subject.
others_may_hold := {"partner_license", "partner_agreement", "prescription_agreement", "vehicle_permit", "sales_authorisation", "notary_agreement"}

# 场景: ids, the names WeChat's table gives them, and their short forms.
written_scenario_names := {
	"ecommerce_selling": "ecommerce", "电商类直播带货": "ecommerce", "直播带货": "ecommerce", "电商直播": "ecommerce",
	"entertainment": "entertainment", "娱乐性质直播（明星直播、生活趣事直播、宠物直播等）": "entertainment", "娱乐性质直播": "entertainment", "娱乐直播": "entertainment", "明星直播": "entertainment", "生活趣事直播": "entertainment", "宠物直播": "entertainment",
	"performance": "performance", "表演类直播（游戏直播、娱乐秀场、线上演唱会、剧目直播、演艺直播等）": "performance", "表演类直播": "performance", "游戏直播": "performance", "娱乐秀场": "performance", "线上演唱会": "performance", "剧目直播": "performance", "演艺直播": "performance",
	"online_class": "class", "教育类直播（网课、在线培训、讲座等）": "class", "教育类直播": "class", "网课": "class", "在线培训": "class", "讲座": "class", "教育直播": "class",
	"medical_consultation": "medical", "问诊、大型健康讲座等直播": "medical", "问诊": "medical", "健康讲座": "medical", "医疗直播": "medical",
	"finance_service": "finance", "金融产品视频客服理赔、金融产品推广直播等": "finance", "金融直播": "finance", "视频理赔": "finance", "金融产品推广直播": "finance",
	"car_presale": "car", "汽车预售、推广直播": "car", "汽车预售": "car", "汽车直播": "car",
	"government_affairs": "government", "政府相关工作推广直播、领导讲话直播等": "government", "政务直播": "government", "领导讲话直播": "government",
	"conference_call": "conference", "为多方提供电话会议/视频会议等服务": "conference", "电话会议": "conference", "视频会议": "conference", "多方通信": "conference",
	"smart_home_camera": "camera", "智能家居场景下控制摄像头": "camera", "智能家居摄像头": "camera", "控制摄像头": "camera",
	"real_estate_marketing": "real_estate", "房地产营销直播服务、在线音视频带看等": "real_estate", "房地产直播": "real_estate", "在线带看": "real_estate", "看房直播": "real_estate",
	"notary_online": "notary", "在线业务办理等（公证）": "notary", "在线公证": "notary", "公证业务办理": "notary",
	"hk_macao_transport_affairs": "hk_transport", "港澳特区政府主体提供当地的交通管理相关政务服务（如道路运输、车辆管理等）": "hk_transport", "港澳交通政务": "hk_transport", "港澳交通管理政务服务": "hk_transport",
}

scenario_names := {norm(k): v | some k, v in written_scenario_names}

declared contains id if {
	some x in object.get(input, "scenarios", [])
	id := scenario_names[norm(x)]
}

# ---------------------------------------------------------------- attributes
#
# The values a document must show, as the catalogue quotes them: each with
# its id, its Chinese name, its code and its other names.

value_names := {
	"b21": {"online_data_processing", "b21", "在线数据处理与交易处理业务"},
	"b22": {"domestic_multiparty_communication", "b22", "国内多方通信服务业务"},
	"car": {"car_production", "汽车生产", "car_sales", "汽车销售"},
	"leasing": {"finance_leasing", "融资租赁", "融资租赁业务"},
	"auto_finance": {"auto_finance", "汽车金融", "financial_leasing", "金融租赁", "finance_leasing", "融资租赁", "融资租赁业务"},
	"internet_diagnosis": {"internet_diagnosis", "互联网诊疗", "internet_hospital_name", "名称含“互联网医院”", "互联网医院"},
	"retail": {"drug_retail", "零售", "药品零售"},
	"retail_or_wholesale": {"drug_retail", "零售", "药品零售", "drug_wholesale", "批发", "药品批发"},
	"insurance": {"insurance", "保险"},
	"fund": {"fund", "基金"},
	"trading": {"securities_brokerage", "证券经纪", "securities_underwriting", "证券承销与保荐", "securities_proprietary", "证券自营", "commodity_futures_brokerage", "商品期货经纪", "financial_futures_brokerage", "金融期货经纪"},
}

# Which attribute of which document each constraint reads.
constraints := {
	"telecom_b21": ["telecom", "service_items", "b21"],
	"telecom_b22": ["telecom", "service_items", "b22"],
	"licence_car": ["business_license", "business_scope", "car"],
	"licence_leasing": ["business_license", "business_scope", "leasing"],
	"licence_auto_finance": ["business_license", "business_scope", "auto_finance"],
	"medical_internet": ["medical_license", "practice_scope", "internet_diagnosis"],
	"drug_retail": ["drug_license", "drug_business_scope", "retail"],
	"drug_any": ["drug_license", "drug_business_scope", "retail_or_wholesale"],
	"financial_insurance": ["financial_license", "finance_scope", "insurance"],
	"securities_fund": ["securities", "securities_business", "fund"],
	"securities_trading": ["securities", "securities_business", "trading"],
}

# ---------------------------------------------------------------- documents
#
# A document counts only while in force on the evaluation date (the
# profile's as_of) and when it is the subject's own (or one WeChat asks
# of another party).

until_ok(d) if not d.valid_until

until_ok(d) if not input.as_of

until_ok(d) if d.valid_until >= input.as_of

from_ok(d) if not d.valid_from

from_ok(d) if not input.as_of

from_ok(d) if d.valid_from <= input.as_of

holder_ok(d) if not d.holder

holder_ok(d) if not input.subject.name

holder_ok(d) if d.holder == input.subject.name

holder_ok(d) if document_names[norm(d.kind)] in others_may_hold

counted contains d if {
	some d in object.get(input, "documents", [])
	until_ok(d)
	from_ok(d)
	holder_ok(d)
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

held contains id if {
	some d in counted
	id := document_names[norm(d.kind)]
}

held contains c if {
	some c, [doc, attribute, values] in constraints
	some d in counted
	document_names[norm(d.kind)] == doc
	some v in as_list(object.get(d, attribute, []))
	norm(v) in {norm(x) | some x in value_names[values]}
}

# ---------------------------------------------------------------- categories
#
# Each category by its first and second level. The first levels WeChat
# renamed (教育 → 教育服务, 医疗 → 医疗服务, 金融 → 金融业, 汽车 → 汽车服务,
# 房地产 → 房地产服务, 公共服务 → 政务民生) are read under either name.

first_names := {
	"教育服务": {"教育服务", "教育"},
	"医疗服务": {"医疗服务", "医疗"},
	"金融业": {"金融业", "金融"},
	"汽车服务": {"汽车服务", "汽车"},
	"房地产服务": {"房地产服务", "房地产"},
	"商业服务": {"商业服务"},
	"政务民生": {"政务民生", "公共服务"},
	"电商平台": {"电商平台"},
	"社交": {"社交"},
	"时政信息": {"时政信息"},
	"IT科技": {"IT科技"},
}

# [first, second, id]; a second level written two ways is listed twice.
category_rows := [
	["电商平台", "电商平台", "ecommerce_platform"],
	["社交", "直播", "social_live"],
	["社交", "直播表演", "performance_live"],
	["时政信息", "时政信息", "political_news"],
	["教育服务", "在线视频课程", "online_course"],
	["医疗服务", "互联网医院", "internet_hospital"],
	["医疗服务", "公立医疗机构", "public_medical"],
	["医疗服务", "三级私立医疗机构", "tertiary_private_medical"],
	["医疗服务", "其他私立医疗机构", "private_medical"],
	["医疗服务", "私立医疗机构", "private_medical"],
	["医疗服务", "处方药服务", "prescription_service"],
	["金融业", "银行", "fin_bank"],
	["金融业", "信托", "fin_trust"],
	["金融业", "公募基金", "fin_public_fund"],
	["金融业", "私募基金", "private_fund"],
	["金融业", "证券/期货", "fin_securities"],
	["金融业", "证券/期货投资咨询", "fin_advice"],
	["金融业", "证券、期货投资咨询", "fin_advice"],
	["金融业", "保险", "fin_insurance"],
	["金融业", "企业征信", "fin_credit"],
	["金融业", "新三板信息服务平台", "fin_neeq"],
	["金融业", "股票信息服务平台", "fin_stock"],
	["金融业", "股票信息服务平台（港股/美股）", "fin_stock_hk_us"],
	["金融业", "消费金融", "fin_consumer"],
	["金融业", "融资担保", "fin_guarantee"],
	["金融业", "汽车金融/融资租赁", "fin_auto_leasing"],
	["汽车服务", "汽车预售", "car_presale"],
	["汽车服务", "汽车预售服务", "car_presale"],
	["IT科技", "多方通信", "multiparty"],
	["IT科技", "音视频设备", "av_equipment"],
	["房地产服务", "房地产营销", "real_estate"],
	["商业服务", "公证", "notary"],
	["政务民生", "交通运输", "gov_transport"],
]

category_ids := {norm(concat("/", [name, row[1]])): row[2] |
	some row in category_rows
	some name in first_names[row[0]]
}

finance_rows := {"fin_bank", "fin_trust", "fin_public_fund", "private_fund", "fin_securities", "fin_advice", "fin_insurance", "fin_credit", "fin_neeq", "fin_stock", "fin_stock_hk_us", "fin_consumer", "fin_guarantee", "fin_auto_leasing"}

medical_rows := {"internet_hospital", "public_medical", "tertiary_private_medical", "private_medical", "prescription_service"}

# WeChat's catalogue has no row for 社交/直播表演, the one live category of
# the live-player table without a list: its documents count only once the
# person confirms holding what WeChat asks.
unsourced := {"performance_live"}

# The scenarios each category covers (WeChat's table; 社交/直播 also keeps
# the seed page's 娱乐性质 live).
covers := object.union(named_covers, {id: {"finance"} | some id in finance_rows})

named_covers := {
	"ecommerce_platform": {"ecommerce"},
	"social_live": {"entertainment", "ecommerce", "class"},
	"performance_live": {"performance"}, "online_course": {"class"},
	"internet_hospital": {"medical"}, "public_medical": {"medical"}, "private_medical": {"medical"}, "tertiary_private_medical": {"medical"},
	"car_presale": {"car"}, "multiparty": {"conference"}, "av_equipment": {"camera"},
	"real_estate": {"real_estate"}, "notary": {"notary"},
}

has_second(c) if is_string(c.second)

label(c) := concat("/", [trim_space(c.first), trim_space(c.second)]) if has_second(c)

label(c) := trim_space(c.first) if not has_second(c)

first_level(c) := trim_space(c.first) if has_second(c)

first_level(c) := trim_space(split(replace(trim_space(c.first), "-", "/"), "/")[0]) if not has_second(c)

status_rank := {"approved": 0, "pending": 1, "rejected": 2, "planned": 3}

listed_rank(c) := status_rank[trim_space(c.status)] if c.status

listed_rank(c) := 0 if not c.status

categories := object.get(input, "categories", [])

# The best status a category is listed with.
category_set := {row[2] | some row in category_rows}

best[id] := min(ranks) if {
	some id in category_set
	ranks := [listed_rank(c) | some c in categories; category_ids[norm(label(c))] == id]
	count(ranks) > 0
}

confirmed(id) if {
	some c in categories
	category_ids[norm(label(c))] == id
	c.documents_confirmed == true
}

# The "N 选 1" of each category: any one alternative, each needing all of
# its documents; some alternatives apply to government subjects only.
holds_all(docs) if count(docs - held) == 0

holds_any(docs) if count(docs & held) > 0

# 电商平台 (2选1): the licence with 在线数据处理与交易处理业务 and the three
# platform documents; or the refusal notice, the application's documents
# (其他材料 only as the authority asks) and the three.
platform_rules := {"agreement", "admission", "disputes"}

application_set := {"business_license", "plan_form", "application_form", "personnel_form", "security", "shareholders", "commitment"}

qualified("ecommerce_platform") if holds_all({"telecom_b21"} | platform_rules)

qualified("ecommerce_platform") if holds_all(({"refusal"} | application_set) | platform_rules)

# 社交/直播 (3选1).
qualified("social_live") if holds_any({"audiovisual", "av_filing"})

qualified("social_live") if {
	subject == "government"
	holds_all({"credit_code", "letter"})
}

# 时政信息 (2选1): a news licence; a government's ICP filing and credit code.
qualified("political_news") if holds_all({"news"})

qualified("political_news") if {
	subject == "government"
	holds_all({"icp_filing", "credit_code"})
}

# 教育服务/在线视频课程 (5选1).
qualified("online_course") if holds_any({"public_cert", "private_school", "audiovisual", "training_filing", "edu_approval"})

# 医疗服务.
qualified("internet_hospital") if holds_any({"setup_approval", "medical_internet"})

qualified("internet_hospital") if {
	holds_all({"partner_license", "partner_agreement"})
	holds_any({"health_permission", "platform_connection"})
}

qualified("public_medical") if holds_all({"medical_license", "public_cert"})

qualified("tertiary_private_medical") if holds_all({"medical_license"})

qualified("private_medical") if holds_any({"medical_license", "tcm_filing", "clinic_filing"})

qualified("prescription_service") if holds_all({"drug_any", "drug_info", "prescription_agreement", "commitment_letter"})

qualified("prescription_service") if holds_all({"drug_platform", "drug_info", "prescription_agreement", "commitment_letter"})

qualified("prescription_service") if holds_all({"drug_registration", "drug_retail", "drug_info", "prescription_agreement", "commitment_letter"})

# 金融业.
qualified(id) if {
	id in {"fin_bank", "fin_trust"}
	holds_any({"financial_license", "institution_license"})
}

qualified("fin_public_fund") if holds_any({"securities_fund", "fund_custody", "fund_sales", "fund_management", "fund_rating"})

qualified("private_fund") if holds_any({"fund_filing", "manager_lookup", "fund_service"})

qualified("fin_securities") if holds_all({"securities_trading"})

qualified("fin_advice") if holds_all({"securities"})

insurer_licences := {"ins_company", "ins_business", "ins_marketing", "ins_assessment", "ins_assessment_filing", "ins_assets", "ins_licence"}

intermediary_licences := {"ins_agency", "ins_brokerage", "ins_concurrent", "ins_intermediary"}

qualified("fin_insurance") if holds_any((insurer_licences | intermediary_licences) | {"financial_insurance"})

qualified("fin_credit") if holds_all({"credit_filing", "business_license"})

qualified("fin_neeq") if holds_all({"neeq"})

qualified("fin_stock") if holds_all({"telecom", "szse", "sse"})

# 股票信息服务平台（港股/美股）: the catalogue asks for nothing ("/").
qualified("fin_stock_hk_us") := true

qualified("fin_consumer") if holds_all({"cbirc", "financial_license", "business_license"})

qualified("fin_guarantee") if holds_all({"guarantee"})

qualified("fin_auto_leasing") if holds_all({"financial_license", "licence_auto_finance"})

qualified("fin_auto_leasing") if holds_all({"licence_leasing"})

# 汽车服务/汽车预售 (3选1): manufacturer, dealer, subsidiary; the business
# licence must cover car production or sales.
qualified("car_presale") if holds_all({"licence_car", "vehicle_permit"})

qualified("car_presale") if holds_all({"licence_car", "sales_authorisation", "vehicle_permit"})

qualified("car_presale") if holds_all({"licence_car", "vehicle_permit", "equity_letter"})

# IT科技, 房地产服务, 商业服务, 政务民生.
qualified("multiparty") if holds_all({"telecom_b22"})

qualified("av_equipment") if holds_all({"ccc"})

qualified("real_estate") if holds_any({"presale", "sales_permit", "spot_sale"})

qualified("notary") if holds_any({"notary_licence", "public_cert", "gov_authorisation", "notary_agreement"})

qualified("gov_transport") if holds_any({"credit_code", "gov_authorisation"})

# Approved: held. Submitted and qualified: pending review. Anything else
# (absent, planned, rejected, or submitted without its documents): there is
# something to do. Every category here has an alternative open to every
# subject type that is not blocked, so none is ever blocked.
category_status(id) := "available" if {
	best[id] == 0
} else := "pending" if {
	best[id] == 1
	not unsourced[id]
	qualified(id)
} else := "pending" if {
	best[id] == 1
	unsourced[id]
	confirmed(id)
} else := "actionable"

# 入驻商家如涉医疗器械、非处方药品在线销售，需补充医疗相关类目: any category of
# the first level 医疗服务 (or its older name 医疗), whichever second level.
is_medical(c) if norm(first_level(c)) in {"医疗", "医疗服务"}

is_medical(c) if category_ids[norm(label(c))] in medical_rows

# Each listed 医疗 category as far as it goes: a known one by its
# qualification, another by its status alone.
listed_state(c) := category_status(id) if id := category_ids[norm(label(c))]

listed_state(c) := ["available", "pending", "actionable", "actionable"][listed_rank(c)] if not category_ids[norm(label(c))]

medical_ranks := [status_order[listed_state(c)] | some c in categories; is_medical(c)]

requirement_status("medical") := status_names[min(medical_ranks)] if {
	count(medical_ranks) > 0
} else := "actionable"

requirement_status(id) := category_status(id) if id != "medical"

# ---------------------------------------------------------------- paths

status_order := {"available": 0, "pending": 1, "actionable": 2, "blocked": 3}

status_names := ["available", "pending", "actionable", "blocked"]

extra contains "medical" if {
	some g in goods
	g in {"medical_device", "otc_drug"}
}

# 该类目不支持在线销售处方药: prescription drugs need 医疗服务/处方药服务.
extra contains "prescription_service" if "prescription_drug" in goods

# 如提供时政信息服务，需补充"时政信息类目".
extra contains "political_news" if "political_news" in services

# 不得提供如催情香水/催情药品等违法违规商品销售: nothing opens until removed.
prohibited if {
	some g in goods
	g in {"aphrodisiac", "illegal_goods"}
}

prohibition := 2 if prohibited

prohibition := 0 if not prohibited

# A way's status: the worst of the categories it needs.
way(needs) := max(array.concat([status_order[requirement_status(r)] | some r in reqs], [0, prohibition])) if {
	reqs := needs | extra
}

# 个人认证的微信小程序暂不支持直播业务.
individual if subject == "individual"

# Each way of a path: the categories it needs and the scenarios it serves.
# 具备【电商平台】类目 (or, for classes, 教育服务/在线视频课程) → 小程序·云直播插件;
# 具备【社交-直播】or another live category of WeChat's table, or a
# government subject's own account → 标准直播+直播标签. (政务民生/交通运输
# serves only Hong Kong and Macao government bodies, which the generator
# never writes.)
ways("cloud_live_plugin") := [
	{"needs": {"ecommerce_platform"}, "serves": covers.ecommerce_platform},
	{"needs": {"online_course"}, "serves": covers.online_course},
]

ways("standard_live_tags") := array.concat(government_way, [{"needs": {id}, "serves": covers[id]} |
	some id in object.keys(covers)
	not id in {"ecommerce_platform"}
])

government_way := [{"needs": set(), "serves": {"government"}}] if subject == "government"

government_way := [] if subject != "government"

# With no declared scenario, the best way; otherwise every declared
# scenario needs a way that serves it (the best for each), and the path is
# as far as the furthest of them; a scenario no way serves blocks it.
scenario_ranks(p, sc) := [r |
	some w in ways(p)
	sc in w.serves
	r := way(w.needs)
]

scenario_rank(p, sc) := min(scenario_ranks(p, sc)) if {
	count(scenario_ranks(p, sc)) > 0
} else := 3

path_rank(_) := 3 if individual

path_rank(p) := min([r | some w in ways(p); r := way(w.needs)]) if {
	not individual
	count(declared) == 0
}

path_rank(p) := max([scenario_rank(p, sc) | some sc in declared]) if {
	not individual
	count(declared) > 0
}

path_names := ["cloud_live_plugin", "standard_live_tags"]

paths := {p: status_names[path_rank(p)] | some p in path_names}

verdict_names := ["eligible", "pending", "needs_action", "ineligible"]

verdict := verdict_names[min([path_rank(p) | some p in path_names])]

result := {"verdict": verdict, "paths": paths} if subject
