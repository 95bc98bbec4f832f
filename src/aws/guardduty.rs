//! GuardDuty: the detectors of each account in each region (`ListDetectors`, `GetDetector`),
//! the administrator the management account names for each region
//! (`ListOrganizationAdminAccounts`), and, in that administrator account only, the
//! organization auto-enable setting (`DescribeOrganizationConfiguration`).
//!
//! GuardDuty's delegated administrator is set per region, so every one of these is read per
//! region. A region with no detector is a fact (GuardDuty off there), kept as an empty list; a
//! failed call is a gap.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::errors::{self, Ctx};
use super::ops::guardduty as op;
use super::session::Session;
use crate::snapshot::{Detector, GuardDutyOrgConfig, OrgAdminAccount, Record};

/// Detectors read at once. An account has at most one detector per region (GuardDuty
/// quota), so this only matters for emulators that allow more.
const DETECTOR_CONCURRENCY: usize = 2;

/// `ListDetectors` then `GetDetector` for each, in `ctx.region`.
pub async fn detectors(session: &Session, ctx: &Ctx) -> Record<Vec<Detector>> {
    let guardduty = session.guardduty(&ctx.region);
    let listed = guardduty
        .list_detectors()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let ids = match listed {
        Ok(ids) => ids,
        Err(err) => return ctx.record(op::LIST_DETECTORS, None, Err(err)),
    };

    let read: Result<Vec<Detector>, Record<Vec<Detector>>> = stream::iter(&ids)
        .map(|id| detector(&guardduty, ctx, id))
        .buffered(DETECTOR_CONCURRENCY)
        .try_collect()
        .await;
    match read {
        Ok(detectors) => Record::ok(ctx.source(op::LIST_DETECTORS, None), detectors),
        // The first detector that could not be read makes the region's answer unknown.
        Err(failed) => failed,
    }
}

/// `GetDetector`; on failure, the error record that stands for the whole region.
async fn detector(
    guardduty: &aws_sdk_guardduty::Client,
    ctx: &Ctx,
    id: &str,
) -> Result<Detector, Record<Vec<Detector>>> {
    let target = Some(id);
    let out = guardduty
        .get_detector()
        .detector_id(id)
        .send()
        .await
        .map_err(|err| ctx.record(op::GET_DETECTOR, target, Err(err)))?;
    let Some(status) = out.status() else {
        let error = errors::missing_field("Status");
        return Err(ctx.failed(op::GET_DETECTOR, target, error));
    };
    let features = out
        .features()
        .iter()
        .filter_map(|f| {
            let name = f.name()?.as_str().to_string();
            let status = f.status().map_or("", |s| s.as_str()).to_string();
            Some((name, status))
        })
        .collect();
    Ok(Detector {
        id: id.to_string(),
        status: status.as_str().to_string(),
        features,
    })
}

/// `ListOrganizationAdminAccounts` in `ctx.region`, read in the management account.
pub async fn admins(session: &Session, ctx: &Ctx) -> Record<Vec<OrgAdminAccount>> {
    let admins = session
        .guardduty(&ctx.region)
        .list_organization_admin_accounts()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|admins| {
            admins
                .iter()
                .filter_map(|a| {
                    Some(OrgAdminAccount {
                        account_id: a.admin_account_id()?.to_string(),
                        status: a.admin_status().map(|s| s.as_str().to_string()),
                    })
                })
                .collect()
        });
    ctx.record(op::LIST_ORGANIZATION_ADMIN_ACCOUNTS, None, admins)
}

/// `DescribeOrganizationConfiguration` on the administrator's detector in `ctx.region`.
pub async fn organization(
    session: &Session,
    ctx: &Ctx,
    detector_id: &str,
) -> Record<GuardDutyOrgConfig> {
    let config = session
        .guardduty(&ctx.region)
        .describe_organization_configuration()
        .detector_id(detector_id)
        .send()
        .await
        .map(|out| GuardDutyOrgConfig {
            detector_id: detector_id.to_string(),
            auto_enable_organization_members: out
                .auto_enable_organization_members()
                .map(|m| m.as_str().to_string()),
            member_account_limit_reached: out.member_account_limit_reached(),
        });
    ctx.record(
        op::DESCRIBE_ORGANIZATION_CONFIGURATION,
        Some(detector_id),
        config,
    )
}
