//! Procurement secrets before the award: the names of 评审专家 / 评标委员会
//! members, the names or number of suppliers that obtained the documents
//! (潜在投标人), and the 标底.
//!
//! All three are time-dependent: the expert list is *mandatory* in a
//! 中标（成交）结果公告 (政府采购法实施条例 第四十三条) and the 标底 is
//! announced at the opening, so these rules only fire in announcements of a
//! pre-award type (`pre_award = true` in `dictionaries/announcements.toml`).
//! A document whose type is unknown is not judged here.
//!
//! Known false-positive sources handled: the mandatory 项目概况 sentence
//! (`潜在投标人应在…获取招标文件`), procedural sentences
//! (`评审专家从专家库中随机抽取`), the rule itself quoted
//! (`不得透露已获取招标文件的潜在投标人的名称、数量`), `不设标底`.

use std::sync::OnceLock;

use regex::Regex;

use super::text::layout::after;
use super::text::names::names_in;
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity, mask_name};

/// The procurement-secrets detector.
pub struct Procurement {
    panel_label: Regex,
    bidder_count: Regex,
    bidder_list: Regex,
    base_price: Regex,
}

fn re(p: &str) -> Regex {
    #[allow(clippy::unwrap_used)] // Constant patterns, covered by tests.
    Regex::new(p).unwrap()
}

impl Procurement {
    /// Compiles the patterns.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Procurement {
        Procurement {
            panel_label: re(
                r"(?:评审专家|评标专家|评委专家|评审委员会|评标委员会|评审小组|磋商小组|谈判小组|询价小组|评审委员|评委|专家组|评审组)(?:成员)?(?:名单|组成|成员|人员)?(?:[(（][^)）\n]{0,20}[)）])?[ \t]*(?:[:：]|为|是|如下|分别为|包括)[:：]?",
            ),
            bidder_count: re(
                // "已有5家供应商报名" or "获取招标文件的供应商共5家".
                r"(?:(?:已有|共有|共|已|目前|现有|截至[^。\n]{0,24}?)[ \t]*(?:\d+|[一二两三四五六七八九十]{1,3})[ \t]*家(?:潜在)?(?:供应商|投标人|单位|公司|企业)?[ \t]*(?:已|成功)?[ \t]*(?:报名|获取|购买|下载|领取)|(?:获取|购买|领取|下载|报名)[^。\n]{0,12}?(?:供应商|投标人|单位)[ \t]*(?:共|有|为|共有|共计)[ \t]*(?:\d+|[一二两三四五六七八九十]{1,3})[ \t]*家)",
            ),
            bidder_list: re(
                r"(?:(?:已|成功)?(?:获取|购买|领取|下载|报名)(?:了)?(?:本项目)?(?:的)?(?:招标|采购|磋商|谈判|询价|资格预审|竞争性磋商|竞争性谈判)?(?:文件)?的(?:潜在)?(?:供应商|投标人|单位)|(?:已报名|报名)(?:的)?(?:供应商|单位|投标人)|潜在(?:投标人|供应商)名单)[ \t]*(?:有|为|包括|共|名单|如下|[:：])",
            ),
            base_price: re(
                r"标底(?:价|金额|价格|价款)?[ \t]*(?:为|是|[:：])[ \t]*(?:人民币)?[ \t]*[¥￥]?[ \t]*[0-9零壹贰叁肆伍陆柒捌玖拾佰仟万]",
            ),
        }
    }
}

fn confidential(
    rule: &str,
    confidence: Confidence,
    span: std::ops::Range<usize>,
    value: String,
    excerpt: String,
    explanation: String,
    enforces: &str,
) -> Candidate {
    Candidate {
        rule: rule.into(),
        category: Category::ProcurementConfidential,
        field: None,
        severity: Severity::High,
        confidence,
        span: Some(span),
        value: Some(value),
        excerpt,
        explanation,
        enforces: enforces.into(),
    }
}

fn company_names(text: &str) -> usize {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| re(r"[\p{Han}A-Za-z0-9（）()]{2,40}?(?:有限责任公司|股份有限公司|有限公司|公司|研究院|研究所|事务所|中心|集团|厂)"));
    re.find_iter(text).count()
}

/// A 更正公告 that corrects the award itself (更正事项：采购结果) is
/// published after the award: the expert list may appear in it.
fn corrects_the_result(cx: &Context<'_>) -> bool {
    if cx.doc_type.is_none_or(|t| t.id != "correction") {
        return false;
    }
    let skeleton = cx.doc.skeleton();
    [
        "更正事项:采购结果",
        "更正事项:■采购结果",
        "更正事项:☑采购结果",
        "采购结果更正",
        "中标结果更正",
        "成交结果更正",
        "中标(成交)结果更正",
    ]
    .iter()
    .any(|p| skeleton.contains(p))
}

impl Detector for Procurement {
    fn id(&self) -> &'static str {
        "procurement"
    }

    fn rules(&self) -> &'static [(&'static str, Category)] {
        &[
            ("procurement.expert_list", Category::ProcurementConfidential),
            (
                "procurement.potential_bidders",
                Category::ProcurementConfidential,
            ),
            ("procurement.base_price", Category::ProcurementConfidential),
        ]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        if !cx.pre_award() || corrects_the_result(cx) {
            return;
        }
        let text = &cx.doc.text;
        let kind = cx.doc_type.map(|t| t.name.as_str()).unwrap_or("");
        for m in self.panel_label.find_iter(text) {
            // The names follow the label on the same line, or in the lines
            // of a table right below it.
            let following = after(text, m.end(), 120);
            let names = names_in(&following.replace(['\n', '\t'], "、"));
            if names.len() < 2 {
                continue;
            }
            // The finding spans the label through the last name, so the
            // reviewer sees the names marked, and its value is that text as
            // written, with each name masked in its masked form: 打码后发布
            // can then replace it literally.
            let mut end = 0;
            for name in &names {
                if let Some(at) = following[end..].find(name.as_str()) {
                    end += at + name.len();
                }
            }
            let span = m.start()..m.end() + end;
            let written = &text[span.clone()];
            let mut masked = written.to_string();
            for name in &names {
                masked = masked.replace(name.as_str(), &mask_name(name));
            }
            out.push(confidential(
                "procurement.expert_list",
                if names.len() >= 3 { Confidence::High } else { Confidence::Medium },
                span,
                written.to_string(),
                masked,
                format!(
                    "{kind}中公开了评审专家/评标委员会成员名单（{} 人）。中标（成交）结果确定前，评审专家名单应当保密，只能在结果公告中公布。",
                    names.len()
                ),
                "《招标投标法》第三十七条（评标委员会成员名单在中标结果确定前应当保密）；政府采购货物和服务招标投标管理办法（财政部令第87号）第六十六条；政府采购法实施条例第四十三条",
            ));
        }
        let rule_bidders = "《招标投标法》第二十二条（不得向他人透露已获取招标文件的潜在投标人的名称、数量）；财政部令第87号";
        for m in self.bidder_count.find_iter(text) {
            let shown: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            out.push(confidential(
                "procurement.potential_bidders",
                Confidence::High,
                m.range(),
                shown.clone(),
                shown,
                format!("{kind}中透露了已获取采购文件的潜在供应商数量。投标（响应）截止前不得透露潜在投标人的名称、数量。"),
                rule_bidders,
            ));
        }
        for m in self.bidder_list.find_iter(text) {
            let following = after(text, m.end(), 200);
            let companies = company_names(following);
            if companies == 0 {
                continue;
            }
            let label: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            out.push(confidential(
                "procurement.potential_bidders",
                Confidence::High,
                m.start()..m.end(),
                format!("{label}{following}"),
                format!("{label}……（{companies} 家单位名称已隐去）"),
                format!("{kind}中列出了已获取采购文件/已报名的潜在供应商名称。投标（响应）截止前不得透露潜在投标人的名称、数量。"),
                rule_bidders,
            ));
        }
        for m in self.base_price.find_iter(text) {
            let tail = after(text, m.end(), 20);
            let amount: String = tail
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '万' | '元'))
                .collect();
            let value = format!("{}{amount}", m.as_str());
            out.push(confidential(
                "procurement.base_price",
                Confidence::High,
                m.start()..m.end() + amount.len(),
                value,
                "标底：****".into(),
                format!("{kind}中公开了标底。标底必须保密，设有标底的应当在开标时公布。"),
                "《招标投标法》第二十二条第二款（标底必须保密）；《招标投标法实施条例》第二十七条、第五十条",
            ));
        }
    }
}
