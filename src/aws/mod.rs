//! Talking to AWS: the session (credentials, assume-role into member accounts, regions,
//! retries, bounded concurrency) and one collector per service. This is the only part of
//! `evident` that touches the network; everything it learns goes into a snapshot.
//!
//! A collection runs in four steps: Organizations from the caller's account (which sets the
//! scope), every account in scope at once up to `--concurrency` (IAM, trail listings, bucket
//! listings, Identity Center instances, account-level S3 Block Public Access, budgets, and the
//! regional services in each enabled region), then the details that must be read in one
//! particular account (GuardDuty and Security Hub organization settings in their
//! administrator, each unique trail in its owner account, each trail bucket in the account
//! that lists it, Identity Center in the management account). Only a setup failure stops it; every
//! other failed call is kept as an evidence gap and listed in the manifest.

mod account;
mod backup;
mod budgets;
mod cloudtrail;
mod configservice;
mod delegated;
pub mod errors;
mod guardduty;
mod iam;
mod identity_center;
pub mod ops;
mod organizations;
mod regional;
mod s3;
mod securityhub;
pub mod session;
mod tagging;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};

use crate::snapshot::{
    self, AccountEvidence, CloudTrailEvidence, IdentityCenterEvidence, Manifest, Scope, Snapshot,
};
use errors::{Ctx, ErrorLog};
use organizations::OrgView;
use session::{Plan, Session};

/// Default role assumed in member accounts; AWS Organizations creates it in accounts it makes.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Accounts collected at once. Organizations and IAM throttle per account and per
/// organization; 8 keeps a 1,000-account organization moving without tripping them.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Region used when neither `--region` nor the profile names one. Organizations and IAM are
/// served from us-east-1 in the `aws` partition.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Trail buckets read at once, each in its owner's session. S3 bucket-configuration reads
/// are cheap and rarely throttled; there are seldom more than a few trail buckets.
const BUCKET_CONCURRENCY: usize = 4;

/// Connection settings shared by every command that talks to AWS.
#[derive(Debug, Clone, Args)]
pub struct AwsSettings {
    /// Named profile from the shared AWS config and credentials files.
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Region for global calls (Organizations, IAM, STS); default from the profile, else
    /// us-east-1.
    #[arg(long)]
    pub region: Option<String>,
    /// Regions to collect regional evidence in (comma-separated); default: the --region.
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Role assumed in each member account.
    #[arg(long, default_value = DEFAULT_ROLE_NAME)]
    pub role_name: String,
    /// Send every call to this endpoint (an emulator such as moto).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Member accounts collected at once.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Attempts per call before a throttled or failing call is recorded as an error.
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
}

/// A setting that cannot work, found before any call is made.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Collects a snapshot and writes it to `out`.
pub async fn collect_to(settings: &AwsSettings, out: &Path) -> anyhow::Result<()> {
    let started_at = Utc::now();
    let (caller, plan) = session::caller(settings).await?;
    tracing::info!(caller = %caller.arn, regions = ?plan.regions, "collecting");
    let log = ErrorLog::default();
    let ctx = Ctx::new(&caller.account_id, &plan.region, &log);

    let (organization, view) = organizations::collect(&caller, &ctx).await;
    let scope = scope(&view, &caller, &plan);
    let (mut accounts, sessions) = collect_accounts(&caller, &plan, &scope, &log).await;
    let management = scope.management_account.as_deref();
    delegated::collect(&mut accounts, &sessions, &organization, management, &ctx).await;
    let cloudtrail = collect_cloudtrail(&accounts, &sessions, &ctx).await;
    let identity_center = collect_identity_center(&accounts, &sessions, &scope, &ctx).await;

    let errors = log.entries();
    let summary = format!(
        "collected {} of {} accounts ({} excluded) in {} region(s): {}; {} error(s)",
        sessions.len(),
        scope.accounts.len(),
        scope.excluded_accounts.len(),
        scope.regions.len(),
        scope.regions.join(","),
        errors.len()
    );
    let manifest = Manifest {
        format: "evident.snapshot".to_string(),
        format_version: snapshot::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        finished_at: Utc::now(),
        caller_arn: caller.arn.clone(),
        scope,
        files: BTreeMap::new(),
        errors,
    };
    let snapshot = Snapshot {
        manifest,
        organization,
        accounts,
        cloudtrail,
        identity_center,
    };
    snapshot::save(out, &snapshot)
        .with_context(|| format!("writing the snapshot to {}", out.display()))?;
    eprintln!("evident: {summary}; snapshot in {}", out.display());
    Ok(())
}

/// The accounts and regions in scope. ACTIVE accounts are entered; the others are listed as
/// excluded with their state. Without an account list (standalone account, or `ListAccounts`
/// failed), the caller's own account is the scope.
fn scope(view: &OrgView, caller: &Session, plan: &Plan) -> Scope {
    let mut scope = Scope {
        organization_id: view.organization_id.clone(),
        management_account: view.management_account.clone(),
        regions: plan.regions.clone(),
        regions_explicit: plan.regions_explicit,
        ..Scope::default()
    };
    match &view.accounts {
        Some(accounts) => {
            for (id, state) in accounts {
                if state == "ACTIVE" {
                    scope.accounts.push(id.clone());
                } else {
                    scope.excluded_accounts.insert(id.clone(), state.clone());
                }
            }
        }
        None => scope.accounts.push(caller.account_id.clone()),
    }
    scope.accounts.sort();
    scope
}

/// Enters and reads every account in scope, `plan.concurrency` at a time.
async fn collect_accounts(
    caller: &Session,
    plan: &Plan,
    scope: &Scope,
    log: &ErrorLog,
) -> (Vec<AccountEvidence>, BTreeMap<String, Session>) {
    let progress = progress_bar(scope.accounts.len());
    let management = scope.management_account.as_deref();
    let mut collected: Vec<(AccountEvidence, Option<Session>)> = stream::iter(&scope.accounts)
        .map(|account| {
            let progress = &progress;
            async move {
                let result = account::collect(caller, account, plan, management, log).await;
                progress.inc(1);
                result
            }
        })
        .buffer_unordered(plan.concurrency)
        .collect()
        .await;
    progress.finish_and_clear();

    collected.sort_by(|a, b| a.0.account_id.cmp(&b.0.account_id));
    let mut sessions = BTreeMap::new();
    let mut accounts = Vec::with_capacity(collected.len());
    for (evidence, session) in collected {
        if let Some(session) = session {
            sessions.insert(evidence.account_id.clone(), session);
        }
        accounts.push(evidence);
    }
    (accounts, sessions)
}

/// A progress bar on stderr when it is a terminal; hidden otherwise, so logs and CI output
/// stay clean.
fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} accounts") {
        bar.set_style(style);
    }
    bar
}

/// Trail details once per unique trail, and each trail bucket in its owner's session.
async fn collect_cloudtrail(
    accounts: &[AccountEvidence],
    sessions: &BTreeMap<String, Session>,
    ctx: &Ctx,
) -> CloudTrailEvidence {
    let unique = cloudtrail::unique_trails(accounts);
    let trails = cloudtrail::details(&unique, sessions, ctx).await;

    // Bucket name -> home region of a trail writing to it (the fallback region to read it in).
    let mut bucket_regions: BTreeMap<String, String> = BTreeMap::new();
    for u in &unique {
        if let Some(bucket) = &u.trail.s3_bucket {
            bucket_regions
                .entry(bucket.clone())
                .or_insert_with(|| u.trail.home_region.clone());
        }
    }
    let buckets = stream::iter(bucket_regions)
        .map(|(name, region)| async move {
            let owner = bucket_owner(accounts, &name).and_then(|a| sessions.get(a));
            match owner {
                Some(session) => {
                    let region = if region.is_empty() {
                        ctx.region.clone()
                    } else {
                        region
                    };
                    s3::bucket(&name, session, ctx, &region).await
                }
                None => s3::unowned(&name),
            }
        })
        .buffered(BUCKET_CONCURRENCY)
        .collect()
        .await;
    CloudTrailEvidence { trails, buckets }
}

/// The collected account whose `ListBuckets` holds `bucket`.
fn bucket_owner<'a>(accounts: &'a [AccountEvidence], bucket: &str) -> Option<&'a str> {
    accounts
        .iter()
        .find(|a| {
            a.buckets
                .as_ref()
                .and_then(|b| b.value())
                .is_some_and(|b| b.iter().any(|n| n == bucket))
        })
        .map(|a| a.account_id.as_str())
}

/// Identity Center from the management account's organization instance, when there is one.
async fn collect_identity_center(
    accounts: &[AccountEvidence],
    sessions: &BTreeMap<String, Session>,
    scope: &Scope,
    ctx: &Ctx,
) -> IdentityCenterEvidence {
    let Some(management) = scope.management_account.as_deref() else {
        return IdentityCenterEvidence::default();
    };
    let listed = accounts
        .iter()
        .find(|a| a.account_id == management)
        .and_then(|a| a.sso_instances.as_ref());
    let instance = listed.and_then(|l| identity_center::organization_instance(l, management));
    let (Some(listed), Some(instance), Some(session)) =
        (listed, instance, sessions.get(management))
    else {
        tracing::info!("no organization instance of IAM Identity Center listed");
        return IdentityCenterEvidence::default();
    };
    let ctx = ctx.at(management, &listed.source.region);
    identity_center::collect(session, instance, &scope.accounts, &ctx).await
}

/// An SDK timestamp as a UTC time.
pub(crate) fn to_time(t: Option<&aws_smithy_types::DateTime>) -> Option<chrono::DateTime<Utc>> {
    let t = t?;
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}
