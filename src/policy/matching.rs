//! Matching request values against policy patterns: action names (case-insensitive globs),
//! resource ARNs (case-sensitive globs with `*` and `?`), and the policy variables and
//! deploy-time placeholders that may sit inside a pattern.
//!
//! A pattern is resolved against the request context before it is matched. A variable whose
//! key the context does not settle makes the match *unknown*, never a literal comparison
//! with the text `${aws:username}`: matching the text would let a real ARN slip past a Deny,
//! or, worse, let a placeholder like `[PRIVILEGED_ROLE]` look like an exemption for nobody.

use std::borrow::Cow;

use super::context::{Context, KeyState};

/// Three-valued truth: a policy element can hold, fail, or depend on something the request
/// does not say (a context key that was not given, a template placeholder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    /// `Yes` for true, `No` for false.
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// Logical negation; unknown stays unknown.
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A pattern after policy variables were substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// Ready to match.
    Text(Cow<'a, str>),
    /// A variable whose key is known to be absent: AWS matches nothing with it.
    Unresolvable,
    /// A variable the context does not settle, or a deploy-time placeholder.
    Unsettled,
}

/// Substitutes `${namespace:key}` variables from the context. `${*}`, `${?}` and `${$}`
/// are AWS's escapes for the literal characters.
///
/// NOTE: an escaped `*` or `?` becomes a wildcard again when the result is matched as a
/// glob; no document in the corpus uses the escapes, and telling them apart would need a
/// token-level matcher.
pub fn resolve<'a>(pattern: &'a str, context: &Context) -> Resolved<'a> {
    if has_placeholder(pattern) {
        return Resolved::Unsettled;
    }
    if !pattern.contains("${") {
        return Resolved::Text(Cow::Borrowed(pattern));
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            return Resolved::Unsettled;
        };
        let inner = &rest[start + 2..start + len];
        match variable(inner, context) {
            Resolved::Text(v) => out.push_str(&v),
            other => return other,
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Resolved::Text(Cow::Owned(out))
}

/// The value of one variable body (`aws:username`, `aws:PrincipalTag/team, 'none'`).
fn variable<'a>(inner: &str, context: &Context) -> Resolved<'a> {
    if let Some(literal) = ["*", "?", "$"].iter().find(|e| **e == inner) {
        return Resolved::Text(Cow::Owned((*literal).to_string()));
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
        None => (inner.trim(), None),
    };
    // `${Account}`, `${Region}`: a publisher's template parameter, not an AWS variable.
    if !key.contains(':') {
        return Resolved::Unsettled;
    }
    match (context.lookup(key), default) {
        (KeyState::Present(values), _) if values.len() == 1 => {
            Resolved::Text(Cow::Owned(values[0].clone()))
        }
        (KeyState::Present(_), _) => Resolved::Unresolvable,
        (KeyState::Absent, Some(d)) => Resolved::Text(Cow::Owned(d.to_string())),
        (KeyState::Absent, None) => Resolved::Unresolvable,
        (KeyState::Unknown, _) => Resolved::Unsettled,
    }
}

/// Whether a pattern still carries a deploy-time placeholder that its publisher substitutes:
/// `[PRIVILEGED_ROLE]`, `{example-region-1}` (QUIRKS.md, hazard 5).
pub fn has_placeholder(pattern: &str) -> bool {
    enclosed(pattern, '[', ']', |c| {
        c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
    }) || enclosed(pattern, '{', '}', |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    }) && !pattern.contains("${")
}

fn enclosed(text: &str, open: char, close: char, body: impl Fn(char) -> bool) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + 1..];
        if let Some(end) = after.find(close) {
            let inner = &after[..end];
            if !inner.is_empty() && inner.chars().all(&body) {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Glob match with `*` (any run, including across `:` and `/`) and `?` (one character).
/// Iterative with one backtrack point, so a pattern never costs more than
/// O(pattern × text).
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether an action pattern (`iam:Put*`, `*`) covers an action name; both are
/// case-insensitive in AWS.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(pattern, action, true)
}

/// Whether a resource pattern covers a concrete ARN, case-sensitively, after variables.
pub fn resource_matches(pattern: &str, arn: &str, context: &Context) -> Tri {
    match resolve(pattern, context) {
        Resolved::Text(p) => Tri::from_bool(glob(&p, arn, false)),
        Resolved::Unresolvable => Tri::No,
        Resolved::Unsettled => Tri::Unknown,
    }
}

/// ARN matching for the `Arn*` condition operators: each of the six colon-separated parts
/// is matched on its own, so a `*` in the account part cannot swallow the resource part.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        // A pattern that starts like an ARN must have all six parts; `*` alone matches all.
        return !pattern.starts_with("arn:") && glob(pattern, arn, false);
    }
    p.iter().zip(&a).all(|(p, a)| glob(p, a, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("iam:Put*", "iam:PutUserPolicy", false));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "ac", false));
        assert!(glob("*", "", false));
        assert!(glob("*:*", "s3:GetObject", false));
        assert!(glob("a*b*c", "axxbyyc", false));
        assert!(!glob("a*b*c", "axxbyy", false));
        assert!(action_matches("IAM:put*", "iam:PutUserPolicy"));
        assert!(!glob(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/x",
            false
        ));
    }

    #[test]
    fn arn_parts_match_separately() {
        assert!(arn_matches(
            "arn:aws:iam::*:role/Admin",
            "arn:aws:iam::222222222222:role/Admin"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:role/Admin",
            "arn:aws:iam::2:role/Other"
        ));
        assert!(!arn_matches("arn:aws:iam::*", "arn:aws:iam::2:role/Admin"));
    }

    #[test]
    fn variables_resolve_or_stay_unsettled() {
        let mut ctx = Context::default();
        ctx.insert("aws:username", "alice");
        let got = resolve("arn:aws:iam::1:user/${aws:username}", &ctx);
        assert_eq!(got, Resolved::Text("arn:aws:iam::1:user/alice".into()));
        assert_eq!(
            resolve("${aws:PrincipalTag/team}", &ctx),
            Resolved::Unsettled
        );
        assert_eq!(resolve("${Account}", &ctx), Resolved::Unsettled);
        assert_eq!(resolve("role/[PRIVILEGED_ROLE]", &ctx), Resolved::Unsettled);
        ctx.close();
        assert_eq!(
            resolve("${aws:PrincipalTag/team}", &ctx),
            Resolved::Unresolvable
        );
        let d = resolve("${aws:PrincipalTag/team, 'none'}", &ctx);
        assert_eq!(d, Resolved::Text("none".into()));
    }

    #[test]
    fn variable_text_is_never_literal() {
        let ctx = Context::default();
        let p = "arn:aws:iam::1:user/${aws:username}";
        assert_eq!(resource_matches(p, p, &ctx), Tri::Unknown);
    }
}
