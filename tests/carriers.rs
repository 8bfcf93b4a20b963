//! Every carrier a value can hide in (issue: "nothing reaches the platform
//! unread"): for each class of hole — layout breaks, places extractors
//! used to skip, encodings and containers, gateway carriers, marks — a
//! leaky case that must be *found* (or, for what cannot be read, held) and
//! a clean control in the same carrier that must pass. Then a property
//! test puts a valid ID into random notices with random layout breaks and
//! carriers and requires that it is found or the document is held.
//!
//! The cases are generated here, from the rules of each format, not copied
//! from any file pubgate's own writers produce.

use std::fmt::Write as _;
use std::io::Write as _;

use bytes::Bytes;
use proptest::prelude::*;
use pubgate::engine::{Engine, Report};
use pubgate::intake::{self, Head, IntakeLimits};
use pubgate::model::Action;

use crate::util;

/// A clean award notice; the value line goes where `{LINE}` is.
const NOTICE: &str = "某某大学实验室设备采购项目中标（成交）结果公告
一、项目编号：HNZC2024-0567
二、项目名称：实验室设备采购项目
三、中标（成交）信息
供应商名称：湖南某某科技有限公司
供应商地址：长沙市岳麓区麓谷大道100号
中标（成交）金额：1444851.19元
四、主要标的信息
货物名称：离心机；品牌：某牌；型号：X-200；数量：2台；单价：52000元
五、评审专家（单一来源采购人员）名单：
张建华、李秀英、王志强、赵海燕（采购人代表）
六、代理服务收费标准及金额：18000元
七、公告期限
自本公告发布之日起1个工作日。
八、其他补充事宜
{LINE}
九、凡对本次公告内容提出询问，请按以下方式联系。
1.采购人信息
名 称：某某大学
地址：长沙市某某路1号
联系方式：0731-88880000
2.采购代理机构信息
名 称：湖南某某项目管理有限公司
地 址：长沙市芙蓉区五一大道2号
联系方式：0731-84440000
3.项目联系方式
项目联系人：周女士
电 话：0731-84440000";

/// A valid 居民身份证号 (GB 11643 check character computed).
fn id(region: &str, birth: &str, seq: &str) -> String {
    let first = format!("{region}{birth}{seq}");
    let check = pubgate::detect::text::checksum::id_check_char(first.as_bytes()).unwrap() as char;
    format!("{first}{check}")
}

/// The same number with a wrong check character: not an ID.
fn broken(id: &str) -> String {
    let last = id.chars().last().unwrap();
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &id[..17])
}

/// A Luhn-valid UnionPay card number.
fn card() -> String {
    let payload = "622202020011223344";
    let check = pubgate::detect::text::checksum::luhn_check_digit(payload).unwrap();
    format!("{payload}{}", check as char)
}

/// What a case carries.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Id,
    Card,
    Mark,
}

/// The value and the label around it, leaky or clean.
fn value(kind: Kind, leak: bool) -> (&'static str, String) {
    let the_id = id("370102", "19800101", "123");
    match (kind, leak) {
        (Kind::Id, true) => ("委托代理人身份证号码：", the_id),
        (Kind::Id, false) => ("委托代理人身份证号码：", broken(&the_id)),
        (Kind::Card, true) => ("个人银行卡卡号：", card()),
        (Kind::Card, false) => {
            // The same number with its check digit changed: Luhn fails.
            let c = card();
            let last = c.chars().last().unwrap().to_digit(10).unwrap();
            (
                "个人银行卡卡号：",
                format!("{}{}", &c[..c.len() - 1], (last + 1) % 10),
            )
        }
        (Kind::Mark, true) => ("", "机密★5年".into()),
        (Kind::Mark, false) => ("", "公开".into()),
    }
}

/// The notice with `line` in place.
fn notice(line: &str) -> String {
    NOTICE.replace("{LINE}", line)
}

fn scan(engine: &Engine, name: &str, bytes: &[u8]) -> Report {
    engine.scan(name, bytes)
}

fn rules(report: &Report) -> Vec<String> {
    report
        .verdict
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} @ {}",
                f.rule,
                f.location.as_ref().map_or("", |l| l.part.as_str())
            )
        })
        .collect()
}

/// Whether the report names the carried value itself.
fn found(report: &Report, kind: Kind) -> bool {
    report.verdict.findings.iter().any(|f| match kind {
        Kind::Id => f.rule == "personal.id_card",
        Kind::Card => f.rule == "personal.bank_card",
        Kind::Mark => f.rule.starts_with("secret.marking"),
    })
}

/// A carrier: builds a file from the notice text and the value line.
type Build = fn(&str, &str, &str) -> (String, Vec<u8>);

/// Runs every case of a carrier table: leak found, control passes.
fn check_carriers(carriers: &[(&str, &[Kind], Build)]) {
    let engine = util::engine();
    let mut failures = Vec::new();
    for (name, kinds, build) in carriers {
        for kind in kinds.iter().copied() {
            for leak in [true, false] {
                let (label, v) = value(kind, leak);
                let (file, bytes) = build(label, &v, &notice(&format!("{label}{v}")));
                let report = scan(&engine, &file, &bytes);
                if let Ok(dir) = std::env::var("PUBGATE_DUMP_CASES") {
                    let _ = std::fs::write(
                        format!("{dir}/{}-{kind:?}-{leak}-{file}", name.replace(' ', "_")),
                        &bytes,
                    );
                }
                if leak && !found(&report, kind) {
                    failures.push(format!(
                        "{name} {kind:?}: leak not found: {:?}",
                        rules(&report)
                    ));
                }
                if !leak && report.verdict.action != Action::Pass {
                    failures.push(format!(
                        "{name} {kind:?}: control not passed: {:?}",
                        rules(&report)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const ALL: &[Kind] = &[Kind::Id, Kind::Card, Kind::Mark];
const NUMBERS: &[Kind] = &[Kind::Id, Kind::Card];

// ------------------------------------------------------------------ class 1

/// The value with a layout break in the middle of it.
fn broken_up(v: &str, with: &str) -> String {
    let cut = v.len() / 2;
    format!("{}{with}{}", &v[..cut], &v[cut..])
}

fn txt(text: String) -> (String, Vec<u8>) {
    ("notice.txt".into(), text.into_bytes())
}

fn html(body: String) -> (String, Vec<u8>) {
    let page = format!(
        "<html><head><meta charset=\"utf-8\"><title>公告</title></head><body>{body}</body></html>"
    );
    ("notice.html".into(), page.into_bytes())
}

/// The notice as HTML paragraphs, with `line` (already HTML) in place.
fn notice_html(line: &str) -> String {
    NOTICE
        .lines()
        .map(|l| {
            if l == "{LINE}" {
                format!("<p>{line}</p>")
            } else {
                format!("<p>{l}</p>")
            }
        })
        .collect()
}

#[test]
fn layout_breaks_inside_a_number() {
    check_carriers(&[
        ("txt line break", NUMBERS, |l, v, _| {
            txt(notice(&format!("{l}{}", broken_up(v, "\n"))))
        }),
        ("txt CRLF and indent", NUMBERS, |l, v, _| {
            txt(notice(&format!("{l}{}", broken_up(v, "\r\n        "))).replace('\n', "\r\n"))
        }),
        ("txt dots", NUMBERS, |l, v, _| {
            txt(notice(&format!(
                "{l}{}.{}.{}",
                &v[..6],
                &v[6..14],
                &v[14..]
            )))
        }),
        ("txt slashes", NUMBERS, |l, v, _| {
            txt(notice(&format!(
                "{l}{}/{}/{}",
                &v[..6],
                &v[6..14],
                &v[14..]
            )))
        }),
        ("txt em dashes", NUMBERS, |l, v, _| {
            txt(notice(&format!(
                "{l}{}—{}—{}",
                &v[..6],
                &v[6..14],
                &v[14..]
            )))
        }),
        ("txt several spaces", NUMBERS, |l, v, _| {
            txt(notice(&format!(
                "{l}{}   {}   {}",
                &v[..6],
                &v[6..14],
                &v[14..]
            )))
        }),
        ("txt full-width digits", NUMBERS, |l, v, _| {
            let wide: String = v
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect();
            txt(notice(&format!("{l}{wide}")))
        }),
        ("txt Chinese numerals", &[Kind::Id], |l, v, _| {
            let digits = "〇一二三四五六七八九";
            let spelled: String = v
                .chars()
                .map(|c| {
                    c.to_digit(10)
                        .map_or(c, |d| digits.chars().nth(d as usize).unwrap())
                })
                .collect();
            txt(notice(&format!("{l}{spelled}")))
        }),
        ("html two cells", NUMBERS, |l, v, _| {
            let (a, b) = v.split_at(9);
            html(notice_html(&format!(
                "</p><table><tr><td>{l}</td><td>{a}</td><td>{b}</td></tr></table><p>"
            )))
        }),
        ("html one cell per digit", NUMBERS, |l, v, _| {
            let cells: String = v.chars().map(|c| format!("<td>{c}</td>")).collect();
            html(notice_html(&format!(
                "</p><table><tr><td>{l}</td>{cells}</tr></table><p>"
            )))
        }),
        ("html inline tags and br", NUMBERS, |l, v, _| {
            html(notice_html(&format!(
                "{l}<b>{}</b><span>{}</span><br>{}",
                &v[..4],
                &v[4..10],
                &v[10..]
            )))
        }),
        ("html junk digit hidden by a class", NUMBERS, |l, v, _| {
            html(format!(
                "<style>.x {{ font-size : 0 }}</style>{}",
                notice_html(&format!(
                    "{l}{}<span class=\"x\">9</span>{}",
                    &v[..8],
                    &v[8..]
                ))
            ))
        }),
        ("html bdo reversed", &[Kind::Id], |l, v, _| {
            let reversed: String = v.chars().rev().collect();
            html(notice_html(&format!(
                "{l}<bdo dir=\"rtl\">{reversed}</bdo>"
            )))
        }),
        ("docx tab and break inside", NUMBERS, |l, v, _| {
            let runs = format!(
                "<w:r><w:t>{l}{}</w:t></w:r><w:r><w:tab/><w:t>{}</w:t><w:br/><w:t>{}</w:t></w:r>",
                &v[..6],
                &v[6..12],
                &v[12..]
            );
            docx(&runs, &[])
        }),
        ("docx vanished junk digit", NUMBERS, |l, v, _| {
            let runs = format!(
                "<w:r><w:t>{l}{}</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>7</w:t></w:r><w:r><w:t>{}</w:t></w:r>",
                &v[..9],
                &v[9..]
            );
            docx(&runs, &[])
        }),
    ]);
}

// ------------------------------------------------------------------ class 2

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
    xmlns:v=\"urn:schemas-microsoft-com:vml\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

/// A DOCX with the notice as paragraphs, `runs` (raw WordprocessingML runs)
/// as the value paragraph, and extra package entries.
fn docx(runs: &str, extra: &[(&str, Vec<u8>)]) -> (String, Vec<u8>) {
    let mut body = String::new();
    for line in NOTICE.lines() {
        if line == "{LINE}" {
            let _ = write!(body, "<w:p>{runs}</w:p>");
        } else {
            let _ = write!(
                body,
                "<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
            );
        }
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document {W}><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut entries: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>".to_vec()),
        ("word/document.xml", document.into_bytes()),
    ];
    entries.extend(extra.iter().cloned());
    for (name, bytes) in entries {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    ("notice.docx".into(), zip.finish().unwrap().into_inner())
}

fn plain_runs(text: &str) -> String {
    format!("<w:r><w:t>{text}</w:t></w:r>")
}

/// The minimal text of a PDF content stream showing `lines` with font F1
/// (Identity-H, code = Unicode).
fn pdf_lines(lines: &[&str]) -> String {
    let mut content = String::from("BT /F1 10 Tf 40 800 Td 14 TL\n");
    for line in lines {
        let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
        let _ = writeln!(content, "<{hex}> Tj T*");
    }
    content.push_str("ET\n");
    content
}

/// A PDF from raw objects (1-based; object 1 the catalog), with an xref.
fn raw_pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.6\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn utf16_hex(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(hex, "{u:04X}");
    }
    hex.push('>');
    hex
}

/// A one-page PDF of the notice (without the value line) plus whatever
/// `catalog_extra`, `page_extra` and `more` objects add (numbered from 8).
fn pdf_with(catalog_extra: &str, page_extra: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let lines: Vec<&str> = NOTICE.lines().filter(|l| *l != "{LINE}").collect();
    let content = pdf_lines(&lines);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    // Every character a value line can add, too.
    let alphabet = format!("{NOTICE}委托代理人身份证号码个人银行卡卡号机密★年公开0123456789X");
    let used: std::collections::BTreeSet<u16> = alphabet.encode_utf16().collect();
    let used: Vec<u16> = used.into_iter().collect();
    for chunk in used.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for c in chunk {
            let _ = writeln!(cmap, "<{c:04X}> <{c:04X}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap end end\n");
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R {page_extra} >>").into_bytes(),
        stream("", content.as_bytes()),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> /DW 1000 >>".to_vec(),
        stream("", cmap.as_bytes()),
    ];
    objects.extend(more);
    raw_pdf(&objects, "")
}

fn pdf_file(bytes: Vec<u8>) -> (String, Vec<u8>) {
    ("notice.pdf".into(), bytes)
}

#[test]
fn places_extractors_used_to_skip() {
    check_carriers(&[
        ("html data attribute", NUMBERS, |l, v, _| {
            html(notice_html(&format!(
                "<span data-x=\"{l}{v}\">见附件</span>"
            )))
        }),
        ("html link query", NUMBERS, |l, v, _| {
            let q: String = v.bytes().map(|b| format!("%{b:02X}")).collect();
            html(notice_html(&format!(
                "<a href=\"/files?who={l}&id={q}\">附件</a>"
            )))
        }),
        ("html iframe srcdoc", ALL, |l, v, _| {
            html(notice_html(&format!(
                "<iframe srcdoc=\"&lt;p&gt;{l}{v}&lt;/p&gt;\"></iframe>"
            )))
        }),
        ("html data: URI", ALL, |l, v, _| {
            use base64::Engine as _;
            let inner = base64::engine::general_purpose::STANDARD.encode(format!("<p>{l}{v}</p>"));
            html(notice_html(&format!(
                "<object data=\"data:text/html;base64,{inner}\"></object>"
            )))
        }),
        ("html CSS content with escapes", NUMBERS, |l, v, _| {
            let escaped: String = format!("{l}{v}")
                .chars()
                .map(|c| format!("\\{:X} ", c as u32))
                .collect();
            html(format!(
                "<style>.n::after{{content:\"{escaped}\"}}</style>{}",
                notice_html("<span class=\"n\"></span>")
            ))
        }),
        ("html references without semicolons", NUMBERS, |l, v, _| {
            let refs: String = v.chars().map(|c| format!("&#{}", c as u32)).collect();
            html(notice_html(&format!("{l}{refs}")))
        }),
        ("html template and noscript", ALL, |l, v, _| {
            html(notice_html(&format!(
                "<template>{l}{v}</template><noscript>见附件</noscript>"
            )))
        }),
        ("docx field code", NUMBERS, |l, v, _| {
            docx(
                &format!(
                    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> HYPERLINK \"http://x/?{l}{v}\" </w:instrText></w:r><w:r><w:t>查看</w:t></w:r>"
                ),
                &[],
            )
        }),
        ("docx drawing alt text and fldSimple", NUMBERS, |l, v, _| {
            docx(
                &format!("<w:fldSimple w:instr=\"MERGEFIELD {l}{v}\"/><w:r><w:t>附件</w:t></w:r>"),
                &[],
            )
        }),
        (
            "docx WordArt watermark in a header",
            &[Kind::Mark],
            |_, v, _| {
                let header = format!(
                    "<w:hdr {W}><w:p><w:r><w:pict><v:shape><v:textpath string=\"{v}\"/></v:shape></w:pict></w:r></w:p></w:hdr>"
                );
                docx(
                    &plain_runs("无"),
                    &[("word/header1.xml", header.into_bytes())],
                )
            },
        ),
        ("docx document variables", ALL, |l, v, _| {
            let settings = format!(
                "<w:settings {W}><w:docVars><w:docVar w:name=\"a\" w:val=\"{l}{v}\"/></w:docVars></w:settings>"
            );
            docx(
                &plain_runs("无"),
                &[("word/settings.xml", settings.into_bytes())],
            )
        }),
        ("docx custom XML", ALL, |l, v, _| {
            docx(
                &plain_runs("无"),
                &[(
                    "customXml/item1.xml",
                    format!("<r><x>{l}{v}</x></r>").into_bytes(),
                )],
            )
        }),
        ("docx altChunk HTML", ALL, |l, v, _| {
            docx(
                &plain_runs("无"),
                &[(
                    "word/afchunk.htm",
                    format!("<html><body><p>{l}{v}</p></body></html>").into_bytes(),
                )],
            )
        }),
        ("docx glossary", ALL, |l, v, _| {
            let glossary = format!(
                "<w:glossaryDocument {W}><w:docParts><w:docPart><w:docPartBody><w:p><w:r><w:t>{l}{v}</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>"
            );
            docx(
                &plain_runs("无"),
                &[("word/glossary/document.xml", glossary.into_bytes())],
            )
        }),
        ("docx link target", NUMBERS, |l, v, _| {
            let rels = format!(
                "<Relationships><Relationship Id=\"r9\" Type=\"hyperlink\" Target=\"http://x/?{l}{v}\" TargetMode=\"External\"/></Relationships>"
            );
            docx(
                &plain_runs("无"),
                &[("word/_rels/document.xml.rels", rels.into_bytes())],
            )
        }),
        ("docx embedded package", ALL, |l, v, _| {
            let (_, inner) = docx(&plain_runs(&format!("{l}{v}")), &[]);
            docx(
                &plain_runs("无"),
                &[("word/embeddings/Document1.docx", inner)],
            )
        }),
        ("pdf sticky note", ALL, |l, v, _| {
            pdf_file(pdf_with(
                "",
                "/Annots [8 0 R]",
                vec![
                    format!(
                        "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents {} >>",
                        utf16_hex(&format!("{l}{v}"))
                    )
                    .into_bytes(),
                ],
            ))
        }),
        ("pdf form field value", ALL, |l, v, _| {
            pdf_file(pdf_with(
                "/AcroForm << /Fields [8 0 R] >>",
                "",
                vec![
                    format!("<< /FT /Tx /T (a) /V {} >>", utf16_hex(&format!("{l}{v}")))
                        .into_bytes(),
                ],
            ))
        }),
        ("pdf outline", ALL, |l, v, _| {
            pdf_file(pdf_with(
                "/Outlines 8 0 R",
                "",
                vec![
                    b"<< /Type /Outlines /First 9 0 R /Count 1 >>".to_vec(),
                    format!(
                        "<< /Title {} /Parent 8 0 R >>",
                        utf16_hex(&format!("{l}{v}"))
                    )
                    .into_bytes(),
                ],
            ))
        }),
        ("pdf embedded file", ALL, |l, v, _| {
            let file = format!("{l}{v}").into_bytes();
            pdf_file(pdf_with(
                "/Names << /EmbeddedFiles << /Names [(a.txt) 8 0 R] >> >>",
                "",
                vec![
                    b"<< /Type /Filespec /F (a.txt) /EF << /F 9 0 R >> >>".to_vec(),
                    stream("/Type /EmbeddedFile", &file),
                ],
            ))
        }),
        ("pdf earlier revision", NUMBERS, |l, v, _| {
            // Revision 1 shows the value; an incremental update replaces
            // the page's content without it.
            let original = pdf_with("", "", vec![]);
            let first = {
                let lines: Vec<String> = NOTICE
                    .lines()
                    .map(|x| {
                        if x == "{LINE}" {
                            format!("{l}{v}")
                        } else {
                            x.to_string()
                        }
                    })
                    .collect();
                let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
                let content = pdf_lines(&refs);
                // Same objects, page content with the value.
                let pos = find(&original, b"4 0 obj\n").unwrap();
                let end = pos + find(&original[pos..], b"endobj").unwrap();
                let mut first = original[..pos].to_vec();
                first.extend_from_slice(b"4 0 obj\n");
                first.extend_from_slice(&stream("", content.as_bytes()));
                first.extend_from_slice(b"\n");
                first.extend_from_slice(&original[end..]);
                rebuild_xref(&first)
            };
            // The update: object 4 again, without the value.
            let lines: Vec<&str> = NOTICE.lines().filter(|x| *x != "{LINE}").collect();
            let mut update = first.clone();
            let at = update.len();
            update.extend_from_slice(b"4 0 obj\n");
            update.extend_from_slice(&stream("", pdf_lines(&lines).as_bytes()));
            update.extend_from_slice(b"\nendobj\n");
            let xref = update.len();
            let prev = last_startxref(&first);
            update.extend_from_slice(format!("xref\n4 1\n{at:010} 00000 n \ntrailer\n<< /Size 8 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
            pdf_file(update)
        }),
    ]);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn last_startxref(pdf: &[u8]) -> usize {
    let at = pdf.windows(9).rposition(|w| w == b"startxref").unwrap();
    std::str::from_utf8(&pdf[at + 9..])
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Recomputes the xref of a PDF made by [`raw_pdf`] after an object changed size.
fn rebuild_xref(pdf: &[u8]) -> Vec<u8> {
    let body_end = find(pdf, b"xref\n").unwrap();
    let mut out = pdf[..body_end].to_vec();
    let mut offsets = Vec::new();
    let mut n = 1;
    while let Some(at) = find(&out, format!("\n{n} 0 obj\n").as_bytes()) {
        offsets.push(at + 1);
        n += 1;
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!("trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[test]
fn pictures_and_pages_without_text_are_held() {
    let engine = util::engine();
    // A picture inside a DOCX: reported unread (held); a blank one is read.
    let mut noisy = image::GrayImage::from_pixel(300, 120, image::Luma([255]));
    for x in 20..280 {
        noisy.put_pixel(x, 60, image::Luma([0]));
    }
    let png = |img: image::GrayImage| {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let (name, bytes) = docx(&plain_runs("无"), &[("word/media/image1.png", png(noisy))]);
    let report = scan(&engine, &name, &bytes);
    assert_eq!(report.verdict.action, Action::Hold, "{:?}", rules(&report));
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "unscannable.image")
    );
    let blank = png(image::GrayImage::from_pixel(300, 400, image::Luma([255])));
    let (name, bytes) = docx(&plain_runs("无"), &[("docProps/thumbnail.png", blank)]);
    assert_eq!(scan(&engine, &name, &bytes).verdict.action, Action::Pass);
    // A page with a picture and no text inside a textual PDF.
    let image_page = raw_pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", b"q 400 0 0 300 100 400 cm /Im1 Do Q"),
            stream("/Type /XObject /Subtype /Image /Width 40 /Height 30 /ColorSpace /DeviceGray /BitsPerComponent 8", &(0..1200u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>()),
        ],
        "",
    );
    let report = scan(&engine, "scan.pdf", &image_page);
    assert_eq!(report.verdict.action, Action::Hold);
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "unscannable.no_text"),
        "{:?}",
        rules(&report)
    );
}

// ------------------------------------------------------------------ class 3

#[test]
fn encodings_and_containers() {
    check_carriers(&[
        ("UTF-16LE without BOM", ALL, |_, _, t| {
            (
                "notice.txt".into(),
                t.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            )
        }),
        ("UTF-16BE without BOM", ALL, |_, _, t| {
            (
                "notice.txt".into(),
                t.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            )
        }),
        ("UTF-32LE", ALL, |_, _, t| {
            (
                "notice.txt".into(),
                t.chars().flat_map(|c| (c as u32).to_le_bytes()).collect(),
            )
        }),
        ("Big5 (traditional text)", ALL, |l, v, _| {
            let line = format!(
                "{}{v}",
                l.replace("委托", "委託")
                    .replace("证号码", "證號碼")
                    .replace("银行卡卡号", "銀行卡卡號")
            );
            (
                "notice.txt".into(),
                encoding_rs::BIG5
                    .encode(&TRADITIONAL.replace("{LINE}", &line))
                    .0
                    .into_owned(),
            )
        }),
        ("GBK and UTF-8 lines", ALL, |_, _, t| {
            let mut out = Vec::new();
            for (i, line) in t.lines().enumerate() {
                if i % 2 == 0 {
                    out.extend_from_slice(line.as_bytes());
                } else {
                    out.extend_from_slice(&encoding_rs::GBK.encode(line).0);
                }
                out.push(b'\n');
            }
            ("notice.txt".into(), out)
        }),
        ("HZ", ALL, |_, _, t| {
            ("notice.txt".into(), hz(t).into_bytes())
        }),
        ("RTF with code-page escapes", ALL, |_, _, t| {
            ("notice.rtf".into(), rtf(t).into_bytes())
        }),
        ("MHT quoted-printable GBK, saved as .doc", ALL, |_, _, t| {
            ("notice.doc".into(), mht(t).into_bytes())
        }),
        ("e-mail with a base64 body", ALL, |_, _, t| {
            use base64::Engine as _;
            let body = base64::engine::general_purpose::STANDARD.encode(t.as_bytes());
            ("notice.eml".into(), format!("MIME-Version: 1.0\r\nSubject: notice\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n").into_bytes())
        }),
        ("XML with character references", NUMBERS, |_, _, t| {
            let refs: String = t
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        format!("&#{};", c as u32)
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            (
                "notice.xml".into(),
                format!("<?xml version=\"1.0\"?><notice><body>{refs}</body></notice>").into_bytes(),
            )
        }),
        ("gzip", ALL, |_, _, t| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(t.as_bytes()).unwrap();
            ("notice.txt.gz".into(), gz.finish().unwrap())
        }),
        ("zip archive", ALL, |_, _, t| {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file("公告.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(t.as_bytes()).unwrap();
            ("notice.zip".into(), zip.finish().unwrap().into_inner())
        }),
        (
            "PDF with a predefined CMap (UniGB-UCS2-H, not embedded)",
            ALL,
            |_, _, t| {
                let lines: Vec<&str> = t.lines().collect();
                let mut content = String::from("BT /F1 10 Tf 40 800 Td 14 TL\n");
                for line in &lines {
                    let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
                    let _ = writeln!(content, "<{hex}> Tj T*");
                }
                content.push_str("ET\n");
                pdf_file(raw_pdf(
                &[
                    b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
                    stream("", content.as_bytes()),
                    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>".to_vec(),
                    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /W [1 [207 270 342]] >>".to_vec(),
                ],
                "",
            ))
            },
        ),
    ]);
}

/// The notice in traditional characters (as Big5 sites publish it).
const TRADITIONAL: &str = "某某大學實驗室設備採購項目中標（成交）結果公告
一、項目編號：HNZC2024-0567
二、項目名稱：實驗室設備採購項目
三、中標（成交）信息
供應商名稱：湖南某某科技有限公司
供應商地址：長沙市岳麓區麓谷大道100號
中標（成交）金額：1444851.19元
四、主要標的信息
貨物名稱：離心機；品牌：某牌；型號：X-200；數量：2臺；單價：52000元
五、評審專家（單一來源採購人員）名單：
張建華、李秀英、王志強、趙海燕（採購人代表）
六、代理服務收費標準及金額：18000元
七、公告期限
自本公告發佈之日起1個工作日。
八、其他補充事宜
{LINE}
九、凡對本次公告內容提出詢問，請按以下方式聯繫。
1.採購人信息
名 稱：某某大學
地址：長沙市某某路1號
聯繫方式：0731-88880000
2.採購代理機構信息
名 稱：湖南某某項目管理有限公司
地 址：長沙市芙蓉區五一大道2號
聯繫方式：0731-84440000
3.項目聯繫方式
項目聯繫人：周女士
電 話：0731-84440000";

/// HZ: GB 2312 runs between `~{` and `~}` in 7-bit bytes.
fn hz(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let s = c.to_string();
        let (bytes, _, bad) = encoding_rs::GBK.encode(&s);
        if bad || bytes.len() != 2 || bytes[0] < 0xA1 {
            out.push('?');
            continue;
        }
        let _ = write!(
            out,
            "~{{{}{}~}}",
            (bytes[0] & 0x7F) as char,
            (bytes[1] & 0x7F) as char
        );
    }
    out
}

/// RTF the way Word writes Chinese: `\'hh` pairs under `\ansicpg936`.
fn rtf(text: &str) -> String {
    let mut out =
        String::from("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 ");
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\par "),
            c if c.is_ascii() => out.push(c),
            c => {
                let s = c.to_string();
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(&s);
                if unmappable {
                    // Outside the code page: `\uN?`, as Word writes it.
                    for u in s.encode_utf16() {
                        let _ = write!(out, "\\u{}?", u as i16);
                    }
                } else {
                    for b in bytes.iter() {
                        let _ = write!(out, "\\'{b:02x}");
                    }
                }
            }
        }
    }
    out.push('}');
    out
}

/// An MHT web archive with the notice as a quoted-printable GBK HTML part.
fn mht(text: &str) -> String {
    let html: String = text.lines().map(|l| format!("<p>{l}</p>\r\n")).collect();
    let gbk = encoding_rs::GBK.encode(&html).0.into_owned();
    let mut qp = String::new();
    let mut col = 0;
    for b in gbk {
        let literal = ((33..=126).contains(&b) && b != b'=') || b == b'\r' || b == b'\n';
        let piece = if literal {
            (b as char).to_string()
        } else {
            format!("={b:02X}")
        };
        if b == b'\n' {
            col = 0;
        } else if col + piece.len() > 72 {
            qp.push_str("=\r\n");
            col = 0;
        }
        col += piece.len();
        qp.push_str(&piece);
    }
    format!(
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{qp}\r\n--b--\r\n"
    )
}

// ------------------------------------------------------------------ class 4

/// Reads a request through the one door into intake and scans it.
fn scan_request(
    engine: &Engine,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Report {
    let head = Head {
        method: method.into(),
        target: target.into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect(),
    };
    let limits = IntakeLimits {
        max_body_bytes: 50 << 20,
        max_decode_ratio: 100,
        max_parts: 1000,
    };
    let read = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(intake::read(&head, Bytes::from(body), &limits))
        .unwrap();
    let doc = intake::to_document(engine, &read.uploads);
    engine.scan_document(doc, None)
}

type Request = fn(&str, &str, &str) -> (&'static str, String, Vec<(&'static str, String)>, Vec<u8>);

#[test]
fn gateway_carriers() {
    let requests: &[(&str, &[Kind], Request)] = &[
        ("JSON with a base64 DOCX", ALL, |l, v, _| {
            use base64::Engine as _;
            let (_, file) = docx(&plain_runs(&format!("{l}{v}")), &[]);
            let b64 = base64::engine::general_purpose::STANDARD.encode(file);
            (
                "POST",
                "/api/notices".into(),
                vec![("content-type", "application/json".into())],
                format!(r#"{{"title":"附件","file":"{b64}"}}"#).into_bytes(),
            )
        }),
        ("JSON data: URI", ALL, |_, _, t| {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(t.as_bytes());
            (
                "POST",
                "/api/notices".into(),
                vec![("content-type", "application/json".into())],
                format!(r#"{{"content":"data:text/plain;base64,{b64}"}}"#).into_bytes(),
            )
        }),
        ("JSON number and key", &[Kind::Id], |_, v, t| {
            (
                "POST",
                "/api/notices".into(),
                vec![("content-type", "application/json".into())],
                format!(
                    r#"{{"content":{},"{v}":1,"n":{v}}}"#,
                    serde_json::to_string(&t.replace(v, "")).unwrap()
                )
                .into_bytes(),
            )
        }),
        ("JSON duplicate key", ALL, |_, _, t| {
            (
                "POST",
                "/api/notices".into(),
                vec![("content-type", "application/json".into())],
                format!(
                    r#"{{"content":{},"content":"见附件"}}"#,
                    serde_json::to_string(t).unwrap()
                )
                .into_bytes(),
            )
        }),
        ("multipart base64 part", ALL, |_, _, t| {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(t.as_bytes());
            ("POST", "/api/notices".into(), vec![("content-type", "multipart/form-data; boundary=XX".into())],
             format!("--XX\r\nContent-Disposition: form-data; name=\"content\"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--XX--\r\n").into_bytes())
        }),
        ("multipart epilogue", ALL, |l, v, t| {
            ("POST", "/api/notices".into(), vec![("content-type", "multipart/form-data; boundary=XX".into())],
             format!("--XX\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n{}\r\n--XX--\r\n{l}{v}\r\n", t.replace(&format!("{l}{v}"), "无")).into_bytes())
        }),
        ("form in GBK", ALL, |_, _, t| {
            let gbk = encoding_rs::GBK.encode(t).0;
            let encoded: String = gbk.iter().map(|b| format!("%{b:02X}")).collect();
            (
                "POST",
                "/api/notices".into(),
                vec![(
                    "content-type",
                    "application/x-www-form-urlencoded; charset=gbk".into(),
                )],
                format!("content={encoded}").into_bytes(),
            )
        }),
        ("custom header", NUMBERS, |l, v, t| {
            (
                "POST",
                "/api/notices".into(),
                vec![
                    ("content-type", "text/plain; charset=utf-8".into()),
                    ("x-applicant", format!("{l}{v}")),
                ],
                t.replace(&format!("{l}{v}"), "无").into_bytes(),
            )
        }),
        ("path segment", &[Kind::Id], |_, v, t| {
            (
                "POST",
                format!("/api/notices/{v}"),
                vec![("content-type", "text/plain; charset=utf-8".into())],
                t.replace(v, "").into_bytes(),
            )
        }),
        ("raw deflate", ALL, |_, _, t| {
            let mut raw =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            raw.write_all(t.as_bytes()).unwrap();
            (
                "POST",
                "/api/notices".into(),
                vec![
                    ("content-type", "text/plain; charset=utf-8".into()),
                    ("content-encoding", "deflate".into()),
                ],
                raw.finish().unwrap(),
            )
        }),
    ];
    let engine = util::engine();
    let mut failures = Vec::new();
    for (name, kinds, build) in requests {
        for kind in kinds.iter().copied() {
            for leak in [true, false] {
                let (label, v) = value(kind, leak);
                let (method, target, headers, body) =
                    build(label, &v, &notice(&format!("{label}{v}")));
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                let report = scan_request(&engine, method, &target, &headers, body);
                if leak && !found(&report, kind) {
                    failures.push(format!(
                        "{name} {kind:?}: leak not found: {:?}",
                        rules(&report)
                    ));
                }
                if !leak && report.verdict.action != Action::Pass {
                    failures.push(format!(
                        "{name} {kind:?}: control not passed: {:?}",
                        rules(&report)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ------------------------------------------------------------- classes 5, 6

#[test]
fn a_document_of_no_known_type_is_held() {
    let engine = util::engine();
    // Mojibake-like text of no type, long enough to be a document.
    let garbage = "鍏徃鐨勪骇鍝佸湪甯傚満涓婂叿鏈夊緢寮虹殑绔炰簤鍔涳紝鎴戜滑灏嗙户缁姫鍔涖€傝繖鏄竴娈垫病鏈夋剰涔夌殑鏂囧瓧锛屽彧鏄敤鏉ユ祴璇曘€?".repeat(2);
    let report = scan(&engine, "notice.txt", garbage.as_bytes());
    assert_eq!(report.verdict.action, Action::Hold, "{:?}", rules(&report));
    // Readable text that announces nothing.
    let news = "今天上午，市财政局组织召开全市政府采购工作会议，总结今年以来政府采购工作情况，部署下一阶段重点任务。会议强调，要进一步优化营商环境，提高采购效率，加强对采购活动的监督管理，推动政府采购工作高质量发展。与会人员围绕相关议题进行了交流讨论。".repeat(2);
    let report = scan(&engine, "news.txt", news.as_bytes());
    assert_eq!(report.verdict.action, Action::Hold, "{:?}", rules(&report));
    assert!(
        report
            .verdict
            .findings
            .iter()
            .any(|f| f.rule == "fields.unknown_type"),
        "{:?}",
        rules(&report)
    );
    // A short fragment (a status change) is not a document.
    let report = scan(&engine, "status.json", br#"{"status":"publish"}"#);
    assert_eq!(report.verdict.action, Action::Pass, "{:?}", rules(&report));
    // The same long text with the route saying "not announcements".
    let report = engine.scan_with(
        "news.txt",
        news.as_bytes(),
        None,
        pubgate::engine::Expect::AnyContent,
    );
    assert_eq!(report.verdict.action, Action::Pass, "{:?}", rules(&report));
}

#[test]
fn marks_in_every_spelling() {
    let engine = util::engine();
    for mark in [
        "机密✶5年",
        "秘密⭐1年",
        "绝密☆长期",
        "机密（5年）",
        "机密▲5年",
        "机密★\n5年",
        "    秘  密",
        "【机密】",
        "秘密   份号：003",
        "No.000017   机密",
        "★机密",
    ] {
        let text = format!("{mark}\n{}", notice("无"));
        let report = scan(&engine, "notice.txt", text.as_bytes());
        assert!(found(&report, Kind::Mark), "{mark:?}: {:?}", rules(&report));
    }
    for clean in [
        "标★号条款为实质性条款",
        "本项目不涉及国家秘密",
        "系统须保障数据机密性",
    ] {
        let text = notice(clean);
        let report = scan(&engine, "notice.txt", text.as_bytes());
        assert_eq!(
            report.verdict.action,
            Action::Pass,
            "{clean:?}: {:?}",
            rules(&report)
        );
    }
}

// ------------------------------------------------------------------ property

/// A layout break a number can be cut by, in text.
fn text_break() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "\n", "\r\n   ", "\t", " ", "  ", ".", "/", "-", "—", "–", "·", "\u{202F}", "\u{3000}",
    ])
}

/// A carrier that keeps text as text.
#[derive(Debug, Clone, Copy)]
enum Carrier {
    Utf8,
    Gbk,
    Utf16,
    Html,
    Docx,
    Json,
    Rtf,
    Mht,
}

fn carry(carrier: Carrier, text: &str) -> (String, Vec<u8>) {
    match carrier {
        Carrier::Utf8 => ("n.txt".into(), text.as_bytes().to_vec()),
        Carrier::Gbk => {
            // Characters GBK cannot encode would become `&#…;` references.
            let encodable: String = text
                .chars()
                .map(|c| if c == '\u{202F}' { ' ' } else { c })
                .collect();
            (
                "n.txt".into(),
                encoding_rs::GBK.encode(&encodable).0.into_owned(),
            )
        }
        Carrier::Utf16 => (
            "n.txt".into(),
            text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ),
        Carrier::Html => {
            let body: String = text
                .lines()
                .map(|l| format!("<p>{}</p>", l.replace('\t', "</td><td>")))
                .collect();
            (
                "n.html".into(),
                format!("<html><body>{body}</body></html>").into_bytes(),
            )
        }
        Carrier::Docx => {
            let runs = text
                .lines()
                .map(|l| {
                    format!(
                        "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:br/></w:r>",
                        l.replace(
                            '\t',
                            "</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">"
                        )
                    )
                })
                .collect::<String>();
            let document =
                format!("<w:document {W}><w:body><w:p>{runs}</w:p></w:body></w:document>");
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(document.as_bytes()).unwrap();
            ("n.docx".into(), zip.finish().unwrap().into_inner())
        }
        Carrier::Json => (
            "n.json".into(),
            serde_json::json!({"title": "公告", "content": text})
                .to_string()
                .into_bytes(),
        ),
        Carrier::Rtf => ("n.rtf".into(), rtf(text).into_bytes()),
        Carrier::Mht => ("n.mht".into(), mht(text).into_bytes()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A valid ID, cut by random layout breaks, in a random notice and a
    /// random carrier: found, or the document held.
    #[test]
    fn a_valid_id_is_found_or_held(
        region in prop::sample::select(vec!["110105", "370102", "440305", "510104", "320102"]),
        year in 1955u32..2005, month in 1u32..=12, day in 1u32..=28, seq in 0u32..1000,
        cuts in prop::collection::vec((1usize..17, text_break()), 0..3),
        label in prop::sample::select(vec!["身份证号码：", "证件号：", "联系人 ", "", "附：申请人"]),
        carrier in prop::sample::select(vec![Carrier::Utf8, Carrier::Gbk, Carrier::Utf16, Carrier::Html, Carrier::Docx, Carrier::Json, Carrier::Rtf, Carrier::Mht]),
        template in prop::sample::select(vec![0usize, 1, 2]),
    ) {
        let value = id(region, &format!("{year:04}{month:02}{day:02}"), &format!("{seq:03}"));
        let mut cut_at: Vec<(usize, &str)> = cuts;
        cut_at.sort_by_key(|c| std::cmp::Reverse(c.0));
        cut_at.dedup_by_key(|c| c.0);
        let mut shown = value.clone();
        for (at, with) in cut_at {
            shown.insert_str(at, with);
        }
        let line = format!("{label}{shown}");
        let text = match template {
            0 => notice(&line),
            1 => format!("{line}\n{}", notice("无")),
            _ => notice("无").replace("名 称：某某大学", &format!("名 称：某某大学\n{line}")),
        };
        let (name, bytes) = carry(carrier, &text);
        let engine = engine_once();
        let report = engine.scan(&name, &bytes);
        prop_assert!(
            found(&report, Kind::Id) || report.verdict.action == Action::Hold,
            "{carrier:?} {line:?}: {:?}", rules(&report)
        );
    }
}

fn engine_once() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(util::engine)
}
