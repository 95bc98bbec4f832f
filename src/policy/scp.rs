//! Service control policies through the organization tree (domain.md 2.1.2): SCPs grant
//! nothing, bind every member principal including the root user, skip the management account
//! and service-linked roles, and need an Allow at *every* level of the path root → OUs →
//! account. A Deny at any level is found with the other Denies in [`super::eval`]; this
//! module owns the per-level Allow rule, so an allow-list strategy works once
//! `FullAWSAccess` is detached, and an account left with only a Deny SCP allows nothing
//! (case 13).

use super::document::Effect;
use super::eval::{implicit, Evaluation, Found, NamedPolicy, Place};
use super::request::{PrincipalKind, Request};

/// The SCPs attached directly to one node of the path.
#[derive(Debug, Clone)]
pub struct Level {
    /// `root`, an OU name or id, `account`: what reports call the level.
    pub name: String,
    pub policies: Vec<NamedPolicy>,
}

/// Whether SCPs bind this request's principal at all.
pub fn applies_to(request: &Request) -> bool {
    !request.management_account && request.principal_kind != Some(PrincipalKind::ServiceLinkedRole)
}

/// The first level, from the root down, where no SCP allows the request for sure. A level
/// whose Allows hold only under open conditions (an allow-list on `aws:RequestedRegion`
/// when no Region was given) does not allow: the answer stays "denied unless", with the
/// conditions in the notes.
pub(crate) fn missing_allow(levels: &[Level], found: &[Found]) -> Option<Evaluation> {
    levels.iter().enumerate().find_map(|(i, level)| {
        let here: Vec<&Found> = found.iter().filter(|f| f.level == Some(i)).collect();
        let allowed = here
            .iter()
            .any(|f| f.hit.statement.effect == Effect::Allow && f.hit.settled());
        (!allowed).then(|| implicit(&level.name, here, Place::Scp))
    })
}
