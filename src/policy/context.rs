//! The request context: the condition keys a request carries (`aws:PrincipalArn`,
//! `aws:RequestedRegion`, `aws:PrincipalTag/team`, …), looked up case-insensitively as AWS
//! does (QUIRKS.md, hazard 3: `aws:PrincipalARN` and `aws:PrincipalArn` are one key).
//!
//! A context is *open* by default: a key it does not hold is unknown, because the person
//! asking "is this denied?" rarely lists every key a real request would carry. A *closed*
//! context says the listed keys are all there are, so a missing key is absent, which is what
//! AWS sees at run time.

use std::collections::BTreeMap;

/// What the context says about one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState<'a> {
    /// The key is in the request, with these values (several for multi-valued keys).
    Present(&'a [String]),
    /// The key is known not to be in the request.
    Absent,
    /// The context does not say.
    Unknown,
}

/// Condition keys and their values, keyed by the lower-cased key name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
    closed: bool,
}

impl Context {
    /// Adds a value to a key (a second call makes the key multi-valued).
    pub fn insert(&mut self, key: &str, value: &str) {
        self.values
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.to_string());
    }

    /// Sets a key to exactly one value, replacing what it held.
    pub fn set(&mut self, key: &str, value: &str) {
        self.values
            .insert(key.to_ascii_lowercase(), vec![value.to_string()]);
    }

    /// Whether the key was given at all.
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(&key.to_ascii_lowercase())
    }

    /// Declares that the keys given are all the request carries.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Looks a key up, case-insensitively.
    pub fn lookup(&self, key: &str) -> KeyState<'_> {
        let found = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.values.get(&key.to_ascii_lowercase())
        } else {
            self.values.get(key)
        };
        match found {
            Some(v) => KeyState::Present(v),
            None if self.closed => KeyState::Absent,
            None => KeyState::Unknown,
        }
    }
}
