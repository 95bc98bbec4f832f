//! The evidence packet of every committed sample, as an auditor receives it: `evident report`
//! run on the sample snapshots with both bundled questionnaires and the sample attestations,
//! then read back with poppler (`pdftotext`, `pdffonts`) and checked with `sha256sum -c` and
//! `evident verify`.
//!
//! These tests check what the packet must carry (every question id, the snapshot manifest's
//! hash, the hash of answers.json), that the same inputs and `--date` give the same bytes, and
//! that a CJK account name survives into the text. Without poppler they print a skip note,
//! except under `CI=true`, where a missing tool is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

/// The samples `scripts/make-samples` collected from the moto scenarios.
const SAMPLES: [&str; 3] = ["single-account", "landing-zone", "mid-migration"];
/// The generation time every test pins.
const DATE: &str = "2026-12-04T09:00:00Z";
/// A CJK account name with the other characters the packet must render: Japanese ("accounting,
/// production"), a German umlaut and a dash.
const CJK_NAME: &str = "経理-本番 Zürich — 数据";

/// Runs `evident report` on `snapshot` with both questionnaires and the sample attestations.
fn report(snapshot: &Path, out: &Path) -> Output {
    let root = common::repo_root();
    let output = common::evident()
        .arg("report")
        .arg("--snapshot")
        .arg(snapshot)
        .arg("--questionnaire")
        .arg(common::questionnaire("cyber-renewal-aws.yaml"))
        .arg(common::questionnaire("soc2-aws.yaml"))
        .arg("--attestations")
        .arg(root.join("samples/attestations.yaml"))
        .args(["--date", DATE])
        .arg("--out")
        .arg(out)
        .output()
        .expect("run evident report");
    assert!(
        output.status.success(),
        "evident report {} failed: {}",
        snapshot.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn sample(name: &str) -> PathBuf {
    common::repo_root().join("samples").join(name)
}

fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    hex::encode(Sha256::digest(bytes))
}

/// Every question id in answers.json, with its questionnaire.
fn question_ids(answers_json: &Path) -> Vec<String> {
    let answers = common::read_json(answers_json);
    let mut ids = Vec::new();
    for q in answers["questionnaires"]
        .as_array()
        .expect("questionnaires[]")
    {
        for a in q["answers"].as_array().expect("answers[]") {
            ids.push(a["question"].as_str().expect("question id").to_string());
        }
    }
    ids
}

#[test]
fn every_sample_packet_shows_every_question_id_and_the_hashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in SAMPLES {
        let out = dir.path().join(name);
        report(&sample(name), &out);
        if !common::have_poppler("pdftotext") {
            return;
        }
        let text = common::pdf_text(&out.join("report.pdf"), false);
        // Regression: a template line Typst read as markup printed itself above the cover.
        assert!(
            text.starts_with("AWS evidence report"),
            "{name}: the packet does not open with its cover: {}",
            &text[..text.len().min(300)]
        );

        let ids = question_ids(&out.join("answers.json"));
        assert!(ids.len() >= 20, "{name}: only {} questions", ids.len());
        for id in &ids {
            assert!(
                text.contains(id.as_str()),
                "{name}: packet lacks question {id}"
            );
        }
        let manifest_hash = sha256_file(&sample(name).join("manifest.json"));
        let answers_hash = sha256_file(&out.join("answers.json"));
        for (what, hash) in [
            ("manifest", &manifest_hash),
            ("answers.json", &answers_hash),
        ] {
            assert!(
                text.contains(hash.as_str()),
                "{name}: packet lacks the {what} hash"
            );
        }
        for heading in [
            "Contents",
            "Answer summary",
            "Exceptions register",
            "Attestation register",
            "Appendix: scope",
            "Appendix: integrity",
        ] {
            assert!(text.contains(heading), "{name}: packet lacks {heading:?}");
        }
    }
}

#[test]
fn report_manifest_checks_with_sha256sum_and_covers_the_snapshot_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report");
    report(&sample("landing-zone"), &out);

    let listing = std::fs::read_to_string(out.join("manifest.sha256")).expect("manifest");
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|p| p.1)
        .collect();
    assert_eq!(
        names,
        [
            "answers.json",
            "answers.xlsx",
            "report.html",
            "report.pdf",
            "snapshot-manifest.json"
        ]
    );
    assert_eq!(
        std::fs::read(out.join("snapshot-manifest.json")).expect("copy"),
        std::fs::read(sample("landing-zone").join("manifest.json")).expect("original"),
        "the copy is byte for byte the snapshot's manifest"
    );

    match Command::new("sha256sum")
        .args(["-c", "manifest.sha256"])
        .current_dir(&out)
        .output()
    {
        Ok(check) => assert!(
            check.status.success(),
            "sha256sum -c: {}",
            String::from_utf8_lossy(&check.stdout)
        ),
        Err(_) => eprintln!("skipping sha256sum -c: sha256sum not found"),
    }
    let verify = common::evident()
        .arg("verify")
        .arg(&out)
        .output()
        .expect("verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

/// Regression guard for the one link `manifest.sha256` cannot show: a snapshot manifest copy
/// swapped together with a rewritten manifest.sha256 no longer matches answers.json.
#[test]
fn verify_names_a_snapshot_manifest_copy_answers_json_does_not_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report");
    report(&sample("landing-zone"), &out);

    let other = std::fs::read(sample("single-account").join("manifest.json")).expect("read");
    std::fs::write(out.join("snapshot-manifest.json"), &other).expect("swap");
    let listing = std::fs::read_to_string(out.join("manifest.sha256")).expect("manifest");
    let rewritten: String = listing
        .lines()
        .map(|line| match line.split_once("  ") {
            Some((_, "snapshot-manifest.json")) => {
                format!(
                    "{}  snapshot-manifest.json\n",
                    hex::encode(Sha256::digest(&other))
                )
            }
            _ => format!("{line}\n"),
        })
        .collect();
    std::fs::write(out.join("manifest.sha256"), rewritten).expect("rewrite");

    let verify = common::evident()
        .arg("verify")
        .arg(&out)
        .output()
        .expect("verify");
    let stdout = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("snapshot-manifest.json"), "{stdout}");
    assert!(stdout.contains("answers.json names"), "{stdout}");
}

#[test]
fn same_inputs_and_date_give_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    report(&sample("mid-migration"), &first);
    report(&sample("mid-migration"), &second);

    for file in ["report.pdf", "answers.xlsx", "manifest.sha256"] {
        assert!(
            std::fs::read(first.join(file)).expect("first")
                == std::fs::read(second.join(file)).expect("second"),
            "{file} differs between two runs with the same --date"
        );
    }
    let answers = common::read_json(&first.join("answers.json"));
    assert_eq!(answers["generated_at"], "2026-12-04T09:00:00Z");
}

/// Copies `from` to `to`, renaming the account named `account` in organization.json and
/// re-recording that file's hash in the copied manifest, so the snapshot loads as collected.
fn snapshot_with_account_name(from: &Path, to: &Path, account: &str, name: &str) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read sample").flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    let mut org = common::read_json(&to.join("organization.json"));
    let accounts = org["accounts"]["ok"].as_array_mut().expect("accounts.ok[]");
    let found = accounts
        .iter_mut()
        .find(|a| a["name"] == account)
        .expect("account in sample");
    found["name"] = name.into();
    let bytes = serde_json::to_vec_pretty(&org).expect("serialize");
    std::fs::write(to.join("organization.json"), &bytes).expect("write");

    let mut manifest = common::read_json(&to.join("manifest.json"));
    manifest["files"]["organization.json"] = hex::encode(Sha256::digest(&bytes)).into();
    let text = serde_json::to_vec_pretty(&manifest).expect("serialize");
    std::fs::write(to.join("manifest.json"), text).expect("write");
}

/// CJK, ü, — and the ✓ ✗ status marks all render and extract as text.
#[test]
fn cjk_account_name_renders_in_the_scope_appendix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snapshot");
    // By name: the sample's account ids change each time scripts/make-samples runs.
    snapshot_with_account_name(&sample("landing-zone"), &snapshot, "audit", CJK_NAME);
    let out = dir.path().join("report");
    report(&snapshot, &out);
    if !(common::have_poppler("pdftotext") && common::have_poppler("pdffonts")) {
        return;
    }

    let text = common::pdf_text(&out.join("report.pdf"), false);
    assert!(
        text.contains(CJK_NAME),
        "the CJK name did not survive: {text}"
    );
    for mark in ["✓ pass", "✗ fail", "—"] {
        assert!(text.contains(mark), "the packet lacks {mark:?}");
    }
    assert!(
        !text.contains('\u{fffd}'),
        "a character could not be mapped: {text}"
    );
    let fonts = Command::new("pdffonts")
        .arg(out.join("report.pdf"))
        .output()
        .expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts.contains("DroidSansFallback"),
        "the CJK fallback is not embedded: {fonts}"
    );
}
