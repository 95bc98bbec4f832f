//! `evident policy eval`: load SCP levels (and optionally identity policies, boundaries and a
//! resource policy) from files, evaluate one request, and print the decision as text or as
//! one JSON object. A platform engineer runs it before attaching an SCP set.
//!
//! `evident policy who-can`: over a collected snapshot, list the users and roles of each
//! account that may perform an action, each with the statements that grant it.
//!
//! The decision is report data, not an error: every decision exits 0. A file that cannot be
//! read or parsed is bad input (exit 2) and names the file, line and column.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::document::parse;
use super::eval::PolicySet;
use super::eval::{evaluate, statement_name, Decision, Evaluation, Exemption, NamedPolicy};
use super::principals::gather;
use super::questions::{who_can, Grant, Setting, WhoCan};
use super::request::Request;
use super::scp::Level;
use super::tree::ScpIndex;
use crate::exit;
use crate::probes::scope::{shape, OrgView, Shape};
use crate::snapshot::Snapshot;

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct EvalArgs {
    /// `NAME=FILE[,FILE…]`, root first, then OUs, then the account.
    pub levels: Vec<String>,
    pub action: String,
    pub resource: Option<String>,
    pub principal: Option<String>,
    pub region: Option<String>,
    /// `KEY=VALUE`; a key given twice is multi-valued.
    pub context: Vec<String>,
    pub identity: Vec<PathBuf>,
    pub boundary: Vec<PathBuf>,
    pub resource_policy: Option<PathBuf>,
    pub management_account: bool,
    pub json: bool,
}

/// A policy file or an argument the command cannot use.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}

/// Runs the command, writing the decision to `out`.
pub fn run_eval(args: &EvalArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let set = load_set(args)?;
    let request = build_request(args)?;
    let evaluation = evaluate(&set, &request);
    if args.json {
        let body = JsonOutput {
            action: &request.action,
            resource: request.resource.as_deref(),
            principal: request.principal.as_deref(),
            evaluation: &evaluation,
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
    } else {
        write!(out, "{}", render_text(&evaluation, &request))?;
    }
    Ok(exit::OK)
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    action: &'a str,
    resource: Option<&'a str>,
    principal: Option<&'a str>,
    #[serde(flatten)]
    evaluation: &'a Evaluation,
}

/// Loads every file the arguments name.
pub fn load_set(args: &EvalArgs) -> Result<PolicySet, CommandError> {
    let mut set = PolicySet::default();
    for spec in &args.levels {
        let (name, files) = parse_level(spec)?;
        let policies = files
            .iter()
            .map(|f| load_policy(f))
            .collect::<Result<_, _>>()?;
        match set.scp_levels.iter_mut().find(|l| l.name == name) {
            Some(level) => level.policies.extend(policies),
            None => set.scp_levels.push(Level { name, policies }),
        }
    }
    set.identity = args
        .identity
        .iter()
        .map(|f| load_policy(f))
        .collect::<Result<_, _>>()?;
    set.boundaries = args
        .boundary
        .iter()
        .map(|f| load_policy(f))
        .collect::<Result<_, _>>()?;
    set.resource_policy = args
        .resource_policy
        .as_deref()
        .map(load_policy)
        .transpose()?;
    Ok(set)
}

/// `root=a.json,b.json` → (`root`, [a.json, b.json]).
pub fn parse_level(spec: &str) -> Result<(String, Vec<PathBuf>), CommandError> {
    let (name, files) = spec.split_once('=').ok_or_else(|| {
        CommandError::Usage(format!("--level {spec:?}: expected NAME=FILE[,FILE…]"))
    })?;
    let files: Vec<PathBuf> = files
        .split(',')
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .collect();
    if name.is_empty() || files.is_empty() {
        let message = format!("--level {spec:?}: expected NAME=FILE[,FILE…]");
        return Err(CommandError::Usage(message));
    }
    Ok((name.to_string(), files))
}

/// Reads one policy: a bare document, or the `get-policy-version` output that wraps one.
pub fn load_policy(path: &Path) -> Result<NamedPolicy, CommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| CommandError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let wrapped = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.pointer("/PolicyVersion/Document").map(|d| d.to_string()));
    let document = parse(wrapped.as_deref().unwrap_or(&text)).map_err(|e| CommandError::Parse {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(NamedPolicy { name, document })
}

/// The request the flags describe.
pub fn build_request(args: &EvalArgs) -> Result<Request, CommandError> {
    let mut request = Request::new(&args.action);
    if !args.action.contains(':') && args.action != "*" {
        let message = format!("--action {:?}: expected SERVICE:ACTION", args.action);
        return Err(CommandError::Usage(message));
    }
    // Explicit context first, so that it wins over the keys derived from the flags below.
    for pair in &args.context {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            CommandError::Usage(format!("--context {pair:?}: expected KEY=VALUE"))
        })?;
        request = request.context(key, value);
    }
    if let Some(region) = &args.region {
        request = request.region(region);
    }
    if let Some(principal) = &args.principal {
        request = request.principal(principal);
    }
    if let Some(resource) = &args.resource {
        request = request.resource(resource);
    }
    if args.management_account {
        request = request.in_management_account();
    }
    Ok(request)
}

/// The decision for a reader.
pub fn render_text(evaluation: &Evaluation, request: &Request) -> String {
    let mut out = format!(
        "{}: {} on {}\n",
        decision_text(evaluation),
        request.action,
        request.resource.as_deref().unwrap_or("any resource")
    );
    for at in &evaluation.deciding {
        out.push_str(&format!("  decided by: {}\n", statement_name(at)));
    }
    for exemption in &evaluation.exemptions {
        out.push_str(&format!("  exempt: {}\n", exemption_text(exemption)));
    }
    for scoped in &evaluation.scoped_denies {
        out.push_str(&format!(
            "  scoped: {} ({})\n",
            scoped.summary,
            statement_name(&scoped.statement)
        ));
        for exemption in &scoped.exemptions {
            out.push_str(&format!("    exempt: {}\n", exemption_text(exemption)));
        }
    }
    for note in &evaluation.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

fn decision_text(evaluation: &Evaluation) -> &'static str {
    match (evaluation.decision, evaluation.conditional) {
        (Decision::Allowed, _) => "allowed",
        (Decision::ExplicitDeny, false) => "explicitly denied",
        (Decision::ExplicitDeny, true) => "explicitly denied, with exemptions",
        (Decision::ImplicitDeny, _) => "implicitly denied",
    }
}

/// "principals matching a, b" or "when not: StringNotEquals aws:RequestedRegion [..]".
pub fn exemption_text(exemption: &Exemption) -> String {
    if exemption.principals {
        return format!(
            "principals matching {} ({} {})",
            exemption.values.join(", "),
            exemption.operator,
            exemption.key
        );
    }
    format!(
        "requests where this does not hold: {} {} [{}]",
        exemption.operator,
        exemption.key,
        exemption.values.join(", ")
    )
}

/// What `evident policy who-can` was asked.
#[derive(Debug, Clone, Default)]
pub struct WhoCanArgs {
    pub snapshot: PathBuf,
    pub action: String,
    /// Only this account; every ACTIVE account otherwise.
    pub account: Option<String>,
    pub resource: Option<String>,
    pub region: Option<String>,
    pub json: bool,
}

/// One account's answer.
#[derive(Debug, Serialize)]
pub struct AccountAnswer {
    pub account: String,
    pub name: String,
    /// Why the account could not be evaluated (IAM or SCPs unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    #[serde(flatten)]
    pub answer: WhoCan,
}

/// Runs `evident policy who-can`: every user and role of each account, evaluated with its
/// policies and its account's SCP path, listed with the statements that grant the action.
pub fn run_who_can(args: &WhoCanArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let loaded = crate::snapshot::load(&args.snapshot)?;
    let mut template = build_request(&EvalArgs {
        action: args.action.clone(),
        resource: args.resource.clone(),
        region: args.region.clone(),
        ..EvalArgs::default()
    })?;
    template.principal = None;
    let answers = who_can_snapshot(&loaded.snapshot, args.account.as_deref(), &template)?;
    if args.json {
        let body = serde_json::json!({ "action": args.action, "accounts": answers });
        writeln!(out, "{}", serde_json::to_string_pretty(&body)?)?;
    } else {
        write!(out, "{}", render_who_can(&args.action, &answers))?;
    }
    Ok(exit::OK)
}

/// The answer for every account of the snapshot (or the one asked for).
pub fn who_can_snapshot(
    snapshot: &Snapshot,
    only: Option<&str>,
    template: &Request,
) -> Result<Vec<AccountAnswer>, CommandError> {
    let (accounts, org) = match shape(snapshot) {
        Shape::Organization(view) => {
            let ids = view
                .active
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect();
            (ids, Some(view))
        }
        Shape::Standalone { account, .. } => (vec![(account, String::new())], None),
        Shape::Unreadable(fact) => return Err(CommandError::Usage(fact.statement)),
    };
    let index = org.as_ref().map(|v| ScpIndex::from_org(v.evidence));
    let selected: Vec<(String, String)> = accounts
        .into_iter()
        .filter(|(id, _)| only.is_none_or(|o| o == id))
        .collect();
    if selected.is_empty() {
        let which = only.unwrap_or("any");
        return Err(CommandError::Usage(format!(
            "--account {which}: not in the snapshot"
        )));
    }
    let answers = selected
        .into_iter()
        .map(|(id, name)| {
            let prepared = account_setting(snapshot, org.as_ref(), index.as_ref(), &id);
            answer_for(snapshot, id, name, prepared, template)
        })
        .collect();
    Ok(answers)
}

/// The SCP levels of an account and whether it is the management account.
fn account_setting(
    snapshot: &Snapshot,
    org: Option<&OrgView>,
    index: Option<&ScpIndex>,
    id: &str,
) -> Result<(Vec<Level>, bool), String> {
    let (Some(view), Some(index)) = (org, index) else {
        return Ok((Vec::new(), false));
    };
    if snapshot.is_management(id) || view.management == id {
        return Ok((Vec::new(), true));
    }
    let account = view
        .account(id)
        .ok_or_else(|| format!("account {id} is not ACTIVE"))?;
    let path = view
        .ancestors(account)
        .ok_or_else(|| format!("the OU path of account {id} is not known"))?;
    Ok((index.levels(&path, id)?, false))
}

fn answer_for(
    snapshot: &Snapshot,
    account: String,
    name: String,
    prepared: Result<(Vec<Level>, bool), String>,
    template: &Request,
) -> AccountAnswer {
    let details = snapshot
        .account(&account)
        .and_then(|a| a.iam.authorization.as_ref())
        .and_then(|r| r.value());
    let mut answer = AccountAnswer {
        account,
        name,
        unknown: None,
        answer: WhoCan::default(),
    };
    match (prepared, details) {
        (Err(why), _) => answer.unknown = Some(why),
        (Ok(_), None) => {
            answer.unknown = Some("IAM authorization details were not collected".into());
        }
        (Ok((levels, management)), Some(details)) => {
            let setting = Setting {
                levels: &levels,
                management_account: management,
                ..Setting::default()
            };
            answer.answer = who_can(&gather(details), &setting, template);
        }
    }
    answer
}

/// The answers for a reader, one block per account.
pub fn render_who_can(action: &str, answers: &[AccountAnswer]) -> String {
    let mut out = String::new();
    for a in answers {
        let name = if a.name.is_empty() {
            a.account.clone()
        } else {
            format!("{} ({})", a.account, a.name)
        };
        if let Some(why) = &a.unknown {
            out.push_str(&format!("account {name}: unknown: {why}\n"));
            continue;
        }
        let n = a.answer.allowed.len();
        out.push_str(&format!("account {name}: {n} principal(s) may {action}\n"));
        for grant in &a.answer.allowed {
            out.push_str(&grant_text(grant));
        }
        for (arn, why) in &a.answer.unknown {
            out.push_str(&format!("  unknown: {arn}: {why}\n"));
        }
        if a.answer.service_linked_skipped > 0 {
            let skipped = a.answer.service_linked_skipped;
            out.push_str(&format!(
                "  ({skipped} service-linked role(s) not listed)\n"
            ));
        }
    }
    out
}

fn grant_text(grant: &Grant) -> String {
    let mut text = format!("  {}\n", grant.principal);
    for step in &grant.path {
        text.push_str(&format!("    via {step}\n"));
    }
    for condition in &grant.conditions {
        text.push_str(&format!("    only if: {condition}\n"));
    }
    text
}
