//! The Resource Groups Tagging API (`tag:GetResources`), read in the management account in
//! each region: the ARNs of its tagged resources, one of the signals that tell whether the
//! management account hosts workloads (it should hold none).
//!
//! The API only knows resources that carry, or once carried, a tag; an empty list is not
//! proof that the account is empty, and the probes say what was looked at.

use super::errors::Ctx;
use super::ops::tag as op;
use super::session::Session;
use crate::snapshot::Record;

/// `GetResources` page size: the API's maximum of 100 resources per page.
const RESOURCES_PER_PAGE: i32 = 100;

/// `GetResources` in `ctx.region`: every tagged resource's ARN, sorted.
pub async fn tagged_resources(session: &Session, ctx: &Ctx) -> Record<Vec<String>> {
    let arns = session
        .tagging(&ctx.region)
        .get_resources()
        .resources_per_page(RESOURCES_PER_PAGE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|list| {
            let mut arns: Vec<String> = list
                .iter()
                .filter_map(|r| r.resource_arn().map(str::to_string))
                .collect();
            arns.sort();
            arns.dedup();
            arns
        });
    ctx.record(op::GET_RESOURCES, None, arns)
}
