//! Terraform in and out.
//!
//! [`import_terraform`] reads a module — `.tf` (HCL, including Terraform 0.11's
//! `"${…}"` syntax), `.tf.json`, `*.tfvars` — or a state (`terraform show -json`, raw
//! state files v3 and v4) or a plan (`terraform show -json plan.out`), and turns
//! `aws_route53_zone`, `aws_route53_record`, `aws_route53_health_check` and the load
//! balancers the records alias (`aws_lb`, `aws_alb`, `aws_elb`) into a scenario through
//! the same zone builder as the Route 53 importers, so the same guarantee holds: the
//! scenario validates and simulates, or the import names the file, the resource and
//! the reason. Aliases to other AWS resources (CloudFront, S3 websites, API Gateway,
//! Global Accelerator, VPC endpoints, Elastic Beanstalk, App Runner) are recognised by
//! resource type. What is defined elsewhere (another module, a data source) is
//! modelled with a note; what cannot be resolved is reported per attribute.
//!
//! [`export_terraform`] writes a design as `.tf`: `aws_route53_record` with its routing
//! policy block, aliases, `aws_route53_health_check`, and the `aws_lb` resources the
//! aliases point at.

mod config;
mod convert;
mod export;
mod funcs;
mod state;
mod value;

use std::collections::BTreeMap;

pub use export::export_terraform;

use self::value::V;
use crate::formats::aws::{ImportError, Imported};
use crate::formats::detect::{Format, detect};

/// One resource instance, from configuration, state or plan.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    /// Its address, e.g. `aws_route53_record.www["eu"]`.
    pub address: String,
    /// Its type.
    pub rtype: String,
    /// Its name in the module.
    pub name: String,
    /// Its `count` index or `for_each` key.
    pub key: Option<String>,
    /// Its arguments and attributes (blocks as lists of maps).
    pub attrs: BTreeMap<String, V>,
    /// The region of its provider, where known.
    pub region: Option<String>,
    /// The file it came from.
    pub file: String,
}

/// A file of a Terraform import.
#[derive(Clone, Debug)]
pub struct TfFile {
    /// Its name (for messages and to tell `.tf` from `.tf.json`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Most resource instances one import expands to.
const MAX_INSTANCES: usize = 5_000;

/// Imports Terraform: configuration files of one module (read together), or one
/// state or plan document. `vars` are `NAME=VALUE` settings, as `-var` takes them.
pub fn import_terraform(files: &[TfFile], vars: &[(String, String)]) -> Result<Imported, ImportError> {
    let mut module = config::Module::default();
    let mut resources = Vec::new();
    let mut notes = Vec::new();
    let mut configs = 0;
    let mut states = 0;
    for f in files {
        let text = crate::formats::aws::strip_bom(&f.text);
        let lower = f.name.to_ascii_lowercase();
        if lower.ends_with(".tfvars") {
            module.add_tfvars(&f.name, text).map_err(ImportError::main)?;
            continue;
        }
        if lower.ends_with(".tfvars.json") {
            let v: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| ImportError::main(format!("{}: not valid JSON: {e}", f.name)))?;
            for (k, x) in v.as_object().into_iter().flatten() {
                module.given.insert(k.clone(), V::from_json(x));
            }
            continue;
        }
        match detect(text.as_bytes(), Some(&f.name)) {
            Format::TerraformState | Format::TerraformPlan => {
                let (r, n) = state::resources(text, &f.name).map_err(ImportError::main)?;
                resources.extend(r);
                notes.extend(n);
                states += 1;
            }
            Format::TerraformJson => {
                module.add_json(&f.name, text).map_err(ImportError::main)?;
                configs += 1;
            }
            Format::TerraformHcl => {
                module.add_hcl(&f.name, text).map_err(ImportError::main)?;
                configs += 1;
            }
            Format::Unknown if lower.ends_with(".tf") => {
                module.add_hcl(&f.name, text).map_err(ImportError::main)?;
                configs += 1;
            }
            other => {
                return Err(ImportError::main(format!("{}: this is a {}, not Terraform", f.name, other.describe())));
            }
        }
    }
    if configs > 0 && states > 0 {
        return Err(ImportError::main("give either configuration files or one state or plan, not both"));
    }
    for (k, v) in vars {
        module.given.insert(k.clone(), parse_var(v));
    }
    if configs > 0 {
        let (r, n) = expand(&module)?;
        resources.extend(r);
        notes.extend(n);
    }
    if resources.is_empty() && module.resources.is_empty() {
        return Err(ImportError::main("no Terraform resources found"));
    }
    convert::convert(resources, notes)
}

/// A `-var` value: HCL (a number, a list, a quoted string…) or else the text itself.
fn parse_var(text: &str) -> V {
    let parsed = hcl::parse(&format!("v = {text}\n")).ok().and_then(|body| {
        let a = body.attributes().next()?;
        let v = config::Eval::new(&config::Module::default())
            .expr(&config::Ex::Hcl(a.expr().clone()), &config::Scope::default());
        (!v.is_pending()).then_some(v)
    });
    parsed.unwrap_or_else(|| V::Str(text.to_string()))
}

/// The provider alias a resource names (`provider = aws.eu`).
fn provider_alias(e: &config::Ex) -> Option<String> {
    match e {
        config::Ex::Hcl(hcl::Expression::Traversal(t)) => match (&t.expr, t.operators.first()) {
            (hcl::Expression::Variable(v), Some(hcl::expr::TraversalOperator::GetAttr(a))) if v.as_str() == "aws" => {
                Some(a.as_str().to_string())
            }
            _ => None,
        },
        config::Ex::Json(serde_json::Value::String(s)) | config::Ex::Hcl(hcl::Expression::String(s)) => {
            s.trim_start_matches("${").trim_end_matches('}').strip_prefix("aws.").map(str::to_string)
        }
        _ => None,
    }
}

/// The resource instances of a module's configuration.
fn expand(m: &config::Module) -> Result<(Vec<Resource>, Vec<String>), ImportError> {
    let ev = config::Eval::new(m);
    let mut notes = m.notes.clone();
    for (name, source) in &m.modules {
        notes.push(format!("module \"{name}\" ({source}) is not read: its resources are not in the import"));
    }
    let region_of = |alias: Option<String>| -> Option<String> {
        let p = m.providers.iter().find(|(a, _)| *a == alias)?;
        ev.expr(p.1.attrs.get("region")?, &config::Scope::default()).as_text()
    };
    let mut out = Vec::new();
    let blocks = m.resources.iter().map(|b| (b, false)).chain(m.data.iter().map(|b| (b, true)));
    for (block, data) in blocks {
        let prefix = if data { format!("data.{}", block.rtype) } else { block.rtype.clone() };
        let base = format!("{prefix}.{}", block.name);
        let alias = block.body.attrs.get("provider").and_then(provider_alias);
        let region = region_of(alias.clone()).or_else(|| if alias.is_some() { None } else { region_of(None) });
        let scope = config::Scope::default();
        let instances: Vec<(Option<String>, String, config::Scope)> = if let Some(c) = block.body.attrs.get("count") {
            match ev.expr(c, &scope).as_num() {
                Some(n) if n >= 0.0 => (0..(n as usize).min(MAX_INSTANCES))
                    .map(|i| {
                        let s = scope.with("count", V::Map([("index".to_string(), V::Num(i as f64))].into()));
                        (Some(i.to_string()), format!("{base}[{i}]"), s)
                    })
                    .collect(),
                _ => {
                    let why = ev.expr(c, &scope).why();
                    notes.push(format!(
                        "{}: {base}: count cannot be resolved ({why}); one instance assumed",
                        block.file
                    ));
                    let s = scope.with("count", V::Map([("index".to_string(), V::Num(0.0))].into()));
                    vec![(Some("0".into()), format!("{base}[0]"), s)]
                }
            }
        } else if let Some(fe) = block.body.attrs.get("for_each") {
            let pairs: Vec<(String, V)> = match ev.expr(fe, &scope) {
                V::Map(mm) => mm.into_iter().collect(),
                V::List(l) => l.into_iter().filter_map(|x| x.as_text().map(|t| (t, x))).collect(),
                other => {
                    notes.push(format!(
                        "{}: {base}: for_each cannot be resolved ({}); the resource is skipped",
                        block.file,
                        other.why()
                    ));
                    vec![]
                }
            };
            pairs
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| {
                    let s = scope.with(
                        "each",
                        V::Map([("key".to_string(), V::Str(k.clone())), ("value".to_string(), v)].into()),
                    );
                    (Some(k.clone()), format!("{base}[\"{k}\"]"), s)
                })
                .collect()
        } else {
            vec![(None, base.clone(), scope)]
        };
        for (key, address, s) in instances {
            if out.len() >= MAX_INSTANCES {
                return Err(ImportError::main(format!("more than {MAX_INSTANCES} resource instances")));
            }
            out.push(Resource {
                address,
                rtype: prefix.clone(),
                name: block.name.clone(),
                key,
                attrs: ev.body(&block.body, &s),
                region: region.clone(),
                file: block.file.clone(),
            });
        }
    }
    if ev.exhausted() {
        return Err(ImportError::main(
            "the configuration takes too many steps to evaluate (references fanning out between resources)",
        ));
    }
    Ok((out, notes))
}
