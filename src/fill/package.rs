//! The form as an OOXML package: the zip parts, which part holds which sheet, and whether a
//! sheet is hidden.
//!
//! The bytes of the whole file stay in memory so that saving can copy every part it did not
//! change as it was, compressed bytes and all (see [`super::write`]). Reading cell values is
//! left to calamine; this module only answers what calamine does not expose: the part path of
//! each sheet and the raw XML of a part.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::FillError;

/// One sheet of the workbook, in tab order.
#[derive(Debug, Clone)]
pub struct SheetEntry {
    pub name: String,
    /// The zip part holding the sheet, such as `xl/worksheets/sheet2.xml`.
    pub part: String,
    /// `hidden` or `veryHidden` in workbook.xml.
    pub hidden: bool,
}

/// An xlsx file read whole.
pub struct Package {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// The workbook part, usually `xl/workbook.xml`.
    pub workbook_part: String,
    pub sheets: Vec<SheetEntry>,
}

impl Package {
    /// Reads the file and finds its sheets. A missing file, a file that is not a zip, or a zip
    /// without a workbook are bad input.
    pub fn open(path: &Path) -> Result<Self, FillError> {
        let bytes = std::fs::read(path).map_err(|source| FillError::ReadForm {
            path: path.to_path_buf(),
            source,
        })?;
        let mut package = Package {
            path: path.to_path_buf(),
            bytes,
            workbook_part: String::new(),
            sheets: Vec::new(),
        };
        package.workbook_part = package.find_workbook_part()?;
        package.sheets = package.read_sheet_entries()?;
        Ok(package)
    }

    /// The form error for this file.
    pub fn bad(&self, reason: impl Into<String>) -> FillError {
        FillError::BadForm {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    /// The zip archive over the bytes in memory.
    pub fn archive(&self) -> Result<zip::ZipArchive<Cursor<&[u8]>>, FillError> {
        zip::ZipArchive::new(Cursor::new(self.bytes.as_slice()))
            .map_err(|e| self.bad(format!("not an xlsx (zip) file: {e}")))
    }

    /// The uncompressed bytes of one part.
    pub fn part(&self, name: &str) -> Result<Vec<u8>, FillError> {
        let mut archive = self.archive()?;
        let mut file = archive
            .by_name(name)
            .map_err(|e| self.bad(format!("part {name}: {e}")))?;
        let mut out = Vec::new();
        file.read_to_end(&mut out)
            .map_err(|e| self.bad(format!("part {name}: {e}")))?;
        Ok(out)
    }

    /// The workbook part named by the package relationships (`_rels/.rels`).
    fn find_workbook_part(&self) -> Result<String, FillError> {
        let rels = self.part("_rels/.rels")?;
        let target = relationships(&rels)
            .map_err(|e| self.bad(format!("_rels/.rels: {e}")))?
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target)
            .ok_or_else(|| self.bad("_rels/.rels names no workbook"))?;
        Ok(resolve_target("", &target))
    }

    /// The sheets listed in workbook.xml, with their parts from the workbook's relationships.
    fn read_sheet_entries(&self) -> Result<Vec<SheetEntry>, FillError> {
        let workbook = self.part(&self.workbook_part)?;
        let (dir, file) = self
            .workbook_part
            .rsplit_once('/')
            .unwrap_or(("", self.workbook_part.as_str()));
        let rels_part = match dir {
            "" => format!("_rels/{file}.rels"),
            dir => format!("{dir}/_rels/{file}.rels"),
        };
        let rels = relationships(&self.part(&rels_part)?)
            .map_err(|e| self.bad(format!("{rels_part}: {e}")))?;
        let listed = workbook_sheets(&workbook)
            .map_err(|e| self.bad(format!("{}: {e}", self.workbook_part)))?;

        let mut sheets = Vec::new();
        for (name, rel_id, state) in listed {
            let rel = rels.iter().find(|r| r.id == rel_id).ok_or_else(|| {
                self.bad(format!("sheet `{name}` points at a missing relationship"))
            })?;
            // Chart sheets and dialog sheets hold no cells to fill.
            if !rel.kind.ends_with("/worksheet") {
                continue;
            }
            sheets.push(SheetEntry {
                name,
                part: resolve_target(dir, &rel.target),
                hidden: state != "visible" && !state.is_empty(),
            });
        }
        Ok(sheets)
    }
}

/// One `<Relationship>` of a `.rels` part.
struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn relationships(xml: &[u8]) -> Result<Vec<Relationship>, quick_xml::Error> {
    let mut out = Vec::new();
    for_each_element(xml, |name, attrs| {
        if name == "Relationship" {
            out.push(Relationship {
                id: attr(attrs, "Id"),
                kind: attr(attrs, "Type"),
                target: attr(attrs, "Target"),
            });
        }
    })?;
    Ok(out)
}

/// `(name, relationship id, state)` of every `<sheet>` in workbook.xml.
fn workbook_sheets(xml: &[u8]) -> Result<Vec<(String, String, String)>, quick_xml::Error> {
    let mut out = Vec::new();
    for_each_element(xml, |name, attrs| {
        if name == "sheet" {
            out.push((
                attr(attrs, "name"),
                attr(attrs, "r:id"),
                attr(attrs, "state"),
            ));
        }
    })?;
    Ok(out)
}

/// Calls `f` with the local name and the unescaped attributes of every start or empty element.
fn for_each_element(
    xml: &[u8],
    mut f: impl FnMut(&str, &[(String, String)]),
) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    loop {
        let decoder = reader.decoder();
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attrs: Vec<(String, String)> = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                        let value = a
                            .decode_and_unescape_value(decoder)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                        (key, value)
                    })
                    .collect();
                f(&local, &attrs);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn attr(attrs: &[(String, String)], key: &str) -> String {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A relationship target as a part name: absolute targets (`/xl/worksheets/sheet1.xml`) lose
/// their slash, relative ones are joined to the source part's folder, with `..` resolved.
fn resolve_target(dir: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            piece => parts.push(piece),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve_target("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve_target("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve_target("xl/sub", "../a.xml"), "xl/a.xml");
        assert_eq!(resolve_target("", "xl/workbook.xml"), "xl/workbook.xml");
    }

    #[test]
    fn workbook_sheets_keep_their_state() {
        let xml = br#"<workbook><sheets><sheet name="A &amp; B" sheetId="1" r:id="rId1"/>
            <sheet name="Lists" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#;
        let sheets = workbook_sheets(xml).expect("parses");
        assert_eq!(sheets[0], ("A & B".into(), "rId1".into(), String::new()));
        assert_eq!(sheets[1].2, "hidden");
    }
}
