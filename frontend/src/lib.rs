#![recursion_limit = "256"]
//! Browser entry point. The pages are server-rendered; only their islands (`#[island]`
//! components of `app`) are hydrated, by the script Leptos adds once this has run.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; release builds leave the formatting out.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::mark_interactive();
}
