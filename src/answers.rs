//! The `evident.answers/1` document: the single source every output is rendered from.
//!
//! The shape is a contract (DESIGN.md); fields are added, never renamed. `answer` is `null`
//! whenever the status is `unknown` or `unanswered`, so no renderer can show a guess.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::probes::{Fact, Outcome};

pub const FORMAT: &str = "evident.answers/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    pub format: String,
    pub generated_at: DateTime<Utc>,
    pub tool_version: String,
    pub snapshot: SnapshotRef,
    pub questionnaires: Vec<QuestionnaireAnswers>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRef {
    pub path: String,
    pub manifest_sha256: String,
    pub collected_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireAnswers {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub version: String,
    pub answers: Vec<Answer>,
}

/// The status of an answer: a probe status, or how a human answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Pass,
    Fail,
    Partial,
    Unknown,
    NotApplicable,
    Attested,
    Unanswered,
}

impl AnswerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Pass => "pass",
            AnswerStatus::Fail => "fail",
            AnswerStatus::Partial => "partial",
            AnswerStatus::Unknown => "unknown",
            AnswerStatus::NotApplicable => "not_applicable",
            AnswerStatus::Attested => "attested",
            AnswerStatus::Unanswered => "unanswered",
        }
    }

    /// Whether a human must look at this answer before it is sent.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            AnswerStatus::Unknown | AnswerStatus::Unanswered | AnswerStatus::Partial
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Automated,
    Attested,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    /// The question text, so renderers need not reload the questionnaire.
    pub text: String,
    pub section: String,
    /// The question's answer type: `yes_no`, `yes_no_partial`, `number`, `text` or `choice`.
    #[serde(rename = "type")]
    pub answer_type: String,
    /// The allowed answers of a `choice` question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// `"Yes"`, `"No"`, `"Partial"`, a number or a text; `null` when unknown or unanswered.
    pub answer: Option<serde_json::Value>,
    pub status: AnswerStatus,
    pub basis: Basis,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// Set when the answer must be looked at by a human before it is sent.
    pub review: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<AttestationRef>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttestationRef {
    pub by: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub probe: String,
    pub outcome: String,
    pub summary: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub facts: Vec<Fact>,
    /// The probe's named counts (`Outcome::counts`), which readiness figures are read from.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub counts: std::collections::BTreeMap<String, u64>,
}

impl From<&Outcome> for Evidence {
    fn from(o: &Outcome) -> Self {
        Evidence {
            probe: o.probe.clone(),
            outcome: o.status.as_str().to_string(),
            summary: o.summary.clone(),
            accounts: o.accounts.clone(),
            regions: o.regions.clone(),
            facts: o.facts.clone(),
            counts: o.counts.clone(),
        }
    }
}
