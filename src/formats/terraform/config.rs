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

use std::cell::RefCell;
use std::collections::BTreeMap;

use hcl::expr::{BinaryOperator, Expression, ObjectKey, Operation, TraversalOperator, UnaryOperator};
use hcl::template::{Directive, Element, Template};

use super::value::{V, num_text};

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

/// Names bound while evaluating: `count`, `each`, `for` variables, dynamic iterators.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    vars: BTreeMap<String, V>,
}

impl Scope {
    /// A scope with `name` bound.
    pub fn with(&self, name: &str, v: V) -> Scope {
        let mut s = self.clone();
        s.vars.insert(name.to_string(), v);
        s
    }
}

trait ListOfOne {
    fn pipe_list(self) -> V;
}

impl ListOfOne for V {
    /// A splat over a single resource is a list of its one value.
    fn pipe_list(self) -> V {
        match self {
            V::Unknown(_) => self,
            v => V::List(vec![v]),
        }
    }
}

/// The evaluator of one module.
pub(crate) struct Eval<'m> {
    m: &'m Module,
    locals: RefCell<BTreeMap<String, V>>,
    depth: RefCell<u32>,
    steps: RefCell<u64>,
}

const MAX_DEPTH: u32 = 48;
/// Expressions evaluated per import at most: references between resources are not
/// cached, so a hostile module could otherwise fan out exponentially.
const MAX_STEPS: u64 = 200_000;
/// Longest string a template may build, bytes.
const MAX_STRING: usize = 65_536;

fn unknown(why: impl Into<String>) -> V {
    V::Unknown(why.into())
}

impl<'m> Eval<'m> {
    /// An evaluator over `m`.
    pub fn new(m: &'m Module) -> Eval<'m> {
        Eval { m, locals: RefCell::new(BTreeMap::new()), depth: RefCell::new(0), steps: RefCell::new(0) }
    }

    /// Did evaluation stop because of [`MAX_STEPS`]?
    pub fn exhausted(&self) -> bool {
        *self.steps.borrow() > MAX_STEPS
    }

    fn enter(&self) -> bool {
        let mut steps = self.steps.borrow_mut();
        *steps += 1;
        let mut d = self.depth.borrow_mut();
        *d += 1;
        *d <= MAX_DEPTH && *steps <= MAX_STEPS
    }

    fn leave(&self) {
        *self.depth.borrow_mut() -= 1;
    }

    /// Evaluates an expression.
    pub fn expr(&self, e: &Ex, scope: &Scope) -> V {
        if !self.enter() {
            self.leave();
            return unknown("expressions nest too deeply or refer to each other too often (a reference cycle?)");
        }
        let v = match e {
            Ex::Hcl(h) => self.hcl(h, scope),
            Ex::Json(j) => self.json(j, scope),
        };
        self.leave();
        v
    }

    fn json(&self, j: &serde_json::Value, scope: &Scope) -> V {
        match j {
            serde_json::Value::String(s) if s.contains("${") || s.contains("%{") => match s.parse::<Template>() {
                Ok(t) => self.template(&t, scope),
                Err(e) => unknown(format!("template '{s}' does not parse: {}", hcl_error(&e))),
            },
            serde_json::Value::Array(a) => V::List(a.iter().map(|x| self.json(x, scope)).collect()),
            serde_json::Value::Object(o) => V::Map(o.iter().map(|(k, v)| (k.clone(), self.json(v, scope))).collect()),
            other => V::from_json(other),
        }
    }

    fn hcl(&self, e: &Expression, scope: &Scope) -> V {
        match e {
            Expression::Null => V::Null,
            Expression::Bool(b) => V::Bool(*b),
            Expression::Number(n) => V::Num(n.as_f64().unwrap_or(0.0)),
            Expression::String(s) => V::Str(s.clone()),
            Expression::Array(a) => V::List(a.iter().map(|x| self.hcl(x, scope)).collect()),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => match self.hcl(x, scope).as_text() {
                            Some(t) => t,
                            None => return unknown("an object key is not known"),
                        },
                        _ => return unknown("an object key of a kind this importer does not read"),
                    };
                    m.insert(key, self.hcl(v, scope));
                }
                V::Map(m)
            }
            Expression::TemplateExpr(t) => match Template::from_expr(t) {
                Ok(t) => self.template(&t, scope),
                Err(e) => unknown(format!("a template does not parse: {}", hcl_error(&e))),
            },
            Expression::Variable(v) => self.traversal(v.as_str(), &[], scope),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.traversal(v.as_str(), &t.operators, scope),
                other => {
                    let base = self.hcl(other, scope);
                    self.apply(base, &t.operators, scope)
                }
            },
            Expression::FuncCall(f) => {
                let mut args: Vec<V> = f.args.iter().map(|a| self.hcl(a, scope)).collect();
                if f.expand_final
                    && let Some(V::List(last)) = args.pop()
                {
                    args.extend(last);
                }
                let name = f.name.name.as_str();
                if name == "try" || name == "can" {
                    let ok = args.iter().find(|a| !a.is_pending()).cloned();
                    return if name == "can" {
                        V::Bool(ok.is_some())
                    } else {
                        ok.unwrap_or_else(|| args.pop().unwrap_or(V::Null))
                    };
                }
                super::funcs::call(name, args)
            }
            Expression::Parenthesis(p) => self.hcl(p, scope),
            Expression::Conditional(c) => match self.hcl(&c.cond_expr, scope) {
                V::Bool(true) => self.hcl(&c.true_expr, scope),
                V::Bool(false) => self.hcl(&c.false_expr, scope),
                v if v.is_pending() => unknown(format!("a condition {}", v.why())),
                v => unknown(format!("a condition is a {}, not a bool", v.type_name())),
            },
            Expression::Operation(op) => match op.as_ref() {
                Operation::Unary(u) => {
                    let v = self.hcl(&u.expr, scope);
                    match (u.operator, &v) {
                        (UnaryOperator::Neg, V::Num(n)) => V::Num(-n),
                        (UnaryOperator::Not, V::Bool(b)) => V::Bool(!b),
                        _ if v.is_pending() => v,
                        _ => unknown("an operator applied to the wrong type"),
                    }
                }
                Operation::Binary(b) => {
                    let l = self.hcl(&b.lhs_expr, scope);
                    let r = self.hcl(&b.rhs_expr, scope);
                    binary(b.operator, l, r)
                }
            },
            Expression::ForExpr(f) => {
                let coll = self.hcl(&f.collection_expr, scope);
                let pairs: Vec<(V, V)> = match coll {
                    V::List(l) => l.into_iter().enumerate().map(|(i, v)| (V::Num(i as f64), v)).collect(),
                    V::Map(m) => m.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                    v if v.is_pending() => return v,
                    v => return unknown(format!("a for expression over a {}", v.type_name())),
                };
                let mut list = Vec::new();
                let mut map: BTreeMap<String, V> = BTreeMap::new();
                for (k, v) in pairs {
                    let mut s = scope.with(f.value_var.as_str(), v);
                    if let Some(kv) = &f.key_var {
                        s = s.with(kv.as_str(), k);
                    }
                    if let Some(c) = &f.cond_expr {
                        match self.hcl(c, &s) {
                            V::Bool(true) => {}
                            V::Bool(false) => continue,
                            other => return unknown(format!("a for condition {}", other.why())),
                        }
                    }
                    let value = self.hcl(&f.value_expr, &s);
                    match &f.key_expr {
                        None => list.push(value),
                        Some(ke) => {
                            let Some(key) = self.hcl(ke, &s).as_text() else {
                                return unknown("a for expression's key is not known");
                            };
                            if f.grouping {
                                if let V::List(l) = map.entry(key).or_insert_with(|| V::List(vec![])) {
                                    l.push(value);
                                }
                            } else {
                                map.insert(key, value);
                            }
                        }
                    }
                }
                if f.key_expr.is_some() { V::Map(map) } else { V::List(list) }
            }
            _ => unknown("an expression this importer does not evaluate"),
        }
    }

    fn template(&self, t: &Template, scope: &Scope) -> V {
        let els = t.elements();
        if let [Element::Interpolation(i)] = els {
            return self.hcl(&i.expr, scope);
        }
        let mut out = String::new();
        for el in els {
            match el {
                _ if out.len() > MAX_STRING => return unknown("a string longer than 64 KB"),
                Element::Literal(l) => out.push_str(l),
                Element::Interpolation(i) => match self.hcl(&i.expr, scope) {
                    v if v.is_pending() => return unknown(format!("a string built from a value that {}", v.why())),
                    v => match v.as_text() {
                        Some(t) => out.push_str(&t),
                        None if v == V::Null => {}
                        None => return unknown(format!("a {} inside a string", v.type_name())),
                    },
                },
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => match self.hcl(&i.cond_expr, scope) {
                        V::Bool(true) => match self.template(&i.true_template, scope).as_text() {
                            Some(s) => out.push_str(&s),
                            None => return unknown("a template directive is not known"),
                        },
                        V::Bool(false) => {
                            if let Some(f) = &i.false_template {
                                match self.template(f, scope).as_text() {
                                    Some(s) => out.push_str(&s),
                                    None => return unknown("a template directive is not known"),
                                }
                            }
                        }
                        v => return unknown(format!("a template condition {}", v.why())),
                    },
                    Directive::For(f) => {
                        let items: Vec<(V, V)> = match self.hcl(&f.collection_expr, scope) {
                            V::List(l) => l.into_iter().enumerate().map(|(i, v)| (V::Num(i as f64), v)).collect(),
                            V::Map(m) => m.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                            v => return unknown(format!("a template loop {}", v.why())),
                        };
                        for (k, v) in items {
                            let mut s = scope.with(f.value_var.as_str(), v);
                            if let Some(kv) = &f.key_var {
                                s = s.with(kv.as_str(), k);
                            }
                            match self.template(&f.template, &s).as_text() {
                                Some(t) => out.push_str(&t),
                                None => return unknown("a template loop body is not known"),
                            }
                        }
                    }
                },
            }
        }
        V::Str(out)
    }

    fn attr_name(op: Option<&TraversalOperator>) -> Option<String> {
        match op {
            Some(TraversalOperator::GetAttr(i)) => Some(i.as_str().to_string()),
            _ => None,
        }
    }

    fn traversal(&self, root: &str, ops: &[TraversalOperator], scope: &Scope) -> V {
        if let Some(v) = scope.vars.get(root) {
            return self.apply(v.clone(), ops, scope);
        }
        let first = Self::attr_name(ops.first());
        match root {
            "var" => {
                let Some(name) = first else { return unknown("'var' without a name") };
                let v = self.variable(&name);
                self.apply(v, &ops[1..], scope)
            }
            "local" => {
                let Some(name) = first else { return unknown("'local' without a name") };
                let v = self.local(&name);
                self.apply(v, &ops[1..], scope)
            }
            "count" => unknown("count.index outside a resource with count"),
            "each" => unknown("each outside a resource with for_each"),
            "path" => V::Str(".".into()),
            "terraform" => V::Str("default".into()),
            "module" => unknown(format!("the output of module {} (modules are not read)", first.unwrap_or_default())),
            "data" => {
                let (Some(t), Some(n)) = (first, Self::attr_name(ops.get(1))) else {
                    return unknown("a data reference without type and name");
                };
                self.resource_ref(&format!("data.{t}"), &t, &n, &ops[2..], scope, true)
            }
            t if self.m.resources.iter().any(|r| r.rtype == t) => {
                let Some(n) = first else { return unknown(format!("'{t}' without a resource name")) };
                self.resource_ref(t, t, &n, &ops[1..], scope, false)
            }
            other if other.contains('_') => {
                unknown(format!("{other}.{} is defined elsewhere (not in this module)", first.unwrap_or_default()))
            }
            other => unknown(format!("unknown name '{other}'")),
        }
    }

    /// `TYPE.NAME[index].attr…`: the resource's configured argument when set, else a
    /// reference for the converter.
    fn resource_ref(
        &self,
        prefix: &str,
        rtype: &str,
        name: &str,
        ops: &[TraversalOperator],
        scope: &Scope,
        data: bool,
    ) -> V {
        let list = if data { &self.m.data } else { &self.m.resources };
        let Some(block) = list.iter().find(|r| r.rtype == rtype && r.name == name) else {
            return unknown(format!("{prefix}.{name} is defined elsewhere (not in this module)"));
        };
        let (index, rest) = match ops.first() {
            Some(TraversalOperator::Index(e)) => (Some(self.hcl(e, scope)), &ops[1..]),
            Some(TraversalOperator::LegacyIndex(i)) => (Some(V::Num(*i as f64)), &ops[1..]),
            Some(TraversalOperator::AttrSplat | TraversalOperator::FullSplat) => {
                // `aws_elb.web.*.dns_name` (0.11) or `aws_elb.web[*].dns_name`: one item per instance.
                let keys: Vec<V> = if let Some(c) = block.body.attrs.get("count") {
                    match self.expr(c, &Scope::default()).as_num() {
                        Some(n) if n >= 0.0 => (0..(n as usize).min(1000)).map(|i| V::Num(i as f64)).collect(),
                        _ => return unknown(format!("a splat over {prefix}.{name}, whose count is not known")),
                    }
                } else if let Some(fe) = block.body.attrs.get("for_each") {
                    match self.expr(fe, &Scope::default()) {
                        V::Map(m) => m.into_keys().map(V::Str).collect(),
                        V::List(l) => l.into_iter().filter_map(|x| x.as_text().map(V::Str)).collect(),
                        _ => return unknown(format!("a splat over {prefix}.{name}, whose for_each is not known")),
                    }
                } else {
                    return self.resource_instance(block, prefix, name, None, &ops[1..], scope).pipe_list();
                };
                return V::List(
                    keys.into_iter()
                        .map(|k| self.resource_instance(block, prefix, name, Some(k), &ops[1..], scope))
                        .collect(),
                );
            }
            _ => (None, ops),
        };
        self.resource_instance(block, prefix, name, index, rest, scope)
    }

    /// One instance's attribute (or a reference to it).
    fn resource_instance(
        &self,
        block: &ResBlock,
        prefix: &str,
        name: &str,
        index: Option<V>,
        rest: &[TraversalOperator],
        scope: &Scope,
    ) -> V {
        let address = match &index {
            Some(i) if i.is_pending() => return unknown(format!("an index into {prefix}.{name} {}", i.why())),
            Some(V::Num(n)) => format!("{prefix}.{name}[{}]", num_text(*n)),
            Some(V::Str(s)) => format!("{prefix}.{name}[\"{s}\"]"),
            Some(other) => return unknown(format!("{prefix}.{name} indexed by a {}", other.type_name())),
            None => format!("{prefix}.{name}"),
        };
        let Some(attr) = Self::attr_name(rest.first()) else {
            return V::Ref(address);
        };
        // The instance's own scope (count.index / each.key), then its argument.
        let inst = match &index {
            Some(V::Num(n)) => Scope::default().with("count", V::Map([("index".to_string(), V::Num(*n))].into())),
            Some(V::Str(k)) => {
                let value = block
                    .body
                    .attrs
                    .get("for_each")
                    .map(|fe| self.expr(fe, &Scope::default()))
                    .and_then(|fe| match fe {
                        V::Map(m) => m.get(k).cloned(),
                        _ => None,
                    })
                    .unwrap_or(V::Str(k.clone()));
                Scope::default()
                    .with("each", V::Map([("key".to_string(), V::Str(k.clone())), ("value".to_string(), value)].into()))
            }
            _ => Scope::default(),
        };
        let configured = block
            .body
            .attrs
            .get(&attr)
            .filter(|_| !matches!(attr.as_str(), "id" | "zone_id" | "dns_name" | "fqdn" | "arn"));
        match configured {
            Some(e) => {
                let v = self.expr(e, &inst);
                self.apply(v, &rest[1..], scope)
            }
            None => {
                let v = V::Ref(format!("{address}.{attr}"));
                self.apply(v, &rest[1..], scope)
            }
        }
    }

    fn apply(&self, mut v: V, ops: &[TraversalOperator], scope: &Scope) -> V {
        for (i, op) in ops.iter().enumerate() {
            v = match (op, v) {
                (TraversalOperator::GetAttr(a), V::Map(mut m)) => match m.remove(a.as_str()) {
                    Some(x) => x,
                    None => return unknown(format!("no attribute '{}'", a.as_str())),
                },
                (TraversalOperator::GetAttr(a), V::Ref(r)) => V::Ref(format!("{r}.{}", a.as_str())),
                (TraversalOperator::Index(e), V::Ref(r)) => match self.hcl(e, scope) {
                    V::Num(n) => V::Ref(format!("{r}[{}]", num_text(n))),
                    V::Str(s) => V::Ref(format!("{r}[\"{s}\"]")),
                    _ => return unknown(format!("an index into {r}")),
                },
                (TraversalOperator::LegacyIndex(n), V::List(l)) => match l.into_iter().nth(*n as usize) {
                    Some(x) => x,
                    None => return unknown(format!("index {n} is out of range")),
                },
                (TraversalOperator::Index(e), V::List(l)) => match self.hcl(e, scope).as_num() {
                    Some(n) if n >= 0.0 => match l.into_iter().nth(n as usize) {
                        Some(x) => x,
                        None => return unknown(format!("index {} is out of range", num_text(n))),
                    },
                    _ => return unknown("an index that is not a known number"),
                },
                (TraversalOperator::Index(e), V::Map(mut m)) => match self.hcl(e, scope).as_text() {
                    Some(k) => match m.remove(&k) {
                        Some(x) => x,
                        None => return unknown(format!("no key '{k}'")),
                    },
                    None => return unknown("a key that is not known"),
                },
                (TraversalOperator::AttrSplat | TraversalOperator::FullSplat, V::List(l)) => {
                    let rest = &ops[i + 1..];
                    return V::List(l.into_iter().map(|x| self.apply(x, rest, scope)).collect());
                }
                (_, x @ V::Unknown(_)) => return x,
                (_, x) => return unknown(format!("an attribute or index of a {}", x.type_name())),
            };
        }
        v
    }

    fn variable(&self, name: &str) -> V {
        if let Some(v) = self.m.given.get(name) {
            return v.clone();
        }
        match self.m.variables.get(name) {
            Some(Some(d)) => self.expr(d, &Scope::default()),
            Some(None) => unknown(format!("variable '{name}' has no default (pass --var {name}=…)")),
            None => unknown(format!("variable '{name}' is not declared")),
        }
    }

    fn local(&self, name: &str) -> V {
        if let Some(v) = self.locals.borrow().get(name) {
            return v.clone();
        }
        let v = match self.m.locals.get(name) {
            Some(e) => self.expr(e, &Scope::default()),
            None => unknown(format!("local '{name}' is not defined")),
        };
        self.locals.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    /// A block body's attributes and nested blocks (as lists of maps, `dynamic`
    /// blocks expanded), evaluated in `scope`.
    pub fn body(&self, n: &Node, scope: &Scope) -> BTreeMap<String, V> {
        let mut out: BTreeMap<String, V> = BTreeMap::new();
        for (k, e) in &n.attrs {
            if matches!(k.as_str(), "count" | "for_each" | "depends_on" | "provider" | "lifecycle") {
                continue;
            }
            out.insert(k.clone(), self.expr(e, scope));
        }
        for (kind, labels, node) in &n.blocks {
            if kind == "dynamic" {
                let Some(name) = labels.first() else { continue };
                let iterator = node.attrs.get("iterator").and_then(|i| match i {
                    Ex::Hcl(Expression::Variable(v)) => Some(v.as_str().to_string()),
                    other => self.expr(other, scope).as_text(),
                });
                let iterator = iterator.unwrap_or_else(|| name.clone());
                let items: Vec<(V, V)> = match node.attrs.get("for_each").map(|e| self.expr(e, scope)) {
                    Some(V::List(l)) => l.into_iter().enumerate().map(|(i, v)| (V::Num(i as f64), v)).collect(),
                    Some(V::Map(m)) => m.into_iter().map(|(k, v)| (V::Str(k), v)).collect(),
                    Some(v) => {
                        out.insert(name.clone(), unknown(format!("dynamic block's for_each {}", v.why())));
                        continue;
                    }
                    None => vec![],
                };
                let content = node.blocks.iter().find(|b| b.0 == "content").map(|b| &b.2);
                let entry = out.entry(name.clone()).or_insert_with(|| V::List(vec![]));
                for (k, v) in items {
                    let s = scope.with(&iterator, V::Map([("key".to_string(), k), ("value".to_string(), v)].into()));
                    if let (Some(c), V::List(l)) = (content, &mut *entry) {
                        l.push(V::Map(self.body(c, &s)));
                    }
                }
                continue;
            }
            let v = V::Map(self.body(node, scope));
            if let V::List(l) = out.entry(kind.clone()).or_insert_with(|| V::List(vec![])) {
                l.push(v);
            }
        }
        out
    }
}

fn binary(op: BinaryOperator, l: V, r: V) -> V {
    use BinaryOperator as B;
    match op {
        B::Eq => {
            if l.is_pending() || r.is_pending() {
                return unknown(format!(
                    "a comparison with a value that {}",
                    if l.is_pending() { l.why() } else { r.why() }
                ));
            }
            V::Bool(l == r || (l.as_num().is_some() && l.as_num() == r.as_num() && l.type_name() == r.type_name()))
        }
        B::NotEq => match binary(B::Eq, l, r) {
            V::Bool(b) => V::Bool(!b),
            other => other,
        },
        B::And | B::Or => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => V::Bool(if op == B::And { a && b } else { a || b }),
            (Some(false), None) if op == B::And => V::Bool(false),
            (Some(true), None) if op == B::Or => V::Bool(true),
            _ => unknown("a logical operation on an unknown value"),
        },
        _ => match (l.as_num(), r.as_num()) {
            (Some(a), Some(b)) => match op {
                B::Plus => V::Num(a + b),
                B::Minus => V::Num(a - b),
                B::Mul => V::Num(a * b),
                B::Div if b != 0.0 => V::Num(a / b),
                B::Mod if b != 0.0 => V::Num(a % b),
                B::Less => V::Bool(a < b),
                B::LessEq => V::Bool(a <= b),
                B::Greater => V::Bool(a > b),
                B::GreaterEq => V::Bool(a >= b),
                _ => unknown("a division by zero"),
            },
            _ if l.is_pending() => unknown(format!("arithmetic on a value that {}", l.why())),
            _ if r.is_pending() => unknown(format!("arithmetic on a value that {}", r.why())),
            _ => unknown("arithmetic on a value that is not a number"),
        },
    }
}
