//! Check-digit algorithms, as pure functions: GB 11643-1999 (公民身份号码),
//! GB 32100-2015 (统一社会信用代码) with its inner GB 11714 check, and Luhn
//! (ISO/IEC 7812, bank cards). A checksum is what turns "18 digits" into
//! "an ID number", so these are property-tested.

use chrono::{Datelike, NaiveDate};

/// GB 11643 weights `2^(18-i) mod 11` for positions 1..17.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `S mod 11`.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character for the first 17 digits, or `None` if they
/// are not all digits.
pub fn id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

/// Province codes (first two digits) of GB/T 2260, plus 71/81/82/83 for
/// Taiwan, Hong Kong, Macao residents' permits. The 2023 foreign permanent
/// resident ID starts with 9.
pub fn valid_region(code: &[u8]) -> bool {
    if code.len() < 2 || !code[..2].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let p = u32::from(code[0] - b'0') * 10 + u32::from(code[1] - b'0');
    matches!(p, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83 | 91..=99)
        && !code[2..].starts_with(b"0000")
}

/// Whether `yyyymmdd` is a real date between 1900-01-01 and `today`.
pub fn valid_birth_date(yyyymmdd: &[u8], today: NaiveDate) -> bool {
    let Ok(s) = std::str::from_utf8(yyyymmdd) else {
        return false;
    };
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        s[0..4].parse::<i32>(),
        s[4..6].parse::<u32>(),
        s[6..8].parse::<u32>(),
    ) else {
        return false;
    };
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => y >= 1900 && date <= today,
        None => false,
    }
}

/// A full GB 11643 check of an 18-character ID number: checksum, region
/// prefix and birth date. Lower-case `x` is accepted (it occurs in the wild).
pub fn valid_id18(id: &str, today: NaiveDate) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let Some(check) = id_check_char(&b[..17]) else {
        return false;
    };
    b[17].to_ascii_uppercase() == check
        && valid_region(&b[..6])
        && valid_birth_date(&b[6..14], today)
}

/// The legacy 15-digit ID (before 1999): region, `YYMMDD`, sequence; no
/// checksum, so it is only matched with strong context.
pub fn valid_id15(id: &str, today: NaiveDate) -> bool {
    let b = id.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) || !valid_region(&b[..6]) {
        return false;
    }
    let mut date = b"19".to_vec();
    date.extend_from_slice(&b[6..12]);
    valid_birth_date(&date, today) && today.year() > 1900
}

/// GB 32100 alphabet: digits and upper-case letters without I, O, S, V, Z.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100 weights `3^(i-1) mod 31`.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_value(c: u8) -> Option<u32> {
    USCC_ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The GB 32100 check character for the first 17 characters.
pub fn uscc_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(c.to_ascii_uppercase())? * w;
    }
    Some(USCC_ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// Whether an 18-character string is a valid 统一社会信用代码.
pub fn valid_uscc(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 18 && uscc_check_char(&b[..17]) == Some(b[17].to_ascii_uppercase())
}

/// Luhn check over a digit string (separators must be removed first).
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The Luhn check digit that completes `payload`.
pub fn luhn_check_digit(payload: &str) -> Option<u8> {
    (0..10u8)
        .find(|d| luhn_valid(&format!("{payload}{d}")))
        .map(|d| b'0' + d)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn gb11643_standard_example() {
        assert!(valid_id18("11010519491231002X", today()));
        assert!(valid_id18("11010519491231002x", today()));
        assert!(
            !valid_id18("110105194912310021", today()),
            "wrong check digit"
        );
    }

    #[test]
    fn gb11643_rejects_bad_region_and_date() {
        // Region 99 is not a province; 1949-13-31 does not exist.
        let mut bad_region = b"9901051949123100".to_vec();
        bad_region.push(b'2');
        let s = String::from_utf8(bad_region.clone()).unwrap();
        let id = format!("{s}{}", id_check_char(s.as_bytes()).unwrap() as char);
        assert!(
            valid_id18(&id, today()),
            "9x is the foreign permanent resident ID"
        );
        let s = "00010519491231002";
        let id = format!("{s}{}", id_check_char(s.as_bytes()).unwrap() as char);
        assert!(!valid_id18(&id, today()));
        let s = "11010519491331002";
        let id = format!("{s}{}", id_check_char(s.as_bytes()).unwrap() as char);
        assert!(!valid_id18(&id, today()));
        let s = "11010520991231002";
        let id = format!("{s}{}", id_check_char(s.as_bytes()).unwrap() as char);
        assert!(!valid_id18(&id, today()), "born in the future");
    }

    #[test]
    fn gb32100_known_codes() {
        assert!(valid_uscc("91110116MABMJDE56P"));
        assert!(valid_uscc("91350100M000100Y43"));
        assert!(!valid_uscc("91350100M000100Y44"));
        assert!(!valid_uscc("91350100M000100Y4"));
    }

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(
            !luhn_valid("100026211970010002"),
            "corporate account from DOMAIN.md fails Luhn"
        );
        assert!(!luhn_valid(""));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn generated_ids_pass_and_single_digit_changes_fail(
            region in prop::sample::select(vec!["110105", "370102", "440305", "510104", "650102"]),
            year in 1930i32..2020, month in 1u32..=12, day in 1u32..=28, seq in 0u32..1000,
            pos in 0usize..17, delta in 1u8..10,
        ) {
            let first = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
            let check = id_check_char(first.as_bytes()).unwrap() as char;
            let id = format!("{first}{check}");
            prop_assert!(valid_id18(&id, today()));
            let mut bytes = id.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert!(!valid_id18(&mutated, today()));
        }

        #[test]
        fn generated_uscc_pass_and_single_char_changes_fail(
            body in proptest::collection::vec(0usize..31, 17), pos in 0usize..17, delta in 1usize..31,
        ) {
            let first: Vec<u8> = body.iter().map(|&i| USCC_ALPHABET[i]).collect();
            let check = uscc_check_char(&first).unwrap();
            let mut code = first.clone();
            code.push(check);
            prop_assert!(valid_uscc(std::str::from_utf8(&code).unwrap()));
            code[pos] = USCC_ALPHABET[(body[pos] + delta) % 31];
            prop_assert!(!valid_uscc(std::str::from_utf8(&code).unwrap()));
        }

        #[test]
        fn luhn_generated_pass_and_single_digit_changes_fail(
            payload in "[0-9]{15,18}", pos in 0usize..15, delta in 1u8..10,
        ) {
            let check = luhn_check_digit(&payload).unwrap() as char;
            let card = format!("{payload}{check}");
            prop_assert!(luhn_valid(&card));
            let mut bytes = card.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert!(!luhn_valid(std::str::from_utf8(&bytes).unwrap()));
        }
    }
}
