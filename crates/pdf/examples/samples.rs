//! Writes sample reports and statements (PDF and HTML) into a folder, then times renders with one
//! pre-built renderer.
//!
//! `cargo run --release -p rapportino-pdf --example samples -- OUT_DIR [RUNS] [LOGO.png]`

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rapportino_pdf::{html, write_atomic, Renderer};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "samples".into()));
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(0);
    std::fs::create_dir_all(&out)?;

    let t = Instant::now();
    let renderer = Renderer::new()?;
    println!("Renderer::new: {:?}", t.elapsed());
    let logo = match args.next() {
        Some(path) => {
            let png = std::fs::read(path)?;
            rapportino_core::reports::Logo {
                png,
                width: 0,
                height: 0,
            }
        }
        None => fixtures::logo(),
    };
    let at = fixtures::created_at();

    let reports = [
        ("report-signed", fixtures::signed_report()),
        ("report-draft", fixtures::draft_report()),
        ("report-long", fixtures::long_report()),
    ];
    for (name, doc) in &reports {
        write_atomic(
            &out.join(format!("{name}.pdf")),
            &renderer.report(doc, Some(&logo), at)?,
        )?;
        write_atomic(
            &out.join(format!("{name}.html")),
            html::report(doc, Some(&logo)).as_bytes(),
        )?;
    }
    let statements = [
        ("statement", fixtures::statement()),
        ("statement-empty", fixtures::empty_statement()),
    ];
    for (name, doc) in &statements {
        write_atomic(
            &out.join(format!("{name}.pdf")),
            &renderer.statement(doc, Some(&logo), at)?,
        )?;
        write_atomic(
            &out.join(format!("{name}.html")),
            html::statement(doc, Some(&logo)).as_bytes(),
        )?;
    }
    println!("wrote samples to {}", out.display());

    if runs > 0 {
        let time = |f: &dyn Fn() -> usize| -> (Duration, usize) {
            let mut size = 0;
            let v = (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    size = f();
                    t.elapsed()
                })
                .collect();
            (median(v), size)
        };
        let signed = &reports[0].1;
        let long = &reports[2].1;
        let st = &statements[0].1;
        let cases: [(&str, &dyn Fn() -> usize); 6] = [
            ("report (signed, 1 page, logo)", &|| {
                renderer
                    .report(signed, Some(&logo), at)
                    .map(|b| b.len())
                    .unwrap_or(0)
            }),
            ("report (signed, 1 page, no logo)", &|| {
                renderer
                    .report(signed, None, at)
                    .map(|b| b.len())
                    .unwrap_or(0)
            }),
            ("report (300 paragraphs)", &|| {
                renderer
                    .report(long, Some(&logo), at)
                    .map(|b| b.len())
                    .unwrap_or(0)
            }),
            ("statement (logo)", &|| {
                renderer
                    .statement(st, Some(&logo), at)
                    .map(|b| b.len())
                    .unwrap_or(0)
            }),
            ("statement (no logo)", &|| {
                renderer
                    .statement(st, None, at)
                    .map(|b| b.len())
                    .unwrap_or(0)
            }),
            ("html::report", &|| html::report(signed, Some(&logo)).len()),
        ];
        for (name, f) in cases {
            let (m, size) = time(f);
            println!(
                "{name:<36} median {:>8.2} ms over {runs} runs  ({size} bytes)",
                m.as_secs_f64() * 1000.0
            );
        }
    }
    Ok(())
}
