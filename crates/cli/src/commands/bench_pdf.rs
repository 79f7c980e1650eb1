//! `bench pdf`: one report rendered again and again in this process (the document read once, the
//! renderer built once, as the app does), and its HTML twin written for the engines it is compared
//! with (wkhtmltopdf, WeasyPrint) by scripts/bench-pdf.sh.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use rapportino_core::reports::{self, logo};
use rapportino_core::{Result, Store};
use rapportino_pdf::{html, write_atomic, Renderer};
use serde::Serialize;

use super::bench::{stats, Stats};
use crate::output::Out;

#[derive(Args)]
pub struct PdfBenchArgs {
    /// The report to render.
    #[arg(long)]
    report: String,
    /// Renders to time (after one warm-up).
    #[arg(long, default_value_t = 200)]
    runs: u32,
    /// Write the last PDF here.
    #[arg(long, value_name = "FILE")]
    pdf: Option<PathBuf>,
    /// Write the equivalent HTML page here (the other engines' input).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Serialize)]
struct PdfBench {
    report: String,
    bytes: usize,
    /// Building the renderer (fonts parsed) — once per process.
    renderer_new_ms: f64,
    /// Reading the report from the database (document + logo).
    read: Stats,
    /// The first render of the process (cold caches), not in `render`.
    first_render_ms: f64,
    /// Rendering the PDF bytes.
    render: Stats,
}

pub fn run(store: &mut Store, out: Out, a: PdfBenchArgs) -> Result<()> {
    let report = reports::get_by_number(store, &a.report)?;
    let t = Instant::now();
    let renderer = Renderer::new()?;
    let renderer_new_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (mut read, mut render) = (Vec::new(), Vec::new());
    let mut bytes = Vec::new();
    let mut first_render_ms = 0.0;
    let created = store.now();
    for i in 0..=a.runs {
        let t = Instant::now();
        let doc = reports::document(store, report.id)?;
        let logo = logo::get(store.conn())?;
        let read_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        bytes = renderer.report(&doc, logo.as_ref(), created)?;
        let render_ms = t.elapsed().as_secs_f64() * 1000.0;
        if i == 0 {
            first_render_ms = render_ms;
        } else {
            read.push(read_ms);
            render.push(render_ms);
        }
        if i == a.runs {
            if let Some(p) = &a.html {
                write_atomic(p, html::report(&doc, logo.as_ref()).as_bytes())?;
            }
        }
    }
    if let Some(p) = &a.pdf {
        write_atomic(p, &bytes)?;
    }
    let result = PdfBench {
        report: report.number,
        bytes: bytes.len(),
        renderer_new_ms,
        first_render_ms,
        read: stats(read),
        render: stats(render),
    };
    out.emit(&result, |r| {
        format!(
            "{}: {} byte · renderer {:.1} ms (una volta) · primo PDF {:.1} ms · lettura p50 {:.2} ms · PDF p50 {:.2} ms, p95 {:.2} ms ({} giri)",
            r.report, r.bytes, r.renderer_new_ms, r.first_render_ms, r.read.p50_ms, r.render.p50_ms, r.render.p95_ms, r.render.runs
        )
    });
    Ok(())
}
