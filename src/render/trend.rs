//! The Trend sheet of answers.xlsx: one row per month of the history (the figures the PDF and
//! HTML charts draw) and two native Excel line charts over those rows, so the workbook's
//! charts stay live when a reader edits or extends the table.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, XlsxError};

use super::ReportContext;

/// The sheet's name.
pub const TREND_SHEET: &str = "Trend";

/// Writes the Trend sheet when the context has a trend of two months or more.
pub fn write_trend_sheet(workbook: &mut Workbook, ctx: &ReportContext) -> Result<(), XlsxError> {
    if ctx.trend.len() < 2 {
        return Ok(());
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name(TREND_SHEET)?;
    let bold = Format::new().set_bold();
    let counts = &ctx.trend[0].readiness.blast_radius;

    let mut headers = vec![
        "Month".to_string(),
        "Audit readiness %".to_string(),
        "Insurance readiness %".to_string(),
    ];
    headers.extend(counts.iter().map(|c| c.title.clone()));
    for (col, h) in headers.iter().enumerate() {
        sheet.write_with_format(0, col as u16, h, &bold)?;
    }
    for (i, p) in ctx.trend.iter().enumerate() {
        let row = i as u32 + 1;
        let month = match p.sequence {
            Some(n) => format!("#{n} {}", p.label),
            None => format!("now {}", p.label),
        };
        sheet.write(row, 0, month)?;
        let r = &p.readiness;
        // Blank, not zero, where a figure was not measured.
        if let Some(v) = r.audit.percent {
            sheet.write(row, 1, v)?;
        }
        if let Some(v) = r.insurance.percent {
            sheet.write(row, 2, v)?;
        }
        for (j, c) in r.blast_radius.iter().enumerate() {
            if let Some(v) = c.value {
                sheet.write(row, 3 + j as u16, v as f64)?;
            }
        }
    }
    sheet.set_column_width(0, 18)?;
    sheet.set_column_range_width(1, headers.len() as u16, 16)?;

    let last = ctx.trend.len() as u32;
    let line = |title: &str, columns: std::ops::Range<u16>| {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name(title);
        for col in columns {
            chart
                .add_series()
                .set_name((TREND_SHEET, 0, col))
                .set_categories((TREND_SHEET, 1, 0, last, 0))
                .set_values((TREND_SHEET, 1, col, last, col));
        }
        chart
    };
    let shares = line("Readiness (% of questions met)", 1..3);
    let blast = line(
        "Blast radius (counts that must fall)",
        3..3 + counts.len() as u16,
    );
    sheet.insert_chart(last + 2, 0, &shares)?;
    sheet.insert_chart(last + 2, 6, &blast)?;
    Ok(())
}
