//! The report context: the one documented, serializable structure every template and writer
//! (HTML, PDF, XLSX, JSON) renders from. Templates see exactly this, so adding a field here is
//! how a new value reaches every output.

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::snapshot::{ErrorEntry, LoadedSnapshot};

/// Everything a report shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportContext {
    pub answers: Answers,
    pub scope: ScopeView,
    /// Every failed call met during collection.
    pub collection_errors: Vec<ErrorEntry>,
    /// Per questionnaire, counts by status.
    pub summaries: Vec<QuestionnaireSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeView {
    /// The organization id, or "standalone account".
    pub organization: String,
    pub management_account: Option<String>,
    pub caller_arn: String,
    pub collection_started: String,
    pub collection_finished: String,
    pub tool_version: String,
    pub snapshot_sha256: String,
    pub regions: Vec<String>,
    pub accounts: Vec<AccountView>,
    pub excluded_accounts: Vec<AccountView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    /// `Root / Security / …`, or empty for a standalone account.
    pub ou_path: String,
    pub state: String,
    /// Why the account was left out (only for excluded accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QuestionnaireSummary {
    pub id: String,
    pub title: String,
    pub total: usize,
    pub yes: usize,
    pub no: usize,
    pub partial: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    pub attested: usize,
    pub unanswered: usize,
    /// Question ids that need a human before the answers are sent.
    pub needs_review: Vec<String>,
}

impl ReportContext {
    /// Builds the context from the answers and the snapshot they were computed from.
    pub fn new(answers: Answers, snapshot: &LoadedSnapshot) -> Self {
        let scope = ScopeView::new(snapshot);
        let summaries = answers.questionnaires.iter().map(QuestionnaireSummary::new).collect();
        ReportContext {
            answers,
            scope,
            collection_errors: snapshot.snapshot.manifest.errors.clone(),
            summaries,
        }
    }
}

impl ScopeView {
    fn new(loaded: &LoadedSnapshot) -> Self {
        let s = &loaded.snapshot;
        let m = &s.manifest;
        let view = |id: &str, reason: Option<String>| account_view(loaded, id, reason);
        ScopeView {
            organization: m.scope.organization_id.clone().unwrap_or("standalone account".into()),
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
    let account = org.accounts.as_ref().and_then(|r| r.value()).and_then(|accounts| {
        accounts.iter().find(|a| a.id == id).cloned()
    });
    let (name, state, parent) = match account {
        Some(a) => (a.name, a.state, a.parent_id),
        None => (String::new(), "ACTIVE".to_string(), None),
    };
    AccountView { id: id.to_string(), name, ou_path: ou_path(loaded, parent), state, reason }
}

/// `Root / Workloads / Prod` for a parent id, walking up the collected OU tree.
fn ou_path(loaded: &LoadedSnapshot, mut parent: Option<String>) -> String {
    let org = &loaded.snapshot.organization;
    let mut names = Vec::new();
    // The tree is at most 5 OUs deep; the bound also guards against a corrupt cycle.
    for _ in 0..8 {
        let Some(id) = parent.take() else { break };
        if let Some(ou) = org.organizational_units.iter().filter_map(|r| r.value()).find(|o| o.id == id)
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
