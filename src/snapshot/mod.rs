//! A snapshot is a directory: `manifest.json` plus one JSON file per evidence family. It is
//! the boundary between the one step that talks to AWS (`collect`) and everything else, which
//! runs offline from it.
//!
//! The manifest carries the SHA-256 of every data file. Loading checks them, so a report is
//! never built from evidence that changed after collection; `evident verify` reports the same
//! check without loading.

pub mod model;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use model::*;

/// The snapshot format this build writes. A snapshot with a larger number is refused.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` field every snapshot manifest carries.
pub const FORMAT: &str = "evident.snapshot";
pub const MANIFEST_FILE: &str = "manifest.json";
pub const ORGANIZATION_FILE: &str = "organization.json";
pub const ACCOUNTS_FILE: &str = "accounts.json";
pub const CLOUDTRAIL_FILE: &str = "cloudtrail.json";
pub const IDENTITY_CENTER_FILE: &str = "identity-center.json";

/// The data files every snapshot holds, in the order they are written.
pub const DATA_FILES: [&str; 4] = [
    ORGANIZATION_FILE,
    ACCOUNTS_FILE,
    CLOUDTRAIL_FILE,
    IDENTITY_CENTER_FILE,
];

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a valid snapshot file: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: snapshot format version {found} is newer than this evident understands \
         ({FORMAT_VERSION}); upgrade evident to read it"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("{path}: SHA-256 does not match the manifest (expected {expected}, found {found})")]
    HashMismatch {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error("{path}: listed in the manifest but missing")]
    Missing { path: PathBuf },
    #[error("{path}: not a snapshot directory (no {MANIFEST_FILE})")]
    NotASnapshot { path: PathBuf },
    #[error(
        "{path}: nothing to verify: neither a snapshot ({MANIFEST_FILE}), a report directory \
         (manifest.sha256) nor a history ({history_marker})"
    )]
    NothingToVerify {
        path: PathBuf,
        history_marker: &'static str,
    },
    #[error(
        "{path}: exists and is not an earlier evident output (no {marker}); refusing to \
         replace it: choose a new or empty directory"
    )]
    WouldReplace { path: PathBuf, marker: String },
    #[error("{path}: lists `{name}`, which is not a file of this directory")]
    ForeignEntry { path: PathBuf, name: String },
    #[error("{path}: format `{found}` is not an evident snapshot (`{FORMAT}`)")]
    WrongFormat { path: PathBuf, found: String },
}

/// Which accounts and regions a snapshot covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// `None` for a standalone account (no organization).
    pub organization_id: Option<String>,
    pub management_account: Option<String>,
    /// Every account the collection tried to enter (ACTIVE accounts of the organization, or
    /// the one standalone account).
    pub accounts: Vec<String>,
    /// Accounts left out, with the reason (`SUSPENDED`, …).
    pub excluded_accounts: BTreeMap<String, String>,
    pub regions: Vec<String>,
    /// Whether the user chose `regions` (`--regions`). Then the scope is those regions; else
    /// it is every enabled region of each account, and `regions` is only where global calls
    /// went.
    #[serde(default)]
    pub regions_explicit: bool,
}

/// One failed call, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    pub account: String,
    pub region: String,
    pub service: String,
    pub operation: String,
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub tool_version: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// `sts:GetCallerIdentity` of the credentials that ran the collection.
    pub caller_arn: String,
    pub scope: Scope,
    /// SHA-256 (hex) of every data file, keyed by file name.
    pub files: BTreeMap<String, String>,
    pub errors: Vec<ErrorEntry>,
}

/// The evidence of one collection, loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub manifest: Manifest,
    pub organization: OrgEvidence,
    pub accounts: Vec<AccountEvidence>,
    pub cloudtrail: CloudTrailEvidence,
    pub identity_center: IdentityCenterEvidence,
}

/// A loaded snapshot with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedSnapshot {
    pub snapshot: Snapshot,
    pub path: PathBuf,
    /// SHA-256 of `manifest.json` as stored, which pins every data file through its hashes.
    pub manifest_sha256: String,
}

impl Snapshot {
    /// The evidence read inside `account`, if the collection reached it at all.
    pub fn account(&self, account: &str) -> Option<&AccountEvidence> {
        self.accounts.iter().find(|a| a.account_id == account)
    }

    pub fn is_management(&self, account: &str) -> bool {
        self.manifest.scope.management_account.as_deref() == Some(account)
    }
}

/// SHA-256 of bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a snapshot into `dir`. The files are written into a sibling temporary directory that
/// is renamed into place at the end, so an interrupted run leaves no half-written snapshot.
pub fn save(dir: &Path, snapshot: &Snapshot) -> Result<(), SnapshotError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let write_err = |source| SnapshotError::Write {
        path: dir.to_path_buf(),
        source,
    };
    fs::create_dir_all(parent).map_err(write_err)?;
    let staging = tempfile::Builder::new()
        .prefix(".evident-snapshot-")
        .tempdir_in(parent)
        .map_err(write_err)?;

    let mut manifest = snapshot.manifest.clone();
    manifest.files.clear();
    let data: [(&str, serde_json::Result<Vec<u8>>); 4] = [
        (
            ORGANIZATION_FILE,
            serde_json::to_vec_pretty(&snapshot.organization),
        ),
        (ACCOUNTS_FILE, serde_json::to_vec_pretty(&snapshot.accounts)),
        (
            CLOUDTRAIL_FILE,
            serde_json::to_vec_pretty(&snapshot.cloudtrail),
        ),
        (
            IDENTITY_CENTER_FILE,
            serde_json::to_vec_pretty(&snapshot.identity_center),
        ),
    ];
    for (name, bytes) in data {
        let bytes = bytes.map_err(|e| write_err(std::io::Error::other(e)))?;
        manifest.files.insert(name.to_string(), sha256_hex(&bytes));
        write_file(&staging.path().join(name), &bytes)?;
    }
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| write_err(e.into()))?;
    write_file(&staging.path().join(MANIFEST_FILE), &bytes)?;

    replace_dir(staging, dir, MANIFEST_FILE)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    fs::write(path, bytes).map_err(|source| SnapshotError::Write {
        path: path.into(),
        source,
    })
}

/// Moves a finished staging directory to `dir`. An existing `dir` is replaced only when it
/// is empty or holds `marker` (the manifest of an earlier output of the same kind): evident
/// never deletes a directory it did not write. The old directory is moved aside first and
/// removed only once the new one is in place, so a failed move loses nothing.
pub fn replace_dir(
    staging: tempfile::TempDir,
    dir: &Path,
    marker: &str,
) -> Result<(), SnapshotError> {
    let write_err = |source| SnapshotError::Write {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.exists() {
        return fs::rename(staging.keep(), dir).map_err(write_err);
    }
    let empty = fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !dir.is_dir() || !(empty || dir.join(marker).is_file()) {
        return Err(SnapshotError::WouldReplace {
            path: dir.to_path_buf(),
            marker: marker.into(),
        });
    }
    let aside = staging.path().with_extension("old");
    fs::rename(dir, &aside).map_err(write_err)?;
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, dir) {
        // Put the old output back; the new one stays in its staging directory for inspection.
        let _ = fs::rename(&aside, dir);
        return Err(write_err(e));
    }
    fs::remove_dir_all(&aside).map_err(write_err)
}

/// Reads and checks a snapshot directory: format version first, then every file's hash.
pub fn load(dir: &Path) -> Result<LoadedSnapshot, SnapshotError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.is_file() {
        return Err(SnapshotError::NotASnapshot {
            path: dir.to_path_buf(),
        });
    }
    let manifest_bytes = read(&manifest_path)?;
    let manifest = parse_manifest(&manifest_path, &manifest_bytes)?;

    for name in DATA_FILES {
        let path = dir.join(name);
        let bytes = read(&path)?;
        check_hash(&manifest, &path, name, &bytes)?;
    }
    let snapshot = Snapshot {
        organization: parse_json(&dir.join(ORGANIZATION_FILE))?,
        accounts: parse_json(&dir.join(ACCOUNTS_FILE))?,
        cloudtrail: parse_json(&dir.join(CLOUDTRAIL_FILE))?,
        identity_center: parse_json(&dir.join(IDENTITY_CENTER_FILE))?,
        manifest,
    };
    Ok(LoadedSnapshot {
        snapshot,
        path: dir.to_path_buf(),
        manifest_sha256: sha256_hex(&manifest_bytes),
    })
}

/// Checks every file the manifest lists against its hash, without parsing the data. Returns
/// the problems found (an empty list means the snapshot is intact).
pub fn verify(dir: &Path) -> Result<Vec<SnapshotError>, SnapshotError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.is_file() {
        return Err(SnapshotError::NotASnapshot {
            path: dir.to_path_buf(),
        });
    }
    let manifest = parse_manifest(&manifest_path, &read(&manifest_path)?)?;
    let mut problems = Vec::new();
    for name in manifest.files.keys() {
        // Only the known data files: a manifest naming `../x` must not make verify read
        // outside the snapshot.
        if !DATA_FILES.contains(&name.as_str()) {
            problems.push(SnapshotError::ForeignEntry {
                path: manifest_path.clone(),
                name: name.clone(),
            });
            continue;
        }
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(bytes) => {
                if let Err(e) = check_hash(&manifest, &path, name, &bytes) {
                    problems.push(e);
                }
            }
            Err(_) => problems.push(SnapshotError::Missing { path }),
        }
    }
    for name in DATA_FILES {
        if !manifest.files.contains_key(name) {
            problems.push(SnapshotError::Missing {
                path: dir.join(name),
            });
        }
    }
    Ok(problems)
}

fn read(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => SnapshotError::Missing { path: path.into() },
        _ => SnapshotError::Read {
            path: path.into(),
            source,
        },
    })
}

fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<Manifest, SnapshotError> {
    // Read the version before the rest, so a newer format is refused with a clear message
    // instead of failing on whatever field it changed.
    #[derive(Deserialize)]
    struct Version {
        format_version: u32,
    }
    let version: Version = from_slice(path, bytes)?;
    if version.format_version > FORMAT_VERSION {
        return Err(SnapshotError::TooNew {
            path: path.into(),
            found: version.format_version,
        });
    }
    from_slice(path, bytes)
}

fn check_hash(
    manifest: &Manifest,
    path: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<(), SnapshotError> {
    let expected = manifest
        .files
        .get(name)
        .ok_or(SnapshotError::Missing { path: path.into() })?;
    let found = sha256_hex(bytes);
    if &found != expected {
        return Err(SnapshotError::HashMismatch {
            path: path.into(),
            expected: expected.clone(),
            found,
        });
    }
    Ok(())
}

fn parse_json<T: DeserializeOwned>(path: &Path) -> Result<T, SnapshotError> {
    from_slice(path, &read(path)?)
}

fn from_slice<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, SnapshotError> {
    serde_json::from_slice(bytes).map_err(|e| SnapshotError::Parse {
        path: path.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}
