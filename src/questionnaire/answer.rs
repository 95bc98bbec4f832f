//! Answering: probe outcomes and attestations in, `answers.json` records out. Pure, so every
//! rule is tested with outcomes built by hand.
//!
//! The rules (DESIGN.md, "Answers"): missing evidence leaves the answer blank and flags it;
//! a `partial` outcome on a `yes_no` question answers "No", keeps the status `partial` and
//! says what is not covered; an attestation answers only attestation questions, and on an
//! automated question it is a second opinion that never replaces the evidence. The blank-
//! answer invariant is enforced once, in [`Draft::finish`].

use chrono::NaiveDate;
use serde_json::Value;

use super::attest::{Attestation, Attestations};
use super::model::{number_value, AnswerType, Question, Questionnaire, Source, NOT_APPLICABLE};
use crate::answers::{Answer, AnswerStatus, Basis, Evidence, QuestionnaireAnswers};
use crate::probes::{Outcome, Status};

/// Answers every question of `questionnaire` from the outcomes of one probe run and the
/// user's attestations. `today` decides which attestations have expired.
pub fn answer(
    questionnaire: &Questionnaire,
    outcomes: &[Outcome],
    attestations: &Attestations,
    today: NaiveDate,
) -> QuestionnaireAnswers {
    warn_unmatched(questionnaire, attestations);
    let answers = questionnaire
        .questions()
        .map(|(section, question)| {
            let attestation = attestations.find(&questionnaire.id, &question.id);
            let in_force = attestation.filter(|a| in_force(a, today));
            let draft = match &question.source {
                Source::Probes { .. } => automated(question, outcomes, in_force),
                Source::Attestation => match (attestation, in_force) {
                    (Some(expired), None) => lapsed(expired),
                    _ => attested(question, in_force),
                },
            };
            draft.finish(question, section)
        })
        .collect();
    QuestionnaireAnswers {
        id: questionnaire.id.clone(),
        title: questionnaire.title.clone(),
        kind: questionnaire.kind.as_str().to_string(),
        version: questionnaire.version.clone(),
        answers,
    }
}

/// An attestation keyed under this questionnaire for a question it does not have is most
/// likely a typo; say so rather than drop it silently. (Unkeyed ones may be meant for another
/// questionnaire, so they cannot be judged here.)
fn warn_unmatched(questionnaire: &Questionnaire, attestations: &Attestations) {
    let keyed = attestations
        .iter()
        .filter(|a| a.questionnaire.as_deref() == Some(&questionnaire.id));
    for attestation in keyed {
        if questionnaire.question(&attestation.question).is_none() {
            tracing::warn!(
                "{}: questionnaire `{}` has no question `{}`; the attestation is not used",
                attestation.location,
                questionnaire.id,
                attestation.question,
            );
        }
    }
}

/// Warns about attestations that can be nobody's: one keyed under a questionnaire id that is
/// neither loaded nor bundled, or an unkeyed one naming a question that no loaded or bundled
/// questionnaire has. Both are most likely typos, and a silently unused attestation leaves a
/// question unanswered. (One attestations file usually serves every questionnaire, so an
/// attestation for a known questionnaire that is not loaded this time is not warned about.)
pub fn warn_unused(questionnaires: &[Questionnaire], attestations: &Attestations) {
    let bundled = super::bundled().unwrap_or_default();
    let known = || questionnaires.iter().chain(&bundled);
    for attestation in attestations.iter() {
        match attestation.questionnaire.as_deref() {
            Some(id) if !known().any(|q| q.id == id) => tracing::warn!(
                "{}: no loaded or bundled questionnaire has the id `{id}`; the attestation is \
                 not used",
                attestation.location,
            ),
            None if !known().any(|q| q.question(&attestation.question).is_some()) => {
                tracing::warn!(
                    "{}: no loaded or bundled questionnaire has a question `{}`; the attestation \
                     is not used",
                    attestation.location,
                    attestation.question,
                )
            }
            _ => {}
        }
    }
}

/// Whether an attestation still holds; an expired one is dropped with a warning, so the
/// question reads as unanswered.
fn in_force(attestation: &Attestation, today: NaiveDate) -> bool {
    if !attestation.is_expired(today) {
        return true;
    }
    tracing::warn!(
        "{}: the attestation of `{}` by {} expired on {}; it is ignored",
        attestation.location,
        attestation.question,
        attestation.by,
        attestation
            .expires
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    false
}

/// An answer before the invariants are applied.
struct Draft {
    answer: Option<Value>,
    status: AnswerStatus,
    basis: Basis,
    summary: String,
    remediation: Option<String>,
    /// Review needed for a reason the status does not show (a conflicting attestation).
    flagged: bool,
    attestation_ref: Option<crate::answers::AttestationRef>,
    evidence: Vec<Evidence>,
}

impl Draft {
    fn new(status: AnswerStatus, basis: Basis, summary: String) -> Self {
        Draft {
            answer: None,
            status,
            basis,
            summary,
            remediation: None,
            flagged: false,
            attestation_ref: None,
            evidence: Vec::new(),
        }
    }

    /// The one place the answer invariants hold: no answer when the status is `unknown` or
    /// `unanswered`, and review for every status that needs it and every blank answer.
    fn finish(self, question: &Question, section: &str) -> Answer {
        let blank = matches!(
            self.status,
            AnswerStatus::Unknown | AnswerStatus::Unanswered
        );
        let answer = if blank { None } else { self.answer };
        let review = self.status.needs_review() || answer.is_none() || self.flagged;
        Answer {
            question: question.id.clone(),
            text: question.text.clone(),
            section: section.to_string(),
            answer_type: question.answer_type.name().to_string(),
            choices: match &question.answer_type {
                AnswerType::Choice(choices) => choices.clone(),
                _ => Vec::new(),
            },
            answer,
            status: self.status,
            basis: self.basis,
            summary: self.summary,
            remediation: self.remediation,
            review,
            criteria: question.criteria.clone(),
            guidance: question.guidance.clone(),
            attestation: self.attestation_ref,
            evidence: self.evidence,
        }
    }
}

/// A question answered by probes.
fn automated(
    question: &Question,
    outcomes: &[Outcome],
    attestation: Option<&Attestation>,
) -> Draft {
    let Source::Probes {
        probes,
        rule,
        answers,
    } = &question.source
    else {
        return attested(question, attestation);
    };

    let used: Vec<Outcome> = probes.iter().map(|id| outcome_for(id, outcomes)).collect();
    let statuses: Vec<Status> = used.iter().map(|o| o.status).collect();
    let status = rule.combine(&statuses);

    let answer = match answers.get(&status) {
        Some(mapped) => Some(mapped.clone()),
        None => default_answer(&question.answer_type, status, &used),
    };
    let summary = summarise(&question.answer_type, status, &used, answer.as_ref());
    let mut draft = Draft::new(answer_status(status), Basis::Automated, summary);
    draft.answer = answer;
    draft.remediation = remediation(&used);
    draft.evidence = used.iter().map(Evidence::from).collect();
    if let Some(attestation) = attestation {
        second_opinion(&mut draft, &question.answer_type, attestation);
    }
    draft
}

/// The outcome of a probe in this run; a probe that did not run is missing evidence.
fn outcome_for(id: &str, outcomes: &[Outcome]) -> Outcome {
    match outcomes.iter().find(|o| o.probe == id) {
        Some(outcome) => outcome.clone(),
        None => Outcome::new(id, Status::Unknown, format!("Probe `{id}` did not run")),
    }
}

fn answer_status(status: Status) -> AnswerStatus {
    match status {
        Status::Pass => AnswerStatus::Pass,
        Status::Fail => AnswerStatus::Fail,
        Status::Partial => AnswerStatus::Partial,
        Status::Unknown => AnswerStatus::Unknown,
        Status::NotApplicable => AnswerStatus::NotApplicable,
    }
}

/// The answer an outcome gives when the questionnaire maps none.
fn default_answer(answer_type: &AnswerType, status: Status, used: &[Outcome]) -> Option<Value> {
    let text = |s: &str| Some(Value::from(s));
    match (answer_type, status) {
        (_, Status::Unknown) => None,
        (_, Status::NotApplicable) => text(NOT_APPLICABLE),
        (AnswerType::YesNo | AnswerType::YesNoPartial, Status::Pass) => text("Yes"),
        (AnswerType::YesNo | AnswerType::YesNoPartial, Status::Fail) => text("No"),
        (AnswerType::YesNo, Status::Partial) => text("No"),
        (AnswerType::YesNoPartial, Status::Partial) => text("Partial"),
        (AnswerType::Number, _) => used.first().and_then(|o| o.value).map(number_value),
        (AnswerType::Text, _) => Some(Value::from(joined_summaries(used))),
        // Loading requires choice questions to map pass and fail; an unmapped partial stays
        // blank and is flagged rather than guessed.
        (AnswerType::Choice(_), _) => None,
    }
}

fn joined_summaries(used: &[Outcome]) -> String {
    match used {
        [one] => one.summary.clone(),
        many => many
            .iter()
            .map(|o| format!("{}: {}", o.probe, o.summary))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// What the reader sees next to the answer: why it is what it is.
fn summarise(
    answer_type: &AnswerType,
    status: Status,
    used: &[Outcome],
    answer: Option<&Value>,
) -> String {
    let found = sentence(&joined_summaries(used));
    match status {
        Status::Unknown => format!("Left blank for review: the evidence is incomplete. {found}"),
        Status::Partial if *answer_type == AnswerType::YesNo => {
            let shown = answer.map(display).unwrap_or_else(|| "blank".to_string());
            let gaps = not_covered(used, &found);
            format!("Answered {shown} because the control is only partly in place. {found}{gaps}")
        }
        _ if answer.is_none() => {
            format!("Left blank for review: no answer is given for a `{status}` outcome. {found}")
        }
        _ => found,
    }
}

/// The accounts and regions the partial or failing probes name, as " Not covered: …", less
/// those the probe summaries already name (most say "not covered: …" themselves).
fn not_covered(used: &[Outcome], said: &str) -> String {
    let short = used
        .iter()
        .filter(|o| matches!(o.status, Status::Partial | Status::Fail));
    let mut scope: Vec<String> = Vec::new();
    for outcome in short {
        let accounts = outcome
            .accounts
            .iter()
            .filter(|a| !said.contains(a.as_str()));
        scope.extend(accounts.map(|a| format!("account {a}")));
        let regions = outcome
            .regions
            .iter()
            .filter(|r| !said.contains(r.as_str()));
        scope.extend(regions.map(|r| format!("region {r}")));
    }
    scope.sort();
    scope.dedup();
    if scope.is_empty() {
        String::new()
    } else {
        format!(" Not covered: {}.", scope.join(", "))
    }
}

/// Ends a summary with a full stop so sentences can follow.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn remediation(used: &[Outcome]) -> Option<String> {
    let hints: Vec<String> = used
        .iter()
        .filter(|o| o.status != Status::Pass)
        .filter_map(|o| o.remediation.as_deref().map(sentence))
        .collect();
    (!hints.is_empty()).then(|| hints.join(" "))
}

/// An attestation on an automated question: noted, compared, never a replacement.
fn second_opinion(draft: &mut Draft, answer_type: &AnswerType, attestation: &Attestation) {
    let who = format!("{} on {}", attestation.by, attestation.date);
    let attested = answer_type.parse(&attestation.answer);
    let note = match (&draft.answer, &attested) {
        (None, _) => format!(
            " An attestation by {who} exists, but it does not replace the missing evidence."
        ),
        (Some(evidence), Ok(claimed)) if evidence == claimed => {
            format!(" Also attested by {who}.")
        }
        (Some(evidence), _) => {
            draft.flagged = true;
            format!(
                " Conflict: attested {} by {who}, but the evidence answers {}; the evidence \
                 answer stands.",
                attested
                    .as_ref()
                    .map(display)
                    .unwrap_or_else(|_| attestation.answer.clone()),
                display(evidence),
            )
        }
    };
    draft.summary.push_str(&note);
    draft.attestation_ref = Some(attestation.reference());
}

/// An attestation question whose attestation has expired: unanswered until attested again.
fn lapsed(attestation: &Attestation) -> Draft {
    let expired = attestation
        .expires
        .map(|d| d.to_string())
        .unwrap_or_default();
    let summary = format!(
        "Needs an attestation: the attestation by {} on {} expired on {expired}.",
        attestation.by, attestation.date
    );
    Draft::new(AnswerStatus::Unanswered, Basis::None, summary)
}

/// A question only a human can answer.
fn attested(question: &Question, attestation: Option<&Attestation>) -> Draft {
    let Some(attestation) = attestation else {
        let summary = "Needs an attestation: no one has answered this yet.".to_string();
        return Draft::new(AnswerStatus::Unanswered, Basis::None, summary);
    };
    match question.answer_type.parse(&attestation.answer) {
        Ok(value) => {
            let mut summary = format!("Attested by {} on {}.", attestation.by, attestation.date);
            if let Some(note) = &attestation.note {
                summary = format!("{summary} {}", sentence(note));
            }
            let mut draft = Draft::new(AnswerStatus::Attested, Basis::Attested, summary);
            draft.answer = Some(value);
            draft.attestation_ref = Some(attestation.reference());
            draft
        }
        Err(expected) => {
            tracing::warn!(
                "{}: attested answer `{}` does not fit the {} question `{}`: {expected}",
                attestation.location,
                attestation.answer,
                question.answer_type.name(),
                question.id,
            );
            let summary = format!(
                "Needs an attestation: the attested answer `{}` ({}) does not fit this {} \
                 question ({expected}).",
                attestation.answer,
                attestation.location,
                question.answer_type.name(),
            );
            Draft::new(AnswerStatus::Unanswered, Basis::None, summary)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::load_str;

    const QUESTIONS: &str = "\
id: t
title: T
kind: soc2
version: '1'
sections:
  - title: S
    questions:
      - {id: either, text: E, type: yes_no, rule: any,
         probes: [identity.identity-center, identity.root-mfa]}
      - {id: summary, text: S, type: text, probes: [org.scp-at-ou]}
      - {id: tier, text: T, type: choice, choices: [Strong, Weak], probes: [org.scp-at-ou],
         answers: {pass: Strong, fail: Weak}}
      - {id: mapped, text: M, type: yes_no_partial, probes: [org.scp-at-ou],
         answers: {not_applicable: 'No'}}
";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).expect("valid date")
    }

    fn answers(outcomes: &[Outcome]) -> Vec<Answer> {
        let q = load_str("t.yaml", QUESTIONS).unwrap_or_else(|e| panic!("{e}"));
        answer(&q, outcomes, &Attestations::default(), day(1)).answers
    }

    fn get<'a>(answers: &'a [Answer], id: &str) -> &'a Answer {
        answers.iter().find(|a| a.question == id).expect("answered")
    }

    #[test]
    fn a_probe_that_did_not_run_is_missing_evidence() {
        let all = answers(&[]);
        let a = get(&all, "summary");
        assert_eq!(
            (a.status, &a.answer, a.review),
            (AnswerStatus::Unknown, &None, true)
        );
        assert_eq!(a.evidence.len(), 1);
        assert_eq!(a.evidence[0].summary, "Probe `org.scp-at-ou` did not run");
    }

    #[test]
    fn rule_any_passes_on_one_pass_and_keeps_evidence_of_both() {
        let outcomes = [
            Outcome::new("identity.identity-center", Status::Fail, "No instance"),
            Outcome::new("identity.root-mfa", Status::Pass, "MFA everywhere"),
        ];
        let all = answers(&outcomes);
        let a = get(&all, "either");
        assert_eq!(a.answer, Some(Value::from("Yes")));
        assert_eq!(a.evidence.len(), 2);
        assert!(
            a.summary.contains("identity.root-mfa: MFA everywhere"),
            "{}",
            a.summary
        );
    }

    #[test]
    fn text_answers_carry_the_summary_and_choices_use_the_mapping() {
        let outcomes = [Outcome::new(
            "org.scp-at-ou",
            Status::Fail,
            "Only FullAWSAccess",
        )];
        let all = answers(&outcomes);
        assert_eq!(
            get(&all, "summary").answer,
            Some(Value::from("Only FullAWSAccess"))
        );
        assert_eq!(get(&all, "tier").answer, Some(Value::from("Weak")));
        assert_eq!(get(&all, "mapped").answer, Some(Value::from("No")));
    }

    #[test]
    fn an_unmapped_choice_outcome_is_blank_and_flagged_but_keeps_its_status() {
        let outcomes = [Outcome::new(
            "org.scp-at-ou",
            Status::Partial,
            "Two OUs of three",
        )];
        let all = answers(&outcomes);
        let a = get(&all, "tier");
        assert_eq!(
            (a.status, &a.answer, a.review),
            (AnswerStatus::Partial, &None, true)
        );
        assert!(
            a.summary.starts_with("Left blank for review"),
            "{}",
            a.summary
        );
    }

    #[test]
    fn a_mapping_overrides_the_default() {
        let outcomes = [Outcome::new(
            "org.scp-at-ou",
            Status::NotApplicable,
            "No OUs",
        )];
        let all = answers(&outcomes);
        let a = get(&all, "mapped");
        assert_eq!(
            (a.status, &a.answer),
            (AnswerStatus::NotApplicable, &Some(Value::from("No")))
        );
        assert!(!a.review);
    }

    #[test]
    fn remediation_comes_from_the_probes_that_did_not_pass() {
        let outcomes = [Outcome::new("org.scp-at-ou", Status::Fail, "None")
            .with_remediation("Attach guardrails to each OU")];
        let all = answers(&outcomes);
        let a = get(&all, "summary");
        assert_eq!(
            a.remediation.as_deref(),
            Some("Attach guardrails to each OU.")
        );
    }

    #[test]
    fn scope_the_probe_summary_already_names_is_not_repeated() {
        let outcome = Outcome::new("identity.root-mfa", Status::Partial, "Missing in 222, 333")
            .with_accounts(vec!["222".into(), "333".into(), "444".into()]);
        assert_eq!(
            not_covered(&[outcome], "Missing in 222, 333."),
            " Not covered: account 444."
        );
    }

    #[test]
    fn the_blank_answer_invariant_holds_whatever_the_draft_says() {
        let q = load_str("t.yaml", QUESTIONS).unwrap_or_else(|e| panic!("{e}"));
        let question = q.question("summary").expect("exists");
        for status in [AnswerStatus::Unknown, AnswerStatus::Unanswered] {
            let mut draft = Draft::new(status, Basis::None, String::new());
            draft.answer = Some(Value::from("Yes"));
            let a = draft.finish(question, "S");
            assert_eq!((a.answer, a.review), (None, true));
        }
    }
}
