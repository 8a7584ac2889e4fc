//! The browser entry point: Caseport's pages are rendered on the server, and only their islands
//! (the parts that need scripts) are hydrated here.

// The islands are exported from the `app` crate; naming it links it into this module.
use app as _;

/// Called by Leptos's island loader once the wasm module loads; the loader then hydrates every
/// island on the page. `<html data-hydrated>` is set on the next task, after those hydrations (they
/// run as microtasks), so tests and scripts know the page is interactive.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    leptos::prelude::set_timeout(
        || {
            if let Some(html) = leptos::prelude::document().document_element() {
                let _ = html.set_attribute("data-hydrated", "");
            }
        },
        std::time::Duration::ZERO,
    );
}
