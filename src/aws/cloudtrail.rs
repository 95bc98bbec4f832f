//! CloudTrail: every trail each account sees in each region (`DescribeTrails`, shadow trails
//! included), then, once per unique trail, its status and event selectors.
//!
//! The same trail shows up in many listings: a multi-region trail in every region, an
//! organization trail in every member account. Trails are deduplicated by ARN, and details are
//! read by ARN (never the bare name, which resolves only in the caller's own account and
//! region) in the trail's owner account (the account in the ARN) and home region. When the
//! owner was not collected, a listing account asks by ARN instead, as the CloudTrail API
//! documents for shadow trails; the provenance says which account answered.

use std::collections::BTreeMap;

use futures::future::join_all;
use futures::stream::{self, StreamExt};

use super::errors::{self, Ctx};
use super::ops::cloudtrail as op;
use super::session::Session;
use super::to_time;
use crate::snapshot::{
    AccountEvidence, AdvancedEventSelector, BasicEventSelector, EventSelectors, FieldSelector,
    Record, Trail, TrailDetails, TrailStatus,
};

/// Unique trails whose details are read at once. CloudTrail's control-plane reads allow a
/// few requests per second per account and region
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html);
/// trails are few, so a small number keeps well inside that.
const TRAIL_CONCURRENCY: usize = 4;

/// `DescribeTrails` in each region, as seen from one account.
pub async fn list(session: &Session, ctx: &Ctx, regions: &[String]) -> Vec<Record<Vec<Trail>>> {
    join_all(regions.iter().map(|region| async move {
        let ctx = ctx.at(&ctx.account, region);
        let cloudtrail = session.cloudtrail(region);
        let trails = cloudtrail
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .map(|out| out.trail_list().iter().filter_map(to_trail).collect());
        ctx.record(op::DESCRIBE_TRAILS, None, trails)
    }))
    .await
}

fn to_trail(t: &aws_sdk_cloudtrail::types::Trail) -> Option<Trail> {
    Some(Trail {
        name: t.name().unwrap_or_default().to_string(),
        arn: t.trail_arn()?.to_string(),
        home_region: t.home_region().unwrap_or_default().to_string(),
        s3_bucket: t.s3_bucket_name().map(str::to_string),
        is_organization_trail: t.is_organization_trail().unwrap_or(false),
        is_multi_region: t.is_multi_region_trail().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        has_custom_event_selectors: t.has_custom_event_selectors().unwrap_or(false),
    })
}

/// One trail as deduplicated from all listings, with the accounts that listed it.
#[derive(Debug, Clone)]
pub struct UniqueTrail {
    pub trail: Trail,
    /// `(account, region)` of the first listing that showed it.
    pub first_seen: (String, String),
}

/// Every trail over all listings, once per ARN, in ARN order.
pub fn unique_trails(accounts: &[AccountEvidence]) -> Vec<UniqueTrail> {
    let mut unique: BTreeMap<String, UniqueTrail> = BTreeMap::new();
    for account in accounts {
        for listing in &account.trails {
            for trail in listing.value().into_iter().flatten() {
                unique
                    .entry(trail.arn.clone())
                    .or_insert_with(|| UniqueTrail {
                        trail: trail.clone(),
                        first_seen: (account.account_id.clone(), listing.source.region.clone()),
                    });
            }
        }
    }
    unique.into_values().collect()
}

/// Status and selectors of every unique trail, each read in the owner account when it was
/// collected, else in the account that listed it.
pub async fn details(
    trails: &[UniqueTrail],
    sessions: &BTreeMap<String, Session>,
    ctx: &Ctx,
) -> Vec<TrailDetails> {
    stream::iter(trails)
        .map(|unique| async move {
            let trail = &unique.trail;
            let (seen_account, seen_region) = &unique.first_seen;
            let owner = trail.owner_account().filter(|o| sessions.contains_key(*o));
            let account = owner.unwrap_or(seen_account);
            let region = if trail.home_region.is_empty() {
                seen_region
            } else {
                &trail.home_region
            };
            let ctx = ctx.at(account, region);
            match sessions.get(account) {
                Some(session) => read_details(session, &ctx, &trail.arn).await,
                None => not_read(&ctx, &trail.arn),
            }
        })
        .buffered(TRAIL_CONCURRENCY)
        .collect()
        .await
}

async fn read_details(session: &Session, ctx: &Ctx, arn: &str) -> TrailDetails {
    let cloudtrail = session.cloudtrail(&ctx.region);
    let (status, selectors) = tokio::join!(
        cloudtrail.get_trail_status().name(arn).send(),
        cloudtrail.get_event_selectors().trail_name(arn).send(),
    );
    let status = match status {
        Ok(out) => match out.is_logging() {
            Some(is_logging) => Ok(TrailStatus {
                is_logging,
                latest_delivery_time: to_time(out.latest_delivery_time()),
                latest_delivery_error: out.latest_delivery_error().map(str::to_string),
            }),
            // An unknown IsLogging is never stored as false.
            None => Err(errors::missing_field("IsLogging")),
        },
        Err(err) => Err(errors::classify(&err)),
    };
    let status = match status {
        Ok(s) => Record::ok(ctx.source(op::GET_TRAIL_STATUS, Some(arn)), s),
        Err(e) => ctx.failed(op::GET_TRAIL_STATUS, Some(arn), e),
    };
    let selectors = ctx.record(
        op::GET_EVENT_SELECTORS,
        Some(arn),
        selectors.map(|out| EventSelectors {
            basic: out.event_selectors().iter().map(to_basic).collect(),
            advanced: out
                .advanced_event_selectors()
                .iter()
                .map(to_advanced)
                .collect(),
        }),
    );
    TrailDetails {
        arn: arn.to_string(),
        status,
        event_selectors: selectors,
    }
}

/// Details of a trail no collected session can read (every listing account failed later).
fn not_read(ctx: &Ctx, arn: &str) -> TrailDetails {
    let error = crate::snapshot::CallError {
        kind: crate::snapshot::ErrorKind::Other,
        code: "NoSession".to_string(),
        message: format!(
            "no collected session in account {} to read this trail",
            ctx.account
        ),
    };
    TrailDetails {
        arn: arn.to_string(),
        status: ctx.failed(op::GET_TRAIL_STATUS, Some(arn), error.clone()),
        event_selectors: ctx.failed(op::GET_EVENT_SELECTORS, Some(arn), error),
    }
}

fn to_basic(s: &aws_sdk_cloudtrail::types::EventSelector) -> BasicEventSelector {
    BasicEventSelector {
        // AWS documents `All` as the default when the field is absent.
        read_write_type: s
            .read_write_type()
            .map_or("All", |t| t.as_str())
            .to_string(),
        include_management_events: s.include_management_events().unwrap_or(true),
    }
}

fn to_advanced(s: &aws_sdk_cloudtrail::types::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: s.name().map(str::to_string),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| FieldSelector {
                field: f.field().to_string(),
                equals: f.equals().to_vec(),
                not_equals: f.not_equals().to_vec(),
            })
            .collect(),
    }
}
