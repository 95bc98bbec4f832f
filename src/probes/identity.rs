//! placeholder
use super::{Outcome, Status};
use crate::snapshot::Snapshot;
pub const IDENTITY_CENTER: &str = "identity.identity-center";
pub const ADMIN_SPRAWL: &str = "identity.admin-sprawl";
pub const ROOT_MFA: &str = "identity.root-mfa";
pub fn identity_center(_s: &Snapshot) -> Outcome { Outcome::new(IDENTITY_CENTER, Status::Unknown, "") }
pub fn admin_sprawl(_s: &Snapshot) -> Outcome { Outcome::new(ADMIN_SPRAWL, Status::Unknown, "") }
pub fn root_mfa(_s: &Snapshot) -> Outcome { Outcome::new(ROOT_MFA, Status::Unknown, "") }
