//! Personal data of natural persons: 居民身份证号 (GB 11643), bank cards
//! (Luhn), passports and travel permits (with context words), and mobile
//! numbers and e-mails of natural persons outside the contact sections.
//!
//! Confidence comes from three things: the pattern, its validator, and the
//! context words in a window before the value (`身份证号`, `卡号`, `护照`).
//! What must **not** be flagged is just as important, because real
//! announcements are full of long numbers: 统一社会信用代码 (GB 32100,
//! organisations), project and order numbers, corporate bank accounts of the
//! purchaser or agency, and the contact phones that the format spec makes
//! mandatory.
//!
//! Enforces 《个人信息保护法》第二十八条 (sensitive personal information:
//! ID numbers, financial accounts), 《政府信息公开条例》第十五条, and
//! 《居民身份证法》第三条、第十九条.

mod digit_view;
mod digits;
mod travel;

use std::ops::Range;

use super::dictionary::Trigger;
use super::text::checksum::{luhn_valid, valid_id15, valid_id18, valid_uscc};
use super::text::layout::{
    CONTACT_LABELS, before, ceil_boundary, floor_boundary, line_above, line_before,
};
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity, mask_digits, mask_email};

const PIPL: &str = "《个人信息保护法》第二十八条（敏感个人信息）；《政府信息公开条例》第十五条";

/// Words that name an ID number.
const ID_CONTEXT: &[&str] = &[
    "身份证",
    "证件号",
    "身份号码",
    "公民身份",
    "身份证明",
    "证件号码",
    "id",
    "身份信息",
];
/// Words that name an organisation code.
const ORG_CODE_CONTEXT: &[&str] = &[
    "信用代码",
    "社会信用",
    "纳税人识别号",
    "税号",
    "组织机构代码",
    "注册号",
    "统一代码",
];
/// Words that name a personal card.
const CARD_CONTEXT: &[&str] = &[
    "card",
    "银行卡",
    "卡号",
    "借记卡",
    "信用卡",
    "储蓄卡",
    "工资卡",
    "社保卡",
    "个人账户",
    "个人账号",
    "本人账户",
];
/// Words that name an account (personal or corporate).
const ACCOUNT_CONTEXT: &[&str] = &["账号", "帐号", "账户", "帐户", "开户", "收款"];
/// Words that make an account an organisation's.
const ORG_WORDS: &[&str] = &[
    "公司",
    "中心",
    "局",
    "院",
    "学校",
    "大学",
    "委员会",
    "政府",
    "医院",
    "协会",
    "事务所",
    "集团",
    "办公室",
    "厅",
    "基本户",
    "基本账户",
    "对公",
    "保证金",
    "单位",
    "代理机构",
    "采购人",
    "财政",
    "国库",
    "银行股份",
];
/// Words that make a number a code, not a person's number.
const CODE_CONTEXT: &[&str] = &[
    "编号",
    "订单号",
    "合同号",
    "流水号",
    "项目号",
    "批次号",
    "计划号",
    "备案号",
    "文号",
    "条码",
    "序列号",
    "编码",
    "单号",
    "代码",
    "凭证号",
    "发票号",
    "采购计划",
];
/// A supplier's staff, named in a result with their certificates: a phone
/// labelled as theirs is a person's.
const SUPPLIER_STAFF: &[&str] = &["项目经理", "项目总监"];

/// Words that make a contact number personal.
const PERSONAL_CONTEXT: &[&str] = &[
    "身份证",
    "住址",
    "家庭",
    "个人",
    "本人",
    "家属",
    "户籍",
    "私人",
    "专家",
    "评委",
    "出生",
];

/// Personal e-mail providers: an address there belongs to a person.
const PERSONAL_MAIL_DOMAINS: &[&str] = &[
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "foxmail.com",
    "yeah.net",
    "139.com",
    "189.cn",
    "aliyun.com",
    "yahoo.com",
    "icloud.com",
    "live.com",
    "21cn.com",
    "tom.com",
    "vip.qq.com",
    "vip.163.com",
    "wo.cn",
];

/// The personal-data detector.
pub struct Personal {
    email: regex::Regex,
    travel: travel::Travel,
}

impl Personal {
    /// Compiles the patterns.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Personal {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        let email = regex::Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,10}").unwrap();
        Personal {
            email,
            travel: travel::Travel::new(),
        }
    }
}

/// Whether one of the code labels in `words` labels the value that
/// follows `window`: the label is the last thing before the value, with
/// only separators between (a colon, spaces, a tab between table cells, a
/// line break when the value wraps). A label that already has its own
/// value (`项目编号：JH24-001` on the line before) labels nothing after it,
/// so an ID number on the next line is not taken for a project code.
fn labelled_as_code(window: &str, words: &[&str]) -> bool {
    let lower = window.to_ascii_lowercase();
    let Some(end) = words
        .iter()
        .filter_map(|w| lower.rfind(w).map(|i| i + w.len()))
        .max()
    else {
        return false;
    };
    lower[end..].chars().all(|c| {
        c.is_whitespace() || matches!(c, ':' | '：' | '(' | ')' | '（' | '）' | '#' | '=' | '-')
    })
}

fn has_any(window: &str, words: &[&str]) -> bool {
    let lower = window.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// The context window before a value: 30 characters, across line breaks
/// (a label in the table cell or line before), within the piece.
fn window<'t>(cx: &Context<'t>, at: usize) -> &'t str {
    before(&cx.doc.text, at, 30)
}

/// The label nearest before `at` on the same line is a contact label, or
/// the value sits in a contact section.
fn is_contact(cx: &Context<'_>, at: usize) -> bool {
    if cx.layout().in_contact_zone(at) {
        return true;
    }
    // Labels spaced out to align a form (`电    话：`, `联 系 人`) count.
    let tail: String = line_tail(&cx.doc.text, at, 24)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    has_any(&tail, CONTACT_LABELS)
        || labelled_on_line_above(&cx.doc.text, at)
        || listed_after_contact_label(&cx.doc.text, at)
}

/// A number in a list of numbers after one contact label
/// (`致电技术支持:0574-87187195、13396609883、18968299314`): the label
/// may stand further back than the tail looked at, with nothing but
/// numbers and separators between.
fn listed_after_contact_label(text: &str, at: usize) -> bool {
    let line = line_before(text, at);
    let lower = line.to_ascii_lowercase();
    let label_end = CONTACT_LABELS
        .iter()
        .filter_map(|l| lower.rfind(l).map(|i| i + l.len()))
        .max();
    label_end.is_some_and(|end| {
        lower.get(end..).is_some_and(|between| {
            between.chars().all(|c| {
                c.is_ascii_digit() || " -—、,，;；/:：()（）".contains(c) || c == '\u{3000}'
            })
        })
    })
}

/// A number alone at the start of its line under a short contact label
/// alone on the line above (`招标人联系电话` / `13996854122`: a form
/// flattened one cell per line).
fn labelled_on_line_above(text: &str, at: usize) -> bool {
    let Some(above) = line_above(text, at) else {
        return false;
    };
    let above = above.trim();
    (2..=16).contains(&above.chars().count())
        && !above.chars().any(|c| c.is_ascii_digit())
        && has_any(above, CONTACT_LABELS)
}

/// Whether the notice gives this number or address as a contact
/// somewhere (written out whole): another copy of it — in a form field's
/// hidden value, a summary table above the body, a `mailto:` link under
/// the contact line — discloses nothing the contact line does not.
fn published_as_contact(cx: &Context<'_>, value: &str) -> bool {
    cx.doc
        .text
        .match_indices(value)
        .any(|(at, _)| cx.doc.kind_at(at).is_some_and(|k| k.is_content()) && is_contact(cx, at))
}

/// The last `chars` characters of the line before `at`.
fn line_tail(text: &str, at: usize, chars: usize) -> String {
    let line = line_before(text, at);
    let skip = line.chars().count().saturating_sub(chars);
    line.chars().skip(skip).collect()
}

/// Whether the number stands in a table row that is an organisation's —
/// its first cell (after a row number or lot) names one (`某某大厦有限公司 | 地址 |
/// 统一社会信用代码 | 138…`): a winner's or bidder's contact column, which
/// the notice must give. A row that starts with a person (`张三 | 某某医院 |
/// 138…`, an expert list) is not exempt.
fn in_company_row(cx: &Context<'_>, at: usize) -> bool {
    // A party's role as the row's label (`招标代理机构 | 某某招标代理有限公司 |
    // 189…`) names an organisation as well.
    const ORGANISATIONS: &[&str] = &[
        "机构",
        "招标人",
        "采购人",
        "公司",
        "集团",
        "厂",
        "中心",
        "研究院",
        "研究所",
        "事务所",
        "合作社",
        "医院",
        "学校",
    ];
    let line = line_before(&cx.doc.text, at);
    if !line.contains(['|', '｜', '\t']) {
        return false;
    }
    let first = line
        .split(['|', '｜', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        // A row number or lot (`1`, `第1包`, `包2`) may come first.
        .find(|c| !(c.chars().count() <= 5 && c.chars().any(|ch| ch.is_ascii_digit())));
    first.is_some_and(|c| c.chars().count() >= 4 && has_any(c, ORGANISATIONS))
}

/// Whether the address is where the notice asks for documents to be sent
/// (`将扫描件发送至…@qq.com`): an agency's working mailbox, even on a
/// free mail service, is contact information the notice must give.
fn is_mail_drop(cx: &Context<'_>, at: usize) -> bool {
    const SEND_TO: &[&str] = &[
        "发送至",
        "发送到",
        "发至",
        "发到",
        "提交至",
        "递交至",
        "报送至",
    ];
    has_any(&line_tail(&cx.doc.text, at, 8), SEND_TO)
}

fn candidate(
    rule: &str,
    confidence: Confidence,
    severity: Severity,
    span: Range<usize>,
    value: String,
    excerpt: String,
    explanation: String,
) -> Candidate {
    Candidate {
        rule: rule.into(),
        category: Category::PersonalData,
        field: None,
        severity,
        confidence,
        span: Some(span),
        value: Some(value),
        excerpt,
        explanation,
        enforces: PIPL.into(),
    }
}

/// A match over the full text (emails are matched in windows).
struct Found<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl Found<'_> {
    fn as_str(&self) -> &str {
        &self.text[self.start..self.end]
    }
    fn start(&self) -> usize {
        self.start
    }
    fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A mobile number: 11 digits with a current prefix (13x, 145–149, 15x but
/// 154, 162/165–167, 170–178, 18x, 19x but 194).
pub fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 11 || b[0] != b'1' || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    matches!(
        (b[1], b[2]),
        (b'3', _) | (b'4', b'5'..=b'9') | (b'5', b'0'..=b'3' | b'5'..=b'9') | (b'6', b'2' | b'5'..=b'7')
            | (b'7', b'0'..=b'8') | (b'8', _) | (b'9', b'0'..=b'3' | b'5'..=b'9')
    )
}

impl Personal {
    fn id18(
        &self,
        cx: &Context<'_>,
        span: Range<usize>,
        digits: &str,
        out: &mut Vec<Candidate>,
    ) -> bool {
        if !valid_id18(digits, cx.today) {
            return false;
        }
        let w = window(cx, span.start);
        let id_context = has_any(w, ID_CONTEXT);
        if !id_context && (valid_uscc(digits) && has_any(w, ORG_CODE_CONTEXT)) {
            // An all-digit 统一社会信用代码 that happens to pass GB 11643.
            return true;
        }
        if !id_context && labelled_as_code(w, CODE_CONTEXT) && !has_any(w, PERSONAL_CONTEXT) {
            return true;
        }
        let confidence = if id_context {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let masked = mask_digits(digits);
        out.push(candidate(
            "personal.id_card",
            confidence,
            Severity::High,
            span,
            digits.to_string(),
            masked.clone(),
            format!("检测到居民身份证号码 {masked}（GB 11643 校验位、地区码、出生日期均有效）。公告不得公开自然人身份证号码，请删除或打码。"),
        ));
        true
    }

    fn id15(
        &self,
        cx: &Context<'_>,
        span: Range<usize>,
        digits: &str,
        out: &mut Vec<Candidate>,
    ) -> bool {
        let w = window(cx, span.start);
        if !has_any(w, ID_CONTEXT) || !valid_id15(digits, cx.today) {
            return false;
        }
        let masked = mask_digits(digits);
        out.push(candidate(
            "personal.id_card_legacy",
            Confidence::Medium,
            Severity::High,
            span,
            digits.to_string(),
            masked.clone(),
            format!("检测到15位旧版身份证号码 {masked}（上下文标明为身份证）。公告不得公开自然人身份证号码。"),
        ));
        true
    }

    fn card(
        &self,
        cx: &Context<'_>,
        span: Range<usize>,
        digits: &str,
        out: &mut Vec<Candidate>,
    ) -> bool {
        if !(16..=19).contains(&digits.len()) || !luhn_valid(digits) {
            return false;
        }
        let w = window(cx, span.start);
        let card_context = has_any(w, CARD_CONTEXT);
        let account_context = has_any(w, ACCOUNT_CONTEXT);
        if labelled_as_code(w, CODE_CONTEXT) && !card_context {
            return true;
        }
        // The purchaser's or agency's account (户名、开户行 and 账号 often span
        // a long line or a few table cells): publishable.
        let wide = before(&cx.doc.text, span.start, 80);
        if !card_context && (has_any(wide, ORG_WORDS) || cx.layout().in_contact_zone(span.start)) {
            return true;
        }
        let unionpay =
            digits.starts_with("62") || digits.starts_with('4') || digits.starts_with('5');
        let confidence = if card_context {
            Confidence::High
        } else if account_context && unionpay {
            Confidence::Medium
        } else if digits.starts_with("62") && (digits.len() == 16 || digits.len() == 19) {
            Confidence::Low
        } else {
            return false;
        };
        let masked = mask_digits(digits);
        out.push(candidate(
            "personal.bank_card",
            confidence,
            Severity::High,
            span,
            digits.to_string(),
            masked.clone(),
            format!("检测到疑似个人银行卡号 {masked}（Luhn 校验通过）。个人金融账户属于敏感个人信息，不得公开。"),
        ));
        true
    }

    fn mobile(
        &self,
        cx: &Context<'_>,
        span: Range<usize>,
        digits: &str,
        out: &mut Vec<Candidate>,
    ) -> bool {
        let d = digits
            .strip_prefix("0086")
            .or_else(|| digits.strip_prefix("86"))
            .filter(|d| d.len() == 11)
            .unwrap_or(digits);
        if !is_mobile(d) {
            return false;
        }
        let w = window(cx, span.start);
        // A supplier's project manager's own number (`项目经理（负责人）联系电话`
        // in a construction award's form) is no contact of the procurement:
        // the notices' contacts are the purchaser's, the agency's and the
        // project's (`项目联系人`), never the winner's staff.
        let personal = has_any(w, PERSONAL_CONTEXT) || has_any(w, SUPPLIER_STAFF);
        if !personal
            && (is_contact(cx, span.start)
                || in_company_row(cx, span.start)
                || published_as_contact(cx, d))
        {
            return true;
        }
        let masked = mask_digits(d);
        out.push(candidate(
            "personal.mobile",
            if personal { Confidence::High } else { Confidence::Medium },
            Severity::Medium,
            span,
            d.to_string(),
            masked.clone(),
            format!("联系方式栏目以外出现自然人手机号码 {masked}。除法定的项目联系方式外，不得公开个人手机号码。"),
        ));
        true
    }

    fn emails(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let text = &cx.doc.text;
        // Around each `@` the dictionary pass noted, or the whole text.
        let windows: Vec<(usize, usize)> = match &cx.hits.ascii {
            Some(ascii) => ascii
                .at_signs
                .iter()
                .map(|&at| {
                    (
                        floor_boundary(text, (at as usize).saturating_sub(80)),
                        ceil_boundary(text, (at as usize + 260).min(text.len())),
                    )
                })
                .collect(),
            None => vec![(0, text.len())],
        };
        let mut seen_until = 0;
        let found = windows.into_iter().flat_map(|(from, to)| {
            self.email
                .find_iter(&text[from..to])
                .map(move |m| (from, m))
        });
        let mut matches = Vec::new();
        for (from, m) in found {
            let (start, end) = (from + m.start(), from + m.end());
            if start < seen_until {
                continue;
            }
            seen_until = end;
            matches.push(start..end);
        }
        for range in matches {
            let m = Found {
                start: range.start,
                end: range.end,
                text,
            };
            let addr = m.as_str();
            let domain = addr.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
            let w = window(cx, m.start());
            let personal_context = has_any(w, PERSONAL_CONTEXT);
            let personal_domain = PERSONAL_MAIL_DOMAINS.contains(&domain.as_str());
            if !personal_context
                && (!personal_domain
                    || is_contact(cx, m.start())
                    || is_mail_drop(cx, m.start())
                    || published_as_contact(cx, addr))
            {
                continue;
            }
            let masked = mask_email(addr);
            out.push(candidate(
                "personal.email",
                if personal_context {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                Severity::Medium,
                m.range(),
                addr.to_ascii_lowercase(),
                masked.clone(),
                format!(
                    "联系方式栏目以外出现个人电子邮箱 {masked}。不得公开自然人的个人联系方式。"
                ),
            ));
        }
    }
}

impl Detector for Personal {
    fn id(&self) -> &'static str {
        "personal"
    }

    fn rules(&self) -> &'static [(&'static str, Category)] {
        &[
            ("personal.id_card", Category::PersonalData),
            ("personal.id_card_legacy", Category::PersonalData),
            ("personal.bank_card", Category::PersonalData),
            ("personal.passport", Category::PersonalData),
            ("personal.travel_permit", Category::PersonalData),
            ("personal.mobile", Category::PersonalData),
            ("personal.email", Category::PersonalData),
        ]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let runs = match &cx.hits.ascii {
            Some(ascii) => digits::runs_at(&cx.doc.text, &ascii.digit_starts, 11),
            None => digits::runs(&cx.doc.text, 11),
        };
        for run in runs {
            if run.letters_after {
                // An ID number glued to a word: in the text only when
                // labelled as one; in attributes, identifiers and metadata
                // (`id="zj370102…"`) also without a label.
                let w = window(cx, run.range.start);
                let identifier_place = cx
                    .doc
                    .kind_at(run.range.start)
                    .is_some_and(|k| !k.is_content());
                if (has_any(w, ID_CONTEXT) || identifier_place) && run.groups.len() == 1 {
                    self.id18(cx, run.range.clone(), &run.digits(), out);
                }
                continue;
            }
            // The whole run first; if it is nothing, each group on its own
            // (two numbers separated by a space).
            let mut options = vec![(run.range.clone(), run.digits())];
            if run.groups.len() > 1 {
                options.extend(run.groups.iter().map(|(r, d)| (r.clone(), d.clone())));
            }
            let mut claimed: Option<Range<usize>> = None;
            for (span, d) in options {
                if claimed
                    .as_ref()
                    .is_some_and(|c| c.start < span.end && span.start < c.end)
                {
                    continue;
                }
                let done = match d.len() {
                    18 => {
                        self.id18(cx, span.clone(), &d, out) || self.card(cx, span.clone(), &d, out)
                    }
                    15 => {
                        self.id15(cx, span.clone(), &d, out)
                            || self.mobile(cx, span.clone(), &d, out)
                    }
                    16 | 17 | 19 => self.card(cx, span.clone(), &d, out),
                    11 | 13 => self.mobile(cx, span.clone(), &d, out),
                    _ => false,
                };
                if done {
                    claimed = Some(span);
                }
            }
        }
        self.layout_numbers(cx, out);
        self.emails(cx, out);
        self.travel.detect(cx, out);
    }
}

impl Personal {
    /// ID and card numbers that layout split (line and cell breaks,
    /// separators, one cell per digit), written in Chinese numerals or
    /// reversed by a bidi override: the digit view's windows, validated
    /// like plain runs. A card number pieced together from several
    /// fragments must be its whole chain (after a short row number at
    /// most) and have a card word nearby: Luhn alone passes one window in
    /// ten. Windows overlapping a number already found are skipped.
    fn layout_numbers(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let text = cx.doc.text.as_str();
        let (digit_starts, numerals): (Vec<usize>, Vec<usize>) = match &cx.hits.ascii {
            Some(ascii) => (
                ascii.digit_starts.iter().map(|&p| p as usize).collect(),
                ascii
                    .numeral_starts
                    .iter()
                    .map(|&p| p as usize)
                    .chain(
                        cx.hits
                            .triggers
                            .iter()
                            .filter(|(t, _)| *t == Trigger::AmountDigit)
                            .map(|&(_, at)| at),
                    )
                    .collect(),
            ),
            None => (
                text.char_indices()
                    .filter(|(i, c)| {
                        (c.is_ascii_digit() || digit_view::numeral_value(*c).is_some())
                            && !text[..*i].ends_with(|p: char| p.is_ascii_digit())
                    })
                    .map(|(i, _)| i)
                    .collect(),
                Vec::new(),
            ),
        };
        let overridden: Vec<usize> = text.match_indices('\u{202E}').map(|(i, _)| i).collect();
        let starts = digit_view::starts(text, &digit_starts, &[numerals, overridden].concat());
        let found: Vec<Range<usize>> = out
            .iter()
            .filter(|c| c.category == Category::PersonalData)
            .filter_map(|c| c.span.clone())
            .collect();
        let mut claimed = found;
        for w in digit_view::windows(text, &starts, &[18, 16, 17, 19]) {
            if claimed
                .iter()
                .any(|c| c.start < w.span.end && w.span.start < c.end)
            {
                continue;
            }
            let done = match w.digits.len() {
                18 if self.id18(cx, w.span.clone(), &w.digits, out) => true,
                16..=19
                    if w.fragments == 1
                        || (w.whole && has_any(window(cx, w.span.start), CARD_CONTEXT)) =>
                {
                    self.card(cx, w.span.clone(), &w.digits, out)
                }
                _ => false,
            };
            if done {
                claimed.push(w.span);
            }
        }
    }
}
