//! Readiness on three axes, each a number printed with its definition: audit readiness (SOC 2),
//! insurance readiness (the carrier's AWS questions) and blast radius (counts that must fall).
//!
//! Everything is computed from an `evident.answers/1` document alone, so the figures of a month
//! recorded in history can be recomputed from its answers and compared with today's. The
//! blast-radius counts come from the named counts probes attach to their outcomes
//! (`Outcome::counts`, carried into each answer's evidence); a count no probe measured is
//! `None` and shown as "not measured", never as zero.

use serde::{Deserialize, Serialize};

use crate::answers::{Answer, AnswerStatus, Answers, Basis};
use crate::probes::{access, identity, org};

/// The axis names `--fail-under` accepts.
pub const AXES: [&str; 2] = ["audit", "insurance"];

/// The three axes for one answer set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    /// Share of automated SOC 2 questions answered Yes.
    pub audit: Share,
    /// Share of the carrier's automated AWS questions answered Yes.
    pub insurance: Share,
    /// Counts that must fall, in a stable order.
    pub blast_radius: Vec<Count>,
}

/// A share of questions met, with the unknowns kept out of the denominator and counted apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// `audit` or `insurance`: the name `--fail-under` takes.
    pub axis: String,
    pub title: String,
    /// The definition printed beside the figure.
    pub definition: String,
    /// Questions met (answered Yes, or passing for a number or text question).
    pub met: usize,
    /// Questions with a known automated answer (the denominator).
    pub known: usize,
    /// Automated questions whose evidence is missing: not counted as No, shown apart.
    pub unknown: usize,
    /// `met / known` in percent, one decimal; `None` when no question is known.
    pub percent: Option<f64>,
}

/// One blast-radius count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    /// Stable key (the probe's count name).
    pub id: String,
    pub title: String,
    /// The definition printed beside the figure.
    pub definition: String,
    /// `None` when no probe in these answers measured it.
    pub value: Option<u64>,
}

/// One blast-radius count: (probe, count name, title, definition).
type CountSpec = (&'static str, &'static str, &'static str, &'static str);

const COUNTS: [CountSpec; 5] = [
    (
        identity::ADMIN_SPRAWL,
        identity::COUNT_FULL_ADMINS,
        "Principals that can do everything",
        "IAM users and roles whose policies allow every action on every resource, in every \
         collected account (identity.admin-sprawl)",
    ),
    (
        identity::IDENTITY_CENTER,
        identity::COUNT_USERS_WITH_KEYS,
        "IAM users with long-lived keys",
        "IAM users holding at least one active access key (identity.identity-center)",
    ),
    (
        org::SCP_AT_OU,
        org::COUNT_UNGUARDED_ACCOUNTS,
        "Member accounts without a guardrail SCP",
        "member accounts no SCP other than allow-all reaches through the root or an OU; a \
         standalone account counts as one (org.scp-at-ou)",
    ),
    (
        access::LOGS_UNREACHABLE,
        access::COUNT_LOG_TAMPERERS,
        "Principals able to delete the audit logs",
        "principals outside the audit and log archive accounts allowed to delete or overwrite \
         the CloudTrail log objects (trail.logs-unreachable-from-workloads); stopping the trail \
         itself is guarded by guardrails.protect-audit-logging",
    ),
    (
        org::SEPARATE_ENVIRONMENTS,
        org::COUNT_SHARED_ACCOUNTS,
        "Accounts sharing more than one environment",
        "accounts holding two or more of production, staging and development, a management \
         account carrying them, or a standalone account (org.separate-environments)",
    ),
];

impl Readiness {
    /// Computes the three axes from one answer set.
    pub fn of(answers: &Answers) -> Self {
        Readiness {
            audit: share(
                answers,
                "soc2",
                "audit",
                "Audit readiness",
                "automated SOC 2 questions answered Yes (or passing), out of those with a \
                 known answer; unknowns are counted apart",
            ),
            insurance: share(
                answers,
                "insurance",
                "insurance",
                "Insurance readiness",
                "carrier AWS questions (automated questions of insurance questionnaires) \
                 answered Yes (or passing), out of those with a known answer; unknowns are \
                 counted apart",
            ),
            blast_radius: COUNTS
                .iter()
                .map(|(probe, name, title, definition)| Count {
                    id: name.to_string(),
                    title: title.to_string(),
                    definition: definition.to_string(),
                    value: find_count(answers, probe, name),
                })
                .collect(),
        }
    }

    /// The percent figure of a share axis by its `--fail-under` name.
    pub fn axis(&self, name: &str) -> Option<&Share> {
        [&self.audit, &self.insurance]
            .into_iter()
            .find(|s| s.axis == name)
    }
}

impl Share {
    /// `62.5% (5 of 8; 1 unknown)`, or `not measured`.
    pub fn figure(&self) -> String {
        match self.percent {
            Some(p) => format!(
                "{p:.1}% ({} of {}; {} unknown)",
                self.met, self.known, self.unknown
            ),
            None if self.unknown > 0 => format!("not measured ({} unknown)", self.unknown),
            None => "not measured".to_string(),
        }
    }
}

impl Count {
    /// The count, or `not measured`.
    pub fn figure(&self) -> String {
        self.value
            .map(|v| v.to_string())
            .unwrap_or("not measured".into())
    }
}

fn share(answers: &Answers, kind: &str, axis: &str, title: &str, definition: &str) -> Share {
    let automated = answers
        .questionnaires
        .iter()
        .filter(|q| q.kind == kind)
        .flat_map(|q| &q.answers)
        .filter(|a| a.basis == Basis::Automated);
    let (mut met, mut known, mut unknown) = (0, 0, 0);
    for a in automated {
        match a.status {
            AnswerStatus::Unknown => unknown += 1,
            // A question that does not apply is neither met nor missed.
            AnswerStatus::NotApplicable => {}
            _ => {
                known += 1;
                met += usize::from(is_met(a));
            }
        }
    }
    let percent = (known > 0).then(|| (met as f64 * 1000.0 / known as f64).round() / 10.0);
    Share {
        axis: axis.to_string(),
        title: title.to_string(),
        definition: definition.to_string(),
        met,
        known,
        unknown,
        percent,
    }
}

/// Answered Yes; a number or text question has no Yes, so its passing status counts.
pub fn is_met(a: &Answer) -> bool {
    match a.answer.as_ref().and_then(|v| v.as_str()) {
        Some(text) if matches!(a.answer_type.as_str(), "yes_no" | "yes_no_partial") => {
            text == "Yes"
        }
        _ => a.status == AnswerStatus::Pass,
    }
}

/// The first value of a named count on the given probe's evidence, anywhere in the answers
/// (every question resting on one probe carries the same outcome).
fn find_count(answers: &Answers, probe: &str, name: &str) -> Option<u64> {
    answers
        .questionnaires
        .iter()
        .flat_map(|q| &q.answers)
        .flat_map(|a| &a.evidence)
        .filter(|e| e.probe == probe)
        .find_map(|e| e.counts.get(name).copied())
}
