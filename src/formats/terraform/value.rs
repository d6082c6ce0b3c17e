//! Terraform values as the importer sees them: known values, references to other
//! resources kept as references (`aws_lb.main.dns_name`, resolved by the converter),
//! and unknown values carrying the reason they could not be resolved.

use std::collections::BTreeMap;

/// A value after evaluation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum V {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list, tuple or set.
    List(Vec<V>),
    /// A map or object (blocks are lists of these).
    Map(BTreeMap<String, V>),
    /// A reference to another resource's attribute, e.g. `aws_lb.main.dns_name`.
    Ref(String),
    /// Not known here, and why.
    Unknown(String),
}

impl V {
    /// The value as text, when it is a string, number or boolean.
    pub fn as_text(&self) -> Option<String> {
        match self {
            V::Str(s) => Some(s.clone()),
            V::Num(n) => Some(num_text(*n)),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as a number (numbers in strings too, as Terraform converts them).
    pub fn as_num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as a boolean (`"true"` too).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if s == "true" => Some(true),
            V::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Is the value (or anything in it) not fully known?
    pub fn is_pending(&self) -> bool {
        match self {
            V::Ref(_) | V::Unknown(_) => true,
            V::List(l) => l.iter().any(V::is_pending),
            V::Map(m) => m.values().any(V::is_pending),
            _ => false,
        }
    }

    /// Why the value is not known, in words.
    pub fn why(&self) -> String {
        match self {
            V::Ref(r) => format!("refers to {r}, known only after apply"),
            V::Unknown(why) => why.clone(),
            V::List(l) => l.iter().find(|v| v.is_pending()).map_or_else(String::new, V::why),
            V::Map(m) => m.values().find(|v| v.is_pending()).map_or_else(String::new, V::why),
            _ => String::new(),
        }
    }

    /// A JSON value as a Terraform value.
    pub fn from_json(v: &serde_json::Value) -> V {
        match v {
            serde_json::Value::Null => V::Null,
            serde_json::Value::Bool(b) => V::Bool(*b),
            serde_json::Value::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => V::Str(s.clone()),
            serde_json::Value::Array(a) => V::List(a.iter().map(V::from_json).collect()),
            serde_json::Value::Object(o) => V::Map(o.iter().map(|(k, v)| (k.clone(), V::from_json(v))).collect()),
        }
    }

    /// A short type name for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            V::Null => "null",
            V::Bool(_) => "bool",
            V::Num(_) => "number",
            V::Str(_) => "string",
            V::List(_) => "list",
            V::Map(_) => "map",
            V::Ref(_) => "reference",
            V::Unknown(_) => "unknown value",
        }
    }
}

/// A number as Terraform prints it: integers without a fraction.
pub(crate) fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// Terraform's legacy "flatmap" attributes (state v3): `records.#`, `records.123`,
/// `alias.456.name`, `tags.%` — unflattened into lists and maps.
pub(crate) fn unflatten(flat: &BTreeMap<String, String>) -> BTreeMap<String, V> {
    fn build(prefix: &str, flat: &BTreeMap<String, String>) -> Option<V> {
        let count_list = flat.get(&format!("{prefix}.#"));
        let count_map = flat.get(&format!("{prefix}.%"));
        if count_list.is_none() && count_map.is_none() {
            return flat.get(prefix).map(|s| V::Str(s.clone()));
        }
        // Child keys directly under the prefix, in order of first appearance by key.
        let start = format!("{prefix}.");
        let mut keys: Vec<String> = Vec::new();
        for k in flat.range(start.clone()..).map(|(k, _)| k).take_while(|k| k.starts_with(&start)) {
            let rest = &k[start.len()..];
            let head = rest.split('.').next().unwrap_or("");
            if head != "#" && head != "%" && !keys.iter().any(|x| x == head) {
                keys.push(head.to_string());
            }
        }
        if count_map.is_some() {
            let m = keys.iter().filter_map(|k| build(&format!("{prefix}.{k}"), flat).map(|v| (k.clone(), v))).collect();
            return Some(V::Map(m));
        }
        let mut items = Vec::new();
        for k in &keys {
            let p = format!("{prefix}.{k}");
            if let Some(v) = build(&p, flat) {
                items.push(v);
            } else {
                // A block element: its fields are `prefix.k.field`.
                let sub = format!("{p}.");
                let mut fields: Vec<String> = Vec::new();
                for fk in flat.range(sub.clone()..).map(|(k, _)| k).take_while(|k| k.starts_with(&sub)) {
                    let f = fk[sub.len()..].split('.').next().unwrap_or("").to_string();
                    if !fields.contains(&f) {
                        fields.push(f);
                    }
                }
                let m =
                    fields.iter().filter_map(|f| build(&format!("{p}.{f}"), flat).map(|v| (f.clone(), v))).collect();
                items.push(V::Map(m));
            }
        }
        Some(V::List(items))
    }
    let mut tops: Vec<String> = Vec::new();
    for k in flat.keys() {
        let head = k.split('.').next().unwrap_or("").to_string();
        if !tops.contains(&head) {
            tops.push(head);
        }
    }
    tops.into_iter().filter_map(|t| build(&t, flat).map(|v| (t, v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatmap_unflattens_into_lists_blocks_and_maps() {
        let flat: BTreeMap<String, String> = [
            ("name", "www.example.com"),
            ("records.#", "2"),
            ("records.111", "192.0.2.1"),
            ("records.222", "192.0.2.2"),
            ("alias.#", "1"),
            ("alias.333.name", "lb.example.net"),
            ("alias.333.evaluate_target_health", "true"),
            ("weighted_routing_policy.#", "1"),
            ("weighted_routing_policy.0.weight", "10"),
            ("tags.%", "1"),
            ("tags.Name", "web"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let v = unflatten(&flat);
        assert_eq!(v["name"], V::Str("www.example.com".into()));
        assert_eq!(v["records"], V::List(vec![V::Str("192.0.2.1".into()), V::Str("192.0.2.2".into())]));
        let V::List(alias) = &v["alias"] else { panic!() };
        let V::Map(a) = &alias[0] else { panic!() };
        assert_eq!(a["evaluate_target_health"].as_bool(), Some(true));
        let V::List(w) = &v["weighted_routing_policy"] else { panic!() };
        let V::Map(w) = &w[0] else { panic!() };
        assert_eq!(w["weight"].as_num(), Some(10.0));
        assert!(matches!(&v["tags"], V::Map(m) if m["Name"] == V::Str("web".into())));
        assert_eq!(num_text(3.0), "3");
        assert_eq!(num_text(0.5), "0.5");
    }
}
