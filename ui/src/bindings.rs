//! The typed bindings over the Tauri IPC: the one place a command is named (always as
//! [`Command::NAME`], never as a string literal; the two file dialogs of
//! tauri-plugin-dialog, which are not ours, by the constants here), and the Rust side of
//! Tauri 2's JS `Channel`.
//!
//! `window.__TAURI_INTERNALS__` is injected into every page of the app window (the shell
//! keeps `withGlobalTauri` off), so the bindings call its `invoke` and `transformCallback`
//! directly instead of bundling `@tauri-apps/api`. Values cross as JSON text (the same JSON
//! the `ipc` wire test pins), parsed with `JSON.parse`/`JSON.stringify` on the JS side and
//! serde_json on ours: one encoding, so money never passes through a JS number.
//!
//! Any failure (the shell rejected the call, the command does not exist yet, the page is
//! not inside the app, the answer does not parse) is an [`AppError`], so every page can
//! show an error state with a retry instead of a blank screen.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use ipc::{AppError, Command, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// What Tauri's serializer recognises as a channel argument (`tauri::ipc::Channel`
/// deserializes exactly this prefix followed by the callback id).
const CHANNEL_PREFIX: &str = "__CHANNEL__:";

/// The JSON of a command's arguments: `{"request": …}` plus `"channel"` for the commands
/// that stream ([`ipc::commands::CHANNEL_COMMANDS`]).
pub fn args_json<C: Command>(request: &C, channel: Option<u32>) -> Result<String, AppError> {
    #[derive(Serialize)]
    struct Args<'a, R> {
        request: &'a R,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    }
    serde_json::to_string(&Args {
        request,
        channel: channel.map(|id| format!("{CHANNEL_PREFIX}{id}")),
    })
    .map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            format!("Could not encode {}: {e}", C::NAME),
        )
    })
}

/// The [`AppError`] for a rejected invoke: the shell's own `AppError` when it sent one,
/// else Tauri's text (e.g. "command list_markets not found" while the shell lacks it).
pub fn rejection_error(command: &str, json: Option<&str>, text: Option<&str>) -> AppError {
    if let Some(err) = json.and_then(|j| serde_json::from_str::<AppError>(j).ok()) {
        return err;
    }
    let detail = text
        .map(str::to_owned)
        .or_else(|| json.map(str::to_owned))
        .unwrap_or_else(|| "no reason given".to_owned());
    AppError::new(
        ErrorCode::Internal,
        format!("The app could not run {command}: {detail}"),
    )
}

/// Reads a command's answer (`null` for `()`).
pub fn parse_response<T: DeserializeOwned>(command: &str, json: &str) -> Result<T, AppError> {
    serde_json::from_str(json).map_err(|e| {
        AppError::new(
            ErrorCode::UnexpectedResponse,
            format!("The app's answer to {command} could not be read: {e}"),
        )
    })
}

fn not_in_app(what: &str) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        format!("{what}: this page is not running inside the Kalshi Desk window"),
    )
}

fn internals() -> Result<JsValue, AppError> {
    let window = web_sys::window().ok_or_else(|| not_in_app("No window"))?;
    let internals = js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI_INTERNALS__"))
        .map_err(|_| not_in_app("No Tauri internals"))?;
    if internals.is_undefined() || internals.is_null() {
        return Err(not_in_app("No Tauri internals"));
    }
    Ok(internals)
}

fn internal_fn(name: &str) -> Result<(JsValue, js_sys::Function), AppError> {
    let internals = internals()?;
    let f = js_sys::Reflect::get(&internals, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| not_in_app(&format!("No {name}")))?;
    Ok((internals, f))
}

fn stringify(value: &JsValue) -> Option<String> {
    if value.is_undefined() {
        return Some("null".to_owned());
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
}

async fn invoke_raw<C: Command>(
    request: &C,
    channel: Option<u32>,
) -> Result<C::Response, AppError> {
    let args = args_json(request, channel)?;
    let json = call(C::NAME, &args).await?;
    parse_response(C::NAME, &json)
}

/// Calls `name` in the shell with `args` (JSON text) and returns its answer as JSON text.
async fn call(name: &str, args: &str) -> Result<String, AppError> {
    let args = js_sys::JSON::parse(args)
        .map_err(|_| AppError::new(ErrorCode::Internal, "Could not build the arguments"))?;
    let (this, invoke) = internal_fn("invoke")?;
    let promise = invoke
        .call2(&this, &JsValue::from_str(name), &args)
        .map_err(|e| rejection_error(name, stringify(&e).as_deref(), e.as_string().as_deref()))?;
    let promise: js_sys::Promise = promise
        .dyn_into()
        .map_err(|_| rejection_error(name, None, Some("invoke returned no promise")))?;
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(value) => Ok(stringify(&value).unwrap_or_else(|| "null".to_owned())),
        Err(e) => Err(rejection_error(
            name,
            if e.is_string() { None } else { stringify(&e) }.as_deref(),
            e.as_string().as_deref(),
        )),
    }
}

/// tauri-plugin-dialog's open-a-file dialog (the capability allows it and `save`, nothing
/// else of the plugin).
const DIALOG_OPEN: &str = "plugin:dialog|open";
/// tauri-plugin-dialog's save-as dialog.
const DIALOG_SAVE: &str = "plugin:dialog|save";

/// A native file dialog: its title, the one file type it offers, and for a save the file
/// name it proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDialog<'a> {
    /// The dialog window's title.
    pub title: &'a str,
    /// The file type's name, e.g. `PEM private key`.
    pub kind: &'a str,
    /// Its extensions without the dot.
    pub extensions: &'a [&'a str],
    /// The proposed file name (save) or starting file (open).
    pub default_path: Option<&'a str>,
}

/// The plugin's arguments for `dialog` (its `options`, camelCase, one file and no folder).
pub fn dialog_args(dialog: &FileDialog<'_>) -> Result<String, AppError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Filter<'a> {
        name: &'a str,
        extensions: &'a [&'a str],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Options<'a> {
        title: &'a str,
        filters: [Filter<'a>; 1],
        #[serde(skip_serializing_if = "Option::is_none")]
        default_path: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct Args<'a> {
        options: Options<'a>,
    }
    serde_json::to_string(&Args {
        options: Options {
            title: dialog.title,
            filters: [Filter {
                name: dialog.kind,
                extensions: dialog.extensions,
            }],
            default_path: dialog.default_path,
        },
    })
    .map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            format!("Could not open the dialog: {e}"),
        )
    })
}

/// Asks for a file to read; `None` when the person closes the dialog without one.
pub async fn pick_file(dialog: &FileDialog<'_>) -> Result<Option<String>, AppError> {
    let json = call(DIALOG_OPEN, &dialog_args(dialog)?).await?;
    parse_response(DIALOG_OPEN, &json)
}

/// Asks where to write a file; `None` when the person closes the dialog without a place.
pub async fn save_file(dialog: &FileDialog<'_>) -> Result<Option<String>, AppError> {
    let json = call(DIALOG_SAVE, &dialog_args(dialog)?).await?;
    parse_response(DIALOG_SAVE, &json)
}

/// Runs a command in the shell and reads its answer.
pub async fn invoke<C: Command>(request: &C) -> Result<C::Response, AppError> {
    invoke_raw(request, None).await
}

/// Runs a streaming command with the channel `channel` (from [`Channel::id`]) as its
/// `channel` argument.
pub async fn invoke_with_channel<C: Command>(
    request: &C,
    channel: ChannelId,
) -> Result<C::Response, AppError> {
    invoke_raw(request, Some(channel.0)).await
}

/// A registered channel's id, to pass to [`invoke_with_channel`] without borrowing the
/// channel across an await.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelId(u32);

/// One item a channel delivers, as Tauri sends it: a message, or the end of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelItem<T> {
    /// A message.
    Message(T),
    /// The shell dropped its end: nothing more comes.
    End,
}

/// Puts channel messages back in the order they were sent: Tauri numbers them from 0 and
/// may deliver them out of order (large ones go through a fetch), exactly as its JS
/// `Channel` reorders them.
#[derive(Debug)]
pub struct Reorder<T> {
    next: u64,
    pending: BTreeMap<u64, ChannelItem<T>>,
    ended: bool,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Self {
            next: 0,
            pending: BTreeMap::new(),
            ended: false,
        }
    }
}

impl<T> Reorder<T> {
    /// Takes the item numbered `index` and returns every item now deliverable, in order.
    /// Once the end is delivered, nothing more is.
    pub fn push(&mut self, index: u64, item: ChannelItem<T>) -> Vec<ChannelItem<T>> {
        if self.ended || index < self.next {
            return Vec::new();
        }
        self.pending.insert(index, item);
        let mut out = Vec::new();
        while let Some(item) = self.pending.remove(&self.next) {
            self.next += 1;
            let end = matches!(item, ChannelItem::End);
            out.push(item);
            if end {
                self.ended = true;
                self.pending.clear();
                break;
            }
        }
        out
    }
}

/// A channel created on our side and passed to a streaming command; the callback is
/// unregistered when it is dropped, so dropping the owner (a page) ends the delivery.
pub struct Channel {
    id: u32,
    _closure: Closure<dyn FnMut(JsValue)>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Channel({})", self.id)
    }
}

impl Channel {
    /// The id to pass to [`invoke_with_channel`].
    pub fn id(&self) -> ChannelId {
        ChannelId(self.id)
    }

    /// Registers a channel whose messages, decoded as `T` and in order, go to `on_message`
    /// (a message that does not parse arrives as an error, so the page can say so).
    pub fn new<T: DeserializeOwned + 'static>(
        on_message: impl Fn(Result<T, AppError>) + 'static,
    ) -> Result<Self, AppError> {
        let reorder: Rc<RefCell<Reorder<String>>> = Rc::default();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            let index = js_sys::Reflect::get(&data, &JsValue::from_str("index"))
                .ok()
                .and_then(|i| i.as_f64())
                .unwrap_or(0.0);
            let ended = js_sys::Reflect::has(&data, &JsValue::from_str("end")).unwrap_or(false);
            let item = if ended {
                ChannelItem::End
            } else {
                let message = js_sys::Reflect::get(&data, &JsValue::from_str("message"))
                    .unwrap_or(JsValue::NULL);
                ChannelItem::Message(stringify(&message).unwrap_or_else(|| "null".to_owned()))
            };
            // Indexes are small non-negative integers; the cast is exact for them.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let ready = reorder.borrow_mut().push(index as u64, item);
            for item in ready {
                if let ChannelItem::Message(json) = item {
                    on_message(parse_response("a channel message", &json));
                }
            }
        });
        let (this, transform) = internal_fn("transformCallback")?;
        let id = transform
            .call2(&this, closure.as_ref(), &JsValue::FALSE)
            .ok()
            .and_then(|v| v.as_f64())
            .ok_or_else(|| not_in_app("transformCallback failed"))?;
        // Callback ids are u32 (crypto.getRandomValues over a Uint32Array).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let id = id as u32;
        Ok(Self {
            id,
            _closure: closure,
        })
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        if let Ok((this, unregister)) = internal_fn("unregisterCallback") {
            let _ = unregister.call1(&this, &JsValue::from_f64(f64::from(self.id)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipc::commands::market::OpenMarketView;
    use ipc::commands::markets::{ListMarkets, MarketPage};
    use ipc::commands::settings::GetSettings;

    #[test]
    fn args_wrap_the_request_and_name_the_channel() {
        let json = args_json(&GetSettings {}, None).unwrap();
        assert_eq!(json, r#"{"request":{}}"#);
        let open = OpenMarketView {
            ticker: "KX-1".into(),
        };
        let json = args_json(&open, Some(42)).unwrap();
        assert_eq!(
            json,
            r#"{"request":{"ticker":"KX-1"},"channel":"__CHANNEL__:42"}"#
        );
    }

    #[test]
    fn a_rejection_keeps_the_shells_error_or_wraps_tauris_text() {
        let shell = r#"{"code":"offline","message":"No connection","retryable":true}"#;
        let err = rejection_error("get_portfolio", Some(shell), None);
        assert_eq!(err.code, ErrorCode::Offline);
        assert!(err.retryable);
        let err = rejection_error("list_markets", None, Some("command list_markets not found"));
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(
            err.message.contains("list_markets not found"),
            "{}",
            err.message
        );
    }

    #[test]
    fn dialog_options_use_the_plugins_names() {
        let open = FileDialog {
            title: "Private key",
            kind: "PEM private key",
            extensions: &["pem", "key"],
            default_path: None,
        };
        assert_eq!(
            dialog_args(&open).unwrap(),
            r#"{"options":{"title":"Private key","filters":[{"name":"PEM private key","extensions":["pem","key"]}]}}"#,
            "tauri-plugin-dialog reads camelCase options under `options`"
        );
        let save = FileDialog {
            default_path: Some("fills.csv"),
            ..open
        };
        assert!(
            dialog_args(&save)
                .unwrap()
                .ends_with(r#""defaultPath":"fills.csv"}}"#)
        );
        let chosen: Option<String> = parse_response(DIALOG_OPEN, r#""/home/me/key.pem""#).unwrap();
        assert_eq!(chosen.as_deref(), Some("/home/me/key.pem"));
        let closed: Option<String> = parse_response(DIALOG_SAVE, "null").unwrap();
        assert_eq!(
            closed, None,
            "closing the dialog is no choice, not an error"
        );
    }

    #[test]
    fn responses_parse_or_say_which_command() {
        let unit: () = parse_response("request_sync", "null").unwrap();
        assert_eq!(unit, ());
        let err = parse_response::<MarketPage>(ListMarkets::NAME, "{}").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnexpectedResponse);
        assert!(err.message.contains("list_markets"));
    }

    #[test]
    fn reorder_delivers_in_send_order_and_stops_at_the_end() {
        let mut r = Reorder::default();
        assert!(r.push(1, ChannelItem::Message("b")).is_empty());
        assert!(r.push(2, ChannelItem::Message("c")).is_empty());
        assert_eq!(
            r.push(0, ChannelItem::Message("a")),
            vec![
                ChannelItem::Message("a"),
                ChannelItem::Message("b"),
                ChannelItem::Message("c")
            ]
        );
        assert!(
            r.push(1, ChannelItem::Message("dup")).is_empty(),
            "old index"
        );
        assert!(r.push(4, ChannelItem::End).is_empty(), "end waits for 3");
        assert_eq!(
            r.push(3, ChannelItem::Message("d")),
            vec![ChannelItem::Message("d"), ChannelItem::End]
        );
        assert!(r.push(5, ChannelItem::Message("late")).is_empty());
    }
}
