//! AWS Organizations, read once from the caller's account (the management account): the
//! organization, its roots and enabled policy types, the OU tree, every account with its
//! state and parent, the SCPs with their documents and targets, the delegated
//! administrators, and account tags.
//!
//! Most Organizations paginators have no `.items()` in the Rust SDK, so pages are collected
//! and flattened here. A caller outside any organization is a valid, standalone scope: the
//! `AWSOrganizationsNotInUseException` is kept as the `organization` record and the walk stops.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::PolicyType;
use aws_sdk_organizations::Client;
use futures::stream::{self, StreamExt};

use super::errors::{self, Ctx};
use super::ops::organizations as op;
use super::session::Session;
use crate::snapshot::{
    Account, DelegatedAdministrator, OrgEvidence, Organization, OrganizationalUnit, Policy,
    PolicySummary, Record, Root,
};

/// Calls in flight at once per kind of per-item listing (parents, tags, policy details, one
/// level of the OU tree); a few kinds run side by side. Organizations throttles requests per
/// organization and per account ("Throttling" in
/// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
/// this keeps a 1,000-account sweep quick without tripping `TooManyRequestsException`, and
/// the SDK's retries absorb the rest.
const ORG_CALL_CONCURRENCY: usize = 4;

/// OUs nest at most five levels below the root (Organizations quota "OU maximum nesting in a
/// root"); the walk stops one level deeper, in case an answer ever loops.
const MAX_OU_DEPTH: usize = 6;

/// What the rest of the collection needs to know from Organizations.
#[derive(Debug, Clone, Default)]
pub struct OrgView {
    pub organization_id: Option<String>,
    pub management_account: Option<String>,
    /// `(account id, state)` of every listed account; `None` when there is no organization or
    /// `ListAccounts` failed.
    pub accounts: Option<Vec<(String, String)>>,
}

/// Reads Organizations with the caller's credentials.
pub async fn collect(caller: &Session, ctx: &Ctx) -> (OrgEvidence, OrgView) {
    let org = caller.organizations();
    let record = describe(&org, ctx).await;
    let Some(described) = record.value().cloned() else {
        // Standalone, or the caller cannot read Organizations: the scope is the caller.
        let evidence = OrgEvidence {
            organization: Some(record),
            ..OrgEvidence::default()
        };
        return (evidence, OrgView::default());
    };

    let (roots, accounts, (policies, policy_details), delegated) = tokio::join!(
        roots(&org, ctx),
        accounts(&org, ctx),
        policies(&org, ctx),
        delegated_administrators(&org, ctx),
    );
    let ids = |r: Option<Vec<String>>| r.unwrap_or_default();
    let root_ids = ids(roots
        .value()
        .map(|rs| rs.iter().map(|r| r.id.clone()).collect()));
    let account_ids = ids(accounts
        .value()
        .map(|a| a.iter().map(|a| a.id.clone()).collect()));
    let ((organizational_units, incomplete_parents), account_tags) = tokio::join!(
        walk_ous(&org, ctx, root_ids),
        account_tags(&org, ctx, account_ids),
    );

    let view = OrgView {
        organization_id: Some(described.id),
        management_account: Some(described.management_account_id),
        accounts: accounts.value().map(|list| {
            list.iter()
                .map(|a| (a.id.clone(), a.state.clone()))
                .collect()
        }),
    };
    let evidence = OrgEvidence {
        organization: Some(record),
        roots: Some(roots),
        organizational_units,
        accounts: Some(accounts),
        policies: Some(policies),
        policy_details,
        delegated_administrators: Some(delegated),
        account_tags,
        incomplete_parents,
    };
    (evidence, view)
}

/// `DescribeOrganization`. A standalone account's `AWSOrganizationsNotInUseException` is kept
/// in the record but not listed in the manifest: it is a fact about the scope, not a gap.
async fn describe(org: &Client, ctx: &Ctx) -> Record<Organization> {
    let source = ctx.source(op::DESCRIBE_ORGANIZATION, None);
    match org.describe_organization().send().await {
        Err(err) if not_in_organization(&err) => Record::err(source, errors::classify(&err)),
        Err(err) => ctx.record(op::DESCRIBE_ORGANIZATION, None, Err(err)),
        Ok(out) => match out.organization().map(to_organization) {
            Some(o) => Record::ok(source, o),
            None => {
                let error = errors::missing_field("Organization");
                ctx.failed(op::DESCRIBE_ORGANIZATION, None, error)
            }
        },
    }
}

fn not_in_organization(
    err: &errors::Sdk<
        aws_sdk_organizations::operation::describe_organization::DescribeOrganizationError,
    >,
) -> bool {
    err.as_service_error()
        .is_some_and(|e| e.is_aws_organizations_not_in_use_exception())
}

fn to_organization(o: &aws_sdk_organizations::types::Organization) -> Organization {
    Organization {
        id: o.id().unwrap_or_default().to_string(),
        arn: o.arn().unwrap_or_default().to_string(),
        feature_set: o
            .feature_set()
            .map(|f| f.as_str().to_string())
            .unwrap_or_default(),
        management_account_id: o.master_account_id().unwrap_or_default().to_string(),
        management_account_arn: o.master_account_arn().map(str::to_string),
    }
}

async fn roots(org: &Client, ctx: &Ctx) -> Record<Vec<Root>> {
    let pages = org.list_roots().into_paginator().send().try_collect().await;
    let roots = pages.map(|pages| {
        pages
            .iter()
            .flat_map(|p| p.roots())
            .map(|r| Root {
                id: r.id().unwrap_or_default().to_string(),
                arn: r.arn().unwrap_or_default().to_string(),
                name: r.name().unwrap_or_default().to_string(),
                policy_types: r
                    .policy_types()
                    .iter()
                    .filter_map(|t| {
                        let status = t.status().map(|s| s.as_str().to_string());
                        Some((t.r#type()?.as_str().to_string(), status.unwrap_or_default()))
                    })
                    .collect(),
            })
            .collect()
    });
    ctx.record(op::LIST_ROOTS, None, roots)
}

/// Walks the OU tree breadth-first from the roots. A parent whose children could not be
/// listed is kept in `incomplete` so "no OUs there" is never assumed.
async fn walk_ous(
    org: &Client,
    ctx: &Ctx,
    roots: Vec<String>,
) -> (Vec<Record<OrganizationalUnit>>, Vec<Record<String>>) {
    let mut ous = Vec::new();
    let mut incomplete = Vec::new();
    let mut frontier = roots;
    for _ in 0..MAX_OU_DEPTH {
        if frontier.is_empty() {
            break;
        }
        let listed: Vec<_> = stream::iter(std::mem::take(&mut frontier))
            .map(|parent| async move {
                let pages = org
                    .list_organizational_units_for_parent()
                    .parent_id(&parent)
                    .into_paginator()
                    .send()
                    .try_collect()
                    .await;
                (parent, pages)
            })
            .buffered(ORG_CALL_CONCURRENCY)
            .collect()
            .await;
        for (parent, pages) in listed {
            let pages = match pages {
                Ok(pages) => pages,
                Err(err) => {
                    incomplete.push(ctx.record(op::LIST_OUS_FOR_PARENT, Some(&parent), Err(err)));
                    continue;
                }
            };
            for ou in pages.iter().flat_map(|p| p.organizational_units()) {
                let Some(id) = ou.id() else { continue };
                frontier.push(id.to_string());
                let unit = OrganizationalUnit {
                    id: id.to_string(),
                    arn: ou.arn().unwrap_or_default().to_string(),
                    name: ou.name().unwrap_or_default().to_string(),
                    parent_id: parent.clone(),
                };
                ous.push(Record::ok(
                    ctx.source(op::LIST_OUS_FOR_PARENT, Some(&parent)),
                    unit,
                ));
            }
        }
    }
    (ous, incomplete)
}

/// `ListAccounts`, then `ListParents` for each account.
async fn accounts(org: &Client, ctx: &Ctx) -> Record<Vec<Account>> {
    let source = ctx.source(op::LIST_ACCOUNTS, None);
    let pages = match org
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => pages,
        Err(err) => return ctx.record(op::LIST_ACCOUNTS, None, Err(err)),
    };
    let listed: Vec<Account> = pages
        .iter()
        .flat_map(|p| p.accounts())
        .filter_map(to_account)
        .collect();
    let accounts = stream::iter(listed)
        .map(|mut account| async move {
            account.parent_id = parent_of(org, ctx, &account.id).await;
            account
        })
        .buffered(ORG_CALL_CONCURRENCY)
        .collect()
        .await;
    Record::ok(source, accounts)
}

fn to_account(a: &aws_sdk_organizations::types::Account) -> Option<Account> {
    // `Status` is retired in September 2026; it is read only when `State` is absent.
    let state = a
        .state()
        .map(|s| s.as_str().to_string())
        .or_else(|| a.status().map(|s| s.as_str().to_string()))
        .unwrap_or_else(|| "UNKNOWN".to_string());
    Some(Account {
        id: a.id()?.to_string(),
        arn: a.arn().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        email: a.email().unwrap_or_default().to_string(),
        state,
        parent_id: None,
        joined_method: a.joined_method().map(|m| m.as_str().to_string()),
    })
}

async fn parent_of(org: &Client, ctx: &Ctx, account: &str) -> Option<String> {
    let pages = org
        .list_parents()
        .child_id(account)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    match pages {
        Ok(pages) => {
            let parent = pages.iter().flat_map(|p| p.parents()).find_map(|p| p.id());
            if parent.is_none() {
                ctx.log(
                    op::LIST_PARENTS,
                    Some(account),
                    &errors::missing_field("Parents"),
                );
            }
            parent.map(str::to_string)
        }
        Err(err) => {
            ctx.log_sdk(op::LIST_PARENTS, Some(account), &err);
            None
        }
    }
}

/// Every SCP (`ListPolicies`), each with its document (`DescribePolicy`) and its targets
/// (`ListTargetsForPolicy`).
async fn policies(org: &Client, ctx: &Ctx) -> (Record<Vec<PolicySummary>>, Vec<Record<Policy>>) {
    let pages = match org
        .list_policies()
        .filter(PolicyType::ServiceControlPolicy)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => pages,
        Err(err) => return (ctx.record(op::LIST_POLICIES, None, Err(err)), Vec::new()),
    };
    let summaries: Vec<PolicySummary> = pages
        .iter()
        .flat_map(|p| p.policies())
        .filter_map(|p| {
            Some(PolicySummary {
                id: p.id()?.to_string(),
                arn: p.arn().unwrap_or_default().to_string(),
                name: p.name().unwrap_or_default().to_string(),
                aws_managed: p.aws_managed(),
            })
        })
        .collect();
    let details = stream::iter(summaries.clone())
        .map(|summary| policy_detail(org, ctx, summary))
        .buffered(ORG_CALL_CONCURRENCY)
        .collect()
        .await;
    (
        Record::ok(ctx.source(op::LIST_POLICIES, None), summaries),
        details,
    )
}

async fn policy_detail(org: &Client, ctx: &Ctx, summary: PolicySummary) -> Record<Policy> {
    let target = Some(summary.id.as_str());
    let described = match org.describe_policy().policy_id(&summary.id).send().await {
        Ok(out) => out,
        Err(err) => return ctx.record(op::DESCRIBE_POLICY, target, Err(err)),
    };
    let Some(content) = described.policy().and_then(|p| p.content()) else {
        return ctx.failed(
            op::DESCRIBE_POLICY,
            target,
            errors::missing_field("Policy.Content"),
        );
    };
    let source = ctx.source(op::DESCRIBE_POLICY, target);
    let targets = match org
        .list_targets_for_policy()
        .policy_id(&summary.id)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => Some(
            pages
                .iter()
                .flat_map(|p| p.targets())
                .filter_map(|t| t.target_id().map(str::to_string))
                .collect(),
        ),
        Err(err) => {
            ctx.log_sdk(op::LIST_TARGETS_FOR_POLICY, target, &err);
            None
        }
    };
    let policy = Policy {
        id: summary.id,
        arn: summary.arn,
        name: summary.name,
        aws_managed: summary.aws_managed,
        content: content.to_string(),
        targets,
    };
    Record::ok(source, policy)
}

async fn delegated_administrators(org: &Client, ctx: &Ctx) -> Record<Vec<DelegatedAdministrator>> {
    let source = ctx.source(op::LIST_DELEGATED_ADMINISTRATORS, None);
    let pages = match org
        .list_delegated_administrators()
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => pages,
        Err(err) => return ctx.record(op::LIST_DELEGATED_ADMINISTRATORS, None, Err(err)),
    };
    let admins: Vec<(String, String)> = pages
        .iter()
        .flat_map(|p| p.delegated_administrators())
        .filter_map(|a| {
            Some((
                a.id()?.to_string(),
                a.name().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    let admins = stream::iter(admins)
        .map(|(account_id, name)| async move {
            let services = delegated_services(org, ctx, &account_id).await;
            DelegatedAdministrator {
                account_id,
                name,
                services,
            }
        })
        .buffered(ORG_CALL_CONCURRENCY)
        .collect()
        .await;
    Record::ok(source, admins)
}

async fn delegated_services(org: &Client, ctx: &Ctx, account: &str) -> Vec<String> {
    match org
        .list_delegated_services_for_account()
        .account_id(account)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => pages
            .iter()
            .flat_map(|p| p.delegated_services())
            .filter_map(|s| s.service_principal().map(str::to_string))
            .collect(),
        Err(err) => {
            ctx.log_sdk(op::LIST_DELEGATED_SERVICES_FOR_ACCOUNT, Some(account), &err);
            Vec::new()
        }
    }
}

async fn account_tags(
    org: &Client,
    ctx: &Ctx,
    accounts: Vec<String>,
) -> BTreeMap<String, Record<BTreeMap<String, String>>> {
    stream::iter(accounts)
        .map(|account| async move {
            let tags = org
                .list_tags_for_resource()
                .resource_id(&account)
                .into_paginator()
                .send()
                .try_collect()
                .await
                .map(|pages| {
                    pages
                        .iter()
                        .flat_map(|p| p.tags())
                        .map(|t| (t.key().to_string(), t.value().to_string()))
                        .collect()
                });
            let record = ctx.record(op::LIST_TAGS_FOR_RESOURCE, Some(&account), tags);
            (account, record)
        })
        .buffered(ORG_CALL_CONCURRENCY)
        .collect()
        .await
}
