//! The checked questionnaire: what [`super::load`] produces once every reference, id and
//! answer mapping has been validated. Nothing here can hold an unknown probe id or an answer
//! that does not fit its question's type.

use std::collections::BTreeMap;

use serde_json::Value;

use super::diag::Problem;
use crate::probes::Status;

/// The answer every type accepts when the question does not apply.
pub const NOT_APPLICABLE: &str = "N/A";

/// A validated questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    /// Stable id; attestation files and history key on it.
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub version: String,
    /// Shown wherever the questionnaire is named, e.g. "modeled on common topics; not any
    /// carrier's official form".
    pub notice: Option<String>,
    pub sections: Vec<Section>,
    /// Where it was loaded from: the path as given, or `bundled:<file>`.
    pub source: String,
    /// Problems that did not stop loading (entries that can never take effect).
    pub warnings: Vec<Problem>,
}

impl Questionnaire {
    /// Every question with the title of its section, in file order.
    pub fn questions(&self) -> impl Iterator<Item = (&str, &Question)> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(move |q| (s.title.as_str(), q)))
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }

    /// How many questions probes answer (the rest need attestations).
    pub fn automated_count(&self) -> usize {
        self.questions().filter(|(_, q)| q.is_automated()).count()
    }
}

/// Who the questionnaire is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A cyber-insurance application or renewal.
    Insurance,
    /// A SOC 2 evidence request, organised by Trust Services Criteria.
    Soc2,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Insurance, Kind::Soc2];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Insurance => "insurance",
            Kind::Soc2 => "soc2",
        }
    }
}

/// A titled group of questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub questions: Vec<Question>,
}

/// One question and how it is answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Stable, unique in its questionnaire; spreadsheets and history key on it.
    pub id: String,
    pub text: String,
    pub answer_type: AnswerType,
    pub source: Source,
    /// Advice for the person reviewing or attesting the answer.
    pub guidance: Option<String>,
    /// SOC 2 Trust Services Criteria the answer supports (`CC6.1`, …).
    pub criteria: Vec<String>,
}

impl Question {
    pub fn is_automated(&self) -> bool {
        matches!(self.source, Source::Probes { .. })
    }
}

/// The shape of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerType {
    /// "Yes" or "No"; a partial outcome answers "No" and is flagged for review.
    YesNo,
    /// "Yes", "No" or "Partial".
    YesNoPartial,
    /// A count, taken from the probe outcome's `value`.
    Number,
    /// Free text; automated answers use the outcome summary.
    Text,
    /// One of a fixed list.
    Choice(Vec<String>),
}

impl AnswerType {
    /// The name used in questionnaire files.
    pub fn name(&self) -> &'static str {
        match self {
            AnswerType::YesNo => "yes_no",
            AnswerType::YesNoPartial => "yes_no_partial",
            AnswerType::Number => "number",
            AnswerType::Text => "text",
            AnswerType::Choice(_) => "choice",
        }
    }

    /// Reads `raw` as an answer of this type and returns it in its canonical form
    /// (`"yes"` → `"Yes"`, `"12"` → `12`), or says what was expected. `"N/A"` fits every
    /// type. Used for answer mappings and for attestations alike, so both accept the same.
    pub fn parse(&self, raw: &str) -> Result<Value, String> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case(NOT_APPLICABLE) {
            return Ok(Value::from(NOT_APPLICABLE));
        }
        match self {
            AnswerType::YesNo => one_of(raw, &["Yes", "No"]),
            AnswerType::YesNoPartial => one_of(raw, &["Yes", "No", "Partial"]),
            AnswerType::Number => number(raw),
            AnswerType::Text if raw.is_empty() => Err("expected some text".to_string()),
            AnswerType::Text => Ok(Value::from(raw)),
            AnswerType::Choice(choices) => {
                let choices: Vec<&str> = choices.iter().map(String::as_str).collect();
                one_of(raw, &choices)
            }
        }
    }
}

fn one_of(raw: &str, allowed: &[&str]) -> Result<Value, String> {
    match allowed.iter().find(|a| a.eq_ignore_ascii_case(raw)) {
        Some(found) => Ok(Value::from(*found)),
        None => {
            let quoted: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            Err(format!(
                "expected one of {}, or `{NOT_APPLICABLE}`",
                quoted.join(", ")
            ))
        }
    }
}

fn number(raw: &str) -> Result<Value, String> {
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(number_value(n)),
        _ => Err(format!("expected a number, or `{NOT_APPLICABLE}`")),
    }
}

/// A count as JSON: an integer when it is whole, so `3.0` is written `3`.
pub(crate) fn number_value(n: f64) -> Value {
    // 2^53: beyond it not every integer is representable, so keep the float.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// Where a question's answer comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Probes, combined by `rule`; `answers` overrides the type's default answer per outcome.
    Probes {
        probes: Vec<String>,
        rule: Rule,
        answers: BTreeMap<Status, Value>,
    },
    /// A human attestation: no API can show this.
    Attestation,
}

/// How the outcomes of several probes combine into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every probe must pass. Precedence: fail, then unknown, then partial, then pass;
    /// `not_applicable` probes are left out, and all of them `not_applicable` gives
    /// `not_applicable`. A failure is certain whatever the unknown probes would say, so it
    /// wins over unknown; an unknown beats partial because it might hide a failure.
    All,
    /// One passing probe is enough. Precedence: pass, then unknown (it might be the pass),
    /// then partial, then fail; all `not_applicable` gives `not_applicable`.
    Any,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::All => "all",
            Rule::Any => "any",
        }
    }

    /// Combines outcome statuses by this rule. No status at all is `unknown`.
    pub fn combine(self, statuses: &[Status]) -> Status {
        use Status::*;
        let order: [Status; 4] = match self {
            Rule::All => [Fail, Unknown, Partial, Pass],
            Rule::Any => [Pass, Unknown, Partial, Fail],
        };
        if statuses.is_empty() {
            return Unknown;
        }
        order
            .into_iter()
            .find(|s| statuses.contains(s))
            .unwrap_or(NotApplicable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::Status::*;

    #[test]
    fn all_lets_a_failure_win_over_unknown() {
        assert_eq!(Rule::All.combine(&[Pass, Unknown, Fail]), Fail);
        assert_eq!(Rule::All.combine(&[Pass, Unknown, Partial]), Unknown);
        assert_eq!(Rule::All.combine(&[Pass, Partial]), Partial);
        assert_eq!(Rule::All.combine(&[Pass, NotApplicable]), Pass);
        assert_eq!(
            Rule::All.combine(&[NotApplicable, NotApplicable]),
            NotApplicable
        );
        assert_eq!(Rule::All.combine(&[]), Unknown);
    }

    #[test]
    fn any_needs_one_pass_and_an_unknown_might_be_it() {
        assert_eq!(Rule::Any.combine(&[Fail, Pass]), Pass);
        assert_eq!(Rule::Any.combine(&[Fail, Unknown]), Unknown);
        assert_eq!(Rule::Any.combine(&[Fail, Partial]), Partial);
        assert_eq!(Rule::Any.combine(&[Fail, NotApplicable]), Fail);
    }

    #[test]
    fn answers_are_read_in_canonical_form() {
        assert_eq!(AnswerType::YesNo.parse("yes"), Ok(Value::from("Yes")));
        assert_eq!(AnswerType::YesNo.parse("n/a"), Ok(Value::from("N/A")));
        assert!(AnswerType::YesNo.parse("Partial").is_err());
        assert_eq!(
            AnswerType::YesNoPartial.parse("partial"),
            Ok(Value::from("Partial"))
        );
        assert_eq!(AnswerType::Number.parse("12"), Ok(Value::from(12)));
        assert_eq!(AnswerType::Number.parse("2.5"), Ok(Value::from(2.5)));
        assert!(AnswerType::Number.parse("twelve").is_err());
        let choice = AnswerType::Choice(vec!["Daily".into(), "Weekly".into()]);
        assert_eq!(choice.parse("weekly"), Ok(Value::from("Weekly")));
        assert!(choice.parse("Monthly").is_err());
    }
}
