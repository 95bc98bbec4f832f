//! The policy engine against documents written by others (`../shared/realdata`): every valid
//! SCP and IAM document parses and the invalid one fails with its position; every row of the
//! allow-list sample's `.feature` files is a decision; each hazard of `scp/QUIRKS.md` is a
//! test named after it.
//!
//! Where the folder is absent the tests are skipped with a message, except under `CI=true`,
//! where its absence is a failure.

mod common;

use std::path::{Path, PathBuf};

use evident::policy::command::{self, CommandError, EvalArgs};
use evident::policy::{self, evaluate, Decision, Evaluation, Level, PolicySet, Request};
use serde_json::Value;

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

const INVALID: &str =
    "Service-specific-controls__AWS-IAM__deny-service-specific-credential-by-type.json";

fn scp(root: &Path, rel: &str) -> PathBuf {
    root.join("scp").join(rel)
}

const FULL_ACCESS: &str = "aws-organizations-docs/orgs_manage_policies_scps_strategies__1.json";

/// root and account with FullAWSAccess, and `ou` holding the given SCPs besides it.
fn path_with_ou(root: &Path, ou: &[&str], keep_full_access: bool) -> PolicySet {
    let full = || command::load_policy(&scp(root, FULL_ACCESS)).expect("FullAWSAccess");
    let mut ou_policies: Vec<_> = ou
        .iter()
        .map(|f| command::load_policy(&scp(root, f)).expect("loads"))
        .collect();
    if keep_full_access {
        ou_policies.push(full());
    }
    PolicySet {
        scp_levels: vec![
            Level {
                name: "root".into(),
                policies: vec![full()],
            },
            Level {
                name: "ou".into(),
                policies: ou_policies,
            },
            Level {
                name: "account".into(),
                policies: vec![full()],
            },
        ],
        ..PolicySet::default()
    }
}

fn decide(set: &PolicySet, request: Request) -> Evaluation {
    evaluate(set, &request)
}

#[test]
fn every_valid_scp_parses_and_the_invalid_one_is_positioned() {
    let Some(root) = common::realdata() else {
        return;
    };
    let mut failed = Vec::new();
    let mut parsed = 0;
    for path in files(&root.join("scp"), "json") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let is_policy = serde_json::from_str::<Value>(&text)
            .map(|v| v.get("Statement").is_some())
            .unwrap_or(true);
        if !is_policy {
            continue;
        }
        match policy::parse(&text) {
            Ok(_) => parsed += 1,
            Err(e) => failed.push((path.file_name().expect("name").to_owned(), e)),
        }
    }
    assert!(parsed >= 120, "parsed {parsed}");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0.to_string_lossy(), INVALID);
    assert_eq!((failed[0].1.line, failed[0].1.column), (15, 13));
}

#[test]
fn every_iam_document_parses() {
    let Some(root) = common::realdata() else {
        return;
    };
    let mut count = 0;
    for path in files(&root.join("iam"), "json") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        let mut documents = Vec::new();
        collect_documents(&value, &mut documents);
        assert!(
            !documents.is_empty(),
            "{}: no policy document",
            path.display()
        );
        for doc in documents {
            policy::parse(&doc.to_string()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(count > 100, "only {count} documents");
}

/// Every `Document` / `PolicyDocument` object in a managed-policy or
/// authorization-details file.
fn collect_documents<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if (key == "Document" || key == "PolicyDocument") && v.get("Statement").is_some() {
                    out.push(v);
                } else {
                    collect_documents(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_documents(v, out)),
        _ => {}
    }
}

/// One `Examples:` row of a `.feature` file.
#[derive(Debug)]
struct Row {
    file: String,
    action: String,
    region: String,
    allowed: bool,
}

fn feature_rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).expect("readable");
    let table: Vec<Vec<String>> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let Some((header, rows)) = table.split_first() else {
        return Vec::new();
    };
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let (s, a, r, res) = (col("service"), col("action"), col("region"), col("result"));
    rows.iter()
        .map(|row| Row {
            file: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            action: format!("{}:{}", row[s], row[a]),
            region: row[r].clone(),
            allowed: match row[res].as_str() {
                "allowed" => true,
                "denied" => false,
                other => panic!("unknown result {other}"),
            },
        })
        .collect()
}

#[test]
fn allowlist_feature_rows_hold_for_every_ou() {
    let Some(root) = common::realdata() else {
        return;
    };
    let dir = root.join("scp/aws-samples-scp-deployment-ou-allowlist");
    let metadata: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("policies__scp__metadata.json")).expect("metadata"),
    )
    .expect("JSON");
    let rows: Vec<Row> = files(&dir, "feature")
        .iter()
        .flat_map(|p| feature_rows(p))
        .collect();
    assert!(rows.len() >= 29, "only {} rows", rows.len());
    let ous = metadata["ou-ids"].as_array().expect("ou-ids");
    assert_eq!(ous.len(), 3);
    for ou in ous {
        let name = ou["dir_name"].as_str().expect("dir_name");
        let scps: Vec<String> = ou["scps"]
            .as_array()
            .expect("scps")
            .iter()
            .map(|f| {
                let file = f.as_str().expect("file name");
                format!("aws-samples-scp-deployment-ou-allowlist/policies__scp__{name}__{file}")
            })
            .collect();
        let scps: Vec<&str> = scps.iter().map(String::as_str).collect();
        // Allow-list: the OU's own Allow replaces FullAWSAccess.
        let set = path_with_ou(&root, &scps, false);
        for row in &rows {
            let e = decide(&set, Request::new(&row.action).region(&row.region));
            assert_eq!(
                e.decision == Decision::Allowed,
                row.allowed,
                "{name}: {} {} ({}): {e:?}",
                row.action,
                row.region,
                row.file
            );
        }
    }
}

#[test]
fn quirk_1_unparseable_scp_is_never_dropped_from_a_set() {
    let Some(root) = common::realdata() else {
        return;
    };
    let args = EvalArgs {
        levels: vec![format!(
            "root={},{}",
            scp(&root, FULL_ACCESS).display(),
            scp(&root, &format!("aws-samples-scp-examples/{INVALID}")).display()
        )],
        action: "iam:CreateServiceSpecificCredential".into(),
        ..EvalArgs::default()
    };
    match command::load_set(&args) {
        Err(CommandError::Parse { line, column, .. }) => assert_eq!((line, column), (15, 13)),
        other => panic!("expected a positioned parse error, got {other:?}"),
    }
}

const SAMPLES_REGION_DENY: &str =
    "aws-samples-scp-examples/Region-controls__Deny-access-to-AWS-based-on-the-requested-AWS-region.json";

#[test]
fn quirk_2_whitespace_noise_parses_and_evaluates() {
    let Some(root) = common::realdata() else {
        return;
    };
    let text = std::fs::read_to_string(scp(&root, SAMPLES_REGION_DENY)).expect("readable");
    assert!(text.contains('\t'), "the tab runs are part of the hazard");
    let set = path_with_ou(&root, &[SAMPLES_REGION_DENY], true);
    let e = decide(&set, Request::new("ec2:RunInstances").region("eu-west-1"));
    assert_eq!(e.decision, Decision::Allowed);
}

#[test]
fn quirk_3_condition_key_case_does_not_hide_the_exemption() {
    let Some(root) = common::realdata() else {
        return;
    };
    let ct = "control-tower-guardrails/mandatory__log-group-deletion-policy.json";
    let text = std::fs::read_to_string(scp(&root, ct)).expect("readable");
    assert!(text.contains("aws:PrincipalArn"));
    let set = path_with_ou(&root, &[ct], true);
    let group = "arn:aws:logs:us-east-1:222222222222:log-group:aws-controltower/CloudTrailLogs";
    let request = |who: &str| {
        Request::new("logs:DeleteLogGroup")
            .resource(group)
            .principal(&format!("arn:aws:iam::222222222222:role/{who}"))
    };
    let exempt = decide(&set, request("AWSControlTowerExecution"));
    assert_eq!(exempt.decision, Decision::Allowed);
    let other = decide(&set, request("Admin"));
    assert_eq!(other.decision, Decision::ExplicitDeny);
    assert!(!other.conditional);
}

#[test]
fn quirk_4_every_operator_in_the_corpus_is_known() {
    let Some(root) = common::realdata() else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for path in files(&root.join("scp"), "json") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(doc) = policy::parse(&text) else {
            continue;
        };
        for condition in doc.statements.iter().flat_map(|s| &s.conditions) {
            assert_ne!(
                condition.operator.family,
                policy::condition::Family::Unknown,
                "{}: {}",
                path.display(),
                condition.operator.name
            );
            seen.insert(condition.operator.name.clone());
        }
    }
    for op in [
        "ArnNotLike",
        "BoolIfExists",
        "ForAllValues:StringEquals",
        "NotIpAddressIfExists",
    ] {
        assert!(seen.contains(op), "{op} not seen: {seen:?}");
    }
}

#[test]
fn quirk_5_placeholders_are_not_literal_values() {
    let Some(root) = common::realdata() else {
        return;
    };
    let set = path_with_ou(&root, &[SAMPLES_REGION_DENY], true);
    // The exempt role is `[PRIVILEGED_ROLE]`: a principal literally named so is not exempt,
    // and nobody else is known to be: the Deny stands, with the placeholder as exemption.
    let literal = "arn:aws:iam::222222222222:role/[PRIVILEGED_ROLE]";
    let e = decide(
        &set,
        Request::new("ec2:RunInstances")
            .region("us-east-1")
            .principal(literal),
    );
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert!(e.conditional);
    assert!(e
        .exemptions
        .iter()
        .any(|x| x.principals && x.values[0].contains("[PRIVILEGED_ROLE]")));

    // Control Tower's Region deny ships with an empty Region list: it decides nothing alone.
    let ct = "control-tower-guardrails/data-residency__primary-region-deny-policy.json";
    let set = path_with_ou(&root, &[ct], true);
    let e = decide(
        &set,
        Request::new("ec2:RunInstances")
            .region("us-east-1")
            .principal("arn:aws:iam::222222222222:role/Admin"),
    );
    assert!(e.conditional, "{e:?}");
    assert!(e
        .exemptions
        .iter()
        .any(|x| x.key == "aws:RequestedRegion" && x.values.is_empty()));
}

#[test]
fn quirk_6_resource_scoped_denies_name_their_trail() {
    let Some(root) = common::realdata() else {
        return;
    };
    let ct = "control-tower-guardrails/mandatory__cloudtrail-configuration-changes.json";
    let set = path_with_ou(&root, &[ct], true);
    let admin = "arn:aws:iam::222222222222:role/Admin";
    let trail = |name: &str| format!("arn:aws:cloudtrail:us-east-1:222222222222:trail/{name}");

    let any = decide(
        &set,
        Request::new("cloudtrail:StopLogging").principal(admin),
    );
    assert_eq!(any.decision, Decision::Allowed);
    assert_eq!(any.scoped_denies.len(), 1);
    assert_eq!(
        any.scoped_denies[0].summary,
        "denied for trail aws-controltower-* only"
    );

    let ct_trail = trail("aws-controltower-BaselineCloudTrail");
    let r = Request::new("cloudtrail:StopLogging").resource(&ct_trail);
    let e = decide(&set, r.clone().principal(admin));
    assert_eq!((e.decision, e.conditional), (Decision::ExplicitDeny, false));
    let unknown_caller = decide(&set, r.clone());
    assert!(unknown_caller.conditional);
    assert!(unknown_caller.exemptions[0].values[0].ends_with("role/AWSControlTowerExecution"));
    let ct_role = "arn:aws:iam::222222222222:role/AWSControlTowerExecution";
    assert_eq!(
        decide(&set, r.principal(ct_role)).decision,
        Decision::Allowed
    );

    let other = Request::new("cloudtrail:StopLogging").resource(&trail("org-trail"));
    assert_eq!(
        decide(&set, other.principal(admin)).decision,
        Decision::Allowed
    );

    let samples = "aws-samples-scp-examples/Deny-changes-to-security-services__Deny-modifications-to-specific-CloudTrail-trails.json";
    let set = path_with_ou(&root, &[samples], true);
    let any = decide(
        &set,
        Request::new("cloudtrail:StopLogging").principal(admin),
    );
    assert_eq!(
        any.scoped_denies[0].summary,
        "denied for trail [CLOUDTRAIL_NAME] only"
    );
}

#[test]
fn quirk_7_region_deny_variants_exempt_different_actions() {
    let Some(root) = common::realdata() else {
        return;
    };
    let admin = "arn:aws:iam::222222222222:role/Admin";
    let ask = |file: &str, action: &str| {
        let set = path_with_ou(&root, &[file], true);
        decide(
            &set,
            Request::new(action).region("us-east-1").principal(admin),
        )
    };
    let docs = "aws-organizations-docs/orgs_manage_policies_scps_examples_general__1.json";
    let ct = "control-tower-guardrails/data-residency__primary-region-deny-policy.json";
    let alternate = "account:GetAlternateContact";
    assert_eq!(ask(docs, alternate).decision, Decision::ExplicitDeny);
    assert_eq!(
        ask(ct, alternate).decision,
        Decision::Allowed,
        "CT exempts account:*"
    );
    assert_eq!(
        ask(SAMPLES_REGION_DENY, alternate).decision,
        Decision::ExplicitDeny
    );
    let bpa = "s3:GetAccountPublicAccessBlock";
    assert_eq!(ask(docs, bpa).decision, Decision::Allowed);
    assert_eq!(ask(SAMPLES_REGION_DENY, bpa).decision, Decision::Allowed);
    // Control Tower lists the Get/Put…PublicAccessBlock actions by name instead.
    assert_eq!(ask(ct, bpa).decision, Decision::Allowed);
    let location = "s3:GetBucketLocation";
    assert_eq!(ask(ct, location).decision, Decision::Allowed);
    assert_eq!(ask(docs, location).decision, Decision::ExplicitDeny);
    let only_iam = "aws-organizations-docs/orgs_manage_policies_scps_syntax__6.json";
    assert_eq!(ask(only_iam, "iam:CreateRole").decision, Decision::Allowed);
    assert_eq!(
        ask(only_iam, "sts:AssumeRole").decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn quirk_8_allow_list_without_full_access_denies_the_rest() {
    let Some(root) = common::realdata() else {
        return;
    };
    let allow_list = "aws-organizations-docs/orgs_manage_policies_scps_strategies__4.json";
    let set = path_with_ou(&root, &[allow_list], false);
    let ec2 = decide(&set, Request::new("ec2:RunInstances"));
    assert_eq!(ec2.decision, Decision::Allowed);
    let s3 = decide(&set, Request::new("s3:GetObject"));
    assert_eq!(s3.decision, Decision::ImplicitDeny);
    assert_eq!(s3.implicit_at.as_deref(), Some("ou"));
    let kept = path_with_ou(&root, &[allow_list], true);
    assert_eq!(
        decide(&kept, Request::new("s3:GetObject")).decision,
        Decision::Allowed
    );
}

#[test]
fn quirk_10_action_names_that_match_nothing_protect_nothing() {
    let doc = policy::parse(
        r#"{"Statement":[{"Effect":"Deny","Action":["s3:Delete*PublicAccessBlock"],
            "Resource":"*"}]}"#,
    )
    .expect("parses");
    let full = policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
        .expect("parses");
    let set = PolicySet {
        scp_levels: vec![Level {
            name: "root".into(),
            policies: vec![
                policy::NamedPolicy {
                    name: "full".into(),
                    document: full,
                },
                policy::NamedPolicy {
                    name: "s3-policies".into(),
                    document: doc,
                },
            ],
        }],
        ..PolicySet::default()
    };
    let e = decide(&set, Request::new("s3:PutAccountPublicAccessBlock"));
    assert_eq!(e.decision, Decision::Allowed);
}
