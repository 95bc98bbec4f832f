//! Decisions per second, in two halves. The organization half: 1,000 accounts under 20 OUs,
//! with 5 SCPs at every level (root, OU, account) and 200 actions per account. The IAM half:
//! every principal of the largest `get-account-authorization-details` file in
//! `../shared/realdata/iam/` against every action of every service its policies mention.
//! A benchmark, not a timed test: it prints the rates and asserts only that every decision
//! was made.
//!
//! No offline catalogue lists every action of every service, so "every action" is every
//! concrete action name (no wildcard) that any document under `../shared/realdata/iam/`
//! names, kept when its service is one the file's policies mention.
//!
//! Run with `cargo bench --bench policy_org`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use evident::policy::principals::{authorization_details_from_json, gather};
use evident::policy::{self, evaluate, Decision, Level, NamedPolicy, Patterns, PolicySet, Request};
use serde_json::Value;

const ACCOUNTS: usize = 1_000;
const OUS: usize = 20;
const SCPS_PER_LEVEL: usize = 5;
const ACTIONS: usize = 200;

const SERVICES: &[&str] = &[
    "ec2",
    "s3",
    "iam",
    "rds",
    "dynamodb",
    "cloudtrail",
    "config",
    "guardduty",
    "kms",
    "lambda",
];

/// The SCP kinds a landing zone attaches: FullAWSAccess, a Region deny with NotAction and a
/// principal exemption, a service deny, a resource-scoped trail deny, and a leave-org deny.
fn scp(kind: usize, salt: usize) -> NamedPolicy {
    let text = match kind {
        0 => r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.to_string(),
        1 => r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*",
            "support:*","cloudfront:*","route53:*"],"Resource":"*","Condition":{
            "StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]},
            "ArnNotLike":{"aws:PrincipalARN":["arn:aws:iam::*:role/BreakGlass"]}}}]}"#
            .to_string(),
        2 => format!(
            r#"{{"Statement":[{{"Sid":"S{salt}","Effect":"Deny","Action":["appmesh:*",
            "appstream:*","{}:Delete{salt}*"],"Resource":"*"}}]}}"#,
            SERVICES[salt % SERVICES.len()]
        ),
        3 => r#"{"Statement":[{"Effect":"Deny","Action":["cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail"],"Resource":"arn:aws:cloudtrail:*:*:trail/org-*",
            "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}}]}"#
            .to_string(),
        _ => r#"{"Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization",
            "Resource":"*"}]}"#
            .to_string(),
    };
    NamedPolicy {
        name: format!("scp-{kind}-{salt}"),
        document: policy::parse(&text).expect("benchmark SCP parses"),
    }
}

fn level(name: String, salt: usize) -> Level {
    Level {
        name,
        policies: (0..SCPS_PER_LEVEL).map(|k| scp(k, salt)).collect(),
    }
}

fn actions() -> Vec<String> {
    let verbs = [
        "Get", "List", "Describe", "Create", "Delete", "Update", "Put", "Stop", "Tag", "Run",
    ];
    (0..ACTIONS)
        .map(|i| {
            let service = SERVICES[i % SERVICES.len()];
            let verb = verbs[(i / SERVICES.len()) % verbs.len()];
            format!("{service}:{verb}Thing{}", i / 100)
        })
        .collect()
}

fn main() {
    organization_half();
    iam_half();
}

fn organization_half() {
    let root = level("root".into(), 0);
    let ous: Vec<Level> = (0..OUS).map(|i| level(format!("ou-{i}"), i + 1)).collect();
    let actions = actions();
    let regions = ["eu-west-1", "us-east-1"];

    let start = Instant::now();
    let (mut decisions, mut denied) = (0usize, 0usize);
    for account in 0..ACCOUNTS {
        let set = PolicySet {
            scp_levels: vec![
                root.clone(),
                ous[account % OUS].clone(),
                level(format!("{account:012}"), account),
            ],
            ..PolicySet::default()
        };
        let principal = format!("arn:aws:iam::{account:012}:role/Workload");
        for (i, action) in actions.iter().enumerate() {
            let request = Request::new(action)
                .region(regions[i % 2])
                .principal(&principal);
            let e = evaluate(&set, &request);
            decisions += 1;
            denied += usize::from(e.decision != Decision::Allowed);
        }
    }
    let elapsed = start.elapsed();
    assert_eq!(decisions, ACCOUNTS * ACTIONS);
    println!(
        "{decisions} decisions ({denied} denied) over {ACCOUNTS} accounts, {OUS} OUs, \
         {SCPS_PER_LEVEL} SCPs per level in {:.2?}: {:.0} decisions/s",
        elapsed,
        decisions as f64 / elapsed.as_secs_f64()
    );
}

fn iam_half() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata/iam");
    let Some(largest) = largest_json(&dir.join("cloudsplaining")) else {
        println!(
            "IAM half skipped: no authorization-details file under {}",
            dir.display()
        );
        return;
    };
    let text = std::fs::read_to_string(&largest).expect("authorization details readable");
    let details = authorization_details_from_json(&text).expect("authorization details parse");
    let principals = gather(&details);
    let services = services_of(&principals);
    let actions: Vec<String> = corpus_actions(&dir)
        .into_iter()
        .filter(|a| a.split(':').next().is_some_and(|s| services.contains(s)))
        .collect();

    let start = Instant::now();
    let (mut decisions, mut allowed) = (0usize, 0usize);
    for p in &principals {
        let set = PolicySet {
            identity: p.identity.clone(),
            boundaries: p.boundaries.clone(),
            ..PolicySet::default()
        };
        for action in &actions {
            let e = evaluate(&set, &Request::new(action).principal(&p.arn));
            decisions += 1;
            allowed += usize::from(e.decision == Decision::Allowed);
        }
    }
    let elapsed = start.elapsed();
    assert_eq!(decisions, principals.len() * actions.len());
    println!(
        "{decisions} decisions ({allowed} allowed) for {} principals of {} against {} actions \
         of {} services in {:.2?}: {:.0} decisions/s",
        principals.len(),
        largest
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        actions.len(),
        services.len(),
        elapsed,
        decisions as f64 / elapsed.as_secs_f64()
    );
}

/// The largest `.json` file of a directory.
fn largest_json(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
}

/// The services (lower-case prefixes) the principals' statements name; `*` names none.
fn services_of(principals: &[policy::principals::PrincipalPolicies]) -> BTreeSet<String> {
    let mut services = BTreeSet::new();
    let documents = principals
        .iter()
        .flat_map(|p| p.identity.iter().chain(&p.boundaries));
    for statement in documents.flat_map(|d| &d.document.statements) {
        let (Patterns::Only(list) | Patterns::AllBut(list)) = &statement.actions;
        for pattern in list {
            if let Some((service, _)) = pattern.split_once(':') {
                services.insert(service.to_ascii_lowercase());
            }
        }
    }
    services
}

/// Every concrete action name any JSON document under `dir` names, lower-cased service.
fn corpus_actions(dir: &Path) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).into_iter().flatten().flatten();
            stack.extend(entries.map(|e| e.path()));
        } else if path.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if let Ok(value) = serde_json::from_str::<Value>(&text) {
                collect_actions(&value, &mut actions);
            }
        }
    }
    actions
}

fn collect_actions(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "Action" || key == "NotAction" {
                    add_names(v, out);
                } else {
                    collect_actions(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_actions(v, out)),
        _ => {}
    }
}

fn add_names(value: &Value, out: &mut BTreeSet<String>) {
    let names: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for name in names {
        if let Some((service, action)) = name.split_once(':') {
            if !action.is_empty() && !name.contains(['*', '?']) {
                out.insert(format!("{}:{action}", service.to_ascii_lowercase()));
            }
        }
    }
}
