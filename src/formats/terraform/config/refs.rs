//! Following a reference while evaluating: a bound name (`count`, `each`, a `for`
//! variable), a variable, a local, or another resource's instance and attributes —
//! read through its own configuration when set, else a [`V::Ref`] for the converter.

use hcl::expr::TraversalOperator;

use super::ResBlock;
use super::eval::{Eval, ListOfOne, Scope, unknown};
use crate::formats::terraform::value::{V, num_text};

impl Eval<'_> {
    fn attr_name(op: Option<&TraversalOperator>) -> Option<String> {
        match op {
            Some(TraversalOperator::GetAttr(i)) => Some(i.as_str().to_string()),
            _ => None,
        }
    }

    pub(super) fn traversal(&self, root: &str, ops: &[TraversalOperator], scope: &Scope) -> V {
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

    pub(super) fn apply(&self, mut v: V, ops: &[TraversalOperator], scope: &Scope) -> V {
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
}
