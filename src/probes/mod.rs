//! Probes: pure functions from a snapshot to an [`Outcome`] with the facts behind it.
//!
//! Each concern has its own file; [`catalog`] lists every probe by its stable id. Ids are
//! referenced from questionnaires and keyed on by history, so renaming one is a breaking
//! change (a test snapshots the list).
//!
//! The one rule every probe keeps: missing evidence is `unknown`. A probe that cannot see a
//! fact it needs says so and names the call that failed; it never reads "no record" as
//! "nothing there".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::snapshot::{Provenance, Snapshot};

pub mod access;
pub mod detect;
#[cfg(test)]
pub(crate) mod fixture;
pub mod guardrails;
pub mod identity;
pub mod landing;
pub mod matrix;
pub mod org;
pub mod scope;
pub mod storage;
pub mod trail;

/// The result class of a probe. See DESIGN.md for the exact meaning of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Partial,
    Unknown,
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Partial => "partial",
            Status::Unknown => "unknown",
            Status::NotApplicable => "not_applicable",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fact an outcome rests on: a sentence a reader can check, and the call it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub statement: String,
    /// The API call that showed it; `None` only for facts derived from several calls, which
    /// are then listed as facts of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Provenance>,
    /// Where in the snapshot the record lives (`accounts.json`, `cloudtrail.json`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Fact {
    pub fn new(statement: impl Into<String>, source: &Provenance, file: &str) -> Self {
        Fact {
            statement: statement.into(),
            source: Some(source.clone()),
            file: Some(file.into()),
        }
    }

    /// A conclusion drawn from other facts, or a fact about the collection itself.
    pub fn derived(statement: impl Into<String>) -> Self {
        Fact {
            statement: statement.into(),
            source: None,
            file: None,
        }
    }
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub probe: String,
    pub status: Status,
    /// One line a broker can read out loud.
    pub summary: String,
    pub facts: Vec<Fact>,
    /// Accounts the outcome concerns (those failing, for `fail` and `partial`).
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// What to do, for `fail`, `partial` and `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// A count, for probes that answer "how many" questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Named counts a probe measured on the way (`iam_users_with_access_keys`, …), set only
    /// when the evidence was complete enough to count. Readiness figures over time read them
    /// (see `crate::history::readiness`); the keys are stable like probe ids.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counts: BTreeMap<String, u64>,
}

impl Outcome {
    pub fn new(probe: &str, status: Status, summary: impl Into<String>) -> Self {
        Outcome {
            probe: probe.to_string(),
            status,
            summary: summary.into(),
            facts: Vec::new(),
            accounts: Vec::new(),
            regions: Vec::new(),
            remediation: None,
            value: None,
            counts: BTreeMap::new(),
        }
    }

    pub fn with_facts(mut self, facts: Vec<Fact>) -> Self {
        self.facts = facts;
        self
    }

    pub fn with_accounts(mut self, mut accounts: Vec<String>) -> Self {
        accounts.sort();
        accounts.dedup();
        self.accounts = accounts;
        self
    }

    pub fn with_regions(mut self, mut regions: Vec<String>) -> Self {
        regions.sort();
        regions.dedup();
        self.regions = regions;
        self
    }

    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into());
        self
    }

    pub fn with_value(mut self, value: f64) -> Self {
        self.value = Some(value);
        self
    }

    /// Records a named count (see [`Outcome::counts`]).
    pub fn with_count(mut self, name: &str, n: usize) -> Self {
        self.counts.insert(name.to_string(), n as u64);
        self
    }
}

/// A probe in the catalog.
pub struct Probe {
    /// Stable id, `<concern>.<check>` in kebab case.
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&Snapshot) -> Outcome,
}

/// Every probe this build knows, in a stable order.
pub fn catalog() -> &'static [Probe] {
    &CATALOG
}

static CATALOG: [Probe; 21] = [
    Probe {
        id: org::SEPARATE_ENVIRONMENTS,
        title: "Production, staging and development run in separate accounts",
        run: org::separate_environments,
    },
    Probe {
        id: org::SCP_AT_OU,
        title: "Service control policies reach every member account through its OU path",
        run: org::scp_at_ou,
    },
    Probe {
        id: trail::AUDIT_ACCOUNT,
        title: "CloudTrail logs land in a dedicated audit account",
        run: trail::audit_account,
    },
    Probe {
        id: identity::IDENTITY_CENTER,
        title: "Access goes through IAM Identity Center, not IAM users",
        run: identity::identity_center,
    },
    Probe {
        id: identity::ADMIN_SPRAWL,
        title: "Principals with full administrative access, and how many are inactive",
        run: identity::admin_sprawl,
    },
    Probe {
        id: identity::ROOT_MFA,
        title: "Root user MFA in every account",
        run: identity::root_mfa,
    },
    Probe {
        id: landing::MANAGEMENT_NO_WORKLOADS,
        title: "The management account hosts no workloads",
        run: landing::management_no_workloads,
    },
    Probe {
        id: landing::SECURITY_OU,
        title: "A Security OU holds an audit account and a log archive account",
        run: landing::security_ou,
    },
    Probe {
        id: detect::GUARDDUTY,
        title: "GuardDuty in every account and region, administered from the audit account",
        run: detect::guardduty,
    },
    Probe {
        id: detect::SECURITY_HUB,
        title: "Security Hub across accounts, administered from the audit account",
        run: detect::security_hub,
    },
    Probe {
        id: detect::CONFIG,
        title: "AWS Config recording everywhere, aggregated in the audit account",
        run: detect::config,
    },
    Probe {
        id: storage::ARCHIVE_IMMUTABLE,
        title: "The log archive bucket is immutable, versioned, archived and private",
        run: storage::archive_immutable,
    },
    Probe {
        id: landing::SANDBOX_BUDGETS,
        title: "Sandbox accounts carry budgets with actions that stop spend",
        run: landing::sandbox_budgets,
    },
    Probe {
        id: storage::BACKUP_IMMUTABLE,
        title: "Backups are copied to another account under a compliance-mode vault lock",
        run: storage::backup_immutable,
    },
    Probe {
        id: storage::ACCOUNT_PUBLIC_ACCESS_BLOCK,
        title: "S3 Block Public Access at the account level in every account",
        run: storage::account_public_access_block,
    },
    Probe {
        id: trail::COVERAGE,
        title: "Every account and region logged, management events read and write",
        run: trail::coverage,
    },
    Probe {
        id: guardrails::PROTECT_AUDIT_LOGGING,
        title: "SCPs stop production accounts from disabling CloudTrail, Config and GuardDuty",
        run: guardrails::protect_audit_logging,
    },
    Probe {
        id: guardrails::NO_IAM_USERS,
        title: "SCPs deny creating IAM users and access keys in every member account",
        run: guardrails::no_iam_users,
    },
    Probe {
        id: guardrails::REGION_RESTRICTION,
        title: "Non-production accounts can create resources only in approved Regions",
        run: guardrails::region_restriction,
    },
    Probe {
        id: access::WHO_CAN_DESTROY_DATA,
        title: "Principals that can delete production databases, tables, buckets and backups",
        run: access::who_can_destroy_data,
    },
    Probe {
        id: access::LOGS_UNREACHABLE,
        title: "No principal in a workload account can delete or overwrite the audit logs",
        run: access::logs_unreachable,
    },
];

/// Finds a probe by id.
pub fn find(id: &str) -> Option<&'static Probe> {
    catalog().iter().find(|p| p.id == id)
}

/// The catalog id closest to `id`, for "did you mean" messages.
pub fn closest(id: &str) -> Option<&'static str> {
    catalog()
        .iter()
        .map(|p| (strsim::jaro_winkler(id, p.id), p.id))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// Runs every probe of the catalog.
pub fn run_all(snapshot: &Snapshot) -> Vec<Outcome> {
    catalog().iter().map(|p| (p.run)(snapshot)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Probe ids are referenced by questionnaires and history: a rename must show up here.
    #[test]
    fn catalog_ids_are_stable_and_unique() {
        let ids: Vec<&str> = catalog().iter().map(|p| p.id).collect();
        assert_eq!(
            ids,
            [
                "org.separate-environments",
                "org.scp-at-ou",
                "trail.audit-account",
                "identity.identity-center",
                "identity.admin-sprawl",
                "identity.root-mfa",
                "org.management-no-workloads",
                "org.security-ou",
                "detect.guardduty",
                "detect.security-hub",
                "detect.config",
                "logs.archive-immutable",
                "cost.sandbox-budgets",
                "backup.immutable-cross-account",
                "s3.account-public-access-block",
                "trail.coverage",
                "guardrails.protect-audit-logging",
                "guardrails.no-iam-users",
                "guardrails.region-restriction",
                "identity.who-can-destroy-data",
                "trail.logs-unreachable-from-workloads",
            ]
        );
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn closest_names_the_likely_typo() {
        assert_eq!(
            closest("org.separate-enviroments"),
            Some("org.separate-environments")
        );
        assert_eq!(closest("identity.root_mfa"), Some("identity.root-mfa"));
    }
}
