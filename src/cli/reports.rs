//! `idcdb reports`: lists the bundled reports with their questions and
//! parameters.

use clap::Args;

use super::CliError;
use super::output::OutputArgs;
use crate::report::REPORTS;
use crate::report::format::{Cell, RowWriter};

#[derive(Debug, Args)]
pub struct ReportsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: ReportsArgs) -> Result<(), CliError> {
    let mut destination = args.output.open()?;
    let columns = ["name", "title", "question", "params"]
        .map(str::to_string)
        .to_vec();
    let mut writer = RowWriter::new(args.output.format(), columns, destination.writer())?;

    for report in REPORTS {
        let header = report.header();
        let params: Vec<String> = header
            .params
            .iter()
            .map(|param| {
                let kind = if param.required {
                    "required"
                } else {
                    "optional"
                };
                format!("{} ({kind}): {}", param.name, param.description)
            })
            .collect();
        writer.row(&[
            Cell::from(report.name),
            Cell::from(header.title.as_str()),
            Cell::from(header.question.as_str()),
            Cell::from(params.join("; ").as_str()),
        ])?;
    }
    writer.finish()?;
    destination.commit()
}
