# livegate's rules as a Rego policy: the independent oracle of the
# differential test (crates/batch/tests/differential.rs) and a benchmark peer.
#
# Written from the source page (Tencent Cloud, 类目申请资质要求:
# https://cloud.tencent.com/document/product/1078/43316), WeChat's table of
# the categories that open live-player/live-pusher
# (https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html)
# with the sourced qualifications of docs/sources/live-categories.md, and
# the semantics the engine's tests describe, not from the engine's code. It decides what
# the differential test compares: the verdict and each access path's status.
#
# Input: a profile as livegate reads it (JSON). Output, data.livegate.result:
#   {"verdict": "eligible|pending|needs_action|ineligible",
#    "paths": {"cloud_live_plugin": STATUS, "standard_live_tags": STATUS}}
# with STATUS one of available, pending, actionable, blocked.
#
# The generator writes holders that are absent, exactly the subject's name or
# a plainly different company, and ISO dates: plain string comparison is
# enough here.
package livegate

import rego.v1

# ---------------------------------------------------------------- names
#
# Names are matched after trimming, dropping 《》【】 and spaces, folding
# ASCII case, and reading "-" between category levels as "/".

norm(s) := lower(replace(replace(replace(replace(replace(replace(trim_space(s), "《", ""), "》", ""), "【", ""), "】", ""), " ", ""), "-", "/"))

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

goods_names := {
	"medical_device": "medical_device", "医疗器械": "medical_device",
	"otc_drug": "otc_drug", "非处方药品": "otc_drug", "非处方药": "otc_drug", "otc": "otc_drug",
	"aphrodisiac": "aphrodisiac", "催情香水/催情药品": "aphrodisiac", "催情香水": "aphrodisiac", "催情药品": "aphrodisiac",
	"illegal_goods": "illegal_goods", "其他违法违规商品": "illegal_goods", "违法违规商品": "illegal_goods",
}

service_names := {"political_news": "political_news", "时政信息服务": "political_news", "时政信息": "political_news"}

goods contains id if {
	some g in object.get(input, "goods", [])
	id := goods_names[norm(g)]
}

services contains id if {
	some s in object.get(input, "services", [])
	id := service_names[norm(s)]
}

# 资质: ids, full Chinese names and the usual short names.
document_names := {
	"telecom_value_added_license": "telecom", "增值电信业务经营许可证": "telecom", "icp经营许可证": "telecom", "icp许可证": "telecom", "edi许可证": "telecom",
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
	"audiovisual_program_license": "audiovisual", "信息网络传播视听节目许可证": "audiovisual", "视听许可证": "audiovisual",
	"network_culture_license": "culture", "网络文化经营许可证": "culture", "文网文": "culture",
	"credit_code_certificate": "credit_code", "统一社会信用代码": "credit_code", "统一社会信用代码证书": "credit_code",
	"situation_letter": "letter", "情况说明函件": "letter", "情况说明函": "letter",
	"internet_news_license": "news", "互联网新闻信息服务许可证": "news",
	"non_commercial_icp_filing": "icp_filing", "非经营性互联网信息服务备案核准": "icp_filing", "icp备案": "icp_filing",
	"organization_code_certificate": "org_code", "组织机构代码证": "org_code",
	"medical_institution_license": "medical_license", "医疗机构执业许可证": "medical_license",
	"public_institution_certificate": "public_cert", "事业单位法人证书": "public_cert",
	"private_fund_filing": "fund_filing", "私募基金备案证明": "fund_filing",
	"private_fund_manager_registration": "fund_manager", "私募投资基金管理人登记证书": "fund_manager",
	"vehicle_manufacturer_permit": "vehicle_permit", "工信部道路机动车辆生产企业准入许可": "vehicle_permit",
	"manufacturer_sales_authorisation": "sales_authorisation", "厂商授权销售文件": "sales_authorisation",
	"equity_relationship_letter": "equity_letter", "股权关系证明函": "equity_letter",
}

# 场景: ids, the names WeChat's table gives them, and their short forms.
scenario_names := {
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
}

declared contains id if {
	some x in object.get(input, "scenarios", [])
	id := scenario_names[norm(x)]
}

# The licence's 核准服务项目 must include 在线数据处理与交易处理业务 (B21) or
# 互联网信息服务业务 (B25).
telecom_items := {
	"online_data_processing", "b21", "在线数据处理与交易处理业务",
	"internet_information_service", "b25", "互联网信息服务业务", "信息服务业务",
}

# The culture licence's 经营范围 must include 网络表演.
culture_scopes := {"online_performance", "网络表演"}

# ---------------------------------------------------------------- documents
#
# A document counts only while in force on the evaluation date (the
# profile's as_of) and when it is the subject's own.

until_ok(d) if not d.valid_until

until_ok(d) if not input.as_of

until_ok(d) if d.valid_until >= input.as_of

from_ok(d) if not d.valid_from

from_ok(d) if not input.as_of

from_ok(d) if d.valid_from <= input.as_of

holder_ok(d) if not d.holder

holder_ok(d) if not input.subject.name

holder_ok(d) if d.holder == input.subject.name

counted contains d if {
	some d in object.get(input, "documents", [])
	until_ok(d)
	from_ok(d)
	holder_ok(d)
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

# Documents whose attributes matter are added below.
with_attributes := {"telecom", "culture"}

held contains id if {
	some d in counted
	id := document_names[norm(d.kind)]
	not with_attributes[id]
}

held contains "telecom" if {
	some d in counted
	document_names[norm(d.kind)] == "telecom"
	some item in as_list(d.service_items)
	norm(item) in telecom_items
}

held contains "culture" if {
	some d in counted
	document_names[norm(d.kind)] == "culture"
	some s in as_list(d.scope)
	norm(s) in culture_scopes
}

# ---------------------------------------------------------------- categories

category_ids := object.union(named_categories, finance_categories)

named_categories := {
	"电商平台/电商平台": "ecommerce_platform", "社交/直播": "social_live", "时政信息/时政信息": "political_news",
	"社交/直播表演": "performance_live", "教育/在线视频课程": "online_course",
	"医疗/互联网医院": "internet_hospital", "医疗服务/互联网医院": "internet_hospital",
	"医疗/公立医疗机构": "public_medical", "医疗服务/公立医疗机构": "public_medical",
	"医疗/其他私立医疗机构": "private_medical", "医疗/私立医疗机构": "private_medical", "医疗服务/私立医疗机构": "private_medical", "医疗服务/其他私立医疗机构": "private_medical",
	"医疗/三级私立医疗机构": "tertiary_private_medical", "医疗服务/三级私立医疗机构": "tertiary_private_medical",
	"金融/私募基金": "private_fund", "金融业/私募基金": "private_fund",
	"汽车/汽车预售": "car_presale", "汽车/汽车预售服务": "car_presale", "汽车服务/汽车预售服务": "car_presale", "汽车服务/汽车预售": "car_presale",
	"it科技/多方通信": "multiparty", "it科技/音视频设备": "av_equipment",
	"房地产服务/房地产营销": "real_estate", "商业服务/公证": "notary",
}

finance_categories := {norm(sprintf("%s/%s", [first, second])): id |
	some second, id in finance_rows
	some first in {"金融", "金融业"}
}

# 金融's rows of WeChat's table with no sourced documents (私募基金 has its own).
finance_rows := {
	"银行": "fin_bank", "信托": "fin_trust", "公募基金": "fin_public_fund", "证券/期货": "fin_securities",
	"证券、期货投资咨询": "fin_advice", "保险": "fin_insurance", "企业征信": "fin_credit",
	"新三板信息服务平台": "fin_neeq", "股票信息服务平台": "fin_stock", "股票信息服务平台(港股/美股)": "fin_stock_hk_us",
	"消费金融": "fin_consumer", "融资担保": "fin_guarantee", "汽车金融/融资租赁": "fin_auto_leasing",
}

# No public source gives these categories' documents: never qualified on
# documents; submitted, they wait for WeChat's review.
unsourced := {"performance_live", "online_course", "internet_hospital", "tertiary_private_medical", "multiparty", "av_equipment", "real_estate", "notary"} | {id | some id in finance_rows}

# The scenarios each category covers (WeChat's table; 社交/直播 also keeps
# the seed page's 娱乐性质 live).
covers := object.union(named_covers, {id: {"finance"} | some id in finance_rows})

named_covers := {
	"ecommerce_platform": {"ecommerce"},
	"social_live": {"entertainment", "ecommerce", "class"},
	"performance_live": {"performance"}, "online_course": {"class"},
	"internet_hospital": {"medical"}, "public_medical": {"medical"}, "private_medical": {"medical"}, "tertiary_private_medical": {"medical"},
	"private_fund": {"finance"}, "car_presale": {"car"}, "multiparty": {"conference"}, "av_equipment": {"camera"},
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
best[id] := min(ranks) if {
	some id in category_ids
	ranks := [listed_rank(c) | some c in categories; category_ids[norm(label(c))] == id]
	count(ranks) > 0
}

# The "N 选 1" of each category: any one alternative, each needing all of
# its documents; some alternatives apply to government subjects only.
platform_rules := {"agreement", "admission", "disputes"}

application_set := {"business_license", "plan_form", "application_form", "personnel_form", "security", "shareholders", "commitment"}

holds_all(docs) if count(docs - held) == 0

qualified("ecommerce_platform") if holds_all({"telecom"} | platform_rules)

qualified("ecommerce_platform") if holds_all(({"refusal"} | application_set) | platform_rules)

qualified("social_live") if holds_all({"audiovisual"})

qualified("social_live") if holds_all({"culture"})

qualified("social_live") if {
	subject == "government"
	holds_all({"credit_code", "letter"})
}

qualified("political_news") if holds_all({"news"})

# 公立医疗机构: 《医疗机构执业许可证》和《事业单位法人证书》; 私立: the licence.
qualified("public_medical") if holds_all({"medical_license", "public_cert"})

qualified("private_medical") if holds_all({"medical_license"})

# 私募基金 (2选1).
qualified("private_fund") if holds_all({"fund_filing"})

qualified("private_fund") if holds_all({"fund_manager"})

# 汽车预售 (3选1): manufacturer, dealer, subsidiary.
qualified("car_presale") if holds_all({"business_license", "vehicle_permit"})

qualified("car_presale") if holds_all({"business_license", "sales_authorisation", "vehicle_permit"})

qualified("car_presale") if holds_all({"business_license", "vehicle_permit", "equity_letter"})

# Since 三证合一 a credit-code certificate stands for the organisation code.
qualified("political_news") if {
	subject == "government"
	holds_all({"icp_filing", "org_code"})
}

qualified("political_news") if {
	subject == "government"
	holds_all({"icp_filing", "credit_code"})
}

# Approved: held. Submitted and qualified: pending review. Anything else
# (absent, planned, rejected, or submitted without its documents): there is
# something to do. Every category here has an alternative open to every
# subject type that is not blocked, so none is ever blocked.
category_status(id) := "available" if {
	best[id] == 0
} else := "pending" if {
	best[id] == 1
	qualified(id)
} else := "pending" if {
	best[id] == 1
	unsourced[id]
} else := "actionable"

# 入驻商家如涉医疗器械、非处方药品在线销售，需补充医疗相关类目: any category of
# the first level 医疗, whichever second level.
# 医疗服务 is another name WeChat gives the same first level: a category
# listed under it counts when it is one of 医疗's known rows.
medical_rows := {"internet_hospital", "public_medical", "private_medical", "tertiary_private_medical"}

is_medical(c) if first_level(c) == "医疗"

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
# 具备【电商平台】类目 (or, for classes, 教育/在线视频课程) → 小程序·云直播插件;
# 具备【社交-直播】or another live category of WeChat's table, or a
# government subject's own account → 标准直播+直播标签.
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
