//! The Terraform built-in functions configurations use around DNS records: string,
//! collection, type-conversion and numeric functions. An unknown argument makes the
//! result unknown; a function not listed here is reported by name.

use std::collections::BTreeMap;

use super::value::{V, num_text};

fn unknown(why: impl Into<String>) -> V {
    V::Unknown(why.into())
}

fn text(v: &V) -> Option<String> {
    v.as_text()
}

fn list(v: &V) -> Option<Vec<V>> {
    match v {
        V::List(l) => Some(l.clone()),
        _ => None,
    }
}

// Length: one flat `match` over Terraform's built-in function names, each arm a few lines — a dispatch table that reads best whole.
/// Calls function `name` on `args`.
pub(crate) fn call(name: &str, args: Vec<V>) -> V {
    // An argument that is itself unknown makes the result unknown; a list or map
    // holding references is still selected from (`element(aws_elb.web.*.dns_name, 0)`).
    if let Some(p) = args.iter().find(|a| matches!(a, V::Ref(_) | V::Unknown(_)))
        && !matches!(name, "coalesce" | "list")
    {
        return unknown(format!("{name}() of a value that {}", p.why()));
    }
    let arg = |i: usize| args.get(i).cloned().unwrap_or(V::Null);
    let s = |i: usize| text(&arg(i));
    let n = |i: usize| arg(i).as_num();
    let bad = || unknown(format!("{name}() with arguments it does not take"));
    match name {
        "lookup" => match (arg(0), s(1)) {
            (V::Map(m), Some(k)) => m
                .get(&k)
                .cloned()
                .or_else(|| args.get(2).cloned())
                .unwrap_or_else(|| unknown(format!("lookup: no key '{k}'"))),
            _ => bad(),
        },
        "element" => match (list(&arg(0)), n(1)) {
            (Some(l), Some(i)) if !l.is_empty() => l[(i.max(0.0) as usize) % l.len()].clone(),
            _ => bad(),
        },
        "index" => match list(&arg(0)) {
            Some(l) => {
                l.iter().position(|x| *x == arg(1)).map_or_else(|| unknown("index: not found"), |i| V::Num(i as f64))
            }
            None => bad(),
        },
        "length" => match arg(0) {
            V::List(l) => V::Num(l.len() as f64),
            V::Map(m) => V::Num(m.len() as f64),
            V::Str(s) => V::Num(s.chars().count() as f64),
            v => unknown(format!("length() of a value that {}", v.why())),
        },
        "format" => match s(0) {
            Some(f) => {
                let mut out = String::new();
                let mut rest = args.iter().skip(1);
                let mut chars = f.chars().peekable();
                while let Some(c) = chars.next() {
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    // Flags and width are skipped; the verb decides.
                    let mut verb = chars.next();
                    while matches!(verb, Some('0'..='9' | '.' | '-' | '+' | '#' | ' ')) {
                        verb = chars.next();
                    }
                    match verb {
                        Some('%') => out.push('%'),
                        Some(_) => match rest.next().and_then(text) {
                            Some(t) => out.push_str(&t),
                            None => return bad(),
                        },
                        None => out.push('%'),
                    }
                }
                V::Str(out)
            }
            None => bad(),
        },
        "join" => match (s(0), list(&arg(1))) {
            (Some(sep), Some(l)) => match l.iter().map(text).collect::<Option<Vec<_>>>() {
                Some(parts) => V::Str(parts.join(&sep)),
                None => bad(),
            },
            _ => bad(),
        },
        "split" => match (s(0), s(1)) {
            (Some(sep), Some(t)) => V::List(t.split(sep.as_str()).map(|x| V::Str(x.into())).collect()),
            _ => bad(),
        },
        "concat" | "list" => {
            if name == "list" {
                return V::List(args);
            }
            let mut out = Vec::new();
            for a in &args {
                match a {
                    V::List(l) => out.extend(l.iter().cloned()),
                    other => return unknown(format!("concat() of a value that {}", other.why())),
                }
            }
            V::List(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in &args {
                match a {
                    V::Map(m) => out.extend(m.clone()),
                    V::Null => {}
                    other => return unknown(format!("merge() of a value that {}", other.why())),
                }
            }
            V::Map(out)
        }
        "map" => {
            let mut out = BTreeMap::new();
            for pair in args.chunks(2) {
                if let [k, v] = pair
                    && let Some(k) = text(k)
                {
                    out.insert(k, v.clone());
                }
            }
            V::Map(out)
        }
        "tomap" | "tolist" | "toset" => match (name, arg(0)) {
            ("toset", V::List(mut l)) => {
                let mut seen = Vec::new();
                l.retain(|x| {
                    let keep = !seen.contains(x);
                    seen.push(x.clone());
                    keep
                });
                V::List(l)
            }
            (_, v) => v,
        },
        "tostring" => s(0).map_or_else(bad, V::Str),
        "tonumber" => n(0).map_or_else(bad, V::Num),
        "tobool" => arg(0).as_bool().map_or_else(bad, V::Bool),
        "keys" => match arg(0) {
            V::Map(m) => V::List(m.keys().map(|k| V::Str(k.clone())).collect()),
            _ => bad(),
        },
        "values" => match arg(0) {
            V::Map(m) => V::List(m.values().cloned().collect()),
            _ => bad(),
        },
        "lower" => s(0).map_or_else(bad, |t| V::Str(t.to_lowercase())),
        "upper" => s(0).map_or_else(bad, |t| V::Str(t.to_uppercase())),
        "trimspace" => s(0).map_or_else(bad, |t| V::Str(t.trim().into())),
        "trimsuffix" => match (s(0), s(1)) {
            (Some(t), Some(x)) => V::Str(t.strip_suffix(x.as_str()).unwrap_or(&t).into()),
            _ => bad(),
        },
        "trimprefix" => match (s(0), s(1)) {
            (Some(t), Some(x)) => V::Str(t.strip_prefix(x.as_str()).unwrap_or(&t).into()),
            _ => bad(),
        },
        "trim" => match (s(0), s(1)) {
            (Some(t), Some(x)) => V::Str(t.trim_matches(|c| x.contains(c)).into()),
            _ => bad(),
        },
        "replace" => match (s(0), s(1), s(2)) {
            (Some(t), Some(a), Some(b)) if !(a.starts_with('/') && a.ends_with('/') && a.len() > 1) => {
                V::Str(t.replace(a.as_str(), &b))
            }
            _ => unknown("replace() with a regular expression"),
        },
        "substr" => match (s(0), n(1), n(2)) {
            (Some(t), Some(o), Some(l)) => {
                let chars: Vec<char> = t.chars().collect();
                let start = (o.max(0.0) as usize).min(chars.len());
                let end = if l < 0.0 { chars.len() } else { (start + l as usize).min(chars.len()) };
                V::Str(chars[start..end].iter().collect())
            }
            _ => bad(),
        },
        "coalesce" => args
            .iter()
            .find(|a| !matches!(a, V::Null) && *a != &V::Str(String::new()))
            .cloned()
            .unwrap_or_else(|| unknown("coalesce() of nothing")),
        "coalescelist" => {
            args.iter().find(|a| matches!(a, V::List(l) if !l.is_empty())).cloned().unwrap_or(V::List(vec![]))
        }
        "compact" => match arg(0) {
            V::List(l) => {
                V::List(l.into_iter().filter(|x| !matches!(x, V::Null) && *x != V::Str(String::new())).collect())
            }
            other => other,
        },
        "distinct" => match arg(0) {
            V::List(l) => {
                let mut out: Vec<V> = Vec::new();
                for x in l {
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
                V::List(out)
            }
            _ => bad(),
        },
        "flatten" => {
            fn flat(v: V, out: &mut Vec<V>) {
                match v {
                    V::List(l) => l.into_iter().for_each(|x| flat(x, out)),
                    x => out.push(x),
                }
            }
            let mut out = Vec::new();
            flat(arg(0), &mut out);
            V::List(out)
        }
        "contains" => list(&arg(0)).map_or_else(bad, |l| V::Bool(l.contains(&arg(1)))),
        "zipmap" => match (list(&arg(0)), list(&arg(1))) {
            (Some(k), Some(v)) => V::Map(k.iter().filter_map(text).zip(v).collect()),
            _ => bad(),
        },
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, n(0).unwrap_or(0.0), 1.0),
                2 => (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0), 1.0),
                _ => (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0), n(2).unwrap_or(1.0)),
            };
            if step == 0.0 || ((end - start) / step) > 10_000.0 {
                return bad();
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(V::Num(x));
                x += step;
            }
            V::List(out)
        }
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args.iter().map(V::as_num).collect();
            match nums {
                Some(v) if !v.is_empty() => V::Num(if name == "min" {
                    v.into_iter().fold(f64::INFINITY, f64::min)
                } else {
                    v.into_iter().fold(f64::NEG_INFINITY, f64::max)
                }),
                _ => bad(),
            }
        }
        "abs" => n(0).map_or_else(bad, |x| V::Num(x.abs())),
        "floor" => n(0).map_or_else(bad, |x| V::Num(x.floor())),
        "ceil" => n(0).map_or_else(bad, |x| V::Num(x.ceil())),
        "jsonencode" => match arg(0) {
            V::Str(s) => V::Str(serde_json::Value::String(s).to_string()),
            V::Num(x) => V::Str(num_text(x)),
            _ => unknown("jsonencode() of a structure"),
        },
        other => unknown(format!("function {other}() is not evaluated by this importer")),
    }
}
