//! API.md, the contract's reference for UI authors, is generated: every command of
//! `commands::ALL` with its doc comment and the pinned JSON of its request and response
//! from `tests/wire.json`, then every event, market update and error code likewise. This
//! test renders it and fails when the committed API.md differs, so the document cannot
//! drift from the types; `UPDATE_WIRE=1 cargo test -p ipc --test api_doc` rewrites it
//! (after `--test wire` has rewritten wire.json).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The command modules, in the order API.md shows them (the order of `commands::ALL`).
const DOMAINS: &[(&str, &str)] = &[
    ("environment", "Environment and session"),
    ("credentials", "API keys"),
    ("markets", "Markets list"),
    ("market", "One market"),
    ("orders", "Orders"),
    ("portfolio", "Portfolio"),
    ("history", "History"),
    ("settings", "Settings"),
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn api_md_path() -> PathBuf {
    crate_dir().join("../../API.md")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The `///` lines right above line `at` (attributes skipped), joined into Markdown with
/// rustdoc's intra-doc links reduced to their code text.
fn doc_above(lines: &[&str], at: usize) -> String {
    let mut doc = Vec::new();
    let mut i = at;
    while i > 0 {
        i -= 1;
        let line = lines[i].trim_start();
        if line.starts_with("#[") {
            continue;
        }
        match line.strip_prefix("///") {
            Some(text) => doc.push(text.strip_prefix(' ').unwrap_or(text)),
            None => break,
        }
    }
    doc.reverse();
    unlink(&doc.join("\n"))
}

/// ``[`X`](path)`` and ``[`X`]`` become `` `X` ``: the paths mean nothing outside rustdoc.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(close) = after.find("`]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&after[..=close]);
        rest = &after[close + 2..];
        if rest.starts_with('(')
            && let Some(end) = rest.find(')')
        {
            rest = &rest[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The doc comment of `pub struct NAME` or `pub enum NAME` in `source`.
fn item_doc(source: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines.iter().position(|l| {
        [format!("pub struct {name} "), format!("pub struct {name};")]
            .iter()
            .chain(&[format!("pub enum {name} ")])
            .any(|p| l.starts_with(p.as_str()))
    })?;
    Some(doc_above(&lines, at))
}

/// The doc comment of each variant of `pub enum NAME`, by snake_case variant name.
fn variant_docs(source: &str, name: &str) -> BTreeMap<String, String> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(&format!("pub enum {name} ")))
        .unwrap_or_else(|| panic!("no enum {name}"));
    let mut docs = BTreeMap::new();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if *line == "}" {
            break;
        }
        let Some(body) = line.strip_prefix("    ") else {
            continue;
        };
        if body.starts_with(|c: char| c.is_ascii_uppercase()) {
            let variant: String = body
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            docs.insert(snake(&variant), doc_above(&lines, i));
        }
    }
    docs
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// One command as its module declares it: `command!(Request => "name", Response);`.
struct Declared {
    request: String,
    response: String,
    doc: String,
}

/// Every `command!` declaration in a command module, by command name.
fn declared(source: &str) -> BTreeMap<String, Declared> {
    let mut out = BTreeMap::new();
    for line in source.lines() {
        let Some(args) = line
            .strip_prefix("command!(")
            .and_then(|l| l.strip_suffix(");"))
        else {
            continue;
        };
        let (request, rest) = args.split_once(" => ").unwrap();
        let (name, response) = rest.split_once(", ").unwrap();
        let doc = item_doc(source, request)
            .unwrap_or_else(|| panic!("no doc comment found for {request}"));
        out.insert(
            name.trim_matches('"').to_owned(),
            Declared {
                request: request.to_owned(),
                response: response.to_owned(),
                doc,
            },
        );
    }
    out
}

fn json_block(out: &mut String, title: &str, json: &Value) {
    let text = serde_json::to_string_pretty(json).unwrap();
    writeln!(out, "{title}\n\n```json\n{text}\n```\n").unwrap();
}

/// The wire examples under `prefix` (the key itself and `prefix.*`), marked as rendered.
fn examples<'a>(
    wire: &'a BTreeMap<String, Value>,
    used: &mut BTreeSet<String>,
    prefix: &str,
) -> Vec<(&'a str, &'a Value)> {
    let found: Vec<(&str, &Value)> = wire
        .iter()
        .filter(|(k, _)| *k == prefix || k.starts_with(&format!("{prefix}.")))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    used.extend(found.iter().map(|(k, _)| (*k).to_owned()));
    found
}

/// What a variant suffix of an example key says: `request.pasted` → ` (pasted)`.
fn variant_label(key: &str, prefix: &str) -> String {
    key.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('.'))
        .map(|v| format!(" ({})", v.replace('_', " ")))
        .unwrap_or_default()
}

fn render() -> String {
    let wire: BTreeMap<String, Value> =
        serde_json::from_str(&read(&crate_dir().join("tests/wire.json"))).unwrap();
    let src = crate_dir().join("src");
    let mut used = BTreeSet::new();
    let mut out = String::new();
    out.push_str(
        "# Kalshi Desk IPC API\n\n\
         <!-- Generated by crates/ipc/tests/api_doc.rs from the `ipc` crate's doc comments and the \
         pinned examples in crates/ipc/tests/wire.json. Do not edit: change the types, then run \
         `UPDATE_WIRE=1 cargo test -p ipc --test wire --test api_doc`. -->\n\n\
         The contract between the Kalshi Desk core (the Tauri shell, `src-tauri`) and its UI. \
         Every request, response and event below is the exact JSON the `ipc` crate's types \
         produce; `cargo test -p ipc` fails when this file and the types disagree.\n\n\
         ## Conventions\n\n\
         - Invoke a command with one argument named `request`, the request object \
         (`{}` when it has no fields): `invoke(\"place_order\", {\"request\": {...}})`. \
         The commands marked *streams* also take a `channel` argument (a Tauri `Channel`).\n\
         - A command resolves to its response (`null` when it has none) or rejects with an \
         error object `{\"code\", \"message\", \"retryable\"}` (see [Errors](#errors)).\n\
         - Prices, money and contract counts are exact decimal strings (`\"0.5600\"`, \
         `\"12.3400\"`, `\"10.00\"`), never JSON numbers. Times are Unix milliseconds in \
         fields named `*_ms`.\n\
         - Enums are snake_case strings; enums with data are tagged with `type`. Unknown enum \
         values are errors; unknown extra fields are ignored; an absent optional field reads \
         as none.\n\n",
    );

    // The table of contents, then one section per domain.
    let mut modules = BTreeMap::new();
    for (module, _) in DOMAINS {
        let source = read(&src.join(format!("commands/{module}.rs")));
        modules.insert(*module, (declared(&source), source));
    }
    let all: BTreeSet<&str> = ipc::commands::ALL.iter().copied().collect();
    let mut listed = BTreeSet::new();
    out.push_str("## Commands\n\n| command | request | response |\n|---|---|---|\n");
    for (module, _) in DOMAINS {
        let commands = &modules[module].0;
        for name in ipc::commands::ALL
            .iter()
            .filter(|n| commands.contains_key(**n))
        {
            let d = &commands[*name];
            writeln!(
                out,
                "| [`{name}`](#{name}) | `{}` | `{}` |",
                d.request, d.response
            )
            .unwrap();
        }
    }
    out.push('\n');
    for (module, title) in DOMAINS {
        writeln!(out, "## {title}\n").unwrap();
        let (commands, _) = &modules[module];
        for name in ipc::commands::ALL
            .iter()
            .filter(|n| commands.contains_key(**n))
        {
            let d = &commands[*name];
            listed.insert(*name);
            writeln!(out, "### {name}\n\n{}\n", d.doc).unwrap();
            if ipc::commands::CHANNEL_COMMANDS.contains(name) {
                let what = if *name == "subscribe_events" {
                    "[events](#events)"
                } else {
                    "[market updates](#market-updates)"
                };
                writeln!(
                    out,
                    "*Streams* {what} on its `channel` argument: \
                     `invoke(\"{name}\", {{\"request\": {{...}}, \"channel\": channel}})`.\n"
                )
                .unwrap();
            }
            let request_prefix = format!("command.{name}.request");
            let requests = examples(&wire, &mut used, &request_prefix);
            assert!(!requests.is_empty(), "wire.json has no request for {name}");
            for (key, json) in requests {
                let label = variant_label(key, &request_prefix);
                json_block(&mut out, &format!("Request `{}`{label}:", d.request), json);
            }
            let response_prefix = format!("command.{name}.response");
            let responses = examples(&wire, &mut used, &response_prefix);
            assert!(
                !responses.is_empty(),
                "wire.json has no response for {name}"
            );
            for (key, json) in responses {
                let label = variant_label(key, &response_prefix);
                json_block(
                    &mut out,
                    &format!("Response `{}`{label}:", d.response),
                    json,
                );
            }
        }
    }
    let missing: Vec<&&str> = all.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "commands in ALL but in no module of DOMAINS: {missing:?}"
    );

    // Events.
    let events = read(&src.join("events.rs"));
    out.push_str("## Events\n\n");
    out.push_str(&item_doc(&events, "AppEvent").unwrap());
    out.push_str(
        "\n\nThey arrive on the channel given to [`subscribe_events`](#subscribe_events), \
         as `{\"type\": ..., \"data\": ...}`.\n\n",
    );
    for (variant, doc) in variant_docs(&events, "AppEvent") {
        writeln!(out, "### {variant}\n\n{doc}\n").unwrap();
        let prefix = format!("event.{variant}");
        let found = examples(&wire, &mut used, &prefix);
        assert!(
            !found.is_empty(),
            "wire.json has no example of event {variant}"
        );
        for (key, json) in found {
            let label = variant_label(key, &prefix);
            json_block(&mut out, &format!("`{variant}`{label}:"), json);
        }
    }

    // Market updates.
    let market = read(&src.join("commands/market.rs"));
    out.push_str("## Market updates\n\n");
    out.push_str(&item_doc(&market, "MarketUpdate").unwrap());
    out.push_str(
        "\n\nThey arrive on the channel given to [`open_market_view`](#open_market_view).\n\n",
    );
    for (key, json) in examples(&wire, &mut used, "market_update") {
        let label = variant_label(key, "market_update");
        json_block(&mut out, &format!("Update{label}:"), json);
    }

    // Errors.
    let error = read(&src.join("error.rs"));
    out.push_str("## Errors\n\n");
    out.push_str(&item_doc(&error, "AppError").unwrap());
    out.push_str("\n\n| code | meaning |\n|---|---|\n");
    let codes = variant_docs(&error, "ErrorCode");
    for (code, doc) in &codes {
        writeln!(out, "| `{code}` | {} |", doc.replace('\n', " ")).unwrap();
    }
    out.push('\n');
    for code in codes.keys() {
        let found = examples(&wire, &mut used, &format!("error.{code}"));
        assert!(
            !found.is_empty(),
            "wire.json has no example of error {code}"
        );
        for (_, json) in found {
            json_block(&mut out, &format!("`{code}`:"), json);
        }
    }

    // Settings variants and anything else pinned: every example appears somewhere.
    let rest: Vec<(String, Value)> = wire
        .iter()
        .filter(|(k, _)| !used.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !rest.is_empty() {
        out.push_str("## More examples\n\n");
        for (key, json) in rest {
            json_block(&mut out, &format!("`{key}`:"), &json);
        }
    }
    out.trim_end().to_owned() + "\n"
}

/// The committed API.md is what the types and wire.json render to.
#[test]
fn api_md_matches_the_contract() {
    let rendered = render();
    let path = api_md_path();
    if std::env::var_os("UPDATE_WIRE").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(rendered.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "API.md is out of date (first difference at line {line}); run \
             UPDATE_WIRE=1 cargo test -p ipc --test api_doc"
        );
    }
}

/// Intra-doc links lose their paths and keep their code text.
#[test]
fn links_become_code() {
    assert_eq!(
        unlink("see [`RetryOrder`](crate::commands::orders::RetryOrder) and [`Ticket`]."),
        "see `RetryOrder` and `Ticket`."
    );
}
