//! Figures that contradict each other or a legal minimum: a 大写 amount that
//! differs from the 小写 amount beside it, a bid deadline too soon after
//! publication, an award above the budget, and dates that do not exist.
//!
//! Enforces 财政部令第101号 第九条 (information must be true and accurate),
//! 《政府采购法》第三十五条 (等标期 ≥ 20 日) and the periods in
//! `dictionaries/announcements.toml` (`min_bid_days`).

use std::ops::Range;

use regex::Regex;

use super::dictionary::Trigger;
use super::text::amount::{format_fen, is_numeral, parse_number, parse_words};
use super::text::dates::find_dates;
use super::text::labels::LabelSet;
use super::text::layout::{after, before, ceil_boundary, floor_boundary};
use super::{Candidate, Context, Detector};
use crate::model::{Category, Confidence, Severity};

const ACCURACY: &str =
    "《政府采购信息发布管理办法》（财政部令第101号）第九条（发布主体对信息的真实性、准确性负责）";

/// Labels that start the period in which bidders prepare: publication or
/// the first day the documents can be obtained.
const START_LABELS: &[&str] = &[
    "发布日期",
    "发布时间",
    "公告日期",
    "公告时间",
    "发布于",
    "获取招标文件",
    "获取采购文件",
    "获取磋商文件",
    "获取谈判文件",
    "获取询价文件",
    "获取资格预审文件",
    "领取资格预审文件",
    "文件发售时间",
    "文件获取时间",
];

/// The consistency detector.
pub struct Consistency {
    words: Regex,
    number: Regex,
    lot: Regex,
    start_labels: LabelSet,
    working_days: Regex,
}

/// `5`, `五`, `十`: the small numbers periods are written with.
fn small_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        [a] => digit(*a).or(if *a == '两' { Some(2) } else { None }),
        _ => None,
    }
}

/// A regex-like match over the full text.
struct Span<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl Span<'_> {
    fn as_str(&self) -> &str {
        &self.text[self.start..self.end]
    }
    fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl Consistency {
    /// Compiles the patterns.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Consistency {
        #[allow(clippy::unwrap_used)] // Constant patterns, covered by tests.
        Consistency {
            words: Regex::new(r"(?:人民币)?[零壹贰叁参肆伍陆柒捌玖拾佰仟万亿元圆角分整正]{2,}").unwrap(),
            number: Regex::new(r"(小写)?[:：]?[ \t]*([¥￥])?[ \t]*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?[ \t]*(?:[(（][ \t]*)?(万元|万|元)?").unwrap(),
            lot: Regex::new(r"(?:第[ \t]*([0-9]{1,2}|[一二三四五六七八九十]{1,3})[ \t]*(?:采购包|分包|包组|包|标段|标包|子包)|(?:采购包|分包|包组|包号|标段|标包|子包|包)[ \t]*[:：]?[ \t]*([0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:[ \t]*号)?)").unwrap(),
            start_labels: LabelSet::new(START_LABELS.iter().map(|l| (0, *l))),
            working_days: Regex::new(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})[ \t]*个?[ \t]*工作日").unwrap(),
        }
    }

    fn amount_words(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let text = &cx.doc.text;
        // Every 大写 amount has a financial digit; the dictionary pass
        // reported where they are, so the regex runs only around them.
        let mut matches = Vec::new();
        let mut done = 0;
        for &(trigger, at) in &cx.hits.triggers {
            if trigger != Trigger::AmountDigit || at < done {
                continue;
            }
            let hit = at..at + 3;
            let from = ceil_boundary(text, hit.start.saturating_sub(24).max(done));
            let to = floor_boundary(text, hit.end + 240);
            for m in self.words.find_iter(&text[from..to]) {
                if from + m.end() > hit.start {
                    matches.push((from + m.start(), from + m.end()));
                    done = from + m.end();
                    break;
                }
            }
            done = done.max(hit.end);
        }
        for (start, end) in matches {
            let m = Span { start, end, text };
            let s = m.as_str();
            let has_digit = s.chars().any(|c| "壹贰叁参肆伍陆柒捌玖".contains(c));
            let has_unit = s.chars().any(|c| "元圆万角".contains(c));
            if !has_digit || !has_unit {
                continue;
            }
            let Some(words) = parse_words(s) else {
                continue;
            };
            let Some((figure, range)) = self.nearby_figure(text, m.range()) else {
                continue;
            };
            if figure == words {
                continue;
            }
            let shown = format!("{}（¥{}）", s, format_fen(figure));
            out.push(Candidate {
                rule: "consistency.amount_words".into(),
                category: Category::Consistency,
                field: None,
                severity: Severity::Medium,
                confidence: Confidence::High,
                span: Some(m.start.min(range.start)..m.end.max(range.end)),
                value: Some(format!("{s}|{figure}")),
                excerpt: shown,
                explanation: format!(
                    "大写金额（¥{}）与小写金额（¥{}）不一致，请核对后修改。",
                    format_fen(words),
                    format_fen(figure)
                ),
                enforces: ACCURACY.into(),
            });
        }
    }

    /// The 小写 amount nearest to a 大写 amount: within 40 characters after
    /// or before it, marked as money (¥, 元, 万元, 小写, or in brackets
    /// right beside it).
    fn nearby_figure(&self, text: &str, words: Range<usize>) -> Option<(u64, Range<usize>)> {
        let tail = after(text, words.end, 40);
        let mut head = before(text, words.start, 40);
        // A window that starts inside a number would read a fragment of it
        // (`4560.00元` out of `1134560.00元`): start after that number.
        let head_start = words.start - head.len();
        if head_start > 0 && text.as_bytes()[head_start - 1].is_ascii_digit() {
            let skip = head
                .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
                .unwrap_or(head.len());
            head = &head[skip..];
        }
        let mut best: Option<(usize, Option<u64>, Range<usize>)> = None;
        let mut consider =
            |region: &str, base: usize, distance_from: &dyn Fn(&Range<usize>) -> usize| {
                for c in self.number.captures_iter(region) {
                    let (Some(whole), Some(int)) = (c.get(0), c.get(3)) else {
                        continue;
                    };
                    // `120万页`, `3万人`: 万 is a count there, not money.
                    let counted = c.get(5).is_some_and(|u| u.as_str() == "万")
                        && region[whole.end()..]
                            .chars()
                            .next()
                            .is_some_and(|n| ('\u{4E00}'..='\u{9FFF}').contains(&n) && n != '元');
                    let unit = c.get(5).map(|m| m.as_str()).filter(|_| !counted);
                    if counted {
                        continue;
                    }
                    let marked = c.get(1).is_some()
                        || c.get(2).is_some()
                        || unit.is_some()
                        || bracketed(region, whole.start());
                    if !marked {
                        continue;
                    }
                    let num = match c.get(4) {
                        Some(f) => format!("{}.{}", int.as_str(), f.as_str()),
                        None => int.as_str().to_string(),
                    };
                    let wan = matches!(unit, Some("万元") | Some("万"));
                    // A masked figure (`******.73元`) is the nearest one but
                    // says nothing: it stays a candidate with no value, so
                    // no figure farther away is compared in its place.
                    let v = if masked_figure(region, int.start(), whole.end()) {
                        None
                    } else {
                        let Some(v) = parse_number(&num, wan) else {
                            continue;
                        };
                        Some(v)
                    };
                    let r = base + whole.start()..base + whole.end();
                    let d = distance_from(&r);
                    if best.as_ref().is_none_or(|b| d < b.0) {
                        best = Some((d, v, r));
                    }
                }
            };
        consider(tail, words.end, &|r| r.start - words.end);
        consider(head, words.start - head.len(), &|r| {
            words.start.saturating_sub(r.end)
        });
        best.and_then(|(_, v, r)| Some((v?, r)))
    }

    fn bid_period(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let Some(doc_type) = cx.doc_type else { return };
        let Some(min_days) = doc_type.min_bid_days else {
            return;
        };
        // The statutory periods bind procurement under the 政府采购法; a
        // notice that says it is outside it (`（自行采购）`, below the
        // procurement thresholds; a hospital's `院内` tender) sets its own.
        if cx
            .doc
            .spans
            .iter()
            .filter(|s| s.kind.is_content())
            .any(|s| {
                let text = &cx.doc.text[s.range.clone()];
                cx.spec
                    .outside_statute
                    .iter()
                    .any(|w| text.contains(w.as_str()))
            })
        {
            return;
        }
        if self.below_mandatory_tender(cx) {
            return;
        }
        // A tender's twenty days run to the 投标文件; a notice whose
        // suppliers submit only 响应文件 runs a non-tender procedure
        // (磋商, 谈判, 询价) under its own shorter period, whatever the
        // type its other words gave it.
        if doc_type.id == "tender"
            && cx.doc.text.contains("响应文件")
            && !cx.doc.text.contains("投标文件")
        {
            return;
        }
        // The deadline is the latest date named as one (a 文件获取截止时间
        // may also carry the word); the start is the earliest publication or
        // document-issue date (the 项目概况 sentence also mentions 获取招标文件,
        // followed by the deadline).
        let deadline = dates_after_labels(cx, cx.field_label_ranges("bid_deadline"))
            .into_iter()
            .max_by_key(|d| d.0);
        let Some((deadline, d_range)) = deadline else {
            return;
        };
        // Dates on or after the deadline are not a start (the 项目概况
        // sentence names the deadline right after 获取招标文件).
        let starts: Vec<Range<usize>> = self
            .start_labels
            .find(cx.doc)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let labelled = dates_after_labels(cx, &starts);
        // Without a labelled publication date, the date line under the
        // signature (a date alone on its line) is the publication date.
        let candidates = if labelled.is_empty() {
            standalone_dates(cx)
        } else {
            labelled
        };
        let start = candidates
            .into_iter()
            .filter(|d| d.0 < deadline)
            .min_by_key(|d| d.0);
        let Some((start, _)) = start else {
            return;
        };
        let days = (deadline - start).num_days();
        if days < 0 || days >= min_days {
            return;
        }
        out.push(Candidate {
            rule: "consistency.bid_period".into(),
            category: Category::Consistency,
            field: Some("bid_deadline".into()),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            span: Some(d_range),
            value: Some(format!("{start}|{deadline}")),
            excerpt: format!("{start} → {deadline}（{days} 日）"),
            explanation: format!(
                "{}自发布（或文件发出）之日 {start} 至截止时间 {deadline} 仅 {days} 日，少于法定的 {min_days} 日。",
                doc_type.name
            ),
            enforces: doc_type.min_bid_days_rule.clone().unwrap_or_else(|| "《政府采购法》第三十五条".into()),
        });
    }

    /// Whether the notice is a tender under the 招标投标法 for less than
    /// any project must be tendered for (a village's 12万 works, a 75万
    /// lift): its period is its own. Every budget it states must be below
    /// the floor, and it must never call itself government procurement.
    fn below_mandatory_tender(&self, cx: &Context<'_>) -> bool {
        let Some(rule) = &cx.spec.below_mandatory_tender else {
            return false;
        };
        if rule.unless.iter().any(|w| cx.doc.text.contains(w.as_str())) {
            return false;
        }
        let budgets =
            amounts_after_labels(cx, cx.field_label_ranges("budget_amount"), &self.number);
        !budgets.is_empty()
            && budgets
                .iter()
                .all(|(fen, _)| *fen < rule.floor_yuan.saturating_mul(100))
    }

    fn award_over_budget(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let Some(doc_type) = cx.doc_type else { return };
        if doc_type.id != "award" {
            return;
        }
        let budgets =
            amounts_after_labels(cx, cx.field_label_ranges("budget_amount"), &self.number);
        let winners =
            amounts_after_labels(cx, cx.field_label_ranges("winner_amount"), &self.number);
        let Some((budget, winner, w_range)) = over_budget_pair(&budgets, &winners, &|at| {
            lot_at(&cx.doc.text, at, &self.lot)
        }) else {
            return;
        };
        out.push(Candidate {
            rule: "consistency.award_over_budget".into(),
            category: Category::Consistency,
            field: Some("winner_amount".into()),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            span: Some(w_range),
            value: Some(format!("{budget}|{winner}")),
            excerpt: format!("中标 ¥{} > 预算 ¥{}", format_fen(winner), format_fen(budget)),
            explanation: format!(
                "中标（成交）金额 ¥{} 超过预算金额 ¥{}。报价超过采购预算的应作废标处理，请核对金额。",
                format_fen(winner),
                format_fen(budget)
            ),
            enforces: "《政府采购法》第三十六条；财政部令第87号第六十三条".into(),
        });
    }

    /// The stated 公告期限 (`自本公告发布之日起3个工作日`) is shorter than
    /// the type's minimum. A text check: no holiday calendar is needed.
    fn announcement_period(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let Some(doc_type) = cx.doc_type else { return };
        let Some(min) = doc_type.min_period_working_days else {
            return;
        };
        let text = &cx.doc.text;
        let labels = cx
            .field_label_ranges("announcement_period")
            .iter()
            .chain(cx.field_label_ranges("publicity_period"));
        for r in labels {
            let region = after(text, r.end, 40);
            let Some(c) = self.working_days.captures(region) else {
                continue;
            };
            let (Some(whole), Some(n)) = (c.get(0), c.get(1)) else {
                continue;
            };
            // `公示期满后两个工作日内提出异议`: a window after the period
            // ends, not the period.
            if region[..whole.start()].contains(['满', '后']) {
                continue;
            }
            let Some(days) = small_number(n.as_str()) else {
                continue;
            };
            if days >= min {
                continue;
            }
            out.push(Candidate {
                rule: "consistency.announcement_period".into(),
                category: Category::Consistency,
                field: Some("announcement_period".into()),
                severity: Severity::Medium,
                confidence: Confidence::High,
                span: Some(r.end + whole.start()..r.end + whole.end()),
                value: Some(format!("{days}")),
                excerpt: format!("{days}个工作日"),
                explanation: format!(
                    "{}的公告（公示）期限为 {days} 个工作日，少于规定的 {min} 个工作日。",
                    doc_type.name
                ),
                enforces: doc_type
                    .min_period_rule
                    .clone()
                    .unwrap_or_else(|| ACCURACY.into()),
            });
            return;
        }
    }

    fn invalid_dates(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        for d in find_dates(&cx.doc.text, 0) {
            if d.date.is_some() {
                continue;
            }
            let (y, m, day) = d.ymd;
            let shown = format!("{y}年{m}月{day}日");
            out.push(Candidate {
                rule: "consistency.invalid_date".into(),
                category: Category::Consistency,
                field: None,
                severity: Severity::Low,
                confidence: Confidence::High,
                span: Some(d.range),
                value: Some(shown.clone()),
                excerpt: shown.clone(),
                explanation: format!("日期“{shown}”不存在，请核对。"),
                enforces: ACCURACY.into(),
            });
        }
    }
}

fn bracketed(region: &str, at: usize) -> bool {
    region[..at].trim_end().ends_with(['(', '（'])
}

/// Dates that are alone on their line, in content (the date under the
/// signature of an announcement).
fn standalone_dates(cx: &Context<'_>) -> Vec<(chrono::NaiveDate, Range<usize>)> {
    let text = &cx.doc.text;
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if (8..=40).contains(&trimmed.len())
            && trimmed.as_bytes()[0].is_ascii_digit()
            && let [d] = find_dates(line, start).as_slice()
        {
            let covered = d.range.len() + 2 >= trimmed.len();
            if covered
                && cx
                    .doc
                    .kind_at(d.range.start)
                    .is_some_and(|k| k.is_content())
                && let Some(date) = d.date
            {
                out.push((date, d.range.clone()));
            }
        }
        start += line.len() + 1;
    }
    out
}

/// For each occurrence of any of `labels` in content, the first valid date
/// within 80 characters after it.
fn dates_after_labels<'r>(
    cx: &Context<'_>,
    labels: impl IntoIterator<Item = &'r Range<usize>>,
) -> Vec<(chrono::NaiveDate, Range<usize>)> {
    let doc = cx.doc;
    let mut out = Vec::new();
    for r in labels {
        if !doc.kind_at(r.start).is_some_and(|k| k.is_content()) {
            continue;
        }
        let region = after(&doc.text, r.end, 80);
        if let Some(found) = find_dates(region, r.end)
            .into_iter()
            .find(|d| d.date.is_some())
            && let Some(date) = found.date
        {
            out.push((date, found.range));
        }
    }
    out
}

/// The budget and award amount to compare, if the notice lets them be
/// paired: one of each, or, in a notice of several lots (包, 标段), each
/// award with the budget of its own lot. An amount whose lot is unknown
/// while others have one is left alone: comparing it with another lot's
/// budget is how a correct notice would be reported.
fn over_budget_pair(
    budgets: &[(u64, Range<usize>)],
    winners: &[(u64, Range<usize>)],
    lot_of: &dyn Fn(usize) -> Option<u32>,
) -> Option<(u64, u64, Range<usize>)> {
    if let ([(budget, _)], [(winner, w_range)]) = (budgets, winners) {
        let (b_lot, w_lot) = (lot_of(budgets[0].1.start), lot_of(w_range.start));
        let same_lot = match (b_lot, w_lot) {
            (Some(b), Some(w)) => b == w,
            _ => true,
        };
        return (same_lot && winner > budget).then(|| (*budget, *winner, w_range.clone()));
    }
    let lots = |amounts: &[(u64, Range<usize>)]| -> Option<Vec<(u32, u64, Range<usize>)>> {
        amounts
            .iter()
            .map(|(v, r)| lot_of(r.start).map(|lot| (lot, *v, r.clone())))
            .collect()
    };
    let (budgets, winners) = (lots(budgets)?, lots(winners)?);
    for (lot, winner, w_range) in winners {
        let mut of_lot = budgets.iter().filter(|(b, _, _)| *b == lot);
        // A lot with two different budgets (a table and a sentence that
        // disagree, or a total read as a lot's) is not compared.
        let (Some((_, budget, _)), None) = (of_lot.next(), of_lot.next()) else {
            continue;
        };
        if winner > *budget {
            return Some((*budget, winner, w_range));
        }
    }
    None
}

/// The lot (包, 标段) a position belongs to: the nearest lot marker
/// (`第2包`, `包1`, `标段二`, `采购包：3`) before it on its line, else
/// within the 300 bytes before it.
fn lot_at(text: &str, at: usize, lot: &Regex) -> Option<u32> {
    let from = ceil_boundary(text, at.saturating_sub(300));
    let window = &text[from..at.min(text.len())];
    let line_start = window.rfind('\n').map_or(0, |i| i + 1);
    let last = |region: &str| {
        lot.captures_iter(region)
            .last()
            .and_then(|c| c.get(1).or(c.get(2)))
            .and_then(|m| lot_number(m.as_str()))
    };
    last(&window[line_start..]).or_else(|| last(window))
}

/// `2`, `二`, `十二` as a number.
fn lot_number(s: &str) -> Option<u32> {
    s.parse().ok().or_else(|| small_number(s))
}

/// Whether the figure at `start..end` of `line` is part of a masked
/// amount: a mask character or a stray point right before it, or a mask
/// character right after it.
fn masked_figure(line: &str, start: usize, end: usize) -> bool {
    const MASKS: &[char] = &['*', '＊', '×', 'X', 'x', '·', '.', '．', '…', '#'];
    let before = line[..start]
        .trim_end_matches([' ', '\t', '¥', '￥'])
        .chars()
        .next_back();
    let mut after = line[end..].chars();
    let next = after.next();
    // `1,234,5**`: the digit groups stop short, so the figure was cut.
    let cut_group = next == Some(',')
        && after
            .next()
            .is_some_and(|c| c.is_ascii_digit() || MASKS.contains(&c));
    before.is_some_and(|c| MASKS.contains(&c))
        || next.is_some_and(|c| MASKS.contains(&c) && c != '.')
        || cut_group
}

/// Whether only a delimiter, a unit note, a currency or the amount in
/// words stands between a label and its figure (`（万元）：`, `为人民币`,
/// `：人民币壹佰万元（¥`).
fn adjacent(gap: &str) -> bool {
    gap.replace("人民币", "")
        .replace("小写", "")
        .replace("大写", "")
        .chars()
        .all(|c| {
            c.is_whitespace()
                || " :：()（）,，元万为是约¥￥零壹贰叁参肆伍陆柒捌玖拾佰仟亿圆角分整正".contains(c)
        })
}

/// Whether the words after a figure make it a bound (`以下`, `以上`, `至`).
fn bound(after: &str) -> bool {
    let after = after.trim_start_matches([' ', '\t']);
    [
        "以下",
        "以上",
        "以内",
        "及以下",
        "及以上",
        "至",
        "到",
        "-",
        "~",
        "～",
    ]
    .iter()
    .any(|w| after.starts_with(w))
}

/// Whether the words before a figure set its unit to 万元 (`（万元）：`,
/// `单位：万元`): a 万 that ends a number written in words
/// (`大写：捌拾柒万柒仟…元，小写：877541.6元`) is part of that number.
fn names_wan_unit(words: &str) -> bool {
    words
        .char_indices()
        .any(|(at, c)| c == '万' && !words[..at].chars().next_back().is_some_and(is_numeral))
}

/// Amounts (in fen) right after any of `labels`, with 万元 detected in the
/// label's unit note or after the number.
fn amounts_after_labels(
    cx: &Context<'_>,
    labels: &[Range<usize>],
    number: &Regex,
) -> Vec<(u64, Range<usize>)> {
    let doc = cx.doc;
    let mut out: Vec<(u64, Range<usize>)> = Vec::new();
    {
        for r in labels {
            let label = &doc.text[r.clone()];
            let region = after(&doc.text, r.end, 40);
            let line = region.split('\n').next().unwrap_or("");
            let label_wan = label.contains('万')
                || line
                    .split(|c: char| c.is_ascii_digit())
                    .next()
                    .is_some_and(names_wan_unit);
            let Some(c) = number.captures(line) else {
                continue;
            };
            let (Some(whole), Some(int)) = (c.get(0), c.get(3)) else {
                continue;
            };
            if masked_figure(line, int.start(), whole.end()) {
                // `******.73`, `12**.00`: part of the figure is hidden,
                // so what the regex read is not the amount.
                continue;
            }
            if !adjacent(&line[..whole.start()]) {
                // `以采购预算金额为计算基础，参照…[2002]1980号`: words stand
                // between the label and the figure, which is another one's.
                continue;
            }
            if bound(&line[whole.end()..]) {
                // `成交金额100万元以下，费率1.5%`: a fee scale's band, not
                // this notice's amount.
                continue;
            }
            let num = match c.get(4) {
                Some(f) => format!("{}.{}", int.as_str(), f.as_str()),
                None => int.as_str().to_string(),
            };
            let wan =
                label_wan || matches!(c.get(5).map(|m| m.as_str()), Some("万元") | Some("万"));
            if let Some(v) = parse_number(&num, wan) {
                let range = r.end + whole.start()..r.end + whole.end();
                if !out.iter().any(|(_, o)| *o == range) {
                    out.push((v, range));
                }
            }
        }
    }
    out
}

impl Detector for Consistency {
    fn id(&self) -> &'static str {
        "consistency"
    }

    fn rules(&self) -> &'static [(&'static str, Category)] {
        &[
            ("consistency.amount_words", Category::Consistency),
            ("consistency.bid_period", Category::Consistency),
            ("consistency.announcement_period", Category::Consistency),
            ("consistency.award_over_budget", Category::Consistency),
            ("consistency.invalid_date", Category::Consistency),
        ]
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        self.amount_words(cx, out);
        self.bid_period(cx, out);
        self.award_over_budget(cx, out);
        self.announcement_period(cx, out);
        self.invalid_dates(cx, out);
    }
}
