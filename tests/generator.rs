//! Labelled synthetic announcements: every announcement type, in txt (UTF-8
//! and GBK), HTML, DOCX, PDF and JSON, with injected positives and the hard
//! negatives real announcements are full of.
//!
//! The generator writes announcements the way the 2020 format spec and real
//! published notices do (DOMAIN.md), with their variation: label spellings,
//! full-width digits and colons, spaces inside labels (`名　称`), section
//! numbers that shift, amounts in several notations, text split across HTML
//! tags and DOCX runs. Each sample records what a correct scanner must
//! report (its categories and, for removed fields, the field id).

use std::collections::BTreeSet;

use pubgate::model::Category;

use crate::util::{Rng, docx::Docx, pdf};

/// One labelled input.
pub struct Sample {
    /// A file name with the format's extension.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The announcement type written.
    pub doc_type: &'static str,
    /// Categories a correct scanner reports.
    pub expect: BTreeSet<Category>,
    /// The mandatory field removed, if any.
    pub missing: Option<&'static str>,
    /// What was injected (for failure messages; values masked).
    pub notes: Vec<String>,
}

const TYPES: &[&str] = &[
    "tender",
    "consultation",
    "negotiation",
    "inquiry",
    "prequalification",
    "award",
    "correction",
    "termination",
    "contract",
    "acceptance",
    "single_source",
    "intent",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "郑", "欧阳",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "建华", "志强", "海燕", "国庆",
];
const CITIES: &[&str] = &[
    "济南市",
    "杭州市",
    "成都市",
    "南宁市",
    "兰州市",
    "合肥市",
    "长沙市",
    "昆明市",
    "太原市",
    "银川市",
];
const BUYERS: &[&str] = &[
    "教育局",
    "卫生健康委员会",
    "第一人民医院",
    "实验中学",
    "自然资源局",
    "公安局交通警察支队",
    "档案馆",
    "机关事务管理局",
];
const ITEMS: &[(&str, &str)] = &[
    ("办公设备采购项目", "台式计算机120台、激光打印机30台"),
    ("校园安防监控系统建设项目", "高清摄像机200路及配套存储"),
    ("物业管理服务项目", "办公楼保洁、安保、绿化养护服务"),
    ("医疗设备采购项目", "彩色多普勒超声诊断仪2台"),
    ("档案数字化加工服务项目", "纸质档案扫描120万页"),
    ("食堂食材配送服务项目", "蔬菜、肉类、粮油配送"),
    ("网络安全等级保护测评服务", "信息系统等级保护测评12个"),
];

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn company(rng: &mut Rng) -> String {
    let kinds = [
        "科技有限公司",
        "信息技术股份有限公司",
        "建设工程有限公司",
        "物业服务有限公司",
        "医疗器械有限公司",
    ];
    let words = [
        "华信", "中科", "恒通", "瑞达", "金盾", "远景", "博源", "鼎盛", "新航",
    ];
    format!(
        "{}{}{}",
        rng.pick(CITIES).trim_end_matches('市'),
        rng.pick(&words),
        rng.pick(&kinds)
    )
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn landline(rng: &mut Rng) -> String {
    let area = rng.one(&["0531", "0571", "028", "0771", "0931", "0551", "010"]);
    let sep = rng.one(&["-", "-", "—", ""]);
    format!("{area}{sep}8{}", digits(rng, 7))
}

/// A valid mobile number.
pub fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.one(&[
        "138", "139", "136", "150", "158", "186", "177", "199", "135",
    ]);
    format!("{prefix}{}", digits(rng, 8))
}

/// A valid 18-digit ID (GB 11643), computed here independently of the crate.
pub fn id_number(rng: &mut Rng) -> String {
    let region = rng.one(&[
        "370102", "110105", "330106", "510104", "450103", "620102", "340104",
    ]);
    let year = 1955 + rng.below(45);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let body = format!("{region}{year:04}{month:02}{day:02}{}", digits(rng, 3));
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// An 18-digit number with a valid-looking layout but a wrong check digit.
pub fn bad_id_number(rng: &mut Rng) -> String {
    let good = id_number(rng);
    let last = good.chars().last().unwrap();
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &good[..17])
}

/// A personal UnionPay card number passing Luhn.
pub fn card_number(rng: &mut Rng) -> String {
    let len = *rng.pick(&[16usize, 19]);
    let payload = format!("62{}", digits(rng, len - 3));
    for d in 0..10 {
        let candidate = format!("{payload}{d}");
        if luhn(&candidate) {
            return candidate;
        }
    }
    unreachable!()
}

fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A valid 统一社会信用代码 (GB 32100), computed independently.
pub fn credit_code(rng: &mut Rng) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let mut body = String::from(rng.one(&["91", "12", "52", "11"]));
    body.push_str(rng.one(&["370102", "110105", "330106", "510104"]));
    for _ in 0..9 {
        body.push(A[rng.below(31)] as char);
    }
    let sum: usize = body
        .bytes()
        .zip(W)
        .map(|(c, w)| A.iter().position(|&a| a == c).unwrap() * w)
        .sum();
    body.push(A[(31 - sum % 31) % 31] as char);
    body
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect()
}

/// 大写 amount for a whole number of yuan (independent implementation).
pub fn amount_words(yuan: u64) -> String {
    const D: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const U: [&str; 4] = ["", "拾", "佰", "仟"];
    fn section(n: u64) -> String {
        let mut out = String::new();
        let mut zero = false;
        for i in (0..4).rev() {
            let d = (n / 10u64.pow(i)) % 10;
            if d == 0 {
                zero = !out.is_empty();
            } else {
                if zero {
                    out.push('零');
                    zero = false;
                }
                out.push_str(D[d as usize]);
                out.push_str(U[i as usize]);
            }
        }
        out
    }
    let (yi, wan, rest) = (yuan / 100_000_000, (yuan / 10_000) % 10_000, yuan % 10_000);
    let mut out = String::from("人民币");
    if yi > 0 {
        out.push_str(&section(yi));
        out.push('亿');
    }
    if wan > 0 {
        if yi > 0 && wan < 1000 {
            out.push('零');
        }
        out.push_str(&section(wan));
        out.push('万');
    }
    if rest > 0 {
        if (yi > 0 || wan > 0) && rest < 1000 {
            out.push('零');
        }
        out.push_str(&section(rest));
    }
    out.push_str("元整");
    out
}

fn with_commas(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How an amount is written.
fn amount_text(rng: &mut Rng, yuan: u64) -> String {
    match rng.below(5) {
        0 => format!("{}（¥{}.00）", amount_words(yuan), with_commas(yuan)),
        1 => format!("{yuan}元"),
        2 => format!("¥{}.00", with_commas(yuan)),
        3 if yuan.is_multiple_of(100) => format!("{}万元", yuan as f64 / 10_000.0),
        _ => format!("{}.00元", yuan),
    }
}

fn date_text(rng: &mut Rng, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match rng.below(3) {
        0 => format!("{}年{:02}月{:02}日", d.year(), d.month(), d.day()),
        1 => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        _ => format!("{}-{:02}-{:02}", d.year(), d.month(), d.day()),
    }
}

fn colon(rng: &mut Rng) -> &'static str {
    rng.one(&["：", "：", ":", "： "])
}

/// Spaces inside a two-character label, as in `名　称`.
fn spaced(rng: &mut Rng, label: &str) -> String {
    if label.chars().count() == 2 && rng.chance(0.4) {
        let sep = rng.one(&["　", " ", "  "]);
        let c: Vec<char> = label.chars().collect();
        format!("{}{sep}{}", c[0], c[1])
    } else {
        label.to_string()
    }
}

const NUMERALS: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// A line of the announcement, tagged with the field it provides (so a
/// field can be removed) and whether it is a heading.
#[derive(Clone)]
struct Line {
    text: String,
    field: Option<&'static str>,
    heading: bool,
}

struct Builder {
    lines: Vec<Line>,
    section: usize,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            lines: Vec::new(),
            section: 0,
        }
    }
    fn heading(&mut self, text: &str, field: Option<&'static str>) {
        let n = NUMERALS[self.section.min(NUMERALS.len() - 1)];
        self.section += 1;
        self.lines.push(Line {
            text: format!("{n}、{text}"),
            field,
            heading: true,
        });
    }
    fn line(&mut self, text: impl Into<String>, field: Option<&'static str>) {
        self.lines.push(Line {
            text: text.into(),
            field,
            heading: false,
        });
    }
}

struct Facts {
    project: String,
    summary: String,
    code: String,
    buyer: String,
    buyer_addr: String,
    agency: String,
    budget: u64,
    published: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
    winner: String,
    amount: u64,
}

fn facts(rng: &mut Rng) -> Facts {
    let (item, summary) = *rng.pick(ITEMS);
    let city = rng.pick(CITIES);
    let published =
        chrono::NaiveDate::from_ymd_opt(2024, 1 + rng.below(10) as u32, 1 + rng.below(20) as u32)
            .unwrap();
    let budget = (10 + rng.below(500) as u64) * 10_000
        + if rng.chance(0.5) {
            0
        } else {
            rng.below(9999) as u64
        };
    Facts {
        project: format!("{city}{}{item}", rng.pick(BUYERS)),
        summary: summary.to_string(),
        code: match rng.below(3) {
            0 => format!("ZB-{}-{:04}", 2024, rng.below(9999)),
            1 => format!("SDGP{}{}", digits(rng, 6), digits(rng, 9)),
            _ => format!("{}ZFCG-{}", city.trim_end_matches('市'), digits(rng, 5)),
        },
        buyer: format!("{city}{}", rng.pick(BUYERS)),
        buyer_addr: format!("{city}人民路{}号", 1 + rng.below(300)),
        agency: format!(
            "{}招标代理有限公司",
            rng.one(&["中诚", "国信", "华采", "鲁信", "浙咨"])
        ),
        budget,
        published,
        deadline: published + chrono::Duration::days(21 + rng.below(10) as i64),
        winner: company(rng),
        amount: budget - budget / (5 + rng.below(20) as u64),
    }
}

fn contact_block(
    b: &mut Builder,
    rng: &mut Rng,
    f: &Facts,
    with_agency: bool,
    project_contact: bool,
) {
    let c = colon(rng);
    b.line("1.采购人信息", Some("purchaser_name"));
    b.line(
        format!("{}{c}{}", spaced(rng, "名称"), f.buyer),
        Some("purchaser_name"),
    );
    b.line(format!("{}{c}{}", spaced(rng, "地址"), f.buyer_addr), None);
    let phone = if rng.chance(0.3) {
        mobile(rng)
    } else {
        landline(rng)
    };
    let phone = if rng.chance(0.2) {
        full_width(&phone)
    } else {
        phone
    };
    b.line(
        format!(
            "{}{c}{}",
            rng.one(&["联系方式", "联系电话", "电　话"]),
            phone
        ),
        Some("purchaser_contact"),
    );
    if with_agency {
        b.line("2.采购代理机构信息", None);
        b.line(format!("{}{c}{}", spaced(rng, "名称"), f.agency), None);
        b.line(
            format!(
                "{}{c}{}路{}号",
                spaced(rng, "地址"),
                rng.pick(CITIES),
                rng.below(99) + 1
            ),
            None,
        );
        b.line(
            format!(
                "联系方式{c}{}",
                if rng.chance(0.5) {
                    mobile(rng)
                } else {
                    landline(rng)
                }
            ),
            Some("agency_contact"),
        );
    }
    if project_contact {
        b.line("3.项目联系方式", Some("project_contact"));
        b.line(
            format!("项目联系人{c}{}", person(rng)),
            Some("project_contact"),
        );
        b.line(
            format!("{}{c}{}", spaced(rng, "电话"), mobile(rng)),
            Some("project_contact"),
        );
    }
}

/// Hard negatives: things that look like findings and are not.
fn hard_negatives(b: &mut Builder, rng: &mut Rng, doc_type: &str, f: &Facts) {
    let c = colon(rng);
    let mut pool: Vec<String> = vec![
        "本项目不涉及国家秘密。".into(),
        "投标人须具备涉密信息系统集成资质（乙级及以上）。".into(),
        "投标文件中涉及商业秘密的内容，投标人应当在投标文件中注明。".into(),
        "注：带“★”的条款为实质性条款，★为实质性条款，不满足将导致投标无效。".into(),
        "采购内容含保密柜20台、碎纸机10台。".into(),
        "系统应保证数据的机密性、完整性和可用性。".into(),
        "评审专家由采购人从政府采购评审专家库中随机抽取。".into(),
        "本项目不设标底。".into(),
        "采购人、采购代理机构不得向他人透露已获取招标文件的潜在投标人的名称、数量。".into(),
        format!("供应商统一社会信用代码{c}{}", credit_code(rng)),
        format!(
            "户名{c}{} 开户银行{c}中国工商银行{}支行 账号{c}{}",
            f.agency,
            rng.pick(CITIES),
            digits(rng, 19)
        ),
        // (Not 采购计划编号: the 2020 format accepts a plan number as the
        // project number, so it would stand in for a removed project code.)
        format!("资金批复文号{c}{}", digits(rng, 18)),
        format!("订单号{c}{}", digits(rng, 16)),
        format!("咨询电话{c}139****{}", digits(rng, 4)),
        "投标人须提供法定代表人身份证明书及授权委托人身份证复印件。".into(),
        format!("服务热线{c}400{}", digits(rng, 7)),
        format!("审批文号{c}{}", bad_id_number(rng)),
        "本公告同时在中国政府采购网發佈。".into(),
    ];
    if doc_type == "award" {
        pool.push("评审专家由采购人依法组建的评标委员会负责评审。".into());
    }
    for _ in 0..(2 + rng.below(4)) {
        let i = rng.below(pool.len());
        b.line(pool.swap_remove(i), None);
    }
}

fn write_type(doc_type: &'static str, rng: &mut Rng, f: &Facts) -> (String, Builder) {
    let mut b = Builder::new();
    let c = colon(rng);
    let method = match doc_type {
        "consultation" => ("竞争性磋商", "磋商", "响应文件"),
        "negotiation" => ("竞争性谈判", "谈判", "响应文件"),
        "inquiry" => ("询价", "询价", "响应文件"),
        "prequalification" => ("资格预审", "资格预审", "资格预审申请文件"),
        _ => ("公开招标", "招标", "投标文件"),
    };
    let title;
    match doc_type {
        "tender" | "consultation" | "negotiation" | "inquiry" | "prequalification" => {
            title = match doc_type {
                "tender" => format!("{}{}", f.project, rng.one(&["公开招标公告", "招标公告"])),
                "consultation" => format!("{}竞争性磋商公告", f.project),
                "negotiation" => format!("{}竞争性谈判公告", f.project),
                "inquiry" => format!("{}询价公告", f.project),
                _ => format!("{}资格预审公告", f.project),
            };
            let doc_word = if doc_type == "prequalification" {
                "资格预审文件"
            } else {
                &format!("{}文件", method.1)
            };
            b.line("项目概况", None);
            b.line(
                format!(
                    "{}的潜在{}应在{}公共资源交易网获取{doc_word}，并于{} 09点30分（北京时间）前提交{}。",
                    f.project,
                    if doc_type == "tender" { "投标人" } else { "供应商" },
                    rng.pick(CITIES),
                    date_text(rng, f.deadline),
                    method.2
                ),
                None,
            );
            b.heading("项目基本情况", None);
            b.line(
                format!(
                    "{}{c}{}",
                    rng.one(&["项目编号", "采购项目编号", "招标编号"]),
                    f.code
                ),
                Some("project_code"),
            );
            b.line(
                format!("{}{c}{}", rng.one(&["项目名称", "采购项目名称"]), f.project),
                Some("project_name"),
            );
            b.line(format!("采购方式{c}{}", method.0), None);
            b.line(
                format!(
                    "{}{c}{}",
                    rng.one(&["预算金额", "采购预算", "预算金额(元)"]),
                    amount_text(rng, f.budget)
                ),
                Some("budget_amount"),
            );
            b.line(
                format!("最高限价（如有）{c}{}", rng.one(&["无", "同预算"])),
                None,
            );
            b.line(format!("采购需求{c}{}", f.summary), Some("requirement"));
            b.line(
                format!("合同履行期限{c}合同签订后{}日内", 30 + rng.below(60)),
                None,
            );
            b.line("本项目不接受联合体投标。", None);
            b.heading(
                rng.one(&["申请人的资格要求：", "申请人的资格要求"]),
                Some("qualification"),
            );
            b.line(
                "1.满足《中华人民共和国政府采购法》第二十二条规定；",
                Some("qualification"),
            );
            b.line(
                "2.落实政府采购政策需满足的资格要求：无；",
                Some("qualification"),
            );
            b.line("3.本项目的特定资格要求：无。", Some("qualification"));
            b.heading(&format!("获取{doc_word}"), Some("doc_obtain"));
            b.line(
                format!("时间{c}{}至{}，每天上午9:00至12:00，下午14:00至17:00（北京时间，法定节假日除外）", date_text(rng, f.published), date_text(rng, f.published + chrono::Duration::days(7))),
                Some("doc_obtain"),
            );
            b.line(
                format!("地点{c}{}公共资源交易网", rng.pick(CITIES)),
                Some("doc_obtain"),
            );
            b.line(format!("方式{c}网上下载"), Some("doc_obtain"));
            b.line(format!("售价{c}0元"), Some("doc_obtain"));
            let deadline_heading = match doc_type {
                "tender" => "提交投标文件截止时间、开标时间和地点",
                "prequalification" => "申请文件提交截止时间",
                _ => "响应文件提交截止时间",
            };
            b.heading(deadline_heading, Some("bid_deadline"));
            b.line(
                format!("{} 09点30分（北京时间）", date_text(rng, f.deadline)),
                Some("bid_deadline"),
            );
            b.line(
                format!("地点{c}{}公共资源交易中心开标室", rng.pick(CITIES)),
                None,
            );
            b.heading("公告期限", Some("announcement_period"));
            b.line(
                format!(
                    "自本公告发布之日起{}个工作日。",
                    if doc_type == "tender" || doc_type == "prequalification" {
                        5
                    } else {
                        3
                    }
                ),
                Some("announcement_period"),
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
            b.heading(
                &format!("对本次{}提出询问，请按以下方式联系。", method.1),
                None,
            );
            contact_block(&mut b, rng, f, true, doc_type == "tender");
        }
        "award" => {
            title = format!(
                "{}{}",
                f.project,
                rng.one(&[
                    "中标公告",
                    "中标（成交）结果公告",
                    "成交结果公告",
                    "中标结果公告"
                ])
            );
            b.heading(&format!("项目编号{c}{}", f.code), Some("project_code"));
            b.heading(&format!("项目名称{c}{}", f.project), Some("project_name"));
            b.heading("中标（成交）信息", None);
            b.line(format!("供应商名称{c}{}", f.winner), Some("winner_name"));
            b.line(
                format!(
                    "供应商地址{c}{}高新区{}号",
                    rng.pick(CITIES),
                    rng.below(500) + 1
                ),
                Some("winner_address"),
            );
            b.line(
                format!(
                    "{}{c}{}",
                    rng.one(&["中标（成交）金额", "中标金额", "成交金额"]),
                    amount_text(rng, f.amount)
                ),
                Some("winner_amount"),
            );
            b.heading("主要标的信息", Some("subject_info"));
            b.line(
                format!("名称{c}{}；数量{c}1批；单价{c}详见附件", f.summary),
                Some("subject_info"),
            );
            let experts: Vec<String> = (0..(3 + rng.below(3))).map(|_| person(rng)).collect();
            b.heading(
                rng.one(&["评审专家（单一来源采购人员）名单：", "评审专家名单："]),
                Some("expert_list"),
            );
            b.line(
                format!("{}（采购人代表）", experts.join("、")),
                Some("expert_list"),
            );
            b.heading("代理服务收费标准及金额：", Some("agency_fee"));
            b.line(
                format!(
                    "参照国家计委计价格〔2002〕1980号文件，收费金额{}元。",
                    5000 + rng.below(20000)
                ),
                Some("agency_fee"),
            );
            b.heading("公告期限", Some("announcement_period"));
            b.line("自本公告发布之日起1个工作日。", Some("announcement_period"));
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
            b.heading("凡对本次公告内容提出询问，请按以下方式联系。", None);
            contact_block(&mut b, rng, f, true, true);
        }
        "correction" => {
            title = format!("{}{}", f.project, rng.one(&["更正公告", "变更公告"]));
            b.heading("项目基本情况", None);
            b.line(
                format!("原公告的采购项目编号{c}{}", f.code),
                Some("project_code"),
            );
            b.line(
                format!("原公告的采购项目名称{c}{}", f.project),
                Some("project_name"),
            );
            b.line(
                format!("首次公告日期{c}{}", date_text(rng, f.published)),
                Some("original_date"),
            );
            b.heading("更正信息", Some("correction_content"));
            b.line("更正事项：采购文件", Some("correction_content"));
            b.line(
                format!(
                    "更正内容{c}投标截止时间顺延至{}。",
                    date_text(rng, f.deadline + chrono::Duration::days(7))
                ),
                Some("correction_content"),
            );
            b.line(
                format!(
                    "更正日期{c}{}",
                    date_text(rng, f.published + chrono::Duration::days(5))
                ),
                None,
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
            b.heading("凡对本次公告内容提出询问，请按以下方式联系。", None);
            contact_block(&mut b, rng, f, true, true);
        }
        "termination" => {
            title = format!("{}{}", f.project, rng.one(&["终止公告", "废标公告"]));
            b.heading("项目基本情况", None);
            b.line(format!("采购项目编号{c}{}", f.code), Some("project_code"));
            b.line(
                format!("采购项目名称{c}{}", f.project),
                Some("project_name"),
            );
            b.heading("项目终止的原因", Some("termination_reason"));
            b.line(
                "因采购需求发生重大变化，本项目终止采购。",
                Some("termination_reason"),
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
            b.heading("凡对本次公告内容提出询问，请按以下方式联系。", None);
            contact_block(&mut b, rng, f, true, false);
        }
        "contract" => {
            title = format!("{}合同公告", f.project);
            b.heading(
                &format!("合同编号{c}HT-{}", digits(rng, 8)),
                Some("contract_code"),
            );
            b.heading(
                &format!("合同名称{c}{}合同", f.project),
                Some("contract_name"),
            );
            b.heading(&format!("项目编号{c}{}", f.code), Some("project_code"));
            b.heading(&format!("项目名称{c}{}", f.project), Some("project_name"));
            b.heading("合同主体", None);
            b.line(
                format!("采购人（甲方）{c}{}", f.buyer),
                Some("purchaser_name"),
            );
            b.line(format!("地址{c}{}", f.buyer_addr), None);
            b.line(format!("联系方式{c}{}", landline(rng)), None);
            b.line(
                format!("供应商（乙方）{c}{}", f.winner),
                Some("winner_name"),
            );
            b.line(format!("联系方式{c}{}", landline(rng)), None);
            b.heading("合同主要信息", None);
            b.line(format!("主要标的名称{c}{}", f.summary), None);
            b.line(
                format!("合同金额{c}{}", amount_text(rng, f.amount)),
                Some("contract_amount"),
            );
            b.line(format!("合计金额大写{c}{}", amount_words(f.amount)), None);
            b.heading(
                &format!("合同签订日期{c}{}", date_text(rng, f.published)),
                Some("sign_date"),
            );
            b.heading(
                &format!(
                    "合同公告日期{c}{}",
                    date_text(rng, f.published + chrono::Duration::days(1))
                ),
                None,
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
        }
        "acceptance" => {
            title = format!("{}验收结果公告", f.project);
            b.heading(
                &format!("合同编号{c}HT-{}", digits(rng, 8)),
                Some("contract_code"),
            );
            b.heading(&format!("项目名称{c}{}", f.project), Some("project_name"));
            b.heading(
                &format!("验收日期{c}{}", date_text(rng, f.published)),
                Some("acceptance_date"),
            );
            let members: Vec<String> = (0..3).map(|_| person(rng)).collect();
            b.heading(
                &format!("验收组成员{c}{}", members.join("、")),
                Some("acceptance_members"),
            );
            b.heading("验收意见", Some("acceptance_opinion"));
            b.line(
                "经验收，服务质量符合合同约定，验收合格。",
                Some("acceptance_opinion"),
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
        }
        "single_source" => {
            title = format!("{}单一来源采购公示", f.project);
            b.heading("项目信息", None);
            b.line(format!("采购人{c}{}", f.buyer), Some("purchaser_name"));
            b.line(format!("项目名称{c}{}", f.project), Some("project_name"));
            b.line(format!("拟采购的货物或服务的说明{c}{}", f.summary), None);
            b.line(
                format!(
                    "拟采购的货物或服务的预算金额{c}{}",
                    amount_text(rng, f.budget)
                ),
                Some("budget_amount"),
            );
            b.line(
                "采用单一来源采购方式的原因及说明：",
                Some("single_source_reason"),
            );
            b.line(
                "该设备的维保服务只能由原厂提供，具有唯一性。",
                Some("single_source_reason"),
            );
            b.heading("拟定的唯一供应商名称、地址", Some("single_source_supplier"));
            b.line(
                format!(
                    "{}，{}高新区{}号",
                    f.winner,
                    rng.pick(CITIES),
                    rng.below(300) + 1
                ),
                Some("single_source_supplier"),
            );
            b.heading("公示期限", Some("publicity_period"));
            b.line(
                format!(
                    "{}至{}（公示期限不得少于5个工作日）",
                    date_text(rng, f.published),
                    date_text(rng, f.published + chrono::Duration::days(7))
                ),
                Some("publicity_period"),
            );
            b.heading("其他补充事宜", None);
            hard_negatives(&mut b, rng, doc_type, f);
            b.heading("联系方式", None);
            contact_block(&mut b, rng, f, true, false);
        }
        _ => {
            title = format!(
                "{}2024年{}至{}月政府采购意向",
                f.buyer,
                1 + rng.below(3),
                6 + rng.below(6)
            );
            b.line(format!("为便于供应商及时了解政府采购信息，根据《财政部关于开展政府采购意向公开工作的通知》（财库〔2020〕10号）等有关规定，现将{}采购意向公开如下：", f.buyer), None);
            b.line(
                "序号\t采购项目名称\t采购需求概况\t预算金额（万元）\t预计采购时间\t备注",
                Some("expected_time"),
            );
            b.line(
                format!(
                    "1\t{}\t{}\t{}\t2024年{}月\t无",
                    f.project,
                    f.summary,
                    f.budget / 10_000,
                    3 + rng.below(9)
                ),
                Some("expected_time"),
            );
            hard_negatives(&mut b, rng, doc_type, f);
            b.line("本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。", None);
        }
    }
    b.line(f.buyer.clone(), None);
    b.line(date_text(rng, f.published), None);
    (title, b)
}

/// Positive injections, by category. Returns the line and a note.
fn inject(category: Category, rng: &mut Rng, doc_type: &str) -> (String, String) {
    let c = colon(rng);
    match category {
        Category::Classified => match rng.below(6) {
            0 => {
                let m = rng
                    .one(&[
                        "机密★5年",
                        "秘密★10年",
                        "绝密★长期",
                        "秘密★1年",
                        "机密★20年",
                    ])
                    .to_string();
                let m = if rng.chance(0.3) {
                    full_width(&m).replace('密', "密 ")
                } else {
                    m
                };
                (m.clone(), format!("marking {m}"))
            }
            1 => ("密级：机密".into(), "header".into()),
            2 => (
                "本项目为涉密项目，相关资料不得外泄。".into(),
                "term 涉密项目".into(),
            ),
            3 => (
                "附件为内部资料，仅供内部使用。".into(),
                "term 内部资料".into(),
            ),
            4 => (
                "本文件含國家秘密，請妥善保管。".into(),
                "traditional 國家秘密".into(),
            ),
            _ => ("机\u{200B}密★３年".into(), "zero-width marking".into()),
        },
        Category::PersonalData => match rng.below(6) {
            0 => {
                let id = id_number(rng);
                let id = if rng.chance(0.25) {
                    full_width(&id)
                } else {
                    id
                };
                (
                    format!(
                        "{}{c}{}",
                        rng.one(&["身份证号", "身份证号码", "公民身份号码", "证件号码"]),
                        id
                    ),
                    "id".into(),
                )
            }
            1 => {
                let id = id_number(rng);
                let spaced = format!(
                    "{} {} {} {} {}",
                    &id[..4],
                    &id[4..8],
                    &id[8..12],
                    &id[12..16],
                    &id[16..]
                );
                (
                    format!("委托代理人{}，身份证 {spaced}", person(rng)),
                    "spaced id".into(),
                )
            }
            2 => (
                format!("{}个人银行卡号{c}{}", person(rng), card_number(rng)),
                "card".into(),
            ),
            3 => (format!("护照号码{c}E{}", digits(rng, 8)), "passport".into()),
            4 => (
                format!(
                    "投诉人{}，家庭住址{}某小区，手机{}",
                    person(rng),
                    rng.pick(CITIES),
                    mobile(rng)
                ),
                "mobile".into(),
            ),
            _ => (
                format!("自然人供应商{}（身份证号{}）", person(rng), id_number(rng)),
                "id2".into(),
            ),
        },
        Category::ProcurementConfidential => {
            let names: Vec<String> = (0..(3 + rng.below(3))).map(|_| person(rng)).collect();
            match rng.below(4) {
                0 => (
                    format!(
                        "{}{c}{}",
                        rng.one(&[
                            "评标委员会成员",
                            "评审专家名单",
                            "磋商小组成员",
                            "评审小组成员"
                        ]),
                        names.join("、")
                    ),
                    "experts".into(),
                ),
                1 => (
                    format!(
                        "截至目前，已有{}家供应商报名获取{}文件。",
                        3 + rng.below(9),
                        if doc_type == "tender" {
                            "招标"
                        } else {
                            "采购"
                        }
                    ),
                    "count".into(),
                ),
                2 => (
                    format!(
                        "已获取招标文件的潜在投标人名单：{}、{}。",
                        company(rng),
                        company(rng)
                    ),
                    "list".into(),
                ),
                _ => (
                    format!("本项目标底为人民币{}万元。", 50 + rng.below(400)),
                    "base price".into(),
                ),
            }
        }
        _ => (String::new(), String::new()),
    }
}

/// Renders lines into a format.
fn render(
    rng: &mut Rng,
    title: &str,
    lines: &[Line],
    hidden: &[String],
    format: &str,
) -> (String, Vec<u8>) {
    match format {
        "txt" | "gbk" => {
            let mut s = format!("{title}\n");
            for l in lines {
                s.push_str(&l.text);
                s.push('\n');
            }
            for h in hidden {
                s.push_str(h);
                s.push('\n');
            }
            if format == "gbk" {
                // GBK has the full-width yen sign and no zero-width space;
                // real GBK files use ￥.
                let s = s.replace('¥', "￥").replace('\u{200B}', "");
                let (b, _, _) = encoding_rs::GBK.encode(&s);
                ("gbk.txt".into(), b.into_owned())
            } else {
                ("txt".into(), s.into_bytes())
            }
        }
        "html" | "json" => {
            let mut s = String::new();
            for l in lines {
                if l.text.contains('\t') {
                    let cells: String = l
                        .text
                        .split('\t')
                        .map(|c| format!("<td>{}</td>", esc(c)))
                        .collect();
                    s.push_str(&format!("<table><tr>{cells}</tr></table>\n"));
                    continue;
                }
                let text = split_tags(rng, &esc(&l.text));
                if l.heading {
                    s.push_str(&format!("<h3>{text}</h3>\n"));
                } else if rng.chance(0.3) {
                    s.push_str(&format!("<div>{text}</div>\n"));
                } else {
                    s.push_str(&format!("<p>{text}</p>\n"));
                }
            }
            for h in hidden {
                match rng.below(3) {
                    0 => s.push_str(&format!("<!-- {} -->\n", esc(h))),
                    1 => s.push_str(&format!("<div style=\"display:none\">{}</div>\n", esc(h))),
                    _ => s.push_str(&format!("<p>{}</p>\n", esc(h))),
                }
            }
            if format == "json" {
                let v = serde_json::json!({"title": title, "content": s, "channel": "政府采购"});
                ("json".into(), v.to_string().into_bytes())
            } else {
                let page = format!(
                    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body><h1>{}</h1>\n{s}</body></html>",
                    esc(title),
                    esc(title)
                );
                ("html".into(), page.into_bytes())
            }
        }
        "docx" => {
            let mut d = Docx::default();
            d.title = Some(title.to_string());
            d.paragraph(title);
            for l in lines {
                if l.text.contains('\t') {
                    let cells: Vec<&str> = l.text.split('\t').collect();
                    d.table(&[cells]);
                } else {
                    d.paragraph(&l.text);
                }
            }
            for h in hidden {
                match rng.below(3) {
                    0 => {
                        d.comment(h);
                    }
                    1 => {
                        d.tracked_deletion("", h);
                    }
                    _ => {
                        d.paragraph(h);
                    }
                }
            }
            ("docx".into(), d.build())
        }
        _ => {
            let mut all: Vec<String> = vec![title.to_string()];
            all.extend(lines.iter().map(|l| l.text.replace('\t', "  ")));
            all.extend(hidden.iter().cloned());
            let pages: Vec<Vec<String>> = all.chunks(30).map(|c| c.to_vec()).collect();
            ("pdf".into(), pdf::build(&pages, &[("Title", title)]))
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Splits text across inline tags at random points (never inside an entity).
fn split_tags(rng: &mut Rng, s: &str) -> String {
    if !rng.chance(0.4) {
        return s.to_string();
    }
    let mut out = String::new();
    let mut in_entity = false;
    for ch in s.chars() {
        if ch == '&' {
            in_entity = true;
        }
        out.push(ch);
        if ch == ';' {
            in_entity = false;
        }
        if !in_entity && rng.chance(0.08) {
            out.push_str(rng.one(&["</span><span>", "<b></b>", "<span class=\"x\">", "</span>"]));
        }
    }
    out
}

/// The fields the shipped announcement spec makes mandatory for a type:
/// only their removal is a finding (removing an optional line is not).
fn required_fields(doc_type: &str) -> Vec<String> {
    let spec: toml::Value =
        toml::from_str(include_str!("../dictionaries/announcements.toml")).expect("spec parses");
    spec["types"]
        .as_array()
        .expect("types")
        .iter()
        .find(|t| t["id"].as_str() == Some(doc_type))
        .map(|t| {
            t["required"]
                .as_array()
                .expect("required")
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A random line index to insert at, never inside a table (between two
/// rows) and never before the first line.
fn insert_point(rng: &mut Rng, lines: &[Line]) -> usize {
    loop {
        let at = 1 + rng.below(lines.len().saturating_sub(1).max(1));
        if !lines[at - 1].text.contains('\t') {
            return at;
        }
    }
}

/// Generates `n` labelled samples.
pub fn corpus(seed: u64, n: usize) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    let formats = ["txt", "gbk", "html", "docx", "pdf", "json"];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let doc_type = *rng.pick(TYPES);
        let f = facts(&mut rng);
        let (mut title, mut b) = write_type(doc_type, &mut rng, &f);
        let pre_award = matches!(
            doc_type,
            "tender"
                | "consultation"
                | "negotiation"
                | "inquiry"
                | "prequalification"
                | "correction"
                | "termination"
                | "intent"
        );
        let mut expect = BTreeSet::new();
        let mut notes = Vec::new();
        let mut hidden = Vec::new();
        // Positives, each in the body or in a hidden part.
        let mut cats = vec![Category::Classified, Category::PersonalData];
        if pre_award {
            cats.push(Category::ProcurementConfidential);
        }
        for cat in cats {
            if rng.chance(0.18) {
                let (line, note) = inject(cat, &mut rng, doc_type);
                notes.push(format!("{}:{note}", cat.as_str()));
                expect.insert(cat);
                if rng.chance(0.3) {
                    hidden.push(line);
                } else {
                    let at = insert_point(&mut rng, &b.lines);
                    b.lines.insert(
                        at,
                        Line {
                            text: line,
                            field: None,
                            heading: false,
                        },
                    );
                }
            }
        }
        // Consistency: a 公告期限 shorter than the rules allow (types
        // whose period is more than one working day), or a 大写/小写 mismatch.
        let period_line = b.lines.iter().position(|l| {
            l.field == Some("announcement_period")
                && (l.text.contains("5个工作日") || l.text.contains("3个工作日"))
        });
        let period_changed = period_line.is_some() && rng.chance(0.06);
        if let Some(i) = period_line.filter(|_| period_changed) {
            b.lines[i].text = b.lines[i]
                .text
                .replace("5个工作日", "2个工作日")
                .replace("3个工作日", "2个工作日");
            expect.insert(Category::Consistency);
            notes.push("consistency:announcement period".into());
        } else if rng.chance(0.12) {
            let wrong = f.budget + 10_000 * (1 + rng.below(9) as u64);
            let line = format!(
                "预算金额大写：{}（小写：¥{}.00）",
                amount_words(f.budget),
                with_commas(wrong)
            );
            let at = insert_point(&mut rng, &b.lines);
            b.lines.insert(
                at,
                Line {
                    text: line,
                    field: None,
                    heading: false,
                },
            );
            expect.insert(Category::Consistency);
            notes.push("consistency:amount words".into());
        }
        // Missing field: drop the lines that provide one required field.
        let mut missing = None;
        if rng.chance(0.2) {
            let required = required_fields(doc_type);
            let fields: Vec<&'static str> = b
                .lines
                .iter()
                .filter_map(|l| l.field)
                .filter(|f| required.iter().any(|r| r == f))
                // Removing the period line would also remove the injected
                // short period.
                .filter(|f| !(period_changed && *f == "announcement_period"))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if !fields.is_empty() {
                let field = *rng.pick(&fields);
                b.lines.retain(|l| l.field != Some(field));
                // A missing field's information is nowhere in the notice:
                // not in the title or the 项目概况 sentence (which readers
                // and pubgate take as the project's name, the place to get
                // the documents), nor in another table.
                match field {
                    "project_name" => {
                        title = title.replace(&f.project, "");
                        for l in &mut b.lines {
                            l.text = l.text.replace(&f.project, "本项目");
                        }
                    }
                    "doc_obtain" => b.lines.retain(|l| !l.text.contains("潜在")),
                    "winner_name" => {
                        for l in &mut b.lines {
                            l.text = l.text.replace(&f.winner, "");
                        }
                    }
                    "budget_amount" => {
                        let budget = f.budget.to_string();
                        b.lines
                            .retain(|l| !l.text.contains(&budget) && !l.text.contains("预算"));
                    }
                    _ => {}
                }
                expect.insert(Category::MissingField);
                missing = Some(field);
                notes.push(format!("missing:{field}"));
            }
        }
        let format = *rng.pick(&formats);
        let (ext, bytes) = render(&mut rng, &title, &b.lines, &hidden, format);
        out.push(Sample {
            name: format!("{i:04}-{doc_type}.{ext}"),
            bytes,
            doc_type,
            expect,
            missing,
            notes,
        });
    }
    // Unreadable inputs: never clean.
    for (j, (name, bytes)) in [
        ("scan.pdf", pdf::without_text()),
        (
            "broken.pdf",
            pdf::build(&[vec!["招标公告".into()]], &[])[..200].to_vec(),
        ),
        (
            "legacy.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00".to_vec(),
        ),
        (
            "random.bin",
            (0..512u32).map(|i| (i * 31 % 251) as u8).collect(),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(Sample {
            name: format!("u{j}-{name}"),
            bytes,
            doc_type: "unknown",
            expect: [Category::Unscannable].into_iter().collect(),
            missing: None,
            notes: vec!["unscannable".into()],
        });
    }
    out
}
