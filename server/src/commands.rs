//! Operator commands: adding staff accounts, managing API keys, and listing every route (for
//! the access-matrix test). Each failure is one line on standard error.

use std::io::{BufRead, IsTerminal, Write};

use app::model::Role;
use app::server::db::Db;
use app::server::services::staff;

use app::server::lender::{keys, rfc3339};

use crate::cli::{ApiKeyCommand, ServeArgs, StaffRole};
use crate::{routes, startup};

/// Reads the password: prompted without echo on a terminal, else the first line of stdin.
fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprint!("Password for the new account (not shown): ");
        let _ = std::io::stderr().flush();
        let _ = std::process::Command::new("stty").arg("-echo").status();
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if interactive {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read.map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("no password given: write it on standard input (e.g. from a secrets file)".into());
    }
    Ok(password)
}

pub async fn add_user(args: &ServeArgs, role: StaffRole, username: &str, full_name: &str) -> Result<(), String> {
    let role = match role {
        StaffRole::Collector => Role::Collector,
        StaffRole::Supervisor => Role::Supervisor,
    };
    let password = read_password()?;
    let db = Db::open(&args.database_url, 2).await.map_err(|e| e.to_string())?;
    let id = staff::add(&db, role, username, full_name, &password)
        .await
        .map_err(|e| e.to_string())?;
    println!("Added {} {username:?} (user {id}). They can sign in now.", role.code());
    Ok(())
}

pub async fn api_key(args: &ServeArgs, command: ApiKeyCommand) -> Result<(), String> {
    let db = Db::open(&args.database_url, 2).await.map_err(|e| e.to_string())?;
    match command {
        ApiKeyCommand::Create { name, scopes } => {
            let scopes = keys::parse_scopes(&scopes).map_err(|e| e.to_string())?;
            let (id, key) = keys::create(&db, &name, &scopes).await.map_err(|e| e.to_string())?;
            let codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
            println!("Created API key {name:?} (id {id}) with scopes {}.", codes.join(", "));
            println!("Store it now in the lender's secrets: it is not shown again. Send it as `Authorization: Bearer <key>`.");
            // Scripts read the key from the last line.
            println!("{key}");
        }
        ApiKeyCommand::List => {
            let list = keys::list(&db).await.map_err(|e| e.to_string())?;
            if list.is_empty() {
                println!("No API keys yet: create one with `server api-key create --name NAME --scopes a,b`.");
            }
            for key in list {
                let codes: Vec<&str> = key.scopes.iter().map(|s| s.code()).collect();
                let state = key
                    .revoked_at
                    .map_or_else(|| "active".to_owned(), |at| format!("revoked {}", rfc3339(at)));
                println!(
                    "{:>4}  {:<24} {}...  {:<60} created {}  {state}",
                    key.id,
                    key.name,
                    key.prefix,
                    codes.join(","),
                    rfc3339(key.created_at)
                );
            }
        }
        ApiKeyCommand::Revoke { name, id } => {
            let key = keys::revoke(&db, name.as_deref(), id)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Revoked API key {:?} (id {}): requests with it are refused from now on.",
                key.name, key.id
            );
        }
    }
    Ok(())
}

/// Every route as JSON: `[{"kind", "method", "path"}]`, from the tables the router is built from.
pub fn print_routes() -> Result<(), String> {
    let mut list = Vec::new();
    for route in routes::table() {
        list.push(serde_json::json!({
            "kind": "handler", "method": route.method.as_str(), "path": route.path,
        }));
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        list.push(serde_json::json!({
            "kind": "server_function", "method": method.as_str(), "path": path,
        }));
    }
    for page in startup::page_routes() {
        for method in page.methods() {
            // Leptos names them Get, Post...: the HTTP spelling is the upper case.
            let method = format!("{method:?}").to_uppercase();
            list.push(serde_json::json!({
                "kind": "page", "method": method, "path": page.path(),
            }));
        }
    }
    let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
