//! Writing the filled form: change the few cells that get an answer or a comment, and copy
//! everything else as it was.
//!
//! A workbook library would load the whole model and serialize it again, and each one met so
//! far loses something on the way (umya-spreadsheet 3.1.1 panics on HECVAT's range
//! hyperlinks; openpyxl drops x14 validations; rust_xlsxwriter cannot edit at all). So the
//! edit happens in the package itself: every zip entry but the changed sheets and the workbook
//! part is copied raw, compressed bytes included; in a changed sheet only the target `<c>`
//! elements are replaced (or inserted, in column and row order), byte for byte around them.
//! Values go in as inline strings, so the shared-string table stays untouched. The workbook
//! part gets `fullCalcOnLoad="1"` on `<calcPr>`, so the form's formulas (HECVAT's guidance
//! and scoring columns) recalculate from the new answers when it is opened.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::cells::{a1, parse_a1, Pos};
use super::package::Package;
use super::vocabulary::CellValue;
use super::FillError;

/// The new values of one sheet, by cell.
pub type Edits = BTreeMap<Pos, CellValue>;

/// Writes the package with the sheets' edits to `out`, through a temporary file in the same
/// folder renamed into place, so `out` is whole or untouched.
pub fn save(
    package: &Package,
    edits: &BTreeMap<String, Edits>,
    out: &Path,
) -> Result<(), FillError> {
    let write_err = |reason: String| FillError::Write {
        path: out.to_path_buf(),
        reason,
    };
    let mut changed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (part, cells) in edits.iter().filter(|(_, cells)| !cells.is_empty()) {
        let xml = package.part(part)?;
        let patched = patch_sheet(&xml, cells).map_err(|e| package.bad(format!("{part}: {e}")))?;
        changed.insert(part.clone(), patched);
    }
    if !changed.is_empty() {
        let workbook = package.part(&package.workbook_part)?;
        changed.insert(package.workbook_part.clone(), recalc_on_open(&workbook));
    }

    let bytes = repack(package, &changed).map_err(|e| write_err(e.to_string()))?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| write_err(format!("creating {}: {e}", dir.display())))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".evident-fill-")
        .tempfile_in(dir)
        .map_err(|e| {
            write_err(format!(
                "creating a temporary file in {}: {e}",
                dir.display()
            ))
        })?;
    tmp.write_all(&bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| write_err(e.to_string()))?;
    tmp.persist(out)
        .map_err(|e| write_err(e.error.to_string()))?;
    Ok(())
}

/// A new zip: changed parts deflated afresh, every other entry copied raw.
fn repack(
    package: &Package,
    changed: &BTreeMap<String, Vec<u8>>,
) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package.bytes.as_slice()))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index)?;
        match changed.get(entry.name()) {
            Some(bytes) => {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .last_modified_time(entry.last_modified().unwrap_or_default());
                let name = entry.name().to_string();
                drop(entry);
                writer.start_file(name, options)?;
                writer.write_all(bytes)?;
            }
            None => writer.raw_copy_file(entry)?,
        }
    }
    Ok(writer.finish()?.into_inner())
}

/// Sets `fullCalcOnLoad="1"` on `<calcPr>`, adding the element when the workbook has none.
pub fn recalc_on_open(xml: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(xml);
    if let Some(start) = text.find("<calcPr") {
        let end = match text[start..].find('>') {
            Some(e) => start + e,
            None => return xml.to_vec(),
        };
        let tag = &text[start..end];
        if tag.contains("fullCalcOnLoad=\"1\"") {
            return xml.to_vec();
        }
        let tag = tag
            .replace(" fullCalcOnLoad=\"0\"", "")
            .replace(" fullCalcOnLoad=\"false\"", "");
        let (body, close) = match tag.strip_suffix('/') {
            Some(body) => (body.trim_end().to_string(), "/"),
            None => (tag.trim_end().to_string(), ""),
        };
        return format!(
            "{}{body} fullCalcOnLoad=\"1\"{close}{}",
            &text[..start],
            &text[end..]
        )
        .into_bytes();
    }
    // calcPr follows definedNames (and sheets) in CT_Workbook; place it right after them.
    for anchor in ["</definedNames>", "</sheets>"] {
        if let Some(pos) = text.find(anchor) {
            let at = pos + anchor.len();
            return format!(
                "{}<calcPr fullCalcOnLoad=\"1\"/>{}",
                &text[..at],
                &text[at..]
            )
            .into_bytes();
        }
    }
    xml.to_vec()
}

/// Replaces or inserts the edited cells of one sheet's XML, leaving every other byte alone.
pub fn patch_sheet(xml: &[u8], edits: &Edits) -> Result<Vec<u8>, String> {
    let mut pending: BTreeMap<u32, BTreeMap<u32, &CellValue>> = BTreeMap::new();
    for (&(row, col), value) in edits {
        pending.entry(row).or_default().insert(col, value);
    }
    let mut splices: Vec<(usize, usize, String)> = Vec::new();
    let mut reader = Reader::from_reader(xml);
    // Rows and cells may omit `r`; they then follow the previous one.
    let mut last_row: Option<u32> = None;
    let mut row_no: u32 = 0;
    let mut col_no: u32 = 0;
    let mut in_sheet_data = false;
    let mut cell_start: Option<(usize, Pos, String)> = None;

    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"sheetData" => in_sheet_data = true,
            Event::Empty(e) if e.local_name().as_ref() == b"sheetData" => {
                let rows = rows_xml(&mut pending, u32::MAX);
                if !rows.is_empty() {
                    splices.push((before, after, format!("<sheetData>{rows}</sheetData>")));
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"sheetData" => {
                in_sheet_data = false;
                let rows = rows_xml(&mut pending, u32::MAX);
                splices.push((before, before, rows));
            }
            Event::Start(e) | Event::Empty(e)
                if in_sheet_data && e.local_name().as_ref() == b"row" =>
            {
                let empty = xml.get(after.saturating_sub(2)) == Some(&b'/');
                row_no = attr(&e, b"r")
                    .and_then(|r| r.parse::<u32>().ok())
                    .and_then(|r| r.checked_sub(1))
                    .unwrap_or_else(|| last_row.map_or(0, |r| r + 1));
                last_row = Some(row_no);
                col_no = u32::MAX;
                splices.push((before, before, rows_xml(&mut pending, row_no)));
                if empty {
                    let cells = cells_xml(pending.remove(&row_no), row_no, u32::MAX);
                    if !cells.is_empty() {
                        let open = String::from_utf8_lossy(&xml[before..after - 2]).into_owned();
                        splices.push((before, after, format!("{open}>{cells}</row>")));
                    }
                }
            }
            Event::End(e) if in_sheet_data && e.local_name().as_ref() == b"row" => {
                let cells = cells_xml(pending.remove(&row_no), row_no, u32::MAX);
                splices.push((before, before, cells));
            }
            Event::Start(e) | Event::Empty(e)
                if in_sheet_data && e.local_name().as_ref() == b"c" =>
            {
                let is_empty = matches!(xml.get(after.saturating_sub(2)), Some(b'/'));
                let pos = attr(&e, b"r")
                    .and_then(|r| parse_a1(&r))
                    .unwrap_or((row_no, col_no.wrapping_add(1)));
                col_no = pos.1;
                let earlier = cells_before(&mut pending, row_no, pos.1);
                splices.push((before, before, earlier));
                let attrs = kept_attributes(&e);
                if is_empty {
                    if let Some(value) = take(&mut pending, pos) {
                        splices.push((before, after, cell_xml(pos, &attrs, value)));
                    }
                } else {
                    cell_start = Some((before, pos, attrs));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"f" => {
                if let Some((_, pos, _)) = &cell_start {
                    if pending.get(&pos.0).is_some_and(|r| r.contains_key(&pos.1)) {
                        return Err(format!(
                            "{} holds a formula; it is never overwritten",
                            a1(*pos)
                        ));
                    }
                }
            }
            Event::End(e) if in_sheet_data && e.local_name().as_ref() == b"c" => {
                if let Some((start, pos, attrs)) = cell_start.take() {
                    if let Some(value) = take(&mut pending, pos) {
                        splices.push((start, after, cell_xml(pos, &attrs, value)));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !pending.is_empty() {
        return Err("the sheet has no <sheetData> to write into".into());
    }
    Ok(apply(xml, splices))
}

fn apply(xml: &[u8], mut splices: Vec<(usize, usize, String)>) -> Vec<u8> {
    splices.retain(|(start, end, text)| !(start == end && text.is_empty()));
    splices.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = Vec::with_capacity(xml.len() + 256);
    let mut at = 0;
    for (start, end, text) in splices {
        out.extend_from_slice(&xml[at..start]);
        out.extend_from_slice(text.as_bytes());
        at = end;
    }
    out.extend_from_slice(&xml[at..]);
    out
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The cell's attributes as written, less `r` (rewritten), `t` (the new type) and `vm` (value
/// metadata of the old value).
fn kept_attributes(e: &BytesStart<'_>) -> String {
    let mut out = String::new();
    for a in e.attributes().flatten() {
        let key = a.key.as_ref();
        if matches!(key, b"r" | b"t" | b"vm") {
            continue;
        }
        out.push_str(&format!(
            " {}=\"{}\"",
            String::from_utf8_lossy(key),
            String::from_utf8_lossy(&a.value)
        ));
    }
    out
}

fn take<'v>(
    pending: &mut BTreeMap<u32, BTreeMap<u32, &'v CellValue>>,
    pos: Pos,
) -> Option<&'v CellValue> {
    let row = pending.get_mut(&pos.0)?;
    let value = row.remove(&pos.1);
    if row.is_empty() {
        pending.remove(&pos.0);
    }
    value
}

/// New cells of `row` left of column `col` (cells the sheet does not have yet).
fn cells_before(
    pending: &mut BTreeMap<u32, BTreeMap<u32, &CellValue>>,
    row: u32,
    col: u32,
) -> String {
    let Some(cells) = pending.get_mut(&row) else {
        return String::new();
    };
    let later = cells.split_off(&col);
    let earlier = std::mem::replace(cells, later);
    if cells.is_empty() {
        pending.remove(&row);
    }
    cells_xml(Some(earlier), row, u32::MAX)
}

fn cells_xml(cells: Option<BTreeMap<u32, &CellValue>>, row: u32, below: u32) -> String {
    cells
        .into_iter()
        .flatten()
        .filter(|(col, _)| *col < below)
        .map(|(col, value)| cell_xml((row, col), "", value))
        .collect()
}

/// Whole new rows for the pending rows above `row` (rows the sheet does not have yet).
fn rows_xml(pending: &mut BTreeMap<u32, BTreeMap<u32, &CellValue>>, row: u32) -> String {
    let later = pending.split_off(&row);
    let earlier = std::mem::replace(pending, later);
    earlier
        .into_iter()
        .map(|(r, cells)| {
            format!(
                "<row r=\"{}\">{}</row>",
                r + 1,
                cells_xml(Some(cells), r, u32::MAX)
            )
        })
        .collect()
}

fn cell_xml(pos: Pos, attrs: &str, value: &CellValue) -> String {
    let r = a1(pos);
    match value {
        CellValue::Number(n) => format!("<c r=\"{r}\"{attrs}><v>{n}</v></c>"),
        CellValue::Text(text) => {
            let clean: String = text
                .chars()
                .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
                .collect();
            let escaped = quick_xml::escape::escape(clean.as_str());
            format!(
                "<c r=\"{r}\"{attrs} t=\"inlineStr\">\
                 <is><t xml:space=\"preserve\">{escaped}</t></is></c>"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> CellValue {
        CellValue::Text(t.into())
    }

    #[test]
    fn replaces_existing_cells_and_keeps_their_style() {
        let xml = concat!(
            r#"<worksheet><sheetData><row r="2" spans="1:3"><c r="A2" t="s"><v>0</v></c>"#,
            r#"<c r="C2" s="21"/><c r="D2" s="5" t="s"><v>3</v></c></row></sheetData></worksheet>"#
        )
        .as_bytes();
        let mut edits = Edits::new();
        edits.insert((1, 2), text("Yes"));
        edits.insert((1, 3), text("a < b"));
        let out = String::from_utf8(patch_sheet(xml, &edits).expect("patches")).expect("utf8");
        assert_eq!(
            out,
            "<worksheet><sheetData><row r=\"2\" spans=\"1:3\"><c r=\"A2\" t=\"s\"><v>0</v></c>\
             <c r=\"C2\" s=\"21\" t=\"inlineStr\"><is><t xml:space=\"preserve\">Yes</t></is></c>\
             <c r=\"D2\" s=\"5\" t=\"inlineStr\">\
             <is><t xml:space=\"preserve\">a &lt; b</t></is></c>\
             </row></sheetData></worksheet>"
        );
    }

    #[test]
    fn inserts_missing_cells_and_rows_in_order() {
        let xml = concat!(
            r#"<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="E2"><v>2</v></c>"#,
            r#"</row><row r="5"/></sheetData></worksheet>"#
        )
        .as_bytes();
        let mut edits = Edits::new();
        edits.insert((1, 2), text("x"));
        edits.insert((2, 0), CellValue::Number(3.0));
        edits.insert((4, 1), text("y"));
        edits.insert((9, 0), text("z"));
        let out = String::from_utf8(patch_sheet(xml, &edits).expect("patches")).expect("utf8");
        let order: Vec<usize> = [
            "A2",
            "C2",
            "E2",
            "<row r=\"3\"><c r=\"A3\"><v>3</v>",
            "r=\"B5\"",
            "r=\"A10\"",
        ]
        .iter()
        .map(|needle| {
            out.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {out}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
        assert!(out.contains("<row r=\"5\"><c r=\"B5\""), "{out}");
    }

    #[test]
    fn rows_and_cells_without_references_follow_the_previous_one() {
        let xml = b"<worksheet><sheetData><row><c><v>1</v></c><c/></row></sheetData></worksheet>";
        let mut edits = Edits::new();
        edits.insert((0, 1), text("x"));
        let out = String::from_utf8(patch_sheet(xml, &edits).expect("patches")).expect("utf8");
        assert!(
            out.contains("<c><v>1</v></c><c r=\"B1\" t=\"inlineStr\">"),
            "{out}"
        );
    }

    #[test]
    fn refuses_to_overwrite_a_formula() {
        let xml = concat!(
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="str"><f>B1</f><v>x</v></c></row>"#,
            r#"</sheetData></worksheet>"#
        )
        .as_bytes();
        let mut edits = Edits::new();
        edits.insert((0, 0), text("Yes"));
        assert!(patch_sheet(xml, &edits).is_err());
    }

    #[test]
    fn sets_recalculation_on_open() {
        let with = br#"<workbook><sheets/><calcPr calcId="191029"/></workbook>"#;
        assert_eq!(
            String::from_utf8(recalc_on_open(with)).expect("utf8"),
            r#"<workbook><sheets/><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>"#
        );
        let without = br#"<workbook><sheets></sheets></workbook>"#;
        assert_eq!(
            String::from_utf8(recalc_on_open(without)).expect("utf8"),
            r#"<workbook><sheets></sheets><calcPr fullCalcOnLoad="1"/></workbook>"#
        );
    }
}
