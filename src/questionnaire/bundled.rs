//! The questionnaires shipped inside the binary, and the `evident questionnaires` listing.
//!
//! They are embedded with `include_str!` so a lone binary can answer them; a file of the same
//! format passed by path works the same way. A test loads every one, so a bundled file that
//! does not validate fails the build's tests, not a user's run.

use std::io::Write;

use super::diag::LoadError;
use super::load::load_str;
use super::model::{Questionnaire, Source};

/// Every bundled questionnaire as (path under `questionnaires/`, text). The id inside each
/// equals its file stem, without the directory: `carriers/coalition.yaml` is `coalition`.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "cyber-renewal-aws.yaml",
        include_str!("../../questionnaires/cyber-renewal-aws.yaml"),
    ),
    (
        "soc2-aws.yaml",
        include_str!("../../questionnaires/soc2-aws.yaml"),
    ),
    (
        "carriers/coalition.yaml",
        include_str!("../../questionnaires/carriers/coalition.yaml"),
    ),
    (
        "carriers/at-bay.yaml",
        include_str!("../../questionnaires/carriers/at-bay.yaml"),
    ),
    (
        "carriers/cowbell.yaml",
        include_str!("../../questionnaires/carriers/cowbell.yaml"),
    ),
    (
        "carriers/resilience.yaml",
        include_str!("../../questionnaires/carriers/resilience.yaml"),
    ),
    (
        "carriers/ransomware-supplemental.yaml",
        include_str!("../../questionnaires/carriers/ransomware-supplemental.yaml"),
    ),
    (
        "soc2-common-findings.yaml",
        include_str!("../../questionnaires/soc2-common-findings.yaml"),
    ),
    (
        "landing-zone.yaml",
        include_str!("../../questionnaires/landing-zone.yaml"),
    ),
];

/// The id of the bundled file at `path`: its file stem, without the directory.
fn id_of(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml")
}

/// The ids of the bundled questionnaires.
pub(crate) fn ids() -> Vec<&'static str> {
    BUNDLED.iter().filter_map(|(file, _)| id_of(file)).collect()
}

/// The file name and text of the bundled questionnaire with this id. The path without its
/// extension (`carriers/coalition`) names it too.
pub(crate) fn text_for_id(id: &str) -> Option<(&'static str, &'static str)> {
    BUNDLED
        .iter()
        .find(|(file, _)| id_of(file) == Some(id) || file.strip_suffix(".yaml") == Some(id))
        .copied()
}

/// Loads every bundled questionnaire.
pub fn bundled() -> Result<Vec<Questionnaire>, LoadError> {
    BUNDLED
        .iter()
        .map(|(file, text)| load_str(&format!("bundled:{file}"), text))
        .collect()
}

/// Lists the bundled questionnaires: first a table of each one's id, kind, file and how many
/// of its questions are automated or attested, then each questionnaire (id, title, kind,
/// notice) with its questions, their type and the probes behind them, or "attestation".
pub fn print_bundled(out: &mut dyn Write) -> std::io::Result<()> {
    let questionnaires = bundled().map_err(|err| std::io::Error::other(err.to_string()))?;
    print_summary(&questionnaires, out)?;
    for q in &questionnaires {
        writeln!(out)?;
        print_one(q, out)?;
    }
    Ok(())
}

fn print_summary(questionnaires: &[Questionnaire], out: &mut dyn Write) -> std::io::Result<()> {
    let files: Vec<&str> = BUNDLED.iter().map(|(file, _)| *file).collect();
    let id_width = questionnaires
        .iter()
        .map(|q| q.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let file_width = files.iter().map(|f| f.len()).max().unwrap_or(0).max(4);
    writeln!(
        out,
        "{:id_width$}  {:9}  {:file_width$}  {:>9}  {:>9}  {:>8}",
        "id", "kind", "file", "questions", "automated", "attested"
    )?;
    for (q, file) in questionnaires.iter().zip(files) {
        let total = q.questions().count();
        let automated = q.automated_count();
        writeln!(
            out,
            "{:id_width$}  {:9}  {file:file_width$}  {total:>9}  {automated:>9}  {:>8}",
            q.id,
            q.kind.as_str(),
            total - automated
        )?;
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
    fn bundled_ids_are_unique_and_found_by_id_or_by_path() {
        let mut unique = ids();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), BUNDLED.len(), "{:?}", ids());
        for (file, _) in BUNDLED {
            let id = id_of(file).expect("every bundled file is .yaml");
            assert_eq!(text_for_id(id).map(|(f, _)| f), Some(*file));
            let by_path = file.strip_suffix(".yaml").expect("yaml");
            assert_eq!(text_for_id(by_path).map(|(f, _)| f), Some(*file));
        }
        assert_eq!(id_of("carriers/coalition.yaml"), Some("coalition"));
        assert_eq!(text_for_id("no-such-questionnaire"), None);
    }

    #[test]
    fn the_listing_opens_with_counts_per_questionnaire() {
        let mut out = Vec::new();
        print_bundled(&mut out).expect("prints");
        let text = String::from_utf8(out).expect("utf-8");
        let header = text.lines().next().unwrap_or_default();
        assert!(header.starts_with("id "), "{text}");
        for q in bundled().unwrap_or_else(|err| panic!("{err}")) {
            let total = q.questions().count();
            let automated = q.automated_count();
            let row = text
                .lines()
                .find(|l| l.starts_with(&format!("{} ", q.id)))
                .unwrap_or_else(|| panic!("no summary row for {}: {text}", q.id));
            let numbers: Vec<usize> = row
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            assert_eq!(numbers, [total, automated, total - automated], "{row}");
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
