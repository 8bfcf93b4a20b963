//! Amounts: 大写 (`人民币壹佰零贰万伍仟捌佰贰拾陆元柒角叁分`) and 小写
//! (`¥1,380,000.00`, `1320000元`, `62.52万元`) parsed to fen (1/100 yuan),
//! so they can be compared exactly.

/// Parses a 大写 amount to fen. Accepts 零壹贰叁肆伍陆柒捌玖 (and the
/// simple forms 一二三… and 〇/两), units 拾佰仟万亿, 元/圆, 角, 分, and
/// ignores 人民币, 整/正. Returns `None` if it is not a well-formed amount.
pub fn parse_words(s: &str) -> Option<u64> {
    let s = s
        .trim_start_matches("人民币")
        .trim_end_matches(['整', '正']);
    if s.is_empty() {
        return None;
    }
    let mut total: u64 = 0; // yuan, sections above 万/亿 folded in
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    let mut fen: u64 = 0;
    let mut seen_yuan = false;
    let mut any_digit = false;
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            digit = Some(d);
            any_digit = true;
            continue;
        }
        match c {
            '拾' | '十' => {
                // `拾万元` is ten: a leading 拾 counts as 壹拾.
                section += digit.take().unwrap_or(1) * 10;
                any_digit = true;
            }
            '佰' | '百' => section += digit.take()? * 100,
            '仟' | '千' => section += digit.take()? * 1000,
            '万' => {
                section += digit.take().unwrap_or(0);
                total = total.checked_add(section.checked_mul(10_000)?)?;
                section = 0;
            }
            '亿' => {
                section += digit.take().unwrap_or(0);
                total = (total + section).checked_mul(100_000_000)?;
                section = 0;
            }
            '元' | '圆' => {
                section += digit.take().unwrap_or(0);
                total = total.checked_add(section)?;
                section = 0;
                seen_yuan = true;
            }
            '角' => fen += digit.take()? * 10,
            '分' => fen += digit.take()?,
            _ => return None,
        }
    }
    if !any_digit {
        return None;
    }
    if !seen_yuan {
        section += digit.take().unwrap_or(0);
        total = total.checked_add(section)?;
    } else if digit.is_some() {
        return None;
    }
    total.checked_mul(100)?.checked_add(fen)
}

/// Whether `c` is part of a number written in words: a digit (大写 or
/// simple) or a unit below 万 (`拾佰仟`, `十百千`).
pub fn is_numeral(c: char) -> bool {
    digit_value(c).is_some() || matches!(c, '拾' | '十' | '佰' | '百' | '仟' | '千')
}

fn digit_value(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '壹' | '一' => 1,
        '贰' | '二' | '两' => 2,
        // 參, the traditional 大写 3, normalizes to 参 (the simplified table
        // maps it as the ordinary character).
        '叁' | '参' | '三' => 3,
        '肆' | '四' => 4,
        '伍' | '五' => 5,
        '陆' | '六' => 6,
        '柒' | '七' => 7,
        '捌' | '八' => 8,
        '玖' | '九' => 9,
        _ => return None,
    })
}

/// Parses a numeric amount (`1,380,000.00`, `62.52`) to fen, multiplied by
/// 10,000 when `wan` (the unit is 万元).
pub fn parse_number(s: &str, wan: bool) -> Option<u64> {
    let cleaned: String = s
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (int, frac) = match cleaned.split_once('.') {
        Some((i, f)) => (i, f),
        None => (cleaned.as_str(), ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Work in 1/1,000,000 yuan to keep 万元 with 4+ decimals exact.
    let scale: u64 = if wan { 10_000 } else { 1 };
    let int_v: u64 = int
        .parse::<u64>()
        .ok()?
        .checked_mul(scale)?
        .checked_mul(100)?;
    let mut frac_v: u64 = 0;
    let mut unit: u64 = scale * 100; // value of one unit of the integer part, in fen
    for b in frac.bytes().take(8) {
        // each fractional digit is a tenth of the previous unit
        if !unit.is_multiple_of(10) {
            // below a fen: ignore (rounded away)
            break;
        }
        unit /= 10;
        frac_v += u64::from(b - b'0') * unit;
    }
    int_v.checked_add(frac_v)
}

/// Formats fen as `1,234,567.89`.
pub fn format_fen(fen: u64) -> String {
    let yuan = fen / 100;
    let mut digits = yuan.to_string();
    let mut out = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        out = format!(",{tail}{out}");
    }
    format!("{digits}{out}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            parse_words("人民币壹佰零贰万伍仟捌佰贰拾陆元柒角叁分"),
            Some(102_582_673)
        );
        assert_eq!(parse_words("壹佰贰拾叁万元整"), Some(123_000_000));
        assert_eq!(parse_words("壹佰叁拾捌万元整"), Some(138_000_000));
        // 參 (traditional 大写 3) after normalization.
        assert_eq!(parse_words("壹佰参拾捌万元整"), Some(138_000_000));
        assert_eq!(parse_words("拾万元"), Some(10_000_000));
        assert_eq!(parse_words("壹亿贰仟万元"), Some(12_000_000_000));
        assert_eq!(parse_words("伍角"), Some(50));
        assert_eq!(parse_words("元整"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,230,000.00", false), Some(123_000_000));
        assert_eq!(parse_number("62.52", true), Some(62_520_000));
        assert_eq!(parse_number("1444851.19", false), Some(144_485_119));
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(format_fen(123_000_000), "1,230,000.00");
    }
}
