//! The `report` and `verify` commands: load a snapshot and questionnaires, run the probes,
//! answer, and write every output into a directory that appears whole or not at all.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use crate::answers::{Answers, SnapshotRef, FORMAT};
use crate::exit;
use crate::questionnaire::{self, Attestations};
use crate::render::{self, ReportContext, Templates};
use crate::snapshot::{self, sha256_hex, LoadedSnapshot, SnapshotError};

/// The file in a report directory that lists the SHA-256 of every other file, in the format
/// `sha256sum -c` reads.
pub const REPORT_MANIFEST: &str = "manifest.sha256";

/// The copy of the snapshot's manifest.json a report directory carries, so that
/// `sha256sum -c manifest.sha256`, run inside the report directory, also checks the snapshot
/// manifest the answers were computed from (whose hash answers.json and the packet's cover
/// print, and which lists the hash of every snapshot data file).
pub const SNAPSHOT_MANIFEST_COPY: &str = "snapshot-manifest.json";

/// The files every report directory holds besides its manifest.
pub const REPORT_FILES: [&str; 5] = [
    "answers.json",
    "answers.xlsx",
    "report.pdf",
    "report.html",
    SNAPSHOT_MANIFEST_COPY,
];

/// What `evident report` was asked to do.
pub struct ReportRequest {
    /// The snapshot directory.
    pub snapshot: PathBuf,
    /// Questionnaire files, answered in this order.
    pub questionnaires: Vec<PathBuf>,
    /// Human answers, if any.
    pub attestations: Option<PathBuf>,
    /// The report directory to write.
    pub out: PathBuf,
    /// A directory of template overrides.
    pub templates: Option<PathBuf>,
    /// Pins `generated_at` (the one timestamp in the outputs) and the day attestation expiry
    /// is judged on, so the same inputs give the same bytes; `None` means now.
    pub date: Option<DateTime<Utc>>,
    /// `--history`, `--fail-on`, `--fail-under`: the monthly job's options.
    pub monthly: crate::history::MonthlyArgs,
}

/// Parses `--date`: an RFC 3339 time (`2026-03-01T09:30:00Z`) or a day (`2026-03-01`, read
/// as midnight UTC).
pub fn parse_date(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("`{text}` is neither YYYY-MM-DD nor an RFC 3339 time"))
}

/// What every offline command reads before answering: the snapshot, the questionnaires and
/// the attestations, each loaded and validated.
pub struct Inputs {
    pub snapshot: LoadedSnapshot,
    pub questionnaires: Vec<questionnaire::Questionnaire>,
    pub attestations: Attestations,
}

/// Loads the inputs `report` and `fill` share; a bad file is an error naming it (exit 2).
pub fn load_inputs(
    snapshot: &Path,
    questionnaires: &[PathBuf],
    attestations: Option<&Path>,
) -> anyhow::Result<Inputs> {
    let snapshot = snapshot::load(snapshot)?;
    let paths = questionnaires;
    let questionnaires = paths
        .iter()
        .map(|p| questionnaire::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    // The same questionnaire twice would be answered, printed and counted twice.
    for (i, q) in questionnaires.iter().enumerate() {
        if questionnaires[..i].iter().any(|earlier| earlier.id == q.id) {
            return Err(questionnaire::LoadError::file(
                paths[i].display().to_string(),
                format!("questionnaire `{}` is given more than once", q.id),
            )
            .into());
        }
    }
    let attestations = match attestations {
        Some(path) => questionnaire::load_attestations(path)?,
        None => Attestations::default(),
    };
    Ok(Inputs {
        snapshot,
        questionnaires,
        attestations,
    })
}

/// Runs the whole offline pipeline for one report directory. Returns [`exit::GATE`] when a
/// `--fail-on`/`--fail-under` gate is not met (the outputs and history entry are written).
pub fn run(request: &ReportRequest) -> anyhow::Result<u8> {
    let Inputs {
        snapshot: loaded,
        questionnaires,
        attestations,
    } = load_inputs(
        &request.snapshot,
        &request.questionnaires,
        request.attestations.as_deref(),
    )?;
    let templates = Templates::load(request.templates.as_deref())?;
    let mut monthly = crate::history::Monthly::prepare(&request.monthly)?;

    let now = request.date.unwrap_or_else(Utc::now);
    let answers = build_answers_at(&loaded, &questionnaires, &attestations, now);
    let mut context = ReportContext::new(answers, &loaded);
    monthly.enrich(&mut context);
    write_outputs(&mut context, &loaded, &templates, &request.out)?;
    eprintln!("wrote {}", request.out.display());
    monthly.finish(&context)
}

/// Runs the probes once and answers every questionnaire from the same outcomes, as of now.
pub fn build_answers(
    loaded: &LoadedSnapshot,
    questionnaires: &[questionnaire::Questionnaire],
    attestations: &Attestations,
) -> Answers {
    build_answers_at(loaded, questionnaires, attestations, Utc::now())
}

/// [`build_answers`] as of `now`: the answers' `generated_at`, and the day attestation expiry
/// is judged on.
pub fn build_answers_at(
    loaded: &LoadedSnapshot,
    questionnaires: &[questionnaire::Questionnaire],
    attestations: &Attestations,
    now: DateTime<Utc>,
) -> Answers {
    questionnaire::warn_unused(questionnaires, attestations);
    let outcomes = crate::probes::run_all(&loaded.snapshot);
    let today = now.date_naive();
    Answers {
        format: FORMAT.to_string(),
        generated_at: now,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        snapshot: SnapshotRef {
            path: loaded.path.display().to_string(),
            manifest_sha256: loaded.manifest_sha256.clone(),
            collected_at: loaded.snapshot.manifest.finished_at,
        },
        questionnaires: questionnaires
            .iter()
            .map(|q| questionnaire::answer(q, &outcomes, attestations, today))
            .collect(),
    }
}

/// Writes answers.json, answers.xlsx, report.pdf, report.html, the snapshot manifest's copy
/// and manifest.sha256 into a staging directory next to `out`, then moves it into place.
fn write_outputs(
    ctx: &mut ReportContext,
    loaded: &LoadedSnapshot,
    templates: &Templates,
    out: &Path,
) -> anyhow::Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".evident-report-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging directory in {}", parent.display()))?;
    let dir = staging.path();

    let json = serde_json::to_vec_pretty(&ctx.answers)?;
    fs::write(dir.join("answers.json"), &json).context("writing answers.json")?;
    // The hash of the bytes just written, not of a second serialization.
    ctx.set_answers_sha256(sha256_hex(&json));
    copy_snapshot_manifest(loaded, &dir.join(SNAPSHOT_MANIFEST_COPY))?;
    render::write_xlsx(ctx, &dir.join("answers.xlsx")).context("writing answers.xlsx")?;
    render::write_pdf(ctx, templates, &dir.join("report.pdf")).context("writing report.pdf")?;
    render::write_html(ctx, templates, &dir.join("report.html")).context("writing report.html")?;
    write_report_manifest(dir)?;

    snapshot::replace_dir(staging, out, REPORT_MANIFEST)?;
    Ok(())
}

/// Copies the snapshot's manifest.json, refusing a file whose hash is no longer the one the
/// answers were computed from (it changed on disk while the report ran).
fn copy_snapshot_manifest(loaded: &LoadedSnapshot, to: &Path) -> anyhow::Result<()> {
    let from = loaded.path.join(snapshot::MANIFEST_FILE);
    let bytes = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
    let found = sha256_hex(&bytes);
    if found != loaded.manifest_sha256 {
        return Err(SnapshotError::HashMismatch {
            path: from,
            expected: loaded.manifest_sha256.clone(),
            found,
        }
        .into());
    }
    fs::write(to, bytes).with_context(|| format!("writing {}", to.display()))
}

fn write_report_manifest(dir: &Path) -> anyhow::Result<()> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != REPORT_MANIFEST)
        .collect();
    names.sort();
    let mut text = String::new();
    for name in names {
        let bytes = fs::read(dir.join(&name))?;
        text.push_str(&format!("{}  {}\n", sha256_hex(&bytes), name));
    }
    fs::write(dir.join(REPORT_MANIFEST), text).context("writing manifest.sha256")?;
    Ok(())
}

/// `evident verify DIR`: a snapshot (manifest.json) or a report directory (manifest.sha256).
/// Prints each changed or missing file and returns exit code 1 when there is any.
pub fn verify(dir: &Path) -> anyhow::Result<u8> {
    let problems: Vec<String> = if dir.join(snapshot::MANIFEST_FILE).is_file() {
        snapshot::verify(dir)?
            .iter()
            .map(|e| e.to_string())
            .collect()
    } else if dir.join(REPORT_MANIFEST).is_file() {
        verify_report_dir(dir)?
    } else if crate::history::is_history(dir) {
        crate::history::verify(dir)?
    } else {
        return Err(SnapshotError::NothingToVerify {
            path: dir.to_path_buf(),
            history_marker: crate::history::MARKER,
        }
        .into());
    };
    if problems.is_empty() {
        println!("{}: all files match their recorded SHA-256", dir.display());
        return Ok(exit::OK);
    }
    for p in &problems {
        println!("changed: {p}");
    }
    Ok(exit::FAILED)
}

fn verify_report_dir(dir: &Path) -> anyhow::Result<Vec<String>> {
    let manifest_path = dir.join(REPORT_MANIFEST);
    let text = fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let mut problems = Vec::new();
    let mut listed = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some((hash, name)) = line.split_once("  ") else {
            anyhow::bail!(
                "{}:{}: expected `<sha256>  <file>`",
                manifest_path.display(),
                index + 1
            );
        };
        // Plain names only: a line naming `../x` must not make verify read outside the report.
        if name.contains('/') || name.contains('\\') || name == ".." || name == "." {
            problems.push(format!(
                "{}: lists `{name}`, outside the report",
                manifest_path.display()
            ));
            continue;
        }
        listed.push(name.to_string());
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == hash => {}
            Ok(_) => problems.push(format!("{}: SHA-256 does not match", path.display())),
            Err(_) => problems.push(format!("{}: missing", path.display())),
        }
    }
    for required in REPORT_FILES {
        if !listed.iter().any(|n| n == required) {
            problems.push(format!(
                "{}: not listed in {REPORT_MANIFEST}",
                dir.join(required).display()
            ));
        }
    }
    for entry in fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != REPORT_MANIFEST && !listed.contains(&name) {
            problems.push(format!(
                "{}: present but not listed in {REPORT_MANIFEST}",
                entry.path().display()
            ));
        }
    }
    problems.extend(snapshot_link_problem(dir));
    Ok(problems)
}

/// The copy of the snapshot manifest must be the one answers.json names: both could be
/// replaced together with a manifest.sha256 rewritten to match, but not without changing the
/// hash that answers.json and the packet's cover print.
fn snapshot_link_problem(dir: &Path) -> Option<String> {
    let copy = fs::read(dir.join(SNAPSHOT_MANIFEST_COPY)).ok()?;
    let answers = fs::read(dir.join("answers.json")).ok()?;
    let answers: serde_json::Value = serde_json::from_slice(&answers).ok()?;
    let named = answers["snapshot"]["manifest_sha256"].as_str()?;
    let found = sha256_hex(&copy);
    (found != named).then(|| {
        format!(
            "{}: SHA-256 {found} is not the snapshot manifest answers.json names ({named})",
            dir.join(SNAPSHOT_MANIFEST_COPY).display()
        )
    })
}

/// The error and every cause under it, on one line, each said once.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Bad input (a file the user gave us) is exit 2; everything else that stops a run is 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<SnapshotError>() {
            return match e {
                SnapshotError::Write { .. } => exit::FAILED,
                _ => exit::BAD_INPUT,
            };
        }
        if let Some(e) = cause.downcast_ref::<crate::fill::FillError>() {
            return e.exit_code();
        }
        if cause.downcast_ref::<questionnaire::LoadError>().is_some()
            || cause
                .downcast_ref::<crate::history::HistoryError>()
                .is_some()
            || cause.downcast_ref::<render::TemplateError>().is_some()
            || is_aws_usage_error(cause)
            || cause
                .downcast_ref::<crate::policy::command::CommandError>()
                .is_some()
        {
            return exit::BAD_INPUT;
        }
    }
    exit::FAILED
}

#[cfg(feature = "aws")]
fn is_aws_usage_error(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.downcast_ref::<crate::aws::UsageError>().is_some()
}

/// Without the collector there are no AWS settings to get wrong.
#[cfg(not(feature = "aws"))]
fn is_aws_usage_error(_: &(dyn std::error::Error + 'static)) -> bool {
    false
}
