//! The two questions the probes ask of an account, answered with [`evaluate`]:
//!
//! - *Is this action denied here?* ([`guard`]): denied for every principal, denied except
//!   for principals matching some patterns (named, and matched against the account's actual
//!   roles), denied only under other conditions, denied for some resources only ("denied for
//!   trail X only"), or not denied. Only the SCPs are consulted: a guardrail is what holds
//!   whatever IAM says.
//! - *Who may do it?* ([`who_can`]): each user and role of the account evaluated with its
//!   identity policies, boundary, the SCP path and optionally a resource policy, with the
//!   statements that grant it.
//!
//! Both answer from the decision record, never from the policy text, so NotAction, allow-list
//! SCPs and conditions count the way AWS counts them.

use serde::Serialize;

use super::eval::{evaluate, statement_name, Decision, Evaluation, NamedPolicy, PolicySet};
use super::principals::PrincipalPolicies;
use super::request::{PrincipalKind, Request};
use super::scp::Level;

/// How far an action is denied in an account by its SCPs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Guard {
    /// Denied for every principal the SCPs bind: the deciding statements, or where no SCP
    /// allows it.
    DeniedForAll {
        by: Vec<String>,
    },
    /// Denied except for principals matching `patterns`; `roles` are the account's roles
    /// that escape the Deny.
    DeniedExcept {
        by: Vec<String>,
        patterns: Vec<String>,
        roles: Vec<String>,
    },
    /// Denied only when conditions other than the caller's identity hold (a Region, an MFA
    /// flag), or allowed only under conditions: not a guardrail for every request.
    Conditional {
        conditions: Vec<String>,
    },
    /// Denied for some resources only.
    Scoped {
        summaries: Vec<String>,
    },
    NotDenied,
}

impl Guard {
    /// Denied for every principal, or for all but named exemptions.
    pub fn holds(&self) -> bool {
        matches!(
            self,
            Guard::DeniedForAll { .. } | Guard::DeniedExcept { .. }
        )
    }

    /// One line for a fact.
    pub fn describe(&self) -> String {
        match self {
            Guard::DeniedForAll { by } => format!("denied for every principal ({})", by.join("; ")),
            Guard::DeniedExcept {
                by,
                patterns,
                roles,
            } => {
                let roles = if roles.is_empty() {
                    "no role of the account matches".to_string()
                } else {
                    format!("exempt roles here: {}", roles.join(", "))
                };
                format!(
                    "denied except for principals matching {} ({}; {roles})",
                    patterns.join(", "),
                    by.join("; ")
                )
            }
            Guard::Conditional { conditions } => {
                format!("denied only under conditions: {}", conditions.join("; "))
            }
            Guard::Scoped { summaries } => summaries.join("; "),
            Guard::NotDenied => "not denied by any SCP".into(),
        }
    }
}

/// Is `request` (no principal: any principal of the account) denied by the SCP `levels`?
/// `roles` are the account's role ARNs, to name those a principal exemption lets through.
pub fn guard(levels: &[Level], request: &Request, roles: &[String]) -> Guard {
    let set = PolicySet {
        scp_levels: levels.to_vec(),
        ..PolicySet::default()
    };
    let evaluation = evaluate(&set, request);
    match evaluation.decision {
        Decision::ExplicitDeny if !evaluation.conditional => Guard::DeniedForAll {
            by: names(&evaluation),
        },
        Decision::ExplicitDeny => exempted(&set, &evaluation, request, roles),
        Decision::ImplicitDeny if evaluation.conditional_allow => Guard::Conditional {
            conditions: evaluation.notes.clone(),
        },
        Decision::ImplicitDeny => Guard::DeniedForAll {
            by: evaluation.notes.clone(),
        },
        Decision::Allowed if !evaluation.scoped_denies.is_empty() => Guard::Scoped {
            summaries: evaluation
                .scoped_denies
                .iter()
                .map(|s| format!("{} ({})", s.summary, statement_name(&s.statement)))
                .collect(),
        },
        Decision::Allowed => Guard::NotDenied,
    }
}

fn names(evaluation: &Evaluation) -> Vec<String> {
    evaluation.deciding.iter().map(statement_name).collect()
}

/// A Deny with open conditions: when some deciding statement is open only on the caller's
/// identity, everyone else is denied; the exempt roles are those for which the same request
/// with the role as principal is not denied.
fn exempted(
    set: &PolicySet,
    evaluation: &Evaluation,
    request: &Request,
    roles: &[String],
) -> Guard {
    let principal_only: Vec<String> = evaluation
        .deciding
        .iter()
        .filter(|at| {
            let mine = evaluation.exemptions.iter().filter(|e| &e.statement == *at);
            mine.clone().count() > 0 && mine.clone().all(|e| e.principals)
        })
        .map(statement_name)
        .collect();
    if principal_only.is_empty() {
        let conditions = evaluation
            .exemptions
            .iter()
            .map(|e| format!("unless {} {} [{}]", e.operator, e.key, e.values.join(", ")))
            .collect();
        return Guard::Conditional { conditions };
    }
    let mut patterns: Vec<String> = evaluation
        .exemptions
        .iter()
        .filter(|e| e.principals)
        .flat_map(|e| e.values.iter().cloned())
        .collect();
    patterns.sort();
    patterns.dedup();
    let roles = roles
        .iter()
        .filter(|arn| {
            let as_role = request.clone().principal(arn);
            evaluate(set, &as_role).decision != Decision::ExplicitDeny
        })
        .cloned()
        .collect();
    Guard::DeniedExcept {
        by: principal_only,
        patterns,
        roles,
    }
}

/// One principal that may perform the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub principal: String,
    pub kind: PrincipalKind,
    /// The statements that carry the request: the Allow at each SCP level and in the
    /// identity (or resource) policy.
    pub path: Vec<String>,
    /// Allowed only under conditions the question did not settle (a Region, a tag, some
    /// resources only); `conditions` says which.
    pub conditional: bool,
    pub conditions: Vec<String>,
}

/// Who may perform one action in one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WhoCan {
    pub allowed: Vec<Grant>,
    /// Principals whose policies could not all be read: ARN and why.
    pub unknown: Vec<(String, String)>,
    /// Service-linked roles left out: AWS services act through them, people cannot.
    pub service_linked_skipped: usize,
}

/// What [`who_can`] evaluates principals against.
#[derive(Debug, Clone, Default)]
pub struct Setting<'a> {
    /// The account's SCP path; empty when SCPs do not apply (management account, or SCPs
    /// not enabled).
    pub levels: &'a [Level],
    pub management_account: bool,
    pub resource_policy: Option<&'a NamedPolicy>,
    /// Keys every request of the account carries (`aws:PrincipalOrgID`).
    pub context: Vec<(String, String)>,
}

/// Evaluates `template` (action, resource, Region) for every principal.
pub fn who_can(principals: &[PrincipalPolicies], setting: &Setting, template: &Request) -> WhoCan {
    let mut answer = WhoCan::default();
    for p in principals {
        if p.kind == PrincipalKind::ServiceLinkedRole {
            answer.service_linked_skipped += 1;
            continue;
        }
        if !p.problems.is_empty() {
            answer.unknown.push((p.arn.clone(), p.problems.join("; ")));
            continue;
        }
        if let Some(grant) = grant_for(p, setting, template) {
            answer.allowed.push(grant);
        }
    }
    answer
}

fn grant_for(p: &PrincipalPolicies, setting: &Setting, template: &Request) -> Option<Grant> {
    // With no identity policy and no resource policy, `evaluate` would answer the SCP-only
    // question; a principal without policies is granted nothing.
    if p.identity.is_empty() && setting.resource_policy.is_none() {
        return None;
    }
    let mut request = template.clone().principal(&p.arn);
    for (key, value) in &setting.context {
        request = request.context(key, value);
    }
    if setting.management_account {
        request = request.in_management_account();
    }
    let set = PolicySet {
        scp_levels: setting.levels.to_vec(),
        identity: p.identity.clone(),
        boundaries: p.boundaries.clone(),
        resource_policy: setting.resource_policy.cloned(),
    };
    let full = evaluate(&set, &request);
    // A conditional Deny is reached only once every Allow held, so the request is possible
    // whenever its conditions fail; a conditional Allow needs a closer look.
    let conditional = match full.decision {
        Decision::Allowed => false,
        Decision::ExplicitDeny if full.conditional => true,
        Decision::ImplicitDeny if full.conditional_allow => {
            if !possible_in_every_layer(&set, &request) {
                return None;
            }
            true
        }
        _ => return None,
    };
    Some(Grant {
        principal: p.arn.clone(),
        kind: p.kind,
        path: names(&full),
        conditional,
        conditions: conditions(&full),
    })
}

/// An implicit deny with a conditional Allow stops at the first layer that lacks a sure
/// Allow, so the layers after it were not looked at: check the SCPs and the IAM policies
/// each on their own. Over-approximates when the conditions of two layers exclude each
/// other; the grant is then reported as conditional, never as certain.
fn possible_in_every_layer(set: &PolicySet, request: &Request) -> bool {
    let scps = PolicySet {
        scp_levels: set.scp_levels.clone(),
        ..PolicySet::default()
    };
    let iam = PolicySet {
        scp_levels: Vec::new(),
        ..set.clone()
    };
    possible(&evaluate(&scps, request)) && possible(&evaluate(&iam, request))
}

fn possible(e: &Evaluation) -> bool {
    match e.decision {
        Decision::Allowed => true,
        Decision::ExplicitDeny => e.conditional,
        Decision::ImplicitDeny => e.conditional_allow,
    }
}

fn conditions(e: &Evaluation) -> Vec<String> {
    let exemptions = e.exemptions.iter().map(|x| {
        format!(
            "not denied when {} {} [{}]",
            x.operator,
            x.key,
            x.values.join(", ")
        )
    });
    let notes = e.notes.iter().filter(|n| n.contains(" only ")).cloned();
    exemptions.chain(notes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::principals::{authorization_details_from_json, gather};
    use crate::policy::tree::{ScpIndex, ScpState};
    use crate::probes::fixture::{Builder, FULL_ACCESS, MGMT, ROOT};
    use crate::snapshot::Snapshot;

    const WL: &str = "222222222222";
    const OU: &str = "ou-work";

    /// Case 10's SCP, optionally with the break-glass exemption of its third variant.
    fn deny_iam_writes(exempt: bool) -> String {
        let condition = if exempt {
            r#","Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/break-glass"}}"#
        } else {
            ""
        };
        format!(
            r#"{{"Statement":[{{"Sid":"DenyIamWrites","Effect":"Deny","Action":["iam:Create*",
            "iam:Update*","iam:Put*","iam:Attach*","iam:PassRole"],"Resource":"*"{condition}}}]}}"#
        )
    }

    fn org(extra: &[(&str, &str)]) -> Snapshot {
        let mut b = Builder::organization()
            .ou(OU, "Workloads", ROOT)
            .account(WL, "workload-prod", OU)
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, OU, WL, MGMT],
            );
        for (i, (content, target)) in extra.iter().enumerate() {
            b = b.scp(&format!("p-{i}"), &format!("scp{i}"), content, &[target]);
        }
        b.build()
    }

    fn levels(s: &Snapshot) -> Result<Vec<Level>, String> {
        ScpIndex::from_org(&s.organization).levels(&[ROOT.to_string(), OU.to_string()], WL)
    }

    #[test]
    fn the_path_names_root_ou_and_account() {
        let s = org(&[]);
        let names: Vec<String> = levels(&s).unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(
            names,
            ["root", "OU Workloads (ou-work)", "account 222222222222"]
        );
    }

    #[test]
    fn case_10_scp_denies_iam_writes_for_everyone() {
        let deny = deny_iam_writes(false);
        let s = org(&[(&deny, WL)]);
        let g = guard(
            &levels(&s).unwrap(),
            &Request::new("iam:PutUserPolicy"),
            &[],
        );
        assert!(matches!(&g, Guard::DeniedForAll { by } if by[0].starts_with("DenyIamWrites")));
        let open = guard(&levels(&s).unwrap(), &Request::new("ec2:RunInstances"), &[]);
        assert_eq!(open, Guard::NotDenied);
    }

    #[test]
    fn case_10_break_glass_exemption_names_the_role_that_exists() {
        let deny = deny_iam_writes(true);
        let s = org(&[(&deny, OU)]);
        let roles = [
            format!("arn:aws:iam::{WL}:role/break-glass"),
            format!("arn:aws:iam::{WL}:role/app"),
        ];
        let g = guard(
            &levels(&s).unwrap(),
            &Request::new("iam:CreateUser"),
            &roles,
        );
        let Guard::DeniedExcept {
            patterns, roles, ..
        } = &g
        else {
            panic!("{g:?}")
        };
        assert_eq!(patterns, &["arn:aws:iam::*:role/break-glass"]);
        assert_eq!(roles, &[format!("arn:aws:iam::{WL}:role/break-glass")]);
        assert!(g.holds());
    }

    #[test]
    fn a_trail_scoped_deny_is_scoped_not_denied() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging",
            "Resource":"arn:aws:cloudtrail:*:*:trail/org-trail"}]}"#;
        let s = org(&[(deny, ROOT)]);
        let g = guard(
            &levels(&s).unwrap(),
            &Request::new("cloudtrail:StopLogging"),
            &[],
        );
        assert!(matches!(&g, Guard::Scoped { summaries } if summaries[0]
            .starts_with("denied for trail org-trail only")));
        assert!(!g.holds());
    }

    #[test]
    fn a_region_deny_is_conditional_without_a_region_and_holds_outside_it() {
        let deny = r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#;
        let s = org(&[(deny, OU)]);
        let l = levels(&s).unwrap();
        let any = guard(&l, &Request::new("ec2:RunInstances"), &[]);
        assert!(matches!(any, Guard::Conditional { .. }), "{any:?}");
        let outside = guard(
            &l,
            &Request::new("ec2:RunInstances").region("us-east-1"),
            &[],
        );
        assert!(outside.holds());
        let inside = guard(
            &l,
            &Request::new("ec2:RunInstances").region("eu-west-1"),
            &[],
        );
        assert_eq!(inside, Guard::NotDenied);
    }

    #[test]
    fn case_13_account_with_only_a_deny_scp_allows_nothing() {
        let s = Builder::organization()
            .ou(OU, "Quarantine", ROOT)
            .account(WL, "quarantined", OU)
            .scp("p-FullAWSAccess", "FullAWSAccess", FULL_ACCESS, &[ROOT, OU])
            .scp(
                "p-leave",
                "DenyLeave",
                crate::probes::fixture::DENY_LEAVE,
                &[WL],
            )
            .build();
        let g = guard(
            &levels(&s).unwrap(),
            &Request::new("cloudtrail:StopLogging"),
            &[],
        );
        assert!(
            matches!(&g, Guard::DeniedForAll { by } if by[0].contains("account")),
            "{g:?}"
        );
    }

    #[test]
    fn case_13_an_unparseable_scp_on_the_path_is_unknown_and_elsewhere_harmless() {
        let s = org(&[("{\"Statement\": [,]}", WL)]);
        let err = levels(&s).unwrap_err();
        assert!(err.contains("does not parse"), "{err}");
        let other = ScpIndex::from_org(&s.organization).levels(&[ROOT.to_string()], MGMT);
        assert!(other.is_ok());
    }

    #[test]
    fn case_13_scps_not_enabled_means_no_restriction() {
        let mut s = org(&[]);
        if let Some(crate::snapshot::Fetch::Ok(roots)) =
            s.organization.roots.as_mut().map(|r| &mut r.result)
        {
            roots[0].policy_types.clear();
        }
        let index = ScpIndex::from_org(&s.organization);
        assert!(matches!(index.state, ScpState::NotEnabled(_)));
        assert!(levels(&s).unwrap().is_empty());
    }

    /// Case 10's account in the CLI's shape.
    const CASE_10_IAM: &str = r#"{"UserDetailList": [
      {"UserName": "put-user-policy-user",
       "Arn": "arn:aws:iam::222222222222:user/put-user-policy-user",
       "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow",
         "Action": "iam:PutUserPolicy",
         "Resource": "arn:aws:iam::222222222222:user/put-user-policy-user"}]}}]},
      {"UserName": "attach-user-policy-user",
       "Arn": "arn:aws:iam::222222222222:user/attach-user-policy-user",
       "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow",
         "Action": "iam:AttachUserPolicy", "Resource": "*"}]}}]},
      {"UserName": "passrole-ec2-user", "Arn": "arn:aws:iam::222222222222:user/passrole-ec2-user",
       "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow",
         "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}]}}]}],
     "RoleDetailList": [
      {"RoleName": "ec2-admin", "Arn": "arn:aws:iam::222222222222:role/ec2-admin",
       "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
         "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
      {"RoleName": "AWSServiceRoleForSupport", "Path": "/aws-service-role/support.amazonaws.com/",
       "Arn": "arn:aws:iam::222222222222:role/aws-service-role/support.amazonaws.com/SLR"}],
     "Policies": [{"PolicyName": "AdministratorAccess",
       "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
       "PolicyVersionList": [{"IsDefaultVersion": true,
       "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]}"#;

    fn case_10_principals() -> Vec<PrincipalPolicies> {
        gather(&authorization_details_from_json(CASE_10_IAM).unwrap())
    }

    fn who(levels: &[Level], management: bool, action: &str) -> WhoCan {
        let setting = Setting {
            levels,
            management_account: management,
            ..Setting::default()
        };
        who_can(&case_10_principals(), &setting, &Request::new(action))
    }

    fn arns(w: &WhoCan) -> Vec<&str> {
        w.allowed
            .iter()
            .map(|g| g.principal.rsplit('/').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn case_10_no_user_can_take_an_escalation_step_under_the_scp() {
        let deny = deny_iam_writes(false);
        let s = org(&[(&deny, WL)]);
        let l = levels(&s).unwrap();
        for action in ["iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:PassRole"] {
            assert!(who(&l, false, action).allowed.is_empty(), "{action}");
        }
        let run = who(&l, false, "ec2:RunInstances");
        assert_eq!(arns(&run), ["passrole-ec2-user", "ec2-admin"]);
        assert_eq!(run.service_linked_skipped, 1);
        let admin = &run.allowed[1];
        assert!(!admin.conditional);
        assert!(
            admin.path.iter().any(|p| p.contains("AdministratorAccess")),
            "{admin:?}"
        );
    }

    #[test]
    fn case_10_in_the_management_account_every_step_is_open() {
        let w = who(&[], true, "iam:AttachUserPolicy");
        assert_eq!(arns(&w), ["attach-user-policy-user", "ec2-admin"]);
        // The self-scoped PutUserPolicy grant is conditional on the resource when no
        // resource is named, and certain on the user itself.
        let put = who(&[], true, "iam:PutUserPolicy");
        assert!(put.allowed[0].conditional);
        let own = Request::new("iam:PutUserPolicy")
            .resource("arn:aws:iam::222222222222:user/put-user-policy-user");
        let setting = Setting {
            management_account: true,
            ..Setting::default()
        };
        let w = who_can(&case_10_principals(), &setting, &own);
        assert!(!w.allowed[0].conditional);
    }

    #[test]
    fn a_role_without_policies_may_do_nothing() {
        let details = r#"{"RoleDetailList": [{"RoleName": "OrganizationAccountAccessRole",
            "Arn": "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"}]}"#;
        let bare = gather(&authorization_details_from_json(details).unwrap());
        let s = org(&[]);
        let l = levels(&s).unwrap();
        let setting = Setting {
            levels: &l,
            ..Setting::default()
        };
        let w = who_can(&bare, &setting, &Request::new("s3:DeleteBucket"));
        assert!(w.allowed.is_empty(), "{w:?}");
    }

    #[test]
    fn case_10_without_passrole_in_the_scp_only_the_passrole_user_can_pass() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":["iam:Create*","iam:Update*",
            "iam:Put*","iam:Attach*"],"Resource":"*"}]}"#;
        let s = org(&[(deny, WL)]);
        let w = who(&levels(&s).unwrap(), false, "iam:PassRole");
        assert_eq!(arns(&w), ["passrole-ec2-user", "ec2-admin"]);
    }

    #[test]
    fn a_region_deny_makes_the_grant_conditional() {
        let deny = r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#;
        let s = org(&[(deny, OU)]);
        let w = who(&levels(&s).unwrap(), false, "ec2:RunInstances");
        assert!(w.allowed.iter().all(|g| g.conditional), "{w:?}");
        assert!(w.allowed[0].conditions[0].contains("aws:RequestedRegion"));
    }
}
