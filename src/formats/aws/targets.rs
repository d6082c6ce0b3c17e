//! Alias targets: which AWS service a Route 53 alias points at, recognised by its
//! documented DNS-name pattern or its fixed alias hosted-zone id, with the answer TTL
//! and the Evaluate Target Health (ETH) rules Route 53 documents for it.
//!
//! Sources (see `docs/formats.md` for the full list):
//! - [R53-ALIAS] Route 53 Developer Guide, "Value/route traffic to" for alias records
//!   (`resource-record-sets-values-alias.md`) and the per-service "Routing traffic to …"
//!   pages (`routing-to-*.md`): name patterns, "Route 53 uses the default TTL for the
//!   resource", CloudFront: "You can't set Evaluate target health to Yes".
//! - [CFN-ALIAS] CloudFormation `AWS::Route53::RecordSet AliasTarget`: CloudFront's
//!   hosted zone is always `Z2FDTNDATAQYW2`, Global Accelerator's `Z2BJ6XQ5FK7U4H`;
//!   separate ELB columns for ALB/CLB and NLB.
//! - \[GR\] AWS General Reference endpoint tables, as transcribed in the Terraform AWS
//!   provider's hosted-zone data sources (`elbv2`, `s3`, `elasticbeanstalk`) and App
//!   Runner's endpoint page: per-region alias hosted-zone ids.
//! - \[TTL\] the 60 s answer TTL of load balancers (ELB user guides, "target group
//!   health"; Route 53 weighted-records page); 60 s measured for CloudFront, S3
//!   websites and Elastic Beanstalk by third parties; assumed 60 s for the rest (no
//!   AWS table of per-service TTLs exists).

use crate::spec::zone::LbKind;

/// The AWS services an alias can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    /// Application or Classic Load Balancer (same name pattern and zone-id column).
    ElbApplication,
    /// Network Load Balancer.
    ElbNetwork,
    /// CloudFront distribution (also edge-optimised API Gateway and AppSync custom
    /// domains, which present a CloudFront name).
    CloudFront,
    /// S3 bucket configured as a website.
    S3Website,
    /// API Gateway regional custom domain.
    ApiGateway,
    /// Global Accelerator.
    GlobalAccelerator,
    /// VPC interface endpoint.
    VpcEndpoint,
    /// Elastic Beanstalk environment.
    ElasticBeanstalk,
    /// App Runner service.
    AppRunner,
    /// AppSync GraphQL API (regional name).
    AppSync,
    /// A name that matches no documented pattern.
    Unknown,
}

/// Whether Route 53 lets Evaluate Target Health be on for a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eth {
    /// Supported and documented.
    Supported,
    /// Refused by Route 53 (CloudFront).
    NotAllowed,
    /// The documentation does not say.
    Undocumented,
}

impl Service {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Service::ElbApplication => "Application/Classic Load Balancer",
            Service::ElbNetwork => "Network Load Balancer",
            Service::CloudFront => "CloudFront distribution",
            Service::S3Website => "S3 website endpoint",
            Service::ApiGateway => "API Gateway regional endpoint",
            Service::GlobalAccelerator => "Global Accelerator",
            Service::VpcEndpoint => "VPC interface endpoint",
            Service::ElasticBeanstalk => "Elastic Beanstalk environment",
            Service::AppRunner => "App Runner service",
            Service::AppSync => "AppSync API",
            Service::Unknown => "AWS endpoint of unknown kind",
        }
    }

    /// The name with its indefinite article.
    pub fn a_name(self) -> String {
        let n = self.name();
        let article = if n.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        format!("{article} {n}")
    }

    /// Is this an Elastic Load Balancing load balancer (modelled with its targets)?
    pub fn is_elb(self) -> bool {
        matches!(self, Service::ElbApplication | Service::ElbNetwork)
    }

    /// Answer TTL in seconds and whether AWS documents it (\[TTL\]).
    pub fn ttl(self) -> (u32, &'static str) {
        match self {
            Service::ElbApplication | Service::ElbNetwork => (60, "documented"),
            Service::CloudFront | Service::S3Website | Service::ElasticBeanstalk => {
                (60, "measured by third parties; AWS says only \"the default TTL for the resource\"")
            }
            _ => (60, "assumed: AWS documents no TTL for this target"),
        }
    }

    /// Evaluate Target Health support ([R53-ALIAS]).
    pub fn eth(self) -> Eth {
        match self {
            Service::CloudFront => Eth::NotAllowed,
            Service::GlobalAccelerator | Service::AppSync | Service::Unknown => Eth::Undocumented,
            _ => Eth::Supported,
        }
    }

    /// How the simulator stands it in: an ALB-like HTTP front door (answers errors
    /// itself when what is behind it fails) or an NLB-like pass-through.
    pub fn model_kind(self) -> LbKind {
        match self {
            Service::ElbNetwork | Service::GlobalAccelerator | Service::VpcEndpoint => LbKind::Nlb,
            _ => LbKind::Alb,
        }
    }

    /// Is the service global (no region in its name)?
    pub fn is_global(self) -> bool {
        matches!(self, Service::CloudFront | Service::GlobalAccelerator | Service::Unknown)
    }
}

/// CloudFront's alias hosted zone, the same everywhere [CFN-ALIAS].
pub const CLOUDFRONT_ZONE: &str = "Z2FDTNDATAQYW2";
/// Global Accelerator's alias hosted zone [CFN-ALIAS].
pub const GLOBAL_ACCELERATOR_ZONE: &str = "Z2BJ6XQ5FK7U4H";

/// Per-region alias hosted-zone ids: (region, ALB/CLB, NLB, S3 website, Elastic
/// Beanstalk, App Runner) [GR]. Regions not listed get a placeholder on export.
const REGION_ZONES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("us-east-1", "Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI", "Z3AQBSTGFYJSTF", "Z117KPS5GTRQ2G", "Z01915732ZBZKC8D32TPT"),
    ("us-east-2", "Z3AADJGX6KTTL2", "ZLMOA37VPKANP", "Z2O1EMRO9K5GLX", "Z14LCN19Q5QHIC", "Z0224347AD7KVHMLOX31"),
    ("us-west-1", "Z368ELLRRE2KJ0", "Z24FKFUX50B4VW", "Z2F56UZL2M1ACD", "Z1LQECGX5PH1X", ""),
    ("us-west-2", "Z1H1FL5HABSF5", "Z18D5FSROUN65G", "Z3BJ6K6RIION7M", "Z38NKT9BP95V3O", "Z02243383FTQ64HJ5772Q"),
    ("eu-west-1", "Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F", "Z1BKCTXD74EZPE", "Z2NYPWQ7DFZAZH", "Z087551914Z2PCAU0QHMW"),
    ("eu-central-1", "Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90", "Z21DNDUVLTQW6Q", "Z1FRNW7UH4DEZJ", "Z0334911C2FDI2Q9M4FZ"),
    ("ap-southeast-1", "Z1LMS91P8CMLE5", "ZKVM4W9LS7TM", "Z3O0J2DXBE1FTB", "Z16FZ9L249IFLT", "Z09819469CZ3KQ8PWMCL"),
    ("ap-southeast-2", "Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD", "Z1WCIGYICN2BYD", "Z2PCDNR3VC2G1N", "Z03657752RA8799S0TI5I"),
    ("ap-northeast-1", "Z14GRHDCWA56QT", "Z31USIVHYNEOWT", "Z2M4EHUR26P7ZW", "Z1R25G3KIG2GBW", "Z08491812XW6IPYLR6CCA"),
    ("sa-east-1", "Z2P70J7HTTTPLU", "ZTK26PT1VY4CU", "Z7KQH4QJS55SO", "Z10X7K2B4QSOFV", ""),
];

/// The alias hosted-zone id of `service` in `region`, where the sources give one.
pub fn hosted_zone_id(service: Service, region: &str) -> Option<&'static str> {
    let row = REGION_ZONES.iter().find(|r| r.0 == region);
    let id = match service {
        Service::CloudFront => return Some(CLOUDFRONT_ZONE),
        Service::GlobalAccelerator => return Some(GLOBAL_ACCELERATOR_ZONE),
        Service::ElbApplication => row?.1,
        Service::ElbNetwork => row?.2,
        Service::S3Website => row?.3,
        Service::ElasticBeanstalk => row?.4,
        Service::AppRunner => row?.5,
        // API Gateway (`regionalHostedZoneId`), VPC endpoints (`DnsEntries[].HostedZoneId`)
        // and AppSync: per resource, from the service's own API.
        Service::ApiGateway | Service::VpcEndpoint | Service::AppSync | Service::Unknown => return None,
    };
    (!id.is_empty()).then_some(id)
}

/// What an alias target's name and hosted zone say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    /// The service.
    pub service: Service,
    /// Its region, when the name or the zone id tells.
    pub region: Option<String>,
    /// A short id derived from the name (the load balancer's name, the distribution id…).
    pub label: String,
}

/// Recognises an alias target from its DNS name (lower case, no trailing dot) and
/// hosted-zone id. `None` only for an empty name.
pub fn recognise(dns: &str, zone_id: &str) -> Option<Recognised> {
    let d = dns.strip_prefix("dualstack.").unwrap_or(dns);
    let labels: Vec<&str> = d.split('.').collect();
    let n = labels.len();
    if d.is_empty() || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let first = labels[0].to_string();
    let ends = |suffix: &[&str]| n > suffix.len() && labels[n - suffix.len()..] == *suffix;
    let rec = |service, region: Option<&str>, label: String| {
        Some(Recognised { service, region: region.map(str::to_string), label })
    };
    // `<name>-<id>.<region>.elb.amazonaws.com` (ALB/CLB; `internal-` for internal ones).
    if n >= 5 && ends(&["elb", "amazonaws", "com"]) {
        return rec(Service::ElbApplication, Some(labels[n - 4]), first);
    }
    // `<name>-<hex>.elb.<region>.amazonaws.com` (NLB).
    if n >= 5 && labels[n - 4] == "elb" && ends(&["amazonaws", "com"]) {
        return rec(Service::ElbNetwork, Some(labels[n - 3]), first);
    }
    // `<id>.cloudfront.net`.
    if ends(&["cloudfront", "net"]) {
        return rec(Service::CloudFront, None, first);
    }
    // `s3-website-<region>.amazonaws.com` or `s3-website.<region>.amazonaws.com`,
    // optionally after the bucket's name.
    if ends(&["amazonaws", "com"]) {
        for (i, l) in labels.iter().enumerate() {
            if let Some(region) = l.strip_prefix("s3-website-") {
                return rec(Service::S3Website, Some(region), format!("s3-website-{region}"));
            }
            if *l == "s3-website" && i + 4 == n {
                return rec(Service::S3Website, Some(labels[i + 1]), format!("s3-website-{}", labels[i + 1]));
            }
        }
    }
    // `d-<id>.execute-api.<region>.amazonaws.com`.
    if n >= 5 && labels[n - 4] == "execute-api" && ends(&["amazonaws", "com"]) {
        return rec(Service::ApiGateway, Some(labels[n - 3]), first);
    }
    // `<id>.appsync-api.<region>.amazonaws.com`.
    if n >= 5 && labels[n - 4] == "appsync-api" && ends(&["amazonaws", "com"]) {
        return rec(Service::AppSync, Some(labels[n - 3]), first);
    }
    // `vpce-….<service>.<region>.vpce.amazonaws.com`.
    if n >= 5 && ends(&["vpce", "amazonaws", "com"]) {
        return rec(Service::VpcEndpoint, Some(labels[n - 4]), first);
    }
    // `<id>.awsglobalaccelerator.com` (and `<id>.dualstack.awsglobalaccelerator.com`).
    if ends(&["awsglobalaccelerator", "com"]) {
        return rec(Service::GlobalAccelerator, None, first);
    }
    // `<env>.<region>.elasticbeanstalk.com`.
    if n >= 4 && ends(&["elasticbeanstalk", "com"]) {
        return rec(Service::ElasticBeanstalk, Some(labels[n - 3]), first);
    }
    // `<id>.<region>.awsapprunner.com`.
    if n >= 4 && ends(&["awsapprunner", "com"]) {
        return rec(Service::AppRunner, Some(labels[n - 3]), first);
    }
    // The hosted-zone id alone.
    match zone_id {
        CLOUDFRONT_ZONE => return rec(Service::CloudFront, None, first),
        GLOBAL_ACCELERATOR_ZONE => return rec(Service::GlobalAccelerator, None, first),
        _ => {}
    }
    for r in REGION_ZONES {
        let found = [
            (r.1, Service::ElbApplication),
            (r.2, Service::ElbNetwork),
            (r.3, Service::S3Website),
            (r.4, Service::ElasticBeanstalk),
            (r.5, Service::AppRunner),
        ]
        .into_iter()
        .find(|(id, _)| !id.is_empty() && *id == zone_id);
        if let Some((_, service)) = found {
            return rec(service, Some(r.0), first);
        }
    }
    rec(Service::Unknown, None, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_pattern_is_recognised() {
        let cases = [
            ("my-alb-123.us-east-1.elb.amazonaws.com", Service::ElbApplication, Some("us-east-1")),
            ("internal-clb-9.eu-west-1.elb.amazonaws.com", Service::ElbApplication, Some("eu-west-1")),
            ("dualstack.my-alb-123.us-east-1.elb.amazonaws.com", Service::ElbApplication, Some("us-east-1")),
            ("nlb-0abc.elb.eu-west-1.amazonaws.com", Service::ElbNetwork, Some("eu-west-1")),
            ("d111111abcdef8.cloudfront.net", Service::CloudFront, None),
            ("s3-website-us-east-1.amazonaws.com", Service::S3Website, Some("us-east-1")),
            ("s3-website.eu-central-1.amazonaws.com", Service::S3Website, Some("eu-central-1")),
            ("www.example.com.s3-website-us-west-2.amazonaws.com", Service::S3Website, Some("us-west-2")),
            ("d-abc123.execute-api.us-east-1.amazonaws.com", Service::ApiGateway, Some("us-east-1")),
            ("a1234567890abcdef.awsglobalaccelerator.com", Service::GlobalAccelerator, None),
            ("a1234567890abcdef.dualstack.awsglobalaccelerator.com", Service::GlobalAccelerator, None),
            (
                "vpce-0123-abcd-us-east-1a.elasticloadbalancing.us-east-1.vpce.amazonaws.com",
                Service::VpcEndpoint,
                Some("us-east-1"),
            ),
            ("my-env.eu-west-1.elasticbeanstalk.com", Service::ElasticBeanstalk, Some("eu-west-1")),
            ("abc123.us-east-2.awsapprunner.com", Service::AppRunner, Some("us-east-2")),
            ("xyz.appsync-api.us-west-2.amazonaws.com", Service::AppSync, Some("us-west-2")),
            ("something.example.net", Service::Unknown, None),
        ];
        for (dns, service, region) in cases {
            let r = recognise(dns, "").unwrap();
            assert_eq!((r.service, r.region.as_deref()), (service, region), "{dns}");
        }
        let by_zone = recognise("anything.example.net", "Z2IFOLAFXWLO4F").unwrap();
        assert_eq!((by_zone.service, by_zone.region.as_deref()), (Service::ElbNetwork, Some("eu-west-1")));
        assert_eq!(recognise("x.example.net", CLOUDFRONT_ZONE).unwrap().service, Service::CloudFront);
        assert_eq!(recognise("", ""), None);
    }

    #[test]
    fn zone_ids_round_trip_through_recognition() {
        for r in REGION_ZONES {
            for s in [Service::ElbApplication, Service::ElbNetwork, Service::S3Website, Service::ElasticBeanstalk] {
                let id = hosted_zone_id(s, r.0).unwrap();
                let back = recognise("unrecognisable.example.net", id).unwrap();
                assert_eq!((back.service, back.region.as_deref()), (s, Some(r.0)));
            }
        }
        assert_eq!(hosted_zone_id(Service::CloudFront, "anywhere"), Some(CLOUDFRONT_ZONE));
        assert_eq!(hosted_zone_id(Service::VpcEndpoint, "us-east-1"), None);
        assert_eq!(Service::CloudFront.eth(), Eth::NotAllowed);
    }
}
