//! The hub's logs: `tracing` to stderr (the journal under systemd), text or JSON lines.

/// Logs go to stderr. A log line that cannot be written (stderr closed: the pipe's reader is
/// gone, so the write fails with EPIPE) is dropped: tracing-subscriber would otherwise report
/// the failure with `eprintln!`, which panics when stderr is closed — inside whatever task
/// logged, e.g. the one that starts the shutdown.
pub(crate) fn init_logs(json: bool, default_level: &str) {
    let _ = tracing::subscriber::set_global_default(log_subscriber(
        json,
        default_level,
        std::io::stderr,
    ));
}

/// The hub's log format (text, or one JSON object a line with `json`) at `default_level`
/// (`RUST_LOG` wins), written to `writer` (the server: stderr; the tests: a buffer).
pub fn log_subscriber<W>(
    json: bool,
    default_level: &str,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    // Colours only on a terminal: the journal (systemd) and log files get plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(colour)
        .log_internal_errors(false);
    if json {
        Box::new(builder.json().flatten_event(true).finish())
    } else {
        Box::new(builder.finish())
    }
}
