"""What the facts and registers the rules name are called, in the words of the person reading the decision: a
fact path (``person.graduation_date``) or a register code (``overcapacity_displaced_workers``) never appears on a
page as it is. docs/facts.md says what each fact means; this is its name."""

import functools
from pathlib import Path

import yaml
from django.conf import settings

from .i18n import current_language

# fact path → (English, Chinese)
FACT_LABELS = {
    "person.birth_date": ("date of birth", "出生日期"),
    "person.sex": ("sex", "性别"),
    "person.retirement_category": ("which statutory retirement age applies", "适用的法定退休年龄类别"),
    "person.hukou_type": ("hukou type", "户口性质"),
    "person.hukou_local": ("whether the hukou is in this city", "是否本市户籍"),
    "person.education": ("education", "学历"),
    "person.graduation_date": ("graduation date", "毕业时间"),
    "person.is_disabled": ("disability", "是否残疾"),
    "person.veteran_status": ("veteran status", "退役军人情况"),
    "person.is_military_spouse": ("military spouse", "是否军人配偶"),
    "person.is_orphan": ("orphan", "是否孤儿"),
    "person.has_student_loan": ("national student loan", "是否有国家助学贷款"),
    "person.is_single_parent": ("single parent", "是否单亲家庭"),
    "person.is_labor_model": ("labour model", "是否劳动模范"),
    "person.registers": ("the registers the person is on", "所在实名制台账"),
    "person.employment": ("employment and unemployment registration", "就业失业登记情况"),
    "person.employment.from": ("start of the current employment", "本次就业开始日期"),
    "person.employment.paying_social_insurance": (
        "whether social insurance is paid for the current work",
        "目前是否缴纳社会保险",
    ),
    "person.si_contribution_base_cny": ("social-insurance contribution base", "社会保险缴费基数"),
    "person.ui_insured_months": ("months of unemployment-insurance contributions", "失业保险缴费月数"),
    "person.skill_upgrade_levels_received": ("skill levels already subsidised", "已享受技能提升补贴的等级"),
    "person.labour_contract_months": ("term of the labour contract", "劳动合同期限"),
    "person.ui_benefit_months_remaining": ("unemployment-benefit months remaining", "剩余失业保险金领取月数"),
    "person.work_away_from_hukou": ("where the person works compared with the hukou", "就业地与户籍地的关系"),
    "person.park_county_adopts_transport_subsidy": (
        "whether the park's county pays the transport subsidy",
        "就业园区所在县是否实行交通补贴",
    ),
    "household.is_poor_disabled": ("poor household with a disabled member", "是否贫困残疾人家庭"),
    "household.is_poverty_registered": ("registered poor household", "是否建档立卡贫困户"),
    "household.registers": ("the household's registers", "家庭所在台账"),
    "organization.kind": ("kind of organization", "单位类型"),
    "organization.categories": ("what the entity is", "单位类别"),
    "organization.county": ("county of the entity", "单位所在县（区）"),
    "organization.size": ("size of the enterprise", "企业规模"),
    "organization.registered_on": ("registration date", "登记注册日期"),
    "organization.in_poverty_area": ("in a poverty area", "是否位于贫困地区"),
    "organization.incubated_entities": ("entities incubated in the year", "当年孵化实体数"),
    "organization.hires": ("the people hired", "招用人员情况"),
    "organization.hires.si_contribution_base_cny": ("the hires' contribution base", "招用人员的社会保险缴费基数"),
    "organization.placements": ("the people placed", "介绍就业人员情况"),
    "business.kind": ("kind of business", "经营实体类型"),
    "business.registered_on": ("business licence date", "营业执照登记日期"),
    "business.closed_on": ("date the business closed", "经营实体注销（停业）日期"),
    "business.first_time": ("whether it is the founder's first business", "是否首次创业"),
    "business.county": ("county of the business", "经营实体所在县（区）"),
    "business.high_tech": ("in a high-tech field", "是否属于高新技术领域"),
    "business.partners": ("number of partners", "合伙人数"),
    "business.trademarks_registered": ("trademarks registered", "注册商标情况"),
    "business.hires": ("the people the business hired", "经营实体招用人员情况"),
    "business.lease.from": ("start of the lease", "租赁起始日期"),
    "business.lease.to": ("end of the lease", "租赁截止日期"),
    "business.lease.monthly_rent_cny": ("monthly rent", "月租金"),
    "business.lease.in_government_incubator": ("premises in a government incubator", "是否在政府创业孵化平台内"),
    "loan": ("the loan", "贷款情况"),
    "loan.kind": ("kind of loan", "贷款类型"),
    "loan.principal_cny": ("loan amount", "贷款金额"),
    "loan.annual_rate": ("interest rate", "贷款年利率"),
    "loan.contract_date": ("loan contract date", "贷款合同签订日期"),
    "loan.first_drawdown": ("first drawdown", "首次放款日期"),
    "loan.term_months": ("loan term", "贷款期限"),
    "loan.subsidised_by": ("who subsidises the interest", "贴息资金来源"),
    "training.kind": ("kind of training", "培训类型"),
    "training.start_date": ("start of the course", "培训开班日期"),
    "training.completed": ("whether the course was completed", "是否结业"),
    "training.in_catalogue": ("whether the course is in the subsidy catalogue", "是否属于补贴目录内培训"),
    "training.block_purchase": ("whether the course was bought as a block", "是否整建制购买培训"),
    "training.occupation_on_shortage_list": ("occupation on the shortage list", "是否属于紧缺职业（工种）"),
    "training.certificate_level": ("level of the certificate obtained", "所取得证书等级"),
    "training.certificate_date": ("date of the certificate", "取得证书日期"),
    "training.days_attended": ("days attended", "实际到课天数"),
    "training.outputs_accepted": ("whether the outputs were accepted", "购买服务成果是否验收"),
    "training.trainees": ("the trainees", "培训学员情况"),
    "training.interns": ("the interns", "见习人员情况"),
    "training.interns.graduation_date": ("the interns' graduation dates", "见习人员毕业时间"),
    "training.interns.retained": ("interns kept on after the internship", "见习期满留用情况"),
}
EVIDENCE = ("the caseworker's record of the document", "工作人员核实材料的记录")


def _chinese() -> bool:
    from django.utils import translation

    return not (current_language.get() or translation.get_language() or "zh").startswith("en")


def _say(pair: tuple[str, str] | None, fallback) -> str:
    """The (English, Chinese) pair in the reader's language; ``fallback`` as it is without one."""
    if pair is None:
        return str(fallback)
    return pair[1] if _chinese() else pair[0]


@functools.cache
def _parameter_names() -> dict[str, tuple[str, str]]:
    parameters = Path(settings.BASE_DIR) / "fixtures" / "policy" / "parameters.yaml"
    rows = yaml.safe_load(parameters.read_text(encoding="utf-8")) or []
    return {row["code"]: (row.get("name_en") or row["name_zh"], row["name_zh"]) for row in rows}


def fact_label(path: str) -> str:
    """The name of a fact path (or of a parameter a rule waits for); a caseworker's evidence record by what it is;
    the path itself only for a fact no rule reads (a test decides every program and checks)."""
    pair = FACT_LABELS.get(path) or _parameter_names().get(path)
    if pair is None and ".evidence." in path:
        pair = EVIDENCE
    return _say(pair, path)


@functools.cache
def _register_names() -> dict[str, tuple[str, str]]:
    catalogue = Path(settings.BASE_DIR) / "fixtures" / "policy" / "catalogue.yaml"
    registries = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["registries"]
    return {r["code"]: (r.get("name_en") or r["name_zh"], r["name_zh"]) for r in registries}


def register_name(code: str) -> str:
    pair = _register_names().get(code)
    return _say(pair, code)


# The employment status of a day (``Facts.employment_status``) → (English, Chinese)
EMPLOYMENT_STATUSES = {
    "employed": ("employed", "单位就业"),
    "flexible": ("in flexible employment", "灵活就业"),
    "self_employed": ("self-employed", "自主创业（自雇）"),
    "unemployed": ("registered unemployed", "登记失业"),
    "none": ("neither working nor registered unemployed", "无就业或失业登记"),
}


def employment_status_label(status: str | None) -> str:
    pair = EMPLOYMENT_STATUSES.get(status or "")
    return _say(pair, status or "")


@functools.cache
def _program_names() -> dict[str, tuple[str, str]]:
    catalogue = Path(settings.BASE_DIR) / "fixtures" / "policy" / "catalogue.yaml"
    programs = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["programs"]
    return {p["code"]: (p.get("name_en") or p["name_zh"], p["name_zh"]) for p in programs}


def program_name(code: str) -> str:
    pair = _program_names().get(code)
    return _say(pair, code)


# The values of the facts that hold a code (docs/facts.md) → (English, Chinese)
VALUES = {
    "training.kind": {
        "employment_skills": ("employment skills training", "就业技能培训"),
        "pre_employment": ("pre-employment training", "岗前培训"),
        "skill_upgrade": ("skill upgrading", "岗位技能提升培训"),
        "apprenticeship": ("apprenticeship", "新型学徒制培训"),
        "order": ("order training", "订单式培训"),
        "digital_course": ("digital course", "数字化课程"),
        "startup_simulation": ("start-up simulation training", "创业模拟实训"),
        "online_startup": ("online start-up training", "网络创业培训"),
        "other": ("other training", "其他培训"),
    },
    "person.work_away_from_hukou": {
        "same_county": ("in the county of the hukou", "在户籍所在县就业"),
        "other_county": ("in another county of the city", "在本市其他县（区）就业"),
        "other_city": ("in another city of the province", "在省内其他市就业"),
        "other_province": ("in another province", "在外省就业"),
    },
    "business.kind": {
        "individual_business": ("individual business", "个体工商户"),
        "small_micro_enterprise": ("small or micro enterprise", "小微企业"),
        "partnership": ("partnership", "合伙企业"),
        "organised_venture": ("organised venture", "组织起来创业"),
        "online_business": ("online business", "网络创业"),
    },
    "organization.categories": {
        "small_micro_enterprise": ("small or micro enterprise", "小微企业"),
        "new_form_enterprise": ("new-form enterprise", "新业态企业"),
        "labour_intensive": ("labour-intensive enterprise", "劳动密集型企业"),
        "farmer_cooperative": ("farmers' cooperative", "农民专业合作社"),
        "large_grower": ("large grower", "种养大户"),
        "family_farm": ("family farm", "家庭农场"),
        "agricultural_enterprise": ("agricultural enterprise", "农业企业"),
        "construction_sme": ("small construction enterprise", "建筑业中小企业"),
        "poverty_workshop": ("poverty-alleviation workshop", "扶贫车间"),
        "returnee_park": ("returnee entrepreneurship park", "返乡创业园"),
        "rural_tourism_maker_base": ("rural tourism maker base", "乡村旅游创客基地"),
        "hr_agency": ("human-resources agency", "人力资源服务机构"),
        "labour_broker": ("labour broker", "劳务经纪人"),
        "labour_export_entity": ("labour-export entity", "劳务输出机构"),
    },
}


def value_label(path: str, value) -> str:
    """A coded fact value (``training.kind`` = ``apprenticeship``) in words; anything else as it is."""
    pair = VALUES.get(path, {}).get(value)
    return _say(pair, str(value))
