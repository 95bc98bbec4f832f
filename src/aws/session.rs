//! Sessions: the caller's own credentials, and one assumed-role session per member account.
//! Every client is made from a session, so `--endpoint-url`, the retry policy and the region
//! choice reach every call, assumed-role sessions included.
//!
//! Assumed credentials refresh themselves: a collection of a large organization can outlast
//! the one hour an `sts:AssumeRole` session lives (role chaining caps it there), and the
//! CloudTrail and S3 reads at the end reuse sessions opened at the start. The first
//! `AssumeRole` is made explicitly, so its error (with its code) is recorded for the account.

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_sts::error::DisplayErrorContext;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};

use super::errors::{self, Ctx, Sdk};
use super::ops;
use super::{AwsSettings, UsageError, DEFAULT_REGION};
use crate::snapshot::Record;

/// Name of the session in CloudTrail logs of the member accounts, so the collector's reads
/// are easy to tell apart.
const SESSION_NAME: &str = "evident-collect";

/// Assumed credentials are renewed this long before they expire (AssumeRole sessions last
/// one hour by default, and at most one hour when chained from another role).
const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// Time to open a connection; the SDK's own default, kept because setting any timeout
/// replaces all of them.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3_100);

/// Time one attempt of one call may take. Every call here reads one page of metadata; an
/// attempt silent for a minute is a stalled connection, abandoned and retried (then recorded
/// as a network error) instead of hanging the whole collection.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// A failure that stops the collection before any evidence is gathered.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "no AWS credentials found ({where_}); set AWS_PROFILE or --profile, or the AWS_* \
             credential variables"
    )]
    NoCredentials { where_: String },
    #[error("sts:GetCallerIdentity failed ({where_}): {message}")]
    CallerIdentity { where_: String, message: String },
}

/// The resolved connection settings of one run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Region for global calls (Organizations, IAM, STS) and for Identity Center.
    pub region: String,
    /// Regions collected for regional evidence, in the order given.
    pub regions: Vec<String>,
    /// Whether `--regions` named the regions. Without it, the regional services are read in
    /// every region each account has enabled (and `regions` is only the fallback).
    pub regions_explicit: bool,
    pub role_name: String,
    pub concurrency: usize,
}

/// A signed-in identity in one account.
#[derive(Debug, Clone)]
pub struct Session {
    pub account_id: String,
    /// `sts:GetCallerIdentity` ARN of this session.
    pub arn: String,
    config: SdkConfig,
    /// S3 needs path-style addressing on a custom endpoint (`bucket.127.0.0.1` resolves
    /// nowhere).
    path_style: bool,
}

impl Session {
    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::new(&self.config)
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.config)
    }

    pub fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        let conf = aws_sdk_cloudtrail::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_cloudtrail::Client::from_conf(conf)
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .force_path_style(self.path_style)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub fn sso_admin(&self, region: &str) -> aws_sdk_ssoadmin::Client {
        let conf = aws_sdk_ssoadmin::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_ssoadmin::Client::from_conf(conf)
    }

    pub fn identitystore(&self, region: &str) -> aws_sdk_identitystore::Client {
        let conf = aws_sdk_identitystore::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_identitystore::Client::from_conf(conf)
    }

    /// Account Management, a global API (its endpoint is chosen by the partition).
    pub fn account(&self) -> aws_sdk_account::Client {
        aws_sdk_account::Client::new(&self.config)
    }

    /// AWS Budgets, a global API served from the partition's home region.
    pub fn budgets(&self) -> aws_sdk_budgets::Client {
        aws_sdk_budgets::Client::new(&self.config)
    }

    /// S3 Control. Its endpoint rules put the account id in front of the host
    /// (`111111111111.s3-control.us-east-1.amazonaws.com`). With a custom endpoint that
    /// yields a name such as `111111111111.127.0.0.1`, which no resolver knows; for custom
    /// endpoints only, the client's connector resolves `<account id>.<endpoint host>` as the
    /// endpoint host itself. Requests keep the prefixed `Host` header, as on AWS.
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut conf = aws_sdk_s3control::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()));
        let host = self.config.endpoint_url().and_then(endpoint_host);
        if let Some(host) = host {
            conf = conf.http_client(prefixed_host_client(host));
        }
        aws_sdk_s3control::Client::from_conf(conf.build())
    }

    pub fn guardduty(&self, region: &str) -> aws_sdk_guardduty::Client {
        let conf = aws_sdk_guardduty::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_guardduty::Client::from_conf(conf)
    }

    pub fn securityhub(&self, region: &str) -> aws_sdk_securityhub::Client {
        let conf = aws_sdk_securityhub::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_securityhub::Client::from_conf(conf)
    }

    /// AWS Config.
    pub fn config(&self, region: &str) -> aws_sdk_config::Client {
        let conf = aws_sdk_config::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_config::Client::from_conf(conf)
    }

    pub fn backup(&self, region: &str) -> aws_sdk_backup::Client {
        let conf = aws_sdk_backup::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_backup::Client::from_conf(conf)
    }

    /// The Resource Groups Tagging API.
    pub fn tagging(&self, region: &str) -> aws_sdk_resourcegroupstagging::Client {
        let conf = aws_sdk_resourcegroupstagging::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_resourcegroupstagging::Client::from_conf(conf)
    }

    /// The partition of this session (`aws`, `aws-cn`, `aws-us-gov`), from its ARN.
    pub fn partition(&self) -> &str {
        self.arn
            .split(':')
            .nth(1)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
    }
}

/// The host (without port) of a custom endpoint URL such as `http://127.0.0.1:5000`.
fn endpoint_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match authority.strip_prefix('[') {
        // An IPv6 literal: `[::1]:5000`.
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// An HTTP client (the SDK's default rustls one) whose resolver knows account-prefixed
/// names of the custom endpoint `host`.
fn prefixed_host_client(host: String) -> aws_sdk_s3control::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_with_resolver(PrefixedHostResolver { host })
}

/// Resolves `<account id>.<host>` as `host`, and every other name as the system does.
#[derive(Debug, Clone)]
struct PrefixedHostResolver {
    host: String,
}

impl PrefixedHostResolver {
    /// The name to look up for `name`: the endpoint host when `name` is it with a 12-digit
    /// account id in front.
    fn target<'a>(&'a self, name: &'a str) -> &'a str {
        let prefixed = name
            .strip_suffix(self.host.as_str())
            .and_then(|p| p.strip_suffix('.'))
            .is_some_and(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()));
        if prefixed {
            &self.host
        } else {
            name
        }
    }
}

impl ResolveDns for PrefixedHostResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        let target = self.target(name).to_string();
        if let Ok(ip) = target.parse::<IpAddr>() {
            return DnsFuture::ready(Ok(vec![ip]));
        }
        DnsFuture::new(async move {
            // The standard library's resolver blocks; keep it off the async workers.
            let found = tokio::task::spawn_blocking(move || (target.as_str(), 0).to_socket_addrs())
                .await
                .map_err(ResolveDnsError::new)?
                .map_err(ResolveDnsError::new)?;
            Ok(found.map(|addr| addr.ip()).collect())
        })
    }
}

/// Checks the settings that can be checked without AWS and picks the regions.
pub fn plan(settings: &AwsSettings, profile_region: Option<&str>) -> Result<Plan, UsageError> {
    if settings.concurrency == 0 {
        return Err(UsageError("--concurrency must be at least 1".into()));
    }
    if settings.max_attempts == 0 {
        return Err(UsageError("--max-attempts must be at least 1".into()));
    }
    if settings.role_name.is_empty() || settings.role_name.contains(['/', ':']) {
        return Err(UsageError(format!(
            "--role-name {:?} is not a role name (give the name, not an ARN or path)",
            settings.role_name
        )));
    }
    let region = settings
        .region
        .clone()
        .or(profile_region.map(str::to_string))
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let mut regions: Vec<String> = Vec::new();
    for r in &settings.regions {
        let r = r.trim();
        if r.is_empty() {
            continue;
        }
        if !r
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(UsageError(format!("--regions: {r:?} is not a region name")));
        }
        if !regions.iter().any(|x| x == r) {
            regions.push(r.to_string());
        }
    }
    let regions_explicit = !regions.is_empty();
    if regions.is_empty() {
        regions.push(region.clone());
    }
    Ok(Plan {
        region,
        regions,
        regions_explicit,
        role_name: settings.role_name.clone(),
        concurrency: settings.concurrency,
    })
}

/// Loads the caller's configuration (credential chain, profile, endpoint, retries) and checks
/// who it is. Any failure here stops the run: nothing could be collected.
pub async fn caller(settings: &AwsSettings) -> anyhow::Result<(Session, Plan)> {
    let (config, plan) = load_config(settings).await?;
    let where_ = describe_target(settings);
    if config.credentials_provider().is_none() {
        return Err(SetupError::NoCredentials { where_ }.into());
    }
    let mut session = Session {
        account_id: String::new(),
        arn: String::new(),
        config,
        path_style: settings.endpoint_url.is_some(),
    };

    let sts = session.sts();
    let identity = sts.get_caller_identity().send().await.map_err(|err| {
        tracing::debug!("{}", DisplayErrorContext(&err));
        let message = errors::cause_chain(&err);
        SetupError::CallerIdentity {
            where_: where_.clone(),
            message,
        }
    })?;
    let (Some(account), Some(arn)) = (identity.account(), identity.arn()) else {
        let message = "the answer has no Account or Arn".to_string();
        return Err(SetupError::CallerIdentity { where_, message }.into());
    };
    session.account_id = account.to_string();
    session.arn = arn.to_string();
    Ok((session, plan))
}

/// The shared SDK configuration of every client, and the plan it implies.
async fn load_config(settings: &AwsSettings) -> Result<(SdkConfig, Plan), UsageError> {
    let retries = RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retries)
        .timeout_config(timeouts);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let loaded = loader.load().await;

    let plan = plan(settings, loaded.region().map(|r| r.as_ref()))?;
    let config = loaded
        .to_builder()
        .region(Region::new(plan.region.clone()))
        .build();
    Ok((config, plan))
}

/// Names the endpoint and profile a setup error is about.
fn describe_target(settings: &AwsSettings) -> String {
    let endpoint = settings
        .endpoint_url
        .as_deref()
        .unwrap_or("the default AWS endpoints");
    let profile = settings
        .profile
        .as_deref()
        .unwrap_or("default credential chain");
    format!("endpoint {endpoint}, profile {profile}")
}

/// Enters `account` through `role_name`. Returns the session record (the assumed identity's
/// ARN, or the error that kept the collector out) and the session when it worked.
pub async fn assume(
    caller: &Session,
    account: &str,
    role_name: &str,
    ctx: &Ctx,
) -> (Record<String>, Option<Session>) {
    let role_arn = format!("arn:{}:iam::{account}:role/{role_name}", caller.partition());
    let target = Some(role_arn.as_str());
    let sts = caller.sts();
    let first = match assume_once(&sts, &role_arn).await {
        Ok(creds) => creds,
        Err(AssumeFailure::Sdk(err)) => {
            return (ctx.record(ops::sts::ASSUME_ROLE, target, Err(*err)), None)
        }
        Err(AssumeFailure::NoCredentials) => {
            let error = errors::missing_field("Credentials");
            return (ctx.failed(ops::sts::ASSUME_ROLE, target, error), None);
        }
    };
    let provider = RoleProvider {
        sts,
        role_arn: role_arn.clone(),
        current: Mutex::new(first),
    };
    let config = caller
        .config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();
    let mut session = Session {
        account_id: account.to_string(),
        arn: String::new(),
        config,
        path_style: caller.path_style,
    };

    // Ask the new session who it is: the evidence names the identity that read each account.
    let identity = session.sts().get_caller_identity().send().await;
    let op = ops::sts::GET_CALLER_IDENTITY;
    let arn = match identity {
        Ok(out) => out.arn().map(str::to_string),
        Err(err) => return (ctx.record(op, target, Err(err)), None),
    };
    let Some(arn) = arn else {
        return (ctx.failed(op, target, errors::missing_field("Arn")), None);
    };
    session.arn = arn.clone();
    (Record::ok(ctx.source(op, target), arn), Some(session))
}

/// The caller's own identity as the session record of the account it belongs to.
pub fn own_session_record(caller: &Session, ctx: &Ctx) -> Record<String> {
    Record::ok(
        ctx.source(ops::sts::GET_CALLER_IDENTITY, None),
        caller.arn.clone(),
    )
}

enum AssumeFailure {
    Sdk(Box<Sdk<AssumeRoleError>>),
    /// A success without credentials (documented as impossible).
    NoCredentials,
}

async fn assume_once(
    sts: &aws_sdk_sts::Client,
    role_arn: &str,
) -> Result<Credentials, AssumeFailure> {
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(SESSION_NAME)
        .send()
        .await
        .map_err(|e| AssumeFailure::Sdk(Box::new(e)))?;
    let c = out.credentials().ok_or(AssumeFailure::NoCredentials)?;
    let expires = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expires,
        "evident-assume-role",
    ))
}

/// Credentials of one assumed role, renewed by assuming it again shortly before they expire.
#[derive(Debug)]
struct RoleProvider {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    current: Mutex<Credentials>,
}

impl RoleProvider {
    fn fresh(&self) -> Option<Credentials> {
        let current = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match current.expiry() {
            Some(at) if at <= SystemTime::now() + REFRESH_MARGIN => None,
            _ => Some(current),
        }
    }

    async fn renew(&self) -> Result<Credentials, CredentialsError> {
        let creds = assume_once(&self.sts, &self.role_arn)
            .await
            .map_err(|err| {
                let why = match err {
                    AssumeFailure::Sdk(e) => DisplayErrorContext(&e).to_string(),
                    AssumeFailure::NoCredentials => "no credentials in the answer".to_string(),
                };
                CredentialsError::provider_error(format!(
                    "sts:AssumeRole {} (renewal): {why}",
                    self.role_arn
                ))
            })?;
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = creds.clone();
        Ok(creds)
    }
}

impl ProvideCredentials for RoleProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match self.fresh() {
            Some(creds) => future::ProvideCredentials::ready(Ok(creds)),
            None => future::ProvideCredentials::new(self.renew()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        aws: AwsSettings,
    }

    fn settings(args: &[&str]) -> AwsSettings {
        let args = std::iter::once("evident").chain(args.iter().copied());
        Cli::try_parse_from(args).expect("valid flags").aws
    }

    #[test]
    fn regions_default_to_the_region_then_the_profile_then_us_east_1() {
        let plan = |args: &[&str], profile| plan(&settings(args), profile).expect("plan");
        assert_eq!(plan(&[], None).regions, ["us-east-1"]);
        assert!(!plan(&[], None).regions_explicit);
        assert_eq!(plan(&[], Some("eu-west-1")).region, "eu-west-1");
        let p = plan(&["--region", "eu-central-1"], Some("eu-west-1"));
        assert_eq!(p.region, "eu-central-1");
        assert_eq!(p.regions, ["eu-central-1"]);
        let p = plan(&["--regions", "us-east-1, eu-west-1,us-east-1"], None);
        assert_eq!(
            p.regions,
            ["us-east-1", "eu-west-1"],
            "trimmed, first seen order, once"
        );
        assert!(p.regions_explicit);
        assert_eq!(p.role_name, crate::aws::DEFAULT_ROLE_NAME);
    }

    #[test]
    fn only_account_prefixed_names_of_the_endpoint_host_are_rewritten() {
        assert_eq!(
            endpoint_host("http://127.0.0.1:5000").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(endpoint_host("https://[::1]:443/").as_deref(), Some("::1"));
        assert_eq!(
            endpoint_host("http://moto.internal").as_deref(),
            Some("moto.internal")
        );
        let r = PrefixedHostResolver {
            host: "127.0.0.1".into(),
        };
        assert_eq!(r.target("111111111111.127.0.0.1"), "127.0.0.1");
        assert_eq!(r.target("127.0.0.1"), "127.0.0.1");
        assert_eq!(r.target("bucket.127.0.0.1"), "bucket.127.0.0.1");
        assert_eq!(
            r.target("111111111111.127.0.0.10"),
            "111111111111.127.0.0.10"
        );
        assert_eq!(r.target("example.com"), "example.com");
    }

    #[test]
    fn impossible_settings_are_usage_errors() {
        for args in [
            &["--concurrency", "0"][..],
            &["--max-attempts", "0"],
            &["--role-name", "arn:aws:iam::1:role/x"],
            &["--regions", "us east 1"],
        ] {
            assert!(plan(&settings(args), None).is_err(), "{args:?}");
        }
    }
}
