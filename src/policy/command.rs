//! `evident policy eval`: load SCP levels (and optionally identity policies, boundaries and a
//! resource policy) from files, evaluate one request, and print the decision as text or as
//! one JSON object. A platform engineer runs it before attaching an SCP set.
//!
//! The decision is report data, not an error: every decision exits 0. A file that cannot be
//! read or parsed is bad input (exit 2) and names the file, line and column.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::document::parse;
use super::eval::PolicySet;
use super::eval::{evaluate, statement_name, Decision, Evaluation, Exemption, NamedPolicy};
use super::request::Request;
use super::scp::Level;
use crate::exit;

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
