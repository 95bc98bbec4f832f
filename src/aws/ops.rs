//! The catalogue of AWS operations the collector calls, each with the IAM action that
//! authorizes it. Every record's provenance and every manifest error names its operation
//! through this table, and `tests/readonly_policy.rs` checks it three ways: every SDK call in
//! `src/aws` is listed here, every action here is in the published read-only policy
//! (`policy/evident-readonly-policy.json`) and nothing else is, and every action reads.
//!
//! The IAM action usually equals `service:Operation`, but not always: S3 authorizes
//! `ListBuckets` with `s3:ListAllMyBuckets`, and IAM Identity Center's API (`sso-admin` in the
//! SDK) is authorized under the `sso` prefix, S3 Control's account-level
//! `GetPublicAccessBlock` by `s3:GetAccountPublicAccessBlock`, and Budgets' `DescribeBudgets`
//! by `budgets:ViewBudget`. Those exceptions are why the action is spelled out instead of
//! derived.

/// One AWS API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// The service as IAM actions name it (`organizations`, `iam`, `sso`, …); also the
    /// `service` of provenance and error records.
    pub service: &'static str,
    /// The API operation, as AWS documents it.
    pub operation: &'static str,
    /// The IAM action that authorizes the call.
    pub action: &'static str,
}

const fn op(service: &'static str, operation: &'static str, action: &'static str) -> Op {
    Op {
        service,
        operation,
        action,
    }
}

pub mod sts {
    use super::{op, Op};
    pub const GET_CALLER_IDENTITY: Op = op("sts", "GetCallerIdentity", "sts:GetCallerIdentity");
    /// The one call that is not a read: it only obtains read credentials in a member account.
    pub const ASSUME_ROLE: Op = op("sts", "AssumeRole", "sts:AssumeRole");
}

pub mod organizations {
    use super::{op, Op};
    const S: &str = "organizations";
    pub const DESCRIBE_ORGANIZATION: Op = op(
        S,
        "DescribeOrganization",
        "organizations:DescribeOrganization",
    );
    pub const LIST_ROOTS: Op = op(S, "ListRoots", "organizations:ListRoots");
    pub const LIST_OUS_FOR_PARENT: Op = op(
        S,
        "ListOrganizationalUnitsForParent",
        "organizations:ListOrganizationalUnitsForParent",
    );
    pub const LIST_ACCOUNTS: Op = op(S, "ListAccounts", "organizations:ListAccounts");
    pub const LIST_PARENTS: Op = op(S, "ListParents", "organizations:ListParents");
    pub const LIST_POLICIES: Op = op(S, "ListPolicies", "organizations:ListPolicies");
    pub const DESCRIBE_POLICY: Op = op(S, "DescribePolicy", "organizations:DescribePolicy");
    pub const LIST_TARGETS_FOR_POLICY: Op = op(
        S,
        "ListTargetsForPolicy",
        "organizations:ListTargetsForPolicy",
    );
    pub const LIST_DELEGATED_ADMINISTRATORS: Op = op(
        S,
        "ListDelegatedAdministrators",
        "organizations:ListDelegatedAdministrators",
    );
    pub const LIST_DELEGATED_SERVICES_FOR_ACCOUNT: Op = op(
        S,
        "ListDelegatedServicesForAccount",
        "organizations:ListDelegatedServicesForAccount",
    );
    pub const LIST_TAGS_FOR_RESOURCE: Op = op(
        S,
        "ListTagsForResource",
        "organizations:ListTagsForResource",
    );
}

pub mod iam {
    use super::{op, Op};
    const S: &str = "iam";
    pub const GET_ACCOUNT_SUMMARY: Op = op(S, "GetAccountSummary", "iam:GetAccountSummary");
    pub const GET_ACCOUNT_AUTHORIZATION_DETAILS: Op = op(
        S,
        "GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
    );
    pub const LIST_USERS: Op = op(S, "ListUsers", "iam:ListUsers");
    pub const GET_LOGIN_PROFILE: Op = op(S, "GetLoginProfile", "iam:GetLoginProfile");
    pub const LIST_ACCESS_KEYS: Op = op(S, "ListAccessKeys", "iam:ListAccessKeys");
    pub const GET_ACCESS_KEY_LAST_USED: Op =
        op(S, "GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed");
    pub const LIST_MFA_DEVICES: Op = op(S, "ListMFADevices", "iam:ListMFADevices");
    pub const LIST_ORGANIZATIONS_FEATURES: Op = op(
        S,
        "ListOrganizationsFeatures",
        "iam:ListOrganizationsFeatures",
    );
}

pub mod cloudtrail {
    use super::{op, Op};
    const S: &str = "cloudtrail";
    pub const DESCRIBE_TRAILS: Op = op(S, "DescribeTrails", "cloudtrail:DescribeTrails");
    pub const GET_TRAIL_STATUS: Op = op(S, "GetTrailStatus", "cloudtrail:GetTrailStatus");
    pub const GET_EVENT_SELECTORS: Op = op(S, "GetEventSelectors", "cloudtrail:GetEventSelectors");
}

pub mod s3 {
    use super::{op, Op};
    const S: &str = "s3";
    pub const LIST_BUCKETS: Op = op(S, "ListBuckets", "s3:ListAllMyBuckets");
    pub const GET_BUCKET_LOCATION: Op = op(S, "GetBucketLocation", "s3:GetBucketLocation");
    pub const GET_OBJECT_LOCK_CONFIGURATION: Op = op(
        S,
        "GetObjectLockConfiguration",
        "s3:GetBucketObjectLockConfiguration",
    );
    pub const GET_BUCKET_VERSIONING: Op = op(S, "GetBucketVersioning", "s3:GetBucketVersioning");
    pub const GET_BUCKET_LIFECYCLE_CONFIGURATION: Op = op(
        S,
        "GetBucketLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    );
    pub const GET_BUCKET_POLICY: Op = op(S, "GetBucketPolicy", "s3:GetBucketPolicy");
    /// The bucket-level Block Public Access settings.
    pub const GET_PUBLIC_ACCESS_BLOCK: Op =
        op(S, "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock");
    pub const GET_BUCKET_ENCRYPTION: Op =
        op(S, "GetBucketEncryption", "s3:GetEncryptionConfiguration");
}

/// IAM Identity Center administration (`aws-sdk-ssoadmin`), authorized as `sso:*`.
pub mod sso {
    use super::{op, Op};
    const S: &str = "sso";
    pub const LIST_INSTANCES: Op = op(S, "ListInstances", "sso:ListInstances");
    pub const LIST_PERMISSION_SETS: Op = op(S, "ListPermissionSets", "sso:ListPermissionSets");
    pub const DESCRIBE_PERMISSION_SET: Op =
        op(S, "DescribePermissionSet", "sso:DescribePermissionSet");
    pub const LIST_MANAGED_POLICIES_IN_PERMISSION_SET: Op = op(
        S,
        "ListManagedPoliciesInPermissionSet",
        "sso:ListManagedPoliciesInPermissionSet",
    );
    pub const GET_INLINE_POLICY_FOR_PERMISSION_SET: Op = op(
        S,
        "GetInlinePolicyForPermissionSet",
        "sso:GetInlinePolicyForPermissionSet",
    );
    pub const LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET: Op = op(
        S,
        "ListAccountsForProvisionedPermissionSet",
        "sso:ListAccountsForProvisionedPermissionSet",
    );
    pub const LIST_ACCOUNT_ASSIGNMENTS: Op =
        op(S, "ListAccountAssignments", "sso:ListAccountAssignments");
}

pub mod identitystore {
    use super::{op, Op};
    pub const LIST_USERS: Op = op("identitystore", "ListUsers", "identitystore:ListUsers");
}

/// Account Management: the regions each account has enabled.
pub mod account {
    use super::{op, Op};
    pub const LIST_REGIONS: Op = op("account", "ListRegions", "account:ListRegions");
}

/// S3 Control, the account-level S3 API (`aws-sdk-s3control`). Its provenance says
/// `s3control` so the account-level `GetPublicAccessBlock` is never confused with the
/// bucket-level one; IAM authorizes it as `s3:GetAccountPublicAccessBlock`.
pub mod s3control {
    use super::{op, Op};
    pub const GET_PUBLIC_ACCESS_BLOCK: Op = op(
        "s3control",
        "GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
    );
}

pub mod guardduty {
    use super::{op, Op};
    const S: &str = "guardduty";
    pub const LIST_DETECTORS: Op = op(S, "ListDetectors", "guardduty:ListDetectors");
    pub const GET_DETECTOR: Op = op(S, "GetDetector", "guardduty:GetDetector");
    pub const LIST_ORGANIZATION_ADMIN_ACCOUNTS: Op = op(
        S,
        "ListOrganizationAdminAccounts",
        "guardduty:ListOrganizationAdminAccounts",
    );
    pub const DESCRIBE_ORGANIZATION_CONFIGURATION: Op = op(
        S,
        "DescribeOrganizationConfiguration",
        "guardduty:DescribeOrganizationConfiguration",
    );
}

pub mod securityhub {
    use super::{op, Op};
    const S: &str = "securityhub";
    pub const DESCRIBE_HUB: Op = op(S, "DescribeHub", "securityhub:DescribeHub");
    pub const LIST_ORGANIZATION_ADMIN_ACCOUNTS: Op = op(
        S,
        "ListOrganizationAdminAccounts",
        "securityhub:ListOrganizationAdminAccounts",
    );
    pub const DESCRIBE_ORGANIZATION_CONFIGURATION: Op = op(
        S,
        "DescribeOrganizationConfiguration",
        "securityhub:DescribeOrganizationConfiguration",
    );
}

/// AWS Config (`aws-sdk-config`).
pub mod config {
    use super::{op, Op};
    const S: &str = "config";
    pub const DESCRIBE_CONFIGURATION_RECORDERS: Op = op(
        S,
        "DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorders",
    );
    pub const DESCRIBE_CONFIGURATION_RECORDER_STATUS: Op = op(
        S,
        "DescribeConfigurationRecorderStatus",
        "config:DescribeConfigurationRecorderStatus",
    );
    pub const DESCRIBE_CONFIGURATION_AGGREGATORS: Op = op(
        S,
        "DescribeConfigurationAggregators",
        "config:DescribeConfigurationAggregators",
    );
}

pub mod backup {
    use super::{op, Op};
    const S: &str = "backup";
    pub const LIST_BACKUP_VAULTS: Op = op(S, "ListBackupVaults", "backup:ListBackupVaults");
    pub const LIST_BACKUP_PLANS: Op = op(S, "ListBackupPlans", "backup:ListBackupPlans");
    pub const GET_BACKUP_PLAN: Op = op(S, "GetBackupPlan", "backup:GetBackupPlan");
}

/// AWS Budgets. `DescribeBudgets` is authorized by `budgets:ViewBudget`, a read despite its
/// name (the Budgets service authorization reference lists it at the Read access level).
pub mod budgets {
    use super::{op, Op};
    const S: &str = "budgets";
    pub const DESCRIBE_BUDGETS: Op = op(S, "DescribeBudgets", "budgets:ViewBudget");
    pub const DESCRIBE_BUDGET_ACTIONS_FOR_ACCOUNT: Op = op(
        S,
        "DescribeBudgetActionsForAccount",
        "budgets:DescribeBudgetActionsForAccount",
    );
}

/// The Resource Groups Tagging API (`aws-sdk-resourcegroupstagging`), authorized as `tag:*`.
pub mod tag {
    use super::{op, Op};
    pub const GET_RESOURCES: Op = op("tag", "GetResources", "tag:GetResources");
}

/// Every operation above, in one list for the policy test.
pub const ALL: &[Op] = &[
    sts::GET_CALLER_IDENTITY,
    sts::ASSUME_ROLE,
    organizations::DESCRIBE_ORGANIZATION,
    organizations::LIST_ROOTS,
    organizations::LIST_OUS_FOR_PARENT,
    organizations::LIST_ACCOUNTS,
    organizations::LIST_PARENTS,
    organizations::LIST_POLICIES,
    organizations::DESCRIBE_POLICY,
    organizations::LIST_TARGETS_FOR_POLICY,
    organizations::LIST_DELEGATED_ADMINISTRATORS,
    organizations::LIST_DELEGATED_SERVICES_FOR_ACCOUNT,
    organizations::LIST_TAGS_FOR_RESOURCE,
    iam::GET_ACCOUNT_SUMMARY,
    iam::GET_ACCOUNT_AUTHORIZATION_DETAILS,
    iam::LIST_USERS,
    iam::GET_LOGIN_PROFILE,
    iam::LIST_ACCESS_KEYS,
    iam::GET_ACCESS_KEY_LAST_USED,
    iam::LIST_MFA_DEVICES,
    iam::LIST_ORGANIZATIONS_FEATURES,
    cloudtrail::DESCRIBE_TRAILS,
    cloudtrail::GET_TRAIL_STATUS,
    cloudtrail::GET_EVENT_SELECTORS,
    s3::LIST_BUCKETS,
    s3::GET_BUCKET_LOCATION,
    s3::GET_OBJECT_LOCK_CONFIGURATION,
    s3::GET_BUCKET_VERSIONING,
    s3::GET_BUCKET_LIFECYCLE_CONFIGURATION,
    s3::GET_BUCKET_POLICY,
    s3::GET_PUBLIC_ACCESS_BLOCK,
    s3::GET_BUCKET_ENCRYPTION,
    sso::LIST_INSTANCES,
    sso::LIST_PERMISSION_SETS,
    sso::DESCRIBE_PERMISSION_SET,
    sso::LIST_MANAGED_POLICIES_IN_PERMISSION_SET,
    sso::GET_INLINE_POLICY_FOR_PERMISSION_SET,
    sso::LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET,
    sso::LIST_ACCOUNT_ASSIGNMENTS,
    identitystore::LIST_USERS,
    account::LIST_REGIONS,
    s3control::GET_PUBLIC_ACCESS_BLOCK,
    guardduty::LIST_DETECTORS,
    guardduty::GET_DETECTOR,
    guardduty::LIST_ORGANIZATION_ADMIN_ACCOUNTS,
    guardduty::DESCRIBE_ORGANIZATION_CONFIGURATION,
    securityhub::DESCRIBE_HUB,
    securityhub::LIST_ORGANIZATION_ADMIN_ACCOUNTS,
    securityhub::DESCRIBE_ORGANIZATION_CONFIGURATION,
    config::DESCRIBE_CONFIGURATION_RECORDERS,
    config::DESCRIBE_CONFIGURATION_RECORDER_STATUS,
    config::DESCRIBE_CONFIGURATION_AGGREGATORS,
    backup::LIST_BACKUP_VAULTS,
    backup::LIST_BACKUP_PLANS,
    backup::GET_BACKUP_PLAN,
    budgets::DESCRIBE_BUDGETS,
    budgets::DESCRIBE_BUDGET_ACTIONS_FOR_ACCOUNT,
    tag::GET_RESOURCES,
];
