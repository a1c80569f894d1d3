//! Builds the application state and the router, then serves until SIGTERM / Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use app::domain::policy::PlanPolicy;
use app::server::auth::session::SessionSettings;
use app::server::auth::throttle::ThrottleSettings;
use app::server::clock::{parse_zone, LenderClock};
use app::server::db::Db;
use app::server::policy_cache::PolicyCache;
use app::server::state::AppParts;
use app::server::store::policies;
use app::server::{demo, AppState};
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::cli::{SecureCookies, ServeArgs};
use crate::{middleware, routes};

/// Everything `serve` needs that can fail is checked here, each failure one specific line.
pub async fn build_state(args: &ServeArgs, addr: SocketAddr) -> Result<AppState, String> {
    let zone = parse_zone(&args.time_zone)?;
    let policy = match &args.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the policy file {}: {e}", path.display()))?;
            PlanPolicy::from_toml(&text).map_err(|e| format!("the policy file {} is invalid: {e:?}", path.display()))?
        }
        None => PlanPolicy::default(),
    };
    let secure_cookie = match args.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never if addr.ip().is_loopback() => false,
        SecureCookies::Never => {
            return Err(format!(
                "--secure-cookies never is only for plain http on a loopback address; {addr} is reachable from \
                 other machines (serve it over https, or behind a TLS proxy with --secure-cookies always)"
            ))
        }
        SecureCookies::Auto => !addr.ip().is_loopback(),
    };
    let db = Db::open(&args.database_url, args.db_connections)
        .await
        .map_err(|e| e.to_string())?;
    store_first_policy(&db, &policy).await?;
    let sessions = SessionSettings {
        idle_timeout: Duration::from_secs(
            args.session_idle_seconds
                .unwrap_or(args.session_idle_minutes * 60)
                .max(1),
        ),
        absolute_timeout: Duration::from_secs(args.session_max_seconds.unwrap_or(args.session_max_hours * 3600).max(1)),
        secure_cookie,
    };
    let throttle = ThrottleSettings {
        per_account: args.attempts_per_account.max(1),
        per_address: args.attempts_per_address.max(1),
        window: Duration::from_secs(args.lockout_minutes.max(1) * 60),
    };
    Ok(AppState::new(AppParts {
        db,
        policies: PolicyCache::default(),
        clock: LenderClock {
            zone,
            fixed_today: args.today,
        },
        sessions,
        throttle,
        demo: args.demo,
    }))
}

/// The policy versions live in the database; the file (or the built-in default) only seeds an
/// empty one. Later versions are published by supervisors, so a file that differs is reported,
/// not applied.
async fn store_first_policy(db: &Db, policy: &PlanPolicy) -> Result<(), String> {
    let body = policy
        .to_toml()
        .ok_or_else(|| "the plan policy cannot be written as TOML".to_owned())?;
    let stored = policies::store_if_none(&db.pool, &policy.version, &body)
        .await
        .map_err(|e| format!("storing the plan policy failed: {e}"))?;
    if stored {
        tracing::info!(version = %policy.version, "plan policy stored as the first version");
    } else if let Ok(current) = PolicyCache::default().current(&db.pool).await {
        if current.version != policy.version {
            tracing::warn!(
                file = %policy.version,
                in_force = %current.version,
                "the policy file is not applied: the database holds published versions (supervisors publish at /policy)"
            );
        }
    }
    Ok(())
}

pub fn router(state: AppState, site_root: &str, bench_endpoints: bool) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("repaydesk")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .env(leptos::config::Env::PROD)
        .build();
    let routes = page_routes();
    let context_state = state.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(app::shell))
        .with_state(leptos_options);
    let mut handlers = routes::router(state.clone()).layer(Extension(routes::PageRenderer(pages.clone())));
    if bench_endpoints {
        handlers = handlers.merge(routes::bench::router(state.clone()));
    }
    middleware::apply(handlers.merge(pages), state)
}

/// The Leptos page routes, one source for the router and for `server routes`.
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    generate_route_list(app::App)
}

pub async fn serve(args: ServeArgs) -> Result<(), String> {
    let addr = args.socket_addr()?;
    let site_root = args.site_root.to_string_lossy().into_owned();
    if !args.site_root.join("pkg").is_dir() {
        tracing::warn!(
            "{}/pkg not found: pages will render but the browser bundle is missing (build with cargo leptos build)",
            site_root
        );
    }
    let state = build_state(&args, addr).await?;
    if args.demo
        && demo::seed_if_empty(&state.db, state.clock.today())
            .await
            .map_err(|e| format!("loading the demo data failed: {e}"))?
    {
        tracing::info!("demo data loaded");
    }
    if args.bench_endpoints {
        routes::bench::prepare(&state.db)
            .await
            .map_err(|e| format!("preparing the benchmark endpoints failed: {e}"))?;
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let app = router(state, &site_root, args.bench_endpoints);
    // Tests start the server on port 0 and read the real address from this line.
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("RepayDesk is serving on http://{bound}");
    if args.demo {
        println!("Demo sign-ins (login / password):");
        for login in demo::LOGINS {
            println!("  {:<10} {:<12} / {}", login.role.code(), login.login, login.password);
        }
        if let Some((reference, born, last4)) = demo::first_access_example() {
            println!("First access (a borrower without a password yet): account {reference}, born {born}, phone ending {last4}");
        }
    }
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        // Small responses must not wait for Nagle's algorithm (measured: 10x latency).
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server failed: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
