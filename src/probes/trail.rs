//! placeholder
use super::{Outcome, Status};
use crate::snapshot::Snapshot;
pub const AUDIT_ACCOUNT: &str = "trail.audit-account";
pub fn audit_account(_s: &Snapshot) -> Outcome { Outcome::new(AUDIT_ACCOUNT, Status::Unknown, "") }
