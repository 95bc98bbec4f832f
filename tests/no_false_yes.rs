//! "Never a false Yes", tested by taking evidence away. For every committed sample snapshot
//! and every bundled questionnaire, each successful API record in the snapshot is replaced in
//! turn by an AccessDenied error, and each member account in turn becomes unreachable; no
//! answer may become "Yes" that was not "Yes" with the full evidence, and every "Yes" must rest
//! on evidence whose every outcome is `pass`.

use std::path::{Path, PathBuf};

use evident::answers::Answers;
use evident::questionnaire::{self, Attestations};
use evident::report::build_answers;
use evident::snapshot::{self, LoadedSnapshot};
use serde_json::{json, Value};

const SAMPLES: [&str; 3] = ["single-account", "mid-migration", "landing-zone"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn questionnaires() -> Vec<questionnaire::Questionnaire> {
    ["cyber-renewal-aws.yaml", "soc2-aws.yaml"]
        .iter()
        .map(|f| questionnaire::load(&root().join("questionnaires").join(f)).expect("loads"))
        .collect()
}

/// Every answer that says "Yes", keyed by questionnaire and question.
fn yes_answers(answers: &Answers) -> Vec<(String, String)> {
    let mut yes = Vec::new();
    for q in &answers.questionnaires {
        for a in &q.answers {
            if a.answer.as_ref().and_then(Value::as_str) == Some("Yes") {
                if a.basis == evident::answers::Basis::Automated {
                    for e in &a.evidence {
                        assert_eq!(
                            e.outcome, "pass",
                            "{}: Yes on {} evidence",
                            a.question, e.outcome
                        );
                    }
                }
                yes.push((q.id.clone(), a.question.clone()));
            }
        }
    }
    yes
}

/// JSON paths (as key/index lists) of every `Ok` record: an object with `source` and `ok`.
fn ok_records(value: &Value, path: &mut Vec<Value>, found: &mut Vec<Vec<Value>>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("source") && map.contains_key("ok") {
                found.push(path.clone());
            }
            for (k, v) in map {
                path.push(json!(k));
                ok_records(v, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(json!(i));
                ok_records(v, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, key| match key {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(i) => &mut v[i.as_u64().expect("index") as usize],
        _ => unreachable!("paths hold keys and indexes"),
    })
}

fn deny(record: &mut Value) {
    let map = record.as_object_mut().expect("record");
    map.remove("ok");
    map.insert(
        "err".into(),
        json!({"kind": "access_denied", "code": "AccessDenied", "message": "taken away by test"}),
    );
}

fn with_snapshot(loaded: &LoadedSnapshot, snap: Value) -> LoadedSnapshot {
    LoadedSnapshot {
        snapshot: evident::snapshot::Snapshot {
            manifest: loaded.snapshot.manifest.clone(),
            organization: serde_json::from_value(snap["organization"].clone()).expect("org"),
            accounts: serde_json::from_value(snap["accounts"].clone()).expect("accounts"),
            cloudtrail: serde_json::from_value(snap["cloudtrail"].clone()).expect("trail"),
            identity_center: serde_json::from_value(snap["identity_center"].clone()).expect("ic"),
        },
        path: loaded.path.clone(),
        manifest_sha256: loaded.manifest_sha256.clone(),
    }
}

fn check_sample(dir: &Path, questionnaires: &[questionnaire::Questionnaire]) -> usize {
    let loaded = snapshot::load(dir).expect("sample loads");
    let none = Attestations::default();
    let baseline = yes_answers(&build_answers(&loaded, questionnaires, &none));
    let s = &loaded.snapshot;
    let full = json!({
        "organization": s.organization,
        "accounts": s.accounts,
        "cloudtrail": s.cloudtrail,
        "identity_center": s.identity_center,
    });
    let mut paths = Vec::new();
    ok_records(&full, &mut Vec::new(), &mut paths);
    assert!(
        paths.len() > 10,
        "{}: expected records, found {}",
        dir.display(),
        paths.len()
    );

    for path in &paths {
        let mut degraded = full.clone();
        deny(at(&mut degraded, path));
        let answers = build_answers(&with_snapshot(&loaded, degraded), questionnaires, &none);
        for yes in yes_answers(&answers) {
            assert!(
                baseline.contains(&yes),
                "{}: {yes:?} became Yes when {path:?} was denied",
                dir.display()
            );
        }
    }

    // Whole accounts out of reach: their session fails and nothing else was read.
    for account in &s.accounts {
        let mut degraded = full.clone();
        let list = degraded["accounts"].as_array_mut().expect("accounts");
        for a in list
            .iter_mut()
            .filter(|a| a["account_id"] == json!(account.account_id))
        {
            deny(&mut a["session"]);
        }
        let answers = build_answers(&with_snapshot(&loaded, degraded), questionnaires, &none);
        for yes in yes_answers(&answers) {
            assert!(
                baseline.contains(&yes),
                "{yes:?} became Yes without account {}",
                account.account_id
            );
        }
    }
    paths.len()
}

#[test]
fn taking_evidence_away_never_produces_yes() {
    let questionnaires = questionnaires();
    for sample in SAMPLES {
        let n = check_sample(&root().join("samples").join(sample), &questionnaires);
        eprintln!("{sample}: {n} records denied one at a time");
    }
}
