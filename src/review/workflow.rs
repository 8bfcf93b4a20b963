//! The review workflow: the decisions reviewers and admins make, with
//! every check and what follows each (audit, notifier, delivery). The JSON
//! API and the UI are adapters over it: each maps a [`WorkflowError`] to
//! its own answer (a status and English JSON; a Chinese page).

use crate::review::auth::{Principal, Role};
use crate::review::masking::{self, MaskRefusal};
use crate::review::state::ReviewState;
use crate::review::webhook::StateChange;
use crate::store::{HoldDetail, HoldStatus, StoreError, TakedownStatus, now_ms};

/// The queue takedown candidates are in (accounts are granted it like any
/// other queue).
pub const TAKEDOWN_QUEUE: &str = "takedown";

/// Why a decision was not made.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// No such item, or one in a queue the account is not granted (the
    /// two look the same, so ids cannot be probed).
    #[error("no such item")]
    NotFound,
    /// The submitter of an item asked to approve it.
    #[error("the submitter of an item cannot approve it")]
    OwnSubmission,
    /// The action is for admins.
    #[error("admins only")]
    AdminsOnly,
    /// The item has moved on (another reviewer or replica was first).
    #[error("{0}")]
    Conflict(String),
    /// The decision needs a reason (a rejection; keeping a finding public).
    #[error("{0}")]
    NeedsReason(&'static str),
    /// The decision is not one of those offered.
    #[error("{0}")]
    UnknownChoice(&'static str),
    /// Approval with masking was asked for and cannot be done safely.
    #[error("cannot approve masked: {0}")]
    NotMaskable(MaskRefusal),
    /// The store failed.
    #[error("store unavailable")]
    Store(StoreError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> WorkflowError {
        match e {
            StoreError::NotFound => WorkflowError::NotFound,
            StoreError::Conflict(s) => {
                WorkflowError::Conflict(format!("item is {s}; this action needs status held"))
            }
            other => WorkflowError::Store(other),
        }
    }
}

/// Approve or reject a held item, with every check: the queue is granted,
/// the reviewer is not the submitter, a rejection has a reason. Refusals
/// are audited too. An approval wakes the delivery worker.
pub async fn decide(
    app: &ReviewState,
    user: &Principal,
    id: &str,
    to: HoldStatus,
    comment: &str,
) -> Result<(), WorkflowError> {
    let item = checked(app, user, id, to, comment).await?;
    app.store.decide(id, to, &user.name, comment.trim()).await?;
    decided(app, user, &item, to, comment.trim());
    Ok(())
}

/// 打码后发布: approve a held item with every personal-data and
/// procurement-secret value masked (see [`masking`]); the same checks as
/// [`decide`]. Returns the values as they will now read. Nothing is
/// approved when the masking cannot be shown complete.
pub async fn approve_masked(
    app: &ReviewState,
    user: &Principal,
    id: &str,
    comment: &str,
) -> Result<Vec<String>, WorkflowError> {
    let item = checked(app, user, id, HoldStatus::Approved, comment).await?;
    if item.summary.status != HoldStatus::Held {
        return Err(StoreError::Conflict(item.summary.status).into());
    }
    let masked = match masking::mask(app, &item.request).await {
        Ok(m) => m,
        Err(refusal) => {
            app.store
                .audit(
                    &user.name,
                    "approve_masked_refused",
                    Some(id),
                    &refusal.zh(),
                )
                .await?;
            return Err(WorkflowError::NotMaskable(refusal));
        }
    };
    let detail = format!(
        "{} | masked {}: {}",
        comment.trim(),
        masked.values.len(),
        masked.values.join(", ")
    );
    app.store
        .approve_masked(id, &user.name, comment.trim(), &masked.request, &detail)
        .await?;
    decided(app, user, &item, HoldStatus::Approved, comment.trim());
    Ok(masked.values)
}

/// The checks every decision on a held item passes.
async fn checked(
    app: &ReviewState,
    user: &Principal,
    id: &str,
    to: HoldStatus,
    comment: &str,
) -> Result<HoldDetail, WorkflowError> {
    let item = app.store.get(id).await?;
    if !user.may_see(&item.summary.queue) {
        return Err(WorkflowError::NotFound);
    }
    if to == HoldStatus::Approved && user.is_submitter(item.summary.submitter.as_deref()) {
        app.store
            .audit(
                &user.name,
                "approve_refused",
                Some(id),
                "reviewer is the submitter",
            )
            .await?;
        return Err(WorkflowError::OwnSubmission);
    }
    if to == HoldStatus::Rejected && comment.trim().is_empty() {
        return Err(WorkflowError::NeedsReason("a rejection needs a reason"));
    }
    Ok(item)
}

/// What follows a decision: the notifier (a rejection tells its reason
/// and the masked findings, for the submitter), and delivery for an
/// approval.
fn decided(app: &ReviewState, user: &Principal, item: &HoldDetail, to: HoldStatus, comment: &str) {
    let rejected = to == HoldStatus::Rejected;
    app.state_changed(StateChange {
        id: item.summary.id.clone(),
        from: Some(HoldStatus::Held),
        to,
        queue: Some(item.summary.queue.clone()),
        actor: user.name.clone(),
        at: now_ms(),
        reason: rejected.then(|| comment.to_string()),
        findings: rejected
            .then(|| serde_json::from_str(&item.findings_json).ok())
            .flatten(),
    });
    if to == HoldStatus::Approved {
        app.delivery_wake.notify_one();
    }
}

/// An admin's resolution of a `needs_reconcile` item: `delivered` (the
/// platform has it), `resend`, or `failed` (give up).
pub async fn resolve(
    app: &ReviewState,
    user: &Principal,
    id: &str,
    outcome: &str,
    comment: &str,
) -> Result<HoldStatus, WorkflowError> {
    if user.role != Role::Admin {
        return Err(WorkflowError::AdminsOnly);
    }
    let to = match outcome {
        "delivered" => HoldStatus::Delivered,
        "resend" => HoldStatus::Approved,
        "failed" => HoldStatus::Failed,
        _ => {
            return Err(WorkflowError::UnknownChoice(
                "outcome must be delivered, resend or failed",
            ));
        }
    };
    app.store.reconcile(id, to, &user.name, comment).await?;
    app.state_changed(StateChange {
        id: id.to_string(),
        from: Some(HoldStatus::NeedsReconcile),
        to,
        queue: None,
        actor: user.name.clone(),
        at: now_ms(),
        reason: None,
        findings: None,
    });
    app.delivery_wake.notify_one();
    Ok(to)
}

/// A decision on a published page: `take_down` or `fine`. The takedown
/// queue must be granted; "fine" needs a reason (it keeps a finding
/// public).
pub async fn decide_takedown(
    app: &ReviewState,
    user: &Principal,
    id: &str,
    decision: &str,
    comment: &str,
) -> Result<TakedownStatus, WorkflowError> {
    if !user.may_see(TAKEDOWN_QUEUE) {
        return Err(WorkflowError::NotFound);
    }
    let to = match decision {
        "take_down" => TakedownStatus::TakeDown,
        "fine" => TakedownStatus::Fine,
        _ => {
            return Err(WorkflowError::UnknownChoice(
                "decision must be take_down or fine",
            ));
        }
    };
    if to == TakedownStatus::Fine && comment.trim().is_empty() {
        return Err(WorkflowError::NeedsReason(
            "marking a document fine needs a reason",
        ));
    }
    match app
        .store
        .decide_takedown(id, to, &user.name, comment.trim())
        .await
    {
        Ok(()) => Ok(to),
        Err(StoreError::TakedownConflict(now)) => Err(WorkflowError::Conflict(format!(
            "document is {now}; it cannot be marked {to}"
        ))),
        Err(e) => Err(e.into()),
    }
}
