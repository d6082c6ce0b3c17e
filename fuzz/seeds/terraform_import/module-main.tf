resource "aws_route53_zone" "main" {
  name = var.domain
}

locals {
  api = "api.${var.domain}"
}

resource "aws_route53_health_check" "api" {
  for_each          = var.regions
  fqdn              = local.lbs[each.key].dns_name
  port              = 443
  type              = "HTTPS"
  resource_path     = "/health"
  failure_threshold = 3
  request_interval  = 10
}

# Latency: one record per region, each aliasing its region's load balancer.
resource "aws_route53_record" "api_latency" {
  for_each       = var.regions
  zone_id        = aws_route53_zone.main.zone_id
  name           = local.api
  type           = "A"
  set_identifier = each.key

  latency_routing_policy {
    region = each.key
  }

  alias {
    name                   = local.lbs[each.key].dns_name
    zone_id                = local.lbs[each.key].zone_id
    evaluate_target_health = true
  }

  health_check_id = aws_route53_health_check.api[each.key].id
}

# Weighted: a dynamic routing block from the variable's weights.
resource "aws_route53_record" "www" {
  for_each       = var.regions
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www"
  type           = "CNAME"
  ttl            = var.ttl
  set_identifier = "www-${each.key}"
  records        = [local.api]

  dynamic "weighted_routing_policy" {
    for_each = [each.value.weight]
    content {
      weight = weighted_routing_policy.value
    }
  }
}

# Failover: the latency name first, a static site second.
resource "aws_route53_record" "app_primary" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "app.${var.domain}"
  type           = "A"
  set_identifier = "primary"

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = aws_route53_record.api_latency["us-east-1"].fqdn
    zone_id                = aws_route53_zone.main.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "app_secondary" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "app.${var.domain}"
  type           = "A"
  set_identifier = "secondary"
  ttl            = var.ttl
  records        = [aws_eip.sorry.public_ip]

  failover_routing_policy {
    type = "SECONDARY"
  }
}

# Geolocation: Europe to Ireland, everyone else to Virginia.
resource "aws_route53_record" "geo" {
  count          = 3
  zone_id        = aws_route53_zone.main.zone_id
  name           = "geo.${var.domain}"
  type           = "A"
  set_identifier = element(["europe", "japan", "default"], count.index)

  geolocation_routing_policy {
    continent = count.index == 0 ? "EU" : null
    country   = count.index == 1 ? "JP" : (count.index == 2 ? "*" : null)
  }

  alias {
    name                   = count.index == 0 ? aws_lb.api_euw1.dns_name : aws_lb.api_use1.dns_name
    zone_id                = count.index == 0 ? aws_lb.api_euw1.zone_id : aws_lb.api_use1.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "static" {
  count   = var.static_sites
  zone_id = aws_route53_zone.main.zone_id
  name    = format("static%d.%s", count.index + 1, var.domain)
  type    = "A"
  ttl     = 300
  records = ["192.0.2.${10 + count.index}"]
}

resource "aws_route53_record" "cdn" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "cdn"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.site.domain_name
    zone_id                = aws_cloudfront_distribution.site.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_cloudfront_distribution" "site" {
  enabled = true
}

resource "aws_eip" "sorry" {
  domain = "vpc"
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
