//! Security Hub (CSPM): whether each account is subscribed in each region (`DescribeHub`),
//! the administrator the management account names (`ListOrganizationAdminAccounts`), and,
//! in that administrator account only, the organization settings
//! (`DescribeOrganizationConfiguration`).
//!
//! An account that never enabled Security Hub gets an error from `DescribeHub`, not an empty
//! answer; that error is a fact ("not subscribed") and is stored as `Ok` with `enabled:
//! false`. Security Hub uses `InvalidAccessException` both for "not subscribed" and for other
//! refusals, so only the one whose message says so counts as "not subscribed"; any other is a
//! gap.

use aws_sdk_sts::error::ProvideErrorMetadata;

use super::errors::{self, Ctx};
use super::ops::securityhub as op;
use super::session::Session;
use crate::snapshot::{Hub, OrgAdminAccount, Record, SecurityHubOrgConfig};

/// The error Security Hub answers `DescribeHub` with in an account that is not subscribed.
const NOT_SUBSCRIBED_CODE: &str = "InvalidAccessException";
/// The words that tell that error apart from other `InvalidAccessException`s
/// ("Account 111111111111 is not subscribed to AWS Security Hub").
const NOT_SUBSCRIBED_TEXT: &str = "not subscribed";
/// The answer when no hub exists at the ARN asked for.
const NO_HUB_CODE: &str = "ResourceNotFoundException";

/// `DescribeHub` in `ctx.region`.
pub async fn hub(session: &Session, ctx: &Ctx) -> Record<Hub> {
    let hub = match session.securityhub(&ctx.region).describe_hub().send().await {
        Ok(out) => Ok(Hub {
            enabled: true,
            arn: out.hub_arn().map(str::to_string),
            subscribed_at: out.subscribed_at().map(str::to_string),
            auto_enable_controls: out.auto_enable_controls(),
        }),
        Err(err) if not_subscribed(err.code(), err.message()) => Ok(Hub {
            enabled: false,
            arn: None,
            subscribed_at: None,
            auto_enable_controls: None,
        }),
        Err(err) => Err(err),
    };
    ctx.record(op::DESCRIBE_HUB, None, hub)
}

/// Whether a `DescribeHub` error means "this account is not subscribed here".
fn not_subscribed(code: Option<&str>, message: Option<&str>) -> bool {
    match code {
        Some(NO_HUB_CODE) => true,
        Some(NOT_SUBSCRIBED_CODE) => {
            message.is_some_and(|m| m.to_ascii_lowercase().contains(NOT_SUBSCRIBED_TEXT))
        }
        _ => false,
    }
}

/// `ListOrganizationAdminAccounts` in `ctx.region`, read in the management account.
pub async fn admins(session: &Session, ctx: &Ctx) -> Record<Vec<OrgAdminAccount>> {
    let admins = session
        .securityhub(&ctx.region)
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
                        account_id: a.account_id()?.to_string(),
                        status: a.status().map(|s| s.as_str().to_string()),
                    })
                })
                .collect()
        });
    ctx.record(op::LIST_ORGANIZATION_ADMIN_ACCOUNTS, None, admins)
}

/// `DescribeOrganizationConfiguration` in `ctx.region`, read in the administrator account.
/// An answer without `AutoEnable` is recorded as a gap rather than read as `false`.
pub async fn organization(session: &Session, ctx: &Ctx) -> Record<SecurityHubOrgConfig> {
    let op = op::DESCRIBE_ORGANIZATION_CONFIGURATION;
    let out = session
        .securityhub(&ctx.region)
        .describe_organization_configuration()
        .send()
        .await;
    let out = match out {
        Ok(out) => out,
        Err(err) => return ctx.record(op, None, Err(err)),
    };
    let Some(auto_enable) = out.auto_enable() else {
        return ctx.failed(op, None, errors::missing_field("AutoEnable"));
    };
    let central = out.organization_configuration();
    let config = SecurityHubOrgConfig {
        auto_enable,
        auto_enable_standards: out.auto_enable_standards().map(|s| s.as_str().into()),
        configuration_type: central
            .and_then(|c| c.configuration_type())
            .map(|t| t.as_str().to_string()),
        status: central
            .and_then(|c| c.status())
            .map(|s| s.as_str().to_string()),
        member_account_limit_reached: out.member_account_limit_reached(),
    };
    Record::ok(ctx.source(op, None), config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_not_subscribed_refusal_means_off() {
        let msg = Some("Account 111111111111 is not subscribed to AWS Security Hub");
        assert!(not_subscribed(Some("InvalidAccessException"), msg));
        assert!(not_subscribed(Some("ResourceNotFoundException"), None));
        let other = Some("The account doesn't have permission to perform this action");
        assert!(!not_subscribed(Some("InvalidAccessException"), other));
        assert!(!not_subscribed(Some("AccessDeniedException"), msg));
    }
}
