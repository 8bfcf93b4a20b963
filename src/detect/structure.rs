//! The structure of an announcement as platforms publish it, read once per
//! document: label–value entries wherever a reader would see a label
//! labelling a value.
//!
//! Real announcements put a field's value in many places: after the label
//! and a colon, on the next line, after a numbered heading on the same line
//! (`九、公告期限 自本公告发布之日起1个工作日。`), under the heading, in a
//! table whose header row labels the column below (cells as tabs, `|` or
//! aligned spaces), in a table flattened to one cell per line (the header
//! cells first, then the values), in the 2020 template's 项目概况 sentence
//! (`…潜在投标人应在XX获取招标文件，并于2021年6月8日09点00分前递交投标文件`),
//! or only in the title (the project's name). Each becomes an [`Entry`];
//! the field checks ask which entries a field's labels match.
//!
//! Labels are compared by their key morphemes ([`label_key`]): without
//! parenthetical notes (`项目编号（或招标编号、政府采购计划编号…，如有）`),
//! whitespace, `的` and the trailing colon, so a known label inside a longer
//! one, a long template label and a `的`-less variant all match.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::normalize::{NormalizedDoc, PIECE_SEPARATOR};

/// Whether a line reads as a notice's title: short, ending with a notice
/// word (`…流标的通告`, `…公告（第二次）`) that something names, and not a
/// site's navigation (`当前位置：首页 > 通知公告`).
fn title_like(line: &str) -> bool {
    let t = line.trim();
    if t.chars().count() > 100
        || ["首页", "当前位置", "您的位置"]
            .iter()
            .any(|w| t.contains(w))
    {
        return false;
    }
    // A trailing note in brackets (`（第二次）`) is not the end.
    let core = match t.strip_suffix([')', '）']) {
        Some(rest) => rest.rfind(['(', '（']).map_or(t, |open| &rest[..open]),
        None => t,
    };
    NOTICE_WORDS.iter().any(|w| {
        core.strip_suffix(w)
            .is_some_and(|before| before.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
    })
}

/// Words a notice's title ends with (`…终止公告`, `…流标的通告`).
pub const NOTICE_WORDS: &[&str] = &[
    "公告",
    "公示",
    "通告",
    "通知",
    "情况说明",
    "澄清函",
    "采购合同",
];

/// Where an entry was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `label：value` on one line, or the value on the next line.
    Line,
    /// A numbered heading and its text (same line or the lines below).
    Heading,
    /// A table header cell over a cell of its column.
    Column,
    /// The 项目概况 summary sentence of the 2020 template.
    Overview,
    /// The title.
    Title,
}

/// A label and the value it labels.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The label's key ([`label_key`]).
    pub key: String,
    /// The label as written (numbering and delimiter aside), for reports.
    pub label: String,
    /// The value's byte range in the normalized text.
    pub value: Range<usize>,
    /// Where it was read from.
    pub source: Source,
}

/// The structure of one document.
#[derive(Debug, Default)]
pub struct Structure {
    /// Every entry, in document order.
    pub entries: Vec<Entry>,
}

/// A label's key morphemes: parenthetical notes, whitespace, `的`, colons
/// and numbering removed.
pub fn label_key(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '(' | '（' | '[' | '【' | '〔' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace()
                || matches!(c, '的' | ':' | '：' | '*' | '★' | '·' | '、' | '.') => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a document label (its key) is a variant of a known label (its
/// key): equal, or the known label inside it at its end or start (a
/// longer spelling: `采购项目编号` for `项目编号`, `预算金额万元` for
/// `预算金额`).
pub fn key_matches(doc_key: &str, known: &str) -> bool {
    if known.is_empty() || doc_key.is_empty() {
        return false;
    }
    doc_key == known
        || (doc_key.chars().count() <= known.chars().count() + 14
            && (doc_key.ends_with(known)
                || doc_key.starts_with(known)
                || joined_heading(doc_key, known)
                || widened(doc_key, known)))
}

/// A longer label that a platform widened with a word or two inside it:
/// `拟定单一来源采购供应商` for `拟定单一来源供应商`. Only labels of seven
/// characters or more: inside a shorter one a word changes what it names
/// (`项目经理名称` is no `项目名称`; `公告发布开始时间` gives a start, not
/// the `公告开始时间` of a period).
fn widened(doc_key: &str, known: &str) -> bool {
    const MIN_KNOWN: usize = 7;
    const MAX_INSERT: usize = 2;
    // Cheap refusals first: this runs for every entry against every key.
    let last_agrees = known
        .chars()
        .next_back()
        .is_some_and(|c| doc_key.ends_with(c));
    if !last_agrees || known.chars().count() < MIN_KNOWN {
        return false;
    }
    let chars: Vec<(usize, char)> = known.char_indices().collect();
    // Split the known label into a head and a tail of two characters or
    // more; the document's label ends with the tail, and the head ends
    // one or two characters before it.
    (2..=chars.len() - 2).any(|split| {
        let (head, tail) = known.split_at(chars[split].0);
        let Some(before_tail) = doc_key.strip_suffix(tail) else {
            return false;
        };
        (1..=MAX_INSERT).any(|gap| {
            let cut = before_tail
                .char_indices()
                .rev()
                .nth(gap - 1)
                .map(|(at, _)| at);
            cut.is_some_and(|at| before_tail[..at].ends_with(head))
        })
    })
}

/// A heading that names two things, the known label first after a short
/// lead: `拟选择采取单一来源采购方式的原因及满足需求的说明` holds
/// `单一来源采购方式的原因`; the `及` (`和`, `与`) after it says the label
/// ends there.
fn joined_heading(doc_key: &str, known: &str) -> bool {
    doc_key.match_indices(known).any(|(at, _)| {
        doc_key[..at].chars().count() <= 6
            && doc_key[at + known.len()..].starts_with(['及', '和', '与'])
    })
}

/// The length of a line's numbering (`一、`, `（二）`, `3.`, `第四部分`, with
/// the blanks after it), if it starts with one. `3.` is numbering only
/// when no digit follows (`3.5万元` is a figure); the regex crate has no
/// look-ahead, so that is checked here.
pub(super) fn numbering(line: &str) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        Regex::new(
            r"^[ \t\u{3000}]*(?:第[一二三四五六七八九十百]+[章节部分条]|[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．]|\d{1,2}\.|[①-⑳]|【)[ \t\u{3000}]*",
        )
        .unwrap()
    });
    // `find`, not `captures`: this runs on every line of every document.
    let m = re.find(line)?;
    let core = m.as_str().trim_end_matches([' ', '\t', '\u{3000}']);
    let dotted = core
        .strip_suffix('.')
        .is_some_and(|n| n.ends_with(|c: char| c.is_ascii_digit()));
    if dotted && line[m.start() + core.len()..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(m.end())
}

/// The label part of a line (up to its colon), if the line is `label：…`
/// with a short label that is not a sentence.
fn colon_split(line: &str) -> Option<(&str, &str)> {
    let at = line.find([':', '：'])?;
    let label = &line[..at];
    let n = label.chars().count();
    if n == 0 || n > 48 || label.contains(['。', '；', ';']) {
        return None;
    }
    // A comma before the colon is a sentence, unless inside a parenthetical.
    let outside: String = label_key(label);
    if outside.contains(['，', ',']) {
        return None;
    }
    let colon_len = line[at..].chars().next().map_or(1, char::len_utf8);
    Some((label, &line[at + colon_len..]))
}

/// Splits a table row into cells as written: tabs (HTML and DOCX cells),
/// `|` (tables flattened to text), or runs of two or more spaces (PDF
/// text of a table). Empty cells are kept, so counting the cells before a
/// label gives its column.
pub fn split_cells(line: &str) -> Vec<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern.
    let re = RE.get_or_init(|| Regex::new(r"\t|\||｜| {2,}|\u{3000}{2,}").unwrap());
    re.split(line).collect()
}

/// A line that only rules a flattened table (`---|---|---`).
pub fn rule_line(line: &str) -> bool {
    line.contains("--") && line.chars().all(|c| "-|:—－ \t".contains(c))
}

/// Whether a line closes a cell with a bar, as a table flattened to one
/// cell per line does (`序号 |`, `17.1 |`, a bar alone for an empty cell).
fn closes_a_cell(line: &str) -> bool {
    let t = line.trim();
    t.ends_with(['|', '｜']) && !rule_line(t)
}

/// The last line of a run of barred cells from line `from`: lines that
/// close cells, each after at most `WRAPPED_LINES` lines of a cell that
/// wrapped (with or without bars of their own: `序号 | … | 招标` /
/// `方式 | … |`).
fn barred_run(text: &str, lines: &[Range<usize>], from: usize) -> Option<usize> {
    const WRAPPED_LINES: usize = 8;
    let line = |n: usize| text[lines[n].clone()].trim();
    let mut end = None;
    let mut k = from;
    while k < lines.len() {
        let closing = (k..lines.len().min(k + WRAPPED_LINES + 1)).find(|&n| closes_a_cell(line(n)));
        let Some(closing) = closing else { break };
        end = Some(closing);
        k = closing + 1;
    }
    end
}

/// The cells of a barred region: the text between bars, trimmed, with its
/// range. A row drawn with outer bars (`| 1 | … |`) opens with one:
/// nothing before it is a cell. A bar alone on its line closes a cell
/// (empty, or wrapped from the lines above).
fn barred_cells(text: &str, region: Range<usize>) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut start = region.start;
    for (at, bar) in text[region.clone()].match_indices(['|', '｜']) {
        let at = region.start + at;
        let raw = &text[start..at];
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let opening = text[line_start..at].trim().is_empty()
            && !text[at + bar.len()..line_end].trim().is_empty();
        if !(opening && raw.trim().is_empty()) {
            let lead = raw.len() - raw.trim_start().len();
            found.push(start + lead..start + lead + raw.trim().len());
        }
        start = at + bar.len();
    }
    found
}

/// Cells of a table row: tabs, `|`, or runs of two or more spaces.
pub fn cells(line: &str) -> Vec<&str> {
    let cells: Vec<&str> = split_cells(line).into_iter().map(str::trim).collect();
    // A row drawn with outer bars (`| a | b |`) has empty first/last cells.
    let start = usize::from(cells.first().is_some_and(|c| c.is_empty()));
    let end =
        cells.len() - usize::from(cells.len() > 1 && cells.last().is_some_and(|c| c.is_empty()));
    cells[start..end.max(start)].to_vec()
}

/// Whether a line ends as a column header does — a noun of what the
/// column holds (`名称`, `地址`, `金额（万元）`, `序号`, `规格型号`) — and not
/// as a value in a cell does (`……有限公司`, `……富民西街`).
fn ends_like_a_header(cell: &str) -> bool {
    const ENDS: &str = "称址额号价量型注间期单位容求数率格牌商人式话序别目款费限点况果明述度围次源质标家名的分算计码息";
    let mut core = cell.trim();
    if core.ends_with([')', '）'])
        && let Some(at) = core.rfind(['(', '（'])
    {
        core = core[..at].trim_end();
    }
    core.chars().last().is_some_and(|c| ENDS.contains(c))
}

/// Whether a cell reads as a column header: a label (`label_like`) that
/// ends as a header does (`ends_like_a_header`).
fn header_cell(cell: &str) -> bool {
    // A yes-or-no column is headed by its question (`是否专门面向中小企业采购`).
    label_like(cell) && (ends_like_a_header(cell) || cell.starts_with("是否"))
}

/// Whether a cell reads like a header label: short, mostly not digits.
fn label_like(cell: &str) -> bool {
    let n = cell.chars().count();
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    (1..=24).contains(&n) && digits * 3 < n.max(1) && !cell.contains(['。', '：', ':'])
}

/// The shape of a table cell's value, for a row whose empty cells the
/// page dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Amount,
    Organisation,
}

impl Shape {
    /// Whether a header cell names a column of this shape.
    fn fits(self, header: &str) -> bool {
        let words: &[&str] = match self {
            Shape::Amount => &["金额", "价格", "报价", "总价", "预算"],
            Shape::Organisation => &[
                "供应商",
                "中标人",
                "成交人",
                "单位名称",
                "中标单位",
                "成交单位",
            ],
        };
        words.iter().any(|w| header.contains(w))
    }
}

/// A result table's bare `金额` column is the award's: the table names
/// its winner column (`成交供应商`), and its amount column says no more
/// than `金额（元）`. Its bare `地址` column is the supplier's.
fn qualified(mut headers: Vec<String>) -> Vec<String> {
    // A bare `地址` beside a supplier column is that supplier's.
    if headers.iter().any(|h| Shape::Organisation.fits(h)) {
        for h in &mut headers {
            if matches!(label_key(h).as_str(), "地址" | "联系地址" | "详细地址") {
                *h = "供应商地址".into();
            }
        }
    }
    let kind = ["成交", "中标"].into_iter().find(|k| {
        headers
            .iter()
            .any(|h| h.contains(k) && Shape::Organisation.fits(h))
    });
    if let Some(kind) = kind {
        for h in &mut headers {
            if matches!(label_key(h).as_str(), "金额" | "总金额" | "价格" | "总价") {
                *h = format!("{kind}{h}");
            }
        }
    }
    headers
}

/// The first cell of a table's row when it is the row's rank or number
/// (`第一名`, `第1名`, `第一中标候选人`, `1`).
fn row_start(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern.
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(?:第[一二三四五六七八九十\d]{1,3}(?:名|中标候选人|候选人|成交候选人)|\d{1,2})$",
        )
        .unwrap()
    });
    re.is_match(line)
}

fn value_shape(cell: &str) -> Option<Shape> {
    static AMOUNT: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::unwrap_used)] // A constant pattern.
    let amount = AMOUNT.get_or_init(|| {
        Regex::new(r"^(?:人民币)?[￥¥]?\s*\d[\d,]*(?:\.\d+)?\s*(?:元|万元)?$").unwrap()
    });
    let cell = cell.trim();
    // Not a row number (`1`, `12`).
    let figure = cell.contains(['.', ',', '¥', '￥', '元'])
        || cell.chars().filter(char::is_ascii_digit).count() >= 3;
    if figure && amount.is_match(cell) {
        Some(Shape::Amount)
    } else if cell.chars().count() <= 40
        && [
            "公司",
            "厂",
            "研究院",
            "研究所",
            "中心",
            "合作社",
            "事务所",
            "商行",
            "经营部",
        ]
        .iter()
        .any(|w| cell.ends_with(w))
    {
        Some(Shape::Organisation)
    } else {
        None
    }
}

impl Structure {
    /// Reads the structure of the visible content of a document.
    pub fn build(doc: &NormalizedDoc) -> Structure {
        let mut s = Structure::default();
        let text = doc.text.as_str();
        for span in doc.spans.iter().filter(|s| s.kind.is_content()) {
            s.read_piece(text, span.range.clone());
        }
        s.read_overview(doc);
        s
    }

    fn push(&mut self, label: &str, value: Range<usize>, source: Source) {
        // A label on the last line has nothing below it: an empty value.
        let value = value.start..value.end.max(value.start);
        let key = label_key(label);
        if !key.is_empty() {
            let label = label
                .trim()
                .trim_end_matches([':', '：'])
                .trim_end()
                .to_string();
            self.entries.push(Entry {
                key,
                label,
                value,
                source,
            });
        }
    }

    fn read_piece(&mut self, text: &str, range: Range<usize>) {
        // Lines with their ranges; blank lines are layout only (an HTML
        // table's cells come out between runs of them), so they are left out.
        let mut lines: Vec<Range<usize>> = Vec::new();
        let mut pos = range.start;
        for line in text[range.clone()].split('\n') {
            if !line
                .trim_matches(|c: char| c.is_whitespace() || c == PIECE_SEPARATOR)
                .is_empty()
            {
                lines.push(pos..pos + line.len());
            }
            pos += line.len() + 1;
        }
        let line = |r: &Range<usize>| &text[r.clone()];
        let nonempty = |r: &Range<usize>| {
            !text[r.clone()]
                .trim_matches(|c: char| c.is_whitespace() || c == PIECE_SEPARATOR)
                .is_empty()
        };
        for r in &lines {
            self.read_inline_header_row(text, r.clone(), range.end);
        }
        self.read_barred_cells(text, &lines);
        let mut i = 0;
        while i < lines.len() {
            let r = lines[i].clone();
            let l = line(&r);
            // Numbering off; what remains is the heading or entry text.
            let (numbered, body_start) = match numbering(l) {
                Some(end) => (true, r.start + end),
                None => (false, r.start + (l.len() - l.trim_start().len())),
            };
            let body = &text[body_start..r.end];
            if let Some((label, value)) = colon_split(body) {
                let value_start = r.end - value.len();
                if value.trim().is_empty() {
                    // The value on the next non-empty line (or the lines up
                    // to the next heading, for a heading label).
                    let end = self.block_end(text, &lines, i + 1, numbered);
                    self.push(
                        label,
                        (lines.get(i + 1).map_or(r.end, |n| n.start))..end,
                        if numbered {
                            Source::Heading
                        } else {
                            Source::Line
                        },
                    );
                } else {
                    self.push(
                        label,
                        value_start..r.end,
                        if numbered {
                            Source::Heading
                        } else {
                            Source::Line
                        },
                    );
                }
            } else if numbered {
                // A heading: its text up to a wide gap is the label, the rest
                // of the line (if any) and the lines below are its value.
                let trimmed = body.trim_end();
                let split = trimmed
                    .find(['\t', ' ', '\u{3000}'])
                    .filter(|at| trimmed[..*at].chars().count() <= 24);
                match split {
                    Some(at) if !trimmed[at..].trim().is_empty() => {
                        let value_start = body_start + at;
                        self.push(&trimmed[..at], value_start..r.end, Source::Heading);
                    }
                    _ => {
                        // A crawler may put the heading's colon on a line of
                        // its own (`一、项目编号` / `：` / `MASCG-…`).
                        let colon_line = lines
                            .get(i + 1)
                            .is_some_and(|n| matches!(line(n).trim(), ":" | "："));
                        let below = i + 1 + usize::from(colon_line);
                        let end = self.block_end(text, &lines, below, true);
                        let start = lines.get(below).map_or(r.end, |n| n.start);
                        self.push(trimmed, start..end.max(start), Source::Heading);
                    }
                }
            }
            // Tables: a header row and the rows below it. A header that
            // wraps onto the next line (label cells only) continues there.
            let mut header = cells(l);
            // The sentence that introduces a barred table may share the
            // header's line (`…采购意向公开如下:| 序号 | 采购项目名称 |…`):
            // it is no column.
            if !l.trim_start().starts_with(['|', '｜']) && l.contains(['|', '｜']) {
                let prose = header.iter().take_while(|c| !label_like(c)).count();
                if header.len() >= prose + 3 && header[prose..].iter().all(|c| label_like(c)) {
                    header.drain(..prose);
                }
            }
            let mut next_row = i + 1;
            if header.len() >= 2 && header.iter().all(|c| label_like(c)) {
                while let Some(next) = lines.get(next_row) {
                    let more = cells(line(next));
                    if !more.is_empty()
                        && more.len() < header.len()
                        && more.iter().all(|c| label_like(c))
                        && line(next).contains(['|', '｜', '\t'])
                    {
                        header.extend(more);
                        next_row += 1;
                    } else {
                        break;
                    }
                }
            }
            if header.len() >= 2
                && !rule_line(l)
                && header.iter().filter(|c| label_like(c)).count() * 3 >= header.len() * 2
            {
                let mut j = next_row;
                let mut rows = 0;
                while j < lines.len() && rows < 200 {
                    if !nonempty(&lines[j]) || rule_line(line(&lines[j])) {
                        j += 1;
                        continue;
                    }
                    // A row whose long cell wrapped continues on the next
                    // lines until it has as many cells as the header.
                    let mut segments = vec![(lines[j].clone(), cells(line(&lines[j])))];
                    let mut total = segments[0].1.len();
                    let mut k = j + 1;
                    let ruled = |r: &Range<usize>| line(r).contains(['|', '｜', '\t']);
                    while total >= 1
                        && total + 1 < header.len()
                        && k < lines.len()
                        && ruled(&lines[j])
                    {
                        if !nonempty(&lines[k]) {
                            k += 1;
                            continue;
                        }
                        let more = cells(line(&lines[k]));
                        if more.is_empty()
                            || !ruled(&lines[k])
                            || total + more.len() > header.len() + 1
                        {
                            break;
                        }
                        total += more.len();
                        segments.push((lines[k].clone(), more));
                        k += 1;
                    }
                    if total < 2 || total + 1 < header.len() || total > header.len() + 1 {
                        break;
                    }
                    // Each cell under its header cell (a result table's
                    // bare 金额 named for what it is).
                    let names = qualified(header.iter().map(|c| c.to_string()).collect());
                    let mut column = 0;
                    for (range, row) in &segments {
                        let mut at = range.start;
                        for cell in row {
                            let Some(h) = names.get(column) else { break };
                            if let Some(off) = text[at..range.end].find(*cell) {
                                let start = at + off;
                                self.push(h, start..start + cell.len(), Source::Column);
                                at = start + cell.len();
                            }
                            column += 1;
                        }
                    }
                    rows += 1;
                    j = k;
                }
            }
            // A table flattened to one cell per line: three or more short
            // label lines, then as many value lines.
            // Header lines have no digits and no numbering; the value lines
            // carry some (a row number, an amount, a date).
            let header_line = |t: &str| {
                // A piece boundary alone on its line is no cell.
                let t = t.trim_matches(|c: char| c.is_whitespace() || c == PIECE_SEPARATOR);
                ends_like_a_header(t)
                    && t.chars().count() <= 16
                    && !t.chars().any(|c| c.is_ascii_digit())
                    && numbering(t).is_none()
                    && cells(t).len() == 1
                    && colon_split(t).is_none()
                    && !t.contains(['。', '，', ','])
            };
            // A header cell's unit or note may wrap onto a line of its own
            // (`预算金额` / `(万元)`): it belongs to the cell above.
            let note_line = |t: &str| {
                let t = t.trim();
                t.starts_with(['(', '（'])
                    && t.ends_with([')', '）'])
                    && t.chars().count() <= 12
                    && !t.chars().any(|c| c.is_ascii_digit())
            };
            // Header cells: (first line, lines taken including notes).
            let mut header: Vec<(usize, usize)> = Vec::new();
            if i == 0 || !header_line(line(&lines[i - 1]).trim()) {
                let mut k = i;
                while k < lines.len() && header_line(line(&lines[k]).trim()) {
                    let mut taken = 1;
                    while lines.get(k + taken).is_some_and(|r| note_line(line(r))) {
                        taken += 1;
                    }
                    header.push((k, taken));
                    k += taken;
                }
                // A header whose cells wrap (`拟任` / `项目经理` / `姓名`) runs on
                // over short word lines up to the first row's label
                // (`第一名`, `1`): those lines are header cells too.
                if header.len() >= 3 {
                    let wrapped = lines[k..]
                        .iter()
                        .take(8)
                        .position(|r| row_start(line(r).trim()))
                        .filter(|&n| {
                            lines[k..k + n].iter().all(|r| {
                                let t = line(r).trim();
                                (1..=8).contains(&t.chars().count())
                                    && t.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
                            })
                        });
                    for at in k..k + wrapped.unwrap_or(0) {
                        header.push((at, 1));
                    }
                }
            }
            let run: usize = header.iter().map(|(_, taken)| taken).sum();
            // The first row: the value lines up to the header's width, or
            // fewer where the row ends early (`分包号：3`, the next table's
            // header, a heading) — a page that drops empty cells.
            let values: Vec<Range<usize>> = lines[(i + run).min(lines.len())..]
                .iter()
                .filter(|r| nonempty(r))
                .take(header.len())
                .take_while(|r| {
                    let t = line(r).trim();
                    // The next lot's panel (`分包号：3`) or a heading; a
                    // cell may hold a colon of its own (`最终报价:425800(元)`).
                    numbering(t).is_none()
                        && !colon_split(t).is_some_and(|(label, _)| {
                            label.contains('包') || label.contains("标段")
                        })
                })
                .cloned()
                .collect();
            let values_have_digits = values
                .iter()
                .any(|v| line(v).chars().any(|c| c.is_ascii_digit()));
            if header.len() >= 3 && !values.is_empty() && values_have_digits {
                let cell = |&(first, taken): &(usize, usize)| -> String {
                    lines[first..first + taken]
                        .iter()
                        .map(|r| line(r).trim())
                        .collect()
                };
                let headers = qualified(header.iter().map(cell).collect());
                // A row led by its rank (`第一名`) where the header has no
                // rank column runs one cell off: a value whose shape its
                // column does not fit goes to the column it fits.
                let ranked = values.first().is_some_and(|v| {
                    let first = line(v).trim();
                    row_start(first) && first.starts_with('第')
                });
                if values.len() == header.len() && !ranked {
                    for (h, v) in headers.iter().zip(values) {
                        self.push(h, v, Source::Column);
                    }
                } else if values.len() == header.len() {
                    for (h, v) in headers.iter().zip(values) {
                        let shape = value_shape(line(&v));
                        match shape {
                            Some(shape) if !shape.fits(h) => {
                                if let Some(fit) = headers.iter().find(|h| shape.fits(h)) {
                                    self.push(fit, v, Source::Column);
                                }
                            }
                            _ => self.push(h, v, Source::Column),
                        }
                    }
                } else {
                    // Cells missing: each value goes to the column of its
                    // shape (an amount under 金额, a company under 供应商),
                    // the row's first cell under the first header.
                    for (k, v) in values.into_iter().enumerate() {
                        let shape = value_shape(line(&v));
                        let column = headers.iter().find(|h| shape.is_some_and(|s| s.fits(h)));
                        match column {
                            Some(h) => self.push(h, v, Source::Column),
                            None if k == 0 && shape.is_none() => {
                                self.push(&headers[0], v, Source::Column)
                            }
                            None => {}
                        }
                    }
                }
            }
            i += 1;
        }
    }

    /// A table whose header row and rows were flattened into text with
    /// single spaces (`序号 采购项目名称 采购需求概况 预算金额(万元) 预计采购时间
    /// 备注 1 某项目 采购内容… 200.00 2024年5月 无`, a 采购意向 page's
    /// common shape): the cells cannot be told apart by position, since a
    /// description has spaces of its own, but an amount column's value is
    /// the first amount-shaped token of the first row, and a time column's
    /// the first month-shaped one — masked (`####.##`, `****年**月`) or not.
    fn read_inline_header_row(&mut self, text: &str, line: Range<usize>, piece_end: usize) {
        // The header opens with 序号, at the start of the line or after the
        // sentence that introduces the table (`…采购意向公开如下: 序号 …`).
        if !text[line.clone()].contains("序号") {
            return;
        }
        let words: Vec<&str> = text[line.clone()].split_whitespace().collect();
        let Some(first) = words.iter().position(|w| *w == "序号") else {
            return;
        };
        let header: Vec<&str> = words[first + 1..]
            .iter()
            .take_while(|w| header_cell(w))
            .copied()
            .collect();
        if header.len() < 3 {
            return;
        }
        static AMOUNT: OnceLock<Regex> = OnceLock::new();
        static MONTH: OnceLock<Regex> = OnceLock::new();
        #[allow(clippy::unwrap_used)] // Constant patterns.
        let amount = AMOUNT.get_or_init(|| {
            Regex::new(
                r"(?:^|\s)(\d[\d,]*\.\d+|\d{2,}[\d,]*|[#*＊Xx][#*＊Xx,]*[.．][#*＊Xx]+)(?:\s|$)",
            )
            .unwrap()
        });
        #[allow(clippy::unwrap_used)]
        let month = MONTH.get_or_init(|| {
            Regex::new(r"(?:\d{4}|[#*＊Xx]{2,4})\s*年\s*(?:\d{1,2}|[#*＊Xx]{1,2})\s*月").unwrap()
        });
        // The rows: after the header's last cell, up to a few lines on.
        let Some(last) = header.last() else { return };
        let Some(at) = text[line.clone()]
            .find("序号")
            .and_then(|h| Some(h + text[line.start + h..line.end].find(last)?))
        else {
            return;
        };
        let rows_start = line.start + at + last.len();
        let mut rows_end = (rows_start + 3000).min(piece_end);
        while !text.is_char_boundary(rows_end) {
            rows_end -= 1;
        }
        let rows = &text[rows_start..rows_end];
        for cell in header {
            let key = label_key(cell);
            let found: Option<Range<usize>> =
                if ["金额", "预算", "价"].iter().any(|w| key.contains(w)) {
                    // Not the row number (`1`, `#`) that opens the first row.
                    amount
                        .captures_iter(rows)
                        .filter_map(|c| c.get(1))
                        .find(|m| m.start() > 3)
                        .map(|m| m.range())
                } else if ["时间", "日期"].iter().any(|w| key.contains(w)) {
                    month.find(rows).map(|m| m.range())
                } else if ["需求", "概况"].iter().any(|w| key.contains(w)) {
                    // A description has no shape of its own: the first row's
                    // text up to its first amount holds it (after the row's
                    // number and names), so the column is filled when that
                    // text is.
                    let start = rows.len() - rows.trim_start().len();
                    let first_row = rows[start..].lines().next().unwrap_or("");
                    let end = amount
                        .captures(first_row)
                        .and_then(|c| c.get(1))
                        .map_or(first_row.len(), |m| m.start());
                    let described = first_row[..end].trim_end();
                    (described.chars().count() >= 10).then_some(start..start + described.len())
                } else {
                    None
                };
            if let Some(r) = found {
                self.push(
                    cell,
                    rows_start + r.start..rows_start + r.end,
                    Source::Column,
                );
            }
        }
    }

    /// A table flattened to text whose cells are closed by bars but whose
    /// rows are not kept to a line: cells one per line (`序号 |` /
    /// `采购项目名称 |` / … / `1 |`), or a header row on one line and rows
    /// whose cells hold line breaks (`* | 锦官驿…食材采购 |` / `采购内容:…` /
    /// `|` / `***.****** | ****年**月 | … |`), or a header cell wrapped
    /// (`招标` / `方式 |`). A cell runs up to its bar, over lines if it
    /// wraps; an empty cell is a bar alone. The leading header cells of the
    /// run are the header (after a caption or the sentence that introduces
    /// the table); the cells after it fill its rows, left to right.
    fn read_barred_cells(&mut self, text: &str, lines: &[Range<usize>]) {
        let line = |n: usize| text[lines[n].clone()].trim();
        let barred = |n: usize| line(n).contains(['|', '｜']);
        let mut i = 0;
        while i < lines.len() {
            if !barred(i) || (i > 0 && barred(i - 1)) {
                i += 1;
                continue;
            }
            let Some(end) = barred_run(text, lines, i) else {
                i += 1;
                continue;
            };
            let found: Vec<Range<usize>> = barred_cells(text, lines[i].start..lines[end].end)
                .into_iter()
                .filter(|c| !rule_line(&text[c.clone()]))
                .collect();
            let cell = |n: usize| found.get(n).map_or("", |r| text[r.clone()].trim());
            let skip = usize::from(!header_cell(cell(0)) && header_cell(cell(1)));
            let mut width = (skip..found.len())
                .take_while(|&n| header_cell(cell(n)))
                .count();
            // A header whose names end otherwise (`预计采购月份`) runs on,
            // label by label, up to the first row's number: columns are
            // only ever read with the whole header.
            let labels_on = (skip + width..found.len())
                .take_while(|&n| label_like(cell(n)) && !row_start(cell(n)))
                .count();
            if width >= 3 && labels_on > 0 && row_start(cell(skip + width + labels_on)) {
                width += labels_on;
            }
            if width < 3 {
                i = match self.read_barred_form(text, lines, i, end, &found) {
                    true => end + 1,
                    false => i + 1,
                };
                continue;
            }
            // Below a header on one line, rows whose every line holds cells
            // (whole rows, or a row wrapped over ruled lines) are the row
            // reader's (`read_piece`); a cell's lines without a bar, a bar
            // alone, a header of one cell a line or wrapped are this one's.
            let header_on_one_line = found
                .get(skip + width - 1)
                .is_some_and(|c| c.end <= lines[i].end);
            // A header whose first row follows on its own line (a table
            // flattened into one line of cells is this reader's).
            let rows_below = found
                .get(skip + width)
                .is_none_or(|c| c.start >= lines[i].end);
            if header_on_one_line
                && rows_below
                && lines[i..=end].iter().all(|r| {
                    let l = text[r.clone()].trim();
                    l.contains(['|', '｜']) && !cells(l).iter().all(|c| c.is_empty())
                })
            {
                i = end + 1;
                continue;
            }
            let headers = qualified((skip..skip + width).map(|n| cell(n).to_string()).collect());
            let numbered = label_key(&headers[0]) == "序号";
            for row in found[skip + width..].chunks(width) {
                // A numbered table's rows open with their number (masked on
                // some mirrors); a row that does not has lost a cell, and
                // the columns with it.
                let first = text[row[0].clone()].trim();
                let masked = !first.is_empty() && first.chars().all(|c| "*＊#".contains(c));
                if numbered && !row_start(first) && !masked {
                    break;
                }
                for (h, cell) in headers.iter().zip(row) {
                    if !cell.is_empty() {
                        self.push(h, cell.clone(), Source::Column);
                    }
                }
            }
            i = end + 1;
        }
    }

    /// A two-column form flattened the same way (`招标人 |` / `江西省妇幼
    /// 保健院` / `|` / `工程名称 |` / …): each label cell names the cell
    /// after it. A label cell whose next cell is another label (a group's
    /// heading, `建造师 |` / `姓名 |` / `戴苏平 |`) labels nothing. Whether
    /// the run from line `i` to `end`, of cells `found`, was such a form.
    fn read_barred_form(
        &mut self,
        text: &str,
        lines: &[Range<usize>],
        i: usize,
        end: usize,
        found: &[Range<usize>],
    ) -> bool {
        // One label cell a line, its value on the lines below.
        let first = cells(text[lines[i].clone()].trim());
        if first.len() != 1 || !header_cell(first[0]) || found.len() < 4 || end <= i {
            return false;
        }
        let cell = |n: usize| found.get(n).map_or("", |r| text[r.clone()].trim());
        let mut n = 0;
        while n + 1 < found.len() {
            let (label, value) = (cell(n), cell(n + 1));
            if !label_like(label) {
                n += 1;
                continue;
            }
            if header_cell(value) && !cell(n + 2).is_empty() && !header_cell(cell(n + 2)) {
                n += 1;
                continue;
            }
            if !value.is_empty() {
                self.push(label, found[n + 1].clone(), Source::Column);
            }
            n += 2;
        }
        true
    }

    /// Where the block below a label or heading ends: the next numbered
    /// heading (for headings) or the next non-empty line (for labels),
    /// at most 40 lines on.
    fn block_end(&self, text: &str, lines: &[Range<usize>], from: usize, heading: bool) -> usize {
        let mut end = lines.get(from).map_or(0, |r| r.start);
        for r in lines.iter().skip(from).take(40) {
            let l = &text[r.clone()];
            if l.trim().is_empty() {
                continue;
            }
            if heading && numbering(l).is_some() && end > lines[from].start {
                break;
            }
            end = r.end;
            if !heading {
                break;
            }
        }
        end
    }

    /// The 2020 template's 项目概况 sentence: where and how to obtain the
    /// documents, the deadline, and the project's name.
    fn read_overview(&mut self, doc: &NormalizedDoc) {
        static RE: OnceLock<Regex> = OnceLock::new();
        #[allow(clippy::unwrap_used)] // A constant pattern, covered by tests.
        let re = RE.get_or_init(|| {
            Regex::new(r"(?s)([^\n。]{2,120}?)的?潜在(?:投标人|供应商|申请人|资格预审申请人)应?在(.{1,120}?)(?:获取|领取|下载)(?:招标|采购|磋商|谈判|询价|资格预审|征集)?(?:文件|通知书)[^。\n]{0,30}?并于(.{4,60}?)(?:前|之前)(?:递交|提交|上传)").unwrap()
        });
        let text = doc.text.as_str();
        for span in doc.spans.iter().filter(|s| s.kind.is_content()) {
            let piece = &text[span.range.clone()];
            // The sentence always says 潜在…; a literal check first spares
            // the regex a search through every piece that has none.
            if !piece.contains("潜在") {
                continue;
            }
            if let Some(c) = re.captures(piece) {
                let base = span.range.start;
                let shift = |m: regex::Match<'_>| base + m.start()..base + m.end();
                // `本项目的潜在投标人…` names no project.
                if let Some(name) = c.get(1).filter(|n| {
                    let t = n.as_str().trim();
                    t.chars().count() >= 4 && !t.starts_with(['本', '该', '此'])
                }) {
                    self.push("项目名称", shift(name), Source::Overview);
                }
                if let Some(place) = c.get(2) {
                    self.push("获取采购文件", shift(place), Source::Overview);
                }
                if let Some(deadline) = c.get(3) {
                    self.push("提交投标文件截止时间", shift(deadline), Source::Overview);
                }
            }
        }
        // The title: a title piece, or the first short line near the top of
        // the content that names a notice (a page copied with its site
        // chrome, `设为首页 加入收藏`, has the title a few lines down), or
        // else the first non-empty line.
        if let Some(span) = doc
            .spans
            .iter()
            .find(|s| s.kind == crate::model::PartKind::Title)
            .or_else(|| doc.spans.iter().find(|s| s.kind.is_content()))
        {
            let piece = &text[span.range.clone()];
            let mut lines = piece.split('\n').filter(|l| !l.trim().is_empty());
            let first = lines.clone().next();
            let named = lines.by_ref().take(12).find(|l| title_like(l));
            if let Some(line) = named.or(first) {
                let offset = |l: &str| l.as_ptr() as usize - piece.as_ptr() as usize;
                let mut start = offset(line);
                // A title wrapped before its notice words (`“新城建”城市运营
                // 监控中心` / `招标失败公告`) starts on the line above.
                if let Some(above) = piece[..start].trim_end().rsplit('\n').next()
                    && named.is_some()
                    && !above.trim().is_empty()
                    && above.trim().chars().count() <= 60
                    && !above.contains([':', '：'])
                    && !NOTICE_WORDS.iter().any(|w| above.contains(w))
                {
                    start = offset(above);
                }
                let end = offset(line) + line.len();
                self.push(
                    "标题",
                    span.range.start + start..span.range.start + end,
                    Source::Title,
                );
            }
        }
    }

    /// The entries whose label matches one of `keys` (label keys of a
    /// field), in document order.
    pub fn matching<'s>(&'s self, keys: &'s [String]) -> impl Iterator<Item = &'s Entry> + 's {
        self.entries
            .iter()
            .filter(move |e| keys.iter().any(|k| key_matches(&e.key, k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PartKind, Piece};

    fn structure(text: &str) -> (NormalizedDoc, Structure) {
        let doc = NormalizedDoc::build(&[Piece {
            part: "body".into(),
            kind: PartKind::Content,
            text: text.into(),
        }]);
        let s = Structure::build(&doc);
        (doc, s)
    }

    fn value_of<'d>(doc: &'d NormalizedDoc, s: &Structure, label: &str) -> Vec<&'d str> {
        let keys = vec![label_key(label)];
        s.matching(&keys)
            .map(|e| doc.text[e.value.clone()].trim())
            .collect()
    }

    #[test]
    fn a_label_widened_inside_is_the_label() {
        let known = label_key("拟定单一来源供应商");
        assert!(key_matches(&label_key("拟定单一来源采购供应商"), &known));
        assert!(key_matches(
            &label_key("三、拟定单一来源采购供应商"),
            &known
        ));
        // Three words inside are another label; so is a short label widened.
        assert!(!key_matches(
            &label_key("拟定单一来源采购的备选供应商"),
            &known
        ));
        assert!(!key_matches(
            &label_key("项目经理名称"),
            &label_key("项目名称")
        ));
    }

    #[test]
    fn keys_drop_notes_spaces_and_de() {
        assert_eq!(
            label_key("项目编号（或招标编号、政府采购计划编号、采购计划备案文号等，如有）："),
            "项目编号"
        );
        assert_eq!(label_key("公示的期限"), "公示期限");
        assert_eq!(label_key("名　称"), "名称");
        assert!(key_matches(
            &label_key("采购项目编号"),
            &label_key("项目编号")
        ));
        assert!(key_matches(
            &label_key("预算金额(万元)"),
            &label_key("预算金额")
        ));
        assert!(!key_matches(&label_key("编号"), &label_key("项目编号")));
        // A heading that joins two items holds the first.
        assert!(key_matches(
            &label_key("拟选择采取单一来源采购方式的原因及满足需求的说明"),
            &label_key("单一来源采购方式的原因")
        ));
        // Not a label merely inside a longer one.
        assert!(!key_matches(
            &label_key("关于单一来源采购方式的原因说明的补充"),
            &label_key("单一来源采购方式的原因")
        ));
    }

    #[test]
    fn entries_in_every_layout() {
        let (doc, s) = structure(
            "XX大学实验室设备采购项目中标公告\n项目概况\nXX设备采购项目招标项目的潜在投标人应在XX网获取招标文件，并于2021年6月8日09点00分（北京时间）前递交投标文件。\n\
             一、项目编号（或招标编号、政府采购计划编号、采购计划备案文号等，如有）：ZB-01\n\
             九、公告期限 自本公告发布之日起1个工作日。\n\
             二、采购需求\n采购电脑50台\n三、资格要求\n\
             序号 | 采购项目名称 | 预算金额(万元) | 预计采购时间 |\n1 | 食堂食材采购 | 235 | 2021年5月 |\n\
             序号\n供应商名称\n供应商地址\n中标金额\n1\n某公司\n某地\n100元\n",
        );
        assert_eq!(value_of(&doc, &s, "项目编号"), ["ZB-01"]);
        assert_eq!(
            value_of(&doc, &s, "公告期限"),
            ["自本公告发布之日起1个工作日。"]
        );
        assert_eq!(value_of(&doc, &s, "采购需求"), ["采购电脑50台"]);
        assert_eq!(value_of(&doc, &s, "预算金额"), ["235"]);
        assert_eq!(value_of(&doc, &s, "预计采购时间"), ["2021年5月"]);
        assert_eq!(value_of(&doc, &s, "中标金额"), ["100元"]);
        assert!(value_of(&doc, &s, "提交投标文件截止时间")[0].starts_with("2021年6月8日"));
        assert_eq!(value_of(&doc, &s, "获取采购文件"), ["XX网"]);
        assert_eq!(
            value_of(&doc, &s, "标题"),
            ["XX大学实验室设备采购项目中标公告"]
        );
    }

    #[test]
    fn one_cell_per_line_tables_end_their_header_at_the_first_value() {
        // The header ends where a line stops ending like a header: the
        // company and the street are the first row's values.
        let (doc, s) = structure(
            "四、成交情况：\n\u{1e}\n中标供应商名称\n中标供应商地址\n中标金额\n\
             山东某某防护用品有限公司\n山东省潍坊市潍城区富民西街\n879970元\n",
        );
        assert_eq!(
            value_of(&doc, &s, "中标供应商名称"),
            ["山东某某防护用品有限公司"]
        );
        assert_eq!(value_of(&doc, &s, "中标金额"), ["879970元"]);
        // 采购预算 and 合计 are headers too.
        let (doc, s) = structure(
            "品目\n项目名称\n采购计划编号\n数量\n采购预算\n合计\n1\n彩色超声诊断仪\n赣购2015B1337002\n1套\n人民币300万元\n人民币330万元\n",
        );
        assert_eq!(value_of(&doc, &s, "采购预算"), ["人民币300万元"]);
        // A row whose empty cells the page dropped: values go to the
        // column of their shape, and the row ends at the next label line.
        let (doc, s) = structure(
            "分包内容\n金额（元）\n成交供应商\n地址\n单价、数量及规格型号\n其他要求\n\
             机器人实训装置16A5022\n￥1,283,000.00\n四川某某智能制造技术有限公司\n分包号：3\n",
        );
        assert_eq!(value_of(&doc, &s, "成交金额（元）"), ["¥1,283,000.00"]);
        assert_eq!(
            value_of(&doc, &s, "成交供应商"),
            ["四川某某智能制造技术有限公司"]
        );
        assert_eq!(value_of(&doc, &s, "分包内容"), ["机器人实训装置16A5022"]);
        assert!(value_of(&doc, &s, "地址").is_empty());
        // A header whose cells wrap (`拟任` / `项目经理` / `姓名`) and rows led
        // by a rank the header has no column for (重庆 candidate forms):
        // the bid goes to its column by its shape.
        let (doc, s) = structure(
            "中标候选人排序\n名称\n投标报价\n(元)\n工期\n质量\n拟任\n项目经理\n姓名\n证书名称\n\
             第一名\n重庆某某建筑工程有限公司\n698757.43\n达到招标文件的要求\n达到招标文件的要求\n张强\n建造师注册证书\n渝\n",
        );
        assert_eq!(value_of(&doc, &s, "投标报价"), ["698757.43"]);
        // A header cell's unit wrapped onto its own line stays with it.
        let (doc, s) = structure(
            "序号\n采购项目名称\n预算金额\n(万元)\n预计采购时间\n（填写到月）\n1\n午餐配送项目\n200\n2022年06月\n",
        );
        assert_eq!(value_of(&doc, &s, "预算金额(万元)"), ["200"]);
        assert_eq!(
            value_of(&doc, &s, "预计采购时间（填写到月）"),
            ["2022年06月"]
        );
        // A header row and its rows flattened with single spaces: the
        // amount and month columns take the first value of their shape.
        let (doc, s) = structure(
            "序号 采购项目名称 采购需求概况 预算金额(万元) 预计采购时间 备注 1 食材配送服务 采购内容: 每天100人 午餐。 120.50 2024年05月 无\n",
        );
        assert_eq!(value_of(&doc, &s, "预算金额(万元)"), ["120.50"]);
        assert_eq!(value_of(&doc, &s, "预计采购时间"), ["2024年05月"]);
        let (doc, s) = structure(
            "序号 采购项目名称 采购需求概况 预算金额(万元) 预计采购时间 备注 # 某服务 采购内容:### 食材 ####.## ####年##月 无\n",
        );
        assert_eq!(value_of(&doc, &s, "预算金额(万元)"), ["####.##"]);
        assert_eq!(value_of(&doc, &s, "预计采购时间"), ["####年##月"]);
        // A two-column form flattened one cell per line, each closed by a
        // bar; a group's heading cell (`建造师`) labels nothing.
        let (doc, s) = structure(
            " 招标人 | \n\n 某某省妇幼保健院\n | \n 工程名称 | \n 某某医院信息化系统项目\n | \n\
             中标候选人排序及相关内容\n | \n 中标候选人1单位名称 | \n 某某科技有限公司\n | \n\
             投标报价 | \n 27499999.87 元\n | \n 建造师\n | \n 姓名\n | \n 戴某\n | \n",
        );
        assert_eq!(value_of(&doc, &s, "招标人"), ["某某省妇幼保健院"]);
        assert_eq!(value_of(&doc, &s, "工程名称"), ["某某医院信息化系统项目"]);
        assert_eq!(
            value_of(&doc, &s, "中标候选人1单位名称"),
            ["某某科技有限公司"]
        );
        assert_eq!(value_of(&doc, &s, "投标报价"), ["27499999.87 元"]);
        assert_eq!(value_of(&doc, &s, "姓名"), ["戴某"]);
        assert!(value_of(&doc, &s, "建造师").is_empty());
        // The heading's colon on a line of its own.
        let (doc, s) =
            structure("一、项目编号\n：\nMASCG-3-F-2026-0067\n二、项目名称\n：\n某某项目\n");
        assert_eq!(value_of(&doc, &s, "项目编号"), ["MASCG-3-F-2026-0067"]);
        // `1.` numbering is not part of the label.
        let (doc, s) = structure("1.成交供应商名称：某某公司\n");
        assert_eq!(value_of(&doc, &s, "成交供应商名称"), ["某某公司"]);
        assert_eq!(s.entries[0].label, "成交供应商名称");
    }

    #[test]
    fn wrapped_rows_and_titles_below_site_chrome() {
        // A long cell wrapped the row over two ruled lines.
        let (doc, s) = structure(
            "网站首页 通知公告\n某某中心\n设备维护采购意向公告\n\
             序号 | 采购项目名称 | 采购需求概况 | 预算金额(万元) | 预计采购时间 |\n\
             1 | 设备维护 | 维护空调、电梯。 |\n30 | 2024年6月 |\n",
        );
        assert_eq!(value_of(&doc, &s, "预算金额"), ["30"]);
        assert_eq!(value_of(&doc, &s, "预计采购时间"), ["2024年6月"]);
        // The title is the notice line, joined to the name wrapped above it.
        assert_eq!(
            value_of(&doc, &s, "标题"),
            ["某某中心\n设备维护采购意向公告"]
        );
        // Single cells below a table are not a wrapped row.
        let (doc, s) =
            structure("序号 | 项目名称 | 预算金额(万元) |\n1 | 维修 | 12 |\n序号\n供应商名称\n");
        assert_eq!(value_of(&doc, &s, "预算金额"), ["12"]);
    }

    #[test]
    fn intent_tables_flattened_onto_one_line() {
        // Header and row in one line of barred cells, the header's last
        // names ending as no noun does (`月份`, a `是否…` question).
        let (doc, s) = structure(
            "现将采购意向公告如下:\n编号 | 项目名称 | 采购需求概况 | 采购预算 (万元) | 预计采购月份 | 是否专门面向中小企业采购 | 备注 | 1 | 食品抽检 | 开展食品抽样检验约2450批次 | 270 | 2024-04 | 否 | |\n",
        );
        assert_eq!(value_of(&doc, &s, "预计采购月份"), ["2024-04"]);
        assert_eq!(value_of(&doc, &s, "采购预算"), ["270"]);
        assert_eq!(value_of(&doc, &s, "是否专门面向中小企业采购"), ["否"]);
        // Header and row joined by single spaces: the description runs up
        // to the row's first amount.
        let (doc, s) = structure(
            "序号 预算单位名称 采购项目名称 采购需求概况 预算金额(万元) 预计采购时间 备注\n1 某区园林绿化局 管护项目监理 采购数量:1,对养护地块每月巡查一次 255 2026年2月\n",
        );
        let described = value_of(&doc, &s, "采购需求概况");
        assert_eq!(described.len(), 1);
        assert!(described[0].ends_with("每月巡查一次"), "{described:?}");
        assert_eq!(value_of(&doc, &s, "预算金额"), ["255"]);
    }

    #[test]
    fn a_label_on_the_last_line_has_an_empty_value() {
        // Found by the fuzz smoke: the range below the last line ran backwards.
        let (doc, s) = structure("*%.*\n成交供应商名称:");
        assert_eq!(value_of(&doc, &s, "成交供应商名称"), [""]);
    }
}
