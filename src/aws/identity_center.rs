//! IAM Identity Center: which instances each account sees, and, for the organization
//! instance, its permission sets, the account assignment matrix and the number of users.
//!
//! Assignments belong to the instance, not to member accounts, so they are read from the
//! instance's owner (the management account): for each permission set, the accounts it is
//! provisioned to, then `ListAccountAssignments` per (account, permission set). An account
//! instance (one a member account made for itself, or the one emulators show in every
//! account) is never mistaken for the organization's: the organization instance is the one
//! the management account lists with itself as `OwnerAccountId`.

use aws_sdk_ssoadmin::Client;
use futures::stream::{self, StreamExt};

use super::errors::{self, Ctx};
use super::ops::{identitystore as ids_op, sso as op, Op};
use super::session::Session;
use crate::snapshot::{
    AccountAssignment, CallError, IdentityCenterEvidence, PermissionSet, Record, SsoInstance,
};

/// Identity Center admin calls in flight at once. The sso-admin read APIs are throttled per
/// account and region (https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html,
/// "Throttle limits"); the assignment matrix is accounts × permission sets calls, so it is
/// read a few at a time and the SDK retries what throttling remains.
const SSO_CONCURRENCY: usize = 4;

/// `ListInstances` as seen from one account. An instance lives in one region, and other
/// regions list nothing, so the primary region (`ctx.region`) is asked first, then each other
/// collected region until one lists an instance; the record names the region that answered.
pub async fn list_instances(
    session: &Session,
    ctx: &Ctx,
    regions: &[String],
) -> Record<Vec<SsoInstance>> {
    let primary = list_instances_in(session, ctx).await;
    if primary.value().is_some_and(|list| !list.is_empty()) {
        return primary;
    }
    for region in regions.iter().filter(|r| **r != ctx.region) {
        let record = list_instances_in(session, &ctx.at(&ctx.account, region)).await;
        if record.value().is_some_and(|list| !list.is_empty()) {
            return record;
        }
    }
    primary
}

async fn list_instances_in(session: &Session, ctx: &Ctx) -> Record<Vec<SsoInstance>> {
    let sso = session.sso_admin(&ctx.region);
    let instances = sso
        .list_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let instances = instances.map(|list| {
        list.iter()
            .filter_map(|i| {
                Some(SsoInstance {
                    arn: i.instance_arn()?.to_string(),
                    identity_store_id: i.identity_store_id().unwrap_or_default().to_string(),
                    owner_account_id: i.owner_account_id().map(str::to_string),
                    status: i.status().map(|s| s.as_str().to_string()),
                })
            })
            .collect()
    });
    ctx.record(op::LIST_INSTANCES, None, instances)
}

/// The organization instance among the management account's listing, if any.
pub fn organization_instance<'a>(
    listed: &'a Record<Vec<SsoInstance>>,
    management: &str,
) -> Option<&'a SsoInstance> {
    listed
        .value()?
        .iter()
        .find(|i| i.owner_account_id.as_deref() == Some(management))
}

/// Reads the organization instance from its owner's session, in the region `ctx` names
/// (the one where the instance was listed). `accounts` are the active accounts of the
/// organization, tried one by one when the provisioned-accounts listing gives nothing to go
/// on.
pub async fn collect(
    owner: &Session,
    instance: &SsoInstance,
    accounts: &[String],
    ctx: &Ctx,
) -> IdentityCenterEvidence {
    let sso = owner.sso_admin(&ctx.region);
    let listed = sso
        .list_permission_sets()
        .instance_arn(&instance.arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let (permission_sets, assignments) = match listed {
        Ok(arns) => {
            let sets = permission_sets(&sso, ctx, &instance.arn, &arns).await;
            let assignments = assignments(&sso, ctx, &instance.arn, &arns, accounts).await;
            (sets, assignments)
        }
        Err(err) => (
            ctx.record(op::LIST_PERMISSION_SETS, Some(&instance.arn), Err(err)),
            Vec::new(),
        ),
    };
    let user_count = user_count(owner, ctx, &instance.identity_store_id).await;
    IdentityCenterEvidence {
        instance_arn: Some(instance.arn.clone()),
        permission_sets: Some(permission_sets),
        assignments,
        user_count: Some(user_count),
    }
}

/// Every permission set with its policies. One failed detail call fails the whole record:
/// a permission set shown without its policies would read as "grants nothing".
async fn permission_sets(
    sso: &Client,
    ctx: &Ctx,
    instance: &str,
    arns: &[String],
) -> Record<Vec<PermissionSet>> {
    let source = ctx.source(op::LIST_PERMISSION_SETS, Some(instance));
    let described: Vec<Result<PermissionSet, (Op, CallError)>> = stream::iter(arns)
        .map(|arn| permission_set(sso, ctx, instance, arn))
        .buffered(SSO_CONCURRENCY)
        .collect()
        .await;
    let mut sets = Vec::new();
    for result in described {
        match result {
            Ok(set) => sets.push(set),
            Err((op, error)) => return Record::err(ctx.source(op, Some(instance)), error),
        }
    }
    Record::ok(source, sets)
}

async fn permission_set(
    sso: &Client,
    ctx: &Ctx,
    instance: &str,
    arn: &str,
) -> Result<PermissionSet, (Op, CallError)> {
    let (described, managed, inline) = tokio::join!(
        sso.describe_permission_set()
            .instance_arn(instance)
            .permission_set_arn(arn)
            .send(),
        sso.list_managed_policies_in_permission_set()
            .instance_arn(instance)
            .permission_set_arn(arn)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
        sso.get_inline_policy_for_permission_set()
            .instance_arn(instance)
            .permission_set_arn(arn)
            .send(),
    );
    let fail = |op: Op, error: CallError| {
        ctx.log(op, Some(arn), &error);
        (op, error)
    };
    let described = described.map_err(|e| fail(op::DESCRIBE_PERMISSION_SET, errors::classify(&e)));
    let managed = managed.map_err(|e| {
        fail(
            op::LIST_MANAGED_POLICIES_IN_PERMISSION_SET,
            errors::classify(&e),
        )
    });
    let inline = inline.map_err(|e| {
        fail(
            op::GET_INLINE_POLICY_FOR_PERMISSION_SET,
            errors::classify(&e),
        )
    });
    let (described, managed, inline) = (described?, managed?, inline?);
    let Some(name) = described.permission_set().and_then(|p| p.name()) else {
        return Err(fail(
            op::DESCRIBE_PERMISSION_SET,
            errors::missing_field("PermissionSet.Name"),
        ));
    };
    Ok(PermissionSet {
        arn: arn.to_string(),
        name: name.to_string(),
        managed_policies: managed
            .iter()
            .filter_map(|p| p.arn().or(p.name()).map(str::to_string))
            .collect(),
        // An empty string is AWS's answer for "no inline policy".
        inline_policy: inline
            .inline_policy()
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    })
}

/// The assignment matrix: one record per (account, permission set) asked about.
///
/// The accounts come from `ListAccountsForProvisionedPermissionSet`. When that listing fails
/// for a permission set, every active account is asked instead; when it answers nothing for
/// every permission set (emulators do not track provisioning), every active account is asked
/// for every permission set, so an unprovisioned-looking matrix is checked, not assumed.
async fn assignments(
    sso: &Client,
    ctx: &Ctx,
    instance: &str,
    permission_sets: &[String],
    accounts: &[String],
) -> Vec<Record<Vec<AccountAssignment>>> {
    let provisioned: Vec<Option<Vec<String>>> = stream::iter(permission_sets)
        .map(|ps| provisioned_accounts(sso, ctx, instance, ps))
        .buffered(SSO_CONCURRENCY)
        .collect()
        .await;
    let nothing_provisioned = provisioned
        .iter()
        .all(|p| p.as_ref().is_some_and(Vec::is_empty));
    let mut pairs = Vec::new();
    for (ps, listed) in permission_sets.iter().zip(provisioned) {
        let targets = match listed {
            Some(list) if !nothing_provisioned => list,
            _ => accounts.to_vec(),
        };
        pairs.extend(targets.into_iter().map(|account| (account, ps.clone())));
    }
    stream::iter(pairs)
        .map(|(account, ps)| account_assignments(sso, ctx, instance, account, ps))
        .buffered(SSO_CONCURRENCY)
        .collect()
        .await
}

async fn provisioned_accounts(
    sso: &Client,
    ctx: &Ctx,
    instance: &str,
    permission_set: &str,
) -> Option<Vec<String>> {
    let listed = sso
        .list_accounts_for_provisioned_permission_set()
        .instance_arn(instance)
        .permission_set_arn(permission_set)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    match listed {
        Ok(accounts) => Some(accounts),
        Err(err) => {
            ctx.log_sdk(
                op::LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET,
                Some(permission_set),
                &err,
            );
            None
        }
    }
}

async fn account_assignments(
    sso: &Client,
    ctx: &Ctx,
    instance: &str,
    account: String,
    permission_set: String,
) -> Record<Vec<AccountAssignment>> {
    let listed = sso
        .list_account_assignments()
        .instance_arn(instance)
        .account_id(&account)
        .permission_set_arn(&permission_set)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let assignments = listed.map(|list| {
        list.iter()
            .map(|a| AccountAssignment {
                account_id: a.account_id().unwrap_or(&account).to_string(),
                permission_set_arn: a
                    .permission_set_arn()
                    .unwrap_or(&permission_set)
                    .to_string(),
                principal_type: a
                    .principal_type()
                    .map(|t| t.as_str())
                    .unwrap_or("")
                    .to_string(),
                principal_id: a.principal_id().unwrap_or_default().to_string(),
            })
            .collect()
    });
    let target = format!("{permission_set} in {account}");
    ctx.record(op::LIST_ACCOUNT_ASSIGNMENTS, Some(&target), assignments)
}

/// `identitystore:ListUsers`, counted.
async fn user_count(owner: &Session, ctx: &Ctx, identity_store: &str) -> Record<u64> {
    let identitystore = owner.identitystore(&ctx.region);
    let users = identitystore
        .list_users()
        .identity_store_id(identity_store)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map(|pages| pages.iter().map(|p| p.users().len() as u64).sum());
    ctx.record(ids_op::LIST_USERS, Some(identity_store), users)
}
