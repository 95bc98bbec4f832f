//! Who can reach what, evaluated principal by principal: every user and role of an account is
//! run through its identity policies, permission boundary, the SCP path of its account and,
//! where the target is a bucket, the bucket policy ([`crate::policy::who_can`]).
//!
//! Two probes rest on it. `identity.who-can-destroy-data` lists the principals of production
//! accounts that may delete databases, tables, buckets or backups. `trail.logs-unreachable-
//! from-workloads` asks whether any principal of a workload account may delete or overwrite
//! the audit log objects. S3 ARNs carry no account, so the evaluator cannot tell a
//! cross-account request from a same-account one; this module does, and for a bucket in
//! another account requires the bucket policy to grant the request as well (AWS's
//! cross-account rule).

use crate::policy::eval::statement_name;
use crate::policy::{
    evaluate, parse, principals, who_can, Decision, Grant, Level, NamedPolicy, PolicySet,
    PrincipalKind, Principals, Request, ScpState, Setting, WhoCan,
};
use crate::snapshot::{AuthorizationDetails, BucketEvidence, Record, Snapshot};

use super::guardrails::{scps, tags_unreadable, Scps};
use super::scope::{Role, ACCOUNTS_FILE, TRAIL_FILE};
use super::{Fact, Outcome, Status};

pub const WHO_CAN_DESTROY_DATA: &str = "identity.who-can-destroy-data";
pub const LOGS_UNREACHABLE: &str = "trail.logs-unreachable-from-workloads";

/// Count on `identity.who-can-destroy-data`: principals of production accounts allowed (or
/// allowed under conditions) at least one of [`DESTROY_ACTIONS`].
pub const COUNT_DATA_DESTROYERS: &str = "principals_can_destroy_production_data";
/// Count on `trail.logs-unreachable-from-workloads`: principals outside the audit and log
/// archive accounts that may delete or overwrite the audit log objects.
pub const COUNT_LOG_TAMPERERS: &str = "principals_can_delete_audit_logs";

/// Deleting databases, tables, buckets and backups.
pub const DESTROY_ACTIONS: &[&str] = &[
    "rds:DeleteDBInstance",
    "rds:DeleteDBCluster",
    "dynamodb:DeleteTable",
    "s3:DeleteBucket",
    "backup:DeleteRecoveryPoint",
    "backup:DeleteBackupVault",
];

/// Deleting or overwriting a log object (a new version of the key, or a delete marker, for
/// a versioned bucket; the object itself otherwise).
pub const LOG_OBJECT_ACTIONS: &[&str] =
    &["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"];

/// An account to evaluate: its id, whether SCPs bind it, and its SCP path.
struct Target<'a> {
    id: String,
    label: String,
    management: bool,
    levels: Vec<Level>,
    details: &'a AuthorizationDetails,
    org_id: Option<String>,
}

/// What [`targets`] returns: the accounts ready to evaluate, and (account, why) for the
/// others.
type Prepared<'a> = (Vec<Target<'a>>, Vec<(String, Fact)>);

/// The accounts `select` picks, prepared for evaluation, and the facts of those that
/// cannot be (IAM or SCPs unreadable). An account `select` leaves out but whose tags could
/// not be read might belong: it is a gap when `uncertain_is_gap`, else evaluated anyway.
fn targets<'a>(
    snapshot: &'a Snapshot,
    scps: Option<&Scps<'a>>,
    select: impl Fn(&Scps, &crate::snapshot::Account) -> bool,
    uncertain_is_gap: bool,
) -> Prepared<'a> {
    let Some(scps) = scps else {
        return standalone_target(snapshot);
    };
    let (mut ready, mut gaps) = (Vec::new(), Vec::new());
    let uncertain = |a: &crate::snapshot::Account| {
        a.id != scps.view.management && tags_unreadable(&scps.view, a)
    };
    for account in scps.view.active.iter().copied() {
        let picked = select(scps, account);
        if !picked && !uncertain(account) {
            continue;
        }
        if !picked && uncertain_is_gap {
            let why = format!("account {}: its tags could not be read", account.id);
            gaps.push((account.id.clone(), scps.fact(why)));
            continue;
        }
        match org_target(snapshot, scps, account) {
            Ok(target) => ready.push(target),
            Err(fact) => gaps.push((account.id.clone(), *fact)),
        }
    }
    (ready, gaps)
}

/// A standalone account: no SCPs, every principal its own.
fn standalone_target(snapshot: &Snapshot) -> Prepared<'_> {
    let (mut ready, mut gaps) = (Vec::new(), Vec::new());
    if let Some(a) = snapshot.accounts.first() {
        match details(snapshot, &a.account_id) {
            Ok(details) => ready.push(Target {
                id: a.account_id.clone(),
                label: a.account_id.clone(),
                management: false,
                levels: Vec::new(),
                details,
                org_id: None,
            }),
            Err(fact) => gaps.push((a.account_id.clone(), *fact)),
        }
    }
    (ready, gaps)
}

/// One organization account with its SCP path and IAM, or why it cannot be evaluated.
fn org_target<'a>(
    snapshot: &'a Snapshot,
    scps: &Scps,
    account: &crate::snapshot::Account,
) -> Result<Target<'a>, Box<Fact>> {
    let management = account.id == scps.view.management;
    let levels = match (&scps.index.state, management) {
        (ScpState::Enabled, false) => scps.levels(account),
        (ScpState::Unknown(why), false) => Err(why.clone()),
        _ => Ok(Vec::new()),
    };
    let levels =
        levels.map_err(|why| Box::new(scps.fact(format!("SCPs of {}: {why}", account.id))))?;
    Ok(Target {
        id: account.id.clone(),
        label: scps.label(account),
        management,
        levels,
        details: details(snapshot, &account.id)?,
        org_id: Some(scps.view.id.clone()),
    })
}

/// An account's authorization details, or the fact saying why they are missing.
fn details<'a>(
    snapshot: &'a Snapshot,
    account: &str,
) -> Result<&'a AuthorizationDetails, Box<Fact>> {
    let evidence = snapshot
        .account(account)
        .filter(|a| a.session.error().is_none());
    let record = evidence.and_then(|e| e.iam.authorization.as_ref());
    match record.map(|r| (r, r.value())) {
        Some((_, Some(details))) => Ok(details),
        Some((r, None)) => Err(Box::new(Fact::new(
            format!("GetAccountAuthorizationDetails failed in {account}: principals unknown"),
            &r.source,
            ACCOUNTS_FILE,
        ))),
        None => {
            let gap = super::scope::session_gap(snapshot, account);
            let fact = gap.unwrap_or_else(|| {
                Fact::derived(format!("IAM of account {account} was not collected"))
            });
            Err(Box::new(fact))
        }
    }
}

fn setting<'a>(t: &'a Target, resource_policy: Option<&'a NamedPolicy>) -> Setting<'a> {
    Setting {
        levels: &t.levels,
        management_account: t.management,
        resource_policy,
        context: t
            .org_id
            .iter()
            .map(|o| ("aws:PrincipalOrgID".to_string(), o.clone()))
            .collect(),
    }
}

/// `identity.who-can-destroy-data`: the principals of production accounts that may delete
/// databases, tables, buckets or backups, counted and listed with the grant. Fails when an
/// IAM user (a long-lived credential) is among them.
pub fn who_can_destroy_data(snapshot: &Snapshot) -> Outcome {
    let id = WHO_CAN_DESTROY_DATA;
    let org = match scps(snapshot, id) {
        Ok(s) => Some(s),
        Err(o) if o.status == Status::Unknown => return *o,
        Err(_) => None,
    };
    let is_prod = |s: &Scps, a: &crate::snapshot::Account| {
        s.view.classify(a).roles.contains(&Role::Production)
    };
    let (ready, gaps) = targets(snapshot, org.as_ref(), is_prod, true);
    if ready.is_empty() && gaps.is_empty() {
        return Outcome::new(
            id,
            Status::Unknown,
            "No production account could be identified",
        )
        .with_remediation("Tag production accounts with Environment=production.");
    }
    let mut facts: Vec<Fact> = gaps.iter().map(|(_, f)| f.clone()).collect();
    let (mut users, mut total, mut user_accounts) = (0, 0, Vec::new());
    for t in &ready {
        let found = destroyers(t);
        for (grant, actions) in &found {
            facts.push(destroyer_fact(snapshot, t, grant, actions));
        }
        let n_users = found
            .iter()
            .filter(|(g, _)| g.kind == PrincipalKind::User)
            .count();
        if n_users > 0 {
            user_accounts.push(t.id.clone());
        }
        users += n_users;
        total += found.len();
    }
    destroy_outcome(ready.len(), gaps, facts, (total, users), user_accounts)
}

/// Each principal of the account that may perform some destroy action, with those actions.
fn destroyers(t: &Target) -> Vec<(Grant, Vec<String>)> {
    let principals = principals::gather(t.details);
    let setting = setting(t, None);
    let mut out: Vec<(Grant, Vec<String>)> = Vec::new();
    for action in DESTROY_ACTIONS {
        let answer: WhoCan = who_can(&principals, &setting, &Request::new(action));
        for grant in answer.allowed {
            match out.iter_mut().find(|(g, _)| g.principal == grant.principal) {
                Some((_, actions)) => actions.push(action.to_string()),
                None => out.push((grant, vec![action.to_string()])),
            }
        }
    }
    out
}

fn destroyer_fact(snapshot: &Snapshot, t: &Target, grant: &Grant, actions: &[String]) -> Fact {
    let how = if grant.conditional {
        format!(", under conditions: {}", grant.conditions.join("; "))
    } else {
        String::new()
    };
    let statement = format!(
        "{}: {} may {} (granted by {}){how}",
        t.label,
        grant.principal,
        actions.join(", "),
        grant.path.join("; ")
    );
    let source = snapshot
        .account(&t.id)
        .and_then(|a| a.iam.authorization.as_ref())
        .map(|r: &Record<AuthorizationDetails>| r.source.clone());
    Fact {
        statement,
        source,
        file: Some(ACCOUNTS_FILE.into()),
    }
}

fn destroy_outcome(
    accounts: usize,
    gaps: Vec<(String, Fact)>,
    facts: Vec<Fact>,
    (total, users): (usize, usize),
    user_accounts: Vec<String>,
) -> Outcome {
    let id = WHO_CAN_DESTROY_DATA;
    let summary = format!(
        "{total} principal(s) ({users} IAM user(s)) can delete databases, tables, buckets or \
        backups in {accounts} production account(s)"
    );
    if users > 0 {
        let outcome = Outcome::new(id, Status::Fail, summary);
        let outcome = if gaps.is_empty() {
            outcome.with_count(COUNT_DATA_DESTROYERS, total)
        } else {
            outcome
        };
        return outcome
            .with_facts(facts)
            .with_accounts(user_accounts)
            .with_value(total as f64)
            .with_remediation(
                "Remove destructive data permissions from IAM users; grant them to roles \
                assumed through IAM Identity Center, and deny them by SCP outside a \
                break-glass role.",
            );
    }
    if !gaps.is_empty() {
        let summary = format!(
            "{summary}; {} production account(s) could not be read",
            gaps.len()
        );
        let accounts = gaps.into_iter().map(|(a, _)| a).collect();
        return Outcome::new(id, Status::Unknown, summary)
            .with_facts(facts)
            .with_accounts(accounts)
            .with_remediation(
                "Grant the collector iam:GetAccountAuthorizationDetails in every account.",
            );
    }
    Outcome::new(id, Status::Pass, summary)
        .with_facts(facts)
        .with_value(total as f64)
        .with_count(COUNT_DATA_DESTROYERS, total)
}

/// `trail.logs-unreachable-from-workloads`: no principal outside the audit and log archive
/// accounts (workload accounts and the management account) may delete or overwrite the
/// CloudTrail log objects, because of the bucket policy, Object Lock in compliance mode, or
/// the SCPs.
pub fn logs_unreachable(snapshot: &Snapshot) -> Outcome {
    let id = LOGS_UNREACHABLE;
    let org = match scps(snapshot, id) {
        Ok(s) => Some(s),
        Err(o) if o.status == Status::Unknown => return *o,
        Err(_) => None,
    };
    let buckets = &snapshot.cloudtrail.buckets;
    if buckets.is_empty() {
        return Outcome::new(id, Status::Unknown, "No CloudTrail log bucket was found")
            .with_remediation("Log to an S3 bucket in a dedicated log archive account.");
    }
    // Every account but the audit and log archive accounts: the management account counts
    // too, since its principals are the privileged users an auditor asks about (and it often
    // still holds workloads and IAM users during a migration).
    let is_workload = |s: &Scps, a: &crate::snapshot::Account| !s.view.classify(a).is_security();
    let (ready, mut gaps) = targets(snapshot, org.as_ref(), is_workload, false);
    // An account whose IAM is unreadable matters only where a bucket could let it in.
    gaps.retain(|(account, _)| buckets.iter().any(|b| could_reach(b, account)));
    let mut results = Vec::new();
    for bucket in buckets {
        results.push(bucket_reach(bucket, &ready));
    }
    reach_outcome(results, gaps)
}

/// What one bucket showed.
enum Reach {
    /// Nobody in a workload account can; why.
    Unreachable(Vec<Fact>),
    /// These principals can.
    Reachable(Vec<Fact>),
    Unknown(Fact),
}

fn bucket_reach(bucket: &BucketEvidence, ready: &[Target]) -> Reach {
    if let Some(fact) = locked(bucket) {
        return Reach::Unreachable(vec![fact]);
    }
    let policy = match bucket_policy(bucket) {
        Ok(p) => p,
        Err(fact) => return Reach::Unknown(*fact),
    };
    let mut reachable = Vec::new();
    for t in ready {
        for (grant, actions) in reachers(bucket, policy.as_ref(), t) {
            let how = if grant.conditional {
                " under conditions"
            } else {
                ""
            };
            reachable.push(Fact::derived(format!(
                "{}: {} may {} on s3://{}{how} (granted by {})",
                t.label,
                grant.principal,
                actions.join(", "),
                bucket.name,
                grant.path.join("; ")
            )));
        }
    }
    if reachable.is_empty() {
        let why = format!(
            "bucket {}: no principal of the {} workload account(s) evaluated may delete or \
            overwrite log objects (bucket policy, SCPs and identity policies)",
            bucket.name,
            ready.len()
        );
        return Reach::Unreachable(vec![Fact::derived(why)]);
    }
    Reach::Reachable(reachable)
}

/// Whether principals of `account` might reach the bucket's logs at all: it owns the bucket,
/// or the bucket is unlocked and its policy is unknown or grants the account something.
fn could_reach(bucket: &BucketEvidence, account: &str) -> bool {
    if locked(bucket).is_some() {
        return false;
    }
    if bucket.owner_account.as_deref() == Some(account) {
        return true;
    }
    match bucket_policy(bucket) {
        Ok(Some(policy)) => grants_account(&policy, account),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// Object Lock in compliance mode with a default retention: no one, root included, can
/// delete or overwrite a locked version before it expires.
fn locked(bucket: &BucketEvidence) -> Option<Fact> {
    let record = bucket.object_lock.as_ref()?;
    let lock = record.value()?;
    let retained = lock.days.is_some() || lock.years.is_some();
    if !(lock.enabled && retained && lock.mode.as_deref() == Some("COMPLIANCE")) {
        return None;
    }
    Some(Fact::new(
        format!(
            "bucket {}: Object Lock in COMPLIANCE mode ({} days, {} years): log versions cannot \
            be deleted or overwritten by anyone during retention",
            bucket.name,
            lock.days.unwrap_or(0),
            lock.years.unwrap_or(0)
        ),
        &record.source,
        TRAIL_FILE,
    ))
}

/// The bucket policy: `None` when the bucket has none.
fn bucket_policy(bucket: &BucketEvidence) -> Result<Option<NamedPolicy>, Box<Fact>> {
    let Some(record) = &bucket.policy else {
        let why = format!("bucket {}: its policy was not collected", bucket.name);
        return Err(Box::new(Fact::derived(why)));
    };
    let text = match &record.result {
        crate::snapshot::Fetch::Ok(text) => text,
        crate::snapshot::Fetch::Err(e) => {
            let why = format!(
                "bucket {}: GetBucketPolicy failed ({})",
                bucket.name, e.code
            );
            return Err(Box::new(Fact::new(why, &record.source, TRAIL_FILE)));
        }
    };
    let Some(text) = text else { return Ok(None) };
    let document = parse(text).map_err(|e| {
        let why = format!("bucket {}: the policy does not parse: {e}", bucket.name);
        Box::new(Fact::new(why, &record.source, TRAIL_FILE))
    })?;
    let name = format!("bucket policy of {}", bucket.name);
    Ok(Some(NamedPolicy { name, document }))
}

/// The principals of `t` that may delete or overwrite a log object of the bucket.
fn reachers(
    bucket: &BucketEvidence,
    policy: Option<&NamedPolicy>,
    t: &Target,
) -> Vec<(Grant, Vec<String>)> {
    let same_account = bucket.owner_account.as_deref() == Some(t.id.as_str());
    if !same_account && policy.is_none_or(|p| !grants_account(p, &t.id)) {
        // Across accounts the bucket policy must grant too, and it names no one here.
        return Vec::new();
    }
    let object = format!(
        "arn:aws:s3:::{}/AWSLogs/{}/CloudTrail/log.json.gz",
        bucket.name, t.id
    );
    let principals = principals::gather(t.details);
    // Within the account either policy may grant; across accounts the identity side (with
    // the SCPs) and the bucket policy must each grant, so they are evaluated apart.
    let setting = setting(t, policy.filter(|_| same_account));
    let mut out: Vec<(Grant, Vec<String>)> = Vec::new();
    for action in LOG_OBJECT_ACTIONS {
        let request = Request::new(action).resource(&object);
        for mut grant in who_can(&principals, &setting, &request).allowed {
            if !same_account {
                match resource_grants(policy, &grant, &request) {
                    Some(by) => grant.path.extend(by),
                    None => continue,
                }
            }
            match out.iter_mut().find(|(g, _)| g.principal == grant.principal) {
                Some((_, actions)) => actions.push(action.to_string()),
                None => out.push((grant, vec![action.to_string()])),
            }
        }
    }
    out
}

/// Whether some Allow of the policy names `*`, the account, or a principal of it.
fn grants_account(policy: &NamedPolicy, account: &str) -> bool {
    policy.document.statements.iter().any(|s| {
        s.effect == crate::policy::Effect::Allow
            && match &s.principals {
                Some(Principals::Only(list)) => list
                    .iter()
                    .any(|p| p.kind == "AWS" && (p.value == "*" || p.value.contains(account))),
                Some(Principals::AllBut(_)) => true,
                None => false,
            }
    })
}

/// Across accounts: does the bucket policy on its own let this principal through? The
/// statements that do, if so.
fn resource_grants(
    policy: Option<&NamedPolicy>,
    grant: &Grant,
    request: &Request,
) -> Option<Vec<String>> {
    let policy = policy?;
    let set = PolicySet {
        resource_policy: Some(policy.clone()),
        ..PolicySet::default()
    };
    let e = evaluate(&set, &request.clone().principal(&grant.principal));
    let through = match e.decision {
        Decision::Allowed => true,
        Decision::ExplicitDeny => e.conditional,
        Decision::ImplicitDeny => e.conditional_allow,
    };
    through.then(|| e.deciding.iter().map(statement_name).collect())
}

fn reach_outcome(results: Vec<Reach>, gaps: Vec<(String, Fact)>) -> Outcome {
    let id = LOGS_UNREACHABLE;
    let (mut facts, mut reachable, mut unknown) = (Vec::new(), 0, gaps.len());
    for r in results {
        match r {
            Reach::Unreachable(f) => facts.extend(f),
            Reach::Reachable(f) => {
                reachable += f.len();
                facts.extend(f);
            }
            Reach::Unknown(f) => {
                unknown += 1;
                facts.push(f);
            }
        }
    }
    let unread: Vec<String> = gaps.iter().map(|(a, _)| a.clone()).collect();
    facts.extend(gaps.into_iter().map(|(_, f)| f));
    if reachable > 0 {
        let summary = format!(
            "{reachable} principal(s) outside the audit and log archive accounts can delete or \
             overwrite audit logs"
        );
        return Outcome::new(id, Status::Fail, summary)
            .with_facts(facts)
            .with_value(reachable as f64)
            .with_count(COUNT_LOG_TAMPERERS, reachable)
            .with_remediation(
                "Keep the log archive bucket in its own account, grant workload accounts \
                nothing in its bucket policy, and enable Object Lock in compliance mode.",
            );
    }
    if unknown > 0 {
        let summary = "Whether workload accounts can reach the audit logs could not be fully \
            determined";
        return Outcome::new(id, Status::Unknown, summary)
            .with_facts(facts)
            .with_accounts(unread);
    }
    let summary = "No principal outside the audit and log archive accounts can delete or \
                   overwrite the audit logs";
    Outcome::new(id, Status::Pass, summary)
        .with_facts(facts)
        .with_value(0.0)
        .with_count(COUNT_LOG_TAMPERERS, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::{err, ok, Builder, FULL_ACCESS, MGMT, ROOT};
    use crate::snapshot::{
        AttachedPolicy, ErrorKind, Fetch, IamRole, IamUser, InlinePolicy, ManagedPolicy, ObjectLock,
    };

    const PROD: &str = "222222222222";
    const LOGS: &str = "333333333333";
    const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn role(account: &str, name: &str, managed: &[&str]) -> IamRole {
        IamRole {
            name: name.into(),
            arn: format!("arn:aws:iam::{account}:role/{name}"),
            path: "/".into(),
            created: None,
            last_used: None,
            attached_policies: managed
                .iter()
                .map(|arn| AttachedPolicy {
                    name: arn.rsplit('/').next().unwrap_or("").into(),
                    arn: arn.to_string(),
                })
                .collect(),
            inline_policies: Vec::new(),
            permissions_boundary: None,
            assume_role_policy: None,
        }
    }

    /// `dba` (a user allowed to delete RDS instances) and `admin` (a role with
    /// AdministratorAccess) in `account`.
    fn iam(account: &str) -> AuthorizationDetails {
        AuthorizationDetails {
            users: vec![IamUser {
                name: "dba".into(),
                arn: format!("arn:aws:iam::{account}:user/dba"),
                created: None,
                groups: Vec::new(),
                attached_policies: Vec::new(),
                inline_policies: vec![InlinePolicy {
                    name: "rds".into(),
                    document: r#"{"Statement":{"Effect":"Allow","Action":"rds:Delete*",
                        "Resource":"*"}}"#
                        .into(),
                }],
                permissions_boundary: None,
            }],
            groups: Vec::new(),
            roles: vec![role(account, "admin", &[ADMIN_ARN])],
            policies: vec![ManagedPolicy {
                name: "AdministratorAccess".into(),
                arn: ADMIN_ARN.into(),
                default_document: Some(FULL_ACCESS.into()),
            }],
        }
    }

    fn set_iam(b: Builder, account: &str, details: AuthorizationDetails) -> Builder {
        b.with_account(account, |a| {
            a.iam.authorization = Some(ok(
                "iam",
                "GetAccountAuthorizationDetails",
                account,
                details,
            ))
        })
    }

    fn org(extra_scps: &[(&str, &str)]) -> Builder {
        let mut b = Builder::organization()
            .ou("ou-prod", "Production", ROOT)
            .ou("ou-sec", "Security", ROOT)
            .account(PROD, "shop-prod", "ou-prod")
            .account(LOGS, "log-archive", "ou-sec")
            .scp(
                "p-FullAWSAccess",
                "FullAWSAccess",
                FULL_ACCESS,
                &[ROOT, "ou-prod", "ou-sec", PROD, LOGS, MGMT],
            );
        for (i, (content, target)) in extra_scps.iter().enumerate() {
            b = b.scp(&format!("p-{i}"), &format!("scp{i}"), content, &[target]);
        }
        set_iam(b, PROD, iam(PROD))
    }

    #[test]
    fn a_user_who_can_delete_the_production_database_fails() {
        let o = who_can_destroy_data(&org(&[]).build());
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert_eq!(o.value, Some(2.0));
        assert_eq!(o.accounts, [PROD]);
        let dba = &o.facts[0].statement;
        assert!(
            dba.contains("user/dba may rds:DeleteDBInstance, rds:DeleteDBCluster"),
            "{dba}"
        );
        assert!(
            dba.contains("statement 0 in inline rds (identity policy)"),
            "{dba}"
        );
        assert!(o.facts[1]
            .statement
            .contains("role/admin may rds:DeleteDBInstance"));
    }

    #[test]
    fn an_scp_that_denies_deletion_except_break_glass_leaves_no_one() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":["rds:Delete*","dynamodb:DeleteTable",
            "s3:DeleteBucket","backup:Delete*"],"Resource":"*",
            "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}}}]}"#;
        let o = who_can_destroy_data(&org(&[(deny, "ou-prod")]).build());
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert_eq!(o.counts[COUNT_DATA_DESTROYERS], 0);
    }

    #[test]
    fn unreadable_iam_in_production_is_unknown() {
        let b = org(&[]).with_account(PROD, |a| {
            a.iam.authorization = Some(err(
                "iam",
                "GetAccountAuthorizationDetails",
                PROD,
                "AccessDenied",
                ErrorKind::AccessDenied,
            ))
        });
        let o = who_can_destroy_data(&b.build());
        assert_eq!(o.status, Status::Unknown);
        assert!(o.counts.is_empty());
    }

    fn bucket(policy: Option<&str>, lock: Option<ObjectLock>) -> BucketEvidence {
        BucketEvidence {
            name: "org-trail-logs".into(),
            owner_account: Some(LOGS.into()),
            object_lock: lock.map(|l| ok("s3", "GetObjectLockConfiguration", LOGS, l)),
            versioning: None,
            lifecycle_rules: None,
            policy: Some(ok("s3", "GetBucketPolicy", LOGS, policy.map(String::from))),
            public_access_block: None,
            encryption: None,
        }
    }

    fn with_bucket(b: Builder, bucket: BucketEvidence) -> Snapshot {
        let mut s = b.build();
        s.cloudtrail.buckets.push(bucket);
        s
    }

    /// A bucket policy that lets the production account write and delete logs.
    const GRANTS_PROD: &str = r#"{"Statement":[{"Sid":"CloudTrailWrite","Effect":"Allow",
        "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
        "Resource":"arn:aws:s3:::org-trail-logs/*"},
        {"Sid":"ProdTeam","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
        "Action":["s3:DeleteObject","s3:PutObject"],"Resource":"arn:aws:s3:::org-trail-logs/*"}]}"#;

    #[test]
    fn a_log_bucket_in_another_account_with_no_grant_is_unreachable() {
        let service_only = r#"{"Statement":[{"Effect":"Allow",
            "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
            "Resource":"arn:aws:s3:::org-trail-logs/*"}]}"#;
        let o = logs_unreachable(&with_bucket(org(&[]), bucket(Some(service_only), None)));
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        let none = logs_unreachable(&with_bucket(org(&[]), bucket(None, None)));
        assert_eq!(none.status, Status::Pass);
    }

    #[test]
    fn a_bucket_policy_granting_the_workload_account_lets_its_admin_in() {
        let o = logs_unreachable(&with_bucket(org(&[]), bucket(Some(GRANTS_PROD), None)));
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        let text: Vec<&str> = o.facts.iter().map(|f| f.statement.as_str()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("role/admin may s3:DeleteObject, s3:PutObject")),
            "{text:?}"
        );
        // The user holds no S3 permission of its own: the bucket grant alone is not enough
        // across accounts.
        assert!(!text.iter().any(|t| t.contains("user/dba")), "{text:?}");
        assert!(
            text[0].contains("ProdTeam in bucket policy of org-trail-logs"),
            "{text:?}"
        );
    }

    #[test]
    fn compliance_object_lock_or_an_scp_keeps_the_workload_out() {
        let lock = ObjectLock {
            enabled: true,
            mode: Some("COMPLIANCE".into()),
            days: Some(365),
            years: None,
        };
        let o = logs_unreachable(&with_bucket(
            org(&[]),
            bucket(Some(GRANTS_PROD), Some(lock)),
        ));
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert!(o.facts[0].statement.contains("COMPLIANCE"));

        let deny = r#"{"Statement":[{"Effect":"Deny","Action":["s3:DeleteObject*","s3:PutObject"],
            "Resource":"arn:aws:s3:::org-trail-logs/*"}]}"#;
        let scp = org(&[(deny, "ou-prod")]);
        let o = logs_unreachable(&with_bucket(scp, bucket(Some(GRANTS_PROD), None)));
        assert_eq!(o.status, Status::Pass, "{o:#?}");
    }

    #[test]
    fn an_unreadable_bucket_policy_is_unknown() {
        let mut b = bucket(None, None);
        b.policy = Some(err(
            "s3",
            "GetBucketPolicy",
            LOGS,
            "AccessDenied",
            ErrorKind::AccessDenied,
        ));
        let o = logs_unreachable(&with_bucket(org(&[]), b));
        assert_eq!(o.status, Status::Unknown);
    }

    #[test]
    fn unreadable_iam_matters_only_where_a_bucket_grants_the_account() {
        let unreadable = |b: Builder| {
            b.with_account(PROD, |a| {
                if let Some(r) = a.iam.authorization.as_mut() {
                    r.result = Fetch::Err(crate::snapshot::CallError {
                        kind: ErrorKind::AccessDenied,
                        code: "AccessDenied".into(),
                        message: String::new(),
                    });
                }
            })
        };
        let o = logs_unreachable(&with_bucket(unreadable(org(&[])), bucket(None, None)));
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        let granted = bucket(Some(GRANTS_PROD), None);
        let o = logs_unreachable(&with_bucket(unreadable(org(&[])), granted));
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
    }
}
