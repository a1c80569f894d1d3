//! A small JSON Schema (2020-12 subset) checker for the OpenAPI document's schemas: `$ref`,
//! `type` (one or several), `properties`, `required`, `additionalProperties: false`, `items`,
//! `enum`, `oneOf` / `anyOf`, `minimum`. Enough to hold real responses to what the document
//! promises, and strict where the document is: a property it does not know is reported
//! unless the schema allows extra ones.

use serde_json::Value;

/// Every way `value` departs from `schema`, as "path: what" lines (empty when it conforms).
pub fn violations(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(document, schema, value, "$", &mut found);
    found
}

/// Resolves a local `$ref` such as `#/components/schemas/Problem`.
pub fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    document.pointer(reference.strip_prefix('#')?)
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        _ => false,
    }
}

fn check(document: &Value, schema: &Value, value: &Value, path: &str, found: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match resolve(document, reference) {
            Some(target) => check(document, target, value, path, found),
            None => found.push(format!("{path}: unresolved $ref {reference}")),
        }
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let matching = variants
                .iter()
                .filter(|variant| violations(document, variant, value).is_empty())
                .count();
            let ok = if key == "oneOf" { matching == 1 } else { matching >= 1 };
            if !ok {
                found.push(format!("{path}: {matching} of the {key} variants match {value}"));
            }
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| type_matches(t, value)) {
        found.push(format!("{path}: expected {types:?}, got {value}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            found.push(format!("{path}: {value} is not one of {allowed:?}"));
        }
    }
    if let (Some(minimum), Some(number)) = (schema.get("minimum").and_then(Value::as_f64), value.as_f64()) {
        if number < minimum {
            found.push(format!("{path}: {number} is below the minimum {minimum}"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                found.push(format!("{path}: required property {name} is missing"));
            }
        }
        // Where the schema lists properties, an unlisted one is a drift unless it says otherwise.
        let extra_allowed = match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => false,
            Some(_) => true,
            None => properties.is_none(),
        };
        for (name, member) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => check(document, property, member, &format!("{path}.{name}"), found),
                None if !extra_allowed => found.push(format!("{path}: property {name} is not in the schema")),
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(document, items, item, &format!("{path}[{i}]"), found);
        }
    }
}

/// Every `$ref` anywhere in `document` that does not resolve.
pub fn dangling_refs(document: &Value) -> Vec<String> {
    fn walk(document: &Value, node: &Value, dangling: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if resolve(document, reference).is_none() {
                        dangling.push(reference.to_owned());
                    }
                }
                map.values().for_each(|v| walk(document, v, dangling));
            }
            Value::Array(list) => list.iter().for_each(|v| walk(document, v, dangling)),
            _ => {}
        }
    }
    let mut dangling = Vec::new();
    walk(document, document, &mut dangling);
    dangling
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({ "components": { "schemas": {
            "Money": { "type": "object", "required": ["minor", "currency"], "properties": {
                "minor": { "type": "integer", "minimum": 0 },
                "currency": { "type": "string", "enum": ["CNY", "USD"] },
                "note": { "type": ["string", "null"] }
            } }
        } } })
    }

    #[test]
    fn a_conforming_value_has_no_violations() {
        let doc = document();
        let schema = json!({ "$ref": "#/components/schemas/Money" });
        assert!(violations(&doc, &schema, &json!({ "minor": 5, "currency": "CNY", "note": null })).is_empty());
    }

    #[test]
    fn each_kind_of_departure_is_reported() {
        let doc = document();
        let schema = json!({ "$ref": "#/components/schemas/Money" });
        let wrong = json!({ "minor": -1, "currency": "GBP", "note": 3, "extra": true });
        let found = violations(&doc, &schema, &wrong);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(violations(&doc, &schema, &json!({ "minor": 1 })).len(), 1);
        assert_eq!(violations(&doc, &json!({ "$ref": "#/nowhere" }), &json!(1)).len(), 1);
    }
}
