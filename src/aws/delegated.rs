//! The organization-wide settings of GuardDuty and Security Hub, read where they live: in the
//! account the management account names as the service's administrator, region by region.
//!
//! This runs after every account has been read, because it needs two of their answers: the
//! administrator lists (read in the management account) and the administrator's own detector
//! (GuardDuty's settings hang off it). When the management account's list could not be read,
//! the Organizations delegated administrator for the service stands in. An administrator that
//! was not entered, or has no detector or was not collected in that region, gets nothing
//! here (`None`), and the probes say `unknown`.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};

use super::errors::Ctx;
use super::session::Session;
use super::{guardduty, securityhub};
use crate::snapshot::{
    AccountEvidence, GuardDutyOrgConfig, OrgAdminAccount, OrgEvidence, Record, RegionEvidence,
    SecurityHubOrgConfig,
};

/// Service principals as Organizations lists them for delegated administrators.
const GUARDDUTY_PRINCIPAL: &str = "guardduty.amazonaws.com";
const SECURITYHUB_PRINCIPAL: &str = "securityhub.amazonaws.com";

/// Administrator reads made at once: one per (service, region), each a single light call.
const ADMIN_CONCURRENCY: usize = 8;

/// One read to make: which service, in which administrator account and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    GuardDuty,
    SecurityHub,
}

/// What one read returned.
enum Found {
    GuardDuty(Record<GuardDutyOrgConfig>),
    SecurityHub(Record<SecurityHubOrgConfig>),
}

/// Reads the organization settings in each region's administrators and files them in the
/// administrators' regional evidence.
pub async fn collect(
    accounts: &mut [AccountEvidence],
    sessions: &BTreeMap<String, Session>,
    organization: &OrgEvidence,
    management: Option<&str>,
    ctx: &Ctx,
) {
    let jobs = jobs(accounts, organization, management);
    let found: Vec<(String, String, Found)> = stream::iter(jobs)
        .map(|(service, admin, region)| {
            let accounts = &*accounts;
            async move {
                let session = sessions.get(&admin)?;
                let evidence = region_of(accounts, &admin, &region)?;
                let ctx = ctx.at(&admin, &region);
                let found = match service {
                    Service::GuardDuty => {
                        let detector = first_detector(evidence)?;
                        Found::GuardDuty(guardduty::organization(session, &ctx, detector).await)
                    }
                    Service::SecurityHub => {
                        Found::SecurityHub(securityhub::organization(session, &ctx).await)
                    }
                };
                Some((admin, region, found))
            }
        })
        .buffered(ADMIN_CONCURRENCY)
        .filter_map(|found| async move { found })
        .collect()
        .await;

    for (admin, region, found) in found {
        let Some(evidence) = accounts
            .iter_mut()
            .find(|a| a.account_id == admin)
            .and_then(|a| a.regional.iter_mut().find(|r| r.region == region))
        else {
            continue;
        };
        match found {
            Found::GuardDuty(record) => evidence.guardduty_org = Some(record),
            Found::SecurityHub(record) => evidence.securityhub_org = Some(record),
        }
    }
}

/// Every (service, administrator, region) the management account's evidence points to.
fn jobs(
    accounts: &[AccountEvidence],
    organization: &OrgEvidence,
    management: Option<&str>,
) -> Vec<(Service, String, String)> {
    let Some(management) = accounts
        .iter()
        .find(|a| Some(a.account_id.as_str()) == management)
    else {
        return Vec::new();
    };
    let mut jobs = Vec::new();
    for region in &management.regional {
        let services = [
            (
                Service::GuardDuty,
                &region.guardduty_admins,
                GUARDDUTY_PRINCIPAL,
            ),
            (
                Service::SecurityHub,
                &region.securityhub_admins,
                SECURITYHUB_PRINCIPAL,
            ),
        ];
        for (service, listed, principal) in services {
            for admin in administrators(listed.as_ref(), organization, principal) {
                jobs.push((service, admin, region.region.clone()));
            }
        }
    }
    jobs.sort_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
    jobs.dedup();
    jobs
}

/// The administrators a service names, or, when that list is unknown, the Organizations
/// delegated administrators for its principal.
fn administrators(
    listed: Option<&Record<Vec<OrgAdminAccount>>>,
    organization: &OrgEvidence,
    principal: &str,
) -> Vec<String> {
    if let Some(admins) = listed.and_then(Record::value) {
        return admins.iter().map(|a| a.account_id.clone()).collect();
    }
    organization
        .delegated_administrators
        .as_ref()
        .and_then(Record::value)
        .into_iter()
        .flatten()
        .filter(|d| d.services.iter().any(|s| s == principal))
        .map(|d| d.account_id.clone())
        .collect()
}

fn region_of<'a>(
    accounts: &'a [AccountEvidence],
    account: &str,
    region: &str,
) -> Option<&'a RegionEvidence> {
    accounts
        .iter()
        .find(|a| a.account_id == account)?
        .regional
        .iter()
        .find(|r| r.region == region)
}

/// The account's detector in that region (there is at most one per account and region).
fn first_detector(region: &RegionEvidence) -> Option<&str> {
    let detectors = region.guardduty.as_ref()?.value()?;
    detectors.first().map(|d| d.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{DelegatedAdministrator, Provenance};

    fn source() -> Provenance {
        Provenance {
            service: "organizations".into(),
            operation: "ListDelegatedAdministrators".into(),
            account: "111111111111".into(),
            region: "us-east-1".into(),
            collected_at: chrono::Utc::now(),
            target: None,
        }
    }

    #[test]
    fn the_service_list_decides_and_organizations_stands_in_when_it_failed() {
        let org = OrgEvidence {
            delegated_administrators: Some(Record::ok(
                source(),
                vec![DelegatedAdministrator {
                    account_id: "222222222222".into(),
                    name: "audit".into(),
                    services: vec![GUARDDUTY_PRINCIPAL.into()],
                }],
            )),
            ..OrgEvidence::default()
        };
        let listed = Record::ok(source(), Vec::new());
        assert!(administrators(Some(&listed), &org, GUARDDUTY_PRINCIPAL).is_empty());
        let failed = Record::err(
            source(),
            crate::snapshot::CallError {
                kind: crate::snapshot::ErrorKind::NotImplemented,
                code: "HTTP 404".into(),
                message: String::new(),
            },
        );
        assert_eq!(
            administrators(Some(&failed), &org, GUARDDUTY_PRINCIPAL),
            ["222222222222"]
        );
        assert!(administrators(Some(&failed), &org, SECURITYHUB_PRINCIPAL).is_empty());
    }
}
