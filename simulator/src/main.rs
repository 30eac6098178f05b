//! Command-line front end of the simulator for manual testing and benchmarks.
//!
//! Prints `ENDPOINT http://127.0.0.1:PORT` on stdout once the server accepts
//! connections, then serves until interrupted (Ctrl-C or SIGTERM).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use idcdb_simulator::{Options, Simulator, Size, generate};
use tracing_subscriber::EnvFilter;

/// Serve a generated AWS organization over the Organizations, sso-admin,
/// identitystore and STS APIs on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "idcdb-simulator", version)]
struct Arguments {
    /// Seed of the generated organization; the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Size preset: demo, small, medium or large.
    #[arg(long, default_value = "demo", value_parser = ["demo", "small", "medium", "large"])]
    size: String,

    /// Port on 127.0.0.1 to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Latency added to every call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,

    /// Random extra latency per call, from 0 up to this many milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,

    /// Serve every call instead of applying AWS-like rate limits.
    #[arg(long)]
    no_rate_limits: bool,

    /// External ID that STS AssumeRole must receive.
    #[arg(long)]
    external_id: Option<String>,

    /// Write the generated model as JSON to this file before serving.
    #[arg(long)]
    write_model: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let arguments = Arguments::parse();

    let Some(size) = Size::preset(&arguments.size) else {
        eprintln!(
            "error: unknown size '{}'; use demo, small, medium or large",
            arguments.size
        );
        return ExitCode::FAILURE;
    };
    let model = generate(arguments.seed, &size);

    if let Some(path) = &arguments.write_model
        && let Err(error) = model.write_json(path)
    {
        eprintln!(
            "error: failed to write the model to {}: {error}",
            path.display()
        );
        return ExitCode::FAILURE;
    }

    let mut options = if arguments.no_rate_limits {
        Options::fast()
    } else {
        Options::default()
    };
    options.port = arguments.port;
    if arguments.latency_ms > 0 || arguments.jitter_ms > 0 {
        options = options.with_latency(
            Duration::from_millis(arguments.latency_ms),
            Duration::from_millis(arguments.jitter_ms),
        );
    }
    options.required_external_id = arguments.external_id;

    let simulator = match Simulator::start(model, options) {
        Ok(simulator) => simulator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("ENDPOINT {}", simulator.endpoint_url());

    wait_for_termination().await;
    let stats = simulator.stats();
    eprintln!(
        "served {} calls ({} throttled, {} faults injected)",
        stats.total_calls(),
        stats.throttled,
        stats.faults_injected
    );
    simulator.shutdown().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn wait_for_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};

        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                eprintln!("warning: cannot listen for SIGTERM ({error}); stop with Ctrl-C");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }

    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
