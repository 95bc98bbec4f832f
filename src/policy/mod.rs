//! The IAM policy language and its evaluation: parse a document as AWS accepts it
//! ([`document`]), match actions, resources and policy variables ([`matching`]), evaluate
//! conditions ([`condition`]), and decide one request against SCPs through the organization
//! tree ([`scp`]), identity policies, permission boundaries and a resource policy
//! ([`eval`]). Over a snapshot, [`tree`] builds each account's SCP path, [`principals`]
//! gathers each user's and role's policies, and [`questions`] answers "is this denied here?"
//! and "who may do this?". [`command`] holds `evident policy eval` and `evident policy
//! who-can`.
//!
//! The probes use the questions that need no request context ([`Document::grants_everything`],
//! [`Document::is_allow_all_only`]); everything else goes through [`evaluate`].

pub mod command;
pub mod condition;
pub mod context;
pub mod document;
pub mod eval;
pub mod matching;
pub mod principals;
pub mod questions;
pub mod request;
pub mod scp;
pub mod tree;

pub use condition::{Condition, Operator};
pub use context::{Context, KeyState};
pub use document::{
    parse, Document, Effect, Patterns, PolicyError, Principal, Principals, Statement,
};
pub use eval::{
    evaluate, Decision, Evaluation, Exemption, NamedPolicy, Place, PolicySet, ScopedDeny,
    StatementRef,
};
pub use questions::{guard, who_can, Grant, Guard, Setting, WhoCan};
pub use request::{PrincipalKind, Request};
pub use scp::Level;
pub use tree::{ScpIndex, ScpState};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_object_or_array() {
        let one = parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        let many =
            parse(r#"{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}"#).unwrap();
        assert!(one.grants_everything());
        assert!(many.is_allow_all_only());
    }

    #[test]
    fn deny_statements_grant_nothing() {
        // Case 14: "Deny * on *" does not make a principal an administrator.
        let doc =
            parse(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#).unwrap();
        assert!(!doc.grants_everything());
        assert!(doc.denies_everything());
    }

    #[test]
    fn allow_not_action_on_a_single_action_is_admin() {
        // Case 15: Allow + NotAction on one (even non-existent) action grants everything else.
        let doc = parse(
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:NoSuchAction","Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(doc.grants_everything());
    }

    #[test]
    fn conditions_and_scoped_resources_are_not_everything() {
        let cond = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        )
        .unwrap();
        assert!(!cond.grants_everything());
        let scoped = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}]}"#,
        )
        .unwrap();
        assert!(!scoped.grants_everything());
    }

    #[test]
    fn invalid_json_has_a_position() {
        let e = parse("{\n  \"Statement\": [,]\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 17));
    }
}
