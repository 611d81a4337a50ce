//! Loading, error and empty states, and the hook that runs a command for a component.
//! Pages never go blank: before data there is a skeleton, on failure an error with a
//! retry, with no data an empty state that says what to do; while reloading, the data
//! already known stays on screen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ipc::{AppError, Command};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::bindings::invoke;

/// A command's answer as a component sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    /// Not answered yet.
    Loading,
    /// The answer.
    Ready(T),
    /// The failure.
    Failed(AppError),
}

impl<T> Load<T> {
    /// The answer, if there is one.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Self::Ready(v) => Some(v),
            _ => None,
        }
    }
}

/// A command's answer and a callback to run it again.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The latest answer.
    pub data: Rc<Load<T>>,
    /// Runs the command again (keeping the old answer on screen meanwhile).
    pub reload: Callback<()>,
}

/// What [`use_command`] numbers its requests with.
struct Generations<C> {
    /// Requests issued so far.
    issued: Cell<u64>,
    /// The request issued when the request last changed (older answers are for another).
    changed: Cell<u64>,
    /// The request whose answer is on screen.
    shown: Cell<u64>,
    /// The request last issued.
    request: RefCell<Option<C>>,
}

impl<C> Default for Generations<C> {
    fn default() -> Self {
        Self {
            issued: Cell::new(0),
            changed: Cell::new(0),
            shown: Cell::new(0),
            request: RefCell::new(None),
        }
    }
}

/// Whether the answer to request number `mine` goes on screen, when the request last
/// changed at number `changed` and the answer on screen is number `shown`'s: it must
/// answer the current request and be newer than what is shown. Requests issued after
/// `mine` and still in flight do not matter.
fn shows(mine: u64, changed: u64, shown: u64) -> bool {
    mine >= changed && mine > shown
}

/// Runs `request` now, again whenever it or `extra` changes, and when `reload` is
/// called. An answer is shown when it is newer than the one on screen and answers the
/// current request: one that comes back after a later request's answer, or that answers
/// a request since changed, is dropped; but asking the same again (`extra`, `reload`)
/// does not hold back an answer that is already here (a burst of account events asks
/// again for each, and the first fresh answer should not wait for the last).
#[hook]
pub fn use_command<C, E>(request: C, extra: E) -> Loaded<C::Response>
where
    C: Command + Clone + PartialEq + 'static,
    C::Response: 'static,
    E: PartialEq + 'static,
{
    let data = use_state(|| Rc::new(Load::Loading));
    let nonce = use_state(|| 0u64);
    let generation = use_memo((), |_| Generations::<C>::default());
    {
        let data = data.clone();
        let generation = generation.clone();
        use_effect_with((request, extra, *nonce), move |(req, _, _)| {
            let req = req.clone();
            let mine = generation.issued.get() + 1;
            generation.issued.set(mine);
            if generation.request.borrow().as_ref() != Some(&req) {
                // Another request: no answer to the one before may show any more.
                generation.changed.set(mine);
                *generation.request.borrow_mut() = Some(req.clone());
            }
            spawn_local(async move {
                let answer = match invoke(&req).await {
                    Ok(v) => Load::Ready(v),
                    Err(e) => Load::Failed(e),
                };
                if shows(mine, generation.changed.get(), generation.shown.get()) {
                    generation.shown.set(mine);
                    data.set(Rc::new(answer));
                }
            });
        });
    }
    let reload = {
        let nonce = nonce.clone();
        Callback::from(move |()| nonce.set(*nonce + 1))
    };
    Loaded {
        data: (*data).clone(),
        reload,
    }
}

/// Grey placeholder rows where data will appear.
pub fn skeleton(rows: usize) -> Html {
    html! {
        <div class="skeleton" aria-busy="true" aria-label="Loading">
            { for (0..rows).map(|_| html! { <div class="skeleton-row"></div> }) }
        </div>
    }
}

/// A failure with what went wrong and a retry button.
pub fn error_state(what: &str, err: &AppError, retry: &Callback<()>) -> Html {
    let retry = retry.clone();
    html! {
        <div class="state state-error" role="alert">
            <div class="state-title">{ what }</div>
            <div class="state-body">{ &err.message }</div>
            <div class="state-code">{ err.code.wire_name() }</div>
            <button class="btn" onclick={Callback::from(move |_| retry.emit(()))}>{ "Retry" }</button>
        </div>
    }
}

/// No data, and what to do about it.
pub fn empty_state(title: &str, hint: &str) -> Html {
    html! {
        <div class="state state-empty">
            <div class="state-title">{ title }</div>
            <div class="state-body">{ hint }</div>
        </div>
    }
}

/// Renders a load: skeleton, error with retry, or `ready`.
pub fn render_load<T>(
    load: &Load<T>,
    what: &str,
    reload: &Callback<()>,
    rows: usize,
    ready: impl FnOnce(&T) -> Html,
) -> Html {
    match load {
        Load::Loading => skeleton(rows),
        Load::Failed(e) => error_state(what, e, reload),
        Load::Ready(v) => ready(v),
    }
}

/// Properties of [`Modal`].
#[derive(Properties, PartialEq, Debug)]
pub struct ModalProps {
    /// The heading.
    pub title: AttrValue,
    /// Called on Escape, the backdrop or Cancel.
    pub on_close: Callback<()>,
    /// Extra class (e.g. `danger`).
    #[prop_or_default]
    pub class: Classes,
    /// Content.
    pub children: Html,
}

/// A dialog over the page.
#[function_component(Modal)]
pub fn modal(p: &ModalProps) -> Html {
    let close = p.on_close.clone();
    let backdrop = Callback::from(move |_: MouseEvent| close.emit(()));
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    let close = p.on_close.clone();
    let keydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            close.emit(());
        }
    });
    html! {
        <div class="backdrop" onclick={backdrop} onkeydown={keydown}>
            <div class={classes!("modal", p.class.clone())} role="dialog" aria-modal="true"
                aria-label={p.title.clone()} onclick={stop}>
                <h2 class="modal-title">{ p.title.clone() }</h2>
                { p.children.clone() }
            </div>
        </div>
    }
}

/// Focuses the element behind `node` once it is mounted (dialogs, the palette input).
#[hook]
pub fn use_autofocus(node: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(el) = node.cast::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}

/// Sets a CSS custom property on an element through the CSSOM (allowed by the app's
/// CSP, unlike a `style` attribute in markup).
pub fn set_css_var(node: &NodeRef, name: &str, value: &str) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property(name, value);
    }
}

/// The value of the input an event came from.
pub fn input_value(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| {
            t.clone()
                .dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .ok()
                .or_else(|| {
                    t.clone()
                        .dyn_into::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                        .ok()
                })
                .or_else(|| {
                    t.dyn_into::<web_sys::HtmlTextAreaElement>()
                        .map(|s| s.value())
                        .ok()
                })
        })
        .unwrap_or_default()
}

/// Whether the checkbox an event came from is checked.
pub fn input_checked(e: &Event) -> bool {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

#[cfg(test)]
mod tests {
    use super::shows;

    #[test]
    fn an_answer_shows_unless_stale_or_for_another_request() {
        // Requests 1, 2, 3 of the same request (a burst of account events): 2 answers
        // first and shows although 3 is still in flight; then 1 (older) is dropped, and 3
        // shows when it comes.
        assert!(shows(2, 1, 0));
        assert!(!shows(1, 1, 2));
        assert!(shows(3, 1, 2));
        // The request changed at 4: an answer to 3 (the old request) never shows.
        assert!(!shows(3, 4, 0));
        assert!(shows(4, 4, 3));
    }
}
