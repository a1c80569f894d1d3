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

#[tokio::main]
async fn main() -> ExitCode {
    keep_large_allocations_returnable();
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

/// Each password hash takes a 19 MiB work area. glibc raises its mmap threshold after the first
/// such block is freed, so later ones come from the heap and stay resident: a burst of sign-ins
/// left the server at 270 MB instead of 60. A fixed threshold returns them to the system.
fn keep_large_allocations_returnable() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator (it takes its own lock); called once at start-up.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
