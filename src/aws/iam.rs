//! IAM inside one account: the account summary (root MFA and keys), every user, group, role
//! and managed policy with their documents (`GetAccountAuthorizationDetails`), each user's
//! credentials (console password, access keys and their last use, MFA devices), and, in the
//! management account only, the centralized root access features.
//!
//! IAM returns policy documents URL-encoded; they are decoded here so probes read JSON.
//! Emulators leave out fields AWS always sends (moto omits `PolicyName` of inline policies),
//! so absent names become empty strings rather than dropped policies.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{AttachedPolicy as SdkAttached, PolicyDetail};
use aws_sdk_iam::Client;
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};

use super::errors::{self, Ctx};
use super::ops::iam as op;
use super::to_time;
use crate::snapshot::{
    AccessKey, AttachedPolicy, AuthorizationDetails, IamEvidence, IamGroup, IamRole, IamUser,
    InlinePolicy, ManagedPolicy, Record, UserCredentials,
};

/// Users whose credentials are read at once inside one account. IAM's control plane is
/// throttled per account ("IAM and AWS STS request quotas",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); the SDK
/// retries what little throttling this causes.
const USER_CONCURRENCY: usize = 4;

/// Safety stop for `GetAccountAuthorizationDetails`, which has no SDK paginator. At the
/// default 100 items per page this is 100,000 entities, far above IAM's default quotas of
/// 5,000 users and 1,000 roles per account.
const MAX_AUTHORIZATION_PAGES: usize = 1_000;

/// Reads IAM with one account's session.
pub async fn collect(iam: &Client, ctx: &Ctx, management: bool) -> IamEvidence {
    let (summary, authorization, users) = tokio::join!(
        account_summary(iam, ctx),
        authorization(iam, ctx),
        users(iam, ctx)
    );
    let organizations_features = if management {
        Some(organizations_features(iam, ctx).await)
    } else {
        None
    };
    IamEvidence {
        account_summary: Some(summary),
        authorization: Some(authorization),
        users,
        organizations_features,
    }
}

async fn account_summary(iam: &Client, ctx: &Ctx) -> Record<BTreeMap<String, i64>> {
    let summary = iam.get_account_summary().send().await.map(|out| {
        out.summary_map()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str().to_string(), i64::from(*v)))
            .collect()
    });
    ctx.record(op::GET_ACCOUNT_SUMMARY, None, summary)
}

async fn organizations_features(iam: &Client, ctx: &Ctx) -> Record<Vec<String>> {
    let features = iam.list_organizations_features().send().await.map(|out| {
        out.enabled_features()
            .iter()
            .map(|f| f.as_str().to_string())
            .collect()
    });
    ctx.record(op::LIST_ORGANIZATIONS_FEATURES, None, features)
}

/// `GetAccountAuthorizationDetails`, every page. A failure on any page fails the record: a
/// partial list of roles would read as "no such role" to the probes.
async fn authorization(iam: &Client, ctx: &Ctx) -> Record<AuthorizationDetails> {
    let source = ctx.source(op::GET_ACCOUNT_AUTHORIZATION_DETAILS, None);
    let mut details = AuthorizationDetails::default();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_AUTHORIZATION_PAGES {
        let page = match iam
            .get_account_authorization_details()
            .set_marker(marker.clone())
            .send()
            .await
        {
            Ok(page) => page,
            Err(err) => return ctx.record(op::GET_ACCOUNT_AUTHORIZATION_DETAILS, None, Err(err)),
        };
        details
            .users
            .extend(page.user_detail_list().iter().map(to_user));
        details
            .groups
            .extend(page.group_detail_list().iter().map(to_group));
        details
            .roles
            .extend(page.role_detail_list().iter().map(to_role));
        details
            .policies
            .extend(page.policies().iter().filter(in_use).map(to_managed_policy));
        let next = page
            .marker()
            .filter(|_| page.is_truncated())
            .map(str::to_string);
        if next.is_none() || next == marker {
            return Record::ok(source, details);
        }
        marker = next;
    }
    let error = errors::missing_field("the last page (too many pages)");
    ctx.failed(op::GET_ACCOUNT_AUTHORIZATION_DETAILS, None, error)
}

/// IAM policy documents arrive URL-encoded (RFC 3986); a document that does not decode is
/// kept as it came.
fn decode(document: &str) -> String {
    urlencoding::decode(document)
        .map(|d| d.into_owned())
        .unwrap_or_else(|_| document.into())
}

fn inline(list: &[PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            document: p.policy_document().map(decode).unwrap_or_default(),
        })
        .collect()
}

fn attached(list: &[SdkAttached]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            arn: p.policy_arn().unwrap_or_default().to_string(),
        })
        .collect()
}

fn to_user(u: &aws_sdk_iam::types::UserDetail) -> IamUser {
    IamUser {
        name: u.user_name().unwrap_or_default().to_string(),
        arn: u.arn().unwrap_or_default().to_string(),
        created: to_time(u.create_date()),
        groups: u.group_list().to_vec(),
        attached_policies: attached(u.attached_managed_policies()),
        inline_policies: inline(u.user_policy_list()),
        permissions_boundary: u
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
    }
}

fn to_group(g: &aws_sdk_iam::types::GroupDetail) -> IamGroup {
    IamGroup {
        name: g.group_name().unwrap_or_default().to_string(),
        arn: g.arn().unwrap_or_default().to_string(),
        attached_policies: attached(g.attached_managed_policies()),
        inline_policies: inline(g.group_policy_list()),
    }
}

fn to_role(r: &aws_sdk_iam::types::RoleDetail) -> IamRole {
    IamRole {
        name: r.role_name().unwrap_or_default().to_string(),
        arn: r.arn().unwrap_or_default().to_string(),
        path: r.path().unwrap_or("/").to_string(),
        created: to_time(r.create_date()),
        last_used: to_time(r.role_last_used().and_then(|u| u.last_used_date())),
        attached_policies: attached(r.attached_managed_policies()),
        inline_policies: inline(r.role_policy_list()),
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        assume_role_policy: r.assume_role_policy_document().map(decode),
    }
}

fn to_managed_policy(p: &aws_sdk_iam::types::ManagedPolicyDetail) -> ManagedPolicy {
    let default = p.policy_version_list().iter().find(|v| {
        v.is_default_version()
            || (v.version_id().is_some() && v.version_id() == p.default_version_id())
    });
    let arn = p.arn().unwrap_or_default();
    // Emulators omit `PolicyName`; the ARN ends with it.
    let name = p
        .policy_name()
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default());
    ManagedPolicy {
        name: name.to_string(),
        arn: arn.to_string(),
        default_document: default.and_then(|v| v.document()).map(decode),
    }
}

/// AWS managed policies attached to nothing in this account grant nothing here; they are
/// left out (an emulator lists all of them, about 1,500 documents, in every account).
fn in_use(p: &&aws_sdk_iam::types::ManagedPolicyDetail) -> bool {
    let aws_managed = p.arn().is_some_and(|a| a.contains(":iam::aws:policy/"));
    !aws_managed || p.attachment_count().is_none_or(|n| n > 0)
}

/// Every user from `ListUsers`, each with its credentials. When `ListUsers` fails the list is
/// empty and the error is in the manifest; `authorization` still names the users.
async fn users(iam: &Client, ctx: &Ctx) -> Vec<UserCredentials> {
    let listed = iam
        .list_users()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let listed = match listed {
        Ok(users) => users,
        Err(err) => {
            ctx.log_sdk(op::LIST_USERS, None, &err);
            return Vec::new();
        }
    };
    stream::iter(listed)
        .map(|user| async move {
            let name = user.user_name().to_string();
            let (console_password, access_keys, mfa_devices) = tokio::join!(
                login_profile(iam, ctx, &name),
                access_keys(iam, ctx, &name),
                mfa_devices(iam, ctx, &name),
            );
            UserCredentials {
                user_name: name,
                arn: user.arn().to_string(),
                password_last_used: to_time(user.password_last_used()),
                console_password,
                access_keys,
                mfa_devices,
            }
        })
        .buffered(USER_CONCURRENCY)
        .collect()
        .await
}

/// `GetLoginProfile`: a profile means a console password; `NoSuchEntity` means none.
async fn login_profile(iam: &Client, ctx: &Ctx, user: &str) -> Record<bool> {
    let result = match iam.get_login_profile().user_name(user).send().await {
        Ok(_) => Ok(true),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            Ok(false)
        }
        Err(err) => Err(err),
    };
    ctx.record(op::GET_LOGIN_PROFILE, Some(user), result)
}

async fn access_keys(iam: &Client, ctx: &Ctx, user: &str) -> Record<Vec<AccessKey>> {
    let source = ctx.source(op::LIST_ACCESS_KEYS, Some(user));
    let listed = match iam
        .list_access_keys()
        .user_name(user)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(keys) => keys,
        Err(err) => return ctx.record(op::LIST_ACCESS_KEYS, Some(user), Err(err)),
    };
    let mut keys = Vec::new();
    for key in listed {
        let Some(id) = key.access_key_id() else {
            continue;
        };
        keys.push(AccessKey {
            id: id.to_string(),
            status: key
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            created: to_time(key.create_date()),
            last_used: key_last_used(iam, ctx, id).await,
        });
    }
    Record::ok(source, keys)
}

async fn key_last_used(iam: &Client, ctx: &Ctx, key_id: &str) -> Option<DateTime<Utc>> {
    match iam
        .get_access_key_last_used()
        .access_key_id(key_id)
        .send()
        .await
    {
        Ok(out) => to_time(out.access_key_last_used().and_then(|u| u.last_used_date())),
        Err(err) => {
            ctx.log_sdk(op::GET_ACCESS_KEY_LAST_USED, Some(key_id), &err);
            None
        }
    }
}

async fn mfa_devices(iam: &Client, ctx: &Ctx, user: &str) -> Record<Vec<String>> {
    let devices = iam
        .list_mfa_devices()
        .user_name(user)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map(|devices| {
            devices
                .iter()
                .map(|d| d.serial_number().to_string())
                .collect()
        });
    ctx.record(op::LIST_MFA_DEVICES, Some(user), devices)
}
