//! The report context: the one documented, serializable structure every template and writer
//! (HTML, PDF, XLSX, JSON) renders from. Templates see exactly this, so adding a field here is
//! how a new value reaches every output.

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::history::{Diff, Readiness, Roadmap, TrendPoint};
use crate::snapshot::{ErrorEntry, LoadedSnapshot};

/// Everything a report shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportContext {
    /// The `evident.answers/1` document, exactly as written to answers.json.
    pub answers: Answers,
    /// What was collected, from where, by whom.
    pub scope: ScopeView,
    /// Every failed call met during collection.
    pub collection_errors: Vec<ErrorEntry>,
    /// Per questionnaire, counts by status.
    pub summaries: Vec<QuestionnaireSummary>,
    /// Every `fail`, `partial` and `unknown` answer with its cause, in questionnaire order.
    #[serde(default)]
    pub exceptions: Vec<ExceptionEntry>,
    /// Every answer a person gave, with who, when and until when.
    #[serde(default)]
    pub attestations: Vec<AttestationEntry>,
    /// The hashes an auditor checks the packet against.
    #[serde(default)]
    pub integrity: IntegrityView,
    /// Readiness on three axes (audit, insurance, blast radius), each with its definition.
    #[serde(default)]
    pub readiness: Readiness,
    /// The 90-day roadmap: the phase the organization is in and the failing checks per phase.
    #[serde(default)]
    pub roadmap: Roadmap,
    /// One point per history entry, then this run; empty when no `--history` was given.
    #[serde(default)]
    pub trend: Vec<TrendPoint>,
    /// What changed since the previous history entry, when there is one.
    #[serde(default)]
    pub since_previous: Option<Diff>,
    /// One SVG chart per axis over the months of `trend` (empty below two points); the HTML
    /// inlines them, the PDF embeds them as images, the xlsx draws its own on a Trend sheet.
    #[serde(default)]
    pub trend_charts: Vec<TrendChart>,
}

/// A trend chart of one readiness axis, drawn as SVG.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrendChart {
    /// `audit`, `insurance` or `blast_radius`.
    pub axis: String,
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// One answer the exceptions register lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExceptionEntry {
    /// The questionnaire id.
    pub questionnaire: String,
    /// The question id.
    pub question: String,
    /// The question text.
    pub text: String,
    /// `fail`, `partial` or `unknown`.
    pub status: String,
    /// Why: the answer's finding (for `unknown`, which evidence could not be collected).
    pub cause: String,
    /// Accounts the failing evidence concerns, when it names any.
    pub accounts: Vec<String>,
    /// What would fix it, when the probe says.
    pub remediation: Option<String>,
}

/// One attested answer as the attestation register lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttestationEntry {
    /// The questionnaire id.
    pub questionnaire: String,
    /// The question id.
    pub question: String,
    /// The answer attested, as text (`Yes`, `N/A`, a number).
    pub answer: String,
    /// Who attests: name and role.
    pub by: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// The last day the answer holds, when the attestation says.
    pub expires: Option<String>,
    /// What the answer rests on.
    pub note: Option<String>,
}

/// The integrity appendix: what the packet's claims can be checked against. A PDF cannot hold
/// its own hash; `manifest.sha256` beside it covers it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IntegrityView {
    /// SHA-256 (hex) of the snapshot's manifest.json, which lists every data file's hash.
    pub snapshot_manifest_sha256: String,
    /// SHA-256 (hex) of every snapshot data file, as the snapshot manifest records them
    /// (loading the snapshot checked each against the file).
    pub snapshot_files: Vec<FileHash>,
    /// SHA-256 (hex) of answers.json exactly as written beside the packet; empty when the
    /// context was not built by `evident report`.
    pub answers_json_sha256: String,
}

/// A file name and its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileHash {
    /// The file name inside its directory.
    pub name: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// What [`ScopeView::organization`] says of an account outside any organization.
pub const STANDALONE: &str = "standalone account";

/// The scope statement of a report: the organization, the collection, the accounts and regions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeView {
    /// The organization id, or [`STANDALONE`].
    pub organization: String,
    /// The management account id, when the snapshot is of an organization.
    pub management_account: Option<String>,
    /// `sts:GetCallerIdentity` ARN of the credentials that collected.
    pub caller_arn: String,
    /// RFC 3339 UTC time the collection started.
    pub collection_started: String,
    /// RFC 3339 UTC time the collection finished (the "as of" time of every answer).
    pub collection_finished: String,
    /// Version of the tool that collected the snapshot.
    pub tool_version: String,
    /// SHA-256 (hex) of the snapshot's manifest.json, printed on the cover.
    pub snapshot_sha256: String,
    /// Regions evaluated.
    pub regions: Vec<String>,
    /// Accounts evaluated.
    pub accounts: Vec<AccountView>,
    /// Accounts left out, each with its reason.
    pub excluded_accounts: Vec<AccountView>,
}

/// One account as the scope statement lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountView {
    /// The 12-digit account id.
    pub id: String,
    /// The account name from Organizations (empty when unknown).
    pub name: String,
    /// `Root / Security / …`, or empty for a standalone account.
    pub ou_path: String,
    /// `ACTIVE`, `SUSPENDED`, …
    pub state: String,
    /// Why the account was left out (only for excluded accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts of one questionnaire's answers. Automated answers count by their answer (Yes, No,
/// Partial); attested, unknown, not-applicable and unanswered ones count by their status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QuestionnaireSummary {
    /// The questionnaire id.
    pub id: String,
    /// The questionnaire title.
    pub title: String,
    /// Number of questions.
    pub total: usize,
    /// Automated "Yes" answers.
    pub yes: usize,
    /// Automated "No" answers.
    pub no: usize,
    /// Automated "Partial" answers (and partial outcomes on non-yes/no questions).
    pub partial: usize,
    /// Answers left blank because evidence is missing.
    pub unknown: usize,
    /// Questions that do not apply.
    pub not_applicable: usize,
    /// Answers given by a human attestation.
    pub attested: usize,
    /// Questions needing an attestation nobody gave.
    pub unanswered: usize,
    /// Question ids that need a human before the answers are sent.
    pub needs_review: Vec<String>,
}

impl ReportContext {
    /// Builds the context from the answers and the snapshot they were computed from.
    pub fn new(answers: Answers, snapshot: &LoadedSnapshot) -> Self {
        let scope = ScopeView::new(snapshot);
        let mut ctx = Self::from_parts(answers, scope, snapshot.snapshot.manifest.errors.clone());
        ctx.integrity.snapshot_files = (snapshot.snapshot.manifest.files.iter())
            .map(|(name, sha256)| FileHash {
                name: name.clone(),
                sha256: sha256.clone(),
            })
            .collect();
        ctx
    }

    /// Records the SHA-256 of answers.json as written, for the integrity appendix. It is
    /// computed by the caller from the bytes on disk, not re-serialized here, so the packet
    /// prints the hash `sha256sum answers.json` gives.
    pub fn set_answers_sha256(&mut self, sha256: String) {
        self.integrity.answers_json_sha256 = sha256;
    }

    /// Builds the context from parts already at hand (saved answers, a test's scope), counting
    /// the per-questionnaire summaries the same way [`ReportContext::new`] does.
    pub fn from_parts(
        answers: Answers,
        scope: ScopeView,
        collection_errors: Vec<ErrorEntry>,
    ) -> Self {
        let summaries = answers
            .questionnaires
            .iter()
            .map(QuestionnaireSummary::new)
            .collect();
        let integrity = IntegrityView {
            snapshot_manifest_sha256: scope.snapshot_sha256.clone(),
            ..Default::default()
        };
        ReportContext {
            exceptions: exceptions(&answers),
            attestations: attestations(&answers),
            readiness: Readiness::of(&answers),
            roadmap: Roadmap::of(&answers),
            answers,
            scope,
            collection_errors,
            summaries,
            integrity,
            trend: Vec::new(),
            since_previous: None,
            trend_charts: Vec::new(),
        }
    }
}

/// Every `fail`, `partial` and `unknown` answer, with its finding as the cause.
fn exceptions(answers: &Answers) -> Vec<ExceptionEntry> {
    use crate::answers::AnswerStatus as S;
    let mut entries = Vec::new();
    for q in &answers.questionnaires {
        for a in &q.answers {
            if !matches!(a.status, S::Fail | S::Partial | S::Unknown) {
                continue;
            }
            let mut accounts: Vec<String> =
                a.evidence.iter().flat_map(|e| e.accounts.clone()).collect();
            accounts.sort();
            accounts.dedup();
            entries.push(ExceptionEntry {
                questionnaire: q.id.clone(),
                question: a.question.clone(),
                text: a.text.clone(),
                status: a.status.as_str().to_string(),
                cause: a.summary.clone(),
                accounts,
                remediation: a.remediation.clone(),
            });
        }
    }
    entries
}

/// Every answer that rests on an attestation in force.
fn attestations(answers: &Answers) -> Vec<AttestationEntry> {
    let mut entries = Vec::new();
    for q in &answers.questionnaires {
        for a in &q.answers {
            let Some(att) = &a.attestation else { continue };
            let answer = match &a.answer {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            entries.push(AttestationEntry {
                questionnaire: q.id.clone(),
                question: a.question.clone(),
                answer,
                by: att.by.clone(),
                date: att.date.clone(),
                expires: att.expires.clone(),
                note: att.note.clone(),
            });
        }
    }
    entries
}

impl ScopeView {
    fn new(loaded: &LoadedSnapshot) -> Self {
        let s = &loaded.snapshot;
        let m = &s.manifest;
        let view = |id: &str, reason: Option<String>| account_view(loaded, id, reason);
        ScopeView {
            organization: m.scope.organization_id.clone().unwrap_or(STANDALONE.into()),
            management_account: m.scope.management_account.clone(),
            caller_arn: m.caller_arn.clone(),
            collection_started: m.started_at.to_rfc3339(),
            collection_finished: m.finished_at.to_rfc3339(),
            tool_version: m.tool_version.clone(),
            snapshot_sha256: loaded.manifest_sha256.clone(),
            regions: m.scope.regions.clone(),
            accounts: m.scope.accounts.iter().map(|id| view(id, None)).collect(),
            excluded_accounts: m
                .scope
                .excluded_accounts
                .iter()
                .map(|(id, why)| view(id, Some(why.clone())))
                .collect(),
        }
    }
}

fn account_view(loaded: &LoadedSnapshot, id: &str, reason: Option<String>) -> AccountView {
    let org = &loaded.snapshot.organization;
    let account = org
        .accounts
        .as_ref()
        .and_then(|r| r.value())
        .and_then(|accounts| accounts.iter().find(|a| a.id == id).cloned());
    let (name, state, parent) = match account {
        Some(a) => (a.name, a.state, a.parent_id),
        None => (String::new(), "ACTIVE".to_string(), None),
    };
    AccountView {
        id: id.to_string(),
        name,
        ou_path: ou_path(loaded, parent),
        state,
        reason,
    }
}

/// `Root / Workloads / Prod` for a parent id, walking up the collected OU tree.
fn ou_path(loaded: &LoadedSnapshot, mut parent: Option<String>) -> String {
    let org = &loaded.snapshot.organization;
    let mut names = Vec::new();
    // The tree is at most 5 OUs deep; the bound also guards against a corrupt cycle.
    for _ in 0..8 {
        let Some(id) = parent.take() else { break };
        if let Some(ou) = org
            .organizational_units
            .iter()
            .filter_map(|r| r.value())
            .find(|o| o.id == id)
        {
            names.push(ou.name.clone());
            parent = Some(ou.parent_id.clone());
        } else {
            names.push("Root".to_string());
        }
    }
    names.reverse();
    names.join(" / ")
}

impl QuestionnaireSummary {
    fn new(q: &crate::answers::QuestionnaireAnswers) -> Self {
        use crate::answers::AnswerStatus as S;
        let mut s = QuestionnaireSummary {
            id: q.id.clone(),
            title: q.title.clone(),
            total: q.answers.len(),
            ..Default::default()
        };
        for a in &q.answers {
            match (a.status, a.answer.as_ref().and_then(|v| v.as_str())) {
                (S::Attested, _) => s.attested += 1,
                (S::Unanswered, _) => s.unanswered += 1,
                (S::Unknown, _) => s.unknown += 1,
                (S::NotApplicable, _) => s.not_applicable += 1,
                (_, Some("Yes")) => s.yes += 1,
                (_, Some("Partial")) => s.partial += 1,
                (_, Some("No")) => s.no += 1,
                (S::Partial, _) => s.partial += 1,
                (S::Fail, _) => s.no += 1,
                (S::Pass, _) => s.yes += 1,
            }
            if a.review {
                s.needs_review.push(a.question.clone());
            }
        }
        s
    }
}
