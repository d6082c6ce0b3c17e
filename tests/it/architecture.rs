//! Architecture invariants checked on the source tree itself.

use std::fs;
use std::path::{Path, PathBuf};

/// Web crates the core must never name. The front end (`src/app*`) and the
/// wasm entries `src/main.rs` and `src/worker.rs` are the only places allowed to.
const WEB_CRATES: &[&str] =
    &["leptos", "web_sys", "wasm_bindgen", "js_sys", "gloo", "console_error_panic_hook", "plotters_canvas"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    assert!(files.len() >= 3, "found the sources");
    files
}

fn is_front_end(path: &Path) -> bool {
    let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().replace('\\', "/");
    rel == "src/app.rs" || rel.starts_with("src/app/") || rel == "src/main.rs" || rel == "src/worker.rs"
}

/// Every identifier-like word of `text`, outside comments.
fn words(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(String::from).collect()
}

#[test]
fn core_modules_never_name_a_web_crate() {
    let mut offences = Vec::new();
    let mut checked = 0;
    for path in src_files().into_iter().filter(|p| !is_front_end(p)) {
        checked += 1;
        let text = fs::read_to_string(&path).unwrap();
        for word in words(&text) {
            if WEB_CRATES.contains(&word.as_str()) {
                offences.push(format!("{} names `{word}`", path.display()));
            }
        }
    }
    assert!(checked >= 3, "core files were checked");
    assert!(offences.is_empty(), "core modules must not use web crates:\n{}", offences.join("\n"));
}

#[test]
fn the_check_catches_a_web_import() {
    // The detector itself must work, or the invariant above would pass vacuously.
    assert!(words("use leptos::prelude::*; // fine").contains(&"leptos".to_string()));
    assert!(!words("// leptos in a comment only").contains(&"leptos".to_string()));
}

#[test]
fn every_module_has_a_doc_comment() {
    let missing: Vec<_> = src_files()
        .into_iter()
        .filter(|p| !fs::read_to_string(p).unwrap().trim_start().starts_with("//!"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` module doc: {missing:?}");
}

#[test]
fn web_crates_are_target_gated_in_the_manifest() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut section = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let Some(name) = line.split('=').next().map(str::trim) else { continue };
        let name = name.replace('-', "_");
        if WEB_CRATES.iter().any(|w| name == *w || name.starts_with(&format!("{w}_"))) {
            assert!(
                section.contains("target_arch = \"wasm32\""),
                "web crate `{name}` is declared in {section}, which is not gated to wasm32"
            );
        }
    }
}

/// The core's layers, lowest first, and the layers each may name. Siblings on one
/// level (`failover` and `deploy`) must not name each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("spec", &["base"]),
    ("route53", &["base", "spec"]),
    ("resolvers", &["base", "spec"]),
    ("failover", &["base", "spec", "route53", "resolvers"]),
    ("deploy", &["base", "spec", "resolvers"]),
    ("formats", &["base", "spec", "route53"]),
    ("design", &["base", "spec", "route53", "resolvers", "failover", "deploy", "formats"]),
    ("charts", &["base", "spec", "route53", "resolvers", "failover", "deploy"]),
    ("cli", &["base", "spec", "route53", "resolvers", "failover", "deploy", "formats", "design", "charts"]),
    ("app", &["base", "spec", "route53", "resolvers", "failover", "deploy", "formats", "design", "charts"]),
];

/// The layer a source file belongs to: its first folder under `src/` (or its own
/// name for a layer's root file, `src/deploy.rs`); `None` for `lib.rs` and `main.rs`.
fn layer_of(path: &Path) -> Option<&'static str> {
    let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
    LAYERS.iter().map(|(l, _)| *l).find(|l| *l == first)
}

/// The code of a file before its unit tests (`#[cfg(test)]`): tests may build
/// fixtures from any layer.
fn non_test_code(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// The layers `code` names as `crate::<layer>`.
fn layers_named(code: &str) -> Vec<String> {
    let w = words(code);
    w.windows(2).filter(|p| p[0] == "crate" && LAYERS.iter().any(|(l, _)| *l == p[1])).map(|p| p[1].clone()).collect()
}

#[test]
fn layers_only_name_the_layers_below_them() {
    let mut offences = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in src_files() {
        let Some(layer) = layer_of(&path) else { continue };
        seen.insert(layer);
        let allowed = LAYERS.iter().find(|(l, _)| *l == layer).unwrap().1;
        let text = fs::read_to_string(&path).unwrap();
        for named in layers_named(non_test_code(&text)) {
            if named != layer && !allowed.contains(&named.as_str()) {
                offences.push(format!("{} ({layer}) names crate::{named}", path.display()));
            }
        }
    }
    assert_eq!(seen.len(), LAYERS.len(), "every layer has files: {seen:?}");
    offences.sort();
    offences.dedup();
    assert!(offences.is_empty(), "a layer names one above it or a sibling:\n{}", offences.join("\n"));
}

#[test]
fn the_layer_check_catches_an_upward_import() {
    let code =
        "use crate::base::time::SimTime;\nuse crate::failover::sim::Sim;\n#[cfg(test)]\nuse crate::design::presets;";
    assert_eq!(layers_named(non_test_code(code)), ["base", "failover"]);
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/spec/zone.rs");
    assert_eq!(layer_of(&spec), Some("spec"));
    assert_eq!(layer_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/deploy.rs")), Some("deploy"));
    assert_eq!(layer_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")), None);
}

/// The page's modules, by their path below `app` (`state::run` for
/// `src/app/state/run.rs`, `""` for `src/app.rs`), with their non-test code.
fn app_modules() -> std::collections::BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    src_files()
        .into_iter()
        .filter(|p| is_front_end(p) && !p.ends_with("main.rs") && !p.ends_with("worker.rs"))
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap().with_extension("");
            let segs: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let name = segs[1..].join("::");
            (name, non_test_code(&fs::read_to_string(&p).unwrap()).to_string())
        })
        .collect()
}

/// A token of Rust code, as far as module paths need: identifiers (with `::`
/// between them), braces, commas, and anything else. Comments and string literals
/// are dropped.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(code: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push(Tok::Other);
            }
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                out.push(Tok::Path);
            }
            '{' => out.push(Tok::Open),
            '}' => out.push(Tok::Close),
            ',' => out.push(Tok::Comma),
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = c.to_string();
                while let Some(&n) = chars.peek() {
                    if !(n.is_alphanumeric() || n == '_') {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                out.push(Tok::Ident(word));
            }
            c if c.is_whitespace() => {}
            _ => out.push(Tok::Other),
        }
    }
    out
}

/// Reads the path starting at `toks[*at]` (an identifier), expanding `{a, b::c}`
/// groups, into every full path it names.
fn read_paths(toks: &[Tok], at: &mut usize) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    while let Some(Tok::Ident(w)) = toks.get(*at) {
        prefix.push(w.clone());
        *at += 1;
        if toks.get(*at) != Some(&Tok::Path) {
            return vec![prefix];
        }
        *at += 1;
        if toks.get(*at) == Some(&Tok::Open) {
            *at += 1;
            let mut all = Vec::new();
            loop {
                match toks.get(*at) {
                    Some(Tok::Ident(_)) => {
                        for rest in read_paths(toks, at) {
                            all.push(prefix.iter().cloned().chain(rest).collect());
                        }
                    }
                    Some(Tok::Comma) | Some(Tok::Other) => *at += 1,
                    Some(Tok::Close) => {
                        *at += 1;
                        break;
                    }
                    _ => break,
                }
            }
            if all.is_empty() {
                all.push(prefix);
            }
            return all;
        }
    }
    vec![prefix]
}

/// The app modules that `code`, the code of module `me`, names through `super::…`,
/// `self::…` or `crate::app::…`: each path resolved to the deepest of `modules` it
/// reaches (an item of a module counts as that module).
fn app_references(me: &str, code: &str, modules: &std::collections::BTreeSet<String>) -> Vec<String> {
    let toks = tokens(code);
    let me: Vec<String> = if me.is_empty() { Vec::new() } else { me.split("::").map(String::from).collect() };
    let mut out = std::collections::BTreeSet::new();
    let mut at = 0;
    while at < toks.len() {
        let starts = matches!(&toks[at], Tok::Ident(w) if w == "super" || w == "self" || w == "crate")
            && (at == 0 || toks[at - 1] != Tok::Path);
        if !starts {
            at += 1;
            continue;
        }
        for path in read_paths(&toks, &mut at) {
            let (mut base, mut rest) = (me.clone(), &path[..]);
            match rest.first().map(String::as_str) {
                Some("crate") if rest.get(1).map(String::as_str) == Some("app") => {
                    base.clear();
                    rest = &rest[2..];
                }
                Some("crate") => continue,
                Some("self") => rest = &rest[1..],
                _ => {}
            }
            let mut outside = false;
            while rest.first().map(String::as_str) == Some("super") {
                outside |= base.pop().is_none();
                rest = &rest[1..];
            }
            if outside {
                continue;
            }
            let mut target = base.join("::");
            for k in 1..=rest.len() {
                let candidate = base.iter().chain(&rest[..k]).cloned().collect::<Vec<_>>().join("::");
                if modules.contains(&candidate) {
                    target = candidate;
                }
            }
            if target != me.join("::") && modules.contains(&target) {
                out.insert(target);
            }
        }
    }
    out.into_iter().collect()
}

/// A cycle of `graph`, as the nodes along it with the first repeated at the end.
fn find_cycle(graph: &std::collections::BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, Vec<String>>,
        done: &mut std::collections::BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, done, stack) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_page_modules_form_no_import_cycle() {
    let modules = app_modules();
    let names: std::collections::BTreeSet<String> = modules.keys().cloned().collect();
    assert!(names.len() >= 10 && names.contains("") && names.contains("shell"), "found the page's modules: {names:?}");
    let graph: std::collections::BTreeMap<String, Vec<String>> =
        modules.iter().map(|(m, code)| (m.clone(), app_references(m, code, &names))).collect();
    let edges: usize = graph.values().map(Vec::len).sum();
    assert!(edges >= names.len(), "found the references between them: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        let named: Vec<String> =
            cycle.iter().map(|m| if m.is_empty() { "app".into() } else { format!("app::{m}") }).collect();
        panic!("the page's modules import each other in a cycle: {}", named.join(" → "));
    }
}

#[test]
fn the_cycle_check_reads_paths_and_finds_cycles() {
    let modules: std::collections::BTreeSet<String> =
        ["", "map", "shell", "state", "state::clock", "state::design", "state::run", "widgets", "widgets::player"]
            .into_iter()
            .map(String::from)
            .collect();
    let code = "use super::clock::Clock;\nuse crate::app::widgets::{player::Player, self};\n\
                use super::super::map::X; // super::shell in a comment\n\
                fn f() { let _ = \"super::shell in a string\"; super::design::Design::new(); self::g(); }\n\
                use crate::base::time;\n#[cfg(test)]\nuse crate::app::shell;";
    assert_eq!(
        app_references("state::run", non_test_code(code), &modules),
        ["map", "state::clock", "state::design", "widgets", "widgets::player"]
    );
    assert_eq!(app_references("", "use super::x; use self::shell::App;", &modules), ["shell"]);
    assert_eq!(app_references("state", "use super::*; use super::state::run::Run;", &modules), ["", "state::run"]);
    let graph = |edges: &[(&str, &str)]| {
        let mut g = std::collections::BTreeMap::<String, Vec<String>>::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().push(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let cyclic = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]);
    let cycle = find_cycle(&cyclic).expect("a → b → c → a is a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4, "{cycle:?}");
    for w in cycle.windows(2) {
        assert!(cyclic[&w[0]].contains(&w[1]), "{cycle:?}");
    }
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c"), ("d", "a")])), None);
    assert_eq!(find_cycle(&graph(&[("a", "a")])), Some(vec!["a".to_string(), "a".to_string()]));
}

/// A source file's code (before its unit tests) stays under this many lines unless
/// its module doc states why in a `//! Length:` line.
const FILE_LINES: usize = 600;
/// A function stays under this many lines (its `fn` line to its closing brace) unless
/// a `// Length:` line right above it (before its doc comment and attributes) says why.
const FN_LINES: usize = 120;

/// Each function of `code` longer than [`FN_LINES`] without a stated reason, as
/// `(first line, length, name)`. A function ends at the first line that is its
/// indentation followed by `}`, as `rustfmt` lays code out.
fn long_functions(code: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let rest = ["pub(crate) ", "pub(super) ", "pub ", "const ", "async ", "unsafe "]
            .iter()
            .fold(body, |b, p| b.strip_prefix(p).unwrap_or(b));
        let Some(sig) = rest.strip_prefix("fn ") else { continue };
        if line.trim_end().ends_with(';') {
            continue;
        }
        let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let close = format!("{indent}}}");
        let Some(end) = lines[i..].iter().position(|l| *l == close) else { continue };
        let mut above = i;
        while above > 0 {
            let l = lines[above - 1].trim_start();
            if l.starts_with("///") || l.starts_with("#[") || l.starts_with("//") && !l.starts_with("// Length:") {
                above -= 1;
            } else {
                break;
            }
        }
        let reasoned = above > 0 && lines[above - 1].trim_start().starts_with("// Length:");
        if end + 1 > FN_LINES && !reasoned {
            long.push((i + 1, end + 1, name));
        }
    }
    long
}

#[test]
fn files_and_functions_stay_short_or_say_why() {
    let mut over = Vec::new();
    for path in src_files() {
        let text = fs::read_to_string(&path).unwrap();
        let code = non_test_code(&text);
        let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
        let lines = code.lines().count();
        if lines > FILE_LINES && !code.lines().any(|l| l.starts_with("//! Length:")) {
            over.push(format!("{rel}: {lines} lines"));
        }
        for (at, n, name) in long_functions(code) {
            over.push(format!("{rel}:{at}: fn {name} is {n} lines"));
        }
    }
    assert!(over.is_empty(), "over the limits without a stated reason:\n{}", over.join("\n"));
}

#[test]
fn the_length_check_measures_functions_and_honours_reasons() {
    let body = "    let x = 1;\n".repeat(FN_LINES);
    let long = format!("/// Doc.\npub fn big() {{\n{body}}}\n\nfn small() {{\n}}\n");
    assert_eq!(long_functions(&long), vec![(2, FN_LINES + 2, "big".to_string())]);
    let reasoned = format!("// Length: one flat table.\n{long}");
    assert_eq!(long_functions(&reasoned), vec![]);
    let nested = format!("impl A {{\n    #[inline]\n    fn big(&self) {{\n{body}    }}\n}}\n");
    assert_eq!(long_functions(&nested), vec![(3, FN_LINES + 2, "big".to_string())]);
}
