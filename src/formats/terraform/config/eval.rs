//! Evaluating a module's expressions: the evaluator ([`Eval`]) with its depth and
//! step limits, literals, operators, conditionals, `for` expressions, templates,
//! built-in function calls and block bodies with their `dynamic` blocks. References
//! (variables, locals, resources, `count` / `each`) are in `refs.rs`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use hcl::expr::{BinaryOperator, Expression, ObjectKey, Operation, UnaryOperator};
use hcl::template::{Directive, Element, Template};

use super::{Ex, Module, Node, hcl_error};
use crate::formats::terraform::value::V;

/// Names bound while evaluating: `count`, `each`, `for` variables, dynamic iterators.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub(super) vars: BTreeMap<String, V>,
}

impl Scope {
    /// A scope with `name` bound.
    pub fn with(&self, name: &str, v: V) -> Scope {
        let mut s = self.clone();
        s.vars.insert(name.to_string(), v);
        s
    }
}

pub(super) trait ListOfOne {
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
    pub(super) m: &'m Module,
    pub(super) locals: RefCell<BTreeMap<String, V>>,
    depth: RefCell<u32>,
    steps: RefCell<u64>,
}

const MAX_DEPTH: u32 = 48;
/// Expressions evaluated per import at most: references between resources are not
/// cached, so a hostile module could otherwise fan out exponentially.
const MAX_STEPS: u64 = 200_000;
/// Longest string a template may build, bytes.
const MAX_STRING: usize = 65_536;

pub(super) fn unknown(why: impl Into<String>) -> V {
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

    pub(super) fn hcl(&self, e: &Expression, scope: &Scope) -> V {
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
                crate::formats::terraform::funcs::call(name, args)
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
