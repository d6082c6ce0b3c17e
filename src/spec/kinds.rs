//! The kinds of resolver and client a scenario names. Their documented behaviour
//! (cache rules, keep-alive, timeouts) lives with the engines that model them:
//! [`crate::failover::resolver`] and [`crate::failover::client`].

use serde::{Deserialize, Serialize};

/// Implementation families with different cache rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolverKind {
    /// BIND 9.
    Bind,
    /// Unbound.
    Unbound,
    /// PowerDNS Recursor.
    Powerdns,
    /// Knot Resolver.
    Knot,
    /// A large public anycast resolver (many cache nodes, ECS).
    PublicAnycast,
}

impl ResolverKind {
    /// All kinds.
    pub const ALL: [ResolverKind; 5] = [
        ResolverKind::Bind,
        ResolverKind::Unbound,
        ResolverKind::Powerdns,
        ResolverKind::Knot,
        ResolverKind::PublicAnycast,
    ];

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            ResolverKind::Bind => "BIND-like",
            ResolverKind::Unbound => "Unbound-like",
            ResolverKind::Powerdns => "PowerDNS-like",
            ResolverKind::Knot => "Knot-like",
            ResolverKind::PublicAnycast => "public anycast",
        }
    }
}

/// Client families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// A `curl` loop: no cache, no reuse.
    Curl,
    /// Chrome with its built-in DNS resolver, the default on Windows, macOS, Linux,
    /// ChromeOS and Android.
    Browser,
    /// Firefox.
    Firefox,
    /// A Java service (InetAddress cache).
    Jvm,
    /// An application on a host running nscd.
    Nscd,
    /// An application on a host running systemd-resolved.
    SystemdResolved,
    /// Chrome through the operating system's resolver (where its built-in one is
    /// turned off or cannot read the system's DNS configuration).
    ChromeSystemResolver,
}

impl ClientKind {
    /// All kinds.
    pub const ALL: [ClientKind; 7] = [
        ClientKind::Curl,
        ClientKind::Browser,
        ClientKind::Firefox,
        ClientKind::Jvm,
        ClientKind::Nscd,
        ClientKind::SystemdResolved,
        ClientKind::ChromeSystemResolver,
    ];

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            ClientKind::Curl => "curl loop (no cache)",
            ClientKind::Browser => "Chrome (TTL, at least 60 s)",
            ClientKind::Firefox => "Firefox (60 s + grace)",
            ClientKind::Jvm => "JVM (30 s cache)",
            ClientKind::Nscd => "nscd (TTL + 15 s)",
            ClientKind::SystemdResolved => "systemd-resolved (TTL)",
            ClientKind::ChromeSystemResolver => "Chrome, system resolver (60 s)",
        }
    }
}
