//! placeholder
use super::{Outcome, Status};
use crate::snapshot::Snapshot;
pub const SEPARATE_ENVIRONMENTS: &str = "org.separate-environments";
pub const SCP_AT_OU: &str = "org.scp-at-ou";
pub fn separate_environments(_s: &Snapshot) -> Outcome { Outcome::new(SEPARATE_ENVIRONMENTS, Status::Unknown, "") }
pub fn scp_at_ou(_s: &Snapshot) -> Outcome { Outcome::new(SCP_AT_OU, Status::Unknown, "") }
