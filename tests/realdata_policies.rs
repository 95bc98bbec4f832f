//! Real policy documents written by others (`../shared/realdata`), read by the policy parser
//! the probes rest on: only AdministratorAccess among the AWS managed policies grants
//! everything, only the FullAWSAccess shape among the SCPs is "allow-all, no guardrail", and
//! the one SCP that is not valid JSON upstream fails with a position.
//!
//! Where the folder is absent the tests are skipped with a message, except under `CI=true`,
//! where its absence is a failure.

mod common;

use std::path::{Path, PathBuf};

use evident::policy;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") && !path.ends_with("_index.json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn only_administrator_access_grants_everything() {
    let Some(root) = common::realdata() else {
        return;
    };
    let mut admins = Vec::new();
    let files = json_files(&root.join("iam/aws-managed-policies"));
    assert!(
        files.len() >= 30,
        "expected the managed policy set, found {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let document = value["PolicyVersion"]["Document"].to_string();
        let doc = policy::parse(&document).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if doc.grants_everything() {
            admins.push(
                path.file_stem()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    // PowerUserAccess (NotAction iam:*, organizations:*, account:*) and the *FullAccess
    // service policies are broad, but not "everything".
    assert_eq!(admins, vec!["AdministratorAccess"]);
}

#[test]
fn scp_corpus_parses_and_only_full_access_is_allow_all() {
    let Some(root) = common::realdata() else {
        return;
    };
    let mut allow_all = Vec::new();
    let mut invalid = Vec::new();
    let files: Vec<PathBuf> = json_files(&root.join("scp"))
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("features"))
        .collect();
    assert!(
        files.len() >= 100,
        "expected the SCP corpus, found {}",
        files.len()
    );
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let is_policy = serde_json::from_str::<serde_json::Value>(&text)
            .map(|v| v.get("Statement").is_some())
            .unwrap_or(true);
        if !is_policy {
            continue; // the OU-to-policy map and similar metadata files
        }
        match policy::parse(&text) {
            Ok(doc) if doc.is_allow_all_only() => allow_all.push(
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            ),
            Ok(_) => {}
            Err(e) => invalid.push((
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                e,
            )),
        }
    }
    // The FullAWSAccess content, and the syntax page's single-object form of the same.
    assert_eq!(
        allow_all,
        vec![
            "orgs_manage_policies_scps_strategies__1.json",
            "orgs_manage_policies_scps_syntax__1.json"
        ]
    );
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let (name, error) = &invalid[0];
    assert_eq!(
        name,
        "Service-specific-controls__AWS-IAM__deny-service-specific-credential-by-type.json"
    );
    assert!(error.line > 1 && error.column > 0, "positioned: {error}");
}
