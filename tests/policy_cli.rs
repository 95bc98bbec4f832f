//! `evident policy eval` at the command line: one JSON object with a `decision` field, the
//! deciding statement named in text output, and a bad policy file exiting 2 with
//! file:line:col. `evident policy who-can` over the bundled landing-zone sample snapshot.

use std::process::{Command, Output};

fn evident(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evident"))
        .args(args)
        .output()
        .expect("evident runs")
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("written");
    path.to_string_lossy().into_owned()
}

const FULL: &str = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const DENY_LEAVE: &str = r#"{"Statement":[{"Sid":"DenyLeave","Effect":"Deny",
  "Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

#[test]
fn json_output_has_the_decision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = write(&dir, "full.json", FULL);
    let deny = write(&dir, "deny.json", DENY_LEAVE);
    let root = format!("root={full}");
    let ou = format!("workloads={full},{deny}");
    let account = format!("account={full}");
    let run = |action: &str| {
        let args = [
            "policy", "eval", "--level", &root, "--level", &ou, "--level", &account,
        ];
        let o = evident(&[&args[..], &["--action", action, "--json"]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("one JSON object")
    };
    let denied = run("organizations:LeaveOrganization");
    assert_eq!(denied["decision"], "explicit_deny");
    assert_eq!(denied["deciding"][0]["sid"], "DenyLeave");
    assert_eq!(denied["deciding"][0]["level"], "workloads");
    assert_eq!(run("ec2:RunInstances")["decision"], "allowed");
    let only_root = evident(&[
        "policy",
        "eval",
        "--level",
        &root,
        "--level",
        &format!("account={deny}"),
        "--action",
        "s3:GetObject",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&only_root.stdout).expect("JSON");
    assert_eq!(v["decision"], "implicit_deny");
}

#[test]
fn text_output_names_the_statement() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deny = write(&dir, "deny.json", DENY_LEAVE);
    let full = write(&dir, "full.json", FULL);
    let o = evident(&[
        "policy",
        "eval",
        "--level",
        &format!("root={full},{deny}"),
        "--action",
        "organizations:leaveorganization",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("explicitly denied"), "{text}");
    assert!(text.contains("DenyLeave in deny.json at root"), "{text}");
}

#[test]
fn bad_policy_file_exits_2_with_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(&dir, "bad.json", "{\n  \"Statement\": [,]\n}");
    let o = evident(&[
        "policy",
        "eval",
        "--level",
        &format!("root={bad}"),
        "--action",
        "s3:Get",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{bad}:2:17")), "{err}");
    let missing = evident(&[
        "policy",
        "eval",
        "--level",
        "root=/nonexistent.json",
        "--action",
        "s3:Get",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    let usage = evident(&["policy", "eval", "--level", "root", "--action", "s3:Get"]);
    assert_eq!(usage.status.code(), Some(2));
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The id of the sample account named `name` (sample ids change when samples are
/// recollected).
fn account_named(snapshot: &str, name: &str) -> String {
    let args = [
        "policy",
        "who-can",
        "--snapshot",
        snapshot,
        "--action",
        "s3:GetObject",
    ];
    let o = evident(&[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    let accounts = v["accounts"].as_array().cloned().unwrap_or_default();
    let found = accounts
        .iter()
        .find(|a| a["name"] == name)
        .expect("account in the sample");
    found["account"].as_str().expect("account id").to_string()
}

#[test]
fn who_can_names_the_principal_and_the_grant_path() {
    let lz = sample("landing-zone");
    let prod = account_named(&lz, "prod");
    let o = evident(&[
        "policy",
        "who-can",
        "--snapshot",
        &lz,
        "--action",
        "rds:DeleteDBInstance",
        "--account",
        &prod,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let head = format!("account {prod} (prod): 1 principal(s) may rds:DeleteDBInstance");
    assert!(text.starts_with(&head), "{text}");
    assert!(text.contains("role/BreakGlass\n"), "{text}");
    assert!(
        text.contains("via statement 0 in AdministratorAccess (identity policy)"),
        "{text}"
    );
    // OrganizationAccountAccessRole carries no policy in the sample: it may do nothing.
    assert!(!text.contains("OrganizationAccountAccessRole"), "{text}");
}

#[test]
fn who_can_json_lists_every_account_and_an_unknown_account_is_bad_input() {
    let lz = sample("landing-zone");
    let args = [
        "policy",
        "who-can",
        "--snapshot",
        &lz,
        "--action",
        "iam:CreateUser",
    ];
    let o = evident(&[&args[..], &["--json"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["action"], "iam:CreateUser");
    assert!(v["accounts"].as_array().is_some_and(|a| a.len() > 1), "{v}");
    let missing = evident(&[&args[..], &["--account", "999999999999"]].concat());
    assert_eq!(missing.status.code(), Some(2));
}
