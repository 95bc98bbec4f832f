//! The second loading phase: marked-yaml nodes to a checked [`Questionnaire`], every problem
//! reported with its position. Each reader validates one level (questionnaire, section,
//! question, answer source, answer mapping) and returns `None` when it found a problem, having
//! said what; the caller goes on with its siblings so one run lists everything.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use marked_yaml::{Node, Span};
use serde_json::Value;

use super::bundled;
use super::diag::{position, Diag, LoadError};
use super::model::{AnswerType, Kind, Question, Questionnaire, Rule, Section, Source};
use super::yaml::{self, Fields, Top};
use crate::probes::{self, Status};

const TOP_FIELDS: &[&str] = &["id", "title", "kind", "version", "notice", "sections"];
const SECTION_FIELDS: &[&str] = &["title", "questions"];
const QUESTION_FIELDS: &[&str] = &[
    "id",
    "text",
    "type",
    "choices",
    "probes",
    "rule",
    "answers",
    "attestation",
    "guidance",
    "criteria",
];
const TYPE_NAMES: &str = "yes_no, yes_no_partial, number, text, choice";
const MAPPABLE: &str = "pass, fail, partial or not_applicable";

/// Loads and validates a questionnaire file. A path that does not exist but names a bundled
/// questionnaire by id (`cyber-renewal-aws`) loads the bundled one.
pub fn load(path: &Path) -> Result<Questionnaire, LoadError> {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => load_str(&name, &text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            match bundled::text_for_id(&name) {
                Some((file, text)) => load_str(&format!("bundled:{file}"), text),
                None => Err(LoadError::file(
                    name,
                    format!(
                        "cannot read questionnaire: {err} (bundled questionnaires: {})",
                        bundled::ids().join(", ")
                    ),
                )),
            }
        }
        Err(err) => Err(LoadError::file(
            name,
            format!("cannot read questionnaire: {err}"),
        )),
    }
}

/// Loads and validates questionnaire text; `file` names it in every problem.
pub fn load_str(file: &str, text: &str) -> Result<Questionnaire, LoadError> {
    let mut diag = Diag::new(file);
    let questionnaire =
        yaml::parse(text, Top::Mapping, &mut diag).and_then(|root| questionnaire(&root, &mut diag));
    let source = diag.file().to_string();
    let warnings = diag.finish()?;
    match questionnaire {
        Some(q) => Ok(Questionnaire {
            source,
            warnings,
            ..q
        }),
        // Every reader that returns `None` has reported why, so this is unreachable in
        // practice; say so rather than panic if a reader ever forgets.
        None => Err(LoadError::file(source, "the questionnaire is incomplete")),
    }
}

fn questionnaire(root: &Node, diag: &mut Diag) -> Option<Questionnaire> {
    let f = Fields::open(root, "questionnaire", TOP_FIELDS, diag)?;
    let id = f.require("id", diag).and_then(|n| id(n, diag));
    let title = f.text("title", diag);
    let kind = f.require("kind", diag).and_then(|n| kind(n, diag));
    let version = f.text("version", diag);
    let notice = f.opt_text("notice", diag);
    let sections = f.require("sections", diag).and_then(|n| sections(n, diag));
    Some(Questionnaire {
        id: id?,
        title: title?,
        kind: kind?,
        version: version?,
        notice,
        sections: sections?,
        source: String::new(),
        warnings: Vec::new(),
    })
}

/// A stable id: lowercase letters, digits, `-`, `.` and `_`, starting with a letter or digit.
fn id(node: &Node, diag: &mut Diag) -> Option<String> {
    let id = yaml::text(node, "id", diag)?;
    let first_ok = id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'));
    if !(first_ok && rest_ok) {
        diag.error(
            node.span(),
            format!("id `{id}` must be lowercase letters, digits, `-`, `.` or `_`"),
        );
        return None;
    }
    Some(id)
}

fn kind(node: &Node, diag: &mut Diag) -> Option<Kind> {
    let name = yaml::text(node, "kind", diag)?;
    let kind = Kind::ALL.into_iter().find(|k| k.as_str() == name);
    if kind.is_none() {
        diag.error(
            node.span(),
            format!("unknown kind `{name}`; expected insurance or soc2"),
        );
    }
    kind
}

fn sections(node: &Node, diag: &mut Diag) -> Option<Vec<Section>> {
    let list = yaml::list(node, "sections", diag)?;
    if list.is_empty() {
        diag.error(node.span(), "`sections` is empty");
        return None;
    }
    let mut seen = HashMap::new();
    let sections: Vec<Option<Section>> = list.iter().map(|s| section(s, &mut seen, diag)).collect();
    sections.into_iter().collect()
}

/// Where each question id was first defined, for duplicate messages.
type Seen = HashMap<String, (usize, usize)>;

fn section(node: &Node, seen: &mut Seen, diag: &mut Diag) -> Option<Section> {
    let f = Fields::open(node, "section", SECTION_FIELDS, diag)?;
    let title = f.text("title", diag);
    let questions = f.require("questions", diag).and_then(|n| {
        let list = yaml::list(n, "questions", diag)?;
        if list.is_empty() {
            diag.error(n.span(), "`questions` is empty");
            return None;
        }
        let questions: Vec<Option<Question>> =
            list.iter().map(|q| question(q, seen, diag)).collect();
        questions.into_iter().collect::<Option<Vec<_>>>()
    });
    Some(Section {
        title: title?,
        questions: questions?,
    })
}

fn question(node: &Node, seen: &mut Seen, diag: &mut Diag) -> Option<Question> {
    let f = Fields::open(node, "question", QUESTION_FIELDS, diag)?;
    let id_node = f.require("id", diag);
    let id = id_node.and_then(|n| id(n, diag));
    if let (Some(id), Some(n)) = (&id, id_node) {
        check_unique(id, n.span(), seen, diag);
    }
    let text = f.text("text", diag);
    let answer_type = answer_type(&f, diag);
    let source = source(&f, answer_type.as_ref(), diag);
    let guidance = f.opt_text("guidance", diag);
    let criteria = f
        .get("criteria")
        .map(|n| criteria(n, diag))
        .unwrap_or_default();
    Some(Question {
        id: id?,
        text: text?,
        answer_type: answer_type?,
        source: source?,
        guidance,
        criteria,
    })
}

fn check_unique(id: &str, span: &Span, seen: &mut Seen, diag: &mut Diag) {
    let here = position(span);
    match seen.get(id) {
        Some((line, column)) => diag.error(
            span,
            format!("duplicate question id `{id}` (first defined at line {line}, column {column})"),
        ),
        None => {
            seen.insert(id.to_string(), here);
        }
    }
}

fn answer_type(f: &Fields<'_>, diag: &mut Diag) -> Option<AnswerType> {
    let node = f.require("type", diag)?;
    let name = yaml::text(node, "type", diag)?;
    let choices = f.get("choices");
    let simple = match name.as_str() {
        "yes_no" => AnswerType::YesNo,
        "yes_no_partial" => AnswerType::YesNoPartial,
        "number" => AnswerType::Number,
        "text" => AnswerType::Text,
        "choice" => {
            let Some(choices) = choices else {
                diag.error(f.span(), "a `choice` question needs `choices`");
                return None;
            };
            return choice_list(choices, diag).map(AnswerType::Choice);
        }
        other => {
            let message = format!("unknown type `{other}`; expected one of {TYPE_NAMES}");
            diag.error(node.span(), message);
            return None;
        }
    };
    if let Some(choices) = choices {
        diag.error(
            choices.span(),
            "`choices` only applies to `choice` questions",
        );
    }
    Some(simple)
}

fn choice_list(node: &Node, diag: &mut Diag) -> Option<Vec<String>> {
    let items = yaml::text_list(node, "choices", diag)?;
    if items.is_empty() {
        diag.error(node.span(), "`choices` is empty");
        return None;
    }
    let mut choices: Vec<String> = Vec::new();
    for (choice, span) in items {
        if choices.iter().any(|c| c.eq_ignore_ascii_case(&choice)) {
            diag.error(span, format!("choice `{choice}` is listed twice"));
        } else {
            choices.push(choice);
        }
    }
    Some(choices)
}

/// Probes or attestation, exactly one of them.
fn source(f: &Fields<'_>, answer_type: Option<&AnswerType>, diag: &mut Diag) -> Option<Source> {
    let attestation = match f.get("attestation") {
        // Already reported; "neither probes nor attestation" would only repeat it.
        Some(node) => yaml::boolean(node, "attestation", diag)?,
        None => false,
    };
    let probes = f.get("probes");
    match (probes, attestation) {
        (Some(node), true) => {
            let message = "a question is answered by `probes` or by `attestation: true`, not both";
            diag.error(node.span(), message);
            None
        }
        (None, true) => {
            attestation_extras(f, diag);
            Some(Source::Attestation)
        }
        (None, false) => {
            let message = "question has neither `probes` nor `attestation: true`";
            diag.error(f.span(), message);
            None
        }
        (Some(node), false) => automated(f, node, answer_type, diag),
    }
}

/// Fields that mean nothing on an attestation question: the attestation is the answer.
fn attestation_extras(f: &Fields<'_>, diag: &mut Diag) {
    if let Some(node) = f.get("answers") {
        let message = "`answers` has no effect on an attestation question (the attestation \
                       gives the answer); remove it";
        diag.warn(node.span(), message);
    }
    if let Some(node) = f.get("rule") {
        diag.warn(
            node.span(),
            "`rule` has no effect on an attestation question; remove it",
        );
    }
}

fn automated(
    f: &Fields<'_>,
    probes_node: &Node,
    answer_type: Option<&AnswerType>,
    diag: &mut Diag,
) -> Option<Source> {
    let probes = probe_list(probes_node, diag);
    let rule = f
        .get("rule")
        .map(|n| rule(n, diag))
        .unwrap_or(Some(Rule::All));
    let answers = f
        .get("answers")
        .map(|n| mappings(n, answer_type, diag))
        .unwrap_or_default();
    let probes = probes?;

    match answer_type {
        Some(AnswerType::Number) if probes.len() != 1 => {
            let message = "a `number` question takes its value from exactly one probe";
            diag.error(probes_node.span(), message);
        }
        Some(AnswerType::Choice(_)) => {
            for needed in [Status::Pass, Status::Fail] {
                if !answers.contains_key(&needed) {
                    let message = format!(
                        "a `choice` question with probes must map `{needed}` to one of its \
                         choices in `answers`"
                    );
                    diag.error(f.span(), message);
                }
            }
        }
        _ => {}
    }
    Some(Source::Probes {
        probes,
        rule: rule?,
        answers,
    })
}

fn probe_list(node: &Node, diag: &mut Diag) -> Option<Vec<String>> {
    let items = yaml::text_list(node, "probes", diag)?;
    if items.is_empty() {
        diag.error(
            node.span(),
            "`probes` is empty; list probe ids or use `attestation: true`",
        );
        return None;
    }
    let mut ids: Vec<String> = Vec::new();
    let mut ok = true;
    for (id, span) in items {
        if probes::find(&id).is_none() {
            let message = match probes::closest(&id) {
                Some(near) => format!("unknown probe `{id}`; did you mean `{near}`?"),
                None => format!("unknown probe `{id}`"),
            };
            diag.error(span, message);
            ok = false;
        } else if ids.contains(&id) {
            diag.error(span, format!("probe `{id}` is listed twice"));
            ok = false;
        } else {
            ids.push(id);
        }
    }
    ok.then_some(ids)
}

fn rule(node: &Node, diag: &mut Diag) -> Option<Rule> {
    let name = yaml::text(node, "rule", diag)?;
    let rule = [Rule::All, Rule::Any]
        .into_iter()
        .find(|r| r.as_str() == name);
    if rule.is_none() {
        diag.error(
            node.span(),
            format!("unknown rule `{name}`; expected all or any"),
        );
    }
    rule
}

/// `answers`: outcome name → answer, each answer checked against the question's type.
fn mappings(
    node: &Node,
    answer_type: Option<&AnswerType>,
    diag: &mut Diag,
) -> BTreeMap<Status, Value> {
    let mut answers = BTreeMap::new();
    let Some(map) = node.as_mapping() else {
        let message = format!("`answers` must map outcomes ({MAPPABLE}) to answers");
        diag.error(node.span(), message);
        return answers;
    };
    for (key, value) in map.iter() {
        let Some(status) = mappable_status(key.as_str(), key.span(), diag) else {
            continue;
        };
        let Some(raw) = yaml::text(value, key.as_str(), diag) else {
            continue;
        };
        let Some(answer_type) = answer_type else {
            continue;
        };
        match answer_type.parse(&raw) {
            Ok(answer) => {
                answers.insert(status, answer);
            }
            Err(expected) => {
                let type_name = answer_type.name();
                let message = format!(
                    "answer `{raw}` for `{status}` does not fit a {type_name} question: \
                             {expected}"
                );
                diag.error(value.span(), message);
            }
        }
    }
    answers
}

fn mappable_status(name: &str, span: &Span, diag: &mut Diag) -> Option<Status> {
    match name {
        "pass" => Some(Status::Pass),
        "fail" => Some(Status::Fail),
        "partial" => Some(Status::Partial),
        "not_applicable" => Some(Status::NotApplicable),
        "unknown" => {
            let message = "`unknown` cannot be mapped: missing evidence always leaves the \
                           answer blank for review";
            diag.error(span, message);
            None
        }
        other => {
            diag.error(
                span,
                format!("unknown outcome `{other}` in `answers`; expected {MAPPABLE}"),
            );
            None
        }
    }
}

fn criteria(node: &Node, diag: &mut Diag) -> Vec<String> {
    let Some(items) = yaml::text_list(node, "criteria", diag) else {
        return Vec::new();
    };
    let mut criteria = Vec::new();
    for (criterion, span) in items {
        if is_criterion(&criterion) {
            criteria.push(criterion);
        } else {
            let message = format!(
                "`{criterion}` is not a Trust Services Criteria id (CC6.1, A1.2, C1.1, PI1.3, \
                 P4.2)"
            );
            diag.error(span, message);
        }
    }
    criteria
}

/// `CC6.1`, `A1.2`, `C1.1`, `PI1.3`, `P4.2`: a series prefix, then `<digits>.<digits>`.
fn is_criterion(id: &str) -> bool {
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (series, number) = id.split_at(split);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let numbered = number
        .split_once('.')
        .is_some_and(|(a, b)| digits(a) && digits(b));
    matches!(series, "CC" | "A" | "C" | "PI" | "P") && numbered
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "\
id: t
title: T
kind: insurance
version: '1'
sections:
  - title: S
    questions:
      - id: q1
        text: Separate accounts?
        type: yes_no
        probes: [org.separate-environments]
";

    #[test]
    fn a_minimal_questionnaire_loads() {
        let q = load_str("t.yaml", MINIMAL).expect("loads");
        assert_eq!(q.id, "t");
        assert_eq!(q.automated_count(), 1);
        assert_eq!(q.source, "t.yaml");
        let Source::Probes { rule, .. } = &q.sections[0].questions[0].source else {
            panic!("automated question")
        };
        assert_eq!(*rule, Rule::All);
    }

    #[test]
    fn criteria_ids_follow_the_trust_services_series() {
        for good in ["CC6.1", "A1.2", "C1.1", "PI1.3", "P4.2", "CC10.12"] {
            assert!(is_criterion(good), "{good}");
        }
        for bad in ["cc6.1", "CC6", "CC.1", "X1.1", "CC6.1a", ""] {
            assert!(!is_criterion(bad), "{bad}");
        }
    }
}
