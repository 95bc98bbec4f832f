//! Builders for hand-made snapshots in probe unit tests. Account ids follow the cases in
//! `../shared/cases`: 111111111111 management, 222222222222 workload, 333333333333 log
//! archive.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use crate::snapshot::*;

pub const MGMT: &str = "111111111111";
pub const ROOT: &str = "r-root";

pub fn src(service: &str, operation: &str, account: &str) -> Provenance {
    Provenance {
        service: service.into(),
        operation: operation.into(),
        account: account.into(),
        region: "us-east-1".into(),
        collected_at: Utc
            .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .expect("valid"),
        target: None,
    }
}

pub fn ok<T>(service: &str, operation: &str, account: &str, value: T) -> Record<T> {
    Record::ok(src(service, operation, account), value)
}

pub fn err<T>(
    service: &str,
    operation: &str,
    account: &str,
    code: &str,
    kind: ErrorKind,
) -> Record<T> {
    Record::err(
        src(service, operation, account),
        CallError {
            kind,
            code: code.into(),
            message: format!("{code} (test)"),
        },
    )
}

/// A snapshot builder: an organization with a root, or a standalone account.
pub struct Builder {
    pub snapshot: Snapshot,
}

impl Builder {
    pub fn organization() -> Self {
        let mut b = Builder { snapshot: empty() };
        let org = &mut b.snapshot.organization;
        org.organization = Some(ok(
            "organizations",
            "DescribeOrganization",
            MGMT,
            Organization {
                id: "o-exampleorgid".into(),
                arn: "arn:aws:organizations::111111111111:organization/o-exampleorgid".into(),
                feature_set: "ALL".into(),
                management_account_id: MGMT.into(),
                management_account_arn: None,
            },
        ));
        org.roots = Some(ok(
            "organizations",
            "ListRoots",
            MGMT,
            vec![Root {
                id: ROOT.into(),
                arn: "arn:aws:organizations::111111111111:root/o-exampleorgid/r-root".into(),
                name: "Root".into(),
                policy_types: BTreeMap::from([(
                    "SERVICE_CONTROL_POLICY".to_string(),
                    "ENABLED".to_string(),
                )]),
            }],
        ));
        org.accounts = Some(ok("organizations", "ListAccounts", MGMT, Vec::new()));
        org.policies = Some(ok("organizations", "ListPolicies", MGMT, Vec::new()));
        b.snapshot.manifest.scope.organization_id = Some("o-exampleorgid".into());
        b.snapshot.manifest.scope.management_account = Some(MGMT.into());
        b.account(MGMT, "management", ROOT)
    }

    pub fn standalone(account: &str) -> Self {
        let mut b = Builder { snapshot: empty() };
        b.snapshot.organization.organization = Some(err(
            "organizations",
            "DescribeOrganization",
            account,
            "AWSOrganizationsNotInUseException",
            ErrorKind::Other,
        ));
        b.snapshot.manifest.scope.accounts.push(account.into());
        b.snapshot.accounts.push(account_evidence(account));
        b
    }

    pub fn ou(mut self, id: &str, name: &str, parent: &str) -> Self {
        self.snapshot.organization.organizational_units.push(ok(
            "organizations",
            "ListOrganizationalUnitsForParent",
            MGMT,
            OrganizationalUnit {
                id: id.into(),
                arn: format!("arn:ou/{id}"),
                name: name.into(),
                parent_id: parent.into(),
            },
        ));
        self
    }

    /// An ACTIVE account under `parent`, with empty (successfully read) evidence.
    pub fn account(self, id: &str, name: &str, parent: &str) -> Self {
        self.account_in_state(id, name, parent, "ACTIVE")
    }

    pub fn account_in_state(mut self, id: &str, name: &str, parent: &str, state: &str) -> Self {
        if let Some(Fetch::Ok(list)) = self
            .snapshot
            .organization
            .accounts
            .as_mut()
            .map(|r| &mut r.result)
        {
            list.push(Account {
                id: id.into(),
                arn: format!("arn:aws:organizations::{MGMT}:account/o-exampleorgid/{id}"),
                name: name.into(),
                email: format!("{name}@example.com"),
                state: state.into(),
                parent_id: Some(parent.into()),
                joined_method: Some("CREATED".into()),
            });
        }
        if state == "ACTIVE" {
            self.snapshot.manifest.scope.accounts.push(id.into());
            self.snapshot.accounts.push(account_evidence(id));
        }
        self
    }

    pub fn tag(mut self, account: &str, key: &str, value: &str) -> Self {
        let tags = BTreeMap::from([(key.to_string(), value.to_string())]);
        self.snapshot.organization.account_tags.insert(
            account.into(),
            ok("organizations", "ListTagsForResource", MGMT, tags),
        );
        self
    }

    pub fn scp(mut self, id: &str, name: &str, content: &str, targets: &[&str]) -> Self {
        let org = &mut self.snapshot.organization;
        if let Some(Fetch::Ok(list)) = org.policies.as_mut().map(|r| &mut r.result) {
            list.push(PolicySummary {
                id: id.into(),
                arn: format!("arn:policy/{id}"),
                name: name.into(),
                aws_managed: id == "p-FullAWSAccess",
            });
        }
        org.policy_details.push(ok(
            "organizations",
            "DescribePolicy",
            MGMT,
            Policy {
                id: id.into(),
                arn: format!("arn:policy/{id}"),
                name: name.into(),
                aws_managed: id == "p-FullAWSAccess",
                content: content.into(),
                targets: Some(targets.iter().map(|t| t.to_string()).collect()),
            },
        ));
        self
    }

    pub fn with_account(mut self, id: &str, f: impl FnOnce(&mut AccountEvidence)) -> Self {
        if let Some(a) = self
            .snapshot
            .accounts
            .iter_mut()
            .find(|a| a.account_id == id)
        {
            f(a);
        }
        self
    }

    pub fn build(self) -> Snapshot {
        self.snapshot
    }
}

pub const FULL_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
pub const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

pub fn account_evidence(id: &str) -> AccountEvidence {
    AccountEvidence {
        account_id: id.into(),
        session: ok(
            "sts",
            "GetCallerIdentity",
            id,
            format!("arn:aws:sts::{id}:assumed-role/Audit/evident"),
        ),
        iam: IamEvidence {
            account_summary: Some(ok(
                "iam",
                "GetAccountSummary",
                id,
                BTreeMap::from([("AccountMFAEnabled".to_string(), 1)]),
            )),
            authorization: Some(ok(
                "iam",
                "GetAccountAuthorizationDetails",
                id,
                AuthorizationDetails::default(),
            )),
            users: Vec::new(),
            organizations_features: None,
        },
        trails: vec![ok("cloudtrail", "DescribeTrails", id, Vec::new())],
        buckets: Some(ok("s3", "ListBuckets", id, Vec::new())),
        sso_instances: Some(ok("sso", "ListInstances", id, Vec::new())),
        enabled_regions: None,
        regional: Vec::new(),
        s3_account_public_access_block: None,
        budgets: None,
    }
}

/// The evidence of an account whose role could not be assumed.
pub fn unreachable(id: &str) -> AccountEvidence {
    AccountEvidence {
        account_id: id.into(),
        session: err(
            "sts",
            "AssumeRole",
            id,
            "AccessDenied",
            ErrorKind::AccessDenied,
        ),
        iam: IamEvidence::default(),
        trails: Vec::new(),
        buckets: None,
        sso_instances: None,
        enabled_regions: None,
        regional: Vec::new(),
        s3_account_public_access_block: None,
        budgets: None,
    }
}

fn empty() -> Snapshot {
    let t = Utc
        .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
        .single()
        .expect("valid");
    Snapshot {
        manifest: Manifest {
            format: "evident.snapshot".into(),
            format_version: FORMAT_VERSION,
            tool_version: "test".into(),
            started_at: t,
            finished_at: t,
            caller_arn: "arn:aws:iam::111111111111:user/auditor".into(),
            scope: Scope {
                regions: vec!["us-east-1".into()],
                regions_explicit: true,
                ..Scope::default()
            },
            files: BTreeMap::new(),
            errors: Vec::new(),
        },
        organization: OrgEvidence::default(),
        accounts: Vec::new(),
        cloudtrail: CloudTrailEvidence::default(),
        identity_center: IdentityCenterEvidence::default(),
    }
}
