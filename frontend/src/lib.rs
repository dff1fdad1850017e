#![recursion_limit = "256"]
//! Browser entry point. The pages are server-rendered; only their islands (`#[island]`
//! components of `app`) are hydrated, by the script Leptos adds once this has run.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A panic's message in the console, also in release: without it the browser only says
    // "unreachable", which tells neither a user's report nor a failed test where it came from.
    // It costs 1 KB of raw WASM (under 0.3 KB brotli): the panic machinery formats the message anyway.
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::mark_interactive();
}
