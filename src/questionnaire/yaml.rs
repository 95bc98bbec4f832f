//! The first loading phase: YAML text to marked-yaml nodes that keep their positions, and
//! small readers that check a node's shape and report problems into a [`Diag`].
//!
//! Why walk nodes instead of deriving `Deserialize` (marked-yaml's serde feature gives
//! `Spanned<T>` fields): serde stops at the first error in a struct, so an author with a
//! missing field, an unknown field and a misspelt probe in one question would fix them one
//! run at a time. Walking the nodes lets every reader report and carry on.

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{LoaderOptions, Node, Span};

use super::diag::Diag;

/// What the top level of a file must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Top {
    Mapping,
    Sequence,
    /// A mapping or a list, whichever the file holds.
    Either,
}

/// Parses YAML text. A syntax error is reported with its position and yields `None`.
pub(crate) fn parse(text: &str, top: Top, diag: &mut Diag) -> Option<Node> {
    let result = match top {
        Top::Mapping | Top::Sequence => parse_as(text, top),
        // marked-yaml wants to know the top level up front: try a mapping, then a list.
        Top::Either => match parse_as(text, Top::Mapping) {
            Err(marked_yaml::LoadError::TopLevelMustBeMapping(_)) => parse_as(text, Top::Sequence),
            other => other,
        },
    };
    match result {
        Ok(node) => Some(node),
        Err(err) => {
            report_syntax_error(&err, top, diag);
            None
        }
    }
}

fn parse_as(text: &str, top: Top) -> Result<Node, marked_yaml::LoadError> {
    let options = LoaderOptions::default()
        // Last-wins on a repeated key would silently drop half a question.
        .error_on_duplicate_keys(true)
        // A quoted "12" stays text: only plain scalars may be read as numbers or booleans.
        .prevent_coercion(true);
    let options = match top {
        Top::Sequence => options.toplevel_sequence(),
        Top::Mapping | Top::Either => options.toplevel_mapping(),
    };
    marked_yaml::parse_yaml_with_options(0, text, options)
}

fn report_syntax_error(err: &marked_yaml::LoadError, top: Top, diag: &mut Diag) {
    use marked_yaml::LoadError as E;
    let at = |m: &marked_yaml::Marker| (m.line(), m.column());
    let expected = match top {
        Top::Mapping => "the top level must be a mapping",
        Top::Sequence => "the top level must be a list",
        Top::Either => "the top level must be a list or a mapping",
    };
    let ((line, column), message) = match err {
        E::ScanError(m, e) => (at(m), format!("YAML syntax error: {}", e.info())),
        E::TopLevelMustBeMapping(m) | E::TopLevelMustBeSequence(m) => (at(m), expected.into()),
        E::UnexpectedAnchor(m) => (at(m), "YAML anchors and aliases are not supported".into()),
        E::UnexpectedTag(m) => (at(m), "YAML tags (`!tag`) are not supported".to_string()),
        E::MappingKeyMustBeScalar(m) => (at(m), "a mapping key must be a plain value".into()),
        E::DuplicateKey(inner) => {
            let (line, column) = super::diag::position(inner.prev_key.span());
            let message = format!(
                "duplicate key `{}` (first at line {line}, column {column})",
                inner.key.as_str()
            );
            (super::diag::position(inner.key.span()), message)
        }
    };
    diag.error_at(line, column, message);
}

/// Whether a scalar is YAML's null: `~`, `null` or nothing, unquoted.
pub(crate) fn is_null(scalar: &MarkedScalarNode) -> bool {
    scalar.may_coerce() && matches!(scalar.as_str(), "" | "~" | "null" | "Null" | "NULL")
}

/// A mapping whose keys have been checked against the fields a record may have.
pub(crate) struct Fields<'n> {
    map: &'n MarkedMappingNode,
    what: &'static str,
}

impl<'n> Fields<'n> {
    /// Opens `node` as a `what` (for messages: "question", "section"), reporting every key
    /// not in `known`, with a suggestion when one is close.
    pub(crate) fn open(
        node: &'n Node,
        what: &'static str,
        known: &[&str],
        diag: &mut Diag,
    ) -> Option<Self> {
        let Some(map) = node.as_mapping() else {
            diag.error(
                node.span(),
                format!("expected a {what} (a mapping of fields)"),
            );
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                diag.error(key.span(), unknown_field(key.as_str(), what, known));
            }
        }
        Some(Fields { map, what })
    }

    /// Where the record starts: its first key. (marked-yaml marks a block mapping where the
    /// parser noticed it, at the first `:`, which reads oddly in messages.)
    pub(crate) fn span(&self) -> &'n Span {
        self.map
            .keys()
            .next()
            .map(|key| key.span())
            .unwrap_or(self.map.span())
    }

    /// The field's node; an explicit null counts as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'n Node> {
        let node = self.map.get_node(key)?;
        match node.as_scalar() {
            Some(scalar) if is_null(scalar) => None,
            _ => Some(node),
        }
    }

    /// The field's node, or a "missing field" problem at the start of the mapping.
    pub(crate) fn require(&self, key: &str, diag: &mut Diag) -> Option<&'n Node> {
        let node = self.get(key);
        if node.is_none() {
            diag.error(
                self.span(),
                format!("missing field `{key}` in {}", self.what),
            );
        }
        node
    }

    /// A required non-empty text field.
    pub(crate) fn text(&self, key: &str, diag: &mut Diag) -> Option<String> {
        text(self.require(key, diag)?, key, diag)
    }

    /// An optional non-empty text field.
    pub(crate) fn opt_text(&self, key: &str, diag: &mut Diag) -> Option<String> {
        text(self.get(key)?, key, diag)
    }
}

fn unknown_field(key: &str, what: &str, known: &[&str]) -> String {
    let closest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), *k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.8);
    match closest {
        Some((_, k)) => format!("unknown field `{key}` in {what}; did you mean `{k}`?"),
        None => format!(
            "unknown field `{key}` in {what}; expected one of: {}",
            known.join(", ")
        ),
    }
}

/// The node as a single value (not a list or mapping).
pub(crate) fn scalar<'n>(
    node: &'n Node,
    key: &str,
    diag: &mut Diag,
) -> Option<&'n MarkedScalarNode> {
    match node {
        Node::Scalar(scalar) => Some(scalar),
        Node::Sequence(_) => {
            diag.error(
                node.span(),
                format!("`{key}` must be a single value, not a list"),
            );
            None
        }
        Node::Mapping(_) => {
            diag.error(
                node.span(),
                format!("`{key}` must be a single value, not a mapping"),
            );
            None
        }
    }
}

/// The node as non-empty text.
pub(crate) fn text(node: &Node, key: &str, diag: &mut Diag) -> Option<String> {
    let scalar = scalar(node, key, diag)?;
    let value = scalar.as_str().trim();
    if value.is_empty() || is_null(scalar) {
        diag.error(node.span(), format!("`{key}` must not be empty"));
        return None;
    }
    Some(value.to_string())
}

/// The node as `true` or `false`.
pub(crate) fn boolean(node: &Node, key: &str, diag: &mut Diag) -> Option<bool> {
    let scalar = scalar(node, key, diag)?;
    let value = scalar.as_bool();
    if value.is_none() {
        diag.error(node.span(), format!("`{key}` must be true or false"));
    }
    value
}

/// The node as a list.
pub(crate) fn list<'n>(
    node: &'n Node,
    key: &str,
    diag: &mut Diag,
) -> Option<&'n MarkedSequenceNode> {
    let list = node.as_sequence();
    if list.is_none() {
        diag.error(node.span(), format!("`{key}` must be a list"));
    }
    list
}

/// The node as a list of texts, each with its span; items that are not text are reported.
pub(crate) fn text_list<'n>(
    node: &'n Node,
    key: &str,
    diag: &mut Diag,
) -> Option<Vec<(String, &'n Span)>> {
    let items = list(node, key, diag)?;
    let texts = items
        .iter()
        .filter_map(|item| text(item, key, diag).map(|t| (t, item.span())))
        .collect();
    Some(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str, top: Top) -> String {
        let mut diag = Diag::new("t.yaml");
        assert!(parse(text, top, &mut diag).is_none());
        match diag.finish() {
            Err(err) => err.to_string(),
            Ok(_) => String::from("no problem"),
        }
    }

    #[test]
    fn a_syntax_error_has_its_position() {
        let text = "id: x\nsections: [a, b\n";
        let shown = problems(text, Top::Mapping);
        assert!(
            shown.starts_with("t.yaml:3:1: YAML syntax error"),
            "{shown}"
        );
    }

    #[test]
    fn a_repeated_key_names_both_places() {
        let shown = problems("id: a\ntitle: t\nid: b\n", Top::Mapping);
        assert_eq!(
            shown,
            "t.yaml:3:1: duplicate key `id` (first at line 1, column 1)"
        );
    }

    #[test]
    fn unknown_fields_suggest_the_closest_known_one() {
        let mut diag = Diag::new("t.yaml");
        let node = parse("probe: [a]\ncolour: red\n", Top::Mapping, &mut diag);
        let node = node.expect("parses");
        assert!(Fields::open(&node, "question", &["probes", "text"], &mut diag).is_some());
        let err = diag.finish().expect_err("unknown fields");
        let shown = err.to_string();
        assert!(shown.contains("1:1: unknown field `probe` in question; did you mean `probes`?"));
        assert!(shown.contains("2:1: unknown field `colour` in question; expected one of"));
    }
}
