#![recursion_limit = "256"]
//! Browser entry point: takes over the server-rendered page (hydration).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
