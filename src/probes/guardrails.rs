//! Preventive guardrails as AWS enforces them: for each account concerned, the SCPs on its
//! path root → OUs → account are evaluated for the actions a guardrail must block, and the
//! decision, not the policy text, says whether it holds (domain.md 2.1.4).
//!
//! A guardrail holds for an action when it is denied for every principal, or for all but
//! principals named by an exemption (the exempt ARN patterns are reported, with the account's
//! roles that match them). A Deny scoped to some resources ("denied for trail X only"), or one
//! that applies only under other conditions, does not hold. SCP evidence that could not be
//! read or parsed leaves the account `unknown`; SCPs never bind the management account, which
//! is left to other probes.

use crate::policy::{guard, Guard, Request, ScpIndex, ScpState};
use crate::snapshot::{Account, Snapshot};

use super::scope::{self, OrgView, Role, Shape, ORG_FILE};
use super::{Fact, Outcome, Status};

pub const PROTECT_AUDIT_LOGGING: &str = "guardrails.protect-audit-logging";
pub const NO_IAM_USERS: &str = "guardrails.no-iam-users";
pub const REGION_RESTRICTION: &str = "guardrails.region-restriction";

/// Stopping, deleting or reconfiguring trails, stopping or deleting Config recorders,
/// deleting or leaving GuardDuty: the list issue 3 gives. domain.md 2.1.4 also names
/// `config:DeleteDeliveryChannel` and `guardduty:UpdateDetector`; they are left out because
/// common guardrail sets (the landing-zone sample's among them) do not deny them, and the
/// question asked is about recorders and detectors.
pub const AUDIT_LOGGING_ACTIONS: &[&str] = &[
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "guardduty:DeleteDetector",
    "guardduty:DisassociateFromAdministratorAccount",
];

pub const IAM_USER_ACTIONS: &[&str] = &["iam:CreateUser", "iam:CreateAccessKey"];

/// Actions that create regional resources; a Region where any of them is possible is usable.
pub const REGIONAL_ACTIONS: &[&str] = &[
    "ec2:RunInstances",
    "rds:CreateDBInstance",
    "lambda:CreateFunction",
    "dynamodb:CreateTable",
    "s3:CreateBucket",
];

/// Commercial Regions checked when no SCP names them (the partition `aws`, 2026).
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The organization with its SCPs read once, for every probe that evaluates them.
pub(crate) struct Scps<'a> {
    pub view: OrgView<'a>,
    pub index: ScpIndex,
}

/// The organization, or the outcome to return when there is none to evaluate: a standalone
/// account has no SCPs (fail), an unreadable organization is unknown.
pub(crate) fn scps<'a>(snapshot: &'a Snapshot, id: &str) -> Result<Scps<'a>, Box<Outcome>> {
    match scope::shape(snapshot) {
        Shape::Standalone { account, source } => Err(Box::new(
            Outcome::new(
                id,
                Status::Fail,
                format!("Account {account} is not in an AWS organization: no SCP can guard it"),
            )
            .with_facts(vec![Fact::new(
                format!("account {account} is not in an AWS organization"),
                source,
                ORG_FILE,
            )])
            .with_accounts(vec![account])
            .with_remediation(GUARDRAIL_REMEDIATION),
        )),
        Shape::Unreadable(fact) => Err(Box::new(
            Outcome::new(
                id,
                Status::Unknown,
                "The organization could not be read, so its SCPs cannot be evaluated",
            )
            .with_facts(vec![fact]),
        )),
        Shape::Organization(view) => {
            let index = ScpIndex::from_org(view.evidence);
            Ok(Scps { view, index })
        }
    }
}

impl Scps<'_> {
    /// The SCP levels of a member account, or why they are unknown.
    pub fn levels(&self, account: &Account) -> Result<Vec<crate::policy::Level>, String> {
        let path = self
            .view
            .ancestors(account)
            .ok_or_else(|| format!("the OU path of account {} is not known", account.id))?;
        self.index.levels(&path, &account.id)
    }

    /// A fact about the SCP evidence, pointing at the policy listing.
    pub fn fact(&self, statement: String) -> Fact {
        match &self.view.evidence.policies {
            Some(r) => Fact::new(statement, &r.source, ORG_FILE),
            None => Fact::derived(statement),
        }
    }

    /// "222222222222 (acme-prod, production)".
    pub fn label(&self, account: &Account) -> String {
        let class = self.view.classify(account);
        format!("{} ({}, {})", account.id, account.name, class.labels())
    }
}

/// Whether the account's tags could not be read: its role may then be other than the name
/// and OU suggest, so a probe that picks accounts by role must not leave it out silently.
pub(crate) fn tags_unreadable(view: &OrgView, account: &Account) -> bool {
    let tags = view.evidence.account_tags.get(&account.id);
    tags.is_some_and(|r| r.error().is_some())
}

/// The members `select` picks, and those it might have picked had their tags been readable.
pub(crate) fn pick<'a>(
    view: &OrgView<'a>,
    select: impl Fn(&OrgView, &Account) -> bool,
) -> (Vec<&'a Account>, Vec<&'a Account>) {
    let (picked, rest): (Vec<&Account>, Vec<&Account>) =
        view.members().partition(|a| select(view, a));
    let uncertain = rest
        .into_iter()
        .filter(|a| tags_unreadable(view, a))
        .collect();
    (picked, uncertain)
}

const TAGS_UNREADABLE: &str = "its tags could not be read, so its environment is not known";

/// The ARNs of an account's roles, for naming exempt roles; empty when IAM was not read.
pub(crate) fn role_arns(snapshot: &Snapshot, account: &str) -> Vec<String> {
    snapshot
        .account(account)
        .and_then(|a| a.iam.authorization.as_ref())
        .and_then(|r| r.value())
        .map(|d| d.roles.iter().map(|r| r.arn.clone()).collect())
        .unwrap_or_default()
}

const GUARDRAIL_REMEDIATION: &str = "Attach deny SCPs for these actions at the root or the \
    OUs above the accounts, exempting only named break-glass or pipeline roles.";

/// What one account showed for a list of requests.
enum Verdict {
    /// Every request is denied; the facts say how.
    Holds(Vec<String>),
    /// Some request is not denied; the facts say which.
    Open(Vec<String>),
    Unknown(String),
}

/// `guardrails.protect-audit-logging`: in every production account, the SCPs deny stopping,
/// deleting or reconfiguring CloudTrail, stopping or deleting Config recording, and deleting
/// or leaving GuardDuty.
pub fn protect_audit_logging(snapshot: &Snapshot) -> Outcome {
    let check = Check {
        id: PROTECT_AUDIT_LOGGING,
        which: "production",
        what: "stopping or deleting CloudTrail, Config and GuardDuty",
        actions: AUDIT_LOGGING_ACTIONS,
    };
    check.run(snapshot, |view, a| {
        view.classify(a).roles.contains(&Role::Production)
    })
}

/// `guardrails.no-iam-users`: creating IAM users and access keys is denied by SCP in every
/// member account.
pub fn no_iam_users(snapshot: &Snapshot) -> Outcome {
    let check = Check {
        id: NO_IAM_USERS,
        which: "member",
        what: "creating IAM users and access keys",
        actions: IAM_USER_ACTIONS,
    };
    check.run(snapshot, |_, _| true)
}

/// One guardrail: which actions must be denied, in which accounts.
struct Check {
    id: &'static str,
    /// "production", "member": how the summary names the accounts.
    which: &'static str,
    what: &'static str,
    actions: &'static [&'static str],
}

impl Check {
    fn run(&self, snapshot: &Snapshot, select: impl Fn(&OrgView, &Account) -> bool) -> Outcome {
        let scps = match scps(snapshot, self.id) {
            Ok(s) => s,
            Err(outcome) => return *outcome,
        };
        if let Some(outcome) = not_enabled(&scps, self.id) {
            return outcome;
        }
        let (accounts, uncertain) = pick(&scps.view, select);
        if accounts.is_empty() && uncertain.is_empty() {
            return self.no_accounts(&scps);
        }
        let mut verdicts: Vec<(&Account, Verdict)> = accounts
            .iter()
            .map(|a| (*a, self.account(snapshot, &scps, a)))
            .collect();
        let unknown = uncertain
            .into_iter()
            .map(|a| (a, Verdict::Unknown(TAGS_UNREADABLE.into())));
        verdicts.extend(unknown);
        self.outcome(&scps, verdicts)
    }

    fn account(&self, snapshot: &Snapshot, scps: &Scps, account: &Account) -> Verdict {
        let levels = match scps.levels(account) {
            Ok(l) => l,
            Err(why) => return Verdict::Unknown(why),
        };
        let roles = role_arns(snapshot, &account.id);
        let guards: Vec<(&str, Guard)> = self
            .actions
            .iter()
            .map(|action| (*action, guard(&levels, &Request::new(action), &roles)))
            .collect();
        let lines = grouped(&guards);
        if guards.iter().all(|(_, g)| g.holds()) {
            Verdict::Holds(lines)
        } else {
            Verdict::Open(lines)
        }
    }

    fn no_accounts(&self, scps: &Scps) -> Outcome {
        let (status, summary) = if scps.view.members().next().is_none() {
            (
                Status::NotApplicable,
                "The organization has no member accounts".to_string(),
            )
        } else {
            let s = format!("No {} account could be identified", self.which);
            (Status::Unknown, s)
        };
        Outcome::new(self.id, status, summary).with_remediation(
            "Tag accounts with Environment=production (or name their OU Production) so that \
            evident can tell which accounts to check.",
        )
    }

    fn outcome(&self, scps: &Scps, verdicts: Vec<(&Account, Verdict)>) -> Outcome {
        let total = verdicts.len();
        let (mut holding, mut open, mut unknown) = (0, Vec::new(), Vec::new());
        let mut facts = Vec::new();
        for (account, verdict) in verdicts {
            let label = scps.label(account);
            match verdict {
                Verdict::Holds(lines) => {
                    holding += 1;
                    facts.extend(
                        lines
                            .into_iter()
                            .map(|l| scps.fact(format!("{label}: {l}"))),
                    );
                }
                Verdict::Open(lines) => {
                    open.push(account.id.clone());
                    facts.extend(
                        lines
                            .into_iter()
                            .map(|l| scps.fact(format!("{label}: {l}"))),
                    );
                }
                Verdict::Unknown(why) => {
                    unknown.push(account.id.clone());
                    facts.push(scps.fact(format!("{label}: unknown: {why}")));
                }
            }
        }
        let status = match (open.is_empty(), unknown.is_empty(), holding) {
            (true, true, _) => Status::Pass,
            (true, false, _) => Status::Unknown,
            (false, _, 0) => Status::Fail,
            (false, _, _) => Status::Partial,
        };
        let summary = format!(
            "SCPs deny {} in {holding} of {total} {} account(s){}{}",
            self.what,
            self.which,
            count_clause(open.len(), "not fully"),
            count_clause(unknown.len(), "unknown in"),
        );
        let concerned = if open.is_empty() { unknown } else { open };
        let outcome = Outcome::new(self.id, status, summary)
            .with_facts(facts)
            .with_accounts(concerned)
            .with_value(holding as f64);
        if status == Status::Pass {
            outcome
        } else {
            outcome.with_remediation(GUARDRAIL_REMEDIATION)
        }
    }
}

fn count_clause(n: usize, what: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("; {what} {n}")
    }
}

/// One line per distinct answer: "cloudtrail:StopLogging, cloudtrail:DeleteTrail: denied …".
fn grouped(guards: &[(&str, Guard)]) -> Vec<String> {
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for (action, g) in guards {
        let text = g.describe();
        match lines.iter_mut().find(|(t, _)| *t == text) {
            Some((_, actions)) => actions.push(action),
            None => lines.push((text, vec![action])),
        }
    }
    lines
        .into_iter()
        .map(|(text, actions)| format!("{}: {text}", actions.join(", ")))
        .collect()
}

/// SCPs off (no guardrail at all) or unknowable, as an outcome.
fn not_enabled(scps: &Scps, id: &str) -> Option<Outcome> {
    match &scps.index.state {
        ScpState::Enabled => None,
        ScpState::NotEnabled(why) => Some(
            Outcome::new(id, Status::Fail, format!("SCPs restrict nothing: {why}"))
                .with_facts(vec![scps.fact(format!("SCPs are not in force: {why}"))])
                .with_remediation(GUARDRAIL_REMEDIATION),
        ),
        ScpState::Unknown(why) => Some(
            Outcome::new(
                id,
                Status::Unknown,
                format!("The SCPs could not be read: {why}"),
            )
            .with_facts(vec![scps.fact(why.clone())]),
        ),
    }
}

/// `guardrails.region-restriction`: in every non-production account, the SCPs leave
/// regional resources creatable only in some Regions. Reports the Regions found usable and
/// the actions exempt from the restriction (the global services).
pub fn region_restriction(snapshot: &Snapshot) -> Outcome {
    let id = REGION_RESTRICTION;
    let scps = match scps(snapshot, id) {
        Ok(s) => s,
        Err(outcome) => return *outcome,
    };
    if let Some(outcome) = not_enabled(&scps, id) {
        return outcome;
    }
    let (accounts, uncertain) = pick(&scps.view, is_non_production);
    if accounts.is_empty() && uncertain.is_empty() {
        let check = Check {
            id,
            which: "non-production",
            what: "",
            actions: &[],
        };
        return check.no_accounts(&scps);
    }
    let mut results: Vec<(&Account, Result<Regions, String>)> = accounts
        .iter()
        .map(|a| (*a, regions_of(snapshot, &scps, a)))
        .collect();
    results.extend(
        uncertain
            .into_iter()
            .map(|a| (a, Err(TAGS_UNREADABLE.to_string()))),
    );
    region_outcome(&scps, results)
}

fn is_non_production(view: &OrgView, account: &Account) -> bool {
    let roles = view.classify(account).roles;
    let non_prod = [
        Role::Staging,
        Role::Development,
        Role::Sandbox,
        Role::NonProduction,
    ];
    !roles.contains(&Role::Production) && roles.iter().any(|r| non_prod.contains(r))
}

/// What the SCPs leave open to one account.
struct Regions {
    usable: Vec<String>,
    checked: usize,
    exempt_actions: Vec<String>,
    exempt_principals: Vec<String>,
}

impl Regions {
    fn restricted(&self) -> bool {
        self.usable.len() < self.checked
    }
}

fn regions_of(snapshot: &Snapshot, scps: &Scps, account: &Account) -> Result<Regions, String> {
    let levels = scps.levels(account)?;
    let roles = role_arns(snapshot, &account.id);
    let candidates = candidate_regions(&levels);
    let mut exempt_principals = Vec::new();
    let mut usable = Vec::new();
    for region in &candidates {
        let mut open = false;
        for action in REGIONAL_ACTIONS {
            let g = guard(&levels, &Request::new(action).region(region), &roles);
            if let Guard::DeniedExcept { patterns, .. } = &g {
                exempt_principals.extend(patterns.iter().cloned());
            }
            open |= !g.holds();
        }
        if open {
            usable.push(region.clone());
        }
    }
    exempt_principals.sort();
    exempt_principals.dedup();
    Ok(Regions {
        usable,
        checked: candidates.len(),
        exempt_actions: exempt_actions(&levels),
        exempt_principals,
    })
}

const REGION_KEY: &str = "aws:requestedregion";

/// The known Regions plus any the SCPs name in an `aws:RequestedRegion` test.
fn candidate_regions(levels: &[crate::policy::Level]) -> Vec<String> {
    let mut regions: Vec<String> = KNOWN_REGIONS.iter().map(|r| r.to_string()).collect();
    for statement in statements(levels) {
        for c in &statement.conditions {
            if c.key.eq_ignore_ascii_case(REGION_KEY) {
                let named = c
                    .values
                    .iter()
                    .filter(|v| !v.contains(['*', '?', '$', '[']));
                regions.extend(named.cloned());
            }
        }
    }
    regions.sort();
    regions.dedup();
    regions
}

fn statements(levels: &[crate::policy::Level]) -> impl Iterator<Item = &crate::policy::Statement> {
    levels
        .iter()
        .flat_map(|l| &l.policies)
        .flat_map(|p| &p.document.statements)
}

/// Actions a Region restriction leaves alone: the `NotAction` of a Region Deny, or the
/// actions of an unconditional Allow next to a Region allow-list.
fn exempt_actions(levels: &[crate::policy::Level]) -> Vec<String> {
    use crate::policy::{Effect, Patterns};
    let on_region = |s: &crate::policy::Statement| {
        s.conditions
            .iter()
            .any(|c| c.key.eq_ignore_ascii_case(REGION_KEY))
    };
    let mut out = Vec::new();
    for level in levels {
        let statements: Vec<_> = level
            .policies
            .iter()
            .flat_map(|p| &p.document.statements)
            .collect();
        let allow_list = statements
            .iter()
            .any(|s| s.effect == Effect::Allow && on_region(s));
        for s in &statements {
            match (&s.effect, &s.actions) {
                (Effect::Deny, Patterns::AllBut(list)) if on_region(s) => out.extend(list.clone()),
                (Effect::Allow, Patterns::Only(list))
                    if allow_list && !on_region(s) && !list.iter().any(|a| a == "*") =>
                {
                    out.extend(list.clone())
                }
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn region_outcome(scps: &Scps, results: Vec<(&Account, Result<Regions, String>)>) -> Outcome {
    let id = REGION_RESTRICTION;
    let total = results.len();
    let (mut open, mut unknown, mut facts) = (Vec::new(), Vec::new(), Vec::new());
    let mut approved: Vec<String> = Vec::new();
    let mut exempt: Vec<String> = Vec::new();
    for (account, result) in results {
        let label = scps.label(account);
        match result {
            Err(why) => {
                unknown.push(account.id.clone());
                facts.push(scps.fact(format!("{label}: unknown: {why}")));
            }
            Ok(r) => {
                facts.push(scps.fact(region_fact(&label, &r)));
                if r.restricted() {
                    approved.extend(r.usable.iter().cloned());
                    exempt.extend(r.exempt_actions.iter().cloned());
                } else {
                    open.push(account.id.clone());
                }
            }
        }
    }
    approved.sort();
    approved.dedup();
    exempt.sort();
    exempt.dedup();
    let restricted = total - open.len() - unknown.len();
    let status = match (open.is_empty(), unknown.is_empty(), restricted) {
        (true, true, _) => Status::Pass,
        (true, false, _) => Status::Unknown,
        (false, _, 0) => Status::Fail,
        (false, _, _) => Status::Partial,
    };
    let summary = format!(
        "{restricted} of {total} non-production account(s) restricted to approved Regions \
        ({}); exempt global services: {}",
        list_or_none(&approved),
        list_or_none(&exempt)
    );
    let concerned = if open.is_empty() { unknown } else { open };
    let outcome = Outcome::new(id, status, summary)
        .with_facts(facts)
        .with_accounts(concerned)
        .with_regions(approved);
    if status == Status::Pass {
        outcome
    } else {
        outcome.with_remediation(
            "Attach a Region SCP to the non-production OUs: Deny with NotAction for the \
            global services and StringNotEquals aws:RequestedRegion for the approved Regions.",
        )
    }
}

fn region_fact(label: &str, r: &Regions) -> String {
    let mut text = if r.restricted() {
        format!(
            "{label}: regional resources can be created only in {} ({} Regions checked)",
            list_or_none(&r.usable),
            r.checked
        )
    } else {
        format!("{label}: regional resources can be created in every Region checked")
    };
    if !r.exempt_actions.is_empty() {
        text.push_str(&format!(
            "; exempt actions: {}",
            r.exempt_actions.join(", ")
        ));
    }
    if !r.exempt_principals.is_empty() {
        let who = r.exempt_principals.join(", ");
        text.push_str(&format!("; exempt principals: {who}"));
    }
    text
}

fn list_or_none(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::{Builder, FULL_ACCESS, MGMT, ROOT};
    use crate::snapshot::{AuthorizationDetails, IamRole};

    const PROD: &str = "222222222222";
    const DEV: &str = "444444444444";

    /// A production OU and a development OU, FullAWSAccess everywhere.
    fn org() -> Builder {
        Builder::organization()
            .ou("ou-prod", "Production", ROOT)
            .ou("ou-dev", "Development", ROOT)
            .account(PROD, "shop", "ou-prod")
            .account(DEV, "shop-dev", "ou-dev")
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, "ou-prod", "ou-dev", PROD, DEV, MGMT],
            )
    }

    const PROTECT: &str = r#"{"Statement":[{"Sid":"ProtectAuditLogging","Effect":"Deny",
        "Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail","cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors","config:Stop*","config:Delete*",
        "guardduty:DeleteDetector","guardduty:Disassociate*"],"Resource":"*",
        "Condition":{"ArnNotLike":{
        "aws:PrincipalARN":"arn:aws:iam::*:role/AWSControlTowerExecution"}}}]}"#;

    fn with_role(b: Builder, account: &str, name: &str) -> Builder {
        b.with_account(account, |a| {
            let details = AuthorizationDetails {
                roles: vec![IamRole {
                    name: name.into(),
                    arn: format!("arn:aws:iam::{account}:role/{name}"),
                    path: "/".into(),
                    created: None,
                    last_used: None,
                    attached_policies: Vec::new(),
                    inline_policies: Vec::new(),
                    permissions_boundary: None,
                    assume_role_policy: None,
                }],
                ..AuthorizationDetails::default()
            };
            if let Some(crate::snapshot::Fetch::Ok(d)) =
                a.iam.authorization.as_mut().map(|r| &mut r.result)
            {
                *d = details;
            }
        })
    }

    #[test]
    fn protect_audit_logging_passes_and_names_the_exempt_role() {
        let s = with_role(
            org().scp("p-protect", "ProtectAuditLogging", PROTECT, &["ou-prod"]),
            PROD,
            "AWSControlTowerExecution",
        )
        .build();
        let o = protect_audit_logging(&s);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert_eq!(
            o.summary,
            "SCPs deny stopping or deleting CloudTrail, Config and GuardDuty \
            in 1 of 1 production account(s)"
        );
        let fact = &o.facts[0].statement;
        assert!(
            fact.contains("arn:aws:iam::*:role/AWSControlTowerExecution"),
            "{fact}"
        );
        assert!(
            fact.contains(&format!("exempt roles here: arn:aws:iam::{PROD}:role/")),
            "{fact}"
        );
    }

    #[test]
    fn protect_audit_logging_fails_without_the_scp_and_names_the_account() {
        let o = protect_audit_logging(&org().build());
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.accounts, [PROD]);
        assert!(
            o.facts[0].statement.contains("not denied by any SCP"),
            "{:?}",
            o.facts
        );
    }

    #[test]
    fn a_trail_scoped_deny_does_not_protect_audit_logging() {
        let scoped = r#"{"Statement":[{"Effect":"Deny","Action":"cloudtrail:*",
            "Resource":"arn:aws:cloudtrail:*:*:trail/aws-controltower-BaselineCloudTrail"}]}"#;
        let s = org()
            .scp("p-protect", "ProtectAuditLogging", PROTECT, &["ou-prod"])
            .scp("p-trail", "TrailOnly", scoped, &[ROOT])
            .build();
        assert_eq!(protect_audit_logging(&s).status, Status::Pass);
        let only_scoped = org().scp("p-trail", "TrailOnly", scoped, &[ROOT]).build();
        let o = protect_audit_logging(&only_scoped);
        assert_eq!(o.status, Status::Fail);
        let text: Vec<&str> = o.facts.iter().map(|f| f.statement.as_str()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("denied for trail aws-controltower-BaselineCloudTrail only")),
            "{text:?}"
        );
    }

    #[test]
    fn an_unparseable_scp_on_the_path_is_unknown_not_pass() {
        let s = org()
            .scp("p-protect", "ProtectAuditLogging", PROTECT, &["ou-prod"])
            .scp("p-bad", "Broken", "{\"Statement\": [,]}", &[PROD])
            .build();
        let o = protect_audit_logging(&s);
        assert_eq!(o.status, Status::Unknown);
        assert!(
            o.facts[0].statement.contains("does not parse"),
            "{:?}",
            o.facts
        );
    }

    #[test]
    fn no_production_account_is_unknown() {
        let s = Builder::organization()
            .account(DEV, "shop-dev", ROOT)
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, DEV, MGMT],
            )
            .build();
        assert_eq!(protect_audit_logging(&s).status, Status::Unknown);
    }

    #[test]
    fn an_account_whose_tags_are_unreadable_is_unknown_not_left_out() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":["iam:CreateUser",
            "iam:CreateAccessKey"],"Resource":"*"}]}"#;
        let mut s = org().scp("p-nousers", "NoIamUsers", deny, &[ROOT]).build();
        s.organization.account_tags.insert(
            DEV.into(),
            crate::probes::fixture::err(
                "organizations",
                "ListTagsForResource",
                MGMT,
                "AccessDenied",
                crate::snapshot::ErrorKind::AccessDenied,
            ),
        );
        // "shop-dev" under "Development" is not production by name or OU, but its tag
        // might have said so.
        let o = protect_audit_logging(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o
            .facts
            .iter()
            .any(|f| f.statement.contains("tags could not be read")));
        let pass = org()
            .scp("p-protect", "ProtectAuditLogging", PROTECT, &[ROOT])
            .build();
        let mut pass = pass;
        pass.organization.account_tags = s.organization.account_tags.clone();
        assert_eq!(protect_audit_logging(&pass).status, Status::Unknown);
    }

    #[test]
    fn a_standalone_account_has_no_guardrails() {
        let s = Builder::standalone("999999999999").build();
        assert_eq!(no_iam_users(&s).status, Status::Fail);
    }

    #[test]
    fn no_iam_users_is_partial_when_one_member_escapes() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":["iam:CreateUser",
            "iam:CreateAccessKey"],"Resource":"*"}]}"#;
        let s = org()
            .scp("p-nousers", "NoIamUsers", deny, &["ou-prod"])
            .build();
        let o = no_iam_users(&s);
        assert_eq!(o.status, Status::Partial);
        assert_eq!(o.accounts, [DEV]);
        let everywhere = org().scp("p-nousers", "NoIamUsers", deny, &[ROOT]).build();
        assert_eq!(no_iam_users(&everywhere).status, Status::Pass);
    }

    #[test]
    fn no_iam_users_fails_when_scps_are_not_enabled() {
        let mut s = org().build();
        if let Some(crate::snapshot::Fetch::Ok(roots)) =
            s.organization.roots.as_mut().map(|r| &mut r.result)
        {
            roots[0].policy_types.clear();
        }
        let o = no_iam_users(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o.summary.contains("not enabled"), "{}", o.summary);
    }

    /// Case 11's SCP (NotAction list shortened as in the case).
    const DENY_OUTSIDE_EU: &str = r#"{"Statement":[{"Sid":"DenyAllOutsideEU","Effect":"Deny",
        "NotAction":["cloudfront:*","iam:*","organizations:*","route53:*","sts:*","support:*"],
        "Resource":"*","Condition":{
        "StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]},
        "ArnNotLike":{"aws:PrincipalARN":["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"]}}}]}"#;

    #[test]
    fn case_11_region_deny_reports_approved_regions_exempt_services_and_principals() {
        let s = org()
            .scp("p-eu", "DenyAllOutsideEU", DENY_OUTSIDE_EU, &["ou-dev"])
            .build();
        let o = region_restriction(&s);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert_eq!(o.regions, ["eu-central-1", "eu-west-1"]);
        assert!(
            o.summary
                .contains("exempt global services: cloudfront:*, iam:*"),
            "{}",
            o.summary
        );
        let fact = &o.facts[0].statement;
        assert!(fact.contains("Role1AllowedToBypassThisSCP"), "{fact}");
    }

    #[test]
    fn case_12_region_allow_list_is_a_restriction_too() {
        let allow = r#"{"Statement":[{"Sid":"AllowApprovedRegions","Effect":"Allow","Action":"*",
            "Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":
            ["eu-west-1","eu-central-1"]}}},{"Sid":"AllowGlobalServicesAnywhere","Effect":"Allow",
            "Action":["iam:*","organizations:*","sts:*","support:*","route53:*","cloudfront:*"],
            "Resource":"*"}]}"#;
        let s = Builder::organization()
            .ou("ou-dev", "Development", ROOT)
            .account(DEV, "shop-dev", "ou-dev")
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, DEV, MGMT],
            )
            .scp("p-regionallow01", "RegionAllow", allow, &["ou-dev"])
            .build();
        let o = region_restriction(&s);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert_eq!(o.regions, ["eu-central-1", "eu-west-1"]);
        assert!(o.summary.contains("iam:*"), "{}", o.summary);
    }

    #[test]
    fn case_12_full_access_next_to_the_allow_list_restricts_nothing() {
        let allow = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1"]}}}}"#;
        let s = org()
            .scp("p-regionallow01", "RegionAllow", allow, &["ou-dev"])
            .build();
        let o = region_restriction(&s);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.accounts, [DEV]);
    }
}
