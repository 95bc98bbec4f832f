//! The IAM policy language, as far as the probes need it today: parse a document as AWS
//! accepts it (a `Statement` object or array, string-or-array fields, `NotAction`,
//! `NotResource`) and answer "does this grant everything" and "is this only the default
//! allow-all".
//!
//! NOTE: full evaluation (conditions, SCP inheritance for one request, resource policies) is
//! the policy engine's job (issue 3); the questions here are deliberately the ones that need
//! no request context.

use serde_json::Value;

/// A policy document that is not valid JSON or not shaped like a policy.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PolicyError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub statements: Vec<Statement>,
}

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

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Patterns,
    pub resources: Patterns,
    pub has_condition: bool,
}

/// Parses a policy document.
pub fn parse(text: &str) -> Result<Document, PolicyError> {
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let shape = |message: &str| PolicyError {
        line: 0,
        column: 0,
        message: message.into(),
    };
    let statements = match value.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => return Err(shape("no Statement object or array")),
    };
    let statements = statements
        .into_iter()
        .map(|s| statement(s).ok_or_else(|| shape("a statement lacks Effect or Action")))
        .collect::<Result<_, _>>()?;
    Ok(Document { statements })
}

fn statement(value: &Value) -> Option<Statement> {
    let effect = match value.get("Effect")?.as_str()? {
        "Allow" => Effect::Allow,
        "Deny" => Effect::Deny,
        _ => return None,
    };
    let actions = patterns(value, "Action", "NotAction")?;
    // A statement with neither Resource nor NotResource (SCPs before 2025 allowed that)
    // applies to every resource.
    let resources = patterns(value, "Resource", "NotResource")
        .unwrap_or_else(|| Patterns::Only(vec!["*".into()]));
    Some(Statement {
        sid: value.get("Sid").and_then(Value::as_str).map(String::from),
        effect,
        actions,
        resources,
        has_condition: value
            .get("Condition")
            .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty())),
    })
}

fn patterns(value: &Value, only: &str, all_but: &str) -> Option<Patterns> {
    if let Some(v) = value.get(only) {
        return Some(Patterns::Only(strings(v)));
    }
    value.get(all_but).map(|v| Patterns::AllBut(strings(v)))
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
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

    pub fn denies_everything(&self) -> bool {
        self.statements.iter().any(Statement::denies_everything)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_object_or_array() {
        let one = parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        let many =
            parse(r#"{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}"#).unwrap();
        assert!(one.grants_everything());
        assert!(many.is_allow_all_only());
    }

    #[test]
    fn deny_statements_grant_nothing() {
        // Case 14: "Deny * on *" does not make a principal an administrator.
        let doc =
            parse(r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#).unwrap();
        assert!(!doc.grants_everything());
        assert!(doc.denies_everything());
    }

    #[test]
    fn allow_not_action_on_a_single_action_is_admin() {
        // Case 15: Allow + NotAction on one (even non-existent) action grants everything else.
        let doc = parse(
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:NoSuchAction","Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(doc.grants_everything());
    }

    #[test]
    fn conditions_and_scoped_resources_are_not_everything() {
        let cond = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        )
        .unwrap();
        assert!(!cond.grants_everything());
        let scoped = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}]}"#,
        )
        .unwrap();
        assert!(!scoped.grants_everything());
    }

    #[test]
    fn invalid_json_has_a_position() {
        let e = parse("{\n  \"Statement\": [,]\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 17));
    }
}
