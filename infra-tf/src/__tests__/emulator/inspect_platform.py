"""
Reads what the platform stack created in the emulator, through the AWS API (boto3), as one JSON
document on stdout. One process for all calls: starting the aws CLI per call costs a second each.

    python3 inspect_platform.py <endpoint-url> <name-prefix>
"""

import json
import sys

import boto3

endpoint, prefix = sys.argv[1], sys.argv[2]
session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


def client(name):
    return session.client(name, endpoint_url=endpoint)


elbv2, ecs, cw, ecr, cb, aas, ec2, asg, iam, logs = (
    client(n)
    for n in ("elbv2", "ecs", "cloudwatch", "ecr", "codebuild", "application-autoscaling", "ec2", "autoscaling", "iam", "logs")
)
out = {}

lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == prefix]
out["loadBalancers"] = [{"name": lb["LoadBalancerName"], "dns": lb["DNSName"], "securityGroups": lb["SecurityGroups"]} for lb in lbs]
out["listeners"] = []
for lb in lbs:
    for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
        rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        out["listeners"].append({
            "port": listener["Port"],
            "protocol": listener["Protocol"],
            "defaultActions": listener["DefaultActions"],
            "rules": [
                {"priority": r["Priority"], "conditions": r["Conditions"], "actions": r["Actions"]}
                for r in rules
                if r["Priority"] != "default"
            ],
        })

tgs = [tg for tg in elbv2.describe_target_groups()["TargetGroups"] if tg["TargetGroupName"].startswith(prefix + "-")]
out["targetGroups"] = []
for tg in tgs:
    attrs = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]}
    out["targetGroups"].append({
        "name": tg["TargetGroupName"],
        "arn": tg["TargetGroupArn"],
        "port": tg["Port"],
        "targetType": tg["TargetType"],
        "healthCheckPath": tg.get("HealthCheckPath"),
        "deregistrationDelay": attrs.get("deregistration_delay.timeout_seconds"),
    })

clusters = [c for c in ecs.describe_clusters(clusters=[prefix])["clusters"] if c["status"] == "ACTIVE"]
out["clusters"] = [{"name": c["clusterName"], "settings": c.get("settings", []), "capacityProviders": c.get("capacityProviders", [])} for c in clusters]
out["services"] = []
out["taskDefinitions"] = []
if clusters:
    arns = ecs.list_services(cluster=prefix)["serviceArns"]
    services = ecs.describe_services(cluster=prefix, services=arns)["services"] if arns else []
    for s in services:
        if s["status"] != "ACTIVE":
            continue
        out["services"].append({
            "name": s["serviceName"],
            "taskDefinition": s["taskDefinition"],
            "loadBalancers": s.get("loadBalancers", []),
            "capacityProviderStrategy": s.get("capacityProviderStrategy", []),
            "networkConfiguration": s.get("networkConfiguration", {}),
            "deploymentConfiguration": s.get("deploymentConfiguration", {}),
            "healthCheckGracePeriodSeconds": s.get("healthCheckGracePeriodSeconds"),
        })
        td = ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]
        out["taskDefinitions"].append({
            "family": td["family"],
            "networkMode": td.get("networkMode"),
            "cpu": td.get("cpu"),
            "memory": td.get("memory"),
            "executionRoleArn": td.get("executionRoleArn"),
            "taskRoleArn": td.get("taskRoleArn"),
            "containers": td["containerDefinitions"],
        })
out["activeTaskDefinitionFamilies"] = sorted(
    {arn.split("/")[-1].rsplit(":", 1)[0] for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"] if f"/{prefix}-" in arn}
)

alarms = [a for a in cw.describe_alarms()["MetricAlarms"] if a["AlarmName"].startswith(prefix + "-")]
out["alarms"] = [
    {
        "name": a["AlarmName"],
        "metricName": a.get("MetricName"),
        "namespace": a.get("Namespace"),
        "dimensions": {d["Name"]: d["Value"] for d in a.get("Dimensions", [])},
        "threshold": a.get("Threshold"),
        "comparison": a.get("ComparisonOperator"),
        "actions": a.get("AlarmActions", []),
        "hasMetricQueries": bool(a.get("Metrics")),
        "queries": [
            {
                "id": q["Id"],
                "expression": q.get("Expression"),
                "metricName": q.get("MetricStat", {}).get("Metric", {}).get("MetricName"),
                "dimensions": {
                    d["Name"]: d["Value"] for d in q.get("MetricStat", {}).get("Metric", {}).get("Dimensions", [])
                },
                "returnData": q.get("ReturnData", True),
            }
            for q in a.get("Metrics", [])
        ],
    }
    for a in alarms
]
policies = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
out["scalingPolicies"] = [
    {"name": p["PolicyName"], "arn": p["PolicyARN"], "resourceId": p["ResourceId"], "type": p["PolicyType"]}
    for p in policies
    if p["ResourceId"].startswith(f"service/{prefix}/")
]
targets = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
out["scalableTargets"] = [
    {"resourceId": t["ResourceId"], "min": t["MinCapacity"], "max": t["MaxCapacity"]} for t in targets if t["ResourceId"].startswith(f"service/{prefix}/")
]

repos = [r for r in ecr.describe_repositories()["repositories"] if r["repositoryName"].startswith(prefix + "/")]
out["repositories"] = []
for r in repos:
    lifecycle = ecr.get_lifecycle_policy(repositoryName=r["repositoryName"])["lifecyclePolicyText"]
    out["repositories"].append({
        "name": r["repositoryName"],
        "uri": r["repositoryUri"],
        "scanOnPush": r["imageScanningConfiguration"]["scanOnPush"],
        "lifecycle": json.loads(lifecycle),
    })

names = [n for n in cb.list_projects()["projects"] if n.startswith(prefix + "-")]
projects = cb.batch_get_projects(names=names)["projects"] if names else []
out["codebuildProjects"] = [
    {
        "name": p["name"],
        "source": p["source"],
        "privileged": p["environment"].get("privilegedMode"),
        "environmentVariables": {v["name"]: v["value"] for v in p["environment"].get("environmentVariables", [])},
        "serviceRole": p["serviceRole"],
    }
    for p in projects
]

vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{prefix}-vpc"]}])["Vpcs"]
out["vpcs"] = [v["VpcId"] for v in vpcs]
groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{prefix}-*"]}])["SecurityGroups"]
out["securityGroups"] = [
    {"id": g["GroupId"], "name": g["GroupName"], "ingress": g["IpPermissions"], "egress": g["IpPermissionsEgress"]} for g in groups
]
out["autoScalingGroups"] = [
    {"name": g["AutoScalingGroupName"], "tags": {t["Key"]: t["Value"] for t in g.get("Tags", [])}, "protectFromScaleIn": g["NewInstancesProtectedFromScaleIn"]}
    for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]
    if g["AutoScalingGroupName"].startswith(prefix + "-")
]
out["roles"] = sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix + "-"))
out["logGroups"] = sorted(
    g["logGroupName"] for g in logs.describe_log_groups()["logGroups"] if prefix in g["logGroupName"]
)
out["dashboards"] = [d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"] if d["DashboardName"].startswith(prefix + "-")]

json.dump(out, sys.stdout, default=str)
