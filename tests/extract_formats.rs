//! Extractors on real files, built by the tests.

use pubgate::model::{Category, Format, PartKind};

use crate::util::{self, docx::Docx, pdf};

fn categories(report: &pubgate::engine::Report) -> Vec<(String, Category, String)> {
    report
        .verdict
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.category,
                f.location
                    .as_ref()
                    .map(|l| l.part.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn pdf_pages_and_info_are_extracted_in_the_worker() {
    let bytes = pdf::build(
        &[
            vec!["某某项目公开招标公告".into(), "项目编号：ZB-2024-01".into()],
            vec!["投标人身份证号：11010519491231002X".into()],
        ],
        &[("Title", "招标公告"), ("Author", "张三")],
    );
    let doc = util::engine_extractors().extract("notice.pdf", &bytes);
    assert_eq!(doc.format, Format::Pdf);
    assert!(doc.unreadable.is_empty(), "{:?}", doc.unreadable);
    let page1 = doc
        .pieces
        .iter()
        .find(|p| p.part == "page 1")
        .expect("page 1");
    assert!(page1.text.contains("项目编号"), "{:?}", page1.text);
    let page2 = doc
        .pieces
        .iter()
        .find(|p| p.part == "page 2")
        .expect("page 2");
    assert!(page2.text.contains("11010519491231002X"));
    assert!(
        doc.pieces.iter().any(|p| p.part == "pdf:info/Author"
            && p.text == "张三"
            && p.kind == PartKind::Metadata)
    );
    let report = util::engine().scan("notice.pdf", &bytes);
    let found = categories(&report);
    assert!(
        found
            .iter()
            .any(|(r, _, part)| r == "personal.id_card" && part == "page 2"),
        "{found:?}"
    );
}

#[test]
fn pdf_without_text_is_unscannable() {
    let report = util::engine().scan("scan.pdf", &pdf::without_text());
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.category == Category::Unscannable),
        "{:?}",
        categories(&report)
    );
    assert_eq!(report.verdict.action, pubgate::model::Action::Hold);
}

#[test]
fn corrupt_and_truncated_pdf_are_unscannable() {
    let good = pdf::build(&[vec!["采购公告".into()]], &[]);
    for bytes in [
        good[..good.len() / 2].to_vec(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage".to_vec(),
    ] {
        let report = util::engine().scan("x.pdf", &bytes);
        assert!(
            report
                .verdict
                .findings
                .iter()
                .any(|f| f.category == Category::Unscannable),
            "{:?}",
            categories(&report)
        );
    }
}

#[test]
fn docx_hidden_parts_are_scanned() {
    let mut d = Docx::default();
    d.paragraph("某某项目竞争性磋商公告")
        .paragraph("项目编号：CS-2024-9")
        .tracked_deletion("联系人：王五", "，身份证号 11010519491231002X")
        .table(&[vec!["项目名称", "档案柜采购"], vec!["预算金额", "100000元"]])
        .comment("此稿为内部资料，请勿外传")
        .header("机密★5年");
    d.creator = Some("李四".into());
    d.last_modified_by = Some("王五".into());
    let doc = util::engine_extractors().extract("a.docx", &d.build());
    assert!(doc.unreadable.is_empty(), "{:?}", doc.unreadable);
    let part = |name: &str| {
        doc.pieces
            .iter()
            .find(|p| p.part == name)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    };
    assert!(
        part("word/document.xml").contains("项目名称\t档案柜采购"),
        "{}",
        part("word/document.xml")
    );
    assert!(!part("word/document.xml").contains("11010519491231002X"));
    assert!(part("word/document.xml#tracked-deletions").contains("11010519491231002X"));
    assert_eq!(part("docProps/core.xml#creator"), "李四");
    assert_eq!(part("docProps/core.xml#lastModifiedBy"), "王五");
    let report = util::engine().scan("a.docx", &d.build());
    let found = categories(&report);
    assert!(
        found
            .iter()
            .any(|(r, _, p)| r == "personal.id_card" && p == "word/document.xml#tracked-deletions"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, _, p)| r == "secret.marking" && p == "word/header1.xml"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, _, p)| r == "dictionary.internal_markers" && p == "word/comments.xml"),
        "{found:?}"
    );
}

#[test]
fn docx_zip_bomb_is_stopped_by_the_byte_cap() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", opts).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&block).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "the bomb compresses well");
    let started = std::time::Instant::now();
    let report = util::engine().scan("bomb.docx", &bytes);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let f = report
        .verdict
        .findings
        .iter()
        .find(|f| f.category == Category::Unscannable)
        .expect("unscannable");
    assert!(
        f.excerpt.contains("压缩炸弹") || f.excerpt.contains("limit"),
        "{}",
        f.excerpt
    );
}

#[test]
fn docx_entity_declarations_are_refused() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let report = util::engine().scan("lol.docx", &bytes);
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.category == Category::Unscannable && f.excerpt.contains("实体"))
    );
}

#[test]
fn gbk_text_with_id_is_detected_and_masked() {
    let (bytes, _, _) = encoding_rs::GBK.encode("中标公告\n供应商联系人身份证号：110105194912310021 错误校验\n身份证号：11010519491231002X\n");
    let report = util::engine().scan("gbk.txt", &bytes);
    let ids: Vec<_> = report
        .verdict
        .findings
        .iter()
        .filter(|f| f.rule == "personal.id_card")
        .collect();
    assert_eq!(ids.len(), 1, "only the valid one");
    assert_eq!(ids[0].excerpt, "110105********002X");
}

#[test]
fn html_hidden_text_and_split_tags() {
    let html = "<html><head><title>询价公告</title><meta name=\"author\" content=\"x\"></head><body>\
        <p>本项目为<span>涉</span><b>密</b>项目</p>\
        <div style=\"display: none\">银行卡号：6222 0212 3456 7890 128</div>\
        <!-- 机密★10年 --></body></html>";
    let report = util::engine().scan("a.html", html.as_bytes());
    let found = categories(&report);
    assert!(
        found
            .iter()
            .any(|(r, _, p)| r == "dictionary.secret_terms" && p == "body"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, _, p)| r == "secret.marking" && p == "html:comment"),
        "{found:?}"
    );
}

#[test]
fn json_strings_and_embedded_html() {
    let json = serde_json::json!({
        "title": "某某项目中标结果公告",
        "content": "<p>中标供应商：某某公司</p><!-- 联系人身份证 11010519491231002X -->",
        "attachments": [{"name": "附件.pdf"}]
    });
    let report = util::engine().scan("a.json", json.to_string().as_bytes());
    assert_eq!(report.doc_type.as_deref(), Some("award"));
    let f = report
        .verdict
        .findings
        .iter()
        .find(|f| f.rule == "personal.id_card")
        .expect("id in comment");
    assert_eq!(f.location.as_ref().unwrap().part, "/content html:comment");
}

/// XML-RPC (`wp.uploadFile`, `metaWeblog.newMediaObject`) sends files as
/// `<base64>` members: the file is read, not its letters.
#[test]
fn xml_rpc_base64_files_are_read() {
    use base64::Engine as _;
    let call = |file: &[u8]| {
        format!(
            "<?xml version=\"1.0\"?><methodCall><methodName>wp.uploadFile</methodName><params>\
             <param><value><int>1</int></value></param>\
             <param><value><struct>\
             <member><name>name</name><value><string>公示附件.docx</string></value></member>\
             <member><name>bits</name><value><base64>\n{}\n</base64></value></member>\
             </struct></value></param></params></methodCall>",
            base64::engine::general_purpose::STANDARD.encode(file)
        )
    };
    let mut leaky = Docx::default();
    leaky.paragraph("中标供应商联系人身份证号：11010519491231002X");
    let report = util::engine().scan("call.xml", call(&leaky.build()).as_bytes());
    assert!(
        categories(&report)
            .iter()
            .any(|(rule, _, _)| rule == "personal.id_card"),
        "{:?}",
        categories(&report)
    );
    // A short member is a file too (no length threshold inside <base64>).
    let short = util::engine().scan(
        "call.xml",
        call("身份证号：11010519491231002X".as_bytes()).as_bytes(),
    );
    assert!(
        categories(&short)
            .iter()
            .any(|(rule, _, _)| rule == "personal.id_card")
    );
    // A member that is not base64 is not read as clean.
    let broken = util::engine().scan(
        "call.xml",
        b"<methodCall><params><param><value><base64>%%%not base64%%%</base64></value></param></params></methodCall>",
    );
    assert_ne!(broken.verdict.action, pubgate::model::Action::Pass);
    let mut clean = Docx::default();
    clean.paragraph("某某项目中标结果公告");
    let report = util::engine().scan("call.xml", call(&clean.build()).as_bytes());
    assert!(
        !categories(&report)
            .iter()
            .any(|(_, c, _)| *c == Category::PersonalData)
    );
}

#[test]
fn unknown_and_binary_inputs_are_unscannable_never_pass() {
    for (name, bytes) in [
        ("a.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec()),
        ("a.bin", vec![0u8, 1, 2, 3, 0, 0, 0xFF]),
        ("a.docx", b"PK\x03\x04garbage".to_vec()),
        ("empty.txt", Vec::new()),
        ("a.json", b"{\"unterminated\": ".to_vec()),
    ] {
        let report = util::engine().scan(name, &bytes);
        assert_ne!(
            report.verdict.action,
            pubgate::model::Action::Pass,
            "{name}"
        );
        assert!(
            report
                .verdict
                .findings
                .iter()
                .any(|f| f.category == Category::Unscannable),
            "{name}"
        );
    }
}

/// The worker's failure modes are contained: a worker killed by a signal (as
/// lopdf's aborts and stack overflows end it) and a worker that hangs both
/// become `unscannable`, and the caller returns within the deadline.
#[test]
fn pdf_worker_crash_and_hang_are_contained() {
    use pubgate::extract::{Extractors, Limits, WorkerCommand};
    let pdf = pdf::build(&[vec!["采购公告".into()]], &[]);
    let crash = Extractors {
        worker: Some(WorkerCommand {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), "kill -9 $$".into()],
        }),
        ..Extractors::default()
    };
    let doc = crash.extract("a.pdf", &pdf);
    assert!(doc.pieces.is_empty());
    assert!(
        doc.unreadable[0].reason.contains("异常退出"),
        "{:?}",
        doc.unreadable
    );

    let hang = Extractors {
        limits: Limits {
            pdf_timeout: std::time::Duration::from_millis(500),
            ..Limits::default()
        },
        worker: Some(WorkerCommand {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), "sleep 30".into()],
        }),
    };
    let started = std::time::Instant::now();
    let doc = hang.extract("a.pdf", &pdf);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        doc.unreadable[0].reason.contains("超时"),
        "{:?}",
        doc.unreadable
    );

    let missing = Extractors {
        worker: None,
        ..Extractors::default()
    };
    assert!(
        !missing.extract("a.pdf", &pdf).unreadable.is_empty(),
        "no worker: fail closed"
    );
}

/// The same announcement gives the same findings whichever format carries
/// it: plain text, GBK text, HTML, JSON with an HTML body, DOCX and PDF.
#[test]
fn same_document_every_format() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/01-tender-leaks.txt"
    ))
    .unwrap();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let html = format!(
        "<html><head><title>{}</title></head><body>{}</body></html>",
        lines[0],
        lines
            .iter()
            .map(|l| format!("<p>{l}</p>"))
            .collect::<String>()
    );
    let json = serde_json::json!({ "title": lines[0], "content": lines.iter().map(|l| format!("<p>{l}</p>")).collect::<String>() });
    let mut docx = Docx::default();
    for l in &lines {
        docx.paragraph(l);
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", text.clone().into_bytes()),
        ("a.gbk.txt", gbk.into_owned()),
        ("a.html", html.into_bytes()),
        ("a.json", json.to_string().into_bytes()),
        ("a.docx", docx.build()),
        (
            "a.pdf",
            pdf::build(
                &lines.chunks(20).map(|c| c.to_vec()).collect::<Vec<_>>(),
                &[],
            ),
        ),
    ];
    let engine = util::engine();
    let mut results = Vec::new();
    for (name, bytes) in &inputs {
        let report = engine.scan(name, bytes);
        let mut rules: Vec<String> = report
            .verdict
            .findings
            .iter()
            .map(|f| format!("{} {}", f.rule, f.excerpt))
            .collect();
        rules.sort();
        results.push((
            name.to_string(),
            report.doc_type.clone(),
            report.verdict.action,
            rules,
        ));
    }
    let first = &results[0];
    assert!(!first.3.is_empty());
    for r in &results[1..] {
        assert_eq!(
            (&r.1, r.2, &r.3),
            (&first.1, first.2, &first.3),
            "{} differs from {}",
            r.0,
            first.0
        );
    }
}

/// Writes the PDF and DOCX seed files of the fuzz targets (`fuzz/seeds/`)
/// with the real writers used by these tests. Run by hand:
/// `cargo test write_fuzz_seeds -- --ignored`.
#[test]
#[ignore = "writes fuzz seed files; run by hand"]
fn write_fuzz_seeds() {
    let root = std::path::Path::new("fuzz/seeds");
    let save = |target: &str, name: &str, bytes: &[u8]| {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    let pages = vec![
        vec!["招标公告".to_string(), "项目编号：ZB-2026-01".into()],
        vec!["联系人身份证：370102198001011237".into(), "机密★5年".into()],
    ];
    save(
        "fuzz_pdf",
        "two-pages.pdf",
        &pdf::build(&pages, &[("Author", "张三")]),
    );
    save("fuzz_pdf", "no-text.pdf", &pdf::without_text());
    let mut d = Docx::default();
    d.paragraph("某某项目竞争性磋商公告")
        .tracked_deletion("联系人：王五", "，身份证号 11010519491231002X")
        .table(&[vec!["项目名称", "档案柜采购"], vec!["预算金额", "100000元"]])
        .comment("此稿为内部资料")
        .header("机密★5年");
    d.creator = Some("李四".into());
    save("fuzz_docx", "hidden-parts.docx", &d.build());
}
