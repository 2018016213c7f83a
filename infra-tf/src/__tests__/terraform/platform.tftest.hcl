# `terraform test` of the synthesized stack with a mocked AWS provider: applies the whole stack
# (every resource is "created" by the mock), asserts the outputs users and scripts read, then
# destroys it. Copied next to cdk.tf.json by src/__tests__/terraform-mock.test.ts.

mock_provider "aws" {
  # The mock's default list is empty; the network construct picks zones by index.
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["us-east-1a", "us-east-1b", "us-east-1c"]
      zone_ids = ["use1-az1", "use1-az2", "use1-az3"]
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      dns_name   = "mlip-dev-1234567890.us-east-1.elb.amazonaws.com"
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mlip-dev/0123456789abcdef"
      arn_suffix = "app/mlip-dev/0123456789abcdef"
    }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlip-dev/mock"
      arn            = "arn:aws:ecr:us-east-1:123456789012:repository/mlip-dev/mock"
    }
  }
mock_resource "aws_appautoscaling_policy" {
    defaults = {
      arn = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:00000000-0000-0000-0000-000000000000:resource/ecs/service/mlip-dev/mock:policyName/mock"
    }
  }
  mock_resource "aws_autoscaling_group" {
    defaults = {
      arn = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/mlip-dev-ecs"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/mock"
    }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock"
    }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = {
      arn = "arn:aws:ecs:us-east-1:123456789012:cluster/mlip-dev"
    }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = {
      arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/mock:1"
    }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = {
      arn = "arn:aws:iam::123456789012:instance-profile/mock"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mlip-dev/0123456789abcdef/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/mock/0123456789abcdef"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:mlip-dev-alarms"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
}

run "apply_whole_stack" {
  command = apply

  assert {
    condition     = output.platform_url == "http://mlip-dev-1234567890.us-east-1.elb.amazonaws.com"
    error_message = "platform_url must be the ALB's DNS name over HTTP when no certificate is set"
  }
  assert {
    condition     = output.yolo_api_base_url == "${output.platform_url}/yoloapi"
    error_message = "yolo_api_base_url must be the platform URL plus the catalogue prefix /yoloapi"
  }
  assert {
    condition     = output.depth_api_base_url == "${output.platform_url}/depthapi"
    error_message = "depth_api_base_url must be the platform URL plus the catalogue prefix /depthapi"
  }
  assert {
    condition     = output.codebuild_project_name == "mlip-dev-build"
    error_message = "codebuild_project_name must be <namePrefix>-build"
  }
  assert {
    condition     = output.ecs_cluster_name == "mlip-dev"
    error_message = "the ECS cluster is named after the name prefix"
  }
  assert {
    condition     = output.dashboard_url == "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=mlip-dev-platform"
    error_message = "dashboard_url must open the platform dashboard in the stack's region"
  }
  assert {
    condition     = startswith(output.webapp_ecr_repository_url, "123456789012.dkr.ecr.us-east-1.amazonaws.com/")
    error_message = "ECR repository URLs are output"
  }
}
