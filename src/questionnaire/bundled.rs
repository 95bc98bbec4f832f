//! The questionnaires shipped inside the binary, and the `evident questionnaires` listing.
//!
//! They are embedded with `include_str!` so a lone binary can answer them; a file of the same
//! format passed by path works the same way. A test loads every one, so a bundled file that
//! does not validate fails the build's tests, not a user's run.

use std::io::Write;

use super::diag::LoadError;
use super::load::load_str;
use super::model::{Questionnaire, Source};

/// Every bundled questionnaire as (file name, text). The id inside each equals its file stem.
pub const BUNDLED: [(&str, &str); 2] = [
    (
        "cyber-renewal-aws.yaml",
        include_str!("../../questionnaires/cyber-renewal-aws.yaml"),
    ),
    (
        "soc2-aws.yaml",
        include_str!("../../questionnaires/soc2-aws.yaml"),
    ),
];

/// The ids of the bundled questionnaires.
pub(crate) fn ids() -> Vec<&'static str> {
    BUNDLED
        .iter()
        .filter_map(|(file, _)| file.strip_suffix(".yaml"))
        .collect()
}

/// The file name and text of the bundled questionnaire with this id.
pub(crate) fn text_for_id(id: &str) -> Option<(&'static str, &'static str)> {
    BUNDLED
        .iter()
        .find(|(file, _)| file.strip_suffix(".yaml") == Some(id))
        .copied()
}

/// Loads every bundled questionnaire.
pub fn bundled() -> Result<Vec<Questionnaire>, LoadError> {
    BUNDLED
        .iter()
        .map(|(file, text)| load_str(&format!("bundled:{file}"), text))
        .collect()
}

/// Lists each bundled questionnaire (id, title, kind, how many questions are automated) and
/// then its questions with their type and the probes behind them, or "attestation".
pub fn print_bundled(out: &mut dyn Write) -> std::io::Result<()> {
    let questionnaires = bundled().map_err(|err| std::io::Error::other(err.to_string()))?;
    for (index, q) in questionnaires.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        print_one(q, out)?;
    }
    Ok(())
}

fn print_one(q: &Questionnaire, out: &mut dyn Write) -> std::io::Result<()> {
    let total = q.questions().count();
    let automated = q.automated_count();
    writeln!(out, "{}  {}", q.id, q.title)?;
    writeln!(
        out,
        "  kind {}, version {}; {total} questions, {automated} automated, {} by attestation",
        q.kind.as_str(),
        q.version,
        total - automated
    )?;
    if let Some(notice) = &q.notice {
        writeln!(out, "  note: {notice}")?;
    }
    let width = q
        .questions()
        .map(|(_, question)| question.id.len())
        .max()
        .unwrap_or(0);
    for (_, question) in q.questions() {
        let basis = match &question.source {
            Source::Probes { probes, rule, .. } if probes.len() > 1 => {
                format!("{} of {}", rule.as_str(), probes.join(", "))
            }
            Source::Probes { probes, .. } => probes.join(", "),
            Source::Attestation => "attestation".to_string(),
        };
        let type_name = question.answer_type.name();
        writeln!(out, "  {:width$}  {type_name:<14}  {basis}", question.id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_questionnaire_loads_without_warnings_under_its_file_stem() {
        let loaded = bundled().unwrap_or_else(|err| panic!("{err}"));
        for (q, id) in loaded.iter().zip(ids()) {
            assert_eq!(q.id, id);
            assert!(q.warnings.is_empty(), "{:?}", q.warnings);
        }
    }

    #[test]
    fn the_listing_names_each_question_and_its_basis() {
        let mut out = Vec::new();
        print_bundled(&mut out).expect("prints");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("cyber-renewal-aws  "), "{text}");
        assert!(text.contains("aws-separate-accounts"), "{text}");
        assert!(text.contains("org.separate-environments"), "{text}");
        assert!(text.contains("attestation"), "{text}");
    }
}
