//! GET /api/v1/docs: the API reference as one server-rendered page, generated from the same
//! OpenAPI document the server serves, with no scripts and no outside assets (the CSP allows
//! neither). Problem types link here: each has its own anchor.

use std::fmt::Write;

use app::html::escape;
use app::server::lender::problem::ProblemKind;
use axum::response::Html;
use serde_json::Value;

use super::openapi::document;

/// Escapes `text` and sets its `backquoted` spans (Markdown code, as the descriptions use it) as code.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A schema's type in a few words: `string`, `integer (int64)`, `Problem`, `array of FieldProblem`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(variants) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        return variants.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("<code>{}</code>", escape(v)))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    let kind = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        Some(Value::String(t)) => t.clone(),
        _ => "any".to_owned(),
    };
    let kind = if kind.starts_with("array") {
        format!("array of {}", schema.get("items").map(type_of).unwrap_or_default())
    } else {
        escape(&kind)
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{kind} ({})", escape(format)),
        None => kind,
    }
}

fn properties_table(out: &mut String, schema: &Value) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("<table><thead><tr><th>field</th><th>type</th><th>required</th><th>meaning</th></tr></thead><tbody>");
    for (name, property) in properties {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            type_of(property),
            if required.contains(&name.as_str()) { "yes" } else { "no" },
            prose(text(property, "description"))
        );
    }
    out.push_str("</tbody></table>");
}

fn operation_section(out: &mut String, method: &str, path: &str, operation: &Value) {
    let id = text(operation, "operationId");
    let _ = write!(
        out,
        "<section id=\"op-{id}\"><h3><code>{} {}</code></h3><p><strong>{}</strong></p><p>{}</p>",
        escape(&method.to_uppercase()),
        escape(path),
        escape(text(operation, "summary")),
        prose(text(operation, "description")),
        id = escape(id),
    );
    let scopes: Vec<String> = operation
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|requirement| requirement.get("bearer").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| format!("<code>{}</code>", escape(s)))
        .collect();
    let _ = write!(out, "<p>Scope: {}</p>", scopes.join(", "));
    if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
        out.push_str("<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>meaning</th></tr></thead><tbody>");
        for parameter in parameters {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(text(parameter, "name")),
                escape(text(parameter, "in")),
                parameter.get("schema").map(type_of).unwrap_or_default(),
                prose(text(parameter, "description"))
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(body) = operation.pointer("/requestBody/content/application~1json/schema") {
        let _ = write!(out, "<h4>Request body</h4><p>JSON: {}</p>", type_of(body));
    }
    out.push_str("<h4>Responses</h4><ul>");
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            let schema = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|c| c.get("schema"))
                .map(type_of)
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><code>{}</code> {}: {}</li>",
                escape(status),
                schema,
                prose(text(response, "description"))
            );
        }
    }
    out.push_str("</ul></section>");
}

/// GET /api/v1/docs
pub async fn reference_page() -> Html<String> {
    let doc = document();
    let info = &doc["info"];
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/repaydesk.css\"></head><body><main class=\"api-docs\">\
         <h1>{title} <small>{version}</small></h1><p>{description}</p>\
         <p>The machine-readable description is <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {openapi}).</p>",
        title = escape(text(info, "title")),
        version = escape(text(info, "version")),
        description = prose(text(info, "description")),
        openapi = escape(text(doc, "openapi")),
    );
    let _ = write!(
        out,
        "<h2 id=\"authentication\">Authentication</h2><p>{}</p><pre>curl -X PUT https://HOST/api/v1/accounts/CL-2026-000901 \\\n  -H 'Authorization: Bearer rdk_...' -H 'Content-Type: application/json' \\\n  -d @account.json</pre>",
        prose(doc.pointer("/components/securitySchemes/bearer/description").and_then(Value::as_str).unwrap_or_default())
    );
    out.push_str("<h2 id=\"operations\">Operations</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                operation_section(&mut out, method, path, operation);
            }
        }
    }
    out.push_str("<h2 id=\"problems\">Problems</h2><p>Every error is <code>application/problem+json</code>; its <code>type</code> links to one of these.</p><dl>");
    for kind in ProblemKind::ALL {
        let _ = write!(
            out,
            "<dt id=\"problem-{}\"><code>{}</code> {} ({})</dt><dd>{}</dd>",
            kind.slug(),
            escape(&kind.type_uri()),
            escape(kind.title()),
            kind.status(),
            prose(kind.explanation())
        );
    }
    out.push_str("</dl><h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let _ = write!(
                out,
                "<section id=\"schema-{0}\"><h3>{0}</h3><p>{1}</p>",
                escape(name),
                prose(text(schema, "description"))
            );
            if schema.get("properties").is_some() {
                properties_table(&mut out, schema);
            } else {
                let _ = write!(out, "<p>{}</p>", type_of(schema));
            }
            out.push_str("</section>");
        }
    }
    out.push_str("</main></body></html>");
    Html(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_escaped_and_backquoted_spans_become_code() {
        assert_eq!(
            prose("send `Bearer <key>` & wait"),
            "send <code>Bearer &lt;key&gt;</code> &amp; wait"
        );
        assert_eq!(prose("no code here"), "no code here");
    }

    #[test]
    fn schema_types_read_as_words_with_links_to_named_schemas() {
        let schema = serde_json::json!({ "type": "array", "items": { "$ref": "#/components/schemas/FieldProblem" } });
        assert_eq!(
            type_of(&schema),
            "array of <a href=\"#schema-FieldProblem\">FieldProblem</a>"
        );
        assert_eq!(
            type_of(&serde_json::json!({ "type": ["string", "null"] })),
            "string or null"
        );
    }
}
