//! The exit-code table, in one place (DESIGN.md, "Exit codes").

/// The command did what was asked.
pub const OK: u8 = 0;
/// The run failed (AWS setup, I/O, a bug).
pub const FAILED: u8 = 1;
/// Bad usage or bad input: a missing or malformed snapshot, questionnaire or attestations
/// file, an unknown flag. The message names the file and, for parse errors, line and column.
pub const BAD_INPUT: u8 = 2;
/// The run worked but a gate the user asked for was not met (`verify` found changed files).
pub const GATE: u8 = 3;
