//! Bad input at the command line: every case exits 2 with a message naming the file (and the
//! line and column for parse errors), and leaves no output directory behind. Also pins the
//! top-level `--help`, so a changed flag shows up in review.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use evident::snapshot::{self, *};

fn evident(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evident"))
        .args(args)
        .output()
        .expect("evident runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const QUESTIONNAIRE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/questionnaires/cyber-renewal-aws.yaml"
);

/// A minimal valid snapshot: one standalone account whose calls all failed.
fn write_snapshot(dir: &Path) {
    let now = Utc::now();
    let source = Provenance {
        service: "organizations".into(),
        operation: "DescribeOrganization".into(),
        account: "999999999999".into(),
        region: "us-east-1".into(),
        collected_at: now,
        target: None,
    };
    let not_in_org = CallError {
        kind: ErrorKind::Other,
        code: "AWSOrganizationsNotInUseException".into(),
        message: "not in an organization".into(),
    };
    let snap = Snapshot {
        manifest: Manifest {
            format: "evident.snapshot".into(),
            format_version: FORMAT_VERSION,
            tool_version: "test".into(),
            started_at: now,
            finished_at: now,
            caller_arn: "arn:aws:iam::999999999999:user/tester".into(),
            scope: Scope {
                accounts: vec!["999999999999".into()],
                regions: vec!["us-east-1".into()],
                ..Scope::default()
            },
            files: BTreeMap::new(),
            errors: Vec::new(),
        },
        organization: OrgEvidence {
            organization: Some(Record::err(source, not_in_org)),
            ..OrgEvidence::default()
        },
        accounts: Vec::new(),
        cloudtrail: CloudTrailEvidence::default(),
        identity_center: IdentityCenterEvidence::default(),
    };
    snapshot::save(dir, &snap).expect("saved");
}

fn report(snapshot: &Path, questionnaire: &str, out: &Path) -> Output {
    evident(&[
        "report",
        "--snapshot",
        snapshot.to_str().expect("utf-8"),
        "--questionnaire",
        questionnaire,
        "--out",
        out.to_str().expect("utf-8"),
    ])
}

#[test]
fn missing_snapshot_is_bad_input() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let o = report(&tmp.path().join("nope"), QUESTIONNAIRE, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn malformed_manifest_names_line_and_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    std::fs::write(
        snap.join("manifest.json"),
        "{\n  \"format_version\": 1,\n  oops\n}",
    )
    .expect("write");
    let out = tmp.path().join("out");
    let o = report(&snap, QUESTIONNAIRE, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("manifest.json:3:3"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn newer_snapshot_format_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    let path = snap.join("manifest.json");
    let text = std::fs::read_to_string(&path).expect("read");
    let newer = text.replace("\"format_version\": 1", "\"format_version\": 99");
    std::fs::write(&path, newer).expect("write");
    let o = report(&snap, QUESTIONNAIRE, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("format version 99 is newer"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn edited_snapshot_file_is_refused_and_verify_names_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    let o = evident(&["verify", snap.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    std::fs::write(snap.join("accounts.json"), "[]\n").expect("write");
    let o = report(&snap, QUESTIONNAIRE, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("accounts.json: SHA-256 does not match"),
        "{}",
        stderr(&o)
    );
    let o = evident(&["verify", snap.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("accounts.json"), "{stdout}");
    assert!(!stdout.contains("organization.json"), "{stdout}");
}

#[test]
fn missing_questionnaire_is_bad_input_and_keeps_an_older_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "older report").expect("write");
    let o = report(&snap, "/no/such/questionnaire.yaml", &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("/no/such/questionnaire.yaml"),
        "{}",
        stderr(&o)
    );
    assert!(
        out.join("keep.txt").exists(),
        "a failed run must not touch the old output"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".evident"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging directories left behind: {leftovers:?}"
    );
}

#[test]
fn unknown_flag_is_usage_error() {
    let o = evident(&["report", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_lists_the_commands() {
    let o = evident(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut expected = vec![
        "report",
        "fill",
        "verify",
        "diff",
        "history",
        "questionnaires",
        "probes",
        "policy",
        "help",
    ];
    // The collector is the `aws` feature; without it every other command remains.
    if cfg!(feature = "aws") {
        expected.insert(0, "collect");
    }
    assert_eq!(commands, expected);
}

/// Regression: `--out` pointing at a directory evident did not write (a documents folder,
/// `.`, the snapshot itself) used to be deleted and replaced.
#[test]
fn out_directory_not_written_by_evident_is_never_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    std::fs::write(docs.join("thesis.txt"), "mine").expect("write");

    for out in [docs.as_path(), snap.as_path(), tmp.path()] {
        let o = report(&snap, QUESTIONNAIRE, out);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains("refusing to replace"), "{}", stderr(&o));
    }
    assert!(docs.join("thesis.txt").is_file());
    assert!(snap.join("manifest.json").is_file());

    // An earlier report is an evident output: it is replaced, and verify accepts the new one.
    let out = tmp.path().join("report");
    for _ in 0..2 {
        let o = report(&snap, QUESTIONNAIRE, &out);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = evident(&["verify", out.to_str().expect("utf-8")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Regression: a manifest line naming a path outside the directory made verify read it.
#[test]
fn verify_reads_nothing_outside_the_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    write_snapshot(&snap);
    let out = tmp.path().join("report");
    assert_eq!(report(&snap, QUESTIONNAIRE, &out).status.code(), Some(0));

    let manifest = out.join("manifest.sha256");
    let mut text = std::fs::read_to_string(&manifest).expect("read");
    text.push_str("0000  ../../../../dev/zero\n");
    std::fs::write(&manifest, text).expect("write");
    std::fs::write(out.join("extra.html"), "<script>").expect("write");
    let o = evident(&["verify", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("outside the report"), "{stdout}");
    assert!(
        stdout.contains("extra.html: present but not listed"),
        "{stdout}"
    );

    let path = snap.join("manifest.json");
    let text = std::fs::read_to_string(&path).expect("read");
    let foreign = text.replace(
        "\"files\": {",
        "\"files\": {\n    \"../../etc/passwd\": \"00\",",
    );
    std::fs::write(&path, foreign).expect("write");
    let o = evident(&["verify", snap.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("../../etc/passwd"));
}
