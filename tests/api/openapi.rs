//! The OpenAPI document: complete, matching the routes, and true of the real answers.

use super::*;

async fn openapi(app: &TestApp) -> Value {
    let answer = send(request(app, Method::GET, "/api/v1/openapi.json", None)).await;
    assert_eq!(answer.status, 200);
    assert!(answer.content_type.starts_with("application/json"));
    answer.json()
}

/// The (METHOD, path) of every operation the document describes.
fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut list = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            list.push((method.to_uppercase(), path.clone()));
        }
    }
    list.sort();
    list
}

#[tokio::test]
async fn the_openapi_document_is_3_1_complete_and_matches_the_routes_and_the_reference_page() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(dangling_refs(&doc).is_empty(), "{:?}", dangling_refs(&doc));
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");

    let (ok, routes, error) = run_server_command(&["routes"], "");
    assert!(ok, "{error}");
    let routes: Value = serde_json::from_str(&routes).expect("routes JSON");
    let mut operations: Vec<(String, String)> = routes
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .filter(|(_, path)| {
            !matches!(
                path.as_str(),
                "/api/v1/openapi.json" | "/api/v1/docs" | "/api/v1/{*rest}"
            )
        })
        .collect();
    operations.sort();
    assert_eq!(
        documented(&doc),
        operations,
        "every API operation is documented, and only those"
    );

    for (method, path) in documented(&doc) {
        let operation = &doc["paths"][&path][method.to_lowercase()];
        let responses = operation["responses"].as_object().expect("responses");
        for status in ["401", "403", "422", "500"] {
            assert!(responses.contains_key(status), "{method} {path} documents no {status}");
        }
        assert!(
            operation["security"][0]["bearer"].is_array(),
            "{method} {path} names its scope"
        );
    }

    let page = send(request(&app, Method::GET, "/api/v1/docs", None)).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    for (method, path) in documented(&doc) {
        assert!(
            page.text.contains(&format!("{method} {path}")),
            "the page lists {method} {path}"
        );
    }
    for anchor in [
        "problem-validation",
        "problem-unauthenticated",
        "schema-AccountPlacement",
    ] {
        assert!(page.text.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    assert!(!page.text.contains("<script"), "no scripts");
    assert!(
        !page.text.contains("src=\"http") && !page.text.contains("href=\"http"),
        "no outside assets"
    );
}

/// Checks `value` against the schema the document gives for `operation`'s `status` answer.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, content_type: &str, value: &Value) {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/{}/schema",
        path.replace('~', "~0").replace('/', "~1"),
        content_type.replace('/', "~1")
    );
    let schema = doc
        .pointer(&pointer)
        .unwrap_or_else(|| panic!("the document has no schema at {pointer}"));
    let found = violations(doc, schema, value);
    assert!(
        found.is_empty(),
        "{method} {path} {status} departs from the document: {found:?}\n{value}"
    );
}

#[tokio::test]
async fn real_answers_match_the_schemas_the_document_gives_for_them() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let put_path = "/api/v1/accounts/{external_ref}";
    let created = put(
        &app,
        &key,
        "/api/v1/accounts/CL-2026-000905",
        &placement(1, "13900000060"),
    )
    .await;
    conforms(&doc, "put", put_path, 201, "application/json", &created.json());
    let mut no_email = placement(2, "13900000060");
    no_email["borrower"]["email"] = Value::Null;
    let updated = put(&app, &key, "/api/v1/accounts/CL-2026-000905", &no_email).await;
    assert_eq!(updated.json()["borrower"]["email"], Value::Null);
    conforms(&doc, "put", put_path, 200, "application/json", &updated.json());
    let conflict = put(&app, &key, "/api/v1/accounts/NEW-0005", &placement(1, "13800000002")).await;
    conforms(
        &doc,
        "put",
        put_path,
        409,
        "application/problem+json",
        &problem(&conflict, 409),
    );
    let invalid = put(&app, &key, "/api/v1/accounts/x", &json!({})).await;
    conforms(
        &doc,
        "put",
        put_path,
        422,
        "application/problem+json",
        &problem(&invalid, 422),
    );

    let batch = json!({ "items": [
        { "external_ref": "CL-2026-000906", "account": placement(1, "13900000061") },
        { "external_ref": "bad", "account": placement(1, "13900000062") },
    ]});
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch).await;
    conforms(
        &doc,
        "post",
        "/api/v1/accounts:batch",
        200,
        "application/json",
        &answer.json(),
    );

    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let paid = pay(&app, &key, &payment("PAY-SCHEMA", &reference, 5_000)).await;
    conforms(&doc, "post", "/api/v1/payments", 201, "application/json", &paid.json());
    let unauthenticated = send(request(&app, Method::POST, "/api/v1/payments", None).json(&json!({}))).await;
    conforms(
        &doc,
        "post",
        "/api/v1/payments",
        401,
        "application/problem+json",
        &problem(&unauthenticated, 401),
    );

    for path in ["/api/v1/proposals", "/api/v1/agreements"] {
        let page = get(&app, path, &key).await;
        assert!(!items(&page).is_empty(), "{path}");
        conforms(&doc, "get", path, 200, "application/json", &page.json());
    }
}
