//! What every probe needs to know about the organization before judging anything: is there
//! one, which accounts are in scope, where each sits in the OU tree, and what each account is
//! for (production, staging, development, sandbox, security tooling).
//!
//! Account roles are inferred, in this order: an `Environment`-style tag, then the account
//! name, then the names of the OUs above it (domain.md 4.6). Every inference keeps the reason
//! it was made, so a reader can confirm it.

use std::collections::BTreeSet;

use crate::snapshot::{Account, ErrorKind, OrgEvidence, Provenance, Snapshot};

use super::Fact;

/// The error code AWS answers `DescribeOrganization` with in an account outside any
/// organization.
pub const NOT_IN_ORG: &str = "AWSOrganizationsNotInUseException";

/// The snapshot file each evidence family lives in, for fact pointers.
pub const ORG_FILE: &str = crate::snapshot::ORGANIZATION_FILE;
pub const ACCOUNTS_FILE: &str = crate::snapshot::ACCOUNTS_FILE;
pub const TRAIL_FILE: &str = crate::snapshot::CLOUDTRAIL_FILE;
pub const SSO_FILE: &str = crate::snapshot::IDENTITY_CENTER_FILE;

/// The shape of the collected scope.
pub enum Shape<'a> {
    /// One account outside any organization.
    Standalone {
        account: String,
        source: &'a Provenance,
    },
    /// An organization whose account list was read.
    Organization(OrgView<'a>),
    /// The organization (or its account list) could not be read: nothing organization-wide
    /// can be judged.
    Unreadable(Fact),
}

/// The organization as collected.
pub struct OrgView<'a> {
    pub evidence: &'a OrgEvidence,
    pub id: String,
    pub feature_set: String,
    pub management: String,
    pub org_source: &'a Provenance,
    pub accounts_source: &'a Provenance,
    /// ACTIVE accounts, the management account included.
    pub active: Vec<&'a Account>,
    /// Accounts in other states, listed as excluded.
    pub inactive: Vec<&'a Account>,
}

/// Works out the shape of the scope from the snapshot.
pub fn shape(snapshot: &Snapshot) -> Shape<'_> {
    let org = &snapshot.organization;
    let Some(record) = &org.organization else {
        return Shape::Unreadable(Fact::derived(
            "organizations:DescribeOrganization was not collected",
        ));
    };
    let organization = match (&record.result, record.error()) {
        (_, Some(e)) if e.code == NOT_IN_ORG => {
            return Shape::Standalone {
                account: record.source.account.clone(),
                source: &record.source,
            }
        }
        (_, Some(e)) => {
            return Shape::Unreadable(unreadable(&record.source, &e.code));
        }
        _ => match record.value() {
            Some(o) => o,
            None => return Shape::Unreadable(Fact::derived("organization not readable")),
        },
    };
    let Some(accounts) = &org.accounts else {
        return Shape::Unreadable(Fact::derived(
            "organizations:ListAccounts was not collected",
        ));
    };
    let Some(list) = accounts.value() else {
        let code = accounts.error().map(|e| e.code.as_str()).unwrap_or("error");
        return Shape::Unreadable(unreadable(&accounts.source, code));
    };
    let (active, inactive) = list.iter().partition(|a| a.state == "ACTIVE");
    Shape::Organization(OrgView {
        evidence: org,
        id: organization.id.clone(),
        feature_set: organization.feature_set.clone(),
        management: organization.management_account_id.clone(),
        org_source: &record.source,
        accounts_source: &accounts.source,
        active,
        inactive,
    })
}

fn unreadable(source: &Provenance, code: &str) -> Fact {
    Fact::new(
        format!(
            "{} failed ({code}): the organization could not be read",
            source.pointer()
        ),
        source,
        ORG_FILE,
    )
}

impl<'a> OrgView<'a> {
    /// ACTIVE member accounts (the management account is not a member: SCPs never reach it).
    pub fn members(&self) -> impl Iterator<Item = &'a Account> + '_ {
        self.active
            .iter()
            .copied()
            .filter(move |a| a.id != self.management)
    }

    /// Ids from the root down to the account's parent (`[root, ou, …]`), or `None` when the
    /// parent chain is not fully known.
    pub fn ancestors(&self, account: &Account) -> Option<Vec<String>> {
        let mut chain = Vec::new();
        let mut current = account.parent_id.clone()?;
        // OUs nest at most five deep under the root (Organizations quota); the bound also
        // stops a corrupt cycle.
        for _ in 0..8 {
            chain.push(current.clone());
            if current.starts_with("r-") {
                chain.reverse();
                return Some(chain);
            }
            let ou = self
                .evidence
                .organizational_units
                .iter()
                .filter_map(|r| r.value())
                .find(|o| o.id == current)?;
            current = ou.parent_id.clone();
        }
        None
    }

    /// The names of the OUs above an account, outermost first (the root is left out).
    pub fn ou_names(&self, account: &Account) -> Vec<String> {
        let Some(chain) = self.ancestors(account) else {
            return Vec::new();
        };
        chain
            .iter()
            .filter_map(|id| {
                self.evidence
                    .organizational_units
                    .iter()
                    .filter_map(|r| r.value())
                    .find(|o| &o.id == id)
            })
            .map(|o| o.name.clone())
            .collect()
    }

    pub fn account(&self, id: &str) -> Option<&'a Account> {
        self.active.iter().copied().find(|a| a.id == id)
    }

    /// The call a classification rests on: the tag listing when a tag decided, else the
    /// account listing (name and parent).
    pub fn classification_source(&self, account: &Account, c: &Classification) -> &'a Provenance {
        match self.evidence.account_tags.get(&account.id) {
            Some(tags) if c.reason.starts_with("tag ") => &tags.source,
            _ => self.accounts_source,
        }
    }

    /// Classifies an account from its tags, name and OU path.
    pub fn classify(&self, account: &Account) -> Classification {
        let tags = self
            .evidence
            .account_tags
            .get(&account.id)
            .and_then(|r| r.value());
        if let Some(tags) = tags {
            for (key, value) in tags {
                if ENV_TAG_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                    let roles = roles_in(value);
                    if !roles.is_empty() {
                        return Classification {
                            roles,
                            reason: format!("tag {key}={value}"),
                        };
                    }
                }
            }
        }
        let roles = roles_in(&account.name);
        if !roles.is_empty() {
            return Classification {
                roles,
                reason: format!("account name `{}`", account.name),
            };
        }
        // The innermost OU that says something decides.
        for ou in self.ou_names(account).iter().rev() {
            let roles = roles_in(ou);
            if !roles.is_empty() {
                return Classification {
                    roles,
                    reason: format!("OU `{ou}`"),
                };
            }
        }
        Classification {
            roles: BTreeSet::new(),
            reason: "no tag, name or OU says".into(),
        }
    }
}

/// Tag keys read as "which environment is this account for".
const ENV_TAG_KEYS: [&str; 5] = [
    "environment",
    "env",
    "stage",
    "environment-type",
    "workload-env",
];

/// What an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Production,
    Staging,
    Development,
    Sandbox,
    /// A non-production OU or name that does not say which environment.
    NonProduction,
    /// Log archive, audit, security tooling.
    Security,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Staging => "staging",
            Role::Development => "development",
            Role::Sandbox => "sandbox",
            Role::NonProduction => "non-production",
            Role::Security => "security/audit",
        }
    }

    /// Whether the account runs workloads (every role but security tooling).
    pub fn is_workload(self) -> bool {
        self != Role::Security
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub roles: BTreeSet<Role>,
    pub reason: String,
}

impl Classification {
    pub fn labels(&self) -> String {
        if self.roles.is_empty() {
            return "unclassified".into();
        }
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    pub fn is_workload(&self) -> bool {
        self.roles.iter().any(|r| r.is_workload())
    }

    pub fn is_security(&self) -> bool {
        self.roles.contains(&Role::Security) && !self.is_workload()
    }
}

/// The roles a name, tag value or OU name speaks of. "non-production" and its spellings are
/// folded first so that "production" inside them is not read as production.
pub fn roles_in(text: &str) -> BTreeSet<Role> {
    let mut lower = text.to_ascii_lowercase();
    for spelling in [
        "non-production",
        "nonproduction",
        "non_production",
        "non production",
        "non-prod",
        "nonprod",
        "non_prod",
    ] {
        lower = lower.replace(spelling, " nonprod ");
    }
    let mut roles = BTreeSet::new();
    for token in lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let role = match token {
            "prod" | "production" | "prd" | "live" => Role::Production,
            "staging" | "stage" | "stg" | "uat" | "preprod" => Role::Staging,
            "dev" | "development" | "develop" | "test" | "testing" | "qa" => Role::Development,
            "sandbox" | "sbx" | "playground" => Role::Sandbox,
            "nonprod" | "sdlc" => Role::NonProduction,
            "security" | "audit" | "log" | "logs" | "logging" | "archive" | "logarchive" => {
                Role::Security
            }
            _ => continue,
        };
        roles.insert(role);
    }
    roles
}

/// A fact saying an account could not be entered, when that is why evidence is missing.
pub fn session_gap(snapshot: &Snapshot, account: &str) -> Option<Fact> {
    match snapshot.account(account) {
        None => Some(Fact::derived(format!(
            "account {account} was not collected"
        ))),
        Some(a) => a.session.error().map(|e| {
            Fact::new(
                format!(
                    "could not enter account {account}: {} ({})",
                    e.code,
                    kind_label(e.kind)
                ),
                &a.session.source,
                ACCOUNTS_FILE,
            )
        }),
    }
}

pub fn kind_label(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::AccessDenied => "access denied",
        ErrorKind::NotFound => "not found",
        ErrorKind::Throttled => "throttled",
        ErrorKind::NotImplemented => "not implemented by the endpoint",
        ErrorKind::Network => "network error",
        ErrorKind::Other => "error",
    }
}

/// The accounts a probe must look inside: the organization's ACTIVE accounts, or the one
/// standalone account.
pub fn in_scope_accounts(snapshot: &Snapshot) -> Vec<String> {
    match shape(snapshot) {
        Shape::Standalone { account, .. } => vec![account],
        Shape::Organization(view) => view.active.iter().map(|a| a.id.clone()).collect(),
        Shape::Unreadable(_) => snapshot.manifest.scope.accounts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_production_is_not_production() {
        assert_eq!(
            roles_in("Non-production"),
            BTreeSet::from([Role::NonProduction])
        );
        assert_eq!(roles_in("NonProd"), BTreeSet::from([Role::NonProduction]));
        assert_eq!(roles_in("Production"), BTreeSet::from([Role::Production]));
    }

    #[test]
    fn names_give_roles() {
        assert_eq!(roles_in("acme-prod"), BTreeSet::from([Role::Production]));
        assert_eq!(roles_in("log-archive"), BTreeSet::from([Role::Security]));
        assert_eq!(
            roles_in("prod-and-dev"),
            BTreeSet::from([Role::Production, Role::Development])
        );
        assert!(roles_in("master").is_empty());
        // "product" is not "prod".
        assert!(roles_in("product-analytics").is_empty());
    }
}
