//! Terraform configuration — `.tf` (HCL, parsed by `hcl-rs`, including Terraform 0.11's
//! `"${…}"` interpolation) and `.tf.json` — read as one module and evaluated into
//! resource instances.
//!
//! Evaluation resolves what a plan would know without a provider: variables (from
//! `--var`, `*.tfvars`, else their defaults), locals, `count`, `for_each` and
//! `dynamic` blocks, conditionals, `for` expressions, templates and the common
//! built-in functions. A reference to another resource becomes a [`V::Ref`] (the
//! converter resolves it to a load balancer, a zone, a record, a check…); a
//! resource's own configured argument is read through the reference when it is set.
//! What cannot be resolved is a [`V::Unknown`] carrying the reason, reported per
//! attribute by the converter.
//!
//! This module reads the files into a [`Module`]; `config/eval.rs` evaluates
//! expressions and `config/refs.rs` follows references.

use std::collections::BTreeMap;

mod eval;
mod refs;

pub(crate) use eval::{Eval, Scope};

use hcl::Expression;

use super::value::V;

/// An expression from either syntax.
#[derive(Clone, Debug)]
pub(crate) enum Ex {
    /// HCL native syntax.
    Hcl(Expression),
    /// JSON syntax: strings are templates.
    Json(serde_json::Value),
}

/// A block body: attributes and nested blocks.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    /// Attributes by name.
    pub attrs: BTreeMap<String, Ex>,
    /// Nested blocks: (type, labels, body).
    pub blocks: Vec<(String, Vec<String>, Node)>,
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub(crate) struct ResBlock {
    /// Resource type (`aws_route53_record`).
    pub rtype: String,
    /// Its name in the module.
    pub name: String,
    /// The body.
    pub body: Node,
    /// The file it is in.
    pub file: String,
}

/// One module: every file of a directory read together.
#[derive(Clone, Debug, Default)]
pub(crate) struct Module {
    /// Variable defaults.
    pub variables: BTreeMap<String, Option<Ex>>,
    /// Values given for variables (`--var`, `*.tfvars`).
    pub given: BTreeMap<String, V>,
    /// Locals.
    pub locals: BTreeMap<String, Ex>,
    /// Managed resources.
    pub resources: Vec<ResBlock>,
    /// Data sources.
    pub data: Vec<ResBlock>,
    /// `provider "aws"` blocks: (alias, body).
    pub providers: Vec<(Option<String>, Node)>,
    /// Child module calls, by name.
    pub modules: Vec<(String, String)>,
    /// Notes about what the module holds but the import does not read.
    pub notes: Vec<String>,
}

/// Blocks (not attributes) inside resources, for `.tf.json` where both look alike.
const NESTED_BLOCKS: &[&str] = &[
    "alias",
    "weighted_routing_policy",
    "latency_routing_policy",
    "failover_routing_policy",
    "geolocation_routing_policy",
    "geoproximity_routing_policy",
    "cidr_routing_policy",
    "coordinates",
    "vpc",
    "health_check",
    "listener",
    "access_logs",
    "subnet_mapping",
    "lifecycle",
    "timeouts",
];

/// One line for an HCL parse error: `line L, column C: message`.
fn hcl_error(e: &hcl::Error) -> String {
    let text = e.to_string();
    let place = text
        .lines()
        .find_map(|l| l.split_once("HCL parse error in ").map(|(_, p)| p.trim().to_string()))
        .unwrap_or_default();
    let message = text.lines().rev().find_map(|l| l.trim().strip_prefix("= ").map(str::to_string));
    match message {
        Some(m) if !place.is_empty() => format!("{place}: {m}"),
        _ => text.lines().map(str::trim).collect::<Vec<_>>().join(" "),
    }
}

fn node_from_hcl(body: &hcl::Body) -> Node {
    let mut n = Node::default();
    for a in body.attributes() {
        n.attrs.insert(a.key().to_string(), Ex::Hcl(a.expr().clone()));
    }
    for b in body.blocks() {
        let labels = b.labels().iter().map(|l| l.as_str().to_string()).collect();
        n.blocks.push((b.identifier().to_string(), labels, node_from_hcl(b.body())));
    }
    n
}

/// Bodies of a JSON block value: an object, or an array of objects.
fn json_bodies(v: &serde_json::Value) -> Vec<&serde_json::Map<String, serde_json::Value>> {
    match v {
        serde_json::Value::Object(o) => vec![o],
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_object()).collect(),
        _ => vec![],
    }
}

fn node_from_json(o: &serde_json::Map<String, serde_json::Value>) -> Node {
    let mut n = Node::default();
    for (k, v) in o {
        if k == "//" {
            continue;
        }
        if k == "dynamic" {
            for (name, spec) in v.as_object().into_iter().flatten() {
                for b in json_bodies(spec) {
                    n.blocks.push(("dynamic".into(), vec![name.clone()], node_from_json(b)));
                }
            }
        } else if k == "content" || NESTED_BLOCKS.contains(&k.as_str()) {
            for b in json_bodies(v) {
                n.blocks.push((k.clone(), vec![], node_from_json(b)));
            }
        } else {
            n.attrs.insert(k.clone(), Ex::Json(v.clone()));
        }
    }
    n
}

impl Module {
    /// Adds a `.tf` file.
    pub fn add_hcl(&mut self, file: &str, text: &str) -> Result<(), String> {
        let text = text.replace("\r\n", "\n");
        let body = hcl::parse(&text).map_err(|e| format!("{file}: {}", hcl_error(&e)))?;
        let root = node_from_hcl(&body);
        for (kind, labels, node) in root.blocks {
            self.add_block(file, &kind, &labels, node);
        }
        Ok(())
    }

    /// Adds a `.tf.json` file.
    pub fn add_json(&mut self, file: &str, text: &str) -> Result<(), String> {
        let v: serde_json::Value = serde_json::from_str(crate::formats::aws::strip_bom(text))
            .map_err(|e| format!("{file}: not valid JSON: {e}"))?;
        let top = v.as_object().ok_or_else(|| format!("{file}: a Terraform JSON file is an object"))?;
        for (kind, body) in top {
            match kind.as_str() {
                "resource" | "data" => {
                    for (rtype, named) in body.as_object().into_iter().flatten() {
                        for (name, b) in named.as_object().into_iter().flatten() {
                            for o in json_bodies(b) {
                                self.add_block(file, kind, &[rtype.clone(), name.clone()], node_from_json(o));
                            }
                        }
                    }
                }
                "variable" | "module" | "provider" | "output" => {
                    for (name, b) in body.as_object().into_iter().flatten() {
                        for o in json_bodies(b) {
                            self.add_block(file, kind, std::slice::from_ref(name), node_from_json(o));
                        }
                    }
                }
                "locals" => {
                    for o in json_bodies(body) {
                        self.add_block(file, kind, &[], node_from_json(o));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Adds a `*.tfvars` file (HCL attributes) as given variable values.
    pub fn add_tfvars(&mut self, file: &str, text: &str) -> Result<(), String> {
        let body = hcl::parse(&text.replace("\r\n", "\n")).map_err(|e| format!("{file}: {}", hcl_error(&e)))?;
        let empty = Module::default();
        for a in body.attributes() {
            let v = Eval::new(&empty).expr(&Ex::Hcl(a.expr().clone()), &Scope::default());
            self.given.insert(a.key().to_string(), v);
        }
        Ok(())
    }

    fn add_block(&mut self, file: &str, kind: &str, labels: &[String], node: Node) {
        match (kind, labels) {
            ("resource", [t, n]) => {
                self.resources.push(ResBlock { rtype: t.clone(), name: n.clone(), body: node, file: file.into() })
            }
            ("data", [t, n]) => {
                self.data.push(ResBlock { rtype: t.clone(), name: n.clone(), body: node, file: file.into() })
            }
            ("variable", [n]) => {
                self.variables.insert(n.clone(), node.attrs.get("default").cloned());
            }
            ("locals", []) => self.locals.extend(node.attrs),
            ("provider", [p]) if p == "aws" => {
                let alias = node.attrs.get("alias").and_then(|a| Eval::new(self).expr(a, &Scope::default()).as_text());
                self.providers.push((alias, node));
            }
            ("module", [n]) => {
                let source =
                    node.attrs.get("source").and_then(|s| Eval::new(self).expr(s, &Scope::default()).as_text());
                self.modules.push((n.clone(), source.unwrap_or_default()));
            }
            _ => {}
        }
    }
}
