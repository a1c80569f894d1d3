//! What goes between `<textarea>` and `</textarea>`.
//!
//! Leptos renders a textarea's children on the server without escaping them, yet the browser
//! decodes character references there (RCDATA): typed text echoed back unescaped could close
//! the textarea and inject markup. Every textarea child goes through [`textarea_text`].

/// `text` escaped for a textarea's content: the browser shows exactly `text`.
pub fn textarea_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;

    use super::textarea_text;

    #[test]
    fn typed_text_cannot_close_the_textarea() {
        let typed = "</textarea><form action=/x><b>&amp;";
        let html = view! { <textarea>{textarea_text(typed)}</textarea> }.to_html();
        assert_eq!(
            html,
            "<textarea>&lt;/textarea&gt;&lt;form action=/x&gt;&lt;b&gt;&amp;amp;</textarea>"
        );
    }
}
