//! Text copied from a page that wraps every figure in an element of its
//! own comes out one token per line: `我公司于` / `202` / `6` / `年` / `3` /
//! `月` / `16` / `日组织的`, `下浮比例` / `:` / `24.91%`, `0826-485702` / `9`.
//! Dates, amounts and phone numbers are unreadable until those line breaks
//! go. Normalization drops them (the offset map keeps every byte's place),
//! but only in a piece that shows the pattern: elsewhere a short line is a
//! table cell (`数量` / `10` / `2`) and must stay one.

/// Byte offsets of the `\n`s in `src` that split a token, ascending; empty
/// unless the piece is fragmented (a date broken over lines at least twice).
pub fn breaks(src: &str) -> Vec<usize> {
    // Most pieces have no date part at the start of a line: one pass over
    // the line ends, no allocation.
    let bytes = src.as_bytes();
    let date_part_starts_a_line = src.match_indices('\n').any(|(at, _)| {
        bytes
            .get(at + 1..at + 4)
            .is_some_and(|next| ["年", "月", "日"].iter().any(|d| d.as_bytes() == next))
    });
    if !date_part_starts_a_line {
        return Vec::new();
    }
    // Lines with the offset of the `\n` that ends each (None for the last).
    let mut lines: Vec<(&str, Option<usize>)> = Vec::new();
    let mut start = 0;
    for (at, _) in src.match_indices('\n') {
        lines.push((src[start..at].trim(), Some(at)));
        start = at + 1;
    }
    lines.push((src[start..].trim(), None));

    let split_dates = lines
        .windows(2)
        .filter(|w| figure(w[0].0) && w[1].0.starts_with(['年', '月', '日']))
        .count();
    if split_dates < 2 {
        return Vec::new();
    }
    lines
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0].0, w[1].0);
            let join = (figure(a) && (figure(b) || b.starts_with(UNIT)))
                || (a.ends_with(LEADS_TO_FIGURE) && figure(b))
                || (a.ends_with(|c: char| c.is_ascii_digit()) && figure(b) && b.len() <= 2)
                || punctuation(a)
                || punctuation(b);
            // Only between two non-empty lines: a blank line is a paragraph.
            (join && !a.is_empty() && !b.is_empty())
                .then_some(w[0].1)
                .flatten()
        })
        .collect()
}

/// What follows a figure in a date, time, amount or share.
const UNIT: &[char] = &['年', '月', '日', '时', '分', '点', '%', '元', '万', '号'];

/// What precedes a figure: a date's parts, a range, a label's colon.
const LEADS_TO_FIGURE: &[char] = &['年', '月', '日', '时', '至', ':', '：', '于'];

/// One to four ASCII digits, possibly with a decimal point (`202`, `6`,
/// `24.91%` is not: it carries its unit).
fn figure(line: &str) -> bool {
    (1..=5).contains(&line.len())
        && line.starts_with(|c: char| c.is_ascii_digit())
        && line.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// A line holding only a separator (`.`, `:`, `-`).
fn punctuation(line: &str) -> bool {
    matches!(line, "." | ":" | "：" | "-" | "—" | "、" | "．")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(src: &str) -> String {
        let drop = breaks(src);
        src.char_indices()
            .filter(|(at, _)| !drop.contains(at))
            .map(|(_, c)| c)
            .collect()
    }

    #[test]
    fn a_fragmented_copy_gets_its_dates_figures_and_labels_back() {
        let src = "我公司于\n202\n6\n年\n3\n月\n16\n日组织的\n招标\n第一名\n.\n某某公司 下浮比例\n:\n24.91%\n二、公示期:\n2026\n年\n3\n月\n18\n日。\n四、监督电话:\n0826-485702\n9\n某某公司";
        assert_eq!(
            joined(src),
            "我公司于2026年3月16日组织的\n招标\n第一名.某某公司 下浮比例:24.91%\n二、公示期:2026年3月18日。\n四、监督电话:\n0826-4857029\n某某公司"
        );
    }

    #[test]
    fn a_table_one_cell_per_line_is_left_alone() {
        let src = "序号\n品目\n数量\n1\n电脑\n10\n2\n打印机\n3\n合同签订后\n30\n日内交货";
        assert!(breaks(src).is_empty());
    }
}
