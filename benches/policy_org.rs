//! Decisions per second for an organization of 1,000 accounts under 20 OUs, with 5 SCPs at
//! every level (root, OU, account) and 200 actions per account. A benchmark, not a timed
//! test: it prints the rate and asserts only that every decision was made.
//!
//! Run with `cargo bench --bench policy_org`.

use std::time::Instant;

use evident::policy::{self, evaluate, Decision, Level, NamedPolicy, PolicySet, Request};

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
