//! Organization structure probes: are environments in separate accounts, and do service
//! control policies reach every member account through its OU path.

use std::collections::BTreeSet;

use super::scope::{self, Role, Shape, ORG_FILE};
use super::{Fact, Outcome, Status};
use crate::policy;
use crate::snapshot::{Policy, Snapshot};

pub const SEPARATE_ENVIRONMENTS: &str = "org.separate-environments";
pub const SCP_AT_OU: &str = "org.scp-at-ou";

/// Count on `org.separate-environments`: accounts holding more than one environment (a
/// standalone account, or a management account without members, holds them all).
pub const COUNT_SHARED_ACCOUNTS: &str = "accounts_sharing_environments";
/// Count on `org.scp-at-ou`: member accounts no guardrail SCP reaches through the root or an
/// OU (a standalone account counts as one: no SCP can reach it).
pub const COUNT_UNGUARDED_ACCOUNTS: &str = "accounts_without_guardrail";

/// The environments a carrier asks to see separated.
const ENVIRONMENTS: [Role; 3] = [Role::Production, Role::Staging, Role::Development];

/// `org.separate-environments`: production, staging and development each in accounts of
/// their own, none shared between environments or with the management account.
pub fn separate_environments(snapshot: &Snapshot) -> Outcome {
    let id = SEPARATE_ENVIRONMENTS;
    let view = match scope::shape(snapshot) {
        Shape::Standalone { account, source } => {
            return Outcome::new(
                id,
                Status::Fail,
                format!(
                    "Single account {account} outside any organization holds \
                every environment"
                ),
            )
            .with_facts(vec![Fact::new(
                format!(
                    "account {account} is not in an AWS organization \
                    (AWSOrganizationsNotInUseException)"
                ),
                source,
                ORG_FILE,
            )])
            .with_accounts(vec![account])
            .with_count(COUNT_SHARED_ACCOUNTS, 1)
            .with_remediation(SEPARATE_REMEDIATION);
        }
        Shape::Unreadable(fact) => {
            return Outcome::new(
                id,
                Status::Unknown,
                "The organization's accounts could not be read",
            )
            .with_facts(vec![fact])
            .with_remediation(READ_ORG_REMEDIATION);
        }
        Shape::Organization(view) => view,
    };

    let mut facts = Vec::new();
    let mut dedicated: BTreeSet<Role> = BTreeSet::new();
    let mut shared = Vec::new();
    let mut unclassified = Vec::new();
    for account in view.members() {
        let c = view.classify(account);
        facts.push(Fact::new(
            format!(
                "account {} ({}) is {} ({})",
                account.id,
                account.name,
                c.labels(),
                c.reason
            ),
            view.classification_source(account, &c),
            ORG_FILE,
        ));
        let envs: Vec<Role> = c
            .roles
            .iter()
            .copied()
            .filter(|r| ENVIRONMENTS.contains(r))
            .collect();
        match envs.len() {
            0 if c.roles.is_empty() => unclassified.push(account.id.clone()),
            0 => {}
            1 => {
                dedicated.insert(envs[0]);
            }
            _ => shared.push(account.id.clone()),
        }
    }
    let management_env = view
        .account(&view.management)
        .map(|m| view.classify(m))
        .filter(|c| c.is_workload());
    if let Some(c) = &management_env {
        facts.push(Fact::new(
            format!(
                "the management account {} carries workloads: {} ({})",
                view.management,
                c.labels(),
                c.reason
            ),
            view.accounts_source,
            ORG_FILE,
        ));
    }

    let missing: Vec<&str> = ENVIRONMENTS
        .iter()
        .filter(|e| !dedicated.contains(e))
        .map(|e| e.label())
        .collect();
    let found: Vec<&str> = ENVIRONMENTS
        .iter()
        .filter(|e| dedicated.contains(e))
        .map(|e| e.label())
        .collect();
    let members = view.members().count();
    let mut outcome = if members == 0 {
        Outcome::new(
            id,
            Status::Fail,
            "The organization has no member accounts: every \
            environment shares the management account",
        )
    } else if missing.is_empty() && shared.is_empty() && management_env.is_none() {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "Production, staging and development each have dedicated \
            accounts ({members} member accounts)"
            ),
        )
    } else if found.is_empty() && shared.is_empty() && unclassified.len() == members {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "None of the {members} member accounts says which \
            environment it holds (no Environment tag, telling name \
            or OU)"
            ),
        )
        .with_accounts(unclassified.clone())
    } else if found.is_empty() {
        Outcome::new(id, Status::Fail, "No environment has an account of its own")
    } else {
        let mut parts = vec![format!("separate accounts for {}", found.join(", "))];
        if !missing.is_empty() {
            parts.push(format!("none dedicated to {}", missing.join(", ")));
        }
        if !shared.is_empty() {
            parts.push(format!(
                "{} account(s) shared between environments",
                shared.len()
            ));
        }
        if management_env.is_some() {
            parts.push("workloads still in the management account".into());
        }
        Outcome::new(id, Status::Partial, capitalize(&parts.join("; ")))
            .with_accounts(shared.clone())
    };
    if outcome.status != Status::Pass {
        outcome = outcome.with_remediation(SEPARATE_REMEDIATION);
    }
    if !unclassified.is_empty() && outcome.status != Status::Unknown {
        facts.push(Fact::derived(format!(
            "{} account(s) could not be classified: {}",
            unclassified.len(),
            unclassified.join(", ")
        )));
    }
    if outcome.status != Status::Unknown {
        let management_shared = management_env
            .as_ref()
            .is_some_and(|c| c.roles.iter().filter(|r| ENVIRONMENTS.contains(r)).count() > 1);
        let n = shared.len() + usize::from(management_shared || members == 0);
        outcome = outcome.with_count(COUNT_SHARED_ACCOUNTS, n);
    }
    outcome.with_facts(facts)
}

const SEPARATE_REMEDIATION: &str = "Create dedicated production, staging and development \
    accounts under Production and Non-production OUs, tag \
    each with Environment, and move workloads out of the \
    management account.";
const READ_ORG_REMEDIATION: &str =
    "Run collect from the management account with organizations:Describe*/List* permissions.";

/// `org.scp-at-ou`: all features, SCPs enabled, and every ACTIVE member account covered by a
/// guardrail SCP (anything but allow-all) attached to the root or an OU above it.
pub fn scp_at_ou(snapshot: &Snapshot) -> Outcome {
    let id = SCP_AT_OU;
    let view = match scope::shape(snapshot) {
        Shape::Standalone { account, source } => {
            return Outcome::new(
                id,
                Status::Fail,
                format!("Account {account} is not in an AWS organization, so no SCP can apply"),
            )
            .with_facts(vec![Fact::new(
                "DescribeOrganization: AWSOrganizationsNotInUseException",
                source,
                ORG_FILE,
            )])
            .with_accounts(vec![account])
            .with_count(COUNT_UNGUARDED_ACCOUNTS, 1)
            .with_remediation(SCP_REMEDIATION);
        }
        Shape::Unreadable(fact) => {
            return Outcome::new(id, Status::Unknown, "The organization could not be read")
                .with_facts(vec![fact])
                .with_remediation(READ_ORG_REMEDIATION);
        }
        Shape::Organization(view) => view,
    };
    let mut facts = vec![Fact::new(
        format!(
            "organization {} has feature set {}",
            view.id, view.feature_set
        ),
        view.org_source,
        ORG_FILE,
    )];
    if view.feature_set != "ALL" {
        return Outcome::new(
            id,
            Status::Fail,
            "The organization uses consolidated billing only: SCPs are not available",
        )
        .with_facts(facts)
        .with_count(COUNT_UNGUARDED_ACCOUNTS, view.members().count())
        .with_remediation(
            "Enable all features in AWS Organizations, then enable the SCP policy type.",
        );
    }

    // SCPs must be enabled on the root.
    let Some(roots) = view.evidence.roots.as_ref() else {
        return Outcome::new(id, Status::Unknown, "ListRoots was not collected").with_facts(facts);
    };
    let Some(root_list) = roots.value() else {
        facts.push(Fact::new(
            format!("{} failed", roots.source.pointer()),
            &roots.source,
            ORG_FILE,
        ));
        return Outcome::new(
            id,
            Status::Unknown,
            "Whether SCPs are enabled could not be read",
        )
        .with_facts(facts);
    };
    let enabled = root_list.iter().any(|r| {
        r.policy_types
            .get("SERVICE_CONTROL_POLICY")
            .is_some_and(|s| s == "ENABLED")
    });
    facts.push(Fact::new(
        format!(
            "SCP policy type on the root: {}",
            if enabled { "ENABLED" } else { "not enabled" }
        ),
        &roots.source,
        ORG_FILE,
    ));
    if !enabled {
        return Outcome::new(
            id,
            Status::Fail,
            "Service control policies are not enabled in the \
            organization",
        )
        .with_facts(facts)
        .with_count(COUNT_UNGUARDED_ACCOUNTS, view.members().count())
        .with_remediation(
            "Enable the SERVICE_CONTROL_POLICY type on the root and \
                attach guardrail SCPs to the OUs.",
        );
    }

    let (guardrails, policy_gap) = guardrail_policies(snapshot);
    if let Some(gap) = policy_gap {
        facts.push(gap);
    }
    for g in &guardrails {
        let targets = g
            .targets
            .as_ref()
            .map(|t| t.join(", "))
            .unwrap_or("unknown (ListTargetsForPolicy failed)".into());
        facts.push(Fact::derived(format!(
            "guardrail SCP {} ({}) attached to: {targets}",
            g.name, g.id
        )));
    }

    let mut covered = Vec::new();
    let mut uncovered = Vec::new();
    let mut undetermined = Vec::new();
    for account in view.members() {
        match coverage(&view, account, &guardrails) {
            Coverage::Covered(by) => {
                facts.push(Fact::derived(format!(
                    "account {} ({}) is covered by {by}",
                    account.id, account.name
                )));
                covered.push(account.id.clone());
            }
            Coverage::AccountOnly(by) => {
                facts.push(Fact::derived(format!(
                    "account {} ({}) has guardrail SCPs attached only to the \
                    account itself ({by}), not through an OU",
                    account.id, account.name
                )));
                uncovered.push(account.id.clone());
            }
            Coverage::None => {
                facts.push(Fact::derived(format!(
                    "account {} ({}) has no guardrail SCP on its OU path",
                    account.id, account.name
                )));
                uncovered.push(account.id.clone());
            }
            Coverage::Unknown(why) => {
                facts.push(Fact::derived(format!(
                    "account {} ({}): {why}",
                    account.id, account.name
                )));
                undetermined.push(account.id.clone());
            }
        }
    }
    let total = covered.len() + uncovered.len() + undetermined.len();
    let unguarded = undetermined.is_empty().then_some(uncovered.len());
    let outcome = if total == 0 {
        Outcome::new(
            id,
            Status::Fail,
            "The organization has no member accounts: SCPs restrict \
            nothing (the management account is never restricted)",
        )
    } else if !uncovered.is_empty() && covered.is_empty() {
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "None of the {total} member accounts is covered by a \
            guardrail SCP through its OU path"
            ),
        )
        .with_accounts(uncovered)
    } else if !uncovered.is_empty() {
        Outcome::new(
            id,
            Status::Partial,
            format!(
                "{} of {total} member accounts covered by guardrail SCPs \
            through their OU path; not covered: {}",
                covered.len(),
                uncovered.join(", ")
            ),
        )
        .with_accounts(uncovered)
    } else if !undetermined.is_empty() {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "SCP coverage could not be determined for {} of {total} member accounts",
                undetermined.len()
            ),
        )
        .with_accounts(undetermined)
    } else {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "All {total} member accounts are covered by guardrail \
            SCPs attached at the root or OU level"
            ),
        )
    };
    let outcome = if outcome.status == Status::Pass {
        outcome
    } else {
        outcome.with_remediation(SCP_REMEDIATION)
    };
    let outcome = match unguarded {
        Some(n) => outcome.with_count(COUNT_UNGUARDED_ACCOUNTS, n),
        None => outcome,
    };
    facts.push(Fact::derived(
        "the management account is outside SCPs by AWS design and is judged by other probes",
    ));
    outcome.with_facts(facts)
}

const SCP_REMEDIATION: &str = "Attach guardrail SCPs (deny disabling CloudTrail, \
    Config and GuardDuty; deny creating IAM users; deny \
    leaving the organization) to the root or to every OU \
    that holds member accounts.";

/// SCPs that restrict something: every SCP except allow-all ones such as FullAWSAccess. A
/// document that cannot be parsed is kept (it is not allow-all as far as anyone can tell),
/// and a failed policy listing is reported.
fn guardrail_policies(snapshot: &Snapshot) -> (Vec<&Policy>, Option<Fact>) {
    let org = &snapshot.organization;
    let gap = match &org.policies {
        None => Some(Fact::derived(
            "organizations:ListPolicies was not collected",
        )),
        Some(r) => r.error().map(|e| {
            Fact::new(
                format!("ListPolicies failed ({}): SCPs unknown", e.code),
                &r.source,
                ORG_FILE,
            )
        }),
    };
    let policies = org
        .policy_details
        .iter()
        .filter_map(|r| r.value())
        .filter(|p| !policy::parse(&p.content).is_ok_and(|d| d.is_allow_all_only()))
        .collect();
    (policies, gap)
}

enum Coverage {
    Covered(String),
    AccountOnly(String),
    None,
    Unknown(String),
}

fn coverage(
    view: &scope::OrgView<'_>,
    account: &crate::snapshot::Account,
    guardrails: &[&Policy],
) -> Coverage {
    let Some(ancestors) = view.ancestors(account) else {
        return Coverage::Unknown("its position in the OU tree could not be read".into());
    };
    let mut unknown_targets = false;
    let mut on_account = Vec::new();
    for g in guardrails {
        let Some(targets) = &g.targets else {
            unknown_targets = true;
            continue;
        };
        if let Some(node) = ancestors.iter().find(|n| targets.contains(n)) {
            return Coverage::Covered(format!("{} attached at {}", g.name, node_name(view, node)));
        }
        if targets.contains(&account.id) {
            on_account.push(g.name.clone());
        }
    }
    if unknown_targets {
        return Coverage::Unknown("the targets of some SCPs could not be read".into());
    }
    if view
        .evidence
        .policies
        .as_ref()
        .is_none_or(|r| r.error().is_some())
    {
        return Coverage::Unknown("the SCP list could not be read".into());
    }
    if !on_account.is_empty() {
        return Coverage::AccountOnly(on_account.join(", "));
    }
    Coverage::None
}

fn node_name(view: &scope::OrgView<'_>, id: &str) -> String {
    if id.starts_with("r-") {
        return format!("the root ({id})");
    }
    view.evidence
        .organizational_units
        .iter()
        .filter_map(|r| r.value())
        .find(|o| o.id == id)
        .map(|o| format!("OU {} ({id})", o.name))
        .unwrap_or(id.to_string())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;

    fn landing_zone() -> Builder {
        Builder::organization()
            .ou("ou-sec", "Security", ROOT)
            .ou("ou-prod", "Production", ROOT)
            .ou("ou-np", "Non-production", ROOT)
            .account("333333333333", "log-archive", "ou-sec")
            .account("222222222222", "acme-prod", "ou-prod")
            .account("444444444444", "acme-staging", "ou-np")
            .account("555555555555", "acme-dev", "ou-np")
    }

    #[test]
    fn landing_zone_separates_environments() {
        let o = separate_environments(&landing_zone().build());
        assert_eq!(o.status, Status::Pass, "{o:?}");
    }

    #[test]
    fn standalone_account_fails() {
        let o = separate_environments(&Builder::standalone("999999999999").build());
        assert_eq!(o.status, Status::Fail);
        let o = scp_at_ou(&Builder::standalone("999999999999").build());
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn missing_staging_and_dev_is_partial() {
        let s = Builder::organization()
            .ou("ou-prod", "Production", ROOT)
            .account("222222222222", "workload", "ou-prod")
            .account("333333333333", "log-archive", ROOT)
            .build();
        let o = separate_environments(&s);
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert!(
            o.summary.contains("none dedicated to staging, development"),
            "{}",
            o.summary
        );
    }

    #[test]
    fn tags_override_names() {
        let s = landing_zone()
            .tag("444444444444", "Environment", "production")
            .build();
        let o = separate_environments(&s);
        assert_eq!(
            o.status,
            Status::Partial,
            "staging now has no account: {o:?}"
        );
    }

    #[test]
    fn shared_account_is_partial() {
        let s = landing_zone()
            .account("666666666666", "prod-and-dev", "ou-np")
            .build();
        let o = separate_environments(&s);
        assert_eq!(o.status, Status::Partial);
        assert_eq!(o.accounts, vec!["666666666666"]);
    }

    #[test]
    fn unclassifiable_accounts_are_unknown() {
        let s = Builder::organization()
            .account("222222222222", "alpha", ROOT)
            .account("333333333333", "beta", ROOT)
            .build();
        assert_eq!(separate_environments(&s).status, Status::Unknown);
    }

    #[test]
    fn scp_on_ous_covers_all() {
        let s = landing_zone()
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, "ou-sec", "ou-prod", "ou-np"],
            )
            .scp(
                "p-guard",
                "guardrails",
                DENY_LEAVE,
                &["ou-sec", "ou-prod", "ou-np"],
            )
            .build();
        let o = scp_at_ou(&s);
        assert_eq!(o.status, Status::Pass, "{o:?}");
    }

    #[test]
    fn full_aws_access_alone_is_no_guardrail() {
        let s = landing_zone()
            .scp("p-FullAWSAccess", "FullAWSAccess", FULL_ACCESS, &[ROOT])
            .build();
        assert_eq!(scp_at_ou(&s).status, Status::Fail);
    }

    #[test]
    fn scp_on_one_ou_is_partial_and_account_attachment_does_not_count() {
        let s = landing_zone()
            .scp(
                "p-guard",
                "guardrails",
                DENY_LEAVE,
                &["ou-prod", "444444444444"],
            )
            .build();
        let o = scp_at_ou(&s);
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert_eq!(
            o.accounts,
            vec!["333333333333", "444444444444", "555555555555"]
        );
        assert!(o
            .facts
            .iter()
            .any(|f| f.statement.contains("only to the account itself")));
    }

    #[test]
    fn root_attachment_covers_everyone() {
        let s = landing_zone()
            .scp("p-guard", "guardrails", DENY_LEAVE, &[ROOT])
            .build();
        assert_eq!(scp_at_ou(&s).status, Status::Pass);
    }

    #[test]
    fn unreadable_targets_are_unknown_not_fail() {
        let mut s = landing_zone()
            .scp("p-guard", "guardrails", DENY_LEAVE, &[])
            .build();
        if let crate::snapshot::Fetch::Ok(p) = &mut s.organization.policy_details[0].result {
            p.targets = None;
        }
        assert_eq!(scp_at_ou(&s).status, Status::Unknown);
    }

    #[test]
    fn consolidated_billing_fails() {
        let mut s = landing_zone().build();
        if let Some(crate::snapshot::Fetch::Ok(o)) =
            s.organization.organization.as_mut().map(|r| &mut r.result)
        {
            o.feature_set = "CONSOLIDATED_BILLING".into();
        }
        assert_eq!(scp_at_ou(&s).status, Status::Fail);
    }
}
