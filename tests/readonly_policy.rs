//! The published IAM policy (`policy/evident-readonly-policy.json`) must list exactly the
//! actions the collector needs, and all of them must read. Three checks pin that down:
//! every SDK call in `src/aws` (found by reading the sources) is in the operation catalogue
//! `evident::aws::ops::ALL`; the catalogue and the policy name the same actions; and every
//! action is a `Get*`, `List*` or `Describe*`, except `sts:AssumeRole`, which is limited to
//! role ARNs, and the few reads AWS names otherwise (`budgets:ViewBudget`).

use std::collections::BTreeSet;
use std::path::Path;

use evident::aws::ops::{Op, ALL};

/// Variable (or session method) names the collector gives its SDK clients, with the IAM
/// service prefix of the calls made through them. Every SDK call chain starts at one of them.
const CLIENTS: &[(&str, &str)] = &[
    ("org", "organizations"),
    ("organizations", "organizations"),
    ("iam", "iam"),
    ("sts", "sts"),
    ("cloudtrail", "cloudtrail"),
    ("s3", "s3"),
    ("sso", "sso"),
    ("sso_admin", "sso"),
    ("identitystore", "identitystore"),
    ("account", "account"),
    ("s3control", "s3control"),
    ("guardduty", "guardduty"),
    ("securityhub", "securityhub"),
    ("config", "config"),
    ("backup", "backup"),
    ("budgets", "budgets"),
    ("tagging", "tag"),
];

/// Read actions whose names do not start with `Get`, `List` or `Describe`, each with the
/// operation it authorizes. The service authorization reference lists them at the Read
/// access level.
const READS_BY_ANOTHER_NAME: &[&str] = &[
    // budgets:DescribeBudgets
    "budgets:ViewBudget",
];

fn policy() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/evident-readonly-policy.json");
    let text = std::fs::read_to_string(&path).expect("policy file");
    serde_json::from_str(&text).expect("policy is JSON")
}

fn as_list(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().expect("string").to_string())
            .collect(),
        other => panic!("not a string or list: {other}"),
    }
}

/// One SDK call found in the sources.
#[derive(Debug)]
struct Call {
    file: String,
    line: usize,
    service: &'static str,
    method: String,
}

/// Finds every `.send()` in `src/aws` and walks its method chain back to the client it
/// starts from; the method called on the client is the operation.
fn sdk_calls() -> Vec<Call> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut calls = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("src/aws")
        .flatten()
        .collect();
    files.sort_by_key(|e| e.path());
    for entry in files {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        // Comments may mention calls; only code counts.
        let code: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("//") {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let chars: Vec<char> = code.chars().collect();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (at, _) in code.match_indices(".send()") {
            let at = code[..at].chars().count();
            let chain = chain_before(&chars, at);
            let line = chars[..at].iter().filter(|c| **c == '\n').count() + 1;
            let start = chain
                .iter()
                .position(|seg| CLIENTS.iter().any(|(c, _)| c == seg));
            let Some(start) = start.filter(|i| i + 1 < chain.len()) else {
                panic!("{name}:{line}: SDK call chain {chain:?} does not start at a known client");
            };
            let service = CLIENTS.iter().find(|(c, _)| *c == chain[start]).unwrap().1;
            calls.push(Call {
                file: name.clone(),
                line,
                service,
                method: chain[start + 1].clone(),
            });
        }
    }
    calls
}

/// The identifiers of the method chain ending just before `chars[dot]` (a `.`), receiver
/// first: for `session.sts().get_caller_identity().send()` that is
/// `["session", "sts", "get_caller_identity"]`.
fn chain_before(chars: &[char], mut dot: usize) -> Vec<String> {
    let mut segments = Vec::new();
    loop {
        let mut i = dot;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        if i > 0 && chars[i - 1] == ')' {
            let mut depth = 0;
            while i > 0 {
                i -= 1;
                match chars[i] {
                    ')' => depth += 1,
                    '(' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        let end = i;
        while i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
            i -= 1;
        }
        segments.push(chars[i..end].iter().collect::<String>());
        let mut j = i;
        while j > 0 && chars[j - 1].is_whitespace() {
            j -= 1;
        }
        if j > 0 && chars[j - 1] == '.' {
            dot = j - 1;
        } else {
            break;
        }
    }
    segments.reverse();
    segments
}

fn op_for(service: &str, method: &str) -> Option<&'static Op> {
    let wanted = method.replace('_', "");
    ALL.iter()
        .find(|op| op.service == service && op.operation.to_lowercase() == wanted)
}

#[test]
fn every_sdk_call_in_the_sources_is_catalogued() {
    let calls = sdk_calls();
    assert!(
        calls.len() >= ALL.len(),
        "found only {} SDK calls: {calls:?}",
        calls.len()
    );
    let mut used = BTreeSet::new();
    for call in &calls {
        let Some(op) = op_for(call.service, &call.method) else {
            panic!(
                "{}:{}: {}.{}() is not in evident::aws::ops::ALL",
                call.file, call.line, call.service, call.method
            );
        };
        used.insert(op.action);
    }
    let catalogued: BTreeSet<&str> = ALL.iter().map(|op| op.action).collect();
    let unused: Vec<_> = catalogued.difference(&used).collect();
    assert!(unused.is_empty(), "catalogued but never called: {unused:?}");
}

#[test]
fn the_policy_lists_exactly_the_catalogued_actions() {
    let policy = policy();
    let mut in_policy = BTreeSet::new();
    for statement in policy["Statement"].as_array().expect("Statement list") {
        assert_eq!(
            statement["Effect"], "Allow",
            "the policy only allows: {statement}"
        );
        assert!(
            statement.get("NotAction").is_none(),
            "no NotAction: {statement}"
        );
        in_policy.extend(as_list(&statement["Action"]));
    }
    let catalogued: BTreeSet<String> = ALL.iter().map(|op| op.action.to_string()).collect();
    let missing: Vec<_> = catalogued.difference(&in_policy).collect();
    let extra: Vec<_> = in_policy.difference(&catalogued).collect();
    assert!(
        missing.is_empty(),
        "called but not in the policy: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "in the policy but never called: {extra:?}"
    );
}

#[test]
fn every_action_reads_and_assume_role_is_limited_to_roles() {
    for statement in policy()["Statement"].as_array().expect("Statement list") {
        let resources = as_list(&statement["Resource"]);
        for action in as_list(&statement["Action"]) {
            assert!(!action.contains('*'), "{action}: no wildcards");
            let (_, name) = action.split_once(':').expect("service:Action");
            if action == "sts:AssumeRole" {
                assert!(
                    resources
                        .iter()
                        .all(|r| r.starts_with("arn:aws:iam::") && r.contains(":role/")),
                    "sts:AssumeRole must be limited to role ARNs: {resources:?}"
                );
                continue;
            }
            if READS_BY_ANOTHER_NAME.contains(&action.as_str()) {
                continue;
            }
            assert!(
                ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| name.starts_with(p)),
                "{action} is not a read (Get*, List*, Describe*)"
            );
        }
    }
}
