# Terraform 0.11: every expression interpolated in a string.
variable "zone_name" {
  default = "legacy.example.org"
}

variable "weights" {
  type    = "list"
  default = ["10", "90"]
}

variable "elb_names" {
  type = "map"
  default = {
    "0" = "blue"
    "1" = "green"
  }
}

provider "aws" {
  region = "us-west-2"
}

resource "aws_route53_zone" "primary" {
  name = "${var.zone_name}"
}

resource "aws_elb" "web" {
  count              = 2
  name               = "${lookup(var.elb_names, count.index)}"
  availability_zones = ["us-west-2a", "us-west-2b", "us-west-2c"]

  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }

  health_check {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:80/"
    interval            = 10
  }
}

resource "aws_route53_record" "www" {
  count          = "${length(var.weights)}"
  zone_id        = "${aws_route53_zone.primary.zone_id}"
  name           = "www.${var.zone_name}"
  type           = "A"
  set_identifier = "${lookup(var.elb_names, count.index)}"

  weighted_routing_policy {
    weight = "${element(var.weights, count.index)}"
  }

  alias {
    name                   = "${element(aws_elb.web.*.dns_name, count.index)}"
    zone_id                = "${element(aws_elb.web.*.zone_id, count.index)}"
    evaluate_target_health = true
  }
}
