//! The evidence model: every fact `collect` gathers, each wrapped in a [`Record`] that says
//! where it came from (service, operation, account, region, time) and whether the call worked.
//!
//! A failed call is kept as a record too (with its error code), so a probe can tell "AWS said
//! there are none" (an empty list in an `Ok` record) from "we could not look" (an `Err`
//! record, or no record at all). The second is always `unknown`, never `pass` or `fail`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a fact came from: the API call that returned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Service name as in IAM actions (`organizations`, `iam`, `cloudtrail`, `s3`, …).
    pub service: String,
    /// The API operation (`ListAccounts`, `GetTrailStatus`, …).
    pub operation: String,
    /// The account whose credentials made the call.
    pub account: String,
    /// The region the call went to (`us-east-1` for global services).
    pub region: String,
    /// When the response arrived.
    pub collected_at: DateTime<Utc>,
    /// The main request parameter when it matters (a trail ARN, a bucket name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl Provenance {
    /// A short one-line pointer such as `cloudtrail:GetTrailStatus @ 111111111111/us-east-1`.
    pub fn pointer(&self) -> String {
        format!(
            "{}:{} @ {}/{}",
            self.service, self.operation, self.account, self.region
        )
    }
}

/// How a failed call is classified. Probes only need to know that evidence is missing; the
/// class goes into the report so a reader knows what to fix (permissions, retries, emulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    AccessDenied,
    NotFound,
    Throttled,
    NotImplemented,
    Network,
    Other,
}

/// A call that did not return the evidence asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallError {
    pub kind: ErrorKind,
    /// The AWS error code (`AccessDeniedException`) or HTTP status when there was none.
    pub code: String,
    pub message: String,
}

/// The result of one call: the value, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fetch<T> {
    Ok(T),
    Err(CallError),
}

/// One fact with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record<T> {
    pub source: Provenance,
    #[serde(flatten)]
    pub result: Fetch<T>,
}

impl<T> Record<T> {
    pub fn ok(source: Provenance, value: T) -> Self {
        Record {
            source,
            result: Fetch::Ok(value),
        }
    }

    pub fn err(source: Provenance, error: CallError) -> Self {
        Record {
            source,
            result: Fetch::Err(error),
        }
    }

    /// The value, when the call worked.
    pub fn value(&self) -> Option<&T> {
        match &self.result {
            Fetch::Ok(v) => Some(v),
            Fetch::Err(_) => None,
        }
    }

    pub fn error(&self) -> Option<&CallError> {
        match &self.result {
            Fetch::Ok(_) => None,
            Fetch::Err(e) => Some(e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------------------------

/// Everything read from AWS Organizations in the management account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgEvidence {
    /// `DescribeOrganization`. An `Err` with code `AWSOrganizationsNotInUseException` means the
    /// caller's account is standalone: a valid scope of one account.
    pub organization: Option<Record<Organization>>,
    pub roots: Option<Record<Vec<Root>>>,
    /// Every OU, found by walking `ListOrganizationalUnitsForParent` from each root.
    pub organizational_units: Vec<Record<OrganizationalUnit>>,
    /// `ListAccounts`, with each account's parent from `ListParents`.
    pub accounts: Option<Record<Vec<Account>>>,
    /// `ListPolicies` (SCP filter) plus `DescribePolicy` and `ListTargetsForPolicy` per policy.
    pub policies: Option<Record<Vec<PolicySummary>>>,
    pub policy_details: Vec<Record<Policy>>,
    /// `ListDelegatedAdministrators` with the services of each (`ListDelegatedServicesForAccount`).
    pub delegated_administrators: Option<Record<Vec<DelegatedAdministrator>>>,
    /// `ListTagsForResource` per account, keyed by account id.
    pub account_tags: BTreeMap<String, Record<BTreeMap<String, String>>>,
    /// When the walk of the OU tree failed part way, the parents whose children are unknown.
    pub incomplete_parents: Vec<Record<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    pub management_account_id: String,
    pub management_account_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// Policy types enabled at the root, e.g. `SERVICE_CONTROL_POLICY` → `ENABLED`.
    pub policy_types: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// The root or OU id this OU sits under.
    pub parent_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub email: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_ACTIVATION`, `PENDING_CLOSURE`, `CLOSED`. Read from
    /// `State`, falling back to the retired `Status` field only when `State` is absent.
    pub state: String,
    /// The parent root or OU id from `ListParents`; `None` when that call failed.
    pub parent_id: Option<String>,
    pub joined_method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub aws_managed: bool,
}

/// An SCP with its document and where it is attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub aws_managed: bool,
    /// The policy document exactly as returned.
    pub content: String,
    /// Root, OU and account ids it is attached to (`ListTargetsForPolicy`). `None` when that
    /// call failed, so "attached nowhere" is never confused with "could not tell".
    pub targets: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegatedAdministrator {
    pub account_id: String,
    pub name: String,
    /// Service principals this account administers (`cloudtrail.amazonaws.com`, …); empty when
    /// `ListDelegatedServicesForAccount` failed (see the error list).
    pub services: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Per-account evidence (read inside each account through assume-role)
// ---------------------------------------------------------------------------------------------

/// What was read inside one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountEvidence {
    pub account_id: String,
    /// `sts:GetCallerIdentity` in this account: the identity that collected, or why the
    /// account could not be entered (the assume-role error). When this is an `Err`, nothing
    /// else below was collected and every probe must say `unknown` for this account.
    pub session: Record<String>,
    pub iam: IamEvidence,
    /// `cloudtrail:DescribeTrails` per region, as seen from this account (shadow trails
    /// included).
    pub trails: Vec<Record<Vec<Trail>>>,
    /// `s3:ListBuckets`: which buckets this account owns. The only ownership signal that
    /// works the same on AWS and in emulators.
    pub buckets: Option<Record<Vec<String>>>,
    /// `sso-admin:ListInstances` as seen from this account.
    pub sso_instances: Option<Record<Vec<SsoInstance>>>,
    /// `account:ListRegions` (filter `ENABLED`, `ENABLED_BY_DEFAULT`) in this account: the
    /// regions it can use. An `Err` means the list is unknown; the regional evidence was then
    /// collected in the `--regions` list instead. `None` in snapshots older than this field.
    #[serde(default)]
    pub enabled_regions: Option<Record<Vec<String>>>,
    /// Regional evidence, one entry per region collected in this account: the enabled
    /// regions that are also in `--regions` (or, when `--regions` is not given, every enabled
    /// region). A region absent from this list was not looked at, so it is `unknown`.
    #[serde(default)]
    pub regional: Vec<RegionEvidence>,
    /// `s3control:GetPublicAccessBlock` for this account (authorized by
    /// `s3:GetAccountPublicAccessBlock`). No configuration at all
    /// (`NoSuchPublicAccessBlockConfiguration`) is `Ok` with all four flags `false`.
    #[serde(default)]
    pub s3_account_public_access_block: Option<Record<PublicAccessBlock>>,
    /// `budgets:DescribeBudgets` for this account, each budget with the actions
    /// `budgets:DescribeBudgetActionsForAccount` lists for it. No budget is `Ok(vec![])`.
    #[serde(default)]
    pub budgets: Option<Record<Vec<Budget>>>,
}

/// Regional evidence of one account in one region. Each field is one call (or one family of
/// calls) made with this account's credentials in `region`; `None` means it was not asked
/// (for the management-only and administrator-only fields: this account is not the one to
/// ask), an `Err` record means it was asked and the answer is unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionEvidence {
    pub region: String,
    /// `guardduty:ListDetectors`, then `GetDetector` for each. No detector is `Ok(vec![])`
    /// (GuardDuty is off in this account and region).
    #[serde(default)]
    pub guardduty: Option<Record<Vec<Detector>>>,
    /// `guardduty:DescribeOrganizationConfiguration` on this account's detector, read only in
    /// the account the management account names as GuardDuty administrator for this region
    /// (or, failing that list, the Organizations delegated administrator for GuardDuty).
    #[serde(default)]
    pub guardduty_org: Option<Record<GuardDutyOrgConfig>>,
    /// `guardduty:ListOrganizationAdminAccounts`, read in the management account only:
    /// GuardDuty's delegated administrator is set per region. Nobody is `Ok(vec![])`.
    #[serde(default)]
    pub guardduty_admins: Option<Record<Vec<OrgAdminAccount>>>,
    /// `securityhub:DescribeHub`. Not subscribed (`InvalidAccessException`,
    /// `ResourceNotFoundException`) is `Ok` with `enabled: false`.
    #[serde(default)]
    pub securityhub: Option<Record<Hub>>,
    /// `securityhub:DescribeOrganizationConfiguration`, read only in the Security Hub
    /// administrator account of this region.
    #[serde(default)]
    pub securityhub_org: Option<Record<SecurityHubOrgConfig>>,
    /// `securityhub:ListOrganizationAdminAccounts`, read in the management account only.
    #[serde(default)]
    pub securityhub_admins: Option<Record<Vec<OrgAdminAccount>>>,
    /// `config:DescribeConfigurationRecorders` with `DescribeConfigurationRecorderStatus`.
    /// No recorder is `Ok(vec![])`.
    #[serde(default)]
    pub config_recorders: Option<Record<Vec<ConfigRecorder>>>,
    /// `config:DescribeConfigurationAggregators`. None is `Ok(vec![])`.
    #[serde(default)]
    pub config_aggregators: Option<Record<Vec<ConfigAggregator>>>,
    /// `backup:ListBackupVaults` (lock settings included). None is `Ok(vec![])`.
    #[serde(default)]
    pub backup_vaults: Option<Record<Vec<BackupVault>>>,
    /// `backup:ListBackupPlans`, then `GetBackupPlan` for each. None is `Ok(vec![])`.
    #[serde(default)]
    pub backup_plans: Option<Record<Vec<BackupPlan>>>,
    /// `tag:GetResources` (Resource Groups Tagging API): ARNs of the tagged resources in this
    /// region, read in the management account only, to tell whether it hosts workloads.
    /// Untagged resources do not appear here; an empty list is not proof of none.
    #[serde(default)]
    pub tagged_resources: Option<Record<Vec<String>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IamEvidence {
    /// `GetAccountSummary` (the `SummaryMap`).
    pub account_summary: Option<Record<BTreeMap<String, i64>>>,
    /// `GetAccountAuthorizationDetails`: users, groups, roles and customer-managed and
    /// attached AWS-managed policies, with their documents.
    pub authorization: Option<Record<AuthorizationDetails>>,
    /// Per user: `GetLoginProfile`, `ListAccessKeys` + `GetAccessKeyLastUsed`,
    /// `ListMFADevices`, and `PasswordLastUsed` from `ListUsers`.
    pub users: Vec<UserCredentials>,
    /// `ListOrganizationsFeatures` (centralized root access), read in the management account.
    pub organizations_features: Option<Record<Vec<String>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationDetails {
    pub users: Vec<IamUser>,
    pub groups: Vec<IamGroup>,
    pub roles: Vec<IamRole>,
    pub policies: Vec<ManagedPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    /// The decoded JSON document.
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamUser {
    pub name: String,
    pub arn: String,
    pub created: Option<DateTime<Utc>>,
    pub groups: Vec<String>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamGroup {
    pub name: String,
    pub arn: String,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamRole {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub created: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
    /// The trust policy, decoded.
    pub assume_role_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    /// The default version's document, decoded; `None` when AWS did not include it.
    pub default_document: Option<String>,
}

/// The credentials of one IAM user. Each field is its own call so a failure of one (say
/// `GetAccessKeyLastUsed` denied) leaves the others usable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserCredentials {
    pub user_name: String,
    pub arn: String,
    pub password_last_used: Option<DateTime<Utc>>,
    /// `GetLoginProfile`: `true` when a console password exists (`NoSuchEntity` is `false`).
    pub console_password: Record<bool>,
    pub access_keys: Record<Vec<AccessKey>>,
    pub mfa_devices: Record<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub created: Option<DateTime<Utc>>,
    /// From `GetAccessKeyLastUsed`; `None` when never used or not readable.
    pub last_used: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// CloudTrail and S3
// ---------------------------------------------------------------------------------------------

/// A trail as `DescribeTrails` lists it (shadow copies included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub s3_bucket: Option<String>,
    pub is_organization_trail: bool,
    pub is_multi_region: bool,
    pub log_file_validation: bool,
    pub include_global_service_events: bool,
    pub has_custom_event_selectors: bool,
}

impl Trail {
    /// The account that owns the trail: the one in its ARN, never the account that listed it.
    pub fn owner_account(&self) -> Option<&str> {
        self.arn.split(':').nth(4).filter(|a| !a.is_empty())
    }
}

/// Status and selectors of one trail, read in its owner account and home region, by ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailDetails {
    pub arn: String,
    pub status: Record<TrailStatus>,
    pub event_selectors: Record<EventSelectors>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_delivery_time: Option<DateTime<Utc>>,
    pub latest_delivery_error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelectors {
    pub basic: Vec<BasicEventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicEventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    pub include_management_events: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
}

/// A trail's bucket, read inside the account whose `ListBuckets` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketEvidence {
    pub name: String,
    /// The account whose `ListBuckets` listed this bucket; `None` when no collected account
    /// did (the bucket is outside the collected scope, or listings failed).
    pub owner_account: Option<String>,
    pub object_lock: Option<Record<ObjectLock>>,
    pub versioning: Option<Record<String>>,
    pub lifecycle_rules: Option<Record<Vec<LifecycleRule>>>,
    pub policy: Option<Record<Option<String>>>,
    /// `s3:GetPublicAccessBlock` on the bucket. No configuration
    /// (`NoSuchPublicAccessBlockConfiguration`) is `Ok` with all four flags `false`; the
    /// account-level setting may still block (see [`AccountEvidence`]).
    #[serde(default)]
    pub public_access_block: Option<Record<PublicAccessBlock>>,
    /// `s3:GetBucketEncryption`: the default encryption algorithm (`AES256`, `aws:kms`,
    /// `aws:kms:dsse`). `Ok(None)` when no default encryption is configured
    /// (`ServerSideEncryptionConfigurationNotFoundError`, only possible before 2023).
    #[serde(default)]
    pub encryption: Option<Record<Option<String>>>,
}

/// The four S3 Block Public Access flags, at account or bucket level. S3 applies the most
/// restrictive combination of the account's and the bucket's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four flags on: the clean "public access is blocked".
    pub fn all(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectLock {
    pub enabled: bool,
    /// `GOVERNANCE` or `COMPLIANCE` for the default retention, if any.
    pub mode: Option<String>,
    pub days: Option<i32>,
    pub years: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleRule {
    pub id: Option<String>,
    pub enabled: bool,
    /// Storage classes objects transition to (`GLACIER`, `DEEP_ARCHIVE`, …).
    pub transitions: Vec<String>,
    pub expiration_days: Option<i32>,
}

/// The whole CloudTrail picture: the per-account listings live in [`AccountEvidence`]; this
/// holds what was read once per unique trail and per bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudTrailEvidence {
    pub trails: Vec<TrailDetails>,
    pub buckets: Vec<BucketEvidence>,
}

// ---------------------------------------------------------------------------------------------
// IAM Identity Center
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoInstance {
    pub arn: String,
    pub identity_store_id: String,
    pub owner_account_id: Option<String>,
    pub status: Option<String>,
}

/// Identity Center read from the organization instance's owner (management account or
/// delegated administrator).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdentityCenterEvidence {
    /// The instance the details below belong to.
    pub instance_arn: Option<String>,
    pub permission_sets: Option<Record<Vec<PermissionSet>>>,
    /// `ListAccountAssignments` per (account, permission set).
    pub assignments: Vec<Record<Vec<AccountAssignment>>>,
    /// `identitystore:ListUsers`, counted.
    pub user_count: Option<Record<u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet {
    pub arn: String,
    pub name: String,
    pub managed_policies: Vec<String>,
    pub inline_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountAssignment {
    pub account_id: String,
    pub permission_set_arn: String,
    /// `USER` or `GROUP`.
    pub principal_type: String,
    pub principal_id: String,
}

// ---------------------------------------------------------------------------------------------
// Detection and posture services, backups, budgets
// ---------------------------------------------------------------------------------------------

/// A GuardDuty detector (`GetDetector`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detector {
    pub id: String,
    /// `ENABLED` or `DISABLED` (a suspended detector is `DISABLED`, and counts as off).
    pub status: String,
    /// Protection plans (`S3_DATA_EVENTS`, `EKS_AUDIT_LOGS`, `RUNTIME_MONITORING`, …) and
    /// their status, from `Features[]`.
    #[serde(default)]
    pub features: BTreeMap<String, String>,
}

/// GuardDuty's organization settings in the administrator account
/// (`DescribeOrganizationConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardDutyOrgConfig {
    /// The administrator's detector the settings belong to.
    pub detector_id: String,
    /// `ALL` (every member, existing and new), `NEW` (new members only: existing accounts
    /// stay uncovered) or `NONE`.
    pub auto_enable_organization_members: Option<String>,
    /// Whether the organization has reached the GuardDuty member limit.
    pub member_account_limit_reached: Option<bool>,
}

/// An account a service names as its organization administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAdminAccount {
    pub account_id: String,
    /// `ENABLED` or `DISABLE_IN_PROGRESS`.
    pub status: Option<String>,
}

/// Security Hub (CSPM) in one account and region (`DescribeHub`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hub {
    /// Whether the account is subscribed to Security Hub in this region.
    pub enabled: bool,
    pub arn: Option<String>,
    /// When the account subscribed, as Security Hub reports it (ISO 8601).
    pub subscribed_at: Option<String>,
    pub auto_enable_controls: Option<bool>,
}

/// Security Hub's organization settings in the administrator account
/// (`DescribeOrganizationConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityHubOrgConfig {
    /// New organization accounts are enabled automatically (LOCAL configuration).
    pub auto_enable: bool,
    /// `DEFAULT` or `NONE`: whether new accounts get the default standards.
    pub auto_enable_standards: Option<String>,
    /// `CENTRAL` or `LOCAL`.
    pub configuration_type: Option<String>,
    /// `PENDING`, `ENABLED` or `FAILED` for central configuration.
    pub status: Option<String>,
    pub member_account_limit_reached: Option<bool>,
}

/// An AWS Config configuration recorder with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    /// `DescribeConfigurationRecorderStatus`: whether it is recording now. `None` when the
    /// status call failed (see the manifest errors), never guessed as `false`.
    pub recording: Option<bool>,
    /// `Pending`, `Success` or `Failure` of the last delivery attempt.
    pub last_status: Option<String>,
    /// `recordingGroup.allSupported`: every supported resource type is recorded.
    pub all_supported: bool,
    /// `recordingGroup.includeGlobalResourceTypes` (IAM and other global types).
    pub include_global: bool,
    /// `recordingStrategy.useOnly` (`ALL_SUPPORTED_RESOURCE_TYPES`, …).
    pub recording_strategy: Option<String>,
    /// For a service-linked recorder, the service that owns it; `None` for the
    /// customer-managed recorder the "Config is on" questions are about.
    pub service_principal: Option<String>,
}

/// An AWS Config aggregator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigAggregator {
    pub name: String,
    pub arn: Option<String>,
    /// Aggregates the whole organization (`OrganizationAggregationSource`).
    pub organization_wide: bool,
    /// Source accounts when it aggregates a list of accounts instead.
    pub account_ids: Vec<String>,
    /// Aggregates every region (current and future).
    pub all_regions: bool,
    /// Source regions when not all.
    pub regions: Vec<String>,
}

/// An AWS Backup vault and its lock (`ListBackupVaults`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupVault {
    pub name: String,
    pub arn: String,
    /// `BACKUP_VAULT` or `LOGICALLY_AIR_GAPPED_BACKUP_VAULT`.
    pub vault_type: Option<String>,
    /// AWS Backup's `Locked` flag.
    pub locked: bool,
    pub min_retention_days: Option<i64>,
    pub max_retention_days: Option<i64>,
    /// When a compliance-mode lock becomes immutable; absent for governance mode.
    pub lock_date: Option<DateTime<Utc>>,
    /// `COMPLIANCE` when a lock date is set and had passed at collection time (nobody can
    /// remove the lock or delete recovery points early); `GOVERNANCE` for any other lock
    /// (removable with `backup:DeleteBackupVaultLockConfiguration`, including a compliance
    /// lock still in its cooling-off period); `None` when the vault has no lock.
    pub lock_mode: Option<String>,
}

/// An AWS Backup plan (`GetBackupPlan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupPlan {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    /// The rules; `None` when `GetBackupPlan` failed (the plan is known to exist, its rules
    /// are not).
    pub rules: Option<Vec<BackupRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRule {
    pub name: String,
    pub target_vault: String,
    pub schedule: Option<String>,
    /// Days after which recovery points are deleted.
    pub delete_after_days: Option<i64>,
    /// Vault ARNs each recovery point is copied to; the account in an ARN tells a
    /// cross-account copy, the region a cross-region one.
    pub copy_destinations: Vec<String>,
}

/// An AWS Budgets budget of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    pub name: String,
    /// `COST`, `USAGE`, …
    pub budget_type: String,
    /// `MONTHLY`, `QUARTERLY`, …
    pub time_unit: String,
    /// The limit amount and unit, such as `100.0 USD`; `None` for auto-adjusting budgets
    /// without a fixed limit.
    pub limit: Option<String>,
    /// Its actions (`DescribeBudgetActionsForAccount`); `None` when that call failed, so "no
    /// action" is never confused with "could not tell".
    pub actions: Option<Vec<BudgetAction>>,
}

/// An action a budget takes when its threshold is crossed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetAction {
    pub id: String,
    /// `APPLY_IAM_POLICY`, `APPLY_SCP_POLICY` or `RUN_SSM_DOCUMENTS`.
    pub action_type: String,
    /// `AUTOMATIC` or `MANUAL` (waits for a human approval, so it does not stop spend alone).
    pub approval_model: String,
    /// `STANDBY`, `PENDING`, `EXECUTION_SUCCESS`, …
    pub status: String,
    /// The threshold as a value and type, such as `100 PERCENTAGE`.
    pub threshold: Option<String>,
    /// The IAM policy ARN or SCP policy id it applies, when it applies one.
    pub policy: Option<String>,
    /// `STOP_EC2_INSTANCES` or `STOP_RDS_INSTANCES` for an SSM action.
    pub ssm_action: Option<String>,
    /// What the action targets: SCP target ids, IAM roles/users/groups, or instance ids.
    pub targets: Vec<String>,
}
