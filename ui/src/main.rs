//! Kalshi Desk's UI, compiled to wasm32 and loaded by the app window from `ui/dist`.
//!
//! This is the first page only: the Tauri shell loads it through the real build path
//! (`cargo xtask` builds it with wasm-bindgen before the shell compiles); the pages come
//! with the UI milestone.

use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! {
        <main class="boot">
            <h1>{ "Kalshi Desk" }</h1>
            <p>{ "Connecting to the exchange…" }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
