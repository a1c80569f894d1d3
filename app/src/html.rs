//! Escaping for HTML that is written out by hand rather than by the view macro: a textarea's
//! content, which Leptos renders on the server without escaping although the browser decodes
//! character references there (typed text echoed back unescaped could close the textarea and
//! inject markup), and the server-rendered API reference page.

/// `text` escaped for HTML content or a quoted attribute: the browser shows exactly `text`.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;

    use super::escape;

    #[test]
    fn typed_text_cannot_close_the_textarea() {
        let typed = "</textarea><form action=/x><b>&amp;";
        let html = view! { <textarea>{escape(typed)}</textarea> }.to_html();
        assert_eq!(
            html,
            "<textarea>&lt;/textarea&gt;&lt;form action=/x&gt;&lt;b&gt;&amp;amp;</textarea>"
        );
    }
}
