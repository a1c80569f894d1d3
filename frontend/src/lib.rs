//! The wasm entry point: only the islands hydrate; every page is rendered by the server.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console help while developing; the release bundle leaves the
    // formatting machinery out (a panic there aborts, which the console reports anyway).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
