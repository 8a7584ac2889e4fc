//! The browser entry point: hydrates the server-rendered page, first fetching the code-split chunk
//! of the page being shown.

/// Called by the generated JavaScript once the wasm module loads.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
