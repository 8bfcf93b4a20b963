//! 打码后发布: approving a held item with every flagged value masked.
//!
//! The stored request is read and scanned again exactly as the gateway
//! read it (the stored findings carry only masked values, and masking
//! needs the real ones), each personal-data and procurement-secret value is
//! rewritten by the same [`redact`](crate::redact) the inline `redact`
//! action uses, and the result is scanned once more. Only a request in
//! which no such value can still be read is approved; anything else is
//! refused with the reason, and the reviewer decides again. Classified
//! content is never "fixed" by masking, and a request with parts that
//! could not be read cannot be shown to be masked completely.

use bytes::Bytes;

use crate::engine::{Expect, Report};
use crate::intake;
use crate::model::{Action, Category, Finding};
use crate::review::state::ReviewState;
use crate::store::StoredRequest;

/// Why a held request cannot be approved masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaskRefusal {
    /// The body is compressed or transfer-encoded: its bytes cannot be
    /// rewritten exactly.
    #[error("the body is sent encoded ({0}); it cannot be masked byte for byte")]
    Encoded(String),
    /// Classified content: masking does not make it publishable.
    #[error("the item has classified content; masking does not make it publishable")]
    Classified,
    /// Parts that were not read: nobody can say every value was masked.
    #[error("parts of the item could not be read ({0}); masking cannot be shown complete")]
    Unread(String),
    /// No personal data or procurement secret to mask.
    #[error("the item has no value that masking would change")]
    NothingToMask,
    /// A value is split by markup, written with entities, sits in a part
    /// that is not rewritten (an attachment, the query), or the body type
    /// cannot be rewritten exactly.
    #[error("not every flagged value can be found and masked in the body as sent")]
    NotRewritable,
    /// After masking, the scan still reads these values (shown masked).
    #[error("after masking, these values are still readable: {}", .0.join(", "))]
    StillReadable(Vec<String>),
    /// The stored request could not be read or scanned again.
    #[error("the stored request could not be scanned again")]
    Unscanned,
}

impl MaskRefusal {
    /// The reason in the reviewer's words.
    pub fn zh(&self) -> String {
        match self {
            MaskRefusal::Encoded(how) => {
                format!("请求正文经过编码（{how}），无法逐字节打码。")
            }
            MaskRefusal::Classified => "含涉密内容，打码不能使其可以发布。".into(),
            MaskRefusal::Unread(parts) => {
                format!("部分内容未能读取（{parts}），无法确认已全部打码。")
            }
            MaskRefusal::NothingToMask => "没有需要打码的个人信息或采购秘密。".into(),
            MaskRefusal::NotRewritable => {
                "有被标出的内容无法在原文中逐字找到并替换（可能被标签拆开、以实体编码书写，或位于附件、网址中）。"
                    .into()
            }
            MaskRefusal::StillReadable(values) => {
                format!("打码后重新检查，仍能读出：{}。", values.join("、"))
            }
            MaskRefusal::Unscanned => "无法重新读取或检查所存的请求。".into(),
        }
    }
}

/// A request ready to deliver with its values masked.
#[derive(Debug, Clone)]
pub struct Masked {
    /// The request with the masked body (method, target and headers as
    /// stored).
    pub request: StoredRequest,
    /// Each masked value as it will now read (`370102********1237`).
    pub values: Vec<String>,
}

/// Finding categories whose values are masked on approval.
pub fn maskable(category: Category) -> bool {
    matches!(
        category,
        Category::PersonalData | Category::ProcurementConfidential
    )
}

/// Masks every flagged value of `request`, or says why it cannot.
pub async fn mask(app: &ReviewState, request: &StoredRequest) -> Result<Masked, MaskRefusal> {
    for name in ["content-encoding", "content-transfer-encoding"] {
        if let Some((_, v)) = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            && !String::from_utf8_lossy(v)
                .trim()
                .eq_ignore_ascii_case("identity")
        {
            return Err(MaskRefusal::Encoded(format!(
                "{name}: {}",
                String::from_utf8_lossy(v).trim()
            )));
        }
    }
    let report = scan(app, request, &request.body).await?;
    let active: Vec<&Finding> = report
        .verdict
        .findings
        .iter()
        .filter(|f| f.action != Action::Pass)
        .collect();
    if active.iter().any(|f| f.category == Category::Classified) {
        return Err(MaskRefusal::Classified);
    }
    let unread: Vec<&str> = active
        .iter()
        .filter(|f| f.category == Category::Unscannable)
        .map(|f| f.location.as_ref().map_or("全文", |l| l.part.as_str()))
        .collect();
    if !unread.is_empty() {
        return Err(MaskRefusal::Unread(unread.join(", ")));
    }
    let to_mask: Vec<Finding> = report
        .verdict
        .findings
        .iter()
        .filter(|f| f.action != Action::Pass && maskable(f.category) && f.value.is_some())
        .map(|f| Finding {
            action: Action::Redact,
            ..f.clone()
        })
        .collect();
    if to_mask.is_empty() {
        return Err(MaskRefusal::NothingToMask);
    }
    let content_type = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    let body = crate::redact::redact(
        content_type.as_deref(),
        &request.body,
        &to_mask,
        &report.pieces,
    )
    .ok_or(MaskRefusal::NotRewritable)?;
    let again = scan(app, request, &body).await?;
    let left: Vec<String> = again
        .verdict
        .findings
        .iter()
        .filter(|f| f.action != Action::Pass && maskable(f.category))
        .map(|f| f.excerpt.clone())
        .collect();
    if !left.is_empty() {
        return Err(MaskRefusal::StillReadable(left));
    }
    let mut values: Vec<String> = to_mask
        .iter()
        .filter_map(|f| f.value.as_ref().map(|v| v.masked().to_string()))
        .collect();
    values.dedup();
    Ok(Masked {
        request: StoredRequest {
            body,
            ..request.clone()
        },
        values,
    })
}

/// Reads `body` with `request`'s method, target and headers through the one
/// door into intake, and scans it as the gateway would.
async fn scan(
    app: &ReviewState,
    request: &StoredRequest,
    body: &[u8],
) -> Result<Report, MaskRefusal> {
    let head = intake::Head {
        method: request.method.clone(),
        target: request.uri.clone(),
        headers: request.headers.clone(),
    };
    let read = intake::read(&head, Bytes::copy_from_slice(body), &app.settings.intake)
        .await
        .map_err(|_| MaskRefusal::Unscanned)?;
    let engine = app.engine();
    tokio::task::spawn_blocking(move || {
        let doc = intake::to_document(&engine, &read.uploads);
        // Only leaks matter here: the reviewer has already weighed the
        // missing fields and figures.
        engine.scan_document_as(doc, None, Expect::AnyContent)
    })
    .await
    .map_err(|_| MaskRefusal::Unscanned)
}
