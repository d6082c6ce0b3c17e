//! Validation of CIDR collections for IP-based routing (model: answers): blocks that parse
//! and are /1 to /24, unique location names, unique collection ids.

use std::collections::BTreeMap;

use super::validate::Validator;
use crate::route53::zone::Cidr;
use crate::spec::zone::ZoneSpec;

/// The collections as parsed: collection id → location name → its blocks.
pub(super) type Collections = BTreeMap<String, BTreeMap<String, Vec<Cidr>>>;

impl Validator {
    /// Every CIDR collection, with its locations' parsed blocks.
    pub(super) fn cidr_collections(&mut self, spec: &ZoneSpec) -> Collections {
        let mut collections = Collections::new();
        for (i, c) in spec.cidr_collections.iter().enumerate() {
            let mut locs = BTreeMap::new();
            for (j, l) in c.locations.iter().enumerate() {
                let mut blocks = Vec::new();
                for (k, s) in l.cidrs.iter().enumerate() {
                    match Cidr::parse(s) {
                        Some(b) if (1..=24).contains(&b.len) => blocks.push(b),
                        Some(_) => self.err(
                            format!("cidr_collections[{i}].locations[{j}].cidrs[{k}]"),
                            format!("'{s}': IPv4 blocks must be /1 to /24"),
                        ),
                        None => self.err(
                            format!("cidr_collections[{i}].locations[{j}].cidrs[{k}]"),
                            format!("'{s}' is not an IPv4 CIDR block"),
                        ),
                    }
                }
                if locs.insert(l.name.clone(), blocks).is_some() {
                    self.err(
                        format!("cidr_collections[{i}].locations[{j}].name"),
                        format!("location '{}' is listed twice", l.name),
                    );
                }
            }
            if collections.insert(c.id.clone(), locs).is_some() {
                self.err(format!("cidr_collections[{i}].id"), format!("collection id '{}' is used twice", c.id));
            }
        }
        collections
    }
}
