//! The RepayDesk server binary: serves the portal, and carries the operator commands.

mod cli;
mod commands;
mod import;
mod middleware;
mod routes;
mod startup;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    telemetry::init();
    let outcome = match cli.command {
        None => startup::serve(cli.serve).await,
        Some(cli::Command::User {
            command:
                cli::UserCommand::Add {
                    role,
                    username,
                    full_name,
                },
        }) => commands::add_user(&cli.serve, role, &username, &full_name).await,
        Some(cli::Command::ApiKey { command }) => commands::api_key(&cli.serve, command).await,
        Some(cli::Command::Import {
            command: cli::ImportCommand::Accounts { file },
        }) => import::accounts(&cli.serve, &file).await,
        Some(cli::Command::Routes) => commands::print_routes(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
