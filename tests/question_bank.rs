//! The question bank: every questionnaire file under `questionnaires/` is bundled and loads,
//! ids are unique, the carrier files share the four AWS questions and say they are not the
//! carrier's form, `soc2-aws` covers every Security, Availability and Confidentiality
//! criterion, and `evident report` answers all of them on the landing-zone sample.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use evident::questionnaire::{self, AnswerType, Kind, Questionnaire, Source, BUNDLED};
use serde_json::Value;

/// The four AWS questions every carrier file asks, with the ids of `cyber-renewal-aws`.
const AWS_QUESTIONS: [&str; 4] = [
    "aws-separate-accounts",
    "aws-scp-ou-enforced",
    "aws-cloudtrail-audit-account",
    "aws-identity-center",
];

/// Security (common criteria), Availability and Confidentiality.
const CRITERIA: [&str; 38] = [
    "CC1.1", "CC1.2", "CC1.3", "CC1.4", "CC1.5", "CC2.1", "CC2.2", "CC2.3", "CC3.1", "CC3.2",
    "CC3.3", "CC3.4", "CC4.1", "CC4.2", "CC5.1", "CC5.2", "CC5.3", "CC6.1", "CC6.2", "CC6.3",
    "CC6.4", "CC6.5", "CC6.6", "CC6.7", "CC6.8", "CC7.1", "CC7.2", "CC7.3", "CC7.4", "CC7.5",
    "CC8.1", "CC9.1", "CC9.2", "A1.1", "A1.2", "A1.3", "C1.1", "C1.2",
];

/// The ids `soc2-aws` had before it covered every criterion; answers and history key on them.
const SOC2_FIRST_IDS: [&str; 14] = [
    "cc6.1-identity-center",
    "cc6.1-root-mfa",
    "cc6.1-guardrails",
    "cc6.1-account-separation",
    "cc6.1-access-policy",
    "cc6.2-central-provisioning",
    "cc6.2-approval-before-access",
    "cc6.3-admin-count",
    "cc6.3-access-reviews",
    "cc6.3-timely-removal",
    "cc7.2-central-audit-trail",
    "cc7.2-alert-triage",
    "cc8.1-environment-separation",
    "cc8.1-change-approval",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every bundled questionnaire with its path under `questionnaires/`.
fn bank() -> Vec<(&'static str, Questionnaire)> {
    let loaded = questionnaire::bundled().unwrap_or_else(|err| panic!("{err}"));
    BUNDLED.iter().map(|(file, _)| *file).zip(loaded).collect()
}

fn find<'a>(bank: &'a [(&str, Questionnaire)], id: &str) -> &'a Questionnaire {
    bank.iter()
        .map(|(_, q)| q)
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no bundled questionnaire `{id}`"))
}

/// The YAML files under `dir`, as paths relative to `base` with `/` separators.
fn yaml_files(base: &Path, dir: &Path, found: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            yaml_files(base, &path, found);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let relative = path.strip_prefix(base).expect("under base");
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            found.insert(parts.join("/"));
        }
    }
}

/// The probes behind a question, or `None` for an attestation question.
fn probes(q: &questionnaire::Question) -> Option<&[String]> {
    match &q.source {
        Source::Probes { probes, .. } => Some(probes),
        Source::Attestation => None,
    }
}

#[test]
fn every_questionnaire_file_is_bundled_and_loads_the_same_from_its_path() {
    let base = root().join("questionnaires");
    let mut on_disk = BTreeSet::new();
    yaml_files(&base, &base, &mut on_disk);
    let bundled: BTreeSet<String> = BUNDLED.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        on_disk, bundled,
        "every file under questionnaires/ is embedded"
    );

    for (file, embedded) in bank() {
        let from_path = questionnaire::load(&base.join(file)).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            from_path.warnings.is_empty(),
            "{file}: {:?}",
            from_path.warnings
        );
        assert_eq!(from_path.sections, embedded.sections, "{file}");
        let stem = file
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml"));
        assert_eq!(
            Some(embedded.id.as_str()),
            stem,
            "{file}: id is the file stem"
        );
    }
}

#[test]
fn question_ids_are_unique_in_each_file_and_lowercase() {
    for (file, q) in bank() {
        let mut seen = BTreeSet::new();
        for (_, question) in q.questions() {
            let id = question.id.as_str();
            assert!(seen.insert(id), "{file}: `{id}` appears twice");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(c)),
                "{file}: `{id}` is not lowercase kebab case"
            );
        }
        assert!(!seen.is_empty(), "{file} has no questions");
    }
}

/// One attestations file, written as a plain list, answers every questionnaire that shares a
/// question id; that only works when the id means the same question everywhere.
#[test]
fn a_question_id_shared_between_files_keeps_its_type_and_its_basis() {
    let mut first: BTreeMap<String, (String, AnswerType, Option<Vec<String>>)> = BTreeMap::new();
    for (file, q) in bank() {
        for (_, question) in q.questions() {
            let probes = probes(question).map(<[String]>::to_vec);
            let this = (file.to_string(), question.answer_type.clone(), probes);
            match first.get(&question.id) {
                None => {
                    first.insert(question.id.clone(), this);
                }
                Some((where_first, answer_type, probes)) => {
                    assert_eq!(
                        (answer_type, probes),
                        (&this.1, &this.2),
                        "`{}` differs between {where_first} and {file}",
                        question.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_carrier_file_asks_the_four_aws_questions_and_says_it_is_not_the_carriers_form() {
    let bank = bank();
    let reference = find(&bank, "cyber-renewal-aws");
    let carriers: Vec<&(&str, Questionnaire)> = bank
        .iter()
        .filter(|(file, _)| file.starts_with("carriers/"))
        .collect();
    let ids: BTreeSet<&str> = carriers.iter().map(|(_, q)| q.id.as_str()).collect();
    let expected = [
        "at-bay",
        "coalition",
        "cowbell",
        "ransomware-supplemental",
        "resilience",
    ];
    assert_eq!(ids, BTreeSet::from(expected));

    for (file, q) in carriers {
        assert_eq!(q.kind, Kind::Insurance, "{file}");
        let notice = q
            .notice
            .as_deref()
            .unwrap_or_else(|| panic!("{file}: no notice"));
        assert!(
            notice.contains("NOT") && notice.contains("official form"),
            "{file}: the notice must say it is not the official form: {notice}"
        );
        for id in AWS_QUESTIONS {
            let ours = q
                .question(id)
                .unwrap_or_else(|| panic!("{file}: no `{id}`"));
            let theirs = reference.question(id).expect("the reference asks it");
            assert_eq!(ours.answer_type, theirs.answer_type, "{file}: {id}");
            assert_eq!(probes(ours), probes(theirs), "{file}: {id}");
        }
        let attested = q.questions().filter(|(_, x)| !x.is_automated()).count();
        assert!(attested > 0 && q.automated_count() > 0, "{file}");
    }
}

#[test]
fn soc2_aws_covers_every_criterion_and_says_what_aws_shows_and_what_is_attested() {
    let bank = bank();
    let q = find(&bank, "soc2-aws");
    for id in SOC2_FIRST_IDS {
        assert!(q.question(id).is_some(), "`{id}` was renamed or removed");
    }
    for criterion in CRITERIA {
        let section = q
            .sections
            .iter()
            .find(|s| s.title.starts_with(&format!("{criterion}: ")))
            .unwrap_or_else(|| panic!("no section for {criterion}"));
        assert!(
            section
                .questions
                .iter()
                .all(|x| x.criteria.iter().any(|c| c == criterion)),
            "{criterion}: every question of its section supports it"
        );
        let statement = section.questions.iter().find(|x| {
            !x.is_automated()
                && x.guidance
                    .as_deref()
                    .is_some_and(|g| g.contains("AWS evidence") && g.contains("Attest"))
        });
        assert!(
            statement.is_some(),
            "{criterion}: an attestation question whose guidance says what the AWS evidence \
             covers and what must be attested"
        );
    }
    let with_probes: BTreeSet<&str> = q
        .questions()
        .filter(|(_, x)| x.is_automated())
        .flat_map(|(_, x)| x.criteria.iter().map(String::as_str))
        .collect();
    for criterion in [
        "CC5.2", "CC6.1", "CC6.3", "CC6.6", "CC7.1", "CC7.2", "A1.2", "C1.1",
    ] {
        assert!(
            with_probes.contains(criterion),
            "{criterion} has no automated question"
        );
    }
}

#[test]
fn the_common_findings_are_the_five_with_their_evidence() {
    let bank = bank();
    let q = find(&bank, "soc2-common-findings");
    assert_eq!(q.kind, Kind::Soc2);
    assert_eq!(q.sections.len(), 5);
    let probes_of = |n: usize| -> BTreeSet<String> {
        q.sections[n]
            .questions
            .iter()
            .filter_map(probes)
            .flatten()
            .cloned()
            .collect()
    };
    let expected: [&[&str]; 5] = [
        &["org.separate-environments"],
        &["identity.admin-sprawl", "guardrails.no-iam-users"],
        &[],
        &["org.scp-at-ou"],
        &[
            "trail.audit-account",
            "trail.logs-unreachable-from-workloads",
        ],
    ];
    for (n, probes) in expected.iter().enumerate() {
        assert!(
            q.sections[n]
                .title
                .starts_with(&format!("Finding {}: ", n + 1)),
            "{}",
            q.sections[n].title
        );
        let used = probes_of(n);
        for probe in *probes {
            assert!(used.contains(*probe), "finding {}: {probe} not used", n + 1);
        }
    }
    // Tenant isolation is inside the application: no API shows it, so it is attested.
    assert!(q.sections[2].questions.iter().all(|x| !x.is_automated()));
}

#[test]
fn the_landing_zone_checklist_uses_every_architecture_probe() {
    let bank = bank();
    let q = find(&bank, "landing-zone");
    let used: BTreeSet<&str> = q
        .questions()
        .filter_map(|(_, x)| probes(x))
        .flatten()
        .map(String::as_str)
        .collect();
    for probe in [
        "org.management-no-workloads",
        "org.security-ou",
        "org.separate-environments",
        "cost.sandbox-budgets",
        "org.scp-at-ou",
        "guardrails.protect-audit-logging",
        "guardrails.no-iam-users",
        "guardrails.region-restriction",
        "trail.audit-account",
        "trail.coverage",
        "logs.archive-immutable",
        "trail.logs-unreachable-from-workloads",
        "identity.identity-center",
        "detect.guardduty",
        "detect.security-hub",
        "detect.config",
        "backup.immutable-cross-account",
        "s3.account-public-access-block",
    ] {
        assert!(used.contains(probe), "landing-zone does not check {probe}");
    }
}

fn evident() -> Command {
    Command::new(env!("CARGO_BIN_EXE_evident"))
}

#[test]
fn the_listing_counts_every_bundled_questionnaire() {
    let out = evident().arg("questionnaires").output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for (file, q) in bank() {
        let total = q.questions().count();
        let automated = q.automated_count();
        let row: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with(&format!("{} ", q.id)))
            .unwrap_or_else(|| panic!("{} is not listed:\n{text}", q.id))
            .split_whitespace()
            .collect();
        let expected = [
            q.id.clone(),
            q.kind.as_str().to_string(),
            file.to_string(),
            total.to_string(),
            automated.to_string(),
            (total - automated).to_string(),
        ];
        assert_eq!(row, expected);
    }
}

#[test]
fn report_on_the_landing_zone_sample_answers_every_bundled_questionnaire_by_id() {
    let bank = bank();
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("report");
    let mut command = evident();
    command
        .arg("report")
        .arg("--snapshot")
        .arg(root().join("samples/landing-zone"))
        .arg("--attestations")
        .arg(root().join("samples/attestations.yaml"))
        .arg("--date")
        .arg("2026-12-01")
        .arg("--out")
        .arg(&out_dir)
        .arg("--questionnaire");
    for (_, q) in &bank {
        command.arg(&q.id);
    }
    let out = command.output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let text = std::fs::read_to_string(out_dir.join("answers.json")).expect("answers.json");
    let answers: Value = serde_json::from_str(&text).expect("json");
    let sets = answers["questionnaires"]
        .as_array()
        .expect("questionnaires");
    assert_eq!(sets.len(), bank.len());
    for (set, (_, q)) in sets.iter().zip(&bank) {
        assert_eq!(set["id"], q.id.as_str());
        let answered: Vec<&str> = set["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .filter_map(|a| a["question"].as_str())
            .collect();
        let asked: Vec<&str> = q.questions().map(|(_, x)| x.id.as_str()).collect();
        assert_eq!(answered, asked, "{}", q.id);
        for a in set["answers"].as_array().into_iter().flatten() {
            if a["answer"] == "Yes" && a["basis"] == "automated" {
                for e in a["evidence"].as_array().into_iter().flatten() {
                    assert_eq!(
                        e["outcome"], "pass",
                        "{}/{}: Yes on {e}",
                        q.id, a["question"]
                    );
                }
            }
        }
    }
}
