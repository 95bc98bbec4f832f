//! Regional evidence of one account: which regions it has enabled (`account:ListRegions`),
//! then, in each enabled region that is also asked for, GuardDuty, Security Hub, AWS Config
//! and AWS Backup, plus the management-account-only reads (GuardDuty and Security Hub
//! administrators, tagged resources).
//!
//! Regions are chosen per account: `--regions` when given, narrowed to the regions the
//! account has enabled (an opt-in region it never enabled is out of scope, not a gap);
//! without `--regions`, every enabled region. When the enabled list cannot be read, the
//! `--regions` list (or the run's region) is collected and the error stays in the record.

use std::future::Future;

use futures::stream::{self, StreamExt};

use super::errors::Ctx;
use super::ops::account as op;
use super::session::{Plan, Session};
use super::{backup, configservice, guardduty, securityhub, tagging};
use crate::snapshot::{Record, RegionEvidence};

/// Regions of one account read at once. Each region makes about ten light calls, and the
/// services throttle per account and region, so regions could all run together; four keeps
/// one account from holding dozens of connections while `--concurrency` accounts run.
const REGION_CONCURRENCY: usize = 4;

/// `account:ListRegions` page size: the API's maximum of 50.
const LIST_REGIONS_PAGE: i32 = 50;

/// The `RegionOptStatus` values of a region the account can use.
const ENABLED_STATUSES: [&str; 2] = ["ENABLED", "ENABLED_BY_DEFAULT"];

/// Reads the enabled regions, then every region to collect. Returns both.
pub async fn collect(
    session: &Session,
    ctx: &Ctx,
    plan: &Plan,
    is_management: bool,
) -> (Record<Vec<String>>, Vec<RegionEvidence>) {
    let enabled = enabled_regions(session, ctx).await;
    let regions = regions_to_collect(enabled.value().map(Vec::as_slice), plan);
    let regional = stream::iter(regions)
        .map(|region| async move {
            let ctx = ctx.at(&ctx.account, &region);
            region_evidence(session, &ctx, is_management).await
        })
        .buffered(REGION_CONCURRENCY)
        .collect()
        .await;
    (enabled, regional)
}

/// `account:ListRegions` for the session's own account, enabled regions only, sorted.
async fn enabled_regions(session: &Session, ctx: &Ctx) -> Record<Vec<String>> {
    use aws_sdk_account::types::RegionOptStatus;
    let regions = session
        .account()
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .max_results(LIST_REGIONS_PAGE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|list| {
            let mut names: Vec<String> = list
                .iter()
                // The filter is asked for, and checked again: an emulator may ignore it.
                .filter(|r| {
                    r.region_opt_status()
                        .is_some_and(|s| ENABLED_STATUSES.contains(&s.as_str()))
                })
                .filter_map(|r| r.region_name().map(str::to_string))
                .collect();
            names.sort();
            names
        });
    ctx.record(op::LIST_REGIONS, None, regions)
}

/// The regions to collect in, given the enabled list when it is known.
pub fn regions_to_collect(enabled: Option<&[String]>, plan: &Plan) -> Vec<String> {
    match enabled {
        Some(enabled) if plan.regions_explicit => plan
            .regions
            .iter()
            .filter(|r| enabled.contains(r))
            .cloned()
            .collect(),
        Some(enabled) => enabled.to_vec(),
        None => plan.regions.clone(),
    }
}

/// Everything read in one region of one account.
async fn region_evidence(session: &Session, ctx: &Ctx, is_management: bool) -> RegionEvidence {
    let (detectors, hub, recorders, aggregators, vaults, plans) = tokio::join!(
        guardduty::detectors(session, ctx),
        securityhub::hub(session, ctx),
        configservice::recorders(session, ctx),
        configservice::aggregators(session, ctx),
        backup::vaults(session, ctx),
        backup::plans(session, ctx),
    );
    // Only the management account names the administrators and must host no workloads.
    let (guardduty_admins, securityhub_admins, tagged) = tokio::join!(
        only_if(is_management, guardduty::admins(session, ctx)),
        only_if(is_management, securityhub::admins(session, ctx)),
        only_if(is_management, tagging::tagged_resources(session, ctx)),
    );
    RegionEvidence {
        region: ctx.region.clone(),
        guardduty: Some(detectors),
        guardduty_org: None,
        guardduty_admins,
        securityhub: Some(hub),
        securityhub_org: None,
        securityhub_admins,
        config_recorders: Some(recorders),
        config_aggregators: Some(aggregators),
        backup_vaults: Some(vaults),
        backup_plans: Some(plans),
        tagged_resources: tagged,
    }
}

/// Awaits `read` when `ask` holds; otherwise the call is never made.
async fn only_if<T>(ask: bool, read: impl Future<Output = T>) -> Option<T> {
    match ask {
        true => Some(read.await),
        false => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(regions: &[&str], explicit: bool) -> Plan {
        Plan {
            region: "us-east-1".into(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            regions_explicit: explicit,
            role_name: "OrganizationAccountAccessRole".into(),
            concurrency: 1,
        }
    }

    #[test]
    fn regions_are_the_enabled_ones_narrowed_by_regions_or_the_list_when_unknown() {
        let enabled = ["eu-west-1".to_string(), "us-east-1".to_string()];
        let asked = plan(&["us-east-1", "ap-east-1", "eu-west-1"], true);
        assert_eq!(
            regions_to_collect(Some(&enabled), &asked),
            ["us-east-1", "eu-west-1"],
            "an opt-in region the account never enabled is out of scope"
        );
        let default = plan(&["us-east-1"], false);
        assert_eq!(
            regions_to_collect(Some(&enabled), &default),
            ["eu-west-1", "us-east-1"]
        );
        assert_eq!(regions_to_collect(None, &asked), asked.regions);
    }
}
