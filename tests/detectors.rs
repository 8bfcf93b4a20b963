//! Detector behaviour, table-driven: each row is a text, the rules that must
//! be reported and the rules that must not. Rows are written in styles other
//! than the generator's, so they check that detectors generalize.

use pubgate::model::Category;

use crate::generator::{card_number, credit_code, id_number};
use crate::util::{self, Rng};

struct Row {
    name: &'static str,
    text: String,
    present: &'static [&'static str],
    absent: &'static [&'static str],
}

fn check(rows: Vec<Row>) {
    let engine = util::engine();
    let mut failures = Vec::new();
    for row in rows {
        let report = engine.scan("row.txt", row.text.as_bytes());
        let rules: Vec<&str> = report
            .verdict
            .findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect();
        for r in row.present {
            if !rules.contains(r) {
                failures.push(format!("{}: expected {r}, got {rules:?}", row.name));
            }
        }
        for r in row.absent {
            if rules.contains(r) {
                failures.push(format!("{}: unexpected {r}", row.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn row(
    name: &'static str,
    text: impl Into<String>,
    present: &'static [&'static str],
    absent: &'static [&'static str],
) -> Row {
    Row {
        name,
        text: text.into(),
        present,
        absent,
    }
}

const PERSONAL: &[&str] = &[
    "personal.id_card",
    "personal.bank_card",
    "personal.mobile",
    "personal.email",
    "personal.passport",
    "personal.travel_permit",
];

#[test]
fn personal_data_positives() {
    let mut rng = Rng::new(11);
    let id = id_number(&mut rng);
    let wide: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    check(vec![
        row(
            "labelled id",
            format!("联系人：王芳，身份证号：{id}"),
            &["personal.id_card"],
            &[],
        ),
        row(
            "full-width id",
            format!("公民身份号码　{wide}"),
            &["personal.id_card"],
            &[],
        ),
        row(
            // Found by the bad-input battery: the code label of the line
            // before already has its value, so it does not label this one.
            "bare id after a project-code line",
            format!("项目编号：JH24-210100-00123\n{id}\n项目名称：设备"),
            &["personal.id_card"],
            &[],
        ),
        row(
            "id in table cell",
            format!("姓名\t证件号码\n李强\t{id}"),
            &["personal.id_card"],
            &[],
        ),
        row(
            "bare valid id",
            format!("附件：{id}"),
            &["personal.id_card"],
            &[],
        ),
        row(
            "card",
            format!("退还保证金至个人银行卡，卡号：{}", card_number(&mut rng)),
            &["personal.bank_card"],
            &[],
        ),
        row(
            "passport",
            "外籍专家 John Smith，护照号：E12345678".to_string(),
            &["personal.passport"],
            &[],
        ),
        row(
            "passport before a numbered line",
            "护照号码：E04529461\n1.采购人信息".to_string(),
            &["personal.passport"],
            &[],
        ),
        row(
            "taiwan permit",
            "台胞证号码：12345678\n2.其他".to_string(),
            &["personal.travel_permit"],
            &[],
        ),
        row(
            "hk permit",
            "港澳居民来往内地通行证 H12345678".to_string(),
            &["personal.travel_permit"],
            &[],
        ),
        row(
            "mobile with home address",
            "投诉人：赵六，家庭住址：某小区3栋，手机：13912345678".to_string(),
            &["personal.mobile"],
            &[],
        ),
        row(
            "a complainant's mobile in a form one cell per line",
            "投诉人\n赵六\n家庭住址\n某小区3栋\n手机\n13912345678".to_string(),
            &["personal.mobile"],
            &[],
        ),
        row(
            "an expert's mobile beside the employer",
            "序号 | 姓名 | 工作单位 | 手机\n1 | 李娜 | 某某市人民医院 | 13912345678".to_string(),
            &["personal.mobile"],
            &[],
        ),
        row(
            "a person's mobile in a company's table row",
            "中标人 | 项目负责人 | 联系方式\n某某建设有限公司 | 张伟（身份证号已隐去） | 13912345678".to_string(),
            &["personal.mobile"],
            &[],
        ),
        row(
            "the winner's project manager's mobile in a result form, one cell per line",
            "中标单位\n某某建筑设计研究院\n项目经理（负责人）\n陈某\n项目经理（负责人）\n联系电话\n13912345678".to_string(),
            &["personal.mobile"],
            &[],
        ),
        row(
            "personal mailbox outside contacts",
            "专家张三的邮箱zhangsan1980@163.com已登记".to_string(),
            &["personal.email"],
            &[],
        ),
    ]);
}

#[test]
fn personal_data_hard_negatives() {
    let mut rng = Rng::new(12);
    check(vec![
        row("credit code", format!("统一社会信用代码：{}", credit_code(&mut rng)), &[], PERSONAL),
        row("known credit codes", "91110116MABMJDE56P、91350100M000100Y43".to_string(), &[], PERSONAL),
        row(
            "a contact number repeated outside its contact line",
            "数据 | 13589097223、0531-82665067\n项目联系电话：13589097223".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "a platform's support line",
            "如初次投标，操作说明详见平台公告或致电技术支持:0574-87187195、13396609883。".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "a support line listing more numbers than the label's reach",
            "如初次投标，操作说明详见平台公告或致电技术支持:0574-87187195、13396609883、18968299314。".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "an agency's mailbox as 电子函件, repeated in a mailto link",
            "联系人：某工\n电子函件：jxzb4@126.com\n\n<a>mailto:jxzb4@126.com</a>".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "a mailbox to confirm participation",
            "供应商应于2019年5月21日16:00时止，以邮件方式确认参加，信箱地址：（thxcgzx@163.com）；".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "an agency's mobile in its row of a form",
            "招标人\t某某化工园区开发(集团)有限公司\t联 系 电 话\t72707717\n\
             招标代理机构\t某某招标代理有限公司\t18983306303".to_string(),
            &[],
            PERSONAL,
        ),
        row("corporate account", "户名：某某市财政局 开户银行：中国银行某某支行 账号：100026211970010002".to_string(), &[], PERSONAL),
        row("masked mobile", "联系人：王工 139****0555；身份证号：370102********1234".to_string(), &[], PERSONAL),
        row("project code", "项目编号：SDGP370000000202401000123 采购计划号：2024000123456789".to_string(), &[], PERSONAL),
        row(
            "contact section",
            "九、凡对本次公告内容提出询问，请按以下方式联系。\n1.采购人信息\n名 称：某某医院\n联系人：刘娜 13812345678\n邮箱：liuna@163.com".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "deposit account, long line",
            format!(
                "投标保证金账户 户名：某某市公共资源交易中心 开户行：中国银行股份有限公司某某分行营业部 账号：{}",
                card_number(&mut rng)
            ),
            &[],
            PERSONAL,
        ),
        row("landline", "监督电话：0531-86012345".to_string(), &[], PERSONAL),
        row(
            "a form one cell per line: the contact label above the number",
            "招标人\n某某农业发展有限公司\n招标人联系电话\n13996854122\n招标代理机构\n某某实业有限公司".to_string(),
            &[],
            PERSONAL,
        ),
        row(
            "a winner's mobile in its table row",
            "中标供应商名称 | 地址 | 统一社会信用代码 | 联系方式\n第1包 | 某某大厦有限公司 | 某某市南开区三马路165号 | 91120104239018862X | 13802020229".to_string(),
            &[],
            PERSONAL,
        ),
        row("id mentioned, no number", "投标人须提供法定代表人身份证明及身份证复印件。".to_string(), &[], PERSONAL),
        row("amount", "成交金额：1234567890123456.00元".to_string(), &[], PERSONAL),
        row("bad checksum", "证件号：110105194912310021".to_string(), &[], PERSONAL),
        row(
            "mailbox documents are sent to",
            "将上述材料扫描件发送至1536718445@qq.com进行初审（邮件中请写明公司全称）。".to_string(),
            &[],
            PERSONAL,
        ),
    ]);
}

#[test]
fn classified_markings_and_terms() {
    check(vec![
        row(
            "marking",
            "机密★5年\n某某项目实施方案",
            &["secret.marking"],
            &[],
        ),
        row("marking spaced", "秘 密 ★ 长期", &["secret.marking"], &[]),
        row(
            "marking traditional full width",
            "機密★１０年",
            &["secret.marking"],
            &[],
        ),
        row(
            "marking asterisk with period",
            "绝密*30年",
            &["secret.marking"],
            &[],
        ),
        row(
            "star look-alike",
            "机密✶5年\n某某项目",
            &["secret.marking"],
            &[],
        ),
        row(
            "star look-alike emoji",
            "秘密⭐1年",
            &["secret.marking"],
            &[],
        ),
        row("bracketed period", "机密（5年）", &["secret.marking"], &[]),
        row(
            "triangle before period",
            "绝密▲30年",
            &["secret.marking"],
            &[],
        ),
        row(
            "bare stamp at the top",
            "      机  密\n某某局关于采购项目的通知\n正文",
            &["secret.marking_bare"],
            &[],
        ),
        row(
            "bracketed stamp with a copy number",
            "【秘密】   份号：003\n通知",
            &["secret.marking_bare"],
            &[],
        ),
        row("star first", "★机密\n通知", &["secret.marking_bare"], &[]),
        row(
            "restricted stamp",
            "内部\n某某项目方案",
            &["secret.restricted_bare"],
            &[],
        ),
        row(
            "level word in prose",
            "系统须保障数据机密，内部管理规范。",
            &[],
            &[
                "secret.marking_bare",
                "secret.restricted_bare",
                "secret.marking",
            ],
        ),
        row(
            "header form",
            "密级：机密  保密期限：10年",
            &["secret.marking_header"],
            &[],
        ),
        row(
            "term",
            "本项目属于国家秘密，按规定管理。",
            &["dictionary.secret_terms"],
            &[],
        ),
        row(
            "internal marker",
            "（内部资料 注意保存）",
            &["dictionary.internal_markers"],
            &[],
        ),
        row(
            "not secret",
            "本项目不涉及国家秘密。",
            &[],
            &["dictionary.secret_terms", "secret.marking"],
        ),
        row(
            "the secrecy law's name in a list of standards",
            "（二）规范、标准和文件要求\n《中华人民共和国档案法》\n《中华人民共和国保守国家秘密法》\n",
            &[],
            &["dictionary.secret_terms", "secret.marking"],
        ),
        row(
            "a duty to keep the purchaser's work secrets",
            "二、资格要求\n2.能够保守涉及单位的工作秘密，维护单位信息安全。",
            &[],
            &["dictionary.internal_markers"],
        ),
        row(
            "a work-secret marking stays",
            "工作秘密 注意保存\n某某项目采购需求论证材料",
            &["dictionary.internal_markers"],
            &[],
        ),
        row(
            "qualification",
            "供应商须具有涉密信息系统集成资质。",
            &[],
            &["dictionary.secret_terms"],
        ),
        row(
            "substantive clause",
            "标注★的为实质性条款，★为实质性条款。",
            &[],
            &["secret.marking"],
        ),
        row(
            "commercial secret",
            "涉及商业秘密的，应当在响应文件中注明。",
            &[],
            &["dictionary.secret_terms", "secret.marking"],
        ),
        row(
            "safe purchase",
            "采购保密柜、保密文件柜各10台。",
            &[],
            &["dictionary.secret_terms"],
        ),
        row(
            "confidentiality of data",
            "系统须保障数据的机密性和完整性。",
            &[],
            &["secret.marking", "dictionary.secret_terms"],
        ),
    ]);
}

const TENDER_HEAD: &str =
    "某某县人民医院医疗设备公开招标公告\n一、项目基本情况\n项目编号：YY-2024-3\n";
const AWARD_HEAD: &str = "某某县人民医院医疗设备中标公告\n一、项目编号：YY-2024-3\n";

#[test]
fn procurement_secrets_depend_on_the_phase() {
    check(vec![
        row(
            "experts before award",
            format!(
                "{TENDER_HEAD}评标委员会由张伟、李娜、王强、赵敏、刘洋组成。\n评审委员：张伟、李娜、王强"
            ),
            &["procurement.expert_list"],
            &[],
        ),
        row(
            "experts under a construction form's label, before award",
            format!("{TENDER_HEAD}11、评委专家：张伟（组长）、李娜、王强。"),
            &["procurement.expert_list"],
            &[],
        ),
        row(
            "experts in award",
            format!("{AWARD_HEAD}五、评审专家名单：张伟、李娜、王强"),
            &[],
            &["procurement.expert_list"],
        ),
        row(
            "experts in a correction of the result",
            "某某项目中标结果更正公告\n二、更正信息\n更正事项：采购结果\n评审专家名单：张伟、李娜、王强",
            &[],
            &["procurement.expert_list"],
        ),
        row(
            "experts in a correction of the documents",
            "某某项目更正公告\n二、更正信息\n更正事项：采购文件\n评审专家名单：张伟、李娜、王强",
            &["procurement.expert_list"],
            &[],
        ),
        row(
            "procedural sentence",
            format!("{TENDER_HEAD}评审专家从政府采购评审专家库中随机抽取。"),
            &[],
            &["procurement.expert_list"],
        ),
        row(
            "bidder count",
            format!("{TENDER_HEAD}截至5月10日，共有7家供应商报名。"),
            &["procurement.potential_bidders"],
            &[],
        ),
        row(
            "bidder count after",
            format!("{TENDER_HEAD}截至今日，获取招标文件的供应商共5家。"),
            &["procurement.potential_bidders"],
            &[],
        ),
        row(
            "bidder names",
            format!(
                "{TENDER_HEAD}已购买招标文件的供应商有：某某医疗器械有限公司、某某科技有限公司。"
            ),
            &["procurement.potential_bidders"],
            &[],
        ),
        row(
            "rule quoted",
            format!("{TENDER_HEAD}不得向他人透露已获取招标文件的潜在投标人的名称、数量。"),
            &[],
            &["procurement.potential_bidders"],
        ),
        row(
            "overview sentence",
            format!(
                "{TENDER_HEAD}项目的潜在投标人应在某某网获取招标文件，并于2024年6月1日前递交投标文件。"
            ),
            &[],
            &["procurement.potential_bidders"],
        ),
        row(
            "base price",
            format!("{TENDER_HEAD}本项目标底价为￥1,250,000元。"),
            &["procurement.base_price"],
            &[],
        ),
        row(
            "no base price",
            format!("{TENDER_HEAD}本项目不设标底。"),
            &[],
            &["procurement.base_price"],
        ),
    ]);
}

#[test]
fn consistency_checks() {
    check(vec![
        row(
            "words match",
            "合同金额：人民币壹佰贰拾叁万元整（¥1,230,000.00）",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "unit in brackets",
            "报价:1444851.19(元)（大写：壹佰肆拾万肆仟捌佰伍拾壹元壹角玖分）",
            &["consistency.amount_words"],
            &[],
        ),
        row(
            "words differ",
            "合同金额：人民币壹佰贰拾叁万元整（¥1,320,000.00）",
            &["consistency.amount_words"],
            &[],
        ),
        row(
            "small then big",
            "合计金额小写：1025826.73元 合计金额大写：壹佰零贰万伍仟捌佰贰拾陆元柒角叁分",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "wan units",
            "预算金额：123万元（大写：人民币壹佰贰拾叁万元整）",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "figure cut by the window",
            "合同金额：1134560.00元\n证件号码：620102196108093706\n合计金额大写：人民币壹佰壹拾叁万肆仟伍佰陆拾元整",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "wan as a count",
            "主要标的名称：纸质档案扫描120万页\n合计金额大写：人民币壹佰万陆仟玖佰肆拾捌元整",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "masked figure beside the words",
            "中标金额：******.73元（大写：壹佰零贰万伍仟捌佰贰拾陆元柒角叁分）",
            &[],
            &["consistency.amount_words"],
        ),
        row(
            "impossible date",
            "首次公告日期：2023年11月31日",
            &["consistency.invalid_date"],
            &[],
        ),
        row(
            "short tender period",
            "某某项目公开招标公告\n三、获取招标文件\n时间：2024年5月10日至2024年5月15日\n四、提交投标文件截止时间：2024年5月20日9时30分",
            &["consistency.bid_period"],
            &[],
        ),
        row(
            "self-run tender sets its own period",
            "（自行采购）某某中心银行账户招标公告\n三、获取招标文件\n时间：2024年5月10日至2024年5月15日\n四、提交投标文件截止时间：2024年5月20日9时30分",
            &[],
            &["consistency.bid_period"],
        ),
        row(
            "a works tender below any mandatory-tender amount sets its own period",
            "某某村便民服务中心改造工程施工招标公告\n审核预算价：125143元\n三、获取招标文件\n\
             时间：2024年5月10日至2024年5月15日\n四、投标截止时间：2024年5月20日9时30分",
            &[],
            &["consistency.bid_period"],
        ),
        row(
            "a works tender of an amount that may have to be tendered keeps the period",
            "某某村便民服务中心改造工程施工招标公告\n审核预算价：4125143元\n三、获取招标文件\n\
             时间：2024年5月10日至2024年5月15日\n四、投标截止时间：2024年5月20日9时30分",
            &["consistency.bid_period"],
            &[],
        ),
        row(
            "government procurement keeps the period whatever its amount",
            "某某中心政府采购公开招标公告\n预算金额：125143元\n三、获取招标文件\n\
             时间：2024年5月10日至2024年5月15日\n四、投标截止时间：2024年5月20日9时30分",
            &["consistency.bid_period"],
            &[],
        ),
        row(
            "a notice asking for 响应文件 runs no tender's period",
            "某某项目公开招标公告\n三、获取采购文件\n时间：2024年5月10日至2024年5月15日\n\
             四、提交响应文件截止时间：2024年5月20日9时30分",
            &[],
            &["consistency.bid_period"],
        ),
        row(
            "legal tender period",
            "某某项目公开招标公告\n三、获取招标文件\n时间：2024年5月10日至2024年5月15日\n四、提交投标文件截止时间：2024年6月3日9时30分",
            &[],
            &["consistency.bid_period"],
        ),
        row(
            "tender period too short",
            "某某项目公开招标公告\n五、公告期限\n自本公告发布之日起3个工作日。",
            &["consistency.announcement_period"],
            &[],
        ),
        row(
            "tender period in Chinese numerals",
            "某某项目公开招标公告\n五、公告期限：自本公告发布之日起五个工作日。",
            &[],
            &["consistency.announcement_period"],
        ),
        row(
            "objection window after the period",
            "某某项目单一来源采购公示\n三、公示期限\n2024年5月6日至2024年5月13日\n对公示内容有异议的，请于公示期满后两个工作日内书面反馈。",
            &[],
            &["consistency.announcement_period"],
        ),
        row(
            "award period",
            "某某项目中标公告\n七、公告期限\n自本公告发布之日起1个工作日。",
            &[],
            &["consistency.announcement_period"],
        ),
        row(
            "award over budget",
            "某某项目中标公告\n预算金额：100万元\n中标金额：1,080,000.00元",
            &["consistency.award_over_budget"],
            &[],
        ),
        row(
            "award within budget",
            "某某项目中标公告\n预算金额：100万元\n中标金额：980,000.00元",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "award over budget, amounts in words first",
            "某某项目中标公告\n预算金额：人民币壹佰万元（¥1,000,000.00）\n中标金额：人民币壹佰零捌万元（¥1,080,000.00）",
            &["consistency.award_over_budget"],
            &[],
        ),
        row(
            "a figure after other words is another one's",
            "某某项目中标公告\n预算金额：500,000.00元\n中标金额：450,000.00元\n\
             代理服务费以采购预算金额为计算基础，参照计价格[2002]1980号文件计取",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "a fee scale's band is no award amount",
            "某某项目成交公告\n预算金额：568,000.00元\n成交金额：550,000.00元\n\
             代理服务费：按差额定率累进法计算：成交金额100万元以下，费率1.5%",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "the words' 万 before a figure is no unit",
            "某某项目成交结果公告\n二、预算金额：888200元。\n\
             3、成交金额大写：捌拾柒万柒仟伍佰肆拾壹元陆角整，小写：877541.6元",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "a unit note before a figure is",
            "某某项目成交结果公告\n二、预算金额：888200元。\n3、成交金额（万元）：95",
            &["consistency.award_over_budget"],
            &[],
        ),
        row(
            "masked budget",
            "某某项目中标公告\n预算金额：******.73元\n中标金额：1,080,000.00元",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "budget cut by a mask",
            "某某项目中标公告\n预算金额：1,0**,000.00元\n中标金额：1,080,000.00元",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "a lot over its own budget",
            "某某项目中标公告\n第1包 预算金额：100万元\n第2包 预算金额：30万元\n第1包 中标金额：95万元\n第2包 中标金额：35万元",
            &["consistency.award_over_budget"],
            &[],
        ),
        row(
            "lots within their own budgets",
            "某某项目中标公告\n包1：预算金额：100万元\n包2：预算金额：30万元\n包1：中标金额：95万元\n包2：中标金额：29.5万元",
            &[],
            &["consistency.award_over_budget"],
        ),
        row(
            "lots in Chinese numerals, tables of one lot each",
            "某某项目中标公告\n标段一\n预算金额：100万元\n中标金额：95万元\n标段二\n预算金额：30万元\n中标金额：35万元",
            &["consistency.award_over_budget"],
            &[],
        ),
        row(
            "a total budget and lots' awards",
            "某某项目中标公告\n预算金额：130万元\n第1包 中标金额：95万元\n第2包 中标金额：29万元",
            &[],
            &["consistency.award_over_budget"],
        ),
    ]);
}

#[test]
fn announcement_types_from_titles() {
    let engine = util::engine();
    for (title, id) in [
        ("关于某某项目的更正公告", "correction"),
        ("某某项目终止公告", "termination"),
        ("某某单位2024年1至6月政府采购意向", "intent"),
        ("某某项目竞争性磋商公告", "consultation"),
        ("某某项目竞争性谈判公告", "negotiation"),
        ("某某项目询价公告", "inquiry"),
        ("某某项目单一来源采购公示", "single_source"),
        ("某某项目资格预审公告", "prequalification"),
        ("某某项目公开招标公告", "tender"),
        ("某某项目中标（成交）结果公告", "award"),
        ("某某项目合同公告", "contract"),
        ("某某项目验收结果公告", "acceptance"),
        ("關於某某項目的更正公告", "correction"),
        // An amending notice's title wins over the notice it amends.
        ("某某水利工程施工终止招标公告", "termination"),
        ("关于某某食堂项目两次流标的通告", "termination"),
        ("某某项目中标结果变更的公示", "correction"),
        // Title words of every type as platforms write them.
        ("关于某某项目招标文件的澄清", "correction"),
        ("关于撤销某某项目中标结果的公告", "termination"),
        ("某某工程评标结果公示", "award"),
        ("某某项目拟成交供应商公示", "award"),
        ("某某局2024年度招标计划", "intent"),
        ("某某项目采购文件征求意见公告", "demand_notice"),
        ("某某中心办公用品竞价采购公告", "inquiry"),
        ("某某医院耗材报价邀请", "inquiry"),
        // A platform list's status tag before the title is no type.
        (
            "[已流标]某某青年公寓项目家具采购及相关服务招标公告",
            "tender",
        ),
        ("[暂停中]某某印刷基地夹层改造与装修工程招标公告", "tender"),
        ("【终止公告】某某项目", "termination"),
        // A method name alone is loose evidence; the contract's own words decide.
        (
            "某某服务采购政府采购合同 合同编号 XY-01 采购方式：公开招标 采购人(甲方)：某局",
            "contract",
        ),
    ] {
        let report = engine.scan("t.txt", format!("{title}\n正文").as_bytes());
        assert_eq!(report.doc_type.as_deref(), Some(id), "{title}");
    }
    // A whole title ends the title: the first sentence below it names the
    // procedure (竞争性谈判), not the notice.
    let report = engine.scan(
        "t.txt",
        "某某县农业局秸秆腐熟剂采购项目成交公告\n某某县政府采购中心受某某县农业局委托，就该项目进行了竞争性谈判采购，现就本次谈判结果公告如下：\n谈判小组成员：甲某、乙某、丙某".as_bytes(),
    );
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    // An acceptance notice restates its contract (合同编号, 合同主体,
    // 合同金额…): its own phrases decide.
    let report = engine.scan(
        "t.txt",
        "一、合同编号：HT-2026-01 二、合同名称：宣传册采购 三、项目编号：XM-01 四、项目名称：宣传册采购\n\
         五、合同主体 采购人（甲方）：某某部 供应商（乙方）：某某印刷厂\n六、合同主要信息 合同金额：3800.00元\n\
         七、本次验收内容 宣传册400本\n八、验收日期：2026年07月06日\n九、验收组成员：王某某,马某某\n十、验收意见：验收通过"
            .as_bytes(),
    );
    assert_eq!(report.doc_type.as_deref(), Some("acceptance"));
    // A contract notice is still a contract.
    let report = engine.scan(
        "t.txt",
        "一、合同编号：HT-2026-01 二、合同名称：宣传册采购 三、项目编号：XM-01\n\
         五、合同主体 采购人（甲方）：某某部 供应商（乙方）：某某印刷厂\n六、合同主要信息 合同金额：3800.00元\n七、合同签订日期：2026年07月01日"
            .as_bytes(),
    );
    assert_eq!(report.doc_type.as_deref(), Some("contract"));
    // Layouts of real pages: an aggregator's own headline above the
    // notice's title, a title wrapped over two lines below a menu, and a
    // labelled value (`公告类型:竞争性磋商` names the procedure) above it.
    for (text, id) in [
        (
            "某某招标网\n某某分局食材配送招标公告\n您的位置: 首页 > 招标公告 > 某某分局食材配送服务采购更正公告\n某某分局食材配送服务采购更正公告[变更公告]\n产品最高限价更改:更改前……",
            "correction",
        ),
        (
            "登录/注册\n开启全网商机\n某某幼儿园2026年度食堂食品采购\n配送服务企业遴选结果公示\n现将遴选结果公示如下",
            "award",
        ),
        (
            "某某中学安保服务采购项目\n项目编号:RC-2016-0560\n公告类型:竞争性磋商\n成 交 公 示\n某某项目采用竞争性磋商方式确定成交人。现将成交结果公示如下:",
            "award",
        ),
        // The ggzy.gov.cn clarification form: empty labels, then what changed.
        (
            "（招标）某某体育公园建设项目设计施工一体化\n文件编号\n投标文件递交截止时间\n投标有效期\n90\n是否延期\n延期后开标时间\n延期后开标地点\n对文件澄清与修改的主要内容\n详见招标文件",
            "correction",
        ),
        // A platform's tag of the notice kind on a line of its own.
        (
            "某某镇污水管道疏通服务项目交易公告\n【信息时间: 2021/4/30】【我要打印】\n某某镇污水管道疏通服务项目\n【发包公告】\n本发包项目已批准实施",
            "tender",
        ),
        // A site that put 成交公告 over its 磋商公告: the body invites
        // suppliers and reports no result.
        (
            "某某学院工作服采购成交公告\n某某咨询有限公司受某某学院委托，对某某项目进行竞争性磋商采购，现欢迎合格的供应商参加本次政府采购活动。\n一、采购人的采购需求",
            "consultation",
        ),
    ] {
        let report = engine.scan("t.txt", text.as_bytes());
        assert_eq!(report.doc_type.as_deref(), Some(id), "{text}");
    }
    // The same sentence quoted by a real result keeps it a result.
    let award = "某某学院工作服采购成交公告\n某某项目于2019年7月16日发布公告，现欢迎合格的供应商参加。\n成交供应商名称：某某服装厂\n成交金额：269100元";
    let report = engine.scan("t.txt", award.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    let report = engine.scan("t.txt", "会议通知\n请各位准时参会".as_bytes());
    assert_eq!(report.doc_type, None);
    assert!(
        report
            .verdict
            .findings
            .iter()
            .all(|f| f.category != Category::MissingField)
    );
}

/// The fields a scan reports missing, sorted.
fn missing_fields(engine: &pubgate::engine::Engine, text: &str) -> Vec<String> {
    let report = engine.scan("t.txt", text.as_bytes());
    let mut fields: Vec<String> = report
        .verdict
        .findings
        .iter()
        .filter(|f| f.rule == "fields.missing")
        .filter_map(|f| f.field.clone())
        .collect();
    fields.sort();
    fields
}

/// Notices written as prose (no 2020-format headings) name their fields in
/// sentences: the engine finds them there, and still reports the ones a
/// sentence does not give.
#[test]
fn free_form_notices_name_their_fields_in_sentences() {
    let engine = util::engine();
    let missing = |text: &str| missing_fields(&engine, text);
    let termination = "关于某某学校教学楼维修工程流标的公告\n各投标人：\n\
        某某学校教学楼维修工程（编号：JX-2023-017）于2023年4月6日开标，\
        因递交投标文件的供应商不足三家，本项目流标，将另行组织采购。\n\
        联系人：王老师 联系电话：0791-88120000\n某某学校\n2023年4月7日\n";
    assert_eq!(missing(termination), Vec::<String>::new());
    // The same notice without its reason.
    let bare = termination.replace(
        "因递交投标文件的供应商不足三家，本项目流标，将另行组织采购。",
        "特此公告。",
    );
    assert_eq!(missing(&bare), ["termination_reason"]);

    let single = "某某图书馆数据库续订项目单一来源采购公示\n\
        某某大学图书馆就数据库续订项目（编号：TS-2024-03）进行单一来源采购，\
        该项目预算12.5万元，拟由某某数据有限公司提供，地址：某市某路8号。\n\
        单一来源采购理由如下：该数据库由某某数据有限公司独家开发，续订须保持一致性。\n\
        公示期限：自本公示发布之日起5个工作日。\n\
        联系人：李老师 联系电话：0791-88130000\n某某大学图书馆\n2024年3月1日\n";
    assert_eq!(missing(single), Vec::<String>::new());
    // Its one contact block is the purchaser's only when there is no
    // agency: with an agency named, the purchaser's contacts are missing.
    let with_agency = single.replace(
        "联系人：李老师",
        "采购代理机构：某某招标代理有限公司 联系人：李老师",
    );
    assert!(missing(&with_agency).contains(&"purchaser_contact".to_string()));

    // Pre-2020 ccgp result pages: a label longer than the dictionary's
    // (`采购代理机构名称：`) with the party's phone two lines below; a
    // winner's bare `地址：` under its line; a local number without area
    // code; the expert list under the old combined label.
    let award = "某某市某某局设备采购项目成交公告\n\
        一、项目信息\n项目编号：ZJ2016-001\n项目名称：某某局设备采购项目\n\
        二、采购单位信息\n采购单位名称：某某局\n采购单位联系方式：汤先生59167862\n\
        三、成交信息\n成交供应商：某某设备有限公司\n成交金额：31.68万元\n地址：某某市某某路8号\n\
        谈判小组、询价小组、磋商小组成员名单及单一来源采购人员名单：\n张伟、李娜、王强\n\
        四、成交标的名称、规格型号、数量、单价、服务要求：\n办公设备一批\n\
        五、代理服务收费标准及金额：收费金额8000元\n\
        六、公告期限：自本公告发布之日起1个工作日\n\
        七、联系方式\n采购代理机构名称：某某工程监理有限公司\n 联系人：陈先生\n 电话：0759-4800322\n";
    assert_eq!(missing(award), Vec::<String>::new());
    let without_phone = award.replace(" 电话：0759-4800322\n", "");
    assert_eq!(missing(&without_phone), ["agency_contact"]);
    // A winner and an amount under labels the dictionary does not list
    // are still found where they belong: a company after 成交…：, a figure
    // after 成交…价.
    let unlisted = award
        .replace(
            "成交供应商：某某设备有限公司\n",
            "成交结果：某某设备有限公司\n",
        )
        .replace("成交金额：31.68万元\n", "成交总额（含税价）：31.68万元\n");
    assert_eq!(missing(&unlisted), Vec::<String>::new());
    // Under a combined label, the next label line is no value.
    let no_winner = award.replace(
        "成交供应商：某某设备有限公司\n",
        "成交供应商名称、地址及成交金额：\n成交下浮系数：20%\n",
    );
    assert!(missing(&no_winner).contains(&"winner_name".to_string()));

    // A contact's phone on the next numbered line; the project number as
    // 招标文件编号; the documents' sale as 发售招标文件时间.
    let tender = "某某医院医疗设备采购项目公开招标公告\n\
        1.招标文件编号：FJXC-2015-128\n2.项目名称：某某医院医疗设备采购项目\n\
        3.预算金额：120万元\n4.采购需求：医疗设备一批\n\
        5.投标人资格要求：符合《政府采购法》第二十二条规定的条件\n\
        6.发售招标文件时间：2015年9月28日至2015年10月10日，在某某市政府采购网下载\n\
        7.投标截止时间：2015年10月22日09:30\n8.公告期限：自本公告发布之日起5个工作日\n\
        9.采购人：某某医院，联系电话：0595-22518000\n\
        10.项目联系人：潘先生\n11.联系电话：0595-22518425\n";
    assert_eq!(missing(tender), Vec::<String>::new());
    // The page's boilerplate pairs the purchaser with an agency in
    // general: no agency's contacts are required of this notice.
    let boilerplate = format!("{tender}对本公告有异议的，可向采购人或采购代理机构提出质疑。\n");
    assert_eq!(missing(&boilerplate), Vec::<String>::new());
    let with_agency = format!("{tender}采购代理机构：某某招标有限公司\n");
    assert_eq!(missing(&with_agency), ["agency_contact"]);
    // An agency that publishes in its own name gives its contacts under
    // the generic labels.
    let published_by_agency =
        format!("某某招标有限公司受某某医院委托，对下列项目进行公开招标。\n{tender}");
    assert_eq!(missing(&published_by_agency), Vec::<String>::new());
    // So does one that signs the notice below an unlabelled contact.
    let signed_by_agency = format!(
        "{tender}十二、业务咨询：\n联系人：陈某某 联系电话：0773-2887388\n传真：0773-2889218\n广西某某招标有限公司\n2014年4月1日\n"
    );
    assert_eq!(missing(&signed_by_agency), Vec::<String>::new());
    // A demand notice publishes the requirement as its attachment
    // (`现将本项目技术要求公布如下…附件：本项目技术要求`); without any
    // mention of it, the requirement is missing.
    let demand = "某某局监控系统改造项目采购需求公示\n\
        某某市公共资源交易中心将于近期就某某局监控系统改造项目进行公开招标，现将本项目技术要求公布如下，公开征求意见。\n\
        供应商如有异议，请于2024年6月5日17时前将书面材料送至交易中心。\n\
        联系人：王女士 联系电话：0373-3012345\n附件：本项目技术要求\n某某市公共资源交易中心\n2024年5月29日\n";
    let report = engine.scan("t.txt", demand.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("demand_notice"));
    assert!(
        !missing(demand).contains(&"requirement".to_string()),
        "{:?}",
        missing(demand)
    );
    let no_requirement = demand
        .replace("现将本项目技术要求公布如下，", "")
        .replace("附件：本项目技术要求\n", "");
    assert!(missing(&no_requirement).contains(&"requirement".to_string()));
    // A correction in prose: its title says 补充通知, the original date
    // and the change are in the first sentence.
    let correction = "某某市人民医院手术室过滤器采购项目补充通知\n各潜在供应商：\n\
        对2026年1月13日发布的某某市人民医院手术室过滤器采购项目磋商文件做如下修改：\n\
        一、删除项目需求中备注条款第2条。\n二、本补充通知作为磋商文件的组成部分。\n\
        采购人：某某市人民医院，联系电话：0513-83212345\n";
    let report = engine.scan("t.txt", correction.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("correction"));
    assert_eq!(missing(correction), ["project_code"]);
    // A sentence that refers to the deadline does not state it.
    let referred = tender.replace(
        "7.投标截止时间：2015年10月22日09:30",
        "7.投标保证金须在投标截止时间前汇至指定账户，2015年10月30日起退还",
    );
    assert_eq!(missing(&referred), ["bid_deadline"]);
    let without_phone = tender.replace("11.联系电话：0595-22518425\n", "");
    assert_eq!(missing(&without_phone), ["project_contact"]);

    // A contact block that gives the phone before the person (福州
    // construction tenders): `电话:` on the line above `联系人:`.
    let phone_first = tender.replace(
        "10.项目联系人：潘先生\n11.联系电话：0595-22518425\n",
        "10.招标代理机构：某某招标有限公司\n电话: 0591-87734730 , 传真: 0591-87734700\n联系人: 张工\n",
    );
    assert_eq!(missing(&phone_first), Vec::<String>::new());
    // A form row pairs each label with the cell after it: the row below
    // is other fields, not the contact's value (嘉兴 工程信息发布表).
    let form = tender.replace(
        "10.项目联系人：潘先生\n11.联系电话：0595-22518425\n",
        "质 量 要 求\t合格\t联 系 人\t 吴先生\t联 系 电 话\t0573-82725567\n         评 标 办 法\t综合评分法\t资格审查方式\t资格后审\t是否政府投资项目\t是\n",
    );
    assert_eq!(missing(&form), Vec::<String>::new());
    // A hospital's own canteen tender with one phone and no parties named:
    // that phone is the project's contact.
    // A crawled result page one cell per line, whose header has a column
    // the header test did not know (`统一社会信用代码`); a contract's amount
    // on the line below its label (`28.38万元` is no numbered line).
    let cells = "某某学校配电工程中标结果公告\n一、项目编号：\nP52038220260001G8\n二、项目名称：\n某某学校配电工程\n\
        三、中标（成交）信息\n序号\n标项名称\n中标（成交）金额（元）\n中标供应商名称\n中标供应商地址\n\
        中标供应商统一社会信用代码\n1\n某某学校配电工程\n2100000.00\n某某电网建设有限责任公司\n贵州省贵阳市某路1号\n915201026801514260\n\
        四、主要标的信息\n施工范围：配电工程\n五、评审专家名单：\n张远浩、陈沪、林国庆\n\
        六、代理服务收费标准及金额：\n代理服务收费金额（元）：16518.04\n七、公告期限\n自本公告发布之日起1个工作日。\n\
        八、联系方式\n采购人：某某教育局 联系方式：0851-22230000\n采购代理机构：某某招标有限公司 联系方式：0851-85765105\n";
    assert_eq!(missing(cells), Vec::<String>::new());
    let contract = "某某学院武术馆地板项目合同\n合同编号\nHT-2026-01\n项目编号\nXM-2026-01\n采购人名称\n某某学院\n\
        中标（成交）供应商名称\n某某建筑工程有限公司\n合同金额\n28.38万元 人民币\n合同签署时间\n2026-03-16 08:42:49\n";
    assert_eq!(missing(contract), Vec::<String>::new());
    // A page copied one token per line: its dates, figures and ranked
    // winners read again; a supervisor's phone is no party's contact.
    let tokens = "某某公司\n某某体育公园劳务招标\n结果的公示\n我公司于\n202\n6\n年\n3\n月\n16\n日组织的招标，经评审已确定中标候选人，\n\
        现将结果公示如下:\n第一名\n.\n四川某某建设工程有限公司     下浮比例\n:\n24.91%\n\
        二、公示期:\n202\n6\n年\n3\n月\n16\n日至\n2026\n年\n3\n月\n18\n日。\n四、监督电话:\n0826-485702\n9\n";
    let report = engine.scan("t.txt", tokens.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    let found = missing(tokens);
    for present in ["winner_name", "winner_amount", "announcement_period"] {
        assert!(
            !found.contains(&present.to_string()),
            "{present}: {found:?}"
        );
    }
    assert!(
        found.contains(&"purchaser_contact".to_string()),
        "{found:?}"
    );
    // A construction tender's 标段编号 and its 招标代理 block.
    let works = tender
        .replace("1.招标文件编号：FJXC-2015-128\n", "1.标段编号\nA1504012026031001001001\n")
        .replace(
            "9.采购人：某某医院，联系电话：0595-22518000\n",
            "9.招标人：某某医院，联系电话：0595-22518000\n招标代理：某某项目管理有限公司\n联 系 人：孙工\n联系电话：18947651921\n",
        );
    assert_eq!(missing(&works), Vec::<String>::new());
    // One contact block below the purchaser's and the agency's names is
    // shared by both (a shared block that gives no phone is not).
    let shared = "某某银行食堂食材采购项目单一来源采前公示\n某某银行食堂食材采购项目申请采用单一来源方式采购，\
        该项目拟由某某绿色食品行承担。公示期限从2025年05月20日起至2025年05月22日止。\n\
        1、采购内容：食堂食材，预算金额：30万元。\n2、单一来源的原因及相关说明：\n连续两次公开招标均只有1家合格供应商报名。\n\
        4、联系方式：\n采购单位：某某银行分行\n代理机构：某某工程项目管理咨询有限公司\n地址：某市某路8号\n\
        联系人：祖女士\n联系电话：0456-6779666\n";
    assert_eq!(missing(shared), Vec::<String>::new());
    let unshared = shared.replace("联系人：祖女士\n联系电话：0456-6779666\n", "");
    assert!(missing(&unshared).contains(&"purchaser_contact".to_string()));
    // A construction result form: 项目法人 is the purchaser, 中标(选)价 the
    // amount, 中标(选)范围 the subject, a spaced name list of the committee.
    let form = "某某管网工程中标(比选)结果公示表\n(公示时间:2017年1月9日至2017年1月11日)\n\
        项目名称\t某某管网工程\n招标编号\t500112GC20161213002\n\
        项目法人\t某某地产集团\t联系人\t汤老师\n联系电话\t63106131\n\
        招标代理机构\t某某工程项目管理有限公司\t联系人\t王娅\n联系人电话\t023-63106132\n\
        中标(选)范围\t施工图示范围内截污干管工程\n中标(选)人\t某某市政交通工程有限责任公司\n\
        中标人地址\t某市某路9号\n中标(选)价(万元)\t666.987967\n\
        评标委员会成员\n胡  力、左  成 、程  平、范武凌 、胡  华\n代理服务费：按国家标准收取，金额3.2万元\n";
    assert_eq!(missing(form), Vec::<String>::new());
    // The committee as a heading names its members; in a sentence it
    // recommends, and the candidates below are no expert list.
    let heading = form.replace("评标委员会成员\n", "七、评标委员会\n");
    assert_eq!(missing(&heading), Vec::<String>::new());
    let sentence = form.replace(
        "评标委员会成员\n胡  力、左  成 、程  平、范武凌 、胡  华\n",
        "1、评标委员会推荐的中标候选人\n第一名：某某市政交通工程有限责任公司 项目经理：邓永强\n",
    );
    assert!(missing(&sentence).contains(&"expert_list".to_string()));
    let canteen = "某某医院职工食堂招标公告\n有餐饮营业执照的团餐公司才可报名。\n\
        报名时间:\n2016年12月22日——2016年12月26日\n报名地址:某某医院总务科\n\
        电话: 0286-2600645\n某某医院\n2016年12月15日\n";
    assert!(!missing(canteen).contains(&"project_contact".to_string()));
}

/// Party contacts as result forms print them: a row with the phone in its
/// own cell (a mistyped mobile too), one phone above the signatures of
/// both parties, a bidder that is a supervising firm (not an agency), a
/// project number alone on the first line.
#[test]
fn party_contacts_in_result_forms_and_signature_blocks() {
    let engine = util::engine();
    let missing = |text: &str| missing_fields(&engine, text);
    let core = "项目名称：某某小学运动场工程\n\
        中标人：某某建筑工程有限公司\n地址：某某市某某路8号\n中标金额：312.5万元\n\
        主要标的信息：运动场改造一项\n评标委员会成员名单：张伟、李娜、王强\n\
        代理服务收费标准及金额：按计价格[2002]1980号收取，8000元\n\
        公示期：自本公告发布之日起1个工作日\n";

    // A purchaser's row whose phone cell holds a ten-digit (mistyped)
    // mobile: the contact is given, not missing.
    let row = format!(
        "某某小学运动场工程中标结果公示\n项目编号：CQ2021-069\n{core}\
         招标人\t某某小学校\t联系电话\t1389641375\n"
    );
    assert_eq!(missing(&row), Vec::<String>::new());
    let no_number = row.replace("\t联系电话\t1389641375", "");
    assert_eq!(missing(&no_number), ["purchaser_contact"]);

    // A notice without an agency gives one contact block, the purchaser's;
    // a consultancy named as a supplier (`…咨询有限公司为品牌酱料供货单位`)
    // is no agency.
    let sole = |supplier: &str| {
        format!(
            "某某大学食堂原材料单一来源采购公示\n一、项目名称：某某大学食堂特色风味窗口部分原材料单一来源\n\
             项目编号：YZU-2022-08\n预算金额：60万元\n二、采用单一来源采购方式的原因及相关说明\n\
             经专家论证，建议：\n1.某某食品有限公司为品牌包子供货单位\n2.{supplier}\n\
             对此采购方式有异议，请于2022年8月29日前以书面形式向招标办提出意见。\n\
             联系人：何老师\n联系电话：0514-87991766\n某某大学采购管理办公室\n2022年8月25日\n"
        )
    };
    let contact = |text: &str| missing(text).contains(&"purchaser_contact".to_string());
    assert!(!contact(&sole(
        "某某餐饮管理咨询有限公司为品牌酱料供货单位"
    )));
    assert!(contact(&sole("采购代理机构：某某工程咨询有限公司")));

    // One phone above the signatures of the purchaser and the agency,
    // then the date: both parties' contact.
    let signed = format!(
        "某某小学运动场工程中标候选人公示\n项目编号：CQ2021-069\n{core}\
         如有异议请联系：023—68881331\n某某小学\n某某招标有限公司\n2016年11月10日\n"
    );
    assert_eq!(missing(&signed), Vec::<String>::new());
    let unsigned = signed.replace("如有异议请联系：023—68881331\n", "");
    assert_eq!(missing(&unsigned), ["agency_contact", "purchaser_contact"]);

    // A bidder that is a supervising firm (`…项目管理有限公司`) does not
    // make the notice one with an agency; an agency named as such does.
    let bidders = format!(
        "某某小学运动场工程监理中标公示\n项目编号：CQ2021-069\n{core}\
         第二名 单位名称：某某建设工程项目管理有限公司\n\
         招标人：某某小学，联系电话：023-75550535\n"
    );
    assert_eq!(missing(&bidders), Vec::<String>::new());
    let with_agency = format!("{bidders}招标代理：某某建设工程项目管理有限公司\n");
    assert_eq!(missing(&with_agency), ["agency_contact"]);

    // A result table whose header pairs the winner with an address
    // column: two cells, not the label `成交供应商地址`; an empty address
    // cell is a missing address.
    let table = format!(
        "某某小学运动场工程中标结果公示\n项目编号：CQ2021-069\n{core}\
         招标人：某某小学，联系电话：023-75550535\n"
    )
    .replace(
        "中标人：某某建筑工程有限公司\n地址：某某市某某路8号\n",
        "分包内容\t成交供应商\t地址\t其他要求\n运动场\t某某建筑工程有限公司\t某某市某某路8号\t无\n",
    );
    assert_eq!(missing(&table), Vec::<String>::new());
    let no_address = table.replace("\t某某市某某路8号\t无\n", "\t\t\t\n");
    assert_eq!(missing(&no_address), ["winner_address"]);

    // A party's contact in the column beside its name.
    let columns = format!(
        "某某小学运动场工程中标结果公示\n项目编号：CQ2021-069\n{core}\
         采购单位\t联系方式\t地址\n某某小学\t连工0591-88216053\t某某市\n"
    );
    assert_eq!(missing(&columns), Vec::<String>::new());
    let no_contact = columns.replace("\t连工0591-88216053\t", "\t\t");
    assert_eq!(missing(&no_contact), ["purchaser_contact"]);

    // An oversight office's number is not the purchaser's contact, however
    // its label is worded; a named contact person on that line is.
    let oversight = format!(
        "某某小学运动场工程中标结果公示\n项目编号：CQ2021-069\n{core}\
         投诉监督联系电话：0572-6685939\n某某村股份经济合作社\n2021年4月28日\n"
    );
    assert_eq!(missing(&oversight), ["purchaser_contact"]);
    let named = oversight.replace("0572-6685939\n", "0572-6685939 联系人：沈主任\n");
    assert_eq!(missing(&named), Vec::<String>::new());

    // The project number alone on the first line, before the title.
    let code_first = format!(
        "LYSG2021-069-048\n某某小学运动场工程中标结果公示\n{core}\
         招标人：某某小学，联系电话：023-75550535\n"
    );
    assert_eq!(missing(&code_first), Vec::<String>::new());
    let no_code = code_first.replace("LYSG2021-069-048\n", "");
    assert_eq!(missing(&no_code), ["project_code"]);
    // An empty `项目编号：` above the next label has no code.
    let empty_code = no_code.replace("中标结果公示\n", "中标结果公示\n项目编号：\n");
    assert_eq!(missing(&empty_code), ["project_code"]);
    let filled = empty_code.replace("项目编号：\n", "项目编号：\nLY-2021-069\n");
    assert_eq!(missing(&filled), Vec::<String>::new());
}

/// A result notice in the award template whose only result is a 废标
/// names no winner: it ends the procurement (a termination), and the panel
/// it lists has already sat, so the names are no secret. A notice that
/// names a winner for another lot stays an award; a termination before
/// any evaluation still keeps its panel secret.
#[test]
fn a_failed_result_in_the_award_template_is_a_termination() {
    let engine = util::engine();
    let failed = "某某学校体育器材采购项目结果公告（采购包1）\n\
        一、项目编号：FJ-2025-003\n二、项目名称：某某学校体育器材采购项目\n\
        三、采购结果\n采购包1：\n废标理由：\n某某体育公司检测报告不符合要求，符合性不通过。\
        本项目有效供应商家数不足三家，本项目流标。\n\
        四、主要标的信息\n无（废标）\n五、评审专家名单：\n张远浩、陈沪、林国庆\n\
        六、公告期限\n自本公告发布之日起1个工作日。\n\
        七、联系方式\n采购人：某某教育局，联系电话：0599-5820500\n";
    let report = engine.scan("t.txt", failed.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
    assert!(
        !report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "procurement.expert_list"),
        "the panel of an evaluation already made is no secret"
    );

    let other_lot_awarded = failed.replace(
        "四、主要标的信息",
        "采购包2：\n中标供应商名称：某某体育设施有限公司\n中标金额：12.5万元\n四、主要标的信息",
    );
    let report = engine.scan("t.txt", other_lot_awarded.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));

    let before_evaluation = "某某项目终止公告\n项目编号：FJ-2025-004\n项目名称：某某项目\n\
        终止原因：采购需求发生变化，终止本次采购。\n评审专家名单：张远浩、陈沪、林国庆\n\
        采购人：某某教育局，联系电话：0599-5820500\n";
    let report = engine.scan("t.txt", before_evaluation.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "procurement.expert_list"),
        "a panel named before any evaluation is a leak"
    );

    // The number of bidders is secret until the deadline: a termination
    // written after the opening, for too few bids, may give it; one
    // written before may not.
    let termination = |when: &str| {
        format!(
            "某某供电项目监理终止公告\n项目编号：E6500-2019-017\n项目名称：某某供电项目监理\n\
             本项目于2019年6月3日发布招标公告及招标文件，截至目前共8家单位领取招标文件{when}。\n\
             终止原因：投标人少于三个，经招标人研究决定，本项目依法重新招标。\n联系电话：0997-8888888\n"
        )
    };
    let bidders = |text: &str| {
        engine
            .scan("t.txt", text.as_bytes())
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "procurement.potential_bidders")
    };
    assert!(!bidders(&termination(
        "，于2019年7月8日在交易中心开标室组织开标活动，至投标截止时间只有1家单位上传投标文件"
    )));
    assert!(bidders(&termination("")));
}

/// Platforms publish beside their announcements pages that are none of
/// the types: a circular to the budget units that quotes
/// `单一来源采购方式`, a complaint decision that names the winner. Each
/// is no type (held for a person, told what kind of page it seems to
/// be), not the type whose words it quotes; a clarification addressed
/// to the bidders is still a correction.
#[test]
fn pages_of_other_kinds_are_no_type() {
    let engine = util::engine();
    for (text, kind) in [
        (
            "各预算单位：\n为进一步规范单一来源采购方式适用，现将有关通知转发给你们，请遵照执行。\n\
             采用单一来源采购方式的，应当对供应商的唯一性进行充分论证，并在公告成交结果时完整、准确载明采用该方式的理由。\n\
             我区范围的其他采购人，比照前述要求实施。\n附件：关于进一步做好单一来源采购项目信息发布工作的通知\n某某区财政局\n2023年11月30日\n",
            "通知",
        ),
        (
            "通知公告\n关于暂停与某某医疗器械有限公司合作的通知\n院属各科室：\n\
             2025年5月7日，某某医疗器械有限公司投标我院导管采购项目并被推荐为第一中标候选人，中标公示后，\
             该供应商因生产厂家拒绝供货放弃中标资格。为规范招投标活动，经与监审部门会商，\
             现决定暂停与其合作三年，在此期间禁止该单位参加我院采购项目。\n\
             特此通知。\n某某医院\n2025年5月28日\n",
            "通知",
        ),
        (
            "一、项目编号：SC2025-0440\n二、项目名称：某某学院物业管理服务\n三、相关当事人\n\
             投诉人：某某物业管理有限公司\n被投诉人：某某学院\n相关供应商：某某物业有限公司（中标供应商）\n\
             四、基本情况\n投诉人称中标供应商报价低于成本，评审委员会未按评审标准评分。\n\
             五、处理结果\n投诉事项缺乏事实依据，根据财政部令第94号第二十九条第（二）项，驳回投诉。\n",
            "投诉处理决定",
        ),
        (
            "某某训练中心赞助项目\n项目编号：R32026SH1000004 标的名称：某某训练中心赞助项目 \
             交易价格：480.000000（万元） 成交日期：2026-03-16 \
             转让方：某某训练中心 受让方：某某体育用品有限公司 交易方式：网络竞价 \
             交易机构：某某联合产权交易所 公示期：2026-03-17至2026-03-23\n",
            "产权交易",
        ),
        (
            "【招标公告】【某某机场保洁服务项目】采购预询价\n基本信息\n采购单位：某某机场有限公司\n\
             为合理确定采购预算，请有意向的供应商按附件格式提供与之相匹配的报价资料，\
             本次询价不作为选定供应商的依据。报价资料提交截止时间：2024年10月25日17:00\n",
            "预询价",
        ),
        (
            "关于政府采购申报进口产品论证结果公示
根据有关规定，经调研及组织专家对进口产品的必要性、             不可替代性等方面进行论证，拟允许进口产品参与某某超声诊断仪等设备竞争，相关资料见附件，现予公示。
             公示时间：5个工作日。联系人：李老师，联系电话：020-88888888
某某医院
",
            "进口产品",
        ),
        (
            "政府采购信息网\n某县集中采购办公桌椅两千余套\n作者：某某 发布于：2012-05-06 来源：某某日报\n\
             近日，某县政府采购中心以公开招标方式为全县中小学采购办公桌椅两千余套，共有12家供应商参加投标。\n\
             经评标委员会评审，某某家具有限公司中标，中标金额186.5万元，比预算节约资金21万元。\n",
            "新闻报道",
        ),
        (
            "4月2日，某市档案馆数字化加工项目在市公共资源交易中心开标，财政局派员监督了开标过程。\n\
             该项目计划用两年时间完成馆藏120万页纸质档案的数字化工作，为建设数字档案馆打下基础。\n\
             经评审，某某信息技术有限公司以综合得分第一中标，中标价为82万元。\n",
            "新闻报道",
        ),
        (
            "根据《某某厅机关非政府采购办法》的相关要求，厅办公室于2022年5月18日下午对《网上申报系统建设项目》进行了比选，\
             某某光电子有限公司、某某信息技术股份有限公司参加。经比选，确定中标单位为某某信息技术股份有限公司。\
             如有异议，请于5月20日前反映。联系电话：028-88888888\n",
            "非政府采购",
        ),
        (
            "某某第二中学25级新生校服采购公开遴选结果公示\n根据校服管理办法，经家长代表参与的公开遴选，\
             中标企业为某某服饰有限公司，采购价格每套298元，家长自愿购买。\
             公示期限：自本公告发布之日起5个工作日。如有异议，请在公示期内向学校反映。联系电话：0745-2222222\n",
            "校服",
        ),
        (
            "某某县某某江2019年度计划可采区河砂开采权出让第I标段招标公告\n\
             根据《广东省河道采砂管理条例》的规定，某某建设管理有限公司受某某县水利局委托，\
             对该可采区河砂开采权公开招标出让，欢迎符合条件的投标人参加。投标保证金：50万元。\n\
             招标文件每套1000元，报名时间：2019年6月3日至6月7日。联系人：骆先生 0752-8826578\n",
            "出让",
        ),
        (
            "人民网\n雄安新区发布通知 暂停开标评标工作\n2022年01月25日16:27 | 来源：人民雄安网\n\
             人民网雄安1月25日电 （王某）雄安新区公共资源交易中心24日发布紧急通知，暂停所有公共资源交易活动，\
             具体恢复时间另行通知。同时，通知要求各县公共资源交易中心做好解释工作。\n通知详情如下：\n\
             关于暂停开标评标工作的紧急通知\n",
            "新闻报道",
        ),
        (
            "关于征求医疗器械临床试验备案有关事宜意见的函\n食药监械管便函〔2015〕25号\n各有关单位：\n\
             为规范医疗器械临床试验备案工作，我司起草了医疗器械临床试验备案有关事宜，现向社会公开征求意见。\
             请于2015年7月10日前将意见反馈至电子邮件：yijian@example.cn。\n",
            "公文",
        ),
    ] {
        let report = engine.scan("t.txt", text.as_bytes());
        assert_eq!(report.doc_type, None, "{text}");
        let finding = report
            .verdict
            .findings
            .iter()
            .find(|f| f.rule == "fields.unknown_type")
            .unwrap_or_else(|| panic!("no unknown_type finding: {text}"));
        assert!(finding.excerpt.contains(kind), "{}", finding.excerpt);
        assert_eq!(report.verdict.action, pubgate::model::Action::Hold);
    }
    // Letters that end or move a procurement in their own words, with
    // none of the template's phrases.
    let ended = "各有关单位：\n我单位于2020年6月9日发布了某某研究室修缮项目的招标公告，\
        项目原定于6月22日开标。经单位领导研究，决定取消该修缮项目的招标，另行安排。\
        已购买招标文件的单位，请与代理公司联系退还费用。\n特此公告。\n某某研究所\n2020年6月18日\n";
    let report = engine.scan("t.txt", ended.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
    // A result notice titled as one keeps its type though its body opens
    // with a date as a report does.
    let titled = "某市档案馆数字化加工项目中标结果公告\n\
        4月2日，某市档案馆数字化加工项目在市公共资源交易中心开标，经评审，确定某某信息技术有限公司为中标人，中标价为82万元。\n\
        公示期：自本公告发布之日起1个工作日。\n";
    let report = engine.scan("t.txt", titled.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    let moved = "各投标单位：\n某某产业园区基础设施项目的资格预审会议，因场地原因推迟到2022年3月8日上午9时举行，\
        地点不变，请各投标单位相互转告。\n某某管理委员会\n2022年3月1日\n";
    let report = engine.scan("t.txt", moved.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("correction"));
    let clarification = "某某项目澄清公告\n各潜在投标人：\n某某项目招标文件作如下澄清：\
        投标截止时间延期至2021年8月30日10:00。\n某某公司\n2021年8月24日\n";
    let report = engine.scan("t.txt", clarification.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("correction"));
}

/// Layouts met on pages published in 2019–2026 that the first readers
/// missed: a self-run 询价 with its own title, a result under an
/// aggregator card that repeats the tender's 项目概况, a heading that
/// joins two items, an empty numbered code above the next entry, a
/// masked figure in a table whose row the page broke over lines.
#[test]
fn fields_and_types_in_layouts_of_new_pages() {
    let engine = util::engine();
    let inquiry = "关于某某局配餐服务询价的公告\n为做好我局配餐服务工作，现就该项目进行公开询价，\
        诚邀符合要求的单位参与报价。\n一、项目基本信息\n";
    let report = engine.scan("t.txt", inquiry.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("inquiry"));

    let result_under_card = "某某县学生营养餐食材采购项目中标(成交)结果公告\n\
        项目名称：某某县学生营养餐食材采购项目\n\
        概况：某某县学生营养餐食材采购项目招标项目的潜在投标人应在政采云平台线上获取招标文件，\
        并于2026年02月09日11:00（北京时间）前递交投标文件；\n";
    let report = engine.scan("t.txt", result_under_card.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));

    let single = "某某医院医疗废物转运项目单一来源公告\n一、采购项目信息\n\
        项目名称：某某医院医疗废物转运项目\n总金额：预算5万元（据实结算）\n\
        二、拟选择采取单一来源采购方式的原因及满足需求的说明\n\
        根据市生态环境局的通知，现指定某某环保工程有限公司为项目的单一来源供应商。\n\
        三、公示期：5个工作日\n四、联系电话：027-85787713\n某某医院\n2024年1月9日\n";
    assert_eq!(missing_fields(&engine, single), Vec::<String>::new());
    let no_reason = single.replace(
        "二、拟选择采取单一来源采购方式的原因及满足需求的说明\n\
        根据市生态环境局的通知，现指定某某环保工程有限公司为项目的单一来源供应商。\n",
        "",
    );
    assert_eq!(
        missing_fields(&engine, &no_reason),
        ["single_source_reason", "single_source_supplier"]
    );

    let negotiation = "某某医院院内谈判文件\n项目编号：\n项目名称：某某医院救护车购置项目\n\
        某某医院对以下项目进行竞争性谈判采购。\n一、采购项目编号：\n二、采购项目名称：某某医院救护车购置项目\n\
        三、采购项目预算金额：人民币50万\n四、谈判时间：2022年5月20日10:00\n";
    let missing = missing_fields(&engine, negotiation);
    assert!(missing.contains(&"project_code".to_string()), "{missing:?}");
    assert!(
        !missing.contains(&"bid_deadline".to_string()),
        "{missing:?}"
    );

    // A party's line with the person first and the phone label after it;
    // an oversight office's number on that line is no party's.
    let result = "某某中学道路工程中标公示\n1、项目编号：ZCD-2016-122\n2、项目名称：某某中学道路工程\n\
        3、招标单位：某某中学\n4、招标单位联系人：韩老师 联系电话：1399960853\n5、中标单位：某某建筑工程有限公司\n";
    assert!(!missing_fields(&engine, result).contains(&"purchaser_contact".to_string()));
    let oversight = result.replace("联系电话：1399960853", "监督电话：1399960853");
    assert!(missing_fields(&engine, &oversight).contains(&"purchaser_contact".to_string()));

    let intent = "为便于供应商及时了解政府采购信息，根据《财政部关于开展政府采购意向公开工作的通知》等有关规定，\
        现将某某街道办事处采购意向公开如下：\n\
        序号 | 采购项目名称 | 采购需求概况 | 预算金额(万元) | 预计采购时间 | 备注 |\n\
        ---|---|---|---|---|---|\n\
        * | 某某街道食堂食材采购 |\n采购内容：餐饮服务\n|\n\
        ***.****** | ****年**月 | 项目服务时间：合同签订后 |\n";
    let report = engine.scan("t.txt", intent.as_bytes());
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "fields.masked" && f.field.as_deref() == Some("budget_amount")),
        "{:?}",
        report.verdict.findings
    );
}

/// Tables flattened with bars whose rows do not keep to a line: each cell
/// on a line of its own closed by its bar, a cell wrapped over lines with
/// its bar below, the sentence that introduces the table on the header's
/// line. The header cell labels the value in its column however the row
/// broke; an emptied budget cell is still reported missing.
#[test]
fn barred_tables_whose_rows_break_over_lines() {
    let engine = util::engine();
    let intro = "为便于供应商及时了解政府采购信息，根据《财政部关于开展政府采购意向公开工作的通知》等有关规定，\
        现将某某医院2024年3月采购意向公开如下：";
    let one_cell_per_line = format!(
        "{intro}\n序号 |\n采购项目名称 |\n采购需求概况 |\n预算金额 (万元) |\n预计采购时间(填写到月) |\n备注 |\n\
         1 |\n某某医院污水处理站改造项目 |\n改造污水处理设备一套，满足排放标准。 |\n23.5 |\n2024.3 |\n|\n\
         本次公开的采购意向是本单位政府采购工作的初步安排。\n"
    );
    let wrapped_cell = format!(
        "{intro}\n序号 |\n采购项目名称 |\n采购需求概况 |\n预算金额 |\n预计采购时间 |\n1 |\n\
         某某医院2024年-2025年职工食堂委托运营项目\n|\n\
         要求具备食品经营许可证，有医院食堂经验者优先 | 每年约30万元 | 2024年3月 |\n"
    );
    let header_after_sentence = format!(
        "{intro}| 序号 | 采购项目名称 | 采购需求概况 | 预算金额(万元) | 预计采购时间(精确到月) | 备注 |\n\
         |---|---|---|---|---|---|\n\
         | 1 | 某某医院食堂运营外包项目 | 食堂及超市运营外包。 | 120 | 2024年3月 |\n"
    );
    // A construction platform's plan: a caption cell, a header cell wrapped
    // (`招标` / `方式`), a note inside a row's cell.
    let wrapped_header = "某某县垃圾分拣中心建设项目采购意向 | \n\
        序号 | 项目名称 | 建设单位(或招标人) | 项目概况 | 招标\n\
        方式 | 投资额或估算价(万元) | 资金来源 | 预计招标时间 | \n\
        1 | 某某县垃圾分拣中心建设项目 | 某某县城市管理局 | 建设一栋钢结构分拣中心\n\n 注:以招标公告为准 \n\
         | 公开\n招标 | 2380 | 专项债资金 | 2026年5月 | \n"
        .to_string();
    for text in [
        &one_cell_per_line,
        &wrapped_cell,
        &header_after_sentence,
        &wrapped_header,
    ] {
        assert_eq!(
            missing_fields(&engine, text),
            Vec::<String>::new(),
            "{text}"
        );
    }
    let emptied = one_cell_per_line.replace("23.5 |", "|");
    assert_eq!(missing_fields(&engine, &emptied), ["budget_amount"]);
    let emptied = header_after_sentence.replace("| 120 |", "| |");
    assert_eq!(missing_fields(&engine, &emptied), ["budget_amount"]);
}

/// A termination gives its reason in a sentence as often as under a
/// heading: a complaint found true, a winner who walked away from the
/// contract, a decision to suspend. Without one the reason is missing.
#[test]
fn termination_reasons_in_prose() {
    let engine = util::engine();
    let head =
        "某某学校围墙改造工程终止公告\n项目编号：ZC-2024-018\n项目名称：某某学校围墙改造工程\n";
    let tail = "联系人：王老师 联系电话：0571-88886666\n某某学校\n2024年5月6日\n";
    for reason in [
        "本项目开标后收到投诉，经监督部门调查核实投诉情况属实，对本项目依法重新招标。\n",
        "第一中标候选人向我校递交了弃标函，经研究决定，重新启动采购活动。\n",
        "经报请采购监管部门审查决定暂停该项目的招标。\n",
    ] {
        let text = format!("{head}{reason}{tail}");
        assert!(
            !missing_fields(&engine, &text).contains(&"termination_reason".to_string()),
            "{text}"
        );
    }
    let no_reason = format!("{head}本项目终止。\n{tail}");
    assert!(missing_fields(&engine, &no_reason).contains(&"termination_reason".to_string()));
}

/// A letter that ends a procurement without the template's headings is a
/// termination: `终止此次…采购活动`, `本项目活动终止`.
#[test]
fn terminations_written_as_letters() {
    let engine = util::engine();
    for text in [
        "某某招标有限公司于2015年8月28日就某某水厂设备采购项目进行了公开招标公告。\n过程中出现如下情形：\n\
         报名截止时报名数量不足三家，延期后仍不足三家，采购人要求变更采购方式。\n\
         鉴于以上原因，本项目活动终止。\n某某招标有限公司\n2015年10月28日\n",
        "某某学院于2016年11月9日就某某屋面防水工程项目公开招标，因实质性响应的供应商不足3家，\
         经学院领导小组批准，终止此次某某屋面防水工程项目公开招标采购活动。\n特此公告。\n某某学院\n",
    ] {
        let report = engine.scan("t.txt", text.as_bytes());
        assert_eq!(report.doc_type.as_deref(), Some("termination"), "{text}");
    }
    // The project's long name between `取消` and `招标`, and no `决定`/`现`
    // before it (the page's encoding mangled the `现`).
    let cancelled = "由于某某县一级水电站增效扩容工程项目资金不能足额按时到位，两次延迟了开标时间。\
        ?,F(xiàn)按有关规定取消某某县河口、铁炉一级水电站增效扩容工程（电气二次设备采购）招标。\n\
        特此公告\n招 标 人：某某县农村水电增效扩容工程建设项目部\n2014年4月2日\n";
    let report = engine.scan("t.txt", cancelled.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
    // Cancelling one condition is no termination.
    let condition = "某某项目招标公告\n项目编号：ZB-2024-001\n获取招标文件时间：2024年3月1日至3月8日\n\
        投标人资格要求：近三年内被取消投标资格的，不得参加本次招标。\n";
    let report = engine.scan("t.txt", condition.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("tender"));
    // Nor is the rule an invitation states for too few bidders.
    let rule = "某某中心物业管理服务定点竞价采购\n项目编号：TLS-2023-165532\n预算金额：750000元\n\
        欢迎符合条件的供应商参加报价。\n报价须知：\n1.报价供应商不足三家时，作废标处理。\n\
        2.报价截止时间：2023年6月1日9时\n";
    let report = engine.scan("t.txt", rule.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("inquiry"));
}

/// A result notice in the award template whose result row names no
/// supplier (`无供应商报价`) ends the procurement, though its table keeps
/// the `中标供应商` header; a result with a winner stays an award.
#[test]
fn a_result_without_a_bidder_is_a_termination() {
    let engine = util::engine();
    let head = "某某电子交易平台成交公告\n（竞价编号：1787589307924493 采购形式：协议供货）\n\
        按照平台的定标原则，并经采购人确认，现将成交结果公布如下：\n\
        包号\t中标供应商\t中标金额(元)\t报价时间\n";
    let none = format!("{head}1\t无供应商报价\t--\t--\n采购执行方：某某大学\n");
    let report = engine.scan("t.txt", none.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
    let won =
        format!("{head}1\t某某科技有限公司\t12800.00\t2024-03-01 10:00\n采购执行方：某某大学\n");
    let report = engine.scan("t.txt", won.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
}

/// The method a solicitation states (`采购方式：竞争性磋商`) decides between
/// solicitations when the body borrows another one's wording (a 磋商 run
/// by a construction agency that speaks of `投标人` and `投标文件`).
#[test]
fn the_stated_method_decides_between_solicitations() {
    let engine = util::engine();
    let body = |method: &str| {
        format!(
            "某某工程管理咨询有限公司受某某公路养护工程有限公司的委托，现就交通信号灯日常维修项目进行采购，\
             欢迎合格的投标人前来投标。\n一、项目基本情况\n项目编号：NBSD2025-090\n\
             采购方式：{method}\n预算金额：150000元\n二、投标人资格要求\n\
             三、获取招标文件\n四、提交投标文件截止时间：2025年9月1日9时\n"
        )
    };
    for (method, id) in [
        ("竞争性磋商", "consultation"),
        ("竞争性谈判", "negotiation"),
        ("公开招标", "tender"),
        // Word's Wingdings 2 boxes copied as letters: `R` ticked, `□`/`£` empty.
        ("□竞争性谈判 R竞争性磋商 □询价", "consultation"),
        ("R竞争性谈判 £竞争性磋商 £询价", "negotiation"),
    ] {
        let report = engine.scan("t.txt", body(method).as_bytes());
        assert_eq!(report.doc_type.as_deref(), Some(id), "{method}");
    }
    // `招标公告` heads any solicitation on an aggregator's page; another
    // type's title keeps its type.
    for (title, id) in [
        ("某某医院食堂承包招标公告", "consultation"),
        ("某某医院食堂承包竞争性谈判公告", "negotiation"),
    ] {
        let text = format!("{title}\n{}", body("竞争性磋商"));
        let report = engine.scan("t.txt", text.as_bytes());
        assert_eq!(report.doc_type.as_deref(), Some(id), "{title}");
    }
}

/// A project named only in quotes before `采购项目` or `的公开招标`, however
/// short (`“棉织品”`), is named.
#[test]
fn a_project_named_in_quotes() {
    let engine = util::engine();
    let text = "废标公告\n我院于2023年8月11日组织了“棉织品(招标编号YT-2022-027)”的公开招标活动。\
        中标结果公示期间收到质疑，复议结果为预中标公司存在虚假应标情况，取消其预中标资格。\n\
        “棉织品”采购项目作废标处理，择期重新招标。\n联系电话：0755-25000000\n某某医院\n2023年8月24日\n";
    assert!(!missing_fields(&engine, text).contains(&"project_name".to_string()));
    let unnamed = text
        .replace("“棉织品(招标编号YT-2022-027)”的", "")
        .replace("“棉织品”", "本");
    assert!(
        missing_fields(&engine, &unnamed).contains(&"project_name".to_string()),
        "{unnamed}"
    );
}

/// A result published without a title tells the tender's history first
/// (`我院于…发布…招标公告`, `评标委员会按照招标公告要求…`): those sentences
/// name the notice before, not this one, which is the award. Its deadline
/// for objections to the result is the end of its publicity period.
#[test]
fn a_result_that_tells_the_tender_history() {
    let engine = util::engine();
    let text = "我院于2019年11月25日起在学院网站上发布某某学院实验室改造工程施工单位招标公告(招标编号:后勤招2019028号),\
        投标截止时间内,共有21家单位参与投标。\n\
        评标委员会按照招标公告要求对投标人递交的21家投标文件进行唱标、抽取代表球号,经评审,19家投标单位资格审查合格,\
        1家投标单位资格审查不合格,不合格原因:某某建设工程有限公司未按招标公告第一条第2款要求提供建设行政主管部门核发的\
        建筑工程施工总承包三级及以上资质,资格审查不合格。\n\
        根据随机抽取结果:第一中标候选人为某某建设工程有限公司,第二中标候选人为某某建筑工程有限公司。\
        评标委员会一致建议该项目中标人为某某建设工程有限公司。\n\
        若对中标结果有异议,请于2019年12月12日前向学院纪检监察室投诉。投诉电话:0591-22869962。\n\
        特此公示\n某某学院\n2019年12月10日\n";
    let report = engine.scan("t.txt", text.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    assert!(!missing_fields(&engine, text).contains(&"announcement_period".to_string()));
    let no_deadline = text.replace(
        "若对中标结果有异议,请于2019年12月12日前向学院纪检监察室投诉。",
        "",
    );
    assert!(missing_fields(&engine, &no_deadline).contains(&"announcement_period".to_string()));
}

/// Companies' sourcing platforms publish a 询比采购 (an inquiry by another
/// name) and give the price ceiling (`最高限价`) where a government notice
/// gives its budget.
#[test]
fn inquiry_by_comparison_and_a_price_ceiling() {
    let engine = util::engine();
    let text = "某某市场有限公司现场运维保障服务项目\n一、项目概况\n项目编号：ZGZB2025-481\n\
        采购方式：询比采购\n最高限价：330000.00元\n二、供应商资格要求\n具有独立承担民事责任的能力。\n";
    let report = engine.scan("t.txt", text.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("inquiry"));
    assert!(!missing_fields(&engine, text).contains(&"budget_amount".to_string()));
    let no_ceiling = text.replace("最高限价：330000.00元\n", "");
    assert!(missing_fields(&engine, &no_ceiling).contains(&"budget_amount".to_string()));
}

/// A framework call's purchaser signs as `征集人` (财政部令第110号).
#[test]
fn a_framework_call_names_its_purchaser_as_the_collector() {
    let engine = util::engine();
    let text = "某某集团2026-2027年度造价咨询服务框架协议征集公告\n一、项目基本情况\n项目名称：某某集团造价咨询服务框架协议采购项目\n\
        九、联系方式\n征集人:某某集团有限公司\n地址:某某区某某路1388号\n联系人:施老师\n联系电话:0574-86868686\n\
        采购代理机构:某某工程管理咨询有限公司\n联系人:梁女士\n联系电话:0574-87878787\n";
    assert!(!missing_fields(&engine, text).contains(&"purchaser_contact".to_string()));
    let no_phone = text.replace("联系人:施老师\n联系电话:0574-86868686\n", "");
    assert!(missing_fields(&engine, &no_phone).contains(&"purchaser_contact".to_string()));
}

/// A tender's rules for what may happen (`如中标候选人为失信被执行人的，则
/// 取消中标候选人资格，本项目重新招标`) end nothing: it stays a tender.
#[test]
fn a_condition_is_no_termination() {
    let engine = util::engine();
    let text = "某某公司受某某单位的委托，现就某某维修项目进行公开招标，欢迎合格的投标人参加。\n\
        一、项目基本情况\n项目编号：NBSD2025-090\n项目名称：某某维修项目\n\
        二、申请人的资格要求\n供应商未被列入失信被执行人名单。如中标候选人为失信被执行人的，则取消中标候选人资格，本项目重新招标。\n\
        三、招标文件的获取\n凡有意参加投标者，请登录平台报名并下载。\n\
        四、投标截止时间：2025年10月29日14时00分\n";
    let report = engine.scan("t.txt", text.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("tender"));
    let decided = text.replace(
        "如中标候选人为失信被执行人的，则取消中标候选人资格，本项目重新招标。",
        "经查第一中标候选人为失信被执行人，取消其中标候选人资格，本项目重新招标。",
    );
    let report = engine.scan("t.txt", decided.as_bytes());
    assert_ne!(report.doc_type.as_deref(), Some("tender"));
}

/// Fields in the words of notices first read on 2026-12-02 (ggzy.gov.cn
/// records of 2019, ccgp.gov.cn pages of 2020): a code only in brackets
/// after the name, a panel given by its leader and members, a single-source
/// invitation naming its `被邀请单位`, a termination on a superior's
/// instruction; each checked against the same notice without it.
#[test]
fn fields_in_the_words_of_2019_and_2020_records() {
    let engine = util::engine();
    let award = |code: &str, panel: &str| {
        format!(
            "某某县办公设备批量采购项目{code}成交公告\n\
             受采购单位的委托，某某县公共资源交易中心于2020年3月17日组织本项目进行开标评审。\n\
             成交供应商：某某信息技术有限公司\n地址：云南省某某县某某镇文华小区\n\
             成交金额：8.4105万元\n采购货物名称及数量：办公设备一批\n{panel}\
             代理服务费：800元\n公示期：2020年3月18日（1个工作日）。\n\
             采购人：某某县旅游发展管理委员会 联系电话：0872-4122222\n\
             代理机构：某某县公共资源交易中心 联系电话：0872-4133333\n"
        )
    };
    let panel = "本次询价小组组长：马某某\n成员：洪某某、杨某某\n";
    assert_eq!(
        missing_fields(&engine, &award("(HQJC202003)", panel)),
        Vec::<String>::new()
    );
    assert_eq!(
        missing_fields(&engine, &award("", panel)),
        vec!["project_code"]
    );
    assert_eq!(
        missing_fields(&engine, &award("(HQJC202003)", "")),
        vec!["expert_list"]
    );

    let termination = |reason: &str| {
        format!(
            "某某县公安局装备采购项目终止招标公告\n项目编号：HBZB-2019-017\n\
             项目名称：某某县公安局装备采购项目\n采购人名称：某某县公安局机关 采购人联系方式：0310-3811111\n\
             代理机构全称：某某工程项目管理有限公司 代理机构联系电话：0310-3038014\n\
             更正内容：{reason}本次采购活动终止。\n更正日期：2019/5/13\n"
        )
    };
    let instructed = "采购人接上级通知（某公警保【2019】77号），为实现全市装备的样式、标准统一，市局将采取统招分签的方式组织实施，";
    assert_eq!(
        missing_fields(&engine, &termination(instructed)),
        Vec::<String>::new()
    );
    assert_eq!(
        missing_fields(&engine, &termination("")),
        vec!["termination_reason"]
    );
}

/// Kinds and wordings from stored pages first read on 2026-12-02: a
/// report of acceptance, an award voided by its purchaser, a direct
/// commission publicised as a single source, a ten-day publicity in words,
/// reasons that are a purpose or a refusal to sign.
#[test]
fn kinds_and_wordings_of_stored_pages() {
    let engine = util::engine();
    let kind = |text: &str| engine.scan("t.txt", text.as_bytes()).doc_type;
    assert_eq!(
        kind(
            "某某厅2023年度农村供水水质抽检监测项目验收报告公示\n一、合同编号：SDGP-2023-001\n\
              二、合同名称：2023年度农村供水水质抽检监测项目\n五、合同主体\n采购人：某某厅\n"
        )
        .as_deref(),
        Some("acceptance")
    );
    let voided = |reason: &str| {
        format!(
            "关于废止某某医院物业保洁服务采购项目中标公示的公告\n项目编号：ZJ-2025-017\n\
             项目名称：某某医院物业保洁服务采购项目\n在本项目采购中，某某物业管理有限公司于2025年1月14日被确定为中标单位。\
             {reason}经我单位研究决定，现正式废止于2025年1月14日发布的中标公示。\n\
             采购人：某某医院 联系人：郦老师，联系方式：0575-87053351\n某某医院\n2025年2月10日\n"
        )
    };
    assert_eq!(kind(&voided("")).as_deref(), Some("termination"));
    assert_eq!(
        missing_fields(
            &engine,
            &voided("在后续合同签订环节，该中标供应商未按约定签订合同并拒绝履约。")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        missing_fields(&engine, &voided("")),
        vec!["termination_reason"]
    );
    let suspended = "关于某某大学工程项目招标代理机构遴选采购工作调整的公告\n项目编号：WHU-2019-088\n\
        为全面贯彻实施《财政部关于促进政府采购公平竞争优化营商环境的通知》精神，某某大学将暂停该项目的采购工作。\n\
        采购人：某某大学 联系电话：027-68752222\n某某大学采购与招投标管理中心\n2019年11月25日\n";
    assert_eq!(kind(suspended).as_deref(), Some("termination"));
    assert_eq!(missing_fields(&engine, suspended), Vec::<String>::new());

    let direct = "一、采购单位名称：某某市森林和野生动物保护管理总站\n二、采购项目名称：疫情疫病监测取样分析鉴定\n\
        三、采购项目概况：鸟类疫情疫病监测，预算15万元。\n四、拟采用的采购方式：直接委托\n\
        五、拟委托单位：某某野生动物世界\n六、其他事项：对该项目拟采用直接委托方式有异议的，\
        可以自本公示发出之日起五个工作日内向采购人提出书面意见。\n";
    assert_eq!(kind(direct).as_deref(), Some("single_source"));
    // `单源` is a platform's short for 单一来源 inside a label.
    let short = |reason: &str| {
        format!(
            "某某工程建设有限公司2025年度专用管件采购项目单一来源公示\n一、采购人名称：某某工程建设有限公司\n\
             二、采购项目名称：2025年度专用管件采购项目\n项目编号：NBLG-2025-003\n四、采购预算：230万元\n{reason}\
             七、拟定供应商名称：某某管道技术设备有限责任公司 拟定供应商地址：江西省新余市高新经济开发区\n\
             九、公示期限：2026年2月26日至2026年3月4日\n采 购 人：某某工程建设有限公司 电 话：0574-27707089\n"
        )
    };
    let missing_reason =
        |text: &str| missing_fields(&engine, text).contains(&"single_source_reason".to_string());
    assert!(!missing_reason(&short(
        "六、采用单源采购方式的原因及说明：\n原厂配套的专用管件才能与原设备连接，避免泄漏。\n"
    )));
    assert!(missing_reason(&short("")));

    let candidates = |period: &str| {
        format!(
            "某某市歌剧院室内装修工程中标候选人公示\n项目编号：CN-2015-003\n\
             评标委员会向业主推荐中标候选人为：\n第一名：某某建设开发集团有限公司 投标报价：3216500元\n{period}\
             发 包 人：某某市歌剧院工程建设指挥部 联系电话：0734-7222222\n招标代理：某某工程管理有限公司 联系电话：0734-8222222\n"
        )
    };
    let report = engine.scan("t.txt", candidates("公示时间十天。\n").as_bytes());
    let missing = |r: &pubgate::engine::Report| {
        r.verdict
            .findings
            .iter()
            .any(|f| f.field.as_deref() == Some("announcement_period"))
    };
    assert!(!missing(&report));
    assert!(missing(&engine.scan("t.txt", candidates("").as_bytes())));
}

/// A report signed by its correspondent, an explanation of a document and
/// a school's call to parents for uniforms are pages of other kinds, even
/// when their words or titles name a type; a company's result written as
/// one paragraph names its winner and its publicity dates in sentences.
#[test]
fn reports_explanations_and_sentences_of_results() {
    let engine = util::engine();
    let kind = |text: &str| engine.scan("t.txt", text.as_bytes()).doc_type;
    let report = "延吉市公开招标节支率创新高\n（通讯员 张某某）5月9日，某市政府采购中心成功组织了管网信息管理系统公开招标。        此项目采购预算690万元，中标金额538.8万，节约财政资金151.2万，节支率达21.9%。\n";
    assert_eq!(kind(report), None);
    let explanation = "首页>解读回应>政策解读\n《政府采购项目履约验收报告等文书范本》的政策解读说明\n\
        为进一步规范我市政府采购履约验收工作，我局起草了履约验收报告等文书范本，现将有关情况说明如下：\n\
        一、起草背景和依据\n验收结束后，采购人应当出具验收报告并发布验收结果公告，载明合同编号、验收日期、验收组成员。\n";
    assert_eq!(kind(explanation), None);
    let uniforms = "某某学校学生校服征订招标公告\n经征求学生家长意见，学校决定为2025年秋季学期新生征订校服。\n\
        一、工作总体原则\n严格遵守校服质量安全等相关规定，价格合理，结果公示。\n";
    assert_eq!(kind(uniforms), None);

    let result = |sentences: &str| {
        format!(
            "关于选聘会计师事务所结果公示的公告\n项目编号：GJ-2018-09\n我集团发布审计中介服务采购的公告后，共收到9家事务所提交参聘材料。\
             8月30日，经资格审查、评审，{sentences}\n异议受理部门：某集团审计部 联系人：吴小姐 联系电话：020-83525953\n\
             某某公共交通集团有限公司\n2018年9月4日\n"
        )
    };
    let named = result(
        "根据评分结果选聘综合得分第一名的某某会计师事务所有限公司为项目中标人，中标金额38万元。\
         现予以公示，公示时间从2018年9月4日至2018年9月13日止。",
    );
    let missing = missing_fields(&engine, &named);
    assert!(!missing.contains(&"winner_name".to_string()), "{missing:?}");
    assert!(
        !missing.contains(&"announcement_period".to_string()),
        "{missing:?}"
    );
    let missing = missing_fields(&engine, &result("现予以公示。"));
    assert!(missing.contains(&"winner_name".to_string()), "{missing:?}");
    assert!(
        missing.contains(&"announcement_period".to_string()),
        "{missing:?}"
    );
}

/// Pages of other kinds that quote procurement (a web news item, a report
/// on a draft's consultation, an approval sent to one unit) are no type; a
/// tender document's copy publishes its first chapter, the notice; a
/// title that ends `……政府采购意向` names an intent under an aggregator's
/// headline of another type.
#[test]
fn pages_seen_in_stored_copies() {
    let engine = util::engine();
    let kind = |text: &str| engine.scan("t.txt", text.as_bytes()).doc_type;
    let news = "某某讯 3月3日消息（记者）据中国政府采购网消息，日前，某县水库运行保障中心设备采购项目发布了一则更正公告，        原中标人不符合资格要求，第二中标候选人成为中标人，中标金额为752.3万元。\n";
    assert_eq!(kind(news), None);
    let consultation = "《某市财政局关于优化政府采购领域营商环境的通知（征求意见稿）》公开征求意见情况说明\n\
        2021年11月4日至11月30日，某市财政局就通知进行了公开征求意见，共收到2条意见，采纳1条。\n\
        一、公开征求意见情况\n向各政府采购单位、各政府采购社会代理机构书面征求意见。\n";
    assert_eq!(kind(consultation), None);
    let approval = "某某市中心医院：\n报来《关于变更某某市中心医院医疗设备更新项目总投资的请示》及相关材料收悉。\
        经研究，同意变更项目总投资和建设内容，具体变更批复如下：\n一、项目总投资变更为10025万元，其中设备采购由医院依法组织招标。\n\
        某某市发展和改革委员会\n2025年11月26日\n";
    assert_eq!(kind(approval), None);

    // Datelines without 消息, bylines after the 讯, a newspaper's 本报讯
    // behind a syndicating site's source line, and a lead dated with its
    // year and hour: each only a report writes.
    let reports = [
        "某某网讯：2月22日，某某城市管理股份有限公司发布关于近期收到三份中标通知书的公告，预估中标金额合计约1.44亿元。\n",
        "某某公司中标某公路项目第五合同段\n某某讯（通讯员 张三 李四）8月3日，某某建设有限公司收到某市公路管理处发来的《中标通知书》，中标金额47244188元。\n",
        "某市办公家具采购收官\n2011-08-18 20:15 来源：某某采购报本报讯近日，某市政府采购中心受市地税局委托，对办公家具实行公开招标采购，合同金额79.83万元。\n",
        "2010年3月18日上午9:30，某某医院监控系统竞争性谈判（招标编号：0811-DS10029）在我院科教楼727室顺利举行，三名专家参加。\n",
    ];
    for report in reports {
        assert_eq!(kind(report), None, "{report}");
    }
    // A report that some unit published a notice, opening the page with a
    // finished sentence: the headings below it (`单一来源原因`) are its body,
    // not a title.
    let retold = "2022年6月1日，某市信息中心发布《某市城市大脑服务采购单一来源采购审核前公示》，预算3884万。\n\
        单一来源原因\n1、某某建设运营有限公司负责全市公共信息基础设施的投资建设与运营，由其建设能保证统一性。\n";
    assert_eq!(kind(retold), None);
    // A notice may open with the date of the event it reports: that alone
    // does not make it news.
    let failed = "2018年7月27日，某区政府采购中心在本中心会议室组织的某街道办事处物业管理服务项目（项目编号：KBSCG-G20180104）的政府采购活动中，出现了如下情形：\n\
        经专家组评审，有效投标人不足三家，根据《中华人民共和国政府采购法》第三十六条，本项目予以废标，终止采购活动。\n";
    assert_eq!(kind(failed).as_deref(), Some("termination"));
    // The articles of a regulation, and the rounds of drug purchasing the
    // health-insurance bodies run, are no notices of government procurement.
    let regulation = "某省政府采购中心非招标采购方式信息公告管理暂行规定\n第一条 信息公告的原则\n\
        为规范非招标采购方式的信息公告，增强竞争性谈判、询价采购的透明度，制定本暂行规定。\n\
        第二条 信息公告的媒体\n竞争性谈判公告、询价公告在省政府采购网发布。\n第三条 信息公告的时限\n谈判文件发出之日起不得少于三个工作日。\n";
    assert_eq!(kind(regulation), None);
    let drugs = "某省2月底结束招标，医院不得三次议价\n各有关单位：\n我省新一轮药品集中采购入围结果已正式公布，\
        采购过渡期为2个月，各医疗机构可登录省药械集中采购平台查询中标结果。\n某省医疗机构药品集中采购中心\n";
    assert_eq!(kind(drugs), None);
    // Letters to the applicants of a drug round, or to the whole school,
    // are circulars however much they speak of prices and intents.
    for addressee in ["各申报企业：", "全校各单位："] {
        let letter = format!(
            "{addressee}\n按照有关要求，政府采购项目应公开采购意向，报价结果现予公示，请于3月30日前报送采购计划和预算金额。\n某某办公室\n2021年3月1日\n"
        );
        assert_eq!(kind(&letter), None, "{letter}");
    }

    let document = |first_chapter: &str| {
        format!(
            "办公设备采购项目招标文件.docx\n某某大学\n2013年办公电脑、打印机等设备采购项目\n招标文件\n\
             招标编号：SDGZ2013005\n某某大学国有资产管理处\n2013年2月26日\n{first_chapter}……1\n\
             第二章 投标须知……3\n根据《中华人民共和国政府采购法》，现决定对我校设备采购项目进行公开采购。\n"
        )
    };
    assert_eq!(
        kind(&document("第一章 招标公告")).as_deref(),
        Some("tender")
    );
    assert_eq!(kind(&document("第一章 目录说明")), None);

    let aggregated = |title: &str| {
        format!(
            "餐饮招标通\n某某县教育体育局食堂承包招标公告\n您的位置：首页 > 招标公告 > {title}\n{title}\n\
             为便于供应商及时了解政府采购信息，根据有关规定，现将某某县教育体育局2024年8（至）9月采购意向公开如下：\n\
             采购项目名称：城区学校午餐校外供餐单位征集采购项目\n采购需求概况：为学校选择供餐单位，组织公开招标。\n\
             预算金额：80万元\n预计采购时间：2024年8月\n"
        )
    };
    assert_eq!(
        kind(&aggregated("某某县教育体育局2024年8至9月政府采购意向")).as_deref(),
        Some("intent")
    );
}

/// A saved page opens with its site's name and menu over more lines than
/// a title takes; below the breadcrumb is the notice's title.
#[test]
fn the_title_below_a_sites_menu() {
    let engine = util::engine();
    let menu = "某某省疾病预防控制中心\n设为首页 | 加入收藏 | 繁体中文\n站内搜索\n首 页\n组织机构\n工作动态\n\
        重点科室\n科研培训\n健康主题\n技术标准\n疾控政策\n服务指南\n今天是：\n";
    let notice = "某某省2018年二类疫苗集中采购项目入围供应商磋商结果\n来源：免疫规划所\n日期：2018-4-18\n\
        某某省2018年二类疫苗集中采购项目竞争性磋商大会于2017年12月8日召开，根据磋商文件要求，经磋商小组评审，结果如下：\n\
        包\t名称\t规格及包装\t入围单位\t成交单价\n A1\t甲型肝炎灭活疫苗\t0.5ml/支\t某某生物制品有限公司\t82.00元/支\n";
    let page = format!("{menu}您所在的位置：首页 > 正文\n{notice}");
    let report = engine.scan("t.txt", page.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    // A breadcrumb right under an aggregator's headline leaves the
    // headline in the window.
    let headline = "某某中学食堂设备采购项目终止公告\n首页 > 采购公告\n某某中学食堂设备采购项目招标公告\n\
        项目编号：ZX-2024-006\n终止原因：采购需求发生变化。\n";
    let report = engine.scan("t.txt", headline.as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("termination"));
}

/// A result whose panel is given as `评委会：…` and whose subject is a
/// table of names and 规格 (a vaccine catalogue's award).
#[test]
fn a_catalogue_award_names_its_panel_and_subject() {
    let engine = util::engine();
    let award = |panel: &str, header: &str| {
        format!(
            "某某省二类疫苗供应商入围资格采购项目中标公告\n项目编号：HNZB-2016-188\n\
             某某招标采购服务有限公司受某某省疾病预防控制中心委托，就本项目进行公开招标，按规定程序进行了开标、评标。\n\
             四、评标信息：\n评标日期：2017年1月19日\n{panel}\
             五、中标信息：\n序号\t投标人名称\t{header}\t投标报价\n\
             1\t某某生物制品研究所有限责任公司\t0.5ml/瓶\t182元/瓶\n\
             中标供应商地址：四川省成都市锦江区锦华路三段379号\n代理服务费：按国家标准收取，共计12000元\n\
             公告期限：自本公告发布之日起1个工作日。\n\
             采购人：某某省疾病预防控制中心 联系电话：0371-68089000\n\
             代理机构：某某招标采购服务有限公司 联系电话：0371-65500000\n"
        )
    };
    let full = award("评委会：职某某、张某某、王某某\n", "规格");
    assert_eq!(missing_fields(&engine, &full), Vec::<String>::new());
    assert_eq!(
        missing_fields(&engine, &award("", "规格")),
        vec!["expert_list"]
    );
    assert_eq!(
        missing_fields(&engine, &award("评委会：职某某、张某某、王某某\n", "剂量")),
        vec!["subject_info"]
    );
}
