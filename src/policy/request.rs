//! One request to evaluate: the action, the resource, who asks, from which account, and the
//! condition keys it carries. Building a request fills the keys AWS derives from the caller
//! (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`, `aws:RequestedRegion`) so that
//! conditions on them are settled, unless the caller gave those keys explicitly.

use super::context::Context;

/// What kind of principal an ARN names; SCPs skip service-linked roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    Role,
    /// A role whose path is `/aws-service-role/`: never restricted by SCPs.
    ServiceLinkedRole,
    AssumedRole,
    Root,
    Other,
}

/// A request: `action` on `resource` (`None`: any resource, the question a guardrail asks)
/// by `principal` (`None`: any principal of the account).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub action: String,
    pub resource: Option<String>,
    pub principal: Option<String>,
    pub principal_kind: Option<PrincipalKind>,
    /// The principal belongs to the organization's management account, where SCPs never
    /// apply.
    pub management_account: bool,
    pub context: Context,
}

impl Request {
    /// A request for `action` with nothing else known.
    pub fn new(action: &str) -> Request {
        Request {
            action: action.to_string(),
            ..Request::default()
        }
    }

    /// Sets the resource ARN.
    pub fn resource(mut self, arn: &str) -> Request {
        self.resource = Some(arn.to_string());
        self
    }

    /// Sets the requested Region (`aws:RequestedRegion`).
    pub fn region(mut self, region: &str) -> Request {
        self.derive("aws:RequestedRegion", region);
        self
    }

    /// Adds a context key value (a second value makes the key multi-valued).
    pub fn context(mut self, key: &str, value: &str) -> Request {
        self.context.insert(key, value);
        self
    }

    /// Declares the context complete: keys not given are absent from the request.
    pub fn closed(mut self) -> Request {
        self.context.close();
        self
    }

    /// Marks the principal as one of the management account's.
    pub fn in_management_account(mut self) -> Request {
        self.management_account = true;
        self
    }

    /// Sets the principal and the keys AWS derives from it. For an assumed-role session,
    /// `aws:PrincipalArn` is the role's ARN, not the session's.
    pub fn principal(mut self, arn: &str) -> Request {
        let kind = principal_kind(arn);
        self.principal = Some(arn.to_string());
        self.principal_kind = Some(kind);
        self.derive("aws:PrincipalArn", &principal_arn(arn, kind));
        if let Some(account) = arn.split(':').nth(4).filter(|a| !a.is_empty()) {
            self.derive("aws:PrincipalAccount", account);
        }
        if kind == PrincipalKind::User {
            if let Some(name) = arn.rsplit('/').next() {
                self.derive("aws:username", name);
            }
        }
        self
    }

    /// Sets a derived key unless the caller gave it explicitly.
    fn derive(&mut self, key: &str, value: &str) {
        if !self.context.contains(key) {
            self.context.set(key, value);
        }
    }

    /// The account that owns the resource, from its ARN (S3 ARNs carry none).
    pub fn resource_account(&self) -> Option<&str> {
        let resource = self.resource.as_deref()?;
        resource.split(':').nth(4).filter(|a| !a.is_empty())
    }

    /// The principal's account, from its ARN.
    pub fn principal_account(&self) -> Option<&str> {
        let principal = self.principal.as_deref()?;
        principal.split(':').nth(4).filter(|a| !a.is_empty())
    }
}

/// Tells the principal kind from an IAM or STS ARN.
pub fn principal_kind(arn: &str) -> PrincipalKind {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    if resource == "root" {
        PrincipalKind::Root
    } else if resource.starts_with("role/aws-service-role/") {
        PrincipalKind::ServiceLinkedRole
    } else if resource.starts_with("role/") {
        PrincipalKind::Role
    } else if resource.starts_with("user/") {
        PrincipalKind::User
    } else if resource.starts_with("assumed-role/") {
        PrincipalKind::AssumedRole
    } else {
        PrincipalKind::Other
    }
}

/// `arn:aws:sts::A:assumed-role/R/session` → `arn:aws:iam::A:role/R`; others unchanged.
fn principal_arn(arn: &str, kind: PrincipalKind) -> String {
    if kind != PrincipalKind::AssumedRole {
        return arn.to_string();
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let role = parts
        .get(5)
        .and_then(|r| r.strip_prefix("assumed-role/"))
        .and_then(|r| r.split('/').next());
    match (parts.get(1), parts.get(4), role) {
        (Some(partition), Some(account), Some(role)) => {
            format!("arn:{partition}:iam::{account}:role/{role}")
        }
        _ => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::context::KeyState;

    #[test]
    fn derived_keys() {
        let r = Request::new("s3:GetObject").principal("arn:aws:sts::2:assumed-role/Admin/me");
        let want = ["arn:aws:iam::2:role/Admin".to_string()];
        assert_eq!(
            r.context.lookup("aws:PrincipalARN"),
            KeyState::Present(&want)
        );
        assert_eq!(r.principal_account(), Some("2"));
        let slr = principal_kind("arn:aws:iam::2:role/aws-service-role/x.amazonaws.com/AWSR");
        assert_eq!(slr, PrincipalKind::ServiceLinkedRole);
    }
}
