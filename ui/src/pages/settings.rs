//! Settings: environment (Production asks first), API keys (add from a file chosen in
//! the native dialog or typed, or a pasted PEM, test, remove; keychain or session-only), notifications, order
//! confirmations, theme, close-to-tray, rate-limit tier, and resetting the paper account.

use ipc::commands::credentials::{
    AddKey, KeySource, KeyStorage, ListKeys, PrivateKeyPem, RemoveKey, TestKey,
};
use ipc::commands::environment::{Environment, OpenEnvironment, ResetPaperAccount};
use ipc::commands::settings::{RateTier, Settings, Theme};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Action as AppAction, ToastKind, use_app};
use crate::bindings::{FileDialog, invoke, pick_file};
use crate::components::common::{
    Load, Modal, input_checked, input_value, render_load, use_command,
};
use crate::components::status_bar::env_chip;
use crate::format;

fn env_name(e: Environment) -> &'static str {
    match e {
        Environment::Simulator => "Paper (built-in simulator)",
        Environment::Demo => "Kalshi Demo",
        Environment::Production => "Kalshi Production (real money)",
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Confirm {
    Production,
    Reset,
}

/// The settings page.
#[function_component(SettingsPage)]
pub fn settings_page() -> Html {
    let ctx = use_app();
    let keys = use_command(
        ListKeys {},
        ctx.state.session.clone().map(|s| s.environment),
    );
    let confirm = use_state(|| None::<Confirm>);
    let key_env = use_state(|| Environment::Demo);
    let key_id = use_state(String::new);
    let key_path = use_state(String::new);
    let key_pem = use_state(String::new);
    let key_storage = use_state(|| KeyStorage::Keychain);
    // Without a keychain the only way to keep a key is for the session: preselect it.
    {
        let key_storage = key_storage.clone();
        let no_keychain = matches!(&*keys.data, Load::Ready(list) if !list.keychain_available);
        use_effect_with(no_keychain, move |none| {
            if *none {
                key_storage.set(KeyStorage::Session);
            }
        });
    }

    let switch = {
        let ctx = ctx.clone();
        Callback::from(
            move |(environment, confirm_production): (Environment, bool)| {
                let ctx = ctx.clone();
                spawn_local(async move {
                    match invoke(&OpenEnvironment {
                        environment,
                        confirm_production,
                    })
                    .await
                    {
                        Ok(info) => {
                            ctx.toast(
                                ToastKind::Info,
                                format!("Switched to {}", env_name(info.environment)),
                            );
                            ctx.state.dispatch(AppAction::Session(Ok(info)));
                        }
                        Err(e) => ctx.error("Could not switch", &e),
                    }
                });
            },
        )
    };
    let current = ctx.environment();
    let env_button = |e: Environment| {
        let switch = switch.clone();
        let confirm = confirm.clone();
        let active = current == Some(e);
        let (chip, class) = env_chip(e);
        html! {
            <button class={classes!("env-option", active.then_some("active"))} aria-pressed={active.to_string()}
                onclick={Callback::from(move |_| if e == Environment::Production { confirm.set(Some(Confirm::Production)) } else { switch.emit((e, false)) })}>
                <span class={classes!("chip", class)}>{ chip }</span><span>{ env_name(e) }</span>
            </button>
        }
    };
    let settings = ctx.state.settings.clone();
    let update = |f: fn(&mut Settings, &Event)| {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            if let Some(mut s) = ctx.state.settings.clone() {
                f(&mut s, &e);
                ctx.save_settings(s);
            }
        })
    };
    // The native open dialog fills the path (still editable, and what "Add key" reads).
    let choose_key = {
        let ctx = ctx.clone();
        let path = key_path.clone();
        Callback::from(move |_| {
            let (ctx, path) = (ctx.clone(), path.clone());
            spawn_local(async move {
                let dialog = FileDialog {
                    title: "Kalshi private key",
                    kind: "PEM private key",
                    extensions: &["pem", "key", "txt"],
                    default_path: None,
                };
                match pick_file(&dialog).await {
                    Ok(Some(chosen)) => path.set(chosen),
                    Ok(None) => {}
                    Err(e) => ctx.error("No file dialog", &e),
                }
            });
        })
    };
    let add_key = {
        let ctx = ctx.clone();
        let (env, id, path, pem, storage, reload) = (
            key_env.clone(),
            key_id.clone(),
            key_path.clone(),
            key_pem.clone(),
            key_storage.clone(),
            keys.reload.clone(),
        );
        Callback::from(move |_| {
            let source = if !pem.trim().is_empty() {
                KeySource::Pem {
                    pem: PrivateKeyPem::new((*pem).clone()),
                }
            } else if !path.trim().is_empty() {
                KeySource::File {
                    path: path.trim().to_owned(),
                }
            } else {
                ctx.toast(
                    ToastKind::Error,
                    "Give the private key: a file path or the pasted PEM text",
                );
                return;
            };
            if id.trim().is_empty() {
                ctx.toast(
                    ToastKind::Error,
                    "Give the API key id Kalshi showed with the key",
                );
                return;
            }
            let req = AddKey {
                environment: *env,
                key_id: id.trim().to_owned(),
                key: source,
                storage: *storage,
            };
            let (ctx, pem, reload) = (ctx.clone(), pem.clone(), reload.clone());
            spawn_local(async move {
                match invoke(&req).await {
                    Ok(k) => {
                        pem.set(String::new());
                        ctx.toast(
                            ToastKind::Success,
                            format!(
                                "Key {} stored; reopen {} to use it",
                                k.key_id,
                                env_name(k.environment)
                            ),
                        );
                        reload.emit(());
                    }
                    Err(e) => ctx.error("Key not added", &e),
                }
            });
        })
    };
    let keys_view = render_load(
        &keys.data,
        "Keys could not be listed",
        &keys.reload,
        2,
        |list| {
            html! {
                <>
                if !list.keychain_available {
                    <div class="banner">{ "No OS keychain here: keys can be kept for this session only." }</div>
                }
                if list.keys.is_empty() {
                    <div class="dim small">{ "No API keys. The paper exchange needs none; Demo and Production do." }</div>
                }
                <table class="grid-table">
                    <tbody>{ for list.keys.iter().map(|k| {
                        let env = k.environment;
                        let test = { let ctx = ctx.clone(); Callback::from(move |_| { let ctx = ctx.clone(); spawn_local(async move {
                            match invoke(&TestKey { environment: env }).await {
                                Ok(r) => ctx.toast(ToastKind::Success, format!("Key works: balance {}", format::dollars(r.balance))),
                                Err(e) => ctx.error("Key test failed", &e),
                            } }); }) };
                        let remove = { let ctx = ctx.clone(); let reload = keys.reload.clone(); Callback::from(move |_| { let ctx = ctx.clone(); let reload = reload.clone(); spawn_local(async move {
                            match invoke(&RemoveKey { environment: env }).await {
                                Ok(_) => { ctx.toast(ToastKind::Info, "Key removed"); reload.emit(()); }
                                Err(e) => ctx.error("Key not removed", &e),
                            } }); }) };
                        html! {
                            <tr>
                                <td>{ env_name(k.environment) }</td>
                                <td class="mono">{ &k.key_id }</td>
                                <td><span class="chip">{ match k.storage { KeyStorage::Keychain => "keychain", KeyStorage::Session => "this session only" } }</span></td>
                                <td class="actions"><button class="btn small" onclick={test}>{ "Test" }</button>
                                    <button class="btn small btn-danger-outline" onclick={remove}>{ "Remove" }</button></td>
                            </tr>
                        }
                    }) }</tbody>
                </table>
                </>
            }
        },
    );
    let confirm_view = (*confirm).map(|c| {
        let close = { let confirm = confirm.clone(); Callback::from(move |()| confirm.set(None)) };
        let cancel = close.clone();
        match c {
            Confirm::Production => {
                let go = { let switch = switch.clone(); let confirm = confirm.clone(); Callback::from(move |_| { confirm.set(None); switch.emit((Environment::Production, true)); }) };
                let read_only = { let switch = switch.clone(); let confirm = confirm.clone(); Callback::from(move |_| { confirm.set(None); switch.emit((Environment::Production, false)); }) };
                html! {
                    <Modal title="Switch to Kalshi Production?" on_close={close} class="danger">
                        <p>{ "Orders on Production use real money from your Kalshi account." }</p>
                        <div class="modal-actions">
                            <button class="btn" onclick={Callback::from(move |_| cancel.emit(()))}>{ "Stay here" }</button>
                            <button class="btn" onclick={read_only}>{ "Open read-only" }</button>
                            <button class="btn btn-danger" onclick={go}>{ "Trade with real money" }</button>
                        </div>
                    </Modal>
                }
            }
            Confirm::Reset => {
                let go = { let ctx = ctx.clone(); let confirm = confirm.clone(); Callback::from(move |_| { confirm.set(None); let ctx = ctx.clone(); spawn_local(async move {
                    match invoke(&ResetPaperAccount {}).await {
                        Ok(info) => { ctx.toast(ToastKind::Info, "Paper account reset"); ctx.state.dispatch(AppAction::Session(Ok(info))); }
                        Err(e) => ctx.error("Reset failed", &e),
                    } }); }) };
                html! {
                    <Modal title="Reset the paper account?" on_close={close} class="danger">
                        <p>{ "The paper balance starts over; its orders, fills, positions and local history are deleted." }</p>
                        <div class="modal-actions">
                            <button class="btn" onclick={Callback::from(move |_| cancel.emit(()))}>{ "Keep it" }</button>
                            <button class="btn btn-danger" onclick={go}>{ "Reset paper account" }</button>
                        </div>
                    </Modal>
                }
            }
        }
    });
    let tier_value = |t: Option<RateTier>| match t {
        None => "auto",
        Some(RateTier::Basic) => "basic",
        Some(RateTier::Advanced) => "advanced",
        Some(RateTier::Premier) => "premier",
        Some(RateTier::Prime) => "prime",
        Some(RateTier::Custom { .. }) => "custom",
    };
    let prefs = match &settings {
        None => html! { <div class="dim">{ "Reading settings…" }</div> },
        Some(s) => html! {
            <div class="form-grid">
                <label class="check"><input type="checkbox" checked={s.notifications} onchange={update(|s, e| s.notifications = input_checked(e))} />{ "Notify me of every fill" }</label>
                <label class="check"><input type="checkbox" checked={s.confirm_orders} onchange={update(|s, e| s.confirm_orders = input_checked(e))} />{ "Confirm each order before sending (always on Production's first order)" }</label>
                <label class="check"><input type="checkbox" checked={s.close_to_tray} onchange={update(|s, e| s.close_to_tray = input_checked(e))} />{ "Closing the window keeps the app in the tray" }</label>
                <label class="field"><span class="field-label">{ "Theme" }</span>
                    <select class="input" data-testid="theme" onchange={update(|s, e| s.theme = match input_value(e).as_str() { "light" => Theme::Light, "dark" => Theme::Dark, _ => Theme::System })}>
                        <option value="system" selected={s.theme == Theme::System}>{ "Follow the system" }</option>
                        <option value="light" selected={s.theme == Theme::Light}>{ "Light" }</option>
                        <option value="dark" selected={s.theme == Theme::Dark}>{ "Dark" }</option>
                    </select></label>
                <label class="field"><span class="field-label">{ "Rate-limit tier" }</span>
                    <select class="input" onchange={update(|s, e| s.rate_tier = match input_value(e).as_str() {
                        "basic" => Some(RateTier::Basic), "advanced" => Some(RateTier::Advanced), "premier" => Some(RateTier::Premier), "prime" => Some(RateTier::Prime), _ => None })}>
                        <option value="auto" selected={tier_value(s.rate_tier) == "auto"}>{ "Read from the account" }</option>
                        <option value="basic" selected={tier_value(s.rate_tier) == "basic"}>{ "Basic · 20 reads / 10 writes per s" }</option>
                        <option value="advanced" selected={tier_value(s.rate_tier) == "advanced"}>{ "Advanced · 30 / 30" }</option>
                        <option value="premier" selected={tier_value(s.rate_tier) == "premier"}>{ "Premier · 100 / 100" }</option>
                        <option value="prime" selected={tier_value(s.rate_tier) == "prime"}>{ "Prime · 400 / 400" }</option>
                    </select></label>
            </div>
        },
    };
    let set_str = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| h.set(input_value(&e)))
    };
    html! {
        <section class="page-grid settings" aria-label="Settings">
            <div class="panel">
                <div class="panel-head"><h2>{ "Environment" }</h2></div>
                <div class="env-options">
                    { env_button(Environment::Simulator) }{ env_button(Environment::Demo) }{ env_button(Environment::Production) }
                </div>
                if current == Some(Environment::Simulator) {
                    <button class="btn btn-danger-outline" onclick={let c = confirm.clone(); Callback::from(move |_| c.set(Some(Confirm::Reset)))}>{ "Reset paper account…" }</button>
                }
            </div>
            <div class="panel">
                <div class="panel-head"><h2>{ "API keys" }</h2></div>
                { keys_view }
                <div class="form-grid key-form">
                    <label class="field"><span class="field-label">{ "Environment" }</span>
                        <select class="input" onchange={let h = key_env.clone(); Callback::from(move |e: Event| h.set(if input_value(&e) == "production" { Environment::Production } else { Environment::Demo }))}>
                            <option value="demo" selected={*key_env == Environment::Demo}>{ "Demo" }</option>
                            <option value="production" selected={*key_env == Environment::Production}>{ "Production" }</option>
                        </select></label>
                    <label class="field"><span class="field-label">{ "API key id" }</span>
                        <input class="input mono" value={(*key_id).clone()} oninput={set_str(&key_id)} autocomplete="off" /></label>
                    <div class="field"><span class="field-label">{ "Private key file (.pem / .key)" }</span>
                        <div class="input-row">
                            <input class="input mono grow" placeholder="/home/me/kalshi.key" aria-label="Private key file"
                                value={(*key_path).clone()} oninput={set_str(&key_path)} />
                            <button class="btn" data-testid="choose-key-file" onclick={choose_key}>{ "Choose…" }</button>
                        </div></div>
                    <label class="field wide"><span class="field-label">{ "…or paste the PEM" }</span>
                        <textarea class="input mono" rows="3" placeholder="-----BEGIN PRIVATE KEY-----" value={(*key_pem).clone()}
                            oninput={let h = key_pem.clone(); Callback::from(move |e: InputEvent| h.set(input_value(&e)))} autocomplete="off" spellcheck="false" /></label>
                    <label class="field"><span class="field-label">{ "Keep it" }</span>
                        <select class="input" onchange={let h = key_storage.clone(); Callback::from(move |e: Event| h.set(if input_value(&e) == "session" { KeyStorage::Session } else { KeyStorage::Keychain }))}>
                            <option value="keychain" selected={*key_storage == KeyStorage::Keychain}>{ "In the OS keychain" }</option>
                            <option value="session" selected={*key_storage == KeyStorage::Session}>{ "For this session only" }</option>
                        </select></label>
                    <button class="btn btn-primary" onclick={add_key}>{ "Add key" }</button>
                </div>
            </div>
            <div class="panel">
                <div class="panel-head"><h2>{ "Preferences" }</h2></div>
                { prefs }
            </div>
            { for confirm_view }
        </section>
    }
}
