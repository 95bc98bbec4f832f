//! Parsing a policy document as AWS accepts it: `Statement` as one object or an array,
//! every element string-or-array, `Action`/`NotAction`, `Resource`/`NotResource`,
//! `Principal`/`NotPrincipal`, and `Condition` blocks with any operator.
//!
//! A document that is not JSON fails with serde_json's line and column. A document that is
//! JSON but not a policy (no `Statement`, a statement without `Effect` or `Action`) fails
//! with the position of the offending statement, found by scanning the text, since
//! serde_json's `Value` keeps no spans.

use serde_json::{Map, Value};

use super::condition::{Condition, Operator};

/// A policy document that is not valid JSON or not shaped like a policy. `line` and
/// `column` are 1-based; 0 means the position could not be told.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PolicyError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A parsed policy: its statements in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub statements: Vec<Statement>,
}

/// The `Effect` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Which actions (or resources) a statement names: the listed ones, or all but the listed
/// ones (`NotAction`, `NotResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    Only(Vec<String>),
    AllBut(Vec<String>),
}

/// One principal of a `Principal` element: `AWS`, `Service`, `Federated` or
/// `CanonicalUser`, and the value (`*`, an account id, an ARN, a service name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: String,
    pub value: String,
}

/// The `Principal` (only these) or `NotPrincipal` (all but these) of a resource policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    Only(Vec<Principal>),
    AllBut(Vec<Principal>),
}

/// One statement, with its position in the document for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    /// 0-based position in the `Statement` array.
    pub index: usize,
    pub effect: Effect,
    pub actions: Patterns,
    pub resources: Patterns,
    /// Present in resource policies only.
    pub principals: Option<Principals>,
    /// Every key test of the `Condition` block; all must hold (AND).
    pub conditions: Vec<Condition>,
    pub has_condition: bool,
}

/// Parses a policy document.
pub fn parse(text: &str) -> Result<Document, PolicyError> {
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let items = match value.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => return Err(at(text, "\"Statement\"", 0, "no Statement object or array")),
    };
    let statements = items
        .into_iter()
        .enumerate()
        .map(|(i, s)| statement(s, i).map_err(|m| at(text, "\"Effect\"", i, &m)))
        .collect::<Result<_, _>>()?;
    Ok(Document { statements })
}

/// A shape error positioned at the `nth` occurrence of `needle` (the statement's `Effect`
/// key, usually), or at 1:1 when the text does not show it.
fn at(text: &str, needle: &str, nth: usize, message: &str) -> PolicyError {
    let offset = text.match_indices(needle).nth(nth).map_or(0, |(o, _)| o);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
    PolicyError {
        line,
        column,
        message: format!("statement {nth}: {message}"),
    }
}

fn statement(value: &Value, index: usize) -> Result<Statement, String> {
    let object = value.as_object().ok_or("a statement is not an object")?;
    let effect = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(format!("Effect must be Allow or Deny, not {other:?}")),
        None => return Err("no Effect".into()),
    };
    let actions = patterns(object, "Action", "NotAction").ok_or("no Action or NotAction")?;
    // A statement with neither Resource nor NotResource (SCPs before 2025 allowed that)
    // applies to every resource.
    let resources = patterns(object, "Resource", "NotResource")
        .unwrap_or_else(|| Patterns::Only(vec!["*".into()]));
    let conditions = match object.get("Condition") {
        Some(block) => conditions(block)?,
        None => Vec::new(),
    };
    Ok(Statement {
        sid: object.get("Sid").and_then(Value::as_str).map(String::from),
        index,
        effect,
        actions,
        resources,
        principals: principals(object),
        has_condition: !conditions.is_empty(),
        conditions,
    })
}

fn patterns(object: &Map<String, Value>, only: &str, all_but: &str) -> Option<Patterns> {
    if let Some(v) = object.get(only) {
        return Some(Patterns::Only(strings(v)));
    }
    object.get(all_but).map(|v| Patterns::AllBut(strings(v)))
}

fn principals(object: &Map<String, Value>) -> Option<Principals> {
    if let Some(v) = object.get("Principal") {
        return Some(Principals::Only(principal_list(v)));
    }
    object
        .get("NotPrincipal")
        .map(|v| Principals::AllBut(principal_list(v)))
}

/// `"*"` or `{"AWS": "...", "Service": [...]}`.
fn principal_list(value: &Value) -> Vec<Principal> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(kind, v)| {
                strings(v).into_iter().map(|value| Principal {
                    kind: kind.clone(),
                    value,
                })
            })
            .collect(),
        other => strings(other)
            .into_iter()
            .map(|value| Principal {
                kind: "AWS".into(),
                value,
            })
            .collect(),
    }
}

/// `{"Operator": {"key": value-or-values, …}, …}`.
fn conditions(block: &Value) -> Result<Vec<Condition>, String> {
    let operators = block.as_object().ok_or("Condition is not an object")?;
    let mut out = Vec::new();
    for (name, tests) in operators {
        let tests = tests
            .as_object()
            .ok_or_else(|| format!("condition {name} is not an object"))?;
        for (key, values) in tests {
            out.push(Condition {
                operator: Operator::parse(name),
                key: key.clone(),
                values: strings(values),
            });
        }
    }
    Ok(out)
}

/// A string, number or boolean, or an array of them, as text.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_star(patterns: &[String]) -> bool {
    patterns.iter().any(|p| p == "*" || p == "*:*")
}

impl Patterns {
    /// Whether these patterns cover every action (or resource), for admin detection.
    /// `NotAction` that excludes only exact action names (no wildcard) leaves every service
    /// open, so it counts as everything (case 15: a non-existent action excludes nothing);
    /// excluding whole services (`iam:*`) does not.
    fn covers_everything(&self) -> bool {
        match self {
            Patterns::Only(list) => is_star(list),
            Patterns::AllBut(list) => list.iter().all(|p| !p.contains('*')),
        }
    }
}

impl Statement {
    /// An unconditional Allow of every action on every resource.
    pub fn grants_everything(&self) -> bool {
        self.effect == Effect::Allow
            && !self.has_condition
            && self.actions.covers_everything()
            && self.resources.covers_everything()
    }

    /// An unconditional Deny of every action on every resource.
    pub fn denies_everything(&self) -> bool {
        self.effect == Effect::Deny
            && !self.has_condition
            && matches!(&self.actions, Patterns::Only(l) if is_star(l))
            && matches!(&self.resources, Patterns::Only(l) if is_star(l))
    }
}

impl Document {
    /// Whether the document grants every action on every resource and denies nothing.
    pub fn grants_everything(&self) -> bool {
        self.statements.iter().any(Statement::grants_everything)
            && !self.statements.iter().any(Statement::denies_everything)
    }

    /// Whether the document is nothing but allow-all statements: the shape of the default
    /// `FullAWSAccess` SCP, which restricts nothing.
    pub fn is_allow_all_only(&self) -> bool {
        !self.statements.is_empty() && self.statements.iter().all(Statement::grants_everything)
    }

    /// Whether some statement denies every action on every resource, unconditionally.
    pub fn denies_everything(&self) -> bool {
        self.statements.iter().any(Statement::denies_everything)
    }
}
