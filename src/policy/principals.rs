//! The principals of one account and the policies that bear on each, gathered from
//! `iam:GetAccountAuthorizationDetails`: a user's inline and attached policies and those of
//! every group it is in, a role's inline and attached policies, and the permission boundary
//! of either. The evaluator then needs nothing else from IAM.
//!
//! A policy that cannot be found or parsed is never dropped: a missing Deny could turn a
//! "cannot" into a "can", so the principal carries the problem and callers answer `unknown`
//! for it (case 13 makes the same point for SCPs).
//!
//! [`authorization_details_from_json`] reads the raw AWS CLI output
//! (`aws iam get-account-authorization-details`), for benchmarks and for files people
//! already have.

use serde::Deserialize;
use serde_json::Value;

use super::document::parse;
use super::eval::NamedPolicy;
use super::request::{principal_kind, PrincipalKind};
use crate::snapshot::{
    AttachedPolicy, AuthorizationDetails, IamGroup, IamRole, IamUser, InlinePolicy, ManagedPolicy,
};

/// One user or role with every policy that decides what it may do.
#[derive(Debug, Clone)]
pub struct PrincipalPolicies {
    pub arn: String,
    pub kind: PrincipalKind,
    /// Inline and managed policies, the user's groups' included, named for reports
    /// ("`AdminAccess` (via group `ops`)").
    pub identity: Vec<NamedPolicy>,
    pub boundaries: Vec<NamedPolicy>,
    /// Policies that could not be read: a name and why. Non-empty means the principal's
    /// decisions are unknown.
    pub problems: Vec<String>,
}

/// Every user and role of the account, with their policies, in listing order.
pub fn gather(details: &AuthorizationDetails) -> Vec<PrincipalPolicies> {
    let users = details.users.iter().map(|u| user(details, u));
    let roles = details.roles.iter().map(|r| role(details, r));
    users.chain(roles).collect()
}

fn user(details: &AuthorizationDetails, u: &IamUser) -> PrincipalPolicies {
    let mut p = empty(&u.arn);
    add_inline(&mut p, &u.inline_policies, "");
    add_attached(&mut p, details, &u.attached_policies, "");
    for name in &u.groups {
        match details.groups.iter().find(|g| &g.name == name) {
            Some(group) => add_group(&mut p, details, group),
            None => p
                .problems
                .push(format!("group {name} is not in the listing")),
        }
    }
    add_boundary(&mut p, details, u.permissions_boundary.as_deref());
    p
}

fn add_group(p: &mut PrincipalPolicies, details: &AuthorizationDetails, group: &IamGroup) {
    let via = format!(" (via group {})", group.name);
    add_inline(p, &group.inline_policies, &via);
    add_attached(p, details, &group.attached_policies, &via);
}

fn role(details: &AuthorizationDetails, r: &IamRole) -> PrincipalPolicies {
    let mut p = empty(&r.arn);
    add_inline(&mut p, &r.inline_policies, "");
    add_attached(&mut p, details, &r.attached_policies, "");
    add_boundary(&mut p, details, r.permissions_boundary.as_deref());
    p
}

fn empty(arn: &str) -> PrincipalPolicies {
    PrincipalPolicies {
        arn: arn.to_string(),
        kind: principal_kind(arn),
        identity: Vec::new(),
        boundaries: Vec::new(),
        problems: Vec::new(),
    }
}

fn add_inline(p: &mut PrincipalPolicies, inline: &[InlinePolicy], via: &str) {
    for policy in inline {
        let name = format!("inline {}{via}", policy.name);
        push(p, Target::Identity, name, &policy.document);
    }
}

fn add_attached(
    p: &mut PrincipalPolicies,
    details: &AuthorizationDetails,
    attached: &[AttachedPolicy],
    via: &str,
) {
    for policy in attached {
        let name = format!("{}{via}", policy.name);
        match managed_document(details, &policy.arn) {
            Some(text) => push(p, Target::Identity, name, text),
            None => p.problems.push(missing(&policy.arn)),
        }
    }
}

fn add_boundary(p: &mut PrincipalPolicies, details: &AuthorizationDetails, arn: Option<&str>) {
    let Some(arn) = arn else { return };
    match managed_document(details, arn) {
        Some(text) => push(p, Target::Boundary, format!("boundary {arn}"), text),
        None => p.problems.push(missing(arn)),
    }
}

fn missing(arn: &str) -> String {
    format!("managed policy {arn}: no document in the authorization details")
}

/// The default version's document of a managed policy, by ARN.
fn managed_document<'d>(details: &'d AuthorizationDetails, arn: &str) -> Option<&'d str> {
    details
        .policies
        .iter()
        .find(|m| m.arn == arn)
        .and_then(|m| m.default_document.as_deref())
}

enum Target {
    Identity,
    Boundary,
}

fn push(p: &mut PrincipalPolicies, target: Target, name: String, text: &str) {
    let document = match parse(text) {
        Ok(d) => d,
        Err(e) => {
            p.problems.push(format!("{name}: {e}"));
            return;
        }
    };
    let policy = NamedPolicy { name, document };
    match target {
        Target::Identity => p.identity.push(policy),
        Target::Boundary => p.boundaries.push(policy),
    }
}

/// Reads the output of `aws iam get-account-authorization-details` into the snapshot's
/// model. Documents may be JSON objects (the CLI decodes them) or URL-encoded strings (the
/// raw API); both are kept as text for [`gather`] to parse.
pub fn authorization_details_from_json(text: &str) -> Result<AuthorizationDetails, String> {
    let raw: RawDetails = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(AuthorizationDetails {
        users: raw.users.into_iter().map(RawUser::into_model).collect(),
        groups: raw.groups.into_iter().map(RawGroup::into_model).collect(),
        roles: raw.roles.into_iter().map(RawRole::into_model).collect(),
        policies: raw
            .policies
            .into_iter()
            .map(RawPolicy::into_model)
            .collect(),
    })
}

#[derive(Deserialize)]
struct RawDetails {
    #[serde(rename = "UserDetailList", default)]
    users: Vec<RawUser>,
    #[serde(rename = "GroupDetailList", default)]
    groups: Vec<RawGroup>,
    #[serde(rename = "RoleDetailList", default)]
    roles: Vec<RawRole>,
    #[serde(rename = "Policies", default)]
    policies: Vec<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUser {
    user_name: String,
    arn: String,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    user_policy_list: Vec<RawInline>,
    permissions_boundary: Option<RawBoundary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup {
    group_name: String,
    arn: String,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    group_policy_list: Vec<RawInline>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRole {
    role_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    role_policy_list: Vec<RawInline>,
    permissions_boundary: Option<RawBoundary>,
    assume_role_policy_document: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAttached {
    policy_name: String,
    policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInline {
    policy_name: String,
    policy_document: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawBoundary {
    permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPolicy {
    policy_name: String,
    arn: String,
    #[serde(default)]
    policy_version_list: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawVersion {
    document: Value,
    #[serde(default)]
    is_default_version: bool,
}

/// A document as text: an object re-serialized, a URL-encoded string (the raw API's form)
/// decoded, any other string as given.
fn document_text(value: Value) -> String {
    match value {
        Value::String(s) if s.starts_with("%7B") => percent_decode(&s),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// `%XX` escapes and `+` as in `application/x-www-form-urlencoded`; a bad escape is kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn attached(list: Vec<RawAttached>) -> Vec<AttachedPolicy> {
    list.into_iter()
        .map(|a| AttachedPolicy {
            name: a.policy_name,
            arn: a.policy_arn,
        })
        .collect()
}

fn inline(list: Vec<RawInline>) -> Vec<InlinePolicy> {
    list.into_iter()
        .map(|i| InlinePolicy {
            name: i.policy_name,
            document: document_text(i.policy_document),
        })
        .collect()
}

impl RawUser {
    fn into_model(self) -> IamUser {
        IamUser {
            name: self.user_name,
            arn: self.arn,
            created: None,
            groups: self.group_list,
            attached_policies: attached(self.attached_managed_policies),
            inline_policies: inline(self.user_policy_list),
            permissions_boundary: self
                .permissions_boundary
                .map(|b| b.permissions_boundary_arn),
        }
    }
}

impl RawGroup {
    fn into_model(self) -> IamGroup {
        IamGroup {
            name: self.group_name,
            arn: self.arn,
            attached_policies: attached(self.attached_managed_policies),
            inline_policies: inline(self.group_policy_list),
        }
    }
}

impl RawRole {
    fn into_model(self) -> IamRole {
        IamRole {
            name: self.role_name,
            arn: self.arn,
            path: self.path,
            created: None,
            last_used: None,
            attached_policies: attached(self.attached_managed_policies),
            inline_policies: inline(self.role_policy_list),
            permissions_boundary: self
                .permissions_boundary
                .map(|b| b.permissions_boundary_arn),
            assume_role_policy: self.assume_role_policy_document.map(document_text),
        }
    }
}

impl RawPolicy {
    fn into_model(self) -> ManagedPolicy {
        let default = self
            .policy_version_list
            .into_iter()
            .find(|v| v.is_default_version)
            .map(|v| document_text(v.document));
        ManagedPolicy {
            name: self.policy_name,
            arn: self.arn,
            default_document: default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Case 10's account, as the CLI prints it (trimmed to two users and a role).
    const CASE_10: &str = r#"{
      "UserDetailList": [
        {"UserName": "put-user-policy-user",
         "Arn": "arn:aws:iam::222222222222:user/put-user-policy-user",
         "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
           {"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]}}],
         "AttachedManagedPolicies": [], "GroupList": ["ops"]},
        {"UserName": "lost", "Arn": "arn:aws:iam::222222222222:user/lost",
         "AttachedManagedPolicies": [{"PolicyName": "gone",
           "PolicyArn": "arn:aws:iam::222222222222:policy/gone"}]}
      ],
      "GroupDetailList": [
        {"GroupName": "ops", "Arn": "arn:aws:iam::222222222222:group/ops",
         "GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
           "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}
      ],
      "RoleDetailList": [
        {"RoleName": "ec2-admin", "Arn": "arn:aws:iam::222222222222:role/ec2-admin",
         "Path": "/", "RolePolicyList": [],
         "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
           "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
         "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
           "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}
      ],
      "Policies": [
        {"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
         "PolicyVersionList": [
           {"Document": {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
            "IsDefaultVersion": false},
           {"Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "IsDefaultVersion": true}]}
      ]
    }"#;

    #[test]
    fn users_get_their_groups_policies_and_roles_their_boundary() {
        let details = authorization_details_from_json(CASE_10).unwrap();
        let all = gather(&details);
        let user = &all[0];
        let names: Vec<&str> = user.identity.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["inline p", "AdministratorAccess (via group ops)"]);
        assert!(user.problems.is_empty());
        assert!(
            user.identity[1].document.grants_everything(),
            "the default version"
        );

        let role = &all[2];
        assert_eq!(role.kind, PrincipalKind::Role);
        assert_eq!(role.boundaries.len(), 1);
    }

    #[test]
    fn a_missing_managed_policy_is_a_problem_not_a_silent_gap() {
        let details = authorization_details_from_json(CASE_10).unwrap();
        let lost = &gather(&details)[1];
        assert!(lost.identity.is_empty());
        assert_eq!(lost.problems.len(), 1);
        assert!(
            lost.problems[0].contains("policy/gone"),
            "{:?}",
            lost.problems
        );
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        let raw = Value::String("%7B%22Statement%22%3A%5B%5D%7D".into());
        assert_eq!(document_text(raw), r#"{"Statement":[]}"#);
    }

    #[test]
    fn an_unparseable_inline_policy_is_a_problem() {
        let mut details = AuthorizationDetails::default();
        details.roles.push(IamRole {
            name: "r".into(),
            arn: "arn:aws:iam::2:role/r".into(),
            path: "/".into(),
            created: None,
            last_used: None,
            attached_policies: Vec::new(),
            inline_policies: vec![InlinePolicy {
                name: "broken".into(),
                document: "{\"Statement\": [,]}".into(),
            }],
            permissions_boundary: None,
            assume_role_policy: None,
        });
        let role = &gather(&details)[0];
        assert!(
            role.problems[0].starts_with("inline broken: line 1"),
            "{:?}",
            role.problems
        );
    }
}
