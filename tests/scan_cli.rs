//! The `pubgate` command line, run as a real process.

use crate::util::{TempDir, docx::Docx, run};

const CLEAN_AWARD: &str = "某某市档案馆档案数字化加工服务项目中标结果公告
一、项目编号：ZB-2024-0101
二、项目名称：档案数字化加工服务项目
三、中标（成交）信息
供应商名称：某某信息技术有限公司
供应商地址：某某市高新区88号
中标金额：¥850,000.00
四、主要标的信息
名称：档案扫描；数量：1批
五、评审专家名单：
张伟、李娜、王强（采购人代表）
六、代理服务收费标准及金额：
收费金额8000元。
七、公告期限
自本公告发布之日起1个工作日。
八、其他补充事宜
无
九、凡对本次公告内容提出询问，请按以下方式联系。
1.采购人信息
名称：某某市档案馆
联系方式：0531-88990011
2.采购代理机构信息
名称：某某招标代理有限公司
联系方式：13905310000
";

fn leaky() -> String {
    CLEAN_AWARD.replace(
        "八、其他补充事宜\n无",
        "八、其他补充事宜\n中标人授权代表身份证号：11010519491231002X",
    )
}

#[test]
fn exit_codes() {
    let dir = TempDir::new();
    let clean = dir.write("clean.txt", CLEAN_AWARD.as_bytes());
    let out = run(
        &["scan", "--format", "jsonl", clean.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let bad = dir.write("bad.txt", leaky().as_bytes());
    assert_eq!(
        run(&["scan", bad.to_str().unwrap()], None).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["scan", "/nonexistent/path"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["scan", "--format", "yaml", clean.to_str().unwrap()], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["scan"], None).status.code(), Some(2));
}

#[test]
fn jsonl_contract_and_masking() {
    let dir = TempDir::new();
    dir.write("a/leak.txt", leaky().as_bytes());
    dir.write("a/clean.txt", CLEAN_AWARD.as_bytes());
    let out = run(
        &[
            "scan",
            "--format",
            "jsonl",
            dir.path().join("a").to_str().unwrap(),
        ],
        None,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("11010519491231002X"),
        "raw ID leaked into output"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("19491231002"));
    let docs: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    let leak = docs
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("leak.txt"))
        .unwrap();
    assert_eq!(leak["doc_type"], "award");
    assert_eq!(leak["verdict"], "hold");
    let f = &leak["findings"][0];
    for key in [
        "rule", "category", "action", "severity", "location", "excerpt",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["category"], "personal_data");
    assert_eq!(f["excerpt"], "110105********002X");
    let clean = docs
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("clean.txt"))
        .unwrap();
    assert_eq!(clean["verdict"], "pass");
    assert_eq!(clean["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_fields_carry_field_ids() {
    let dir = TempDir::new();
    let text = CLEAN_AWARD.replace("一、项目编号：ZB-2024-0101\n", "");
    let p = dir.write("award.txt", text.as_bytes());
    let out = run(&["scan", "--format", "jsonl", p.to_str().unwrap()], None);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "block");
    let fields: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["project_code"]);
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let dir = TempDir::new();
    let p = dir.write("leak.txt", leaky().as_bytes());
    let out = run(&["scan", "--format", "sarif", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif"));
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "pubgate");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run0["results"][0];
    assert!(rules.iter().any(|r| r["id"] == result["ruleId"]));
    assert!(["error", "warning", "note", "none"].contains(&result["level"].as_str().unwrap()));
    assert!(result["message"]["text"].is_string());
    assert!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("leak.txt")
    );
    assert!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert!(result["partialFingerprints"].is_object());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("11010519491231002X"));
}

#[test]
fn csv_parses_with_one_row_per_finding() {
    let dir = TempDir::new();
    let p = dir.write("leak.txt", leaky().as_bytes());
    let out = run(&["scan", "--format", "csv", p.to_str().unwrap()], None);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "path");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let rule = headers.iter().position(|h| h == "rule").unwrap();
    assert_eq!(&rows[0][rule], "personal.id_card");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("11010519491231002X"));
}

#[test]
fn text_output_and_stdin() {
    let out = run(&["scan", "-"], Some(leaky().as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("HOLD") && text.contains("personal.id_card"),
        "{text}"
    );
    assert!(text.contains("110105********002X"));
    assert!(!text.contains("11010519491231002X"));
    assert!(!text.contains("\x1b["), "no colour when piped");
}

#[test]
fn baseline_suppresses_accepted_findings_even_when_text_moves() {
    let dir = TempDir::new();
    let p = dir.write("leak.txt", leaky().as_bytes());
    let baseline = dir.path().join("baseline.json");
    let out = run(
        &[
            "scan",
            "--write-baseline",
            baseline.to_str().unwrap(),
            p.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(
        &[
            "scan",
            "--baseline",
            baseline.to_str().unwrap(),
            p.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same finding after the text around it moved by several lines.
    let moved = leaky().replacen("二、项目名称", "（补充说明）\n\n\n二、项目名称", 1);
    std::fs::write(&p, moved).unwrap();
    let out = run(
        &[
            "scan",
            "--baseline",
            baseline.to_str().unwrap(),
            p.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    // A new ID number is not covered by the baseline.
    let other = crate::generator::id_number(&mut crate::util::Rng::new(7));
    std::fs::write(&p, leaky().replace("11010519491231002X", &other)).unwrap();
    let out = run(
        &[
            "scan",
            "--baseline",
            baseline.to_str().unwrap(),
            p.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn shards_split_an_archive_without_overlap() {
    let dir = TempDir::new();
    for i in 0..40 {
        dir.write(&format!("archive/{i:02}.txt"), CLEAN_AWARD.as_bytes());
    }
    let root = dir.path().join("archive");
    let mut seen = Vec::new();
    for k in 1..=3 {
        let out = run(
            &[
                "scan",
                "--format",
                "jsonl",
                "--shard",
                &format!("{k}/3"),
                root.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0));
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            seen.push(v["path"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!((before, seen.len()), (40, 40));
    assert_eq!(
        run(&["scan", "--shard", "4/3", root.to_str().unwrap()], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn check_reports_file_and_line() {
    let dir = TempDir::new();
    dir.write(
        "dicts/announcements.toml",
        include_bytes!("../dictionaries/announcements.toml"),
    );
    dir.write("dicts/terms.txt", "#! category = classified\n#! explanation = x\n#! enforces = y\n#! colour = red\n涉密项目\n".as_bytes());
    let policy = dir.write(
        "policy.toml",
        include_str!("../policies/default.toml")
            .replace("rule = \"personal.mobile\"", "rule = \"personal.mobil\"")
            .as_bytes(),
    );
    let out = run(
        &[
            "check",
            "--dictionaries",
            dir.path().join("dicts").to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("terms.txt:4: unknown directive \"colour\""),
        "{err}"
    );
    assert!(
        err.contains("unknown rule id \"personal.mobil\" (did you mean \"personal.mobile\"?)"),
        "{err}"
    );
    let out = run(&["check"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn operator_dictionary_and_policy_are_used() {
    let dir = TempDir::new();
    dir.write(
        "dicts/announcements.toml",
        include_bytes!("../dictionaries/announcements.toml"),
    );
    dir.write(
        "dicts/codenames.txt",
        "#! category = classified\n#! severity = critical\n#! explanation = 出现项目代号\n#! enforces = 本单位保密规定\n天河工程\n".as_bytes(),
    );
    let policy = include_str!("../policies/default.toml").replace(
        "[categories.classified]\naction = \"hold\"",
        "[categories.classified]\naction = \"block\"",
    );
    let policy = dir.write("policy.toml", policy.as_bytes());
    let notice = dir.write(
        "n.txt",
        CLEAN_AWARD
            .replace(
                "八、其他补充事宜\n无",
                "八、其他补充事宜\n本项目为天 河 工程配套",
            )
            .as_bytes(),
    );
    let out = run(
        &[
            "scan",
            "--format",
            "jsonl",
            "--dictionaries",
            dir.path().join("dicts").to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            notice.to_str().unwrap(),
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "block");
    assert_eq!(doc["findings"][0]["rule"], "dictionary.codenames");
}

#[test]
fn docx_tracked_deletion_through_the_cli() {
    let dir = TempDir::new();
    let mut d = Docx::default();
    for line in CLEAN_AWARD.lines() {
        d.paragraph(line);
    }
    let id = crate::generator::id_number(&mut crate::util::Rng::new(3));
    d.tracked_deletion("", &format!("评审专家王强手机13905319999，身份证{id}"));
    let p = dir.write("n.docx", &d.build());
    let out = run(&["scan", "--format", "jsonl", p.to_str().unwrap()], None);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parts: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["part"].as_str())
        .collect();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        parts.contains(&"word/document.xml#tracked-deletions"),
        "{doc}"
    );
    assert!(
        rules.contains(&"personal.id_card") && rules.contains(&"personal.mobile"),
        "{rules:?}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("13905319999"));
}

#[test]
fn symlinks_are_followed_and_loops_reported() {
    let dir = TempDir::new();
    let file = dir.write("archive/d/a.txt", CLEAN_AWARD.as_bytes());
    std::os::unix::fs::symlink(file.parent().unwrap(), dir.path().join("archive/d/loop")).unwrap();
    std::os::unix::fs::symlink(&file, dir.path().join("archive/link.txt")).unwrap();
    let out = run(
        &[
            "scan",
            "--format",
            "jsonl",
            dir.path().join("archive").to_str().unwrap(),
        ],
        None,
    );
    let docs: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdict = |suffix: &str| {
        docs.iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(suffix))
            .map(|d| d["verdict"].clone())
    };
    assert_eq!(verdict("link.txt"), Some("pass".into()));
    assert_eq!(
        verdict("loop"),
        Some("hold".into()),
        "a loop is reported, not skipped: {docs:?}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn oversized_input_is_unscannable_without_loading_it_whole() {
    let dir = TempDir::new();
    let path = dir.path().join("huge.txt");
    // A sparse 1 GiB file: reading it whole would need 1 GiB of memory.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = run(&["scan", "--format", "jsonl", path.to_str().unwrap()], None);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "hold");
    assert_eq!(doc["findings"][0]["category"], "unscannable");
    assert!(
        doc["findings"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("too large")
    );
}

/// `pubgate labels` on an archive whose platform labels the expert list
/// `评审组名单`, a label the dictionary does not know: the report shows the
/// label unmapped, the field reported missing in every notice, and
/// proposes the label for `expert_list`; labels the dictionary knows are
/// shown with their field.
#[test]
fn labels_proposes_an_unmapped_label_for_the_field_it_leaves_missing() {
    let dir = TempDir::new();
    for (i, (code, winner)) in [
        ("ZB-2024-0101", "某某信息技术有限公司"),
        ("ZB-2024-0102", "某某数据服务有限公司"),
        ("ZB-2024-0103", "某某档案科技有限公司"),
    ]
    .iter()
    .enumerate()
    {
        let text = CLEAN_AWARD
            .replace("ZB-2024-0101", code)
            .replace("某某信息技术有限公司", winner)
            .replace("五、评审专家名单：", "五、评审组名单：")
            // A value before a colon reads like a label: never printed.
            .replace(
                "八、其他补充事宜\n无",
                "八、其他补充事宜\n11010519491231002X：授权代表",
            );
        dir.write(&format!("archive/{i}.txt"), text.as_bytes());
    }
    let archive = dir.path().join("archive");
    let out = run(
        &["labels", archive.to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("19491231002"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let award = report
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["doc_type"] == "award")
        .unwrap_or_else(|| panic!("no award section: {report}"));
    assert_eq!(award["docs"], 3);
    let label = |name: &str| {
        award["labels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["label"].as_str().unwrap().contains(name))
            .unwrap_or_else(|| panic!("label {name} not listed: {award}"))
            .clone()
    };
    assert_eq!(label("评审组名单")["fields"], serde_json::json!([]));
    assert_eq!(label("评审组名单")["docs"], 3);
    assert_eq!(
        label("项目编号")["fields"],
        serde_json::json!(["project_code"])
    );
    let missing = award["missing"].as_array().unwrap();
    assert!(
        missing
            .iter()
            .any(|g| g["field"] == "expert_list" && g["docs"] == 3),
        "{award}"
    );
    let proposals = award["proposals"].as_array().unwrap();
    assert!(
        proposals
            .iter()
            .any(|p| p["field"] == "expert_list"
                && p["label"].as_str().unwrap().contains("评审组名单")),
        "{award}"
    );
    // No other label is proposed for the expert list.
    assert_eq!(
        proposals
            .iter()
            .filter(|p| p["field"] == "expert_list")
            .count(),
        1,
        "{award}"
    );

    // The text report says the same, in Chinese.
    let out = run(&["labels", archive.to_str().unwrap()], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[fields.expert_list] labels 加入"), "{text}");
}
