//! The IAM documents shipped in `policy/` parse with evident's own policy parser, grant
//! nothing beyond what they say, and the trust policies let in exactly one kind of caller.

use std::path::Path;

use evident::policy::{self, Effect, Patterns};

fn document(name: &str) -> policy::Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policy")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("readable");
    policy::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn only_actions(doc: &policy::Document) -> Vec<String> {
    let mut actions = Vec::new();
    for s in &doc.statements {
        assert_eq!(s.effect, Effect::Allow);
        match &s.actions {
            Patterns::Only(list) => actions.extend(list.iter().cloned()),
            Patterns::AllBut(_) => panic!("NotAction in a shipped document"),
        }
    }
    actions
}

#[test]
fn shipped_documents_grant_nothing_broad() {
    for name in [
        "evident-readonly-policy.json",
        "member-role-trust-policy.json",
        "github-oidc-trust-policy.json",
        "ecs-task-trust-policy.json",
    ] {
        let doc = document(name);
        assert!(!doc.grants_everything(), "{name}");
        assert!(
            only_actions(&doc).iter().all(|a| !a.contains('*')),
            "{name}: wildcard action"
        );
    }
}

#[test]
fn trust_policies_allow_only_assuming_the_role() {
    assert_eq!(
        only_actions(&document("member-role-trust-policy.json")),
        ["sts:AssumeRole"]
    );
    assert_eq!(
        only_actions(&document("ecs-task-trust-policy.json")),
        ["sts:AssumeRole"]
    );
    let oidc = document("github-oidc-trust-policy.json");
    assert_eq!(only_actions(&oidc), ["sts:AssumeRoleWithWebIdentity"]);
    assert!(
        oidc.statements.iter().all(|s| s.has_condition),
        "OIDC trust must pin the repository"
    );
}
