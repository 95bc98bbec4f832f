//! S3: which buckets each account owns (`ListBuckets`), each account's own Block Public
//! Access setting (S3 Control `GetPublicAccessBlock`), and for each trail bucket, read in its
//! owner's session, the settings that make logs tamper-resistant and private: Object Lock,
//! versioning, lifecycle rules, the bucket policy, Block Public Access and default encryption.
//!
//! Ownership is taken from the account whose `ListBuckets` holds the bucket, never guessed
//! from its name. S3 answers "this bucket has no such configuration" with an error code that
//! the SDK does not model (`NoSuchBucketPolicy`, …); those answers are facts ("no policy"),
//! so they are stored as `Ok` values, matched on the error code.

use aws_sdk_s3::types::{BucketVersioningStatus, ExpirationStatus, ObjectLockEnabled};
use aws_sdk_sts::error::ProvideErrorMetadata;

use super::errors::{Ctx, Sdk};
use super::ops::s3 as op;
use super::ops::s3control as ctrl;
use super::session::Session;
use crate::snapshot::{BucketEvidence, LifecycleRule, ObjectLock, PublicAccessBlock, Record};

/// The error codes S3 uses for "not configured", each a fact rather than a failure.
const NO_BUCKET_POLICY: &str = "NoSuchBucketPolicy";
const NO_OBJECT_LOCK: &str = "ObjectLockConfigurationNotFoundError";
const NO_LIFECYCLE: &str = "NoSuchLifecycleConfiguration";
/// No Block Public Access setting, at bucket or account level: all four flags off.
const NO_PUBLIC_ACCESS_BLOCK: &str = "NoSuchPublicAccessBlockConfiguration";
/// No default encryption (possible only for buckets made before January 2023).
const NO_ENCRYPTION: &str = "ServerSideEncryptionConfigurationNotFoundError";

/// The four Block Public Access flags of an optional S3 or S3 Control configuration (two SDK
/// types with the same accessors, hence a macro); an absent configuration or flag is off, as S3
/// documents.
macro_rules! public_access_block {
    ($config:expr) => {{
        let config = $config;
        let flag = |read: fn(_) -> Option<bool>| config.and_then(read).unwrap_or(false);
        PublicAccessBlock {
            block_public_acls: flag(|c| c.block_public_acls()),
            ignore_public_acls: flag(|c| c.ignore_public_acls()),
            block_public_policy: flag(|c| c.block_public_policy()),
            restrict_public_buckets: flag(|c| c.restrict_public_buckets()),
        }
    }};
}

/// `versioning` value for a bucket whose versioning was never enabled (S3 then returns no
/// `Status`); otherwise S3's own `Enabled` or `Suspended`.
pub const VERSIONING_NEVER_ENABLED: &str = "Disabled";

/// `ListBuckets` from one account: the names of the buckets it owns.
pub async fn list_buckets(session: &Session, ctx: &Ctx) -> Record<Vec<String>> {
    let s3 = session.s3(&ctx.region);
    let buckets = s3
        .list_buckets()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map(|pages| {
            pages
                .iter()
                .flat_map(|p| p.buckets())
                .filter_map(|b| b.name().map(str::to_string))
                .collect()
        });
    ctx.record(op::LIST_BUCKETS, None, buckets)
}

/// Reads one bucket in its owner's session. `region_hint` is used when the bucket's own
/// region cannot be read.
pub async fn bucket(name: &str, owner: &Session, ctx: &Ctx, region_hint: &str) -> BucketEvidence {
    let region = bucket_region(name, owner, ctx)
        .await
        .unwrap_or_else(|| region_hint.into());
    let ctx = ctx.at(&owner.account_id, &region);
    let s3 = owner.s3(&region);
    let target = Some(name);

    let (lock, versioning, lifecycle, policy, public_access, encryption) = tokio::join!(
        s3.get_object_lock_configuration().bucket(name).send(),
        s3.get_bucket_versioning().bucket(name).send(),
        s3.get_bucket_lifecycle_configuration().bucket(name).send(),
        s3.get_bucket_policy().bucket(name).send(),
        s3.get_public_access_block().bucket(name).send(),
        s3.get_bucket_encryption().bucket(name).send(),
    );
    let lock = lock.map(|out| to_object_lock(out.object_lock_configuration()));
    let lock = match lock {
        Err(e) if not_configured(&e, NO_OBJECT_LOCK) => Ok(to_object_lock(None)),
        other => other,
    };
    let versioning = versioning.map(|out| match out.status() {
        Some(BucketVersioningStatus::Enabled) => "Enabled".to_string(),
        Some(BucketVersioningStatus::Suspended) => "Suspended".to_string(),
        Some(other) => other.as_str().to_string(),
        None => VERSIONING_NEVER_ENABLED.to_string(),
    });
    let lifecycle = lifecycle.map(|out| out.rules().iter().map(to_rule).collect());
    let lifecycle = match lifecycle {
        Err(e) if not_configured(&e, NO_LIFECYCLE) => Ok(Vec::new()),
        other => other,
    };
    let policy = policy.map(|out| out.policy().map(str::to_string));
    let policy = match policy {
        Err(e) if not_configured(&e, NO_BUCKET_POLICY) => Ok(None),
        other => other,
    };
    let public_access =
        public_access.map(|out| public_access_block!(out.public_access_block_configuration()));
    let public_access = match public_access {
        Err(e) if not_configured(&e, NO_PUBLIC_ACCESS_BLOCK) => Ok(PublicAccessBlock::default()),
        other => other,
    };
    let encryption = encryption.map(|out| {
        out.server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string())
    });
    let encryption = match encryption {
        Err(e) if not_configured(&e, NO_ENCRYPTION) => Ok(None),
        other => other,
    };

    BucketEvidence {
        name: name.to_string(),
        owner_account: Some(owner.account_id.clone()),
        object_lock: Some(ctx.record(op::GET_OBJECT_LOCK_CONFIGURATION, target, lock)),
        versioning: Some(ctx.record(op::GET_BUCKET_VERSIONING, target, versioning)),
        lifecycle_rules: Some(ctx.record(
            op::GET_BUCKET_LIFECYCLE_CONFIGURATION,
            target,
            lifecycle,
        )),
        policy: Some(ctx.record(op::GET_BUCKET_POLICY, target, policy)),
        public_access_block: Some(ctx.record(op::GET_PUBLIC_ACCESS_BLOCK, target, public_access)),
        encryption: Some(ctx.record(op::GET_BUCKET_ENCRYPTION, target, encryption)),
    }
}

/// A bucket that no collected account lists: its owner is unknown and nothing was read.
pub fn unowned(name: &str) -> BucketEvidence {
    BucketEvidence {
        name: name.to_string(),
        owner_account: None,
        object_lock: None,
        versioning: None,
        lifecycle_rules: None,
        policy: None,
        public_access_block: None,
        encryption: None,
    }
}

/// S3 Control `GetPublicAccessBlock` for the session's own account, in the run's region
/// (the setting is global to the account).
pub async fn account_public_access_block(
    session: &Session,
    ctx: &Ctx,
) -> Record<PublicAccessBlock> {
    let account = session.account_id.as_str();
    let block = session
        .s3control(&ctx.region)
        .get_public_access_block()
        .account_id(account)
        .send()
        .await
        .map(|out| public_access_block!(out.public_access_block_configuration()));
    let block = match block {
        Err(e) if not_configured(&e, NO_PUBLIC_ACCESS_BLOCK) => Ok(PublicAccessBlock::default()),
        other => other,
    };
    ctx.record(ctrl::GET_PUBLIC_ACCESS_BLOCK, Some(account), block)
}

/// Whether a failed call is S3's way of saying "not configured": a fact, not a failure.
fn not_configured<E: ProvideErrorMetadata>(err: &Sdk<E>, code: &str) -> bool {
    err.code() == Some(code)
}

/// `GetBucketLocation`: S3 answers no constraint for us-east-1 and the legacy `EU` for
/// eu-west-1.
async fn bucket_region(name: &str, owner: &Session, ctx: &Ctx) -> Option<String> {
    let s3 = owner.s3(&ctx.region);
    match s3.get_bucket_location().bucket(name).send().await {
        Ok(out) => Some(match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(region) => region.to_string(),
        }),
        Err(err) => {
            ctx.at(&owner.account_id, &ctx.region).log_sdk(
                op::GET_BUCKET_LOCATION,
                Some(name),
                &err,
            );
            None
        }
    }
}

fn to_object_lock(config: Option<&aws_sdk_s3::types::ObjectLockConfiguration>) -> ObjectLock {
    let retention = config
        .and_then(|c| c.rule())
        .and_then(|r| r.default_retention());
    ObjectLock {
        enabled: config
            .and_then(|c| c.object_lock_enabled())
            .is_some_and(|e| *e == ObjectLockEnabled::Enabled),
        mode: retention
            .and_then(|r| r.mode())
            .map(|m| m.as_str().to_string()),
        days: retention.and_then(|r| r.days()),
        years: retention.and_then(|r| r.years()),
    }
}

fn to_rule(rule: &aws_sdk_s3::types::LifecycleRule) -> LifecycleRule {
    LifecycleRule {
        id: rule.id().map(str::to_string),
        enabled: *rule.status() == ExpirationStatus::Enabled,
        transitions: rule
            .transitions()
            .iter()
            .filter_map(|t| t.storage_class().map(|c| c.as_str().to_string()))
            .collect(),
        expiration_days: rule.expiration().and_then(|e| e.days()),
    }
}
