//! The project's simulator served in-process for one test, and the real
//! `idcdb` binary pointed at it.

use std::path::Path;
use std::process::{Command, Output};

use idcdb_simulator::{Model, Options, Simulator};

/// A simulator served from its own runtime for the length of a test.
pub struct Served {
    simulator: Option<Simulator>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    pub fn start(model: Model, options: Options) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let simulator = runtime
            .block_on(async { Simulator::start(model, options) })
            .expect("simulator starts");
        Served {
            simulator: Some(simulator),
            runtime,
        }
    }

    pub fn simulator(&self) -> &Simulator {
        self.simulator.as_ref().expect("simulator is running")
    }

    /// Returns the `idcdb` binary with the AWS environment pointed at the simulator.
    pub fn idcdb(&self) -> Command {
        let mut command = super::idcdb();
        super::set_aws_env(&mut command, &self.simulator().endpoint_url());
        command
    }

    /// Runs `idcdb sync --db DB` with extra arguments. The simulator runs
    /// without rate limits unless a test sets them, so the client does not
    /// pace either.
    pub fn sync_with(&self, db: &Path, args: &[&str]) -> Output {
        self.idcdb()
            .args(["sync", "--max-rps", "1000", "--db"])
            .arg(db)
            .args(args)
            .output()
            .expect("run idcdb sync")
    }

    pub fn sync(&self, db: &Path) -> Output {
        self.sync_with(db, &[])
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            self.runtime.block_on(simulator.shutdown());
        }
    }
}
