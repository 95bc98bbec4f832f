//! What the filler knows of each sheet: displayed values (formulas read through their cached
//! results), which cells hold formulas, merged ranges, and data validations.
//!
//! calamine reads values, formulas and merges. It does not read data validations, so they are
//! parsed here from the sheet XML, both the classic `<dataValidation>` and the Excel 2010
//! `<x14:dataValidation>` inside `<extLst>`, which forms such as HECVAT use to point a dropdown
//! at a hidden sheet (and which several libraries drop on load).

use std::io::Cursor;

use calamine::{Data, Range, Reader as _, Xlsx};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::cells::{parse_area, parse_sqref, split_sheet, Area, Pos};
use super::package::{Package, SheetEntry};
use super::FillError;

/// A data validation: the cells it covers and what it allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub areas: Vec<Area>,
    /// `formula1` of a `list` validation; `None` for every other kind (numbers, dates, custom
    /// formulas, prompt-only validations).
    pub list: Option<String>,
}

/// One sheet, read.
pub struct Sheet {
    pub name: String,
    pub part: String,
    pub hidden: bool,
    values: Range<Data>,
    formulas: Range<String>,
    merges: Vec<Area>,
    pub validations: Vec<Validation>,
}

impl Sheet {
    /// The displayed text of a cell, without looking through merges; `""` when empty.
    pub fn raw_text(&self, pos: Pos) -> String {
        self.values.get_value(pos).map(display).unwrap_or_default()
    }

    /// The displayed text of a cell; a cell inside a merged range shows the range's first
    /// cell, as a spreadsheet does.
    pub fn text(&self, pos: Pos) -> String {
        let origin = self.merge_at(pos).map(|m| m.start).unwrap_or(pos);
        self.raw_text(origin).trim().to_string()
    }

    /// Whether the cell holds a formula (its value is computed, never written).
    pub fn is_formula(&self, pos: Pos) -> bool {
        self.formulas
            .get_value(pos)
            .is_some_and(|f| !f.trim().is_empty())
    }

    /// The merged range the cell belongs to, if any.
    pub fn merge_at(&self, pos: Pos) -> Option<&Area> {
        self.merges.iter().find(|m| m.contains(pos))
    }

    /// The data validation covering the cell, if any. When several do, the list wins.
    pub fn validation_at(&self, pos: Pos) -> Option<&Validation> {
        let mut covering = self
            .validations
            .iter()
            .filter(|v| v.areas.iter().any(|a| a.contains(pos)));
        let first = covering.next()?;
        if first.list.is_some() {
            return Some(first);
        }
        covering.find(|v| v.list.is_some()).or(Some(first))
    }

    /// The last row and column holding anything, 0-based; `None` for an empty sheet.
    pub fn end(&self) -> Option<Pos> {
        let values = self.values.end();
        let formulas = self.formulas.end();
        match (values, formulas) {
            (Some(a), Some(b)) => Some((a.0.max(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        }
    }
}

/// Every sheet of the form, and the workbook's defined names.
pub struct Workbook {
    pub sheets: Vec<Sheet>,
    defined_names: Vec<(String, String)>,
}

impl Workbook {
    /// Reads every sheet of the package.
    pub fn read(package: &Package) -> Result<Self, FillError> {
        let mut xlsx: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(package.bytes.as_slice()))
            .map_err(|e| package.bad(format!("cannot read the workbook: {e}")))?;
        let defined_names = xlsx.defined_names().to_vec();
        let sheets = package
            .sheets
            .iter()
            .map(|entry| read_sheet(package, &mut xlsx, entry))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Workbook {
            sheets,
            defined_names,
        })
    }

    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The entries of a list validation's `formula1` as seen from `on_sheet`: an inline list
    /// (`"Yes,No"`), a range on any sheet (hidden ones included), or a defined name for one.
    /// The error says why the list cannot be read (a formula such as `INDIRECT(...)`).
    pub fn list_entries(&self, formula: &str, on_sheet: &str) -> Result<Vec<String>, String> {
        let formula = formula.trim().trim_start_matches('=');
        if let Some(inline) = formula.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            let entries = inline.replace("\"\"", "\"");
            return Ok(entries
                .split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect());
        }
        if let Some((_, target)) = self
            .defined_names
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(formula))
        {
            return self.range_entries(target, on_sheet);
        }
        self.range_entries(formula, on_sheet)
    }

    fn range_entries(&self, reference: &str, on_sheet: &str) -> Result<Vec<String>, String> {
        let (sheet_name, area_text) = split_sheet(reference);
        let sheet_name = sheet_name.unwrap_or_else(|| on_sheet.to_string());
        let area = parse_area(area_text)
            .ok_or_else(|| format!("the list `{reference}` is not a range evident can read"))?;
        let sheet = self
            .sheet(&sheet_name)
            .ok_or_else(|| format!("the list `{reference}` names a missing sheet"))?;
        let mut entries = Vec::new();
        for row in area.start.0..=area.end.0 {
            for col in area.start.1..=area.end.1 {
                let text = sheet.raw_text((row, col)).trim().to_string();
                if !text.is_empty() {
                    entries.push(text);
                }
            }
        }
        Ok(entries)
    }
}

fn read_sheet(
    package: &Package,
    xlsx: &mut Xlsx<Cursor<&[u8]>>,
    entry: &SheetEntry,
) -> Result<Sheet, FillError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        package.bad(format!("sheet `{}`: {what}: {e}", entry.name))
    };
    let values = xlsx
        .worksheet_range(&entry.name)
        .map_err(|e| bad("cells", &e))?;
    let formulas = xlsx
        .worksheet_formula(&entry.name)
        .map_err(|e| bad("formulas", &e))?;
    let merges = match xlsx.worksheet_merge_cells(&entry.name) {
        Some(Ok(dims)) => dims
            .iter()
            .map(|d| Area {
                start: d.start,
                end: d.end,
            })
            .collect(),
        Some(Err(e)) => return Err(bad("merged cells", &e)),
        None => Vec::new(),
    };
    let xml = package.part(&entry.part)?;
    let validations = parse_validations(&xml).map_err(|e| bad("data validations", &e))?;
    Ok(Sheet {
        name: entry.name.clone(),
        part: entry.part.clone(),
        hidden: entry.hidden,
        values,
        formulas,
        merges,
        validations,
    })
}

/// The displayed text of a value.
fn display(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The element whose text is being collected while parsing validations.
#[derive(Clone, Copy, PartialEq)]
enum Collect {
    Nothing,
    Formula,
    Sqref,
}

/// Every data validation of a sheet, classic and x14 alike.
pub fn parse_validations(xml: &[u8]) -> Result<Vec<Validation>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut current: Option<(Validation, bool)> = None;
    let mut collect = Collect::Nothing;
    let mut text = String::new();
    loop {
        match reader.read_event()? {
            Event::Empty(e) if e.local_name().as_ref() == b"dataValidation" => {
                out.push(open_validation(&e).0);
            }
            Event::Start(e) if e.local_name().as_ref() == b"dataValidation" => {
                current = Some(open_validation(&e));
            }
            Event::Start(e) if current.is_some() => {
                collect = match e.local_name().as_ref() {
                    b"formula1" => Collect::Formula,
                    b"sqref" => Collect::Sqref,
                    _ => collect,
                };
                text.clear();
            }
            Event::Text(t) if collect != Collect::Nothing => {
                text.push_str(&t.decode().unwrap_or_default());
            }
            Event::GeneralRef(r) if collect != Collect::Nothing => {
                let name = r.decode().unwrap_or_default();
                let entity = format!("&{name};");
                text.push_str(&quick_xml::escape::unescape(&entity).unwrap_or_default());
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"formula1" if collect == Collect::Formula => {
                    if let Some((v, true)) = current.as_mut() {
                        v.list = Some(text.trim().to_string());
                    }
                    collect = Collect::Nothing;
                }
                b"sqref" if collect == Collect::Sqref => {
                    if let Some((v, _)) = current.as_mut() {
                        v.areas = parse_sqref(&text);
                    }
                    collect = Collect::Nothing;
                }
                b"dataValidation" => {
                    if let Some((v, _)) = current.take() {
                        out.push(v);
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A validation from its element's attributes, and whether it is a `list`.
fn open_validation(e: &quick_xml::events::BytesStart<'_>) -> (Validation, bool) {
    let mut is_list = false;
    let mut areas = Vec::new();
    for a in e.attributes().flatten() {
        match a.key.local_name().as_ref() {
            b"type" => is_list = a.value.as_ref() == b"list",
            b"sqref" => areas = parse_sqref(&String::from_utf8_lossy(&a.value)),
            _ => {}
        }
    }
    (Validation { areas, list: None }, is_list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_classic_and_x14_list_validations() {
        let xml = concat!(
            r#"<worksheet><sheetData/><dataValidations count="2">"#,
            r#"<dataValidation type="list" allowBlank="1" sqref="C2:C9 E4">"#,
            r#"<formula1>"Yes,No,N/A"</formula1></dataValidation>"#,
            r#"<dataValidation allowBlank="1" prompt="Do not edit" sqref="B2:B9"/>"#,
            r#"</dataValidations><extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}">"#,
            r#"<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1">"#,
            r#"<x14:formula1><xm:f>'Auto Responses'!$J$3:$J$4</xm:f></x14:formula1>"#,
            r#"<xm:sqref>C68 C22:C28</xm:sqref></x14:dataValidation>"#,
            r#"</x14:dataValidations></ext></extLst></worksheet>"#
        )
        .as_bytes();
        let found = parse_validations(xml).expect("parses");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].list.as_deref(), Some("\"Yes,No,N/A\""));
        assert_eq!(found[0].areas.len(), 2);
        assert_eq!(found[1].list, None);
        assert_eq!(found[1].areas.len(), 1);
        assert_eq!(found[2].list.as_deref(), Some("'Auto Responses'!$J$3:$J$4"));
        assert!(found[2].areas[1].contains((23, 2)));
    }

    #[test]
    fn entities_in_formulas_are_resolved() {
        let xml = concat!(
            r#"<worksheet><dataValidations><dataValidation type="list" sqref="A1">"#,
            r#"<formula1>"Yes &amp; more,No"</formula1></dataValidation></dataValidations>"#,
            r#"</worksheet>"#
        )
        .as_bytes();
        let found = parse_validations(xml).expect("parses");
        assert_eq!(found[0].list.as_deref(), Some("\"Yes & more,No\""));
    }
}
