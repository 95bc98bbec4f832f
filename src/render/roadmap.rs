//! The Roadmap sheet of answers.xlsx: the 90-day plan the PDF and HTML print, as rows a team
//! can sort, assign and track: the phase the organization is in and why, then one row per
//! open check with the phase that fixes it, its finding, the questions it answers and the
//! steps to take.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::xlsx::{cell, row_height};
use super::ReportContext;
use crate::history::Roadmap;

/// The sheet's name.
pub const ROADMAP_SHEET: &str = "Roadmap";

/// The column headers of the table of open checks.
const HEADERS: [&str; 9] = [
    "Phase",
    "Days",
    "Phase state",
    "Check",
    "Status",
    "Finding",
    "Questions",
    "Steps",
    "Accounts",
];

/// Column widths, in characters, matching [`HEADERS`].
const WIDTHS: [f64; 9] = [30.0, 11.0, 11.0, 34.0, 9.0, 60.0, 36.0, 70.0, 30.0];

/// Writes the Roadmap sheet: the current phase, the lines it was judged by, and the open
/// checks of every phase (a phase without any gets one row saying so, so no phase goes
/// missing from the plan).
pub fn write_roadmap_sheet(workbook: &mut Workbook, ctx: &ReportContext) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(ROADMAP_SHEET)?;
    write(sheet, &ctx.roadmap)
}

fn write(sheet: &mut Worksheet, roadmap: &Roadmap) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_background_color("D9E1F2")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);

    let headline = if roadmap.current_phase > 4 {
        "All four phases done: maintain.".to_string()
    } else {
        format!(
            "Phase {} of 4: {}",
            roadmap.current_phase, roadmap.current_title
        )
    };
    sheet.write_with_format(0, 0, "90-day roadmap", &bold)?;
    sheet.write_with_format(0, 1, headline, &bold)?;
    let mut row = 1u32;
    for line in &roadmap.judged_by {
        sheet.write(row, 1, cell(line))?;
        row += 1;
    }

    row += 1;
    for (col, h) in HEADERS.iter().enumerate() {
        sheet.write_with_format(row, col as u16, *h, &header)?;
        sheet.set_column_width(col as u16, WIDTHS[col])?;
    }
    let header_row = row;
    for phase in &roadmap.phases {
        let title = format!("{}. {}", phase.number, phase.title);
        if phase.items.is_empty() {
            row += 1;
            sheet.write_with_format(row, 0, &title, &wrap)?;
            sheet.write_with_format(row, 1, &phase.days, &wrap)?;
            sheet.write_with_format(row, 2, &phase.state, &wrap)?;
            sheet.write_with_format(row, 5, "No open check.", &wrap)?;
            continue;
        }
        for item in &phase.items {
            row += 1;
            let steps: Vec<String> = (item.steps.iter().enumerate())
                .map(|(i, s)| format!("{}. {s}", i + 1))
                .collect();
            let cells = [
                title.clone(),
                phase.days.clone(),
                phase.state.clone(),
                item.probe.clone(),
                item.status.clone(),
                item.summary.clone(),
                item.questions.join("\n"),
                steps.join("\n"),
                item.accounts.join(", "),
            ];
            sheet.set_row_height(row, row_height(&cells, &WIDTHS))?;
            for (col, text) in cells.iter().enumerate() {
                sheet.write_with_format(row, col as u16, cell(text), &wrap)?;
            }
        }
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.autofilter(header_row, 0, row, HEADERS.len() as u16 - 1)?;
    Ok(())
}
