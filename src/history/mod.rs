//! Readiness over time: the history store a monthly job appends to, the chain of hashes that
//! shows no month was edited or removed, what changed between two runs, readiness on three
//! axes, the 90-day roadmap and the gates a scheduled job fails on.
//!
//! A history directory holds a marker file, `evident-history.json`, and one file per run under
//! `entries/` (`000001.json`, …). Each entry records its answers, the snapshot's manifest hash,
//! the collection time, the tool and questionnaire versions, and the SHA-256 of the entry
//! before it; the marker records the count and the hash of the latest entry. An edited month
//! then breaks the link from the month after it (or, for the latest, the marker), and a removed
//! one leaves a gap or a broken link. NOTE: the chain shows accidental and naive edits; whoever
//! can rewrite every later entry and the marker can forge it. Keep the head hash `report`
//! prints in the job's log, somewhere the job cannot rewrite, to close that gap.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::snapshot::sha256_hex;

pub mod chart;
pub mod diff;
pub mod gate;
mod monthly;
pub mod readiness;
pub mod roadmap;

pub use diff::{ChangeKind, Diff};
pub use gate::{FailOn, MonthlyArgs, Threshold};
pub use monthly::Monthly;
pub use readiness::Readiness;
pub use roadmap::Roadmap;

/// The marker file naming a directory as a history store.
pub const MARKER: &str = "evident-history.json";
/// The folder of entries inside a history directory.
pub const ENTRIES_DIR: &str = "entries";
/// The `format` of the marker.
pub const STORE_FORMAT: &str = "evident.history/1";
/// The `format` of an entry.
pub const ENTRY_FORMAT: &str = "evident.history-entry/1";

/// A history directory, a diff input or a gate the user got wrong: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: not a history directory (no {MARKER}) and not empty; refusing to write")]
    NotEmpty { path: PathBuf },
    #[error("{path}: not a history directory (no {MARKER})")]
    NotAHistory { path: PathBuf },
    #[error("{path}: {message}")]
    Bad { path: PathBuf, message: String },
    #[error("{path}: the history chain is broken ({problem}); run `evident verify` on it")]
    Broken { path: PathBuf, problem: String },
    #[error("{0}")]
    Usage(String),
}

/// The marker file: what the directory is, how many entries it has, the latest one's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub format: String,
    pub entries: usize,
    pub head_sha256: Option<String>,
}

/// A questionnaire and the version it was answered at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireVersion {
    pub id: String,
    pub version: String,
}

/// One run recorded in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub format: String,
    /// 1 for the first run, then one more per run; also the file name.
    pub sequence: usize,
    pub recorded_at: DateTime<Utc>,
    pub tool_version: String,
    /// SHA-256 of the snapshot's manifest.json.
    pub snapshot_manifest_sha256: String,
    /// When the snapshot's collection finished: the "as of" time of the month.
    pub collected_at: DateTime<Utc>,
    /// The organization id, or "standalone account" (absent in entries of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    pub questionnaires: Vec<QuestionnaireVersion>,
    /// SHA-256 of the previous entry's file; `None` for the first.
    pub previous_sha256: Option<String>,
    /// The three axes at the time, for listings and trends.
    pub readiness: Readiness,
    pub answers: Answers,
}

/// A history directory and its entries, in order.
#[derive(Debug)]
pub struct History {
    pub dir: PathBuf,
    pub entries: Vec<Entry>,
}

/// One month of a trend: its label and its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// `2026-12-03`: the collection date.
    pub label: String,
    /// The entry's sequence; `None` for the run being reported.
    pub sequence: Option<usize>,
    pub readiness: Readiness,
}

impl History {
    /// Opens a history directory, creating it (or filling an empty directory) when it holds
    /// none, and refuses one whose chain does not verify: appending would hide the break.
    pub fn open_or_create(dir: &Path) -> anyhow::Result<Self> {
        if !dir.join(MARKER).is_file() {
            create(dir)?;
        }
        let problems = verify(dir)?;
        if let Some(first) = problems.first() {
            return Err(HistoryError::Broken {
                path: dir.to_path_buf(),
                problem: first.clone(),
            }
            .into());
        }
        Ok(load(dir)?)
    }

    /// The latest entry.
    pub fn latest(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// Every entry's figures, then the run being reported.
    pub fn trend(&self, current: &Answers) -> Vec<TrendPoint> {
        let mut points: Vec<TrendPoint> = self
            .entries
            .iter()
            .map(|e| TrendPoint {
                label: e.collected_at.format("%Y-%m-%d").to_string(),
                sequence: Some(e.sequence),
                readiness: e.readiness.clone(),
            })
            .collect();
        points.push(TrendPoint {
            label: current.snapshot.collected_at.format("%Y-%m-%d").to_string(),
            sequence: None,
            readiness: Readiness::of(current),
        });
        points
    }

    /// Appends a run: writes the entry, then the marker, each through a temporary file renamed
    /// into place, so a crash leaves either the old history or the new one. Returns the new
    /// head hash.
    pub fn append(&mut self, answers: &Answers, organization: &str) -> anyhow::Result<String> {
        let previous_sha256 = match self.latest() {
            Some(e) => Some(file_sha256(&entry_path(&self.dir, e.sequence))?),
            None => None,
        };
        let entry = Entry {
            format: ENTRY_FORMAT.to_string(),
            sequence: self.latest().map_or(1, |e| e.sequence + 1),
            recorded_at: Utc::now(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            snapshot_manifest_sha256: answers.snapshot.manifest_sha256.clone(),
            collected_at: answers.snapshot.collected_at,
            organization: Some(organization.to_string()),
            questionnaires: answers
                .questionnaires
                .iter()
                .map(|q| QuestionnaireVersion {
                    id: q.id.clone(),
                    version: q.version.clone(),
                })
                .collect(),
            previous_sha256,
            readiness: Readiness::of(answers),
            answers: answers.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&entry)?;
        let path = entry_path(&self.dir, entry.sequence);
        write_atomically(&path, &bytes)?;
        let head = sha256_hex(&bytes);
        let marker = Marker {
            format: STORE_FORMAT.to_string(),
            entries: entry.sequence,
            head_sha256: Some(head.clone()),
        };
        write_atomically(&self.dir.join(MARKER), &serde_json::to_vec_pretty(&marker)?)?;
        self.entries.push(entry);
        Ok(head)
    }
}

/// The path of entry `sequence`.
pub fn entry_path(dir: &Path, sequence: usize) -> PathBuf {
    dir.join(ENTRIES_DIR).join(format!("{sequence:06}.json"))
}

fn create(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let mut listing =
            fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if listing.next().is_some() {
            return Err(HistoryError::NotEmpty {
                path: dir.to_path_buf(),
            }
            .into());
        }
    }
    fs::create_dir_all(dir.join(ENTRIES_DIR))
        .with_context(|| format!("creating {}", dir.display()))?;
    let marker = Marker {
        format: STORE_FORMAT.to_string(),
        entries: 0,
        head_sha256: None,
    };
    write_atomically(&dir.join(MARKER), &serde_json::to_vec_pretty(&marker)?)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("creating a temporary file in {}", parent.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn file_sha256(path: &Path) -> anyhow::Result<String> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

fn bad(path: &Path, message: impl Into<String>) -> HistoryError {
    HistoryError::Bad {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Whether `dir` is a history directory (it holds the marker).
pub fn is_history(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

fn read_marker(dir: &Path) -> Result<Marker, HistoryError> {
    let path = dir.join(MARKER);
    let text = fs::read_to_string(&path).map_err(|_| HistoryError::NotAHistory {
        path: dir.to_path_buf(),
    })?;
    let marker: Marker = serde_json::from_str(&text).map_err(|e| bad(&path, e.to_string()))?;
    if marker.format != STORE_FORMAT {
        return Err(bad(
            &path,
            format!("format `{}`, expected `{STORE_FORMAT}`", marker.format),
        ));
    }
    Ok(marker)
}

/// Entry files by sequence, and the stray files beside them.
type EntryFiles = (Vec<(usize, PathBuf)>, Vec<PathBuf>);

/// The entry files of a history, by sequence; other names under `entries/` are returned
/// apart so verify can flag them.
fn entry_files(dir: &Path) -> Result<EntryFiles, HistoryError> {
    let entries_dir = dir.join(ENTRIES_DIR);
    let listing = fs::read_dir(&entries_dir).map_err(|e| bad(&entries_dir, e.to_string()))?;
    let mut files = Vec::new();
    let mut strays = Vec::new();
    for item in listing.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let number = name
            .strip_suffix(".json")
            .filter(|n| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<usize>().ok());
        match number {
            Some(n) => files.push((n, item.path())),
            None => strays.push(item.path()),
        }
    }
    files.sort();
    Ok((files, strays))
}

/// Reads one entry file.
pub fn read_entry(path: &Path) -> Result<Entry, HistoryError> {
    let text = fs::read_to_string(path).map_err(|e| bad(path, e.to_string()))?;
    let entry: Entry = serde_json::from_str(&text).map_err(|e| bad(path, e.to_string()))?;
    if entry.format != ENTRY_FORMAT {
        return Err(bad(
            path,
            format!("format `{}`, expected `{ENTRY_FORMAT}`", entry.format),
        ));
    }
    Ok(entry)
}

/// Loads every entry of a history directory, in order, without checking the chain.
pub fn load(dir: &Path) -> Result<History, HistoryError> {
    read_marker(dir)?;
    let (files, _) = entry_files(dir)?;
    let entries = files
        .iter()
        .map(|(_, path)| read_entry(path))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(History {
        dir: dir.to_path_buf(),
        entries,
    })
}

/// Checks the chain of a history directory; each problem names the entry that breaks it.
pub fn verify(dir: &Path) -> anyhow::Result<Vec<String>> {
    let marker = read_marker(dir)?;
    let (files, strays) = entry_files(dir)?;
    let mut problems: Vec<String> = strays
        .iter()
        .map(|p| format!("{}: not an entry of this history", p.display()))
        .collect();

    let mut previous: Option<(usize, String)> = None;
    for (number, path) in &files {
        let expected = previous.as_ref().map_or(1, |(n, _)| n + 1);
        // After a gap the link cannot match; the gap is the one finding to report.
        let gap = *number != expected;
        if gap {
            let missing: Vec<String> = (expected..*number).map(|n| format!("{n:06}")).collect();
            problems.push(format!(
                "entry {} is missing (the next file is {})",
                missing.join(", entry "),
                path.display()
            ));
        }
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let hash = sha256_hex(&bytes);
        match serde_json::from_slice::<Entry>(&bytes) {
            Err(e) => problems.push(format!(
                "entry {number:06} ({}) does not parse: {e}",
                path.display()
            )),
            Ok(entry) => {
                if entry.sequence != *number {
                    problems.push(format!(
                        "entry {number:06} says it is entry {:06}: entries were renamed",
                        entry.sequence
                    ));
                }
                if !gap {
                    problems.extend(check_link(*number, &entry, previous.as_ref()));
                }
            }
        }
        previous = Some((*number, hash));
    }

    let head = previous.as_ref().map(|(_, h)| h.clone());
    let last = previous.as_ref().map_or(0, |(n, _)| *n);
    if marker.entries != last {
        problems.push(format!(
            "{MARKER} records {} entries, the last file is entry {last:06}: an entry was \
             removed or added outside evident",
            marker.entries
        ));
    } else if marker.head_sha256 != head {
        problems.push(format!(
            "entry {last:06} (the latest) was changed: its SHA-256 is not the head hash \
             {MARKER} records"
        ));
    }
    Ok(problems)
}

/// The link from an entry to the one before it.
fn check_link(number: usize, entry: &Entry, previous: Option<&(usize, String)>) -> Vec<String> {
    let mut problems = Vec::new();
    match (previous, &entry.previous_sha256) {
        (None, None) => {}
        (None, Some(_)) => problems.push(format!(
            "entry {number:06} is the first file but records a previous entry: earlier \
             entries were removed"
        )),
        (Some((p, _)), None) => problems.push(format!(
            "entry {number:06} records no previous entry though entry {p:06} precedes it"
        )),
        (Some((p, hash)), Some(recorded)) if hash != recorded => problems.push(format!(
            "entry {p:06} was changed or replaced: entry {number:06} records its SHA-256 as \
             {recorded}, the file hashes to {hash}"
        )),
        _ => {}
    }
    problems
}

/// `evident history DIR`: one line per entry with its headline figures, then the definitions.
pub fn print_list(dir: &Path, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let history = load(dir)?;
    writeln!(
        out,
        "{:<6} {:<10} {:<14} {:>8} {:>10} {:>7} {:>5} {:>9} {:>7}  snapshot",
        "entry",
        "collected",
        "questionnaires",
        "audit",
        "insurance",
        "admins",
        "keys",
        "unguarded",
        "shared"
    )?;
    for e in &history.entries {
        let r = &e.readiness;
        let pct = |p: Option<f64>| p.map_or("-".to_string(), |p| format!("{p:.1}%"));
        let count = |id: &str| {
            r.blast_radius
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.value)
                .map_or("-".to_string(), |v| v.to_string())
        };
        let versions: Vec<String> = e.questionnaires.iter().map(|q| q.version.clone()).collect();
        writeln!(
            out,
            "{:<6} {:<10} {:<14} {:>8} {:>10} {:>7} {:>5} {:>9} {:>7}  {}",
            format!("{:06}", e.sequence),
            e.collected_at.format("%Y-%m-%d"),
            versions.join(","),
            pct(r.audit.percent),
            pct(r.insurance.percent),
            count(crate::probes::identity::COUNT_FULL_ADMINS),
            count(crate::probes::identity::COUNT_USERS_WITH_KEYS),
            count(crate::probes::org::COUNT_UNGUARDED_ACCOUNTS),
            count(crate::probes::org::COUNT_SHARED_ACCOUNTS),
            e.snapshot_manifest_sha256.get(..12).unwrap_or("")
        )?;
    }
    if let Some(e) = history.entries.last() {
        let r = &e.readiness;
        writeln!(out, "\naudit: {}", r.audit.definition)?;
        writeln!(out, "insurance: {}", r.insurance.definition)?;
        let short = ["admins", "keys", "unguarded", "", "shared"];
        for (c, name) in r.blast_radius.iter().zip(short) {
            if !name.is_empty() {
                writeln!(out, "{name}: {}", c.definition)?;
            }
        }
    } else {
        writeln!(out, "(no entries yet)")?;
    }
    Ok(())
}

/// Reads one side of `evident diff`: an answers.json, a report directory, a history entry
/// file, or a history directory (its latest entry).
pub fn read_answers(path: &Path) -> Result<Answers, HistoryError> {
    if path.is_dir() {
        if is_history(path) {
            let history = load(path)?;
            return history
                .entries
                .last()
                .map(|e| e.answers.clone())
                .ok_or_else(|| bad(path, "the history has no entries"));
        }
        return read_answers(&path.join("answers.json"));
    }
    let text = fs::read_to_string(path).map_err(|e| bad(path, e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(path, e.to_string()))?;
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    let answers = match format {
        ENTRY_FORMAT => value.get("answers").cloned().unwrap_or_default(),
        crate::answers::FORMAT => value,
        other => {
            return Err(bad(
                path,
                format!(
                    "format `{other}`: expected an answers document ({}) or a history \
                     entry ({ENTRY_FORMAT})",
                    crate::answers::FORMAT
                ),
            ))
        }
    };
    serde_json::from_value(answers).map_err(|e| bad(path, e.to_string()))
}

/// The output format of `evident diff`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// Markdown for a chat message or an email.
    Markdown,
    /// One JSON object.
    Json,
}

/// `evident diff OLD NEW`: prints what changed from OLD to NEW.
pub fn run_diff(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<u8> {
    let diff = Diff::between(&read_answers(old)?, &read_answers(new)?);
    match format {
        DiffFormat::Text => out.write_all(diff.to_text().as_bytes())?,
        DiffFormat::Markdown => out.write_all(diff.to_markdown().as_bytes())?,
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &diff)?;
            writeln!(out)?;
        }
    }
    Ok(crate::exit::OK)
}
