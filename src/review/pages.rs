//! The review UI's pages, as maud templates compiled into the binary:
//! every value is escaped unless a template says otherwise (none does).
//! The handlers in [`ui`](super::ui) and [`takedown`](super::takedown) read
//! the store and build the views below; nothing here reads the store.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use crate::model::{Category, part_zh};
use crate::review::MarkedPiece;
use crate::store::AuditEntry;

/// Who is signed in, for the header.
pub struct Nav<'a> {
    /// Account name.
    pub name: &'a str,
    /// 管理员 or 复核员.
    pub role_zh: &'static str,
    /// The session's CSRF token (the logout form).
    pub csrf: &'a str,
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222}\
header{background:#8b1a1a;color:#fff;padding:.5em 1em;display:flex;justify-content:space-between;align-items:center}\
header h1{font-size:1.1em;margin:0}header a{color:#fff}nav{display:flex;gap:1em;align-items:center}\
main{padding:1em;max-width:1280px}table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}\
pre.text{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:.8em;line-height:1.6}\
mark{background:#ffd54f;border-bottom:2px solid #c62828}mark.classified{background:#ef9a9a}\
mark.procurement_confidential{background:#ce93d8}.err{color:#b71c1c}.inline{display:inline}\
.status{font-weight:bold}.part{color:#555;font-size:.9em;margin-top:1em}.sub{color:#555;font-size:.9em}\
textarea{width:100%;min-height:3em}.actions{display:flex;gap:2em}.actions form{flex:1}\
button.primary{background:#1b5e20;color:#fff;font-weight:bold;padding:.3em 1em}\
.counts{display:flex;flex-wrap:wrap;gap:.5em 1.5em;margin:.5em 0}.counts a{text-decoration:none}\
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dl.meta dt{color:#555}dl.meta dd{margin:0}";

/// Every page: header, navigation, the body.
pub fn layout(title: &str, nav: Option<&Nav<'_>>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (title) " · pubgate 发布前检查" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "pubgate 发布前检查 · 复核" }
                    @if let Some(nav) = nav {
                        nav {
                            a href="/ui" { "复核队列" }
                            a href="/ui/takedown" { "已发布公告复查" }
                            span.who { (nav.name) "（" (nav.role_zh) "）" }
                            form.inline method="post" action="/ui/logout" {
                                input type="hidden" name="csrf" value=(nav.csrf);
                                button { "退出" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A short message page (refusals, errors).
pub fn message(title: &str, nav: Option<&Nav<'_>>, text: &str, back: Option<&str>) -> Markup {
    layout(
        title,
        nav,
        html! {
            p.err id="message" { (text) }
            @if let Some(back) = back { p { a href=(back) { "返回" } } }
        },
    )
}

/// The login form.
pub fn login(error: Option<&str>) -> Markup {
    layout(
        "登录",
        None,
        html! {
            h2 { "复核员登录" }
            @if let Some(e) = error { p.err { (e) } }
            form method="post" action="/ui/login" {
                p { label { "账号 " input name="name" autocomplete="username" required; } }
                p { label { "令牌 " input name="token" type="password" autocomplete="current-password" required; } }
                p { button type="submit" { "登录" } }
            }
        },
    )
}

/// One option of a filter.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What the reviewer reads.
    pub label: String,
    /// Currently chosen.
    pub selected: bool,
}

/// One row of the queue.
pub struct QueueRow {
    /// Item id.
    pub id: String,
    /// Title, else the request line.
    pub title: String,
    /// 项目名称 · 项目编号, if read.
    pub project: String,
    /// Status in Chinese.
    pub status: &'static str,
    /// Queue label.
    pub queue: String,
    /// Finding count.
    pub findings: i64,
    /// Categories in Chinese, joined.
    pub categories: String,
    /// Announcement type name.
    pub doc_type: String,
    /// Submitter, or —.
    pub submitter: String,
    /// When held (Beijing time).
    pub held_at: String,
    /// How long it has waited (held items) or its last change.
    pub waited: String,
}

/// Items per queue and status, linked to the filtered queue.
pub struct Count {
    /// Queue label.
    pub queue: String,
    /// Status in Chinese.
    pub status: &'static str,
    /// Items.
    pub n: i64,
    /// The queue page showing them.
    pub href: String,
}

/// The queue page.
pub struct QueueView {
    /// Status filter.
    pub statuses: Vec<Choice>,
    /// Queue filter.
    pub queues: Vec<Choice>,
    /// Category filter.
    pub categories: Vec<Choice>,
    /// Page sizes.
    pub limits: Vec<Choice>,
    /// The search text.
    pub q: String,
    /// Counts per queue and status.
    pub counts: Vec<Count>,
    /// This page's rows.
    pub rows: Vec<QueueRow>,
    /// The next page, if any.
    pub next: Option<String>,
}

fn select(name: &str, all: Option<&str>, choices: &[Choice]) -> Markup {
    html! {
        select name=(name) {
            @if let Some(all) = all { option value="" { (all) } }
            @for c in choices {
                option value=(c.value) selected[c.selected] { (c.label) }
            }
        }
    }
}

/// The queue: counts, filters and search, one row per item.
pub fn queue(nav: &Nav<'_>, v: &QueueView) -> Markup {
    layout(
        "复核队列",
        Some(nav),
        html! {
            h2 { "复核队列" }
            @if !v.counts.is_empty() {
                div.counts id="counts" {
                    @for c in &v.counts {
                        a href=(c.href) { (c.queue) " · " (c.status) "：" strong { (c.n) } }
                    }
                }
            }
            form method="get" action="/ui" {
                "状态 " (select("status", Some("全部"), &v.statuses))
                " 队列 " (select("queue", Some("全部"), &v.queues))
                " 类别 " (select("category", Some("全部"), &v.categories))
                " 搜索 " input name="q" value=(v.q) placeholder="标题、项目编号、提交人";
                " 每页 " (select("limit", None, &v.limits))
                " " button { "筛选" }
            }
            @if v.rows.is_empty() {
                p { "没有符合条件的条目。" }
            } @else {
                table id="queue" {
                    tr {
                        th { "公告" } th { "状态" } th { "队列" } th { "问题" } th { "类型" }
                        th { "提交人" } th { "提交时间" } th { "已等待" }
                    }
                    @for r in &v.rows {
                        tr.item {
                            td {
                                a href={ "/ui/holds/" (r.id) } { (r.title) }
                                @if !r.project.is_empty() { br; span.sub { (r.project) } }
                            }
                            td.status { (r.status) }
                            td { (r.queue) }
                            td { (r.findings) " 处：" (r.categories) }
                            td { (r.doc_type) }
                            td { (r.submitter) }
                            td { (r.held_at) }
                            td.waited { (r.waited) }
                        }
                    }
                }
            }
            @if let Some(next) = &v.next { p { a href=(next) { "下一页" } } }
        },
    )
}

/// A finding as the findings table shows it.
pub struct FindingRow {
    /// Category in Chinese.
    pub category: &'static str,
    /// Category id (the mark's class).
    pub category_id: String,
    /// Rule id.
    pub rule: String,
    /// Explanation.
    pub explanation: String,
    /// What it enforces.
    pub enforces: String,
    /// Where (part in Chinese, line).
    pub place: String,
    /// The value, masked.
    pub value: String,
}

impl FindingRow {
    /// From a stored (masked) finding.
    pub fn of(f: &Value) -> FindingRow {
        let get = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let category_id = get("category");
        let place = f
            .get("location")
            .map(|l| {
                format!(
                    "{} 第{}行",
                    part_zh(l.get("part").and_then(Value::as_str).unwrap_or("")),
                    l.get("line").and_then(Value::as_u64).unwrap_or(0)
                )
            })
            .unwrap_or_else(|| "全文".into());
        FindingRow {
            category: Category::parse(&category_id).map_or("其他", Category::label_zh),
            category_id,
            rule: get("rule"),
            explanation: get("explanation"),
            enforces: get("enforces"),
            place,
            value: get("excerpt"),
        }
    }
}

/// The findings as a table; row `i` links to mark `#f{i}`.
pub fn findings_table(rows: &[FindingRow]) -> Markup {
    html! {
        h3 { "发现的问题" }
        table id="findings" {
            tr { th { "#" } th { "类别" } th { "说明" } th { "内容（已打码）" } th { "依据" } th { "位置" } th { "规则" } }
            @for (i, f) in rows.iter().enumerate() {
                tr.finding {
                    td { a href={ "#f" (i) } { (i + 1) } }
                    td { (f.category) }
                    td { (f.explanation) }
                    td { code { (f.value) } }
                    td { (f.enforces) }
                    td { (f.place) }
                    td { code { (f.rule) } }
                }
            }
        }
    }
}

/// The extracted text, piece by piece, each finding's span in a `<mark
/// id=fN>` the findings table links to.
pub fn marked_text(text: &[MarkedPiece], rows: &[FindingRow]) -> Markup {
    html! {
        @for piece in text {
            div.part { (part_zh(&piece.part)) "（" (kind_zh(piece.kind)) "）" }
            pre.text {
                @for (text, finding) in segments(piece, rows.len()) {
                    @match finding {
                        Some(i) => {
                            @let f = &rows[i];
                            mark id={ "f" (i) } class=(f.category_id)
                                title={ (f.rule) "：" (f.explanation) "（" (f.enforces) "）" } { (text) }
                        }
                        None => (text),
                    }
                }
            }
        }
    }
}

/// A piece's text cut at its marks: `(text, Some(finding))` for a marked
/// span (spans are sorted and do not overlap; those naming no finding are
/// left unmarked).
fn segments(piece: &MarkedPiece, findings: usize) -> Vec<(&str, Option<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    for span in piece.spans.iter().filter(|s| s.finding < findings) {
        out.push((&piece.text[at..span.start], None));
        out.push((&piece.text[span.start..span.end], Some(span.finding)));
        at = span.end;
    }
    out.push((&piece.text[at..], None));
    out
}

fn kind_zh(kind: crate::model::PartKind) -> &'static str {
    use crate::model::PartKind as K;
    match kind {
        K::Content => "正文",
        K::Title => "标题",
        K::HeaderFooter => "页眉页脚",
        K::Footnote => "脚注",
        K::Hidden => "隐藏内容，页面上不显示",
        K::Comment => "批注或注释，页面上不显示",
        K::TrackedDeletion => "修订中删除的文字",
        K::Attribute => "属性，页面上不显示",
        K::Metadata => "文档属性",
    }
}

/// An audit action as reviewers read it.
pub fn audit_action_zh(action: &str) -> &str {
    match action {
        "held" => "暂缓发布，进入复核",
        "approved" => "批准按原文发布",
        "approved_masked" => "批准打码后发布",
        "rejected" => "驳回",
        "approve_refused" => "拒绝批准（提交人本人）",
        "approve_masked_refused" => "无法打码后发布",
        "delivered" => "已发布到平台",
        "failed" => "发布失败",
        "approved_retry" | "retry" => "发布未成功，稍后重试",
        "needs_reconcile" => "发布中断，需人工核对",
        "reconciled" => "人工核对",
        "purged" => "超过保留期限，已删除正文",
        "take_down" => "判定应撤下",
        "fine" => "判定无需处理",
        "login" => "登录",
        "login_failed" => "登录失败",
        "reload" => "重新加载策略和词典",
        other => other,
    }
}

/// An item's audit trail, oldest first; `detail` says an entry's detail
/// in the reviewer's words.
pub fn audit_table(
    audit: &[AuditEntry],
    time: impl Fn(i64) -> String,
    detail: impl Fn(&AuditEntry) -> String,
) -> Markup {
    html! {
        h3 { "审计记录" }
        @if audit.is_empty() {
            p id="no_audit" { "暂无记录。" }
        } @else {
            table id="audit" {
                tr { th { "时间" } th { "操作人" } th { "操作" } th { "说明" } }
                @for a in audit {
                    tr {
                        td { (time(a.at)) }
                        td { (if a.actor == "gateway" { "系统" } else { a.actor.as_str() }) }
                        td { (audit_action_zh(&a.action)) }
                        td { (detail(a)) }
                    }
                }
            }
        }
    }
}

/// What can be decided on a held item.
pub enum Decisions {
    /// Held, with no value to mask: approve or reject.
    Plain,
    /// Held, with these values (masked) that 打码后发布 would mask.
    Maskable(Vec<String>),
    /// Delivery interrupted, and the reader is an admin.
    Reconcile,
    /// Nothing to decide.
    None,
}

/// The item page.
pub struct ItemView {
    /// Item id.
    pub id: String,
    /// Title, if read.
    pub title: Option<String>,
    /// Label–value lines (queue, type, project…).
    pub meta: Vec<(&'static str, String)>,
    /// Status in Chinese.
    pub status: &'static str,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
    /// The findings.
    pub findings: Vec<FindingRow>,
    /// The text with marks; empty when purged or unreadable.
    pub text: Vec<MarkedPiece>,
    /// Why there is no text, if there is none.
    pub no_text: Option<&'static str>,
    /// The decisions offered.
    pub decisions: Decisions,
    /// Its audit trail.
    pub audit: Markup,
}

/// A held item: what it is, what was found where, and the decisions.
pub fn item(nav: &Nav<'_>, v: &ItemView) -> Markup {
    layout(
        "复核条目",
        Some(nav),
        html! {
            h2 { (v.title.as_deref().unwrap_or("（未识别标题）")) }
            p { "状态：" span.status id="status" { (v.status) } "　编号：" code { (v.id) } }
            dl.meta {
                @for (k, val) in &v.meta { dt { (k) } dd { (val) } }
            }
            @if let Some(e) = &v.last_error { p.err { "最近一次发布错误：" (e) } }
            (findings_table(&v.findings))
            h3 { "公告内容（已标出问题位置）" }
            @if let Some(why) = v.no_text { p { (why) } }
            (marked_text(&v.text, &v.findings))
            (decisions(&v.id, nav.csrf, &v.decisions))
            (v.audit)
        },
    )
}

fn reject_form(id: &str, csrf: &str) -> Markup {
    html! {
        form method="post" action={ "/ui/holds/" (id) "/reject" } {
            input type="hidden" name="csrf" value=(csrf);
            label { "驳回理由（必填，提交人可见）" textarea name="comment" required {} }
            button id="reject" { "驳回" }
        }
    }
}

fn decisions(id: &str, csrf: &str, d: &Decisions) -> Markup {
    html! {
        @match d {
            Decisions::Plain => {
                h3 { "复核决定" }
                div.actions {
                    form method="post" action={ "/ui/holds/" (id) "/approve" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "批准意见" textarea name="comment" {} }
                        button id="approve" { "批准发布" }
                    }
                    (reject_form(id, csrf))
                }
            }
            Decisions::Maskable(values) => {
                h3 { "复核决定" }
                p id="to_mask" {
                    "打码后发布将把以下 " (values.len()) " 处内容打码："
                    @for (i, v) in values.iter().enumerate() {
                        @if i > 0 { "、" }
                        code { (v) }
                    }
                }
                div.actions {
                    form method="post" action={ "/ui/holds/" (id) "/approve_masked" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "批准意见" textarea name="comment" {} }
                        button.primary id="approve_masked" { "打码后发布" }
                    }
                    form method="post" action={ "/ui/holds/" (id) "/approve" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "批准意见" textarea name="comment" {} }
                        button id="approve" { "按原文发布…" }
                    }
                    (reject_form(id, csrf))
                }
            }
            Decisions::Reconcile => {
                h3 { "人工核对" }
                p { "发布过程中断，无法确定发布平台是否已收到。请先在发布平台上核对，再选择：" }
                form method="post" action={ "/ui/holds/" (id) "/reconcile" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "说明" textarea name="comment" {} }
                    button name="outcome" value="delivered" { "平台上已有，记为已发布" } " "
                    button name="outcome" value="resend" { "平台上没有，重新发送" } " "
                    button name="outcome" value="failed" { "放弃发布" }
                }
            }
            Decisions::None => {}
        }
    }
}

/// The confirmation before publishing values unmasked.
pub fn confirm_original(nav: &Nav<'_>, id: &str, comment: &str, values: &[String]) -> Markup {
    layout(
        "确认按原文发布",
        Some(nav),
        html! {
            h2 { "确认按原文发布" }
            p.err {
                "以下 " (values.len()) " 处内容将" strong { "不打码" } "、按原文发布到网站上（此处打码显示）："
            }
            ul id="unmasked" { @for v in values { li { code { (v) } } } }
            p { "通常应选择“打码后发布”。确有必要公开原文时再确认。" }
            div.actions {
                form method="post" action={ "/ui/holds/" (id) "/approve" } {
                    input type="hidden" name="csrf" value=(nav.csrf);
                    input type="hidden" name="confirmed" value="true";
                    input type="hidden" name="comment" value=(comment);
                    button id="approve_confirm" { "确认按原文发布" }
                }
                form method="post" action={ "/ui/holds/" (id) "/approve_masked" } {
                    input type="hidden" name="csrf" value=(nav.csrf);
                    input type="hidden" name="comment" value=(comment);
                    button.primary id="approve_masked" { "改为打码后发布" }
                }
            }
            p { a href={ "/ui/holds/" (id) } { "返回" } }
        },
    )
}

/// One published document in the takedown list.
pub struct TakedownRow {
    /// Id.
    pub id: String,
    /// Document key (whole: the reader is signed in).
    pub doc_key: String,
    /// Where it was scanned from.
    pub source: String,
    /// Type name.
    pub doc_type: String,
    /// Categories in Chinese.
    pub categories: String,
    /// When scanned.
    pub scanned_at: String,
    /// Policy version.
    pub version: String,
    /// Status in Chinese.
    pub status: &'static str,
}

/// The takedown candidates.
pub fn takedown_list(nav: &Nav<'_>, rows: &[TakedownRow], next: Option<&str>) -> Markup {
    layout(
        "已发布公告复查",
        Some(nav),
        html! {
            h2 { "已发布公告复查（存量扫描发现的问题）" }
            p {
                "筛选："
                a href="/ui/takedown" { "待处理及已判定" } " · "
                a href="/ui/takedown?status=candidate" { "待判定" } " · "
                a href="/ui/takedown?status=take_down" { "应撤下" } " · "
                a href="/ui/takedown?status=fine" { "无需处理" }
            }
            table {
                tr { th { "文档" } th { "来源" } th { "类型" } th { "问题类别" } th { "扫描时间" } th { "检查版本" } th { "状态" } }
                @for r in rows {
                    tr.candidate {
                        td { a href={ "/ui/takedown/" (r.id) } { (r.doc_key) } }
                        td { (r.source) } td { (r.doc_type) } td { (r.categories) }
                        td { (r.scanned_at) } td { code { (r.version) } } td { (r.status) }
                    }
                }
            }
            @if rows.is_empty() { p { "没有条目。" } }
            @if let Some(next) = next { p { a href=(next) { "下一页" } } }
        },
    )
}

/// One published document.
pub struct TakedownView {
    /// Id.
    pub id: String,
    /// Document key.
    pub doc_key: String,
    /// Status in Chinese.
    pub status: &'static str,
    /// Label–value lines.
    pub meta: Vec<(&'static str, String)>,
    /// The findings.
    pub findings: Vec<FindingRow>,
    /// The page text with marks.
    pub text: Vec<MarkedPiece>,
    /// Why there is no text, if none.
    pub no_text: Option<&'static str>,
    /// Whether a decision can be made.
    pub decidable: bool,
    /// Its audit trail.
    pub audit: Markup,
}

/// A published document: findings, text, 应撤下 / 无需处理.
pub fn takedown_item(nav: &Nav<'_>, v: &TakedownView) -> Markup {
    layout(
        "已发布公告复查",
        Some(nav),
        html! {
            h2 { "已发布公告 " code { (v.doc_key) } }
            p { "状态：" span.status id="status" { (v.status) } }
            dl.meta { @for (k, val) in &v.meta { dt { (k) } dd { (val) } } }
            (findings_table(&v.findings))
            h3 { "页面内容（已标出问题位置）" }
            @if let Some(why) = v.no_text { p { (why) } }
            (marked_text(&v.text, &v.findings))
            @if v.decidable {
                p id="takedown_note" {
                    "“应撤下”只记录决定：请在发布平台上撤下该页面；公开访问在此期间继续被拦截（公开页面）。“无需处理”放行该版本。"
                }
                div.actions {
                    form method="post" action={ "/ui/takedown/" (v.id) "/decide" } {
                        input type="hidden" name="csrf" value=(nav.csrf);
                        input type="hidden" name="decision" value="take_down";
                        label { "说明（可选）" textarea name="comment" {} }
                        button id="take_down" { "应撤下" }
                    }
                    form method="post" action={ "/ui/takedown/" (v.id) "/decide" } {
                        input type="hidden" name="csrf" value=(nav.csrf);
                        input type="hidden" name="decision" value="fine";
                        label { "理由（必填）" textarea name="comment" required {} }
                        button id="fine" { "无需处理" }
                    }
                }
            }
            (v.audit)
        },
    )
}
