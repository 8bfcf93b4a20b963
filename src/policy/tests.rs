use super::*;
use crate::model::{Finding, Severity};

const POLICY: &str = r#"
version = 1
[categories.classified]
action = "hold"
queue = "secrecy"
[categories.personal_data]
action = "hold"
queue = "privacy"
[categories.procurement_confidential]
action = "hold"
queue = "procurement"
[categories.missing_field]
action = "block"
queue = "completeness"
[categories.consistency]
action = "block"
queue = "completeness"
[categories.unscannable]
action = "hold"
queue = "unscannable"

[[rules]]
rule = "personal.id_card"
confidence = ["high"]
action = "block"

[[rules]]
category = "missing_field"
doc_types = ["intent"]
action = "pass"

[[allow]]
rule = "personal.mobile"
values = ["12345678901"]
"#;

fn finding(rule: &str, category: Category, confidence: Confidence, value: &str) -> Finding {
    Finding {
        rule: rule.into(),
        category,
        field: None,
        action: Action::Pass,
        queue: None,
        severity: Severity::High,
        confidence,
        location: None,
        excerpt: String::new(),
        explanation: String::new(),
        enforces: String::new(),
        fingerprint: String::new(),
        value: Some(crate::model::Sensitive::new(value.into(), "x".into())),
    }
}

fn policy() -> Policy {
    parse("test.toml", POLICY, &["intent", "tender"]).unwrap()
}

#[test]
fn confidence_changes_action() {
    let p = policy();
    let v = p.decide(
        vec![finding(
            "personal.id_card",
            Category::PersonalData,
            Confidence::High,
            "1",
        )],
        None,
    );
    assert_eq!(v.action, Action::Block);
    let v = p.decide(
        vec![finding(
            "personal.id_card",
            Category::PersonalData,
            Confidence::Medium,
            "1",
        )],
        None,
    );
    assert_eq!(v.action, Action::Hold);
    assert_eq!(v.queue.as_deref(), Some("privacy"));
}

#[test]
fn doc_type_override_and_strictest_wins() {
    let p = policy();
    let missing = finding(
        "fields.missing",
        Category::MissingField,
        Confidence::High,
        "",
    );
    assert_eq!(
        p.decide(vec![missing.clone()], Some("intent")).action,
        Action::Pass
    );
    let v = p.decide(
        vec![
            missing,
            finding("secret.marking", Category::Classified, Confidence::High, ""),
        ],
        Some("tender"),
    );
    assert_eq!(v.action, Action::Block);
    assert_eq!(
        v.findings
            .iter()
            .find(|f| f.rule == "secret.marking")
            .unwrap()
            .queue
            .as_deref(),
        Some("secrecy")
    );
}

#[test]
fn allowlist_removes_exact_values() {
    let p = policy();
    let v = p.decide(
        vec![finding(
            "personal.mobile",
            Category::PersonalData,
            Confidence::Medium,
            "12345678901",
        )],
        None,
    );
    assert_eq!(
        (v.action, v.allowed, v.findings.len()),
        (Action::Pass, 1, 0)
    );
}

#[test]
fn errors_point_at_lines_and_unknown_rules() {
    let bad = POLICY.replace(
        "action = \"block\"\n\n[[rules]]",
        "action = \"blok\"\n\n[[rules]]",
    );
    let e = parse("p.toml", &bad, &["intent"]).unwrap_err().to_string();
    assert!(
        e.contains("p.toml:") && e.contains("unknown action \"blok\""),
        "{e}"
    );
    let line = e.split(':').nth(1).unwrap().parse::<usize>().unwrap();
    assert_eq!(
        POLICY.lines().nth(line - 1).map(|l| l.contains("action")),
        Some(true)
    );
    let p = policy();
    let known = vec![("personal.id_card".to_string(), Category::PersonalData)];
    let e = p.check_rules(&known).unwrap_err().to_string();
    assert!(e.contains("unknown rule id \"personal.mobile\""), "{e}");
}

#[test]
fn missing_category_is_an_error() {
    let bad = POLICY.replace(
        "[categories.unscannable]\naction = \"hold\"\nqueue = \"unscannable\"\n",
        "",
    );
    let e = parse("p.toml", &bad, &[]).unwrap_err().to_string();
    assert!(e.contains("no [categories.unscannable]"), "{e}");
}
