//! The `Condition` element: every operator family AWS accepts (String*, Arn*, Bool, Null,
//! Numeric*, Date*, IpAddress/NotIpAddress, BinaryEquals), their `IfExists` forms and the
//! `ForAnyValue:`/`ForAllValues:` set qualifiers, evaluated in three-valued logic.
//!
//! Semantics follow the IAM reference
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! and `reference_policies_condition-single-vs-multi-valued-context-keys.html`): several
//! values for one key are ORed, a negated operator is true when *no* value matches, a key
//! absent from the request makes a positive operator false and a negated one true, and
//! `IfExists` makes an absent key true. An operator this module does not know evaluates to
//! unknown, never to a pass.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};

use super::context::{Context, KeyState};
use super::matching::{arn_matches, glob, resolve, Resolved, Tri};

/// How one context value is compared with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    String,
    StringIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
    /// An operator name AWS would reject or this module does not know.
    Unknown,
}

/// The comparison of the numeric and date families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The set qualifier in front of an operator, for multi-valued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    None,
    ForAnyValue,
    ForAllValues,
}

/// A parsed operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The name as written in the policy, for reports.
    pub name: String,
    pub family: Family,
    /// `StringNotEquals`, `ArnNotLike`, `NotIpAddress`, …
    pub negated: bool,
    pub if_exists: bool,
    pub set: SetQualifier,
}

/// One key test of a `Condition` block: operator, key and the values it is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written; looked up case-insensitively.
    pub key: String,
    /// Strings, numbers and booleans of the policy, as text.
    pub values: Vec<String>,
}

const FAMILIES: &[(&str, Family, bool)] = &[
    ("StringEqualsIgnoreCase", Family::StringIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Family::StringIgnoreCase, true),
    ("StringEquals", Family::String, false),
    ("StringNotEquals", Family::String, true),
    ("StringLike", Family::StringLike, false),
    ("StringNotLike", Family::StringLike, true),
    ("NumericEquals", Family::Numeric(Cmp::Eq), false),
    ("NumericNotEquals", Family::Numeric(Cmp::Eq), true),
    ("NumericLessThan", Family::Numeric(Cmp::Lt), false),
    ("NumericLessThanEquals", Family::Numeric(Cmp::Le), false),
    ("NumericGreaterThan", Family::Numeric(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Family::Numeric(Cmp::Ge), false),
    ("DateEquals", Family::Date(Cmp::Eq), false),
    ("DateNotEquals", Family::Date(Cmp::Eq), true),
    ("DateLessThan", Family::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Family::Date(Cmp::Le), false),
    ("DateGreaterThan", Family::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Family::Date(Cmp::Ge), false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("Null", Family::Null, false),
];

impl Operator {
    /// Parses an operator name; unknown names give [`Family::Unknown`], not an error, so one
    /// odd statement does not hide the rest of a policy.
    pub fn parse(name: &str) -> Operator {
        let (set, rest) = qualifier(name);
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let found = FAMILIES
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(base));
        let (family, negated) = found.map_or((Family::Unknown, false), |(_, f, n)| (*f, *n));
        Operator {
            name: name.to_string(),
            family,
            negated,
            if_exists,
            set,
        }
    }
}

fn qualifier(name: &str) -> (SetQualifier, &str) {
    for (prefix, q) in [
        ("ForAnyValue:", SetQualifier::ForAnyValue),
        ("ForAllValues:", SetQualifier::ForAllValues),
    ] {
        if name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return (q, &name[prefix.len()..]);
        }
    }
    (SetQualifier::None, name)
}

impl Condition {
    /// Evaluates this key test against the request context.
    pub fn evaluate(&self, context: &Context) -> Tri {
        let op = &self.operator;
        // An empty value list is a template waiting for its values (Control Tower's Region
        // deny ships with `[]`): it says nothing about any request.
        if op.family == Family::Unknown || self.values.is_empty() {
            return Tri::Unknown;
        }
        let state = context.lookup(&self.key);
        if op.family == Family::Null {
            return self.null_test(&state);
        }
        match state {
            KeyState::Unknown => Tri::Unknown,
            KeyState::Absent => Tri::from_bool(self.absent_result()),
            KeyState::Present(actual) => self.present_result(actual, context),
        }
    }

    /// `Null: true` holds when the key is absent; `Null: false` when it is present.
    fn null_test(&self, state: &KeyState) -> Tri {
        let present = match state {
            KeyState::Unknown => return Tri::Unknown,
            KeyState::Absent => false,
            KeyState::Present(_) => true,
        };
        let wants_absent = self.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        Tri::from_bool(wants_absent != present)
    }

    fn absent_result(&self) -> bool {
        let op = &self.operator;
        match op.set {
            SetQualifier::ForAllValues => true,
            SetQualifier::ForAnyValue => op.if_exists,
            SetQualifier::None => op.if_exists || op.negated,
        }
    }

    fn present_result(&self, actual: &[String], context: &Context) -> Tri {
        let mut expected = Vec::with_capacity(self.values.len());
        for value in &self.values {
            match resolve(value, context) {
                Resolved::Text(t) => expected.push(t),
                Resolved::Unresolvable => {}
                Resolved::Unsettled => return Tri::Unknown,
            }
        }
        let family = self.operator.family;
        let hits = |a: &String| expected.iter().any(|e| compare(family, a, e));
        let negated = self.operator.negated;
        let result = match self.operator.set {
            SetQualifier::None => actual.iter().any(hits) != negated,
            SetQualifier::ForAnyValue => actual.iter().any(|a| hits(a) != negated),
            SetQualifier::ForAllValues => actual.iter().all(|a| hits(a) != negated),
        };
        Tri::from_bool(result)
    }

    /// A short text for reports: `ArnNotLike aws:PrincipalARN [arn:…, arn:…]`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} [{}]",
            self.operator.name,
            self.key,
            self.values.join(", ")
        )
    }
}

/// Compares one request value with one policy value; a value that does not parse as the
/// family's type (a number, a date, an address) never matches.
fn compare(family: Family, actual: &str, expected: &str) -> bool {
    match family {
        Family::String | Family::Binary => actual == expected,
        Family::StringIgnoreCase => actual.eq_ignore_ascii_case(expected),
        Family::StringLike => glob(expected, actual, false),
        Family::Bool => actual.eq_ignore_ascii_case(expected),
        Family::Arn => arn_matches(expected, actual),
        Family::Numeric(cmp) => ordered(cmp, number(actual), number(expected)),
        Family::Date(cmp) => ordered(cmp, date(actual), date(expected)),
        Family::Ip => ip_in(actual, expected),
        Family::Null | Family::Unknown => false,
    }
}

fn ordered<T: PartialOrd>(cmp: Cmp, actual: Option<T>, expected: Option<T>) -> bool {
    let (Some(a), Some(e)) = (actual, expected) else {
        return false;
    };
    match cmp {
        Cmp::Eq => a == e,
        Cmp::Lt => a < e,
        Cmp::Le => a <= e,
        Cmp::Gt => a > e,
        Cmp::Ge => a >= e,
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

/// Dates as AWS accepts them: ISO 8601 with a time, a bare date, or epoch seconds.
fn date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    text.parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

/// Whether an address lies in a CIDR block (or equals a bare address).
fn ip_in(actual: &str, block: &str) -> bool {
    let Ok(addr) = actual.trim().parse::<IpAddr>() else {
        return false;
    };
    let (net, bits) = match block.trim().split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (block.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else {
        return false;
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(
            u128::from(u32::from(a)),
            u128::from(u32::from(n)),
            bits.unwrap_or(32),
            32,
        ),
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            prefix_eq(u128::from(a), u128::from(n), bits.unwrap_or(128), 128)
        }
        _ => false,
    }
}

fn prefix_eq(a: u128, n: u128, bits: u32, width: u32) -> bool {
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift >= 128 || (a >> shift) == (n >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: Operator::parse(op),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::default();
        for (k, v) in pairs {
            c.insert(k, v);
        }
        c.close();
        c
    }

    #[test]
    fn operators_parse_with_qualifiers_and_if_exists() {
        let op = Operator::parse("ForAnyValue:StringNotLikeIfExists");
        assert_eq!(op.family, Family::StringLike);
        assert!(op.negated && op.if_exists);
        assert_eq!(op.set, SetQualifier::ForAnyValue);
        assert_eq!(Operator::parse("NotIpAddressIfExists").family, Family::Ip);
        assert_eq!(Operator::parse("StringEqualsMaybe").family, Family::Unknown);
    }

    #[test]
    fn string_and_arn_families() {
        let c = ctx(&[("aws:PrincipalArn", "arn:aws:iam::2:role/Admin")]);
        let arn = "arn:aws:iam::*:role/Admin";
        assert_eq!(
            cond("ArnNotLike", "aws:PrincipalARN", &[arn]).evaluate(&c),
            Tri::No
        );
        assert_eq!(
            cond("ArnLike", "AWS:principalarn", &[arn]).evaluate(&c),
            Tri::Yes
        );
        let r = ctx(&[("aws:RequestedRegion", "us-east-1")]);
        let eu = ["eu-west-1", "eu-central-1"];
        assert_eq!(
            cond("StringNotEquals", "aws:RequestedRegion", &eu).evaluate(&r),
            Tri::Yes
        );
        assert_eq!(
            cond("StringEquals", "aws:RequestedRegion", &eu).evaluate(&r),
            Tri::No
        );
        let ic = cond(
            "StringEqualsIgnoreCase",
            "aws:RequestedRegion",
            &["US-EAST-1"],
        );
        assert_eq!(ic.evaluate(&r), Tri::Yes);
        assert_eq!(
            cond("StringLike", "aws:RequestedRegion", &["us-*"]).evaluate(&r),
            Tri::Yes
        );
    }

    #[test]
    fn absent_and_unknown_keys() {
        let closed = ctx(&[]);
        let open = Context::default();
        let ne = cond("StringNotEquals", "aws:RequestedRegion", &["eu-west-1"]);
        assert_eq!(ne.evaluate(&closed), Tri::Yes);
        assert_eq!(ne.evaluate(&open), Tri::Unknown);
        let eq = cond("StringEquals", "aws:RequestedRegion", &["eu-west-1"]);
        assert_eq!(eq.evaluate(&closed), Tri::No);
        let ie = cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]);
        assert_eq!(ie.evaluate(&closed), Tri::Yes);
        assert_eq!(
            cond("Null", "aws:TokenIssueTime", &["true"]).evaluate(&closed),
            Tri::Yes
        );
        assert_eq!(
            cond("Null", "aws:TokenIssueTime", &["true"]).evaluate(&open),
            Tri::Unknown
        );
        let all = cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]);
        assert_eq!(all.evaluate(&closed), Tri::Yes);
        let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]);
        assert_eq!(any.evaluate(&closed), Tri::No);
    }

    #[test]
    fn set_qualifiers_on_multi_valued_keys() {
        let c = ctx(&[("aws:TagKeys", "a"), ("aws:TagKeys", "b")]);
        let all = cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "c"]);
        assert_eq!(all.evaluate(&c), Tri::No);
        let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["b"]);
        assert_eq!(any.evaluate(&c), Tri::Yes);
        let any_ne = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"]);
        assert_eq!(any_ne.evaluate(&c), Tri::Yes);
    }

    #[test]
    fn numeric_date_bool_ip_binary() {
        let c = ctx(&[
            ("n", "7"),
            ("aws:TokenIssueTime", "2026-02-01T00:00:00Z"),
            ("aws:SecureTransport", "TRUE"),
            ("aws:SourceIp", "192.0.2.17"),
            ("b", "QUJD"),
        ]);
        assert_eq!(cond("NumericLessThan", "n", &["30"]).evaluate(&c), Tri::Yes);
        assert_eq!(
            cond("NumericGreaterThanEquals", "n", &["8"]).evaluate(&c),
            Tri::No
        );
        let revoke = cond(
            "DateLessThan",
            "aws:TokenIssueTime",
            &["2026-02-14T09:30:00Z"],
        );
        assert_eq!(revoke.evaluate(&c), Tri::Yes);
        assert_eq!(
            cond("DateGreaterThan", "aws:TokenIssueTime", &["2026-01-01"]).evaluate(&c),
            Tri::Yes
        );
        assert_eq!(
            cond("Bool", "aws:SecureTransport", &["true"]).evaluate(&c),
            Tri::Yes
        );
        assert_eq!(
            cond("IpAddress", "aws:SourceIp", &["192.0.2.0/24"]).evaluate(&c),
            Tri::Yes
        );
        assert_eq!(
            cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]).evaluate(&c),
            Tri::Yes
        );
        assert_eq!(cond("BinaryEquals", "b", &["QUJD"]).evaluate(&c), Tri::Yes);
    }

    #[test]
    fn unknown_operators_and_empty_lists_decide_nothing() {
        let c = ctx(&[("aws:RequestedRegion", "us-east-1")]);
        assert_eq!(
            cond("StringSortOf", "aws:RequestedRegion", &["x"]).evaluate(&c),
            Tri::Unknown
        );
        assert_eq!(
            cond("StringNotEquals", "aws:RequestedRegion", &[]).evaluate(&c),
            Tri::Unknown
        );
    }
}
