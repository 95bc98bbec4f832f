//! AWS Config: each account's configuration recorders with their status
//! (`DescribeConfigurationRecorders`, `DescribeConfigurationRecorderStatus`) and its
//! aggregators (`DescribeConfigurationAggregators`), per region.
//!
//! Besides the one customer-managed recorder per region, Config now keeps service-linked
//! recorders; both are listed, and `service_principal` tells them apart. The status call is
//! separate: when only it fails, the recorders are kept with `recording: None` (unknown),
//! never `false`.

use std::collections::BTreeMap;

use super::errors::Ctx;
use super::ops::config as op;
use super::session::Session;
use crate::snapshot::{ConfigAggregator, ConfigRecorder, Record};

/// `DescribeConfigurationRecorders` with `DescribeConfigurationRecorderStatus`, in
/// `ctx.region`.
pub async fn recorders(session: &Session, ctx: &Ctx) -> Record<Vec<ConfigRecorder>> {
    let config = session.config(&ctx.region);
    let (recorders, statuses) = tokio::join!(
        config.describe_configuration_recorders().send(),
        config.describe_configuration_recorder_status().send(),
    );

    // Recorder name -> (recording, last status), when the status call worked.
    let statuses: Option<BTreeMap<String, (bool, Option<String>)>> = match statuses {
        Ok(out) => Some(
            out.configuration_recorders_status()
                .iter()
                .filter_map(|s| {
                    let last = s.last_status().map(|l| l.as_str().to_string());
                    Some((s.name()?.to_string(), (s.recording(), last)))
                })
                .collect(),
        ),
        Err(err) => {
            ctx.log_sdk(op::DESCRIBE_CONFIGURATION_RECORDER_STATUS, None, &err);
            None
        }
    };
    let recorders = recorders.map(|out| {
        out.configuration_recorders()
            .iter()
            .filter_map(|r| to_recorder(r, statuses.as_ref()))
            .collect()
    });
    ctx.record(op::DESCRIBE_CONFIGURATION_RECORDERS, None, recorders)
}

fn to_recorder(
    r: &aws_sdk_config::types::ConfigurationRecorder,
    statuses: Option<&BTreeMap<String, (bool, Option<String>)>>,
) -> Option<ConfigRecorder> {
    let name = r.name()?.to_string();
    // A recorder missing from a successful status answer has never been started.
    let status = statuses.map(|s| s.get(&name).cloned().unwrap_or((false, None)));
    let group = r.recording_group();
    Some(ConfigRecorder {
        recording: status.as_ref().map(|(recording, _)| *recording),
        last_status: status.and_then(|(_, last)| last),
        all_supported: group.is_some_and(|g| g.all_supported()),
        include_global: group.is_some_and(|g| g.include_global_resource_types()),
        recording_strategy: group
            .and_then(|g| g.recording_strategy())
            .and_then(|s| s.use_only())
            .map(|u| u.as_str().to_string()),
        service_principal: r.service_principal().map(str::to_string),
        name,
    })
}

/// `DescribeConfigurationAggregators` in `ctx.region`.
pub async fn aggregators(session: &Session, ctx: &Ctx) -> Record<Vec<ConfigAggregator>> {
    let aggregators = session
        .config(&ctx.region)
        .describe_configuration_aggregators()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|list| list.iter().filter_map(to_aggregator).collect());
    ctx.record(op::DESCRIBE_CONFIGURATION_AGGREGATORS, None, aggregators)
}

fn to_aggregator(a: &aws_sdk_config::types::ConfigurationAggregator) -> Option<ConfigAggregator> {
    let org = a.organization_aggregation_source();
    let accounts = a.account_aggregation_sources();
    let all_regions = match org {
        Some(o) => o.all_aws_regions(),
        None => !accounts.is_empty() && accounts.iter().all(|s| s.all_aws_regions()),
    };
    let mut regions: Vec<String> = match org {
        Some(o) => o.aws_regions().to_vec(),
        None => accounts
            .iter()
            .flat_map(|s| s.aws_regions().to_vec())
            .collect(),
    };
    regions.sort();
    regions.dedup();
    Some(ConfigAggregator {
        name: a.configuration_aggregator_name()?.to_string(),
        arn: a.configuration_aggregator_arn().map(str::to_string),
        organization_wide: org.is_some(),
        account_ids: accounts
            .iter()
            .flat_map(|s| s.account_ids().to_vec())
            .collect(),
        all_regions,
        regions,
    })
}
