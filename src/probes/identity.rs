//! Identity probes: is access centralised in IAM Identity Center, how many principals can do
//! everything, and does every root user have MFA.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use super::scope::{self, Shape, ACCOUNTS_FILE, SSO_FILE};
use super::{Fact, Outcome, Status};
use crate::policy;
use crate::snapshot::{AccountEvidence, AuthorizationDetails, IamUser, InlinePolicy, Snapshot};

pub const IDENTITY_CENTER: &str = "identity.identity-center";
pub const ADMIN_SPRAWL: &str = "identity.admin-sprawl";
pub const ROOT_MFA: &str = "identity.root-mfa";

/// Count on `identity.identity-center`: IAM users holding an active access key.
pub const COUNT_USERS_WITH_KEYS: &str = "iam_users_with_access_keys";
/// Count on `identity.admin-sprawl`: principals whose policies grant every action.
pub const COUNT_FULL_ADMINS: &str = "full_admin_principals";

/// The AWS managed policy that grants every action on every resource.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A principal with no sign-in, key use or role use for this long counts as inactive (the
/// window auditors and carriers ask about: "not used in the last 90 days").
const INACTIVE_AFTER_DAYS: i64 = 90;

// ---------------------------------------------------------------------------------------------
// identity.identity-center
// ---------------------------------------------------------------------------------------------

/// IAM users that hold long-lived human or programmatic credentials, per account.
struct CredentialedUsers {
    by_account: BTreeMap<String, Vec<String>>,
    /// Users among them with an active access key.
    with_keys: usize,
    /// Accounts whose users could not be read.
    unreadable: Vec<String>,
    facts: Vec<Fact>,
}

fn credentialed_users(snapshot: &Snapshot, accounts: &[String]) -> CredentialedUsers {
    let mut found = CredentialedUsers {
        by_account: BTreeMap::new(),
        with_keys: 0,
        unreadable: Vec::new(),
        facts: Vec::new(),
    };
    for account in accounts {
        let Some(evidence) = snapshot
            .account(account)
            .filter(|a| a.session.error().is_none())
        else {
            found.unreadable.push(account.clone());
            found.facts.extend(scope::session_gap(snapshot, account));
            continue;
        };
        let Some(auth) = evidence.iam.authorization.as_ref() else {
            found.unreadable.push(account.clone());
            continue;
        };
        if auth.value().is_none() {
            found.unreadable.push(account.clone());
            found.facts.push(Fact::new(
                format!("IAM users of {account} could not be listed"),
                &auth.source,
                ACCOUNTS_FILE,
            ));
            continue;
        }
        let mut names = Vec::new();
        for user in &evidence.iam.users {
            let password = user.console_password.value().copied();
            let active_key = user
                .access_keys
                .value()
                .map(|keys| keys.iter().any(|k| k.status == "Active"));
            match (password, active_key) {
                (Some(true), _) | (_, Some(true)) => {
                    let what = match (password == Some(true), active_key == Some(true)) {
                        (true, true) => "console password and active access key",
                        (true, false) => "console password",
                        _ => "active access key",
                    };
                    found.with_keys += usize::from(active_key == Some(true));
                    found.facts.push(Fact::new(
                        format!("IAM user {} in {account} has a {what}", user.user_name),
                        &user.console_password.source,
                        ACCOUNTS_FILE,
                    ));
                    names.push(user.user_name.clone());
                }
                (Some(false), Some(false)) => {}
                _ => {
                    if !found.unreadable.contains(account) {
                        found.unreadable.push(account.clone());
                    }
                    found.facts.push(Fact::new(
                        format!(
                            "credentials of IAM user {} in {account} could not be read",
                            user.user_name
                        ),
                        &user.console_password.source,
                        ACCOUNTS_FILE,
                    ));
                }
            }
        }
        if !names.is_empty() {
            found.by_account.insert(account.clone(), names);
        }
    }
    found
}

/// `identity.identity-center`: an organization instance of Identity Center with permission
/// sets assigned to the member accounts, and no IAM user with a console password or an active
/// access key anywhere.
pub fn identity_center(snapshot: &Snapshot) -> Outcome {
    let accounts = scope::in_scope_accounts(snapshot);
    let users = credentialed_users(snapshot, &accounts);
    // A count over unreadable accounts would be a floor, not a count: leave it unset.
    let keys = users.unreadable.is_empty().then_some(users.with_keys);
    let outcome = judge_identity_center(snapshot, users);
    match keys {
        Some(n) => outcome.with_count(COUNT_USERS_WITH_KEYS, n),
        None => outcome,
    }
}

fn judge_identity_center(snapshot: &Snapshot, users: CredentialedUsers) -> Outcome {
    let id = IDENTITY_CENTER;
    let user_count: usize = users.by_account.values().map(Vec::len).sum();
    let mut facts = Vec::new();

    let (management, members) = match scope::shape(snapshot) {
        Shape::Standalone { account, .. } => {
            let mut facts = vec![Fact::derived(format!(
                "account {account} is not in an organization: only an \
                account instance of Identity Center is possible"
            ))];
            facts.extend(users.facts);
            return Outcome::new(
                id,
                Status::Fail,
                format!(
                    "No organization instance of IAM Identity Center; \
                {user_count} IAM user(s) hold passwords or access keys"
                ),
            )
            .with_facts(facts)
            .with_accounts(vec![account])
            .with_value(user_count as f64)
            .with_remediation(IC_REMEDIATION);
        }
        Shape::Unreadable(fact) => {
            return Outcome::new(id, Status::Unknown, "The organization could not be read")
                .with_facts(vec![fact]);
        }
        Shape::Organization(view) => (
            view.management.clone(),
            view.members().map(|a| a.id.clone()).collect::<Vec<_>>(),
        ),
    };

    // The organization instance is the one owned by the management account, as listed there;
    // instances owned by members are account instances.
    let listing = snapshot
        .account(&management)
        .and_then(|a| a.sso_instances.as_ref());
    let Some(listing) = listing else {
        return Outcome::new(
            id,
            Status::Unknown,
            "Identity Center instances were not listed in the management account",
        )
        .with_facts(users.facts);
    };
    let Some(instances) = listing.value() else {
        facts.push(Fact::new(
            "sso-admin:ListInstances failed in the management account",
            &listing.source,
            SSO_FILE,
        ));
        return Outcome::new(
            id,
            Status::Unknown,
            "Identity Center instances could not be listed",
        )
        .with_facts(facts);
    };
    let org_instance = instances.iter().find(|i| {
        i.owner_account_id
            .as_deref()
            .is_none_or(|o| o == management)
    });
    let Some(instance) = org_instance else {
        facts.push(Fact::new(
            "no Identity Center instance owned by the management account",
            &listing.source,
            SSO_FILE,
        ));
        facts.extend(users.facts);
        return Outcome::new(
            id,
            Status::Fail,
            format!(
                "No organization instance of IAM Identity Center; \
            {user_count} IAM user(s) hold passwords or access keys"
            ),
        )
        .with_facts(facts)
        .with_value(user_count as f64)
        .with_remediation(IC_REMEDIATION);
    };
    facts.push(Fact::new(
        format!(
            "organization instance {} (identity store {})",
            instance.arn, instance.identity_store_id
        ),
        &listing.source,
        SSO_FILE,
    ));

    let ic = &snapshot.identity_center;
    let permission_sets = ic
        .permission_sets
        .as_ref()
        .and_then(|r| r.value())
        .map(Vec::len);
    if let Some(r) = &ic.permission_sets {
        facts.push(Fact::new(
            format!(
                "{} permission set(s)",
                permission_sets
                    .map(|n| n.to_string())
                    .unwrap_or("unknown number of".into())
            ),
            &r.source,
            SSO_FILE,
        ));
    }
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    let mut assignment_gaps = false;
    for record in &ic.assignments {
        match record.value() {
            Some(list) => assigned.extend(list.iter().map(|a| a.account_id.clone())),
            None => assignment_gaps = true,
        }
    }
    if let Some(r) = &ic.user_count {
        if let Some(n) = r.value() {
            facts.push(Fact::new(
                format!("{n} user(s) in the identity store"),
                &r.source,
                SSO_FILE,
            ));
        }
    }
    let unassigned: Vec<String> = members
        .iter()
        .filter(|m| !assigned.contains(*m))
        .cloned()
        .collect();
    facts.push(Fact::derived(format!(
        "{} of {} member accounts have permission-set assignments",
        members.len() - unassigned.len(),
        members.len()
    )));
    facts.extend(users.facts);

    let where_users = users
        .by_account
        .iter()
        .map(|(a, u)| format!("{a}: {}", u.len()))
        .collect::<Vec<_>>()
        .join(", ");
    let in_use = !assigned.is_empty();
    let outcome = if permission_sets.is_none() && ic.permission_sets.is_some()
        || (assignment_gaps && !in_use)
    {
        Outcome::new(
            id,
            Status::Unknown,
            "Identity Center permission sets or assignments could not be read",
        )
    } else if !in_use {
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "Identity Center exists but no account has a \
            permission-set assignment; {user_count} IAM user(s) \
            hold passwords or access keys"
            ),
        )
    } else if user_count > 0 || !unassigned.is_empty() {
        let mut parts = Vec::new();
        if user_count > 0 {
            parts.push(format!(
                "{user_count} IAM user(s) with passwords or access keys remain ({where_users})"
            ));
        }
        if !unassigned.is_empty() {
            parts.push(format!(
                "{} member account(s) without assignments: {}",
                unassigned.len(),
                unassigned.join(", ")
            ));
        }
        let mut affected: Vec<String> = users.by_account.keys().cloned().collect();
        affected.extend(unassigned.iter().cloned());
        Outcome::new(
            id,
            Status::Partial,
            format!("Identity Center is in use, but {}", parts.join("; ")),
        )
        .with_accounts(affected)
    } else if !users.unreadable.is_empty() || (assignment_gaps && !unassigned.is_empty()) {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Identity Center is in use; IAM users could not be read in {}",
                users.unreadable.join(", ")
            ),
        )
        .with_accounts(users.unreadable.clone())
    } else {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "Identity Center assigns access to all {} member \
            accounts; no IAM user holds a password or access key",
                members.len()
            ),
        )
    };
    let outcome = match outcome.status {
        Status::Pass => outcome,
        Status::Unknown => outcome.with_remediation(
            "Grant the collector sso:List*/Describe*, \
            identitystore:ListUsers and iam:Get*/List* in every \
            account, then collect again.",
        ),
        _ => outcome.with_remediation(IC_REMEDIATION),
    };
    outcome.with_facts(facts).with_value(user_count as f64)
}

const IC_REMEDIATION: &str = "Enable the organization instance of IAM Identity Center \
    in the management account, assign permission sets to \
    every member account, then remove IAM users' console \
    passwords and access keys (keep documented break-glass \
    users only).";

// ---------------------------------------------------------------------------------------------
// identity.admin-sprawl
// ---------------------------------------------------------------------------------------------

/// One principal that can do everything.
struct Admin {
    arn: String,
    kind: &'static str,
    how: String,
    last_activity: Option<DateTime<Utc>>,
}

/// `identity.admin-sprawl`: how many IAM principals can do everything, and how many of those
/// show no activity for 90 days.
pub fn admin_sprawl(snapshot: &Snapshot) -> Outcome {
    let id = ADMIN_SPRAWL;
    let accounts = scope::in_scope_accounts(snapshot);
    let now = snapshot.manifest.finished_at;
    let mut admins: Vec<(String, Admin)> = Vec::new();
    let mut facts = Vec::new();
    let mut unreadable = Vec::new();
    for account in &accounts {
        let evidence = snapshot
            .account(account)
            .filter(|a| a.session.error().is_none());
        let auth = evidence.and_then(|e| e.iam.authorization.as_ref());
        match (evidence, auth.and_then(|r| r.value())) {
            (Some(e), Some(details)) => {
                for admin in account_admins(e, details) {
                    admins.push((account.clone(), admin));
                }
            }
            _ => {
                unreadable.push(account.clone());
                match auth {
                    Some(r) => facts.push(Fact::new(
                        format!("GetAccountAuthorizationDetails failed in {account}"),
                        &r.source,
                        ACCOUNTS_FILE,
                    )),
                    None => facts.extend(scope::session_gap(snapshot, account)),
                }
            }
        }
    }

    let cutoff = now - Duration::days(INACTIVE_AFTER_DAYS);
    let mut inactive = 0;
    let mut users = 0;
    let mut affected = Vec::new();
    for (account, a) in &admins {
        let idle = a.last_activity.is_some_and(|t| t < cutoff);
        inactive += usize::from(idle);
        users += usize::from(a.kind == "user");
        let activity = a
            .last_activity
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or("unknown".into());
        let source = snapshot
            .account(account)
            .and_then(|e| e.iam.authorization.as_ref())
            .map(|r| r.source.clone());
        facts.push(Fact {
            statement: format!(
                "{} {} can do everything ({}); last activity {activity}{}",
                a.kind,
                a.arn,
                a.how,
                if idle { ", INACTIVE over 90 days" } else { "" }
            ),
            source,
            file: Some(ACCOUNTS_FILE.into()),
        });
        if a.kind == "user" || idle {
            affected.push(account.clone());
        }
    }
    let count = admins.len();
    let summary = format!(
        "{count} principal(s) can do everything ({users} IAM \
        user(s), {} role(s)); {inactive} inactive for over \
        {INACTIVE_AFTER_DAYS} days",
        count - users
    );
    let outcome = if !unreadable.is_empty() {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "IAM could not be read in {} account(s); at least \
            {count} principal(s) can do everything",
                unreadable.len()
            ),
        )
        .with_accounts(unreadable)
        .with_remediation(
            "Grant the collector iam:GetAccountAuthorizationDetails \
                in every account, then collect again.",
        )
    } else if users > 0 || inactive > 0 {
        Outcome::new(id, Status::Fail, summary)
            .with_accounts(affected)
            .with_remediation(
                "Remove AdministratorAccess from IAM users (use Identity \
                Center permission sets with MFA instead), and delete or \
                disable administrative principals unused for 90 days.",
            )
            .with_value(count as f64)
            .with_count(COUNT_FULL_ADMINS, count)
    } else {
        Outcome::new(id, Status::Pass, summary)
            .with_value(count as f64)
            .with_count(COUNT_FULL_ADMINS, count)
    };
    facts.push(Fact::derived(
        "activity: console sign-in and access key use for users, \
        RoleLastUsed for roles; a never-used principal counts \
        from its creation date",
    ));
    outcome.with_facts(facts)
}

/// Users and roles of one account whose policies grant every action on every resource.
/// Service-linked roles are left out: AWS manages them and no one can assume them.
fn account_admins(evidence: &AccountEvidence, details: &AuthorizationDetails) -> Vec<Admin> {
    let managed: BTreeMap<&str, Option<&str>> = details
        .policies
        .iter()
        .map(|p| (p.arn.as_str(), p.default_document.as_deref()))
        .collect();
    let grants = |arn: &str| {
        arn == ADMINISTRATOR_ACCESS
            || managed
                .get(arn)
                .copied()
                .flatten()
                .is_some_and(document_grants_everything)
    };
    let inline_grants = |list: &[InlinePolicy]| {
        list.iter()
            .find(|p| document_grants_everything(&p.document))
            .map(|p| p.name.clone())
    };

    let mut admins = Vec::new();
    for user in &details.users {
        let how = user_admin_path(user, details, &grants, &inline_grants);
        if let Some(how) = how {
            admins.push(Admin {
                arn: user.arn.clone(),
                kind: "user",
                how,
                last_activity: user_activity(evidence, user),
            });
        }
    }
    for role in &details.roles {
        if role.path.starts_with("/aws-service-role/") {
            continue;
        }
        let how = role
            .attached_policies
            .iter()
            .find(|p| grants(&p.arn))
            .map(|p| format!("policy {}", p.name))
            .or_else(|| inline_grants(&role.inline_policies).map(|n| format!("inline policy {n}")));
        if let Some(how) = how {
            admins.push(Admin {
                arn: role.arn.clone(),
                kind: "role",
                how,
                last_activity: role.last_used.or(role.created),
            });
        }
    }
    admins
}

fn user_admin_path(
    user: &IamUser,
    details: &AuthorizationDetails,
    grants: &dyn Fn(&str) -> bool,
    inline_grants: &dyn Fn(&[InlinePolicy]) -> Option<String>,
) -> Option<String> {
    if let Some(p) = user.attached_policies.iter().find(|p| grants(&p.arn)) {
        return Some(format!("policy {}", p.name));
    }
    if let Some(n) = inline_grants(&user.inline_policies) {
        return Some(format!("inline policy {n}"));
    }
    for group in details
        .groups
        .iter()
        .filter(|g| user.groups.contains(&g.name))
    {
        if let Some(p) = group.attached_policies.iter().find(|p| grants(&p.arn)) {
            return Some(format!("group {} → {}", group.name, p.name));
        }
        if let Some(n) = inline_grants(&group.inline_policies) {
            return Some(format!("group {} → inline {n}", group.name));
        }
    }
    None
}

fn document_grants_everything(text: &str) -> bool {
    policy::parse(text).is_ok_and(|d| d.grants_everything())
}

/// The latest sign-in or key use of a user, or its creation when it never did anything.
fn user_activity(evidence: &AccountEvidence, user: &IamUser) -> Option<DateTime<Utc>> {
    let creds = evidence
        .iam
        .users
        .iter()
        .find(|u| u.arn == user.arn || u.user_name == user.name);
    let key_use = creds
        .and_then(|c| c.access_keys.value())
        .and_then(|keys| keys.iter().filter_map(|k| k.last_used).max());
    let sign_in = creds.and_then(|c| c.password_last_used);
    sign_in.max(key_use).or(user.created)
}

// ---------------------------------------------------------------------------------------------
// identity.root-mfa
// ---------------------------------------------------------------------------------------------

/// The centralized root access feature that lets the management account remove member
/// accounts' root credentials.
const ROOT_CREDENTIALS_MANAGEMENT: &str = "RootCredentialsManagement";

/// `identity.root-mfa`: root MFA in every account. A member whose root credentials the
/// organization manages centrally is not a failure, but without an audit of its root
/// credentials it is not a pass either (case 08).
pub fn root_mfa(snapshot: &Snapshot) -> Outcome {
    let id = ROOT_MFA;
    let accounts = scope::in_scope_accounts(snapshot);
    let shape = scope::shape(snapshot);
    let management = match &shape {
        Shape::Organization(view) => Some(view.management.clone()),
        _ => None,
    };
    let features = management
        .as_deref()
        .and_then(|m| snapshot.account(m))
        .and_then(|a| a.iam.organizations_features.as_ref());
    let mut facts = Vec::new();
    let central = match features.map(|r| (r.value(), &r.source)) {
        Some((Some(list), source)) => {
            let on = list.iter().any(|f| f == ROOT_CREDENTIALS_MANAGEMENT);
            facts.push(Fact::new(
                format!(
                    "centralized root credentials management is {}",
                    if on { "enabled" } else { "not enabled" }
                ),
                source,
                ACCOUNTS_FILE,
            ));
            Some(on)
        }
        Some((None, source)) => {
            facts.push(Fact::new(
                "iam:ListOrganizationsFeatures failed: whether member \
                root credentials are centrally managed is unknown",
                source,
                ACCOUNTS_FILE,
            ));
            None
        }
        None => None,
    };

    let (mut pass, mut fail, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for account in &accounts {
        let is_member =
            matches!(&shape, Shape::Organization(_)) && management.as_deref() != Some(account);
        let summary = snapshot
            .account(account)
            .filter(|a| a.session.error().is_none())
            .and_then(|a| a.iam.account_summary.as_ref());
        let Some(record) = summary else {
            facts.extend(scope::session_gap(snapshot, account));
            unknown.push(account.clone());
            continue;
        };
        let Some(map) = record.value() else {
            facts.push(Fact::new(
                format!("GetAccountSummary failed in {account}"),
                &record.source,
                ACCOUNTS_FILE,
            ));
            unknown.push(account.clone());
            continue;
        };
        let mfa = map.get("AccountMFAEnabled").copied();
        let keys = map.get("AccountAccessKeysPresent").copied().unwrap_or(0);
        let verdict = match (mfa, is_member, central) {
            (Some(1), _, _) => ("root MFA enabled", &mut pass),
            (None, _, _) => ("AccountMFAEnabled missing from the summary", &mut unknown),
            (_, _, _) if keys > 0 => ("root has no MFA and has access keys", &mut fail),
            (_, false, _) => ("root has no MFA", &mut fail),
            (_, true, Some(false)) => (
                "root has no MFA (centralized root access not enabled)",
                &mut fail,
            ),
            (_, true, Some(true)) => (
                "no root MFA and no root keys; the organization manages \
                member root credentials centrally, but the removal of \
                the root password was not verified",
                &mut unknown,
            ),
            (_, true, None) => (
                "root has no MFA; whether the organization removed \
                member root credentials centrally could not be read",
                &mut unknown,
            ),
        };
        facts.push(Fact::new(
            format!("account {account}: {}", verdict.0),
            &record.source,
            ACCOUNTS_FILE,
        ));
        verdict.1.push(account.clone());
    }
    let total = accounts.len();
    if !fail.is_empty() {
        let n = fail.len();
        // The accounts that could not be confirmed are said too: "1 of 7" alone would read
        // as if the other six were fine.
        let unconfirmed = match unknown.len() {
            0 => String::new(),
            u => format!("; not confirmed in {u} more: {}", unknown.join(", ")),
        };
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "Root user without MFA in {n} of {total} account(s): {}{unconfirmed}",
                fail.join(", ")
            ),
        )
        .with_accounts(fail)
        .with_facts(facts)
        .with_remediation(
            "Enable MFA (preferably hardware) on the root user of \
                every listed account, or remove member root credentials \
                through centralized root access.",
        )
    } else if !unknown.is_empty() {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Root MFA could not be confirmed in {} of {total} \
            account(s)",
                unknown.len()
            ),
        )
        .with_accounts(unknown)
        .with_facts(facts)
        .with_remediation(
            "Grant the collector iam:GetAccountSummary in every \
                account and iam:ListOrganizationsFeatures in the \
                management account; audit member root credentials with \
                sts:AssumeRoot.",
        )
    } else if total == 0 {
        Outcome::new(id, Status::Unknown, "No account was collected").with_facts(facts)
    } else {
        Outcome::new(
            id,
            Status::Pass,
            format!("Root MFA is enabled in all {total} account(s)"),
        )
        .with_facts(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;
    use crate::snapshot::{
        AccessKey, AttachedPolicy, IamGroup, IamRole, SsoInstance, UserCredentials,
    };
    use chrono::TimeZone;

    fn user(name: &str, account: &str, password: bool, key: bool) -> UserCredentials {
        UserCredentials {
            user_name: name.into(),
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            password_last_used: None,
            console_password: ok("iam", "GetLoginProfile", account, password),
            access_keys: ok(
                "iam",
                "ListAccessKeys",
                account,
                if key {
                    vec![AccessKey {
                        id: "AKIA".into(),
                        status: "Active".into(),
                        created: None,
                        last_used: None,
                    }]
                } else {
                    vec![]
                },
            ),
            mfa_devices: ok("iam", "ListMFADevices", account, vec![]),
        }
    }

    fn iam_user(name: &str, account: &str, attached: &[&str], groups: &[&str]) -> IamUser {
        IamUser {
            name: name.into(),
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            created: Some(
                Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                    .single()
                    .expect("valid"),
            ),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            attached_policies: attached
                .iter()
                .map(|a| AttachedPolicy {
                    name: a.rsplit('/').next().unwrap_or_default().into(),
                    arn: a.to_string(),
                })
                .collect(),
            inline_policies: vec![],
            permissions_boundary: None,
        }
    }

    fn org_with_ic() -> Builder {
        Builder::organization()
            .account("222222222222", "prod", ROOT)
            .with_account(MGMT, |a| {
                a.sso_instances = Some(ok(
                    "sso",
                    "ListInstances",
                    MGMT,
                    vec![SsoInstance {
                        arn: "arn:aws:sso:::instance/ssoins-1".into(),
                        identity_store_id: "d-1".into(),
                        owner_account_id: Some(MGMT.into()),
                        status: Some("ACTIVE".into()),
                    }],
                ));
            })
    }

    fn assign(mut s: crate::snapshot::Snapshot, accounts: &[&str]) -> crate::snapshot::Snapshot {
        use crate::snapshot::{AccountAssignment, PermissionSet};
        s.identity_center.permission_sets = Some(ok(
            "sso",
            "ListPermissionSets",
            MGMT,
            vec![PermissionSet {
                arn: "ps-1".into(),
                name: "Admin".into(),
                managed_policies: vec![],
                inline_policy: None,
            }],
        ));
        for a in accounts {
            s.identity_center.assignments.push(ok(
                "sso",
                "ListAccountAssignments",
                MGMT,
                vec![AccountAssignment {
                    account_id: a.to_string(),
                    permission_set_arn: "ps-1".into(),
                    principal_type: "GROUP".into(),
                    principal_id: "g-1".into(),
                }],
            ));
        }
        s
    }

    #[test]
    fn identity_center_with_assignments_and_no_users_passes() {
        let o = identity_center(&assign(org_with_ic().build(), &["222222222222"]));
        assert_eq!(o.status, Status::Pass, "{o:?}");
    }

    #[test]
    fn remaining_iam_users_make_it_partial() {
        let s = org_with_ic()
            .with_account(MGMT, |a| {
                a.iam.users = vec![
                    user("alice", MGMT, true, false),
                    user("svc", MGMT, false, false),
                ]
            })
            .build();
        let o = identity_center(&assign(s, &["222222222222"]));
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert!(o.summary.contains("1 IAM user"), "{}", o.summary);
        assert_eq!(o.accounts, vec![MGMT]);
    }

    #[test]
    fn no_assignments_fails_and_standalone_fails() {
        assert_eq!(identity_center(&org_with_ic().build()).status, Status::Fail);
        assert_eq!(
            identity_center(&Builder::standalone("999999999999").build()).status,
            Status::Fail
        );
    }

    #[test]
    fn unreadable_member_users_are_unknown() {
        let mut s = assign(org_with_ic().build(), &["222222222222"]);
        s.accounts.retain(|a| a.account_id != "222222222222");
        s.accounts.push(unreachable("222222222222"));
        assert_eq!(identity_center(&s).status, Status::Unknown);
    }

    #[test]
    fn admins_counted_through_groups_and_inline_and_deny_is_no_grant() {
        let details = AuthorizationDetails {
            users: vec![
                iam_user("direct", MGMT, &[ADMINISTRATOR_ACCESS], &[]),
                iam_user("grouped", MGMT, &[], &["admins"]),
                iam_user(
                    "reader",
                    MGMT,
                    &["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    &[],
                ),
            ],
            groups: vec![IamGroup {
                name: "admins".into(),
                arn: "arn:group/admins".into(),
                attached_policies: vec![AttachedPolicy {
                    name: "AdministratorAccess".into(),
                    arn: ADMINISTRATOR_ACCESS.into(),
                }],
                inline_policies: vec![],
            }],
            roles: vec![
                IamRole {
                    name: "deny-all".into(),
                    arn: "arn:role/deny-all".into(),
                    path: "/".into(),
                    created: None,
                    last_used: None,
                    attached_policies: vec![],
                    inline_policies: vec![InlinePolicy {
                        name: "d".into(),
                        document: r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#
                            .into(),
                    }],
                    permissions_boundary: None,
                    assume_role_policy: None,
                },
                IamRole {
                    name: "deploy".into(),
                    arn: "arn:role/deploy".into(),
                    path: "/".into(),
                    created: None,
                    last_used: Some(
                        Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0)
                            .single()
                            .expect("valid"),
                    ),
                    attached_policies: vec![],
                    inline_policies: vec![InlinePolicy {
                        name: "all".into(),
                        document:
                            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                                .into(),
                    }],
                    permissions_boundary: None,
                    assume_role_policy: None,
                },
                IamRole {
                    name: "AWSServiceRoleForX".into(),
                    arn: "arn:role/slr".into(),
                    path: "/aws-service-role/x/".into(),
                    created: None,
                    last_used: None,
                    attached_policies: vec![AttachedPolicy {
                        name: "AdministratorAccess".into(),
                        arn: ADMINISTRATOR_ACCESS.into(),
                    }],
                    inline_policies: vec![],
                    permissions_boundary: None,
                    assume_role_policy: None,
                },
            ],
            policies: vec![],
        };
        let s = Builder::standalone("999999999999")
            .with_account("999999999999", |a| {
                a.iam.authorization = Some(ok(
                    "iam",
                    "GetAccountAuthorizationDetails",
                    "999999999999",
                    details,
                ))
            })
            .build();
        let o = admin_sprawl(&s);
        assert_eq!(o.value, Some(3.0), "{o:?}");
        assert_eq!(o.status, Status::Fail);
        // Users created in 2024 and never used are inactive at the 2026-12 collection.
        assert!(o.summary.contains("2 inactive"), "{}", o.summary);
    }

    #[test]
    fn admin_count_unknown_when_an_account_is_unreadable() {
        let mut s = Builder::organization()
            .account("222222222222", "prod", ROOT)
            .build();
        s.accounts.retain(|a| a.account_id != "222222222222");
        s.accounts.push(unreachable("222222222222"));
        let o = admin_sprawl(&s);
        assert_eq!(o.status, Status::Unknown);
        assert_eq!(o.value, None);
    }

    #[test]
    fn root_mfa_case_08() {
        let summary = |mfa: i64, keys: i64| {
            Some(ok(
                "iam",
                "GetAccountSummary",
                "x",
                BTreeMap::from([
                    ("AccountMFAEnabled".to_string(), mfa),
                    ("AccountAccessKeysPresent".to_string(), keys),
                ]),
            ))
        };
        let build = |features: Option<Vec<String>>, member_keys: i64, mgmt_mfa: i64| {
            Builder::organization()
                .account("222222222222", "prod", ROOT)
                .with_account(MGMT, |a| {
                    a.iam.account_summary = summary(mgmt_mfa, 0);
                    a.iam.organizations_features = Some(match features {
                        Some(f) => ok("iam", "ListOrganizationsFeatures", MGMT, f),
                        None => err(
                            "iam",
                            "ListOrganizationsFeatures",
                            MGMT,
                            "404",
                            crate::snapshot::ErrorKind::NotImplemented,
                        ),
                    });
                })
                .with_account("222222222222", |a| {
                    a.iam.account_summary = summary(0, member_keys)
                })
                .build()
        };
        let central = Some(vec![ROOT_CREDENTIALS_MANAGEMENT.to_string()]);
        // Centrally managed, no keys, removal not verified: unknown, never fail.
        assert_eq!(
            root_mfa(&build(central.clone(), 0, 1)).status,
            Status::Unknown
        );
        // An active root key fails whatever the feature.
        assert_eq!(root_mfa(&build(central.clone(), 1, 1)).status, Status::Fail);
        // Feature off and no MFA: fail.
        assert_eq!(root_mfa(&build(Some(vec![]), 0, 1)).status, Status::Fail);
        // The management account is never covered by the feature.
        let o = root_mfa(&build(central, 0, 0));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.accounts, vec![MGMT]);
        // Feature state unreadable: unknown.
        assert_eq!(root_mfa(&build(None, 0, 1)).status, Status::Unknown);
    }
}
