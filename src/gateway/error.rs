//! Why the gateway could not do what a request asked, by the side that
//! failed: the client's request (too large, too slow, broken, undecodable,
//! unsplittable), the publishing platform, or the store. Each becomes one
//! answer, with a Chinese message for the submitter and an English detail
//! for the operator; none forwards anything.

use http::{HeaderValue, Response, StatusCode, header};

use crate::gateway::body::BodyError;
use crate::gateway::reply;
use crate::intake::decode::DecodeError;
use crate::intake::{IntakeError, SplitError};
use crate::store::StoreError;
use crate::upstream::{ProxyBody, UpstreamError};

/// A failure on the way through the gateway.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The request's body could not be read whole, in time.
    #[error(transparent)]
    Body(#[from] BodyError),
    /// The request's body could not be decoded or split into its parts.
    #[error(transparent)]
    Intake(#[from] IntakeError),
    /// The publishing platform did not answer.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// The review queue could not keep a hold.
    #[error("the review queue is unavailable: {0}")]
    Store(#[from] StoreError),
}

impl GatewayError {
    /// Which side failed: `client`, `upstream` or `store`.
    pub fn side(&self) -> &'static str {
        match self {
            GatewayError::Body(_) | GatewayError::Intake(_) => "client",
            GatewayError::Upstream(_) => "upstream",
            GatewayError::Store(_) => "store",
        }
    }

    /// The answer to the client.
    pub fn response(&self) -> Response<ProxyBody> {
        let detail = self.to_string();
        let (status, code, zh) = match self {
            GatewayError::Body(BodyError::TooLarge { .. }) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "提交内容超过检查上限，未发布。请压缩附件或分开提交。",
            ),
            GatewayError::Body(BodyError::Timeout(_)) => (
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "提交内容接收超时，未发布。",
            ),
            GatewayError::Body(BodyError::Broken) => (
                StatusCode::BAD_REQUEST,
                "body_unreadable",
                "提交内容不完整，未发布。",
            ),
            GatewayError::Intake(IntakeError::Decode(e)) => match e {
                DecodeError::TooLarge { .. } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "解压后的提交内容超过检查上限，未发布。",
                ),
                DecodeError::Unsupported(_) => (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_encoding",
                    "不支持的压缩格式，未发布。",
                ),
                DecodeError::Corrupt => (
                    StatusCode::BAD_REQUEST,
                    "bad_encoding",
                    "压缩内容损坏或解压后过大，未发布。",
                ),
            },
            GatewayError::Intake(IntakeError::Split(e)) => (
                match e {
                    SplitError::TooManyParts(_) => StatusCode::PAYLOAD_TOO_LARGE,
                    SplitError::Multipart(_) => StatusCode::BAD_REQUEST,
                },
                match e {
                    SplitError::TooManyParts(_) => "too_many_parts",
                    SplitError::Multipart(_) => "bad_multipart",
                },
                "提交内容格式错误，无法检查，未发布。",
            ),
            GatewayError::Upstream(UpstreamError::Timeout(t)) => {
                return reply::error(
                    StatusCode::GATEWAY_TIMEOUT,
                    "upstream_timeout",
                    "发布平台响应超时，请稍后重试。",
                    &format!("the publishing platform did not answer within {t:?}"),
                );
            }
            GatewayError::Upstream(_) => (
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "发布平台暂时无法访问，请稍后重试。",
            ),
            GatewayError::Store(_) => {
                let mut response = reply::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "公告需要人工复核，但复核队列暂时不可用，未发布。请稍后重新提交。",
                    "the review queue is unavailable; the request was not forwarded",
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
                return response;
            }
        };
        reply::error(status, code, zh, &detail)
    }
}
