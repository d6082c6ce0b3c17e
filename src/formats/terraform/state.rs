//! Terraform state and plans: `terraform show -json` of a state (`values`) or of a
//! plan (`planned_values`, with the provider's region from `configuration`), and raw
//! state files — version 4 (Terraform 0.12 and later, `resources[].instances[]`) and
//! version 3 (0.11, `modules[].resources` with flatmap attributes).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::Resource;
use super::value::{V, unflatten};

/// `values` / `planned_values`: a module with resources and child modules.
#[derive(Deserialize, Default)]
struct ShowModule {
    #[serde(default)]
    resources: Vec<ShowResource>,
    #[serde(default)]
    child_modules: Vec<ShowModule>,
}

#[derive(Deserialize)]
struct ShowResource {
    address: String,
    #[serde(default)]
    mode: String,
    #[serde(rename = "type")]
    rtype: String,
    name: String,
    #[serde(default)]
    index: Option<Value>,
    #[serde(default)]
    values: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawV4 {
    #[serde(default)]
    resources: Vec<RawV4Resource>,
}

#[derive(Deserialize)]
struct RawV4Resource {
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    mode: String,
    #[serde(rename = "type")]
    rtype: String,
    name: String,
    #[serde(default)]
    instances: Vec<RawV4Instance>,
}

#[derive(Deserialize)]
struct RawV4Instance {
    #[serde(default)]
    index_key: Option<Value>,
    #[serde(default)]
    attributes: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawV3 {
    #[serde(default)]
    modules: Vec<RawV3Module>,
}

#[derive(Deserialize)]
struct RawV3Module {
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    resources: BTreeMap<String, RawV3Resource>,
}

#[derive(Deserialize)]
struct RawV3Resource {
    #[serde(rename = "type")]
    rtype: String,
    #[serde(default)]
    primary: Option<RawV3Primary>,
}

#[derive(Deserialize)]
struct RawV3Primary {
    #[serde(default)]
    id: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn collect(m: &ShowModule, file: &str, region: Option<&str>, out: &mut Vec<Resource>) {
    for r in &m.resources {
        if r.mode == "data" {
            continue;
        }
        let attrs: BTreeMap<String, V> = r.values.iter().map(|(k, v)| (k.clone(), V::from_json(v))).collect();
        out.push(Resource {
            address: r.address.clone(),
            rtype: r.rtype.clone(),
            name: r.name.clone(),
            key: r.index.as_ref().map(key_text),
            attrs,
            region: region.map(str::to_string),
            file: file.to_string(),
        });
    }
    for c in &m.child_modules {
        collect(c, file, region, out);
    }
}

/// Fills what a plan leaves unknown from its configuration's expressions: an
/// attribute computed from a reference (`aws_lb.api.dns_name`) becomes that reference.
fn merge_expressions(values: &mut BTreeMap<String, V>, exprs: &serde_json::Map<String, Value>) {
    for (k, e) in exprs {
        let missing = matches!(values.get(k), None | Some(V::Null));
        match e {
            Value::Object(o) if missing => {
                if let Some(r) =
                    o.get("references").and_then(Value::as_array).and_then(|r| r.first()).and_then(Value::as_str)
                {
                    values.insert(k.clone(), V::Ref(r.to_string()));
                } else if let Some(c) = o.get("constant_value") {
                    values.insert(k.clone(), V::from_json(c));
                }
            }
            Value::Array(blocks) => {
                if let Some(V::List(items)) = values.get_mut(k) {
                    for (item, b) in items.iter_mut().zip(blocks) {
                        if let (V::Map(m), Some(bo)) = (item, b.as_object()) {
                            merge_expressions(m, bo);
                        }
                    }
                } else if missing {
                    let items = blocks
                        .iter()
                        .filter_map(Value::as_object)
                        .map(|bo| {
                            let mut m = BTreeMap::new();
                            merge_expressions(&mut m, bo);
                            V::Map(m)
                        })
                        .collect();
                    values.insert(k.clone(), V::List(items));
                }
            }
            _ => {}
        }
    }
}

/// The provider region a plan's configuration gives as a constant, if any.
fn plan_region(v: &Value) -> Option<String> {
    v.pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The managed resources of a state or plan document, and notes.
pub(crate) fn resources(text: &str, file: &str) -> Result<(Vec<Resource>, Vec<String>), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("{file}: not valid JSON: {e}"))?;
    let shape = |e: serde_json::Error| format!("{file}: not a Terraform state: {e}");
    let mut out = Vec::new();
    let mut notes = Vec::new();
    if let Some(planned) = v.get("planned_values") {
        let region = plan_region(&v);
        let m: ShowModule =
            serde_json::from_value(planned.get("root_module").cloned().unwrap_or_default()).map_err(shape)?;
        collect(&m, file, region.as_deref(), &mut out);
        let config: Vec<&Value> = v
            .pointer("/configuration/root_module/resources")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for r in &mut out {
            let base = r.address.split('[').next().unwrap_or("").to_string();
            if let Some(exprs) = config
                .iter()
                .find(|c| c.get("address").and_then(Value::as_str) == Some(base.as_str()))
                .and_then(|c| c.get("expressions"))
                .and_then(Value::as_object)
            {
                merge_expressions(&mut r.attrs, exprs);
            }
        }
        notes.push(format!(
            "{file}: a plan: attributes known only after apply (DNS names of new load balancers, ids) are filled in where they can be"
        ));
    } else if let Some(values) = v.get("values") {
        let m: ShowModule =
            serde_json::from_value(values.get("root_module").cloned().unwrap_or_default()).map_err(shape)?;
        collect(&m, file, None, &mut out);
    } else {
        match v.get("version").and_then(Value::as_u64) {
            Some(4) => {
                let s: RawV4 = serde_json::from_value(v.clone()).map_err(shape)?;
                for r in s.resources.iter().filter(|r| r.mode != "data") {
                    let base = match &r.module {
                        Some(m) => format!("{m}.{}.{}", r.rtype, r.name),
                        None => format!("{}.{}", r.rtype, r.name),
                    };
                    for i in &r.instances {
                        let key = i.index_key.as_ref().map(key_text);
                        let address = match (&i.index_key, &key) {
                            (Some(Value::String(_)), Some(k)) => format!("{base}[\"{k}\"]"),
                            (Some(_), Some(k)) => format!("{base}[{k}]"),
                            _ => base.clone(),
                        };
                        out.push(Resource {
                            address,
                            rtype: r.rtype.clone(),
                            name: r.name.clone(),
                            key,
                            attrs: i.attributes.iter().map(|(k, v)| (k.clone(), V::from_json(v))).collect(),
                            region: None,
                            file: file.to_string(),
                        });
                    }
                }
            }
            Some(3) => {
                let s: RawV3 = serde_json::from_value(v.clone()).map_err(shape)?;
                for m in &s.modules {
                    let prefix: String =
                        m.path.iter().skip(1).map(|p| format!("module.{p}.")).collect::<Vec<_>>().join("");
                    for (addr, r) in &m.resources {
                        if addr.starts_with("data.") {
                            continue;
                        }
                        let Some(p) = &r.primary else { continue };
                        let mut attrs = unflatten(&p.attributes);
                        attrs.entry("id".into()).or_insert_with(|| V::Str(p.id.clone()));
                        // `aws_route53_record.www.1` is the count form in state v3.
                        let mut parts = addr.splitn(3, '.');
                        let (_, name, key) = (parts.next(), parts.next().unwrap_or(""), parts.next());
                        let address = match key {
                            Some(k) => format!("{prefix}{}.{name}[{k}]", r.rtype),
                            None => format!("{prefix}{addr}"),
                        };
                        out.push(Resource {
                            address,
                            rtype: r.rtype.clone(),
                            name: name.to_string(),
                            key: key.map(str::to_string),
                            attrs,
                            region: None,
                            file: file.to_string(),
                        });
                    }
                }
            }
            Some(other) => return Err(format!("{file}: state version {other} is not read (3 or 4)")),
            None => {
                return Err(format!(
                    "{file}: not a Terraform state or plan (no \"values\", \"planned_values\" or \"version\")"
                ));
            }
        }
    }
    Ok((out, notes))
}
