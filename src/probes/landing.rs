//! The shape of the landing zone itself: a management account that hosts no workloads, a
//! Security OU with an audit account and a log archive account recognised by what they do,
//! and sandbox accounts held back by budgets that act.

use std::collections::BTreeSet;

use super::matrix::Verdict;
use super::scope::{self, Role, Shape};
use super::{Fact, Outcome, Status};
use crate::snapshot::Snapshot;

pub const MANAGEMENT_NO_WORKLOADS: &str = "org.management-no-workloads";
pub const SECURITY_OU: &str = "org.security-ou";
pub const SANDBOX_BUDGETS: &str = "cost.sandbox-budgets";

/// Resource types (`service:type` from the ARN) that are workloads when found in the
/// management account. Trails, their buckets and Identity Center are the management
/// account's own job and are left out.
const WORKLOAD_SERVICES: [&str; 16] = [
    "ec2",
    "rds",
    "lambda",
    "ecs",
    "eks",
    "dynamodb",
    "elasticloadbalancing",
    "sqs",
    "sns",
    "apigateway",
    "elasticache",
    "redshift",
    "sagemaker",
    "kinesis",
    "s3",
    "autoscaling",
];

/// `org.management-no-workloads`: the management account holds no workload resources,
/// judged from the tagging API in every collected region and its S3 buckets (trail buckets
/// aside). Says what was looked at.
pub fn management_no_workloads(snapshot: &Snapshot) -> Outcome {
    let id = MANAGEMENT_NO_WORKLOADS;
    let management = match scope::shape(snapshot) {
        Shape::Organization(view) => view.management.clone(),
        Shape::Standalone { account, .. } => {
            return Outcome::new(
                id,
                Status::Fail,
                format!(
                    "Account {account} is not in an organization: the one \
                account pays the bills and runs the workloads"
                ),
            )
            .with_accounts(vec![account])
            .with_remediation(MGMT_REMEDIATION);
        }
        Shape::Unreadable(fact) => {
            return Outcome::new(id, Status::Unknown, "The organization could not be read")
                .with_facts(vec![fact])
        }
    };
    let Some(account) = snapshot
        .account(&management)
        .filter(|a| a.session.error().is_none())
    else {
        return Outcome::new(
            id,
            Status::Unknown,
            format!("The management account {management} was not collected"),
        );
    };
    let trail_buckets: BTreeSet<&str> = snapshot
        .cloudtrail
        .buckets
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let mut facts = Vec::new();
    let mut workloads = Vec::new();
    let mut regions_read = Vec::new();
    let mut gaps = Vec::new();
    for regional in &account.regional {
        let Some(record) = &regional.tagged_resources else {
            continue;
        };
        match record.value() {
            Some(arns) => {
                regions_read.push(regional.region.clone());
                for arn in arns {
                    let service = arn.split(':').nth(2).unwrap_or_default();
                    let is_trail_bucket = service == "s3"
                        && trail_buckets.contains(arn.rsplit(':').next().unwrap_or_default());
                    if WORKLOAD_SERVICES.contains(&service) && !is_trail_bucket {
                        facts.push(Fact::new(
                            format!("workload resource in the management account: {arn}"),
                            &record.source,
                            scope::ACCOUNTS_FILE,
                        ));
                        workloads.push(arn.clone());
                    }
                }
            }
            None => gaps.push(regional.region.clone()),
        }
    }
    if let Some(buckets) = account
        .buckets
        .as_ref()
        .and_then(|r| r.value().map(|v| (v, &r.source)))
    {
        for name in buckets
            .0
            .iter()
            .filter(|b| !trail_buckets.contains(b.as_str()))
        {
            facts.push(Fact::new(
                format!("S3 bucket {name} in the management account (not a trail bucket)"),
                buckets.1,
                scope::ACCOUNTS_FILE,
            ));
            workloads.push(format!("arn:aws:s3:::{name}"));
        }
    }
    workloads.sort();
    workloads.dedup();
    facts.push(Fact::derived(format!(
        "looked at: resources listed by the tagging API in {} and the account's S3 buckets",
        if regions_read.is_empty() {
            "no region".to_string()
        } else {
            regions_read.join(", ")
        }
    )));
    let outcome = if !workloads.is_empty() {
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "The management account {management} holds {} workload resource(s)",
                workloads.len()
            ),
        )
        .with_accounts(vec![management.clone()])
        .with_remediation(MGMT_REMEDIATION)
    } else if regions_read.is_empty() || !gaps.is_empty() {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Resources of the management account could not be listed in {}",
                if gaps.is_empty() {
                    "any region".to_string()
                } else {
                    gaps.join(", ")
                }
            ),
        )
        .with_remediation("Grant the collector tag:GetResources in the management account.")
    } else {
        Outcome::new(
            id,
            Status::Pass,
            format!("No workload resource found in the management account {management}"),
        )
    };
    outcome
        .with_facts(facts)
        .with_count("workload_resources_in_management", workloads.len())
}

const MGMT_REMEDIATION: &str = "Move workloads out of the management account into \
    member accounts under the Production and Non-production \
    OUs; keep it for billing, Organizations and Identity \
    Center only.";

/// `org.security-ou`: an audit account (delegated administrator of a security service) and a
/// log archive account (owner of a trail bucket), distinct, members, not workloads, in a
/// Security-style OU.
pub fn security_ou(snapshot: &Snapshot) -> Outcome {
    let id = SECURITY_OU;
    let view = match scope::shape(snapshot) {
        Shape::Organization(view) => view,
        Shape::Standalone { account, .. } => {
            return Outcome::new(id, Status::Fail, "No organization, so no Security OU")
                .with_accounts(vec![account])
                .with_remediation(SECURITY_REMEDIATION);
        }
        Shape::Unreadable(fact) => {
            return Outcome::new(id, Status::Unknown, "The organization could not be read")
                .with_facts(vec![fact])
        }
    };
    let mut facts = Vec::new();

    // The audit account: a delegated administrator for a security service.
    let security_services = [
        "guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
        "config.amazonaws.com",
        "config-multiaccountsetup.amazonaws.com",
        "access-analyzer.amazonaws.com",
        "detective.amazonaws.com",
        "inspector2.amazonaws.com",
    ];
    let admins = view.evidence.delegated_administrators.as_ref();
    let audit: Vec<String> = admins
        .and_then(|r| r.value())
        .map(|list| {
            list.iter()
                .filter(|a| {
                    a.services
                        .iter()
                        .any(|s| security_services.contains(&s.as_str()))
                })
                .map(|a| a.account_id.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(r) = admins {
        for a in &audit {
            facts.push(Fact::new(
                format!(
                    "account {a} is delegated administrator of a security \
                service: the audit account"
                ),
                &r.source,
                scope::ORG_FILE,
            ));
        }
    }
    // The log archive account: owns a trail bucket.
    let archive: BTreeSet<String> = snapshot
        .cloudtrail
        .buckets
        .iter()
        .filter_map(|b| b.owner_account.clone())
        .filter(|o| o != &view.management)
        .collect();
    for a in &archive {
        facts.push(Fact::derived(format!(
            "account {a} owns a CloudTrail bucket: the log archive account"
        )));
    }

    let in_security_ou = |id: &str| {
        view.account(id).is_some_and(|a| {
            let c = view.classify(a);
            !c.is_workload()
                && view
                    .ou_names(a)
                    .iter()
                    .any(|ou| scope::roles_in(ou).contains(&Role::Security))
        })
    };
    let audit_ok = audit.iter().find(|a| in_security_ou(a));
    let archive_ok = archive
        .iter()
        .find(|a| in_security_ou(a) && Some(*a) != audit_ok);
    let verdicts = [
        (
            "audit account",
            audit_ok.is_some(),
            audit.is_empty(),
            admins.is_none_or(|r| r.value().is_none()),
        ),
        (
            "log archive account",
            archive_ok.is_some(),
            archive.is_empty(),
            false,
        ),
    ];
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for (name, ok, none_found, unreadable) in verdicts {
        if ok {
            continue;
        }
        if unreadable {
            unknown.push(format!(
                "{name}: delegated administrators could not be read"
            ));
        } else if none_found {
            missing.push(format!("no {name}"));
        } else {
            missing.push(format!(
                "the {name} is not in a Security OU (or is a workload account)"
            ));
        }
    }
    let present = 2 - missing.len() - unknown.len();
    let outcome = if missing.is_empty() && unknown.is_empty() {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "Security OU holds the audit account {} and the log archive account {}",
                audit_ok.map(String::as_str).unwrap_or_default(),
                archive_ok.map(String::as_str).unwrap_or_default()
            ),
        )
    } else if !missing.is_empty() && present > 0 {
        Outcome::new(
            id,
            Status::Partial,
            format!("Security OU incomplete: {}", missing.join("; ")),
        )
        .with_remediation(SECURITY_REMEDIATION)
    } else if !missing.is_empty() {
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "No Security OU with audit and log archive accounts: {}",
                missing.join("; ")
            ),
        )
        .with_remediation(SECURITY_REMEDIATION)
    } else {
        Outcome::new(id, Status::Unknown, unknown.join("; "))
    };
    outcome.with_facts(facts)
}

const SECURITY_REMEDIATION: &str = "Create a Security OU holding an audit account \
    (delegated administrator for GuardDuty, Security Hub \
    and Config) and a log archive account (owner of the \
    organization trail's bucket).";

/// `cost.sandbox-budgets`: every sandbox account carries a budget with an action that stops
/// spend (an IAM or SCP policy applied, or instances stopped), not only an alert.
pub fn sandbox_budgets(snapshot: &Snapshot) -> Outcome {
    let id = SANDBOX_BUDGETS;
    let Shape::Organization(view) = scope::shape(snapshot) else {
        return Outcome::new(
            id,
            Status::NotApplicable,
            "No organization, so no sandbox accounts",
        );
    };
    let sandboxes: Vec<_> = view
        .members()
        .filter(|a| view.classify(a).roles.contains(&Role::Sandbox))
        .collect();
    if sandboxes.is_empty() {
        return Outcome::new(
            id,
            Status::NotApplicable,
            "No sandbox account found (by tag, name or OU)",
        );
    }
    let mut parts = Vec::new();
    let mut facts = Vec::new();
    for account in &sandboxes {
        let evidence = snapshot
            .account(&account.id)
            .filter(|a| a.session.error().is_none());
        let verdict = match evidence.map(|e| super::matrix::read(&e.budgets, "budgets")) {
            None => Verdict::Unknown("account not entered".into()),
            Some(Err(v)) => v,
            Some(Ok(budgets)) => {
                let acting: Vec<&str> = budgets
                    .iter()
                    .filter(|b| b.actions.as_ref().is_some_and(|a| !a.is_empty()))
                    .map(|b| b.name.as_str())
                    .collect();
                let unread = budgets.iter().any(|b| b.actions.is_none());
                if let Some(r) = evidence.and_then(|e| e.budgets.as_ref()) {
                    facts.push(Fact::new(
                        format!(
                            "sandbox {} ({}): {} budget(s), with actions: {}",
                            account.id,
                            account.name,
                            budgets.len(),
                            if acting.is_empty() {
                                "none".to_string()
                            } else {
                                acting.join(", ")
                            }
                        ),
                        &r.source,
                        scope::ACCOUNTS_FILE,
                    ));
                }
                if !acting.is_empty() {
                    Verdict::Pass
                } else if unread {
                    Verdict::Unknown("budget actions not readable".into())
                } else if budgets.is_empty() {
                    Verdict::Fail("no budget".into())
                } else {
                    Verdict::Fail("budgets alert only; no action stops spend".into())
                }
            }
        };
        parts.push((format!("sandbox {}", account.id), verdict));
    }
    let parts: Vec<(&str, Verdict, bool)> = parts
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone(), false))
        .collect();
    let outcome = super::matrix::fold(
        id,
        "Sandbox budgets",
        &parts,
        "Give every sandbox account an AWS Budget with an action \
        that applies a deny policy (IAM or SCP) when the limit \
        is reached.",
    );
    let mut all = outcome.facts.clone();
    all.extend(facts);
    outcome.with_facts(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;
    use crate::snapshot::{
        BucketEvidence, Budget, BudgetAction, DelegatedAdministrator, RegionEvidence,
    };

    #[test]
    fn workloads_in_management_account_fail_and_trail_bucket_does_not_count() {
        let build = |arns: Vec<String>| {
            let mut s = Builder::organization()
                .with_account(MGMT, |a| {
                    a.regional = vec![RegionEvidence {
                        region: "us-east-1".into(),
                        tagged_resources: Some(ok("tag", "GetResources", MGMT, arns)),
                        ..RegionEvidence::default()
                    }];
                    a.buckets = Some(ok("s3", "ListBuckets", MGMT, vec!["trail-logs".into()]));
                })
                .build();
            s.cloudtrail.buckets.push(BucketEvidence {
                name: "trail-logs".into(),
                owner_account: Some(MGMT.into()),
                object_lock: None,
                versioning: None,
                lifecycle_rules: None,
                policy: None,
                public_access_block: None,
                encryption: None,
            });
            s
        };
        assert_eq!(
            management_no_workloads(&build(vec!["arn:aws:s3:::trail-logs".into()])).status,
            Status::Pass
        );
        let o = management_no_workloads(&build(vec![
            "arn:aws:ec2:us-east-1:111111111111:instance/i-1".into(),
        ]));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            management_no_workloads(&Builder::organization().build()).status,
            Status::Unknown
        );
    }

    fn lz() -> Builder {
        Builder::organization()
            .ou("ou-sec", "Security", ROOT)
            .account("444444444444", "audit", "ou-sec")
            .account("333333333333", "log-archive", "ou-sec")
    }

    fn with_roles(mut s: Snapshot, admin: &str, archive: &str) -> Snapshot {
        s.organization.delegated_administrators = Some(ok(
            "organizations",
            "ListDelegatedAdministrators",
            MGMT,
            vec![DelegatedAdministrator {
                account_id: admin.into(),
                name: "x".into(),
                services: vec!["guardduty.amazonaws.com".into()],
            }],
        ));
        s.cloudtrail.buckets.push(BucketEvidence {
            name: "logs".into(),
            owner_account: Some(archive.into()),
            object_lock: None,
            versioning: None,
            lifecycle_rules: None,
            policy: None,
            public_access_block: None,
            encryption: None,
        });
        s
    }

    #[test]
    fn security_ou_recognised_by_function() {
        assert_eq!(
            security_ou(&with_roles(lz().build(), "444444444444", "333333333333")).status,
            Status::Pass
        );
        // The bucket in the management account: no log archive account.
        let o = security_ou(&with_roles(lz().build(), "444444444444", MGMT));
        assert_eq!(o.status, Status::Partial, "{o:?}");
        // Audit account outside the Security OU.
        let s = Builder::organization()
            .account("444444444444", "tools", ROOT)
            .ou("ou-sec", "Security", ROOT)
            .account("333333333333", "logs", "ou-sec")
            .build();
        assert_eq!(
            security_ou(&with_roles(s, "444444444444", "333333333333")).status,
            Status::Partial
        );
    }

    #[test]
    fn sandbox_budgets_need_actions() {
        let budget = |actions: Vec<BudgetAction>| {
            Some(ok(
                "budgets",
                "DescribeBudgets",
                "666666666666",
                vec![Budget {
                    name: "cap".into(),
                    budget_type: "COST".into(),
                    time_unit: "MONTHLY".into(),
                    limit: Some("100".into()),
                    actions: Some(actions),
                }],
            ))
        };
        let action = BudgetAction {
            id: "a".into(),
            action_type: "APPLY_SCP_POLICY".into(),
            approval_model: "AUTOMATIC".into(),
            status: "STANDBY".into(),
            threshold: None,
            policy: None,
            ssm_action: None,
            targets: vec![],
        };
        let build = |b| {
            Builder::organization()
                .account("666666666666", "sandbox-1", ROOT)
                .with_account("666666666666", |a| a.budgets = b)
                .build()
        };
        assert_eq!(
            sandbox_budgets(&build(budget(vec![action]))).status,
            Status::Pass
        );
        assert_eq!(sandbox_budgets(&build(budget(vec![]))).status, Status::Fail);
        assert_eq!(sandbox_budgets(&build(None)).status, Status::Unknown);
        assert_eq!(
            sandbox_budgets(&Builder::organization().build()).status,
            Status::NotApplicable
        );
    }
}
