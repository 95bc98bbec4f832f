//! Questionnaire and attestation loading from files, every bad input with the exact
//! `file:line:column` it is reported at, and the answering rules end to end on the bundled
//! questionnaires with probe outcomes built by hand.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use evident::answers::{Answer, AnswerStatus, Basis};
use evident::probes::{Outcome, Status};
use evident::questionnaire::{
    self, load, load_attestations, load_attestations_str, AnswerType, Attestations, Kind,
    Questionnaire, Source,
};
use pretty_assertions::assert_eq;
use serde_json::Value;

/// The head every bad questionnaire below shares; questions start on line 8.
const HEAD: &str = "\
id: bad
title: Bad
kind: insurance
version: '1'
sections:
  - title: AWS
    questions:
";

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, text).expect("write a test file");
    path
}

/// Loads `questions` after [`HEAD`] from a file and returns each problem as
/// `line:column: message`, having checked that every one starts with the file's path.
fn problems(questions: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir, "bad.yaml", &format!("{HEAD}{questions}"));
    let err = load(&path).expect_err("the questionnaire is bad");
    let prefix = format!("{}:", path.display());
    err.to_string()
        .lines()
        .map(|line| match line.strip_prefix(&prefix) {
            Some(rest) => rest.to_string(),
            None => panic!("`{line}` does not start with `{prefix}`"),
        })
        .collect()
}

fn bundled(id: &str) -> Questionnaire {
    load(&repo_path(&format!("questionnaires/{id}.yaml"))).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------
// The bundled files

#[test]
fn both_bundled_questionnaires_load_from_their_files_without_warnings() {
    for (id, kind) in [
        ("cyber-renewal-aws", Kind::Insurance),
        ("soc2-aws", Kind::Soc2),
    ] {
        let q = bundled(id);
        assert_eq!((q.id.as_str(), q.kind), (id, kind));
        assert!(q.warnings.is_empty(), "{:?}", q.warnings);
    }
    let embedded = questionnaire::bundled().unwrap_or_else(|e| panic!("{e}"));
    for id in ["cyber-renewal-aws", "soc2-aws"] {
        assert!(embedded.iter().any(|q| q.id == id), "{id} is not embedded");
    }
}

#[test]
fn a_bare_bundled_id_loads_the_embedded_questionnaire() {
    let q = load(Path::new("soc2-aws")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (q.id.as_str(), q.source.as_str()),
        ("soc2-aws", "bundled:soc2-aws.yaml")
    );
}

#[test]
fn the_carrier_aws_questions_keep_their_agreed_ids_types_and_probes() {
    let q = bundled("cyber-renewal-aws");
    let expected = [
        (
            "aws-separate-accounts",
            AnswerType::YesNo,
            "org.separate-environments",
        ),
        ("aws-scp-ou-enforced", AnswerType::YesNo, "org.scp-at-ou"),
        (
            "aws-cloudtrail-audit-account",
            AnswerType::YesNo,
            "trail.audit-account",
        ),
        (
            "aws-identity-center",
            AnswerType::YesNo,
            "identity.identity-center",
        ),
        ("aws-root-mfa", AnswerType::YesNo, "identity.root-mfa"),
        (
            "aws-admin-sprawl",
            AnswerType::Number,
            "identity.admin-sprawl",
        ),
    ];
    for (id, answer_type, probe) in expected {
        let question = q.question(id).unwrap_or_else(|| panic!("{id} is missing"));
        assert_eq!(question.answer_type, answer_type, "{id}");
        let Source::Probes { probes, .. } = &question.source else {
            panic!("{id} should be automated")
        };
        assert_eq!(probes, &vec![probe.to_string()], "{id}");
    }
}

#[test]
fn each_soc2_criterion_has_automated_and_attested_questions() {
    let q = bundled("soc2-aws");
    for criterion in ["CC6.1", "CC6.2", "CC6.3", "CC7.2", "CC8.1"] {
        let serving: Vec<_> = q
            .questions()
            .map(|(_, question)| question)
            .filter(|question| question.criteria.iter().any(|c| c == criterion))
            .collect();
        assert!(
            serving.iter().any(|q| q.is_automated()),
            "{criterion}: no automated question"
        );
        assert!(
            serving.iter().any(|q| !q.is_automated()),
            "{criterion}: no attestation"
        );
        for question in serving {
            assert!(
                question.id.starts_with(&criterion.to_lowercase()),
                "{}",
                question.id
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bad questionnaires: each problem with its position

#[test]
fn an_unknown_probe_names_the_closest_one() {
    let found = problems(
        "      - id: q1
        text: Separate accounts?
        type: yes_no
        probes: [org.separate-enviroments]
",
    );
    assert_eq!(
        found,
        [
            "11:18: unknown probe `org.separate-enviroments`; did you mean \
          `org.separate-environments`?"
        ]
    );
}

#[test]
fn a_duplicate_question_id_says_where_the_first_one_is() {
    let found = problems(
        "      - id: q1
        text: One
        type: yes_no
        probes: [identity.root-mfa]
      - id: q1
        text: Two
        type: yes_no
        attestation: true
",
    );
    assert_eq!(
        found,
        ["12:13: duplicate question id `q1` (first defined at line 8, column 13)"]
    );
}

#[test]
fn bad_answer_mappings_are_each_reported() {
    let found = problems(
        "      - id: q1
        text: Root MFA?
        type: yes_no
        probes: [identity.root-mfa]
        answers:
          pass: 'Yes'
          partial: Partial
          passed: 'Yes'
          unknown: 'No'
      - id: q2
        text: How many admins?
        type: number
        probes: [identity.admin-sprawl]
        answers:
          not_applicable: none
",
    );
    assert_eq!(
        found,
        [
            "14:20: answer `Partial` for `partial` does not fit a yes_no question: expected one \
             of `Yes`, `No`, or `N/A`",
            "15:11: unknown outcome `passed` in `answers`; expected pass, fail, partial or \
             not_applicable",
            "16:11: `unknown` cannot be mapped: missing evidence always leaves the answer blank \
             for review",
            "22:27: answer `none` for `not_applicable` does not fit a number question: \
             expected a number, or `N/A`",
        ]
    );
}

#[test]
fn missing_and_unknown_fields_are_reported() {
    let found = problems(
        "      - id: q1
        type: yes_no
        probe: [identity.root-mfa]
        colour: red
",
    );
    assert_eq!(
        found,
        [
            "8:9: missing field `text` in question",
            "8:9: question has neither `probes` nor `attestation: true`",
            "10:9: unknown field `probe` in question; did you mean `probes`?",
            "11:9: unknown field `colour` in question; expected one of: id, text, type, \
             choices, probes, rule, answers, attestation, guidance, criteria",
        ]
    );
}

#[test]
fn a_missing_top_level_field_points_at_the_start_of_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "q.yaml",
        "id: q\ntitle: Q\nkind: broker\nsections: []\n",
    );
    let err = load(&path).expect_err("bad");
    let shown = err.to_string().replace(&format!("{}:", path.display()), "");
    assert_eq!(
        shown,
        "1:1: missing field `version` in questionnaire\n\
         3:7: unknown kind `broker`; expected insurance or soc2\n\
         4:11: `sections` is empty"
    );
}

#[test]
fn a_question_needs_probes_or_an_attestation_but_not_both() {
    let found = problems(
        "      - id: q1
        text: Neither
        type: yes_no
      - id: q2
        text: Both
        type: yes_no
        attestation: true
        probes: [identity.root-mfa]
      - id: q3
        text: Empty list
        type: yes_no
        probes: []
",
    );
    assert_eq!(
        found,
        [
            "8:9: question has neither `probes` nor `attestation: true`",
            "15:17: a question is answered by `probes` or by `attestation: true`, not both",
            "19:17: `probes` is empty; list probe ids or use `attestation: true`",
        ]
    );
}

#[test]
fn type_specific_rules_are_checked() {
    let found = problems(
        "      - id: q1
        text: Count
        type: number
        probes: [identity.admin-sprawl, identity.root-mfa]
      - id: q2
        text: Pick
        type: choice
        choices: [Good, Bad]
        probes: [org.scp-at-ou]
        answers: {pass: Good}
      - id: q3
        text: Kind of
        type: maybe
        attestation: true
      - id: q4
        text: Criteria
        type: yes_no
        choices: [A]
        attestation: true
        criteria: [CC6.1, cc7.2]
",
    );
    assert_eq!(
        found,
        [
            "11:17: a `number` question takes its value from exactly one probe",
            "12:9: a `choice` question with probes must map `fail` to one of its choices in \
             `answers`",
            "20:15: unknown type `maybe`; expected one of yes_no, yes_no_partial, number, text, \
             choice",
            "25:18: `choices` only applies to `choice` questions",
            "27:27: `cc7.2` is not a Trust Services Criteria id (CC6.1, A1.2, C1.1, PI1.3, P4.2)",
        ]
    );
}

#[test]
fn a_yaml_syntax_error_has_its_position() {
    let found = problems(
        "      - id: q1
        text: \"unterminated
        type: yes_no
",
    );
    assert_eq!(
        found,
        ["9:15: YAML syntax error: invalid indentation in quoted scalar"]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_in_one_run() {
    let found = problems(
        "      - id: q1
        text: One
        type: yes_no
        probes: [org.scp-at-uo]
      - id: Q 2
        text: Two
        type: yes_no
        attestation: yes
      - id: q1
        text: Three
        type: yes_no_partial
        probes: [trail.audit-acount]
",
    );
    let lines: Vec<&str> = found
        .iter()
        .map(|p| p.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        lines,
        ["11:18", "12:13", "15:22", "16:13", "19:18"],
        "{found:#?}"
    );
}

#[test]
fn a_missing_file_names_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nowhere.yaml");
    let err = load(&path).expect_err("missing");
    let shown = err.to_string();
    assert!(shown.starts_with(&format!("{}: cannot read questionnaire:", path.display())));
    assert!(
        shown.contains("bundled questionnaires: cyber-renewal-aws, soc2-aws"),
        "{shown}"
    );

    let err = load_attestations(&path).expect_err("missing");
    assert!(err
        .to_string()
        .starts_with(&format!("{}: cannot read attestations:", path.display())));
}

#[test]
fn answers_on_an_attestation_question_load_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "{HEAD}      - id: q1
        text: EDR everywhere?
        type: yes_no
        attestation: true
        answers: {{pass: 'Yes'}}
"
    );
    let path = write(&dir, "warn.yaml", &text);
    let q = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = q.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [format!(
            "{}:12:18: `answers` has no effect on an attestation question (the attestation \
             gives the answer); remove it",
            path.display()
        )]
    );
}

// ---------------------------------------------------------------------------------------
// Attestation files

#[test]
fn the_sample_attestations_answer_every_attestation_question() {
    let set = load_attestations(&repo_path("samples/attestations.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let all = questionnaire::bundled().unwrap_or_else(|e| panic!("{e}"));
    assert!(all.len() > 2, "{} bundled questionnaires", all.len());
    for q in &all {
        let answered = questionnaire::answer(q, &[], &set, day(2026, 12, 3));
        for a in answered
            .answers
            .iter()
            .filter(|a| a.basis != Basis::Automated)
        {
            assert_eq!(
                a.status,
                AnswerStatus::Attested,
                "{}/{}: {}",
                q.id,
                a.question,
                a.summary
            );
        }
    }
    // An entry that no bundled question takes is a typo or a leftover.
    for a in set.iter() {
        assert!(
            all.iter().any(|q| q.question(&a.question).is_some()),
            "{}: no bundled questionnaire has `{}`",
            a.location,
            a.question
        );
    }
}

#[test]
fn a_bad_attestations_file_reports_every_entry() {
    let text = "\
cyber-renewal-aws:
  - question: email-mfa
    answer: 'Yes'
    by: Dana
    date: 18/11/2026
soc2-aws: not a list
";
    let err = load_attestations_str("att.yaml", text).expect_err("bad");
    assert_eq!(
        err.to_string(),
        "att.yaml:5:11: `date` must be a date like 2026-01-31, not `18/11/2026`\n\
         att.yaml:6:11: `soc2-aws` must be a list"
    );
}

// ---------------------------------------------------------------------------------------
// Answering

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const TODAY: (i32, u32, u32) = (2026, 12, 3);

fn answer_all(id: &str, outcomes: &[Outcome], attestations: &str) -> Vec<Answer> {
    let set = if attestations.is_empty() {
        Attestations::default()
    } else {
        load_attestations_str("att.yaml", attestations).unwrap_or_else(|e| panic!("{e}"))
    };
    let (y, m, d) = TODAY;
    questionnaire::answer(&bundled(id), outcomes, &set, day(y, m, d)).answers
}

fn find<'a>(answers: &'a [Answer], id: &str) -> &'a Answer {
    answers
        .iter()
        .find(|a| a.question == id)
        .unwrap_or_else(|| panic!("{id} not answered"))
}

#[test]
fn unknown_leaves_the_answer_blank_and_flags_it() {
    let outcomes = [Outcome::new(
        "identity.root-mfa",
        Status::Unknown,
        "Root MFA unreadable",
    )];
    let all = answer_all("cyber-renewal-aws", &outcomes, "");
    let a = find(&all, "aws-root-mfa");
    assert_eq!(
        (a.status, &a.answer, a.review),
        (AnswerStatus::Unknown, &None, true)
    );
    assert_eq!(a.basis, Basis::Automated);
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(a.evidence[0].outcome, "unknown");
    let json = serde_json::to_value(a).expect("serialises");
    assert_eq!(json["answer"], Value::Null);
}

#[test]
fn partial_on_a_yes_no_question_answers_no_and_says_what_is_not_covered() {
    let outcome = Outcome::new(
        "identity.identity-center",
        Status::Partial,
        "Identity Center is in use, but 2 IAM users hold console passwords",
    )
    .with_accounts(vec!["222222222222".into()]);
    let all = answer_all("cyber-renewal-aws", &[outcome], "");
    let a = find(&all, "aws-identity-center");
    assert_eq!(a.answer, Some(Value::from("No")));
    assert_eq!((a.status, a.review), (AnswerStatus::Partial, true));
    assert_eq!(
        a.summary,
        "Answered \"No\" because the control is only partly in place. Identity Center is in \
         use, but 2 IAM users hold console passwords. Not covered: account 222222222222."
    );
}

#[test]
fn partial_on_a_yes_no_partial_question_answers_partial() {
    let outcome = Outcome::new(
        "identity.identity-center",
        Status::Partial,
        "IAM users remain",
    );
    let all = answer_all("soc2-aws", &[outcome], "");
    let a = find(&all, "cc6.1-identity-center");
    assert_eq!(a.answer, Some(Value::from("Partial")));
    assert_eq!((a.status, a.review), (AnswerStatus::Partial, true));
}

#[test]
fn pass_and_fail_answer_yes_and_no_without_review() {
    let outcomes = [
        Outcome::new("org.scp-at-ou", Status::Pass, "Guardrails on every OU"),
        Outcome::new(
            "trail.audit-account",
            Status::Fail,
            "Trail bucket in the management account",
        ),
        Outcome::new(
            "org.separate-environments",
            Status::NotApplicable,
            "Single account",
        ),
    ];
    let all = answer_all("cyber-renewal-aws", &outcomes, "");
    let pass = find(&all, "aws-scp-ou-enforced");
    assert_eq!(
        (&pass.answer, pass.review),
        (&Some(Value::from("Yes")), false)
    );
    let fail = find(&all, "aws-cloudtrail-audit-account");
    assert_eq!(
        (&fail.answer, fail.status),
        (&Some(Value::from("No")), AnswerStatus::Fail)
    );
    let na = find(&all, "aws-separate-accounts");
    assert_eq!(na.answer, Some(Value::from("N/A")));
}

#[test]
fn a_number_question_uses_the_outcome_value() {
    let outcome =
        Outcome::new("identity.admin-sprawl", Status::Fail, "7 principals").with_value(7.0);
    let all = answer_all("cyber-renewal-aws", &[outcome], "");
    let a = find(&all, "aws-admin-sprawl");
    assert_eq!(
        (&a.answer, a.status),
        (&Some(Value::from(7)), AnswerStatus::Fail)
    );

    let unknown = Outcome::new("identity.admin-sprawl", Status::Unknown, "at least 3");
    let all = answer_all("cyber-renewal-aws", &[unknown.with_value(3.0)], "");
    assert_eq!(find(&all, "aws-admin-sprawl").answer, None);
}

#[test]
fn an_attestation_answers_an_attestation_question() {
    let text = "\
- question: edr-deployed
  answer: partial
  by: Dana Whitfield
  date: 2026-11-18
  expires: 2026-12-03
  note: 5 laptops pending
";
    let all = answer_all("cyber-renewal-aws", &[], text);
    let a = find(&all, "edr-deployed");
    assert_eq!(a.answer, Some(Value::from("Partial")));
    assert_eq!(
        (a.status, a.basis, a.review),
        (AnswerStatus::Attested, Basis::Attested, false)
    );
    assert_eq!(
        a.summary,
        "Attested by Dana Whitfield on 2026-11-18. 5 laptops pending."
    );
    let reference = a.attestation.as_ref().expect("attestation recorded");
    assert_eq!(reference.expires.as_deref(), Some("2026-12-03"));

    let unanswered = find(&all, "email-mfa");
    assert_eq!(
        (unanswered.status, unanswered.basis),
        (AnswerStatus::Unanswered, Basis::None)
    );
    assert_eq!((&unanswered.answer, unanswered.review), (&None, true));
}

#[test]
fn an_expired_attestation_leaves_the_question_unanswered() {
    let text = "\
- question: email-mfa
  answer: 'Yes'
  by: Dana Whitfield
  date: 2025-11-18
  expires: 2026-12-02
";
    let all = answer_all("cyber-renewal-aws", &[], text);
    let a = find(&all, "email-mfa");
    assert_eq!(
        (a.status, &a.answer, a.review),
        (AnswerStatus::Unanswered, &None, true)
    );
    assert_eq!(
        a.summary,
        "Needs an attestation: the attestation by Dana Whitfield on 2025-11-18 expired on \
         2026-12-02."
    );
}

#[test]
fn an_attested_answer_that_does_not_fit_the_type_is_not_used() {
    let text = "- {question: phishing-training, answer: Weekly, by: Dana, date: 2026-11-18}\n";
    let all = answer_all("cyber-renewal-aws", &[], text);
    let a = find(&all, "phishing-training");
    assert_eq!((a.status, &a.answer), (AnswerStatus::Unanswered, &None));
    assert!(
        a.summary.contains("does not fit this choice question"),
        "{}",
        a.summary
    );
}

#[test]
fn a_conflicting_attestation_keeps_the_evidence_answer_and_is_flagged() {
    let outcome = Outcome::new(
        "identity.root-mfa",
        Status::Fail,
        "Root without MFA in 1 of 3",
    );
    let text = "- {question: aws-root-mfa, answer: 'Yes', by: Dana, date: 2026-11-18}\n";
    let all = answer_all("cyber-renewal-aws", &[outcome], text);
    let a = find(&all, "aws-root-mfa");
    assert_eq!(
        (&a.answer, a.status),
        (&Some(Value::from("No")), AnswerStatus::Fail)
    );
    assert_eq!((a.basis, a.review), (Basis::Automated, true));
    assert!(
        a.summary.ends_with(
            "Conflict: attested \"Yes\" by Dana on 2026-11-18, but the evidence answers \"No\"; \
             the evidence answer stands."
        ),
        "{}",
        a.summary
    );
}

#[test]
fn an_agreeing_attestation_is_noted_and_does_not_need_review() {
    let outcome = Outcome::new("identity.root-mfa", Status::Pass, "Root MFA in all 3");
    let text = "- {question: aws-root-mfa, answer: 'yes', by: Dana, date: 2026-11-18}\n";
    let all = answer_all("cyber-renewal-aws", &[outcome], text);
    let a = find(&all, "aws-root-mfa");
    assert_eq!((&a.answer, a.review), (&Some(Value::from("Yes")), false));
    assert_eq!(
        a.summary,
        "Root MFA in all 3. Also attested by Dana on 2026-11-18."
    );
}

#[test]
fn an_attestation_never_fills_in_for_missing_evidence() {
    let outcome = Outcome::new("identity.root-mfa", Status::Unknown, "IAM unreadable");
    let text = "- {question: aws-root-mfa, answer: 'Yes', by: Dana, date: 2026-11-18}\n";
    let all = answer_all("cyber-renewal-aws", &[outcome], text);
    let a = find(&all, "aws-root-mfa");
    assert_eq!(
        (a.status, &a.answer, a.review),
        (AnswerStatus::Unknown, &None, true)
    );
    assert!(
        a.summary.contains("does not replace the missing evidence"),
        "{}",
        a.summary
    );
}
