//! The HTML document and the route table. Pages render on the server; only islands hydrate.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::{Layout, RequestInfo};
use crate::i18n::T;
use crate::pages::account::AccountPage;
use crate::pages::accounts::AccountsPage;
use crate::pages::agreement::AgreementPage;
use crate::pages::audit::AuditPageView;
use crate::pages::first_access::{ChoosePasswordPage, FirstAccessPage};
use crate::pages::home::HomePage;
use crate::pages::import_report::ImportReportPage;
use crate::pages::not_found::NotFound;
use crate::pages::payment_import::PaymentImportPage;
use crate::pages::plan::PlanPage;
use crate::pages::plans::PlansPage;
use crate::pages::policy::PolicyPage;
use crate::pages::proposal::ProposalPage;
use crate::pages::queue::QueuePageView;
use crate::pages::review::ReviewPage;
use crate::pages::sign_in::SignInPage;

/// Content-Security-Policy for rendered pages: our own script (by nonce), wasm, styles and
/// nothing foreign.
#[cfg(feature = "ssr")]
fn provide_security_headers() {
    use http::header::{HeaderName, HeaderValue};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let info = RequestInfo::current();
    #[cfg(feature = "ssr")]
    provide_security_headers();
    let lang = info.locale.code();
    provide_context(info);
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231d5c4d'/%3E%3C/svg%3E"/>
                <link rel="stylesheet" href="/pkg/repaydesk.css"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = use_context::<RequestInfo>().unwrap_or_else(RequestInfo::current).locale;
    view! {
        <Title text=T::AppName.get(locale)/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/accounts") view=AccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/accounts/:id") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/accounts/:id/plan") view=PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans") view=PlansPage ssr=SsrMode::Async/>
                    <Route path=path!("/proposals/:id") view=ProposalPage ssr=SsrMode::Async/>
                    <Route path=path!("/agreements/:reference") view=AgreementPage ssr=SsrMode::Async/>
                    <Route path=path!("/queue") view=QueuePageView ssr=SsrMode::Async/>
                    <Route path=path!("/queue/:id") view=ReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/payments/import") view=PaymentImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/payments/imports/:id") view=ImportReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view=AuditPageView ssr=SsrMode::Async/>
                    <Route path=path!("/policy") view=PolicyPage ssr=SsrMode::Async/>
                    <Route path=path!("/first-access") view=FirstAccessPage ssr=SsrMode::Async/>
                    <Route path=path!("/first-access/password") view=ChoosePasswordPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
