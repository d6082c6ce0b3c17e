//! Validation of the alias graph: no alias cycles, and no nesting deeper than
//! Route 53 documents (model: answers).

use std::collections::BTreeSet;

use super::validate::Validator;
use crate::route53::zone::{GroupIdx, RecordIdx, Target, Zone, limits};

/// A group's outgoing alias edges: (target group, the alias record).
type Edges = Vec<Vec<(GroupIdx, RecordIdx)>>;

impl Validator {
    /// Rejects alias cycles and nesting deeper than Route 53 documents.
    pub(super) fn alias_graph(&mut self, zone: &Zone) {
        // Edges: group → groups its alias members point at.
        let edges: Edges = zone
            .groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .filter_map(|&m| match zone.records[m].target {
                        Target::AliasGroup(t) => Some((t, m)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        self.alias_cycles(zone, &edges);
        if self.found_alias_cycle() {
            return;
        }
        self.alias_depth(zone, &edges);
    }

    /// Colour DFS; reports each cycle once, naming the records on it.
    fn alias_cycles(&mut self, zone: &Zone, edges: &Edges) {
        let mut state = vec![0u8; zone.groups.len()];
        let mut reported = BTreeSet::new();
        for start in 0..zone.groups.len() {
            let mut stack: Vec<(GroupIdx, usize, Option<RecordIdx>)> = vec![(start, 0, None)];
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            while let Some(&mut (g, ref mut next, _)) = stack.last_mut() {
                if *next < edges[g].len() {
                    let (t, rec) = edges[g][*next];
                    *next += 1;
                    match state[t] {
                        0 => {
                            state[t] = 1;
                            stack.push((t, 0, Some(rec)));
                        }
                        1 => {
                            let pos = stack.iter().position(|s| s.0 == t).unwrap_or(0);
                            let mut recs: Vec<RecordIdx> = stack[pos + 1..].iter().filter_map(|s| s.2).collect();
                            recs.push(rec);
                            recs.sort_unstable();
                            if reported.insert(recs.clone()) {
                                let labels: Vec<String> = recs
                                    .iter()
                                    .map(|&r| format!("records[{r}] ({})", zone.records[r].label()))
                                    .collect();
                                self.err(
                                    format!("records[{}].value.alias.target", rec),
                                    format!("alias cycle: {}", labels.join(" → ")),
                                );
                            }
                        }
                        _ => {}
                    }
                } else {
                    state[g] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Depth: the longest chain of aliases from any group (the graph has no cycle).
    fn alias_depth(&mut self, zone: &Zone, edges: &Edges) {
        fn chain(g: GroupIdx, edges: &Edges, depth: &mut Vec<Option<usize>>) -> usize {
            if let Some(d) = depth[g] {
                return d;
            }
            let d = edges[g].iter().map(|&(t, _)| 1 + chain(t, edges, depth)).max().unwrap_or(0);
            depth[g] = Some(d);
            d
        }
        let mut depth: Vec<Option<usize>> = vec![None; zone.groups.len()];
        for g in 0..zone.groups.len() {
            let d = chain(g, edges, &mut depth);
            if d > limits::ALIAS_DEPTH {
                self.err(
                    format!("records[{}]", zone.groups[g].members[0]),
                    format!(
                        "'{}' nests aliases {d} levels deep; the model accepts up to {}",
                        zone.groups[g].name,
                        limits::ALIAS_DEPTH
                    ),
                );
            }
        }
    }
}
