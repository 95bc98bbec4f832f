//! Cell positions and A1 references. Positions are 0-based `(row, column)`, as calamine counts
//! them; references are what a spreadsheet shows (`C22`, `$J$3:$J$5`, `C68 C22:C28`).

/// A cell position: 0-based row and column.
pub type Pos = (u32, u32);

/// A rectangle of cells, both corners included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub start: Pos,
    pub end: Pos,
}

impl Area {
    /// Whether the cell lies inside the rectangle.
    pub fn contains(&self, (row, col): Pos) -> bool {
        (self.start.0..=self.end.0).contains(&row) && (self.start.1..=self.end.1).contains(&col)
    }

    /// Whether the rectangle covers more than one column (a banner across the table).
    pub fn is_wide(&self) -> bool {
        self.end.1 > self.start.1
    }
}

/// The column's letters: 0 is `A`, 26 is `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// `C22` for `(21, 2)`.
pub fn a1((row, col): Pos) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// The 0-based column of letters such as `C` or `$AB`; `None` for anything else.
pub fn parse_column(text: &str) -> Option<u32> {
    let letters = text.trim().trim_matches('$');
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        let b = b.to_ascii_uppercase();
        if !b.is_ascii_uppercase() {
            return None;
        }
        n = n * 26 + u32::from(b - b'A' + 1);
    }
    Some(n - 1)
}

/// A single cell reference such as `C22` or `$J$3`.
pub fn parse_a1(text: &str) -> Option<Pos> {
    let text = text.trim();
    let split = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)?;
    let (letters, digits) = text.split_at(split);
    let col = parse_column(letters)?;
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col))
}

/// `C22:C28` or `C22` (a one-cell area).
pub fn parse_area(text: &str) -> Option<Area> {
    match text.split_once(':') {
        Some((a, b)) => {
            let (start, end) = (parse_a1(a)?, parse_a1(b)?);
            Some(Area {
                start: (start.0.min(end.0), start.1.min(end.1)),
                end: (start.0.max(end.0), start.1.max(end.1)),
            })
        }
        None => parse_a1(text).map(|p| Area { start: p, end: p }),
    }
}

/// A space-separated list of areas, as `sqref` attributes hold; parts that do not parse are
/// skipped.
pub fn parse_sqref(text: &str) -> Vec<Area> {
    text.split_whitespace().filter_map(parse_area).collect()
}

/// Splits `'Auto Responses'!$J$3:$J$4` into the sheet name and the area text; `None` for the
/// sheet when the reference has none.
pub fn split_sheet(reference: &str) -> (Option<String>, &str) {
    let reference = reference.trim().trim_start_matches('=');
    match reference.rsplit_once('!') {
        Some((sheet, area)) => {
            let sheet = sheet
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .map(|s| s.replace("''", "'"))
                .unwrap_or_else(|| sheet.to_string());
            (Some(sheet), area)
        }
        None => (None, reference),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip() {
        for (col, name) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_name(col), name);
            assert_eq!(parse_column(name), Some(col));
        }
    }

    #[test]
    fn references_parse_with_and_without_dollars() {
        assert_eq!(parse_a1("C22"), Some((21, 2)));
        assert_eq!(parse_a1("$J$3"), Some((2, 9)));
        assert_eq!(parse_a1("J0"), None);
        assert_eq!(a1((21, 2)), "C22");
        let areas = parse_sqref("C68 C22:C28");
        assert_eq!(areas.len(), 2);
        assert!(areas[1].contains((25, 2)) && !areas[1].contains((28, 2)));
    }

    #[test]
    fn sheet_names_lose_their_quotes() {
        assert_eq!(
            split_sheet("'Auto Responses'!$J$3:$J$4"),
            (Some("Auto Responses".to_string()), "$J$3:$J$4")
        );
        assert_eq!(split_sheet("Lists!A1:A3"), (Some("Lists".into()), "A1:A3"));
        assert_eq!(split_sheet("$A$1:$A$2"), (None, "$A$1:$A$2"));
        assert_eq!(split_sheet("'It''s'!A1"), (Some("It's".into()), "A1"));
    }
}
