//! Trend charts: one SVG per readiness axis over the months of a history, drawn with
//! `plotters`' SVG backend.
//!
//! SVG rather than a bitmap: the HTML report inlines it, Typst embeds it in the PDF as vector
//! art (`image(bytes(svg), format: "svg")`), and no font file has to be rasterized here. The
//! text names the family the PDF bundles (DejaVu Sans), which browsers replace with any sans
//! face. The xlsx draws its own native chart from the same trend (see `render::xlsx`).

use plotters::prelude::*;

use super::TrendPoint;
use crate::render::TrendChart;

/// Chart size in SVG user units (pixels); the PDF scales it to the text width.
const SIZE: (u32, u32) = (640, 260);
/// The family the PDF bundles; browsers fall back to their sans face.
const FONT: &str = "DejaVu Sans";
/// One colour per series, distinguishable in greyscale print too.
const COLOURS: [RGBColor; 5] = [
    RGBColor(31, 78, 161),
    RGBColor(192, 80, 0),
    RGBColor(56, 142, 60),
    RGBColor(123, 31, 162),
    RGBColor(96, 96, 96),
];

/// A named series: one value per month, `None` where not measured.
type Series = (String, Vec<Option<f64>>);
/// A chart to draw: axis, title, series, whether the y axis is a percentage.
type Spec = (&'static str, String, Vec<Series>, bool);

/// One chart per axis, when the trend has at least two points; none otherwise (a single
/// month has no trend to draw). A chart that fails to draw is left out with a warning: the
/// report without it is still right.
pub fn charts(trend: &[TrendPoint]) -> Vec<TrendChart> {
    if trend.len() < 2 {
        return Vec::new();
    }
    let labels: Vec<String> = trend.iter().map(label).collect();
    let share =
        |f: fn(&TrendPoint) -> Option<f64>| -> Vec<Option<f64>> { trend.iter().map(f).collect() };
    let mut specs: Vec<Spec> = vec![
        (
            "audit",
            "Audit readiness (% of automated SOC 2 questions met)".to_string(),
            vec![("audit".into(), share(|p| p.readiness.audit.percent))],
            true,
        ),
        (
            "insurance",
            "Insurance readiness (% of carrier AWS questions met)".to_string(),
            vec![("insurance".into(), share(|p| p.readiness.insurance.percent))],
            true,
        ),
    ];
    let first = &trend[0].readiness.blast_radius;
    let series = first
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let values = trend
                .iter()
                .map(|p| p.readiness.blast_radius.get(i).and_then(|c| c.value))
                .map(|v| v.map(|v| v as f64))
                .collect::<Vec<_>>();
            (c.title.clone(), values)
        })
        .filter(|(_, v)| v.iter().any(Option::is_some))
        .collect();
    specs.push((
        "blast_radius",
        "Blast radius (counts that must fall)".to_string(),
        series,
        false,
    ));

    specs
        .into_iter()
        .filter_map(|(axis, title, series, percent)| {
            match draw(&title, &labels, &series, percent) {
                Ok(svg) => Some(TrendChart {
                    axis: axis.to_string(),
                    title,
                    svg,
                }),
                Err(e) => {
                    tracing::warn!("trend chart {axis} not drawn: {e}");
                    None
                }
            }
        })
        .collect()
}

/// `#2 2026-12-03`, or `now 2026-12-03` for the run being reported.
fn label(p: &TrendPoint) -> String {
    match p.sequence {
        Some(n) => format!("#{n} {}", p.label),
        None => format!("now {}", p.label),
    }
}

/// Draws one line chart; `percent` fixes the y axis at 0–100.
fn draw(
    title: &str,
    labels: &[String],
    series: &[Series],
    percent: bool,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten())
            .fold(1.0f64, |a, b| a.max(*b));
        let y_max = if percent { 100.0 } else { (top * 1.15).ceil() };
        let x_max = labels.len().saturating_sub(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 15))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.3f64..x_max + 0.3, 0f64..y_max)
            .map_err(|e| e.to_string())?;
        let x_label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(labels.len() * 2 + 1)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|y| {
                if percent {
                    format!("{y:.0}%")
                } else {
                    format!("{y:.0}")
                }
            })
            .label_style((FONT, 11))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| e.to_string())?;

        for (i, (name, values)) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(x, v)| v.map(|v| (x as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            chart
                .draw_series(PointSeries::of_element(
                    points,
                    3,
                    colour.filled(),
                    &|c, s, st| Circle::new(c, s, st),
                ))
                .map_err(|e| e.to_string())?;
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font((FONT, 11))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}
